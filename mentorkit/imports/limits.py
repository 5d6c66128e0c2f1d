"""How big a file the importer reads, and the checks made before reading it.

A file is refused, in a second or two and before any table is built, when it is larger than
:attr:`Limits.max_bytes`; a CSV file when its header has more than
:attr:`Limits.max_columns` cells or its lines times its columns exceed
:attr:`Limits.max_cells`; an Excel workbook when its zip members would unpack to more than
:attr:`Limits.max_unpacked_bytes`, or one member of over a megabyte unpacks more than
:attr:`Limits.max_ratio` times (a zip bomb), all read from the zip's directory before
openpyxl opens it, and then when the sheet's own XML (counted by :func:`sheet_facts`, not by
openpyxl) has too many columns or cells. Reading that takes longer than
:attr:`Limits.max_seconds` is stopped. A JSON cell nested deeper than
:attr:`Limits.max_json_depth` is refused (the parser would otherwise run out of stack).

The limits are named once, here (:data:`LIMITS`); pass another :class:`Limits` to
:func:`~mentorkit.imports.reading.read_bytes` for a programme that needs more.

Example
-------
>>> LIMITS.max_columns, LIMITS.max_seconds
(500, 60.0)
>>> facts = sheet_facts(b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="C1"/></row>'
...                     b'</sheetData><mergeCells><mergeCell ref="B4:B7"/></mergeCells>')
>>> facts.rows, facts.columns, facts.cells, facts.merged, facts.has_data
(1, 3, 2, ['B4:B7'], True)
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from mentorkit.imports.columns import column_letter
from mentorkit.model.validation import Problem

__all__ = ["LIMITS", "Limits", "SheetFacts", "columns_text", "json_depth", "sheet_facts",
           "too_big", "zip_problem"]

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The largest file the importer reads; anything larger is refused before it is read.

    Attributes
    ----------
    max_bytes:
        The file's size (100 MiB: ten times a 100,000-row export of people).
    max_columns:
        Cells in the header row, or columns of a sheet (500; the widest table has fewer than
        60 columns).
    max_cells:
        Rows times columns (5,000,000: 100,000 rows of 50 columns).
    max_unpacked_bytes:
        What an ``.xlsx`` file's zip members unpack to, together (200 MiB).
    max_ratio:
        How many times a zip member of over a megabyte may unpack to its packed size (200;
        a sheet unpacks 5 to 30 times, a zip bomb a thousand times).
    max_seconds:
        Reading one file (60 s); reading is stopped when it takes longer.
    max_json_depth:
        Nesting of a JSON cell (20; a score breakdown is one level deep).
    """

    max_bytes: int = 100 * MIB
    max_columns: int = 500
    max_cells: int = 5_000_000
    max_unpacked_bytes: int = 200 * MIB
    max_ratio: float = 200.0
    max_seconds: float = 60.0
    max_json_depth: int = 20


#: The limits the importer reads files with.
LIMITS = Limits()

_RATIO_FROM = MIB  # small members (styles, a short sheet) may pack very well
_P = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an element, with or without a namespace prefix
_CELL = re.compile(_P + rb"c(?=[\s>/])")
_CELL_REF = re.compile(_P + rb"c\s[^>]*?\br=\"([A-Z]{1,3})[0-9]")
_ROW = re.compile(_P + rb"row(?=[\s>/])")
_ROW_REF = re.compile(_P + rb"row\s[^>]*?\br=\"([0-9]{1,9})\"")
_MERGED = re.compile(_P + rb"mergeCell\s[^>]*?\bref=\"([A-Za-z0-9:$]{1,40})\"")
_DATA = re.compile(_P + rb"(?:v|is|f)(?=[\s>/])")


@dataclass
class SheetFacts:
    """What a sheet's XML holds, counted without building it: rows and columns as a reader
    pads them (the last row's and column's numbers), cells written, merged ranges, and
    whether any cell holds a value or formula."""

    rows: int
    columns: int
    cells: int
    merged: list[str] = field(default_factory=list)
    has_data: bool = False


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def sheet_facts(xml: bytes) -> SheetFacts:
    """Count a worksheet's rows, columns, cells and merged ranges from its XML.

    Columns are the highest column a cell names, or the most cells in one row where cells
    name no column; rows the highest row number or the number of rows written.

    Example
    -------
    >>> sheet_facts(b'<row><c><v>1</v></c><c/></row><row r="9"/>').rows
    9
    """
    cells = len(_CELL.findall(xml))
    refs = set(_CELL_REF.findall(xml))
    columns = max((_column_number(r) for r in refs), default=0)
    if cells > len(_CELL_REF.findall(xml)):  # some cells name no column: count per row
        starts = [m.start() for m in _ROW.finditer(xml)] + [len(xml)]
        widest = max((len(_CELL.findall(xml, a, b)) for a, b in zip(starts, starts[1:])),
                     default=cells)
        columns = max(columns, widest)
    rows = max([len(_ROW.findall(xml))] + [int(r) for r in _ROW_REF.findall(xml)])
    merged = [m.decode("ascii").replace("$", "") for m in _MERGED.findall(xml)]
    return SheetFacts(rows=rows, columns=columns, cells=cells, merged=merged,
                      has_data=_DATA.search(xml) is not None)


def zip_problem(book: zipfile.ZipFile, limits: Limits = LIMITS) -> str | None:
    """Why an ``.xlsx`` file's zip must not be unpacked (too big, a zip bomb), or ``None``.

    Read from the zip's directory only; Python's zipfile then stops any member at the size
    the directory gives (a member that claims less and holds more is a damaged file).

    Example
    -------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 2_000_000)
    >>> zip_problem(zipfile.ZipFile(buffer))[:60]
    'a member of the workbook (xl/worksheets/sheet1.xml) unpacks '
    """
    members = book.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        return (f"the workbook unpacks to {total / MIB:,.0f} MiB, more than the limit of "
                f"{limits.max_unpacked_bytes / MIB:,.0f} MiB (a zip bomb, or a table too big "
                "to import at once)")
    for member in members:
        if member.file_size > _RATIO_FROM and \
                member.file_size > limits.max_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            return (f"a member of the workbook ({member.filename[:60]}) unpacks {ratio:,.0f} "
                    f"times its size, more than the limit of {limits.max_ratio:,.0f} "
                    "(a zip bomb)")
    return None


def too_big(rule: str, value: str | None = None) -> Problem:
    """The problem of a file beyond a limit: ``rule`` names the limit; ``value`` (a sheet's
    name) is shown to the uploader only, never in a message or log.

    Example
    -------
    >>> too_big("the header row has 600 columns, more than the limit of 500").rule
    'the header row has 600 columns, more than the limit of 500; the file was not read'
    """
    return Problem(None, "", f"{rule}; the file was not read",
                   "a smaller file: split the table into several files, or remove empty "
                   "columns and rows", value)


def json_depth(value: object) -> int:
    """How deeply lists and objects nest in a parsed JSON value (without recursion).

    Example
    -------
    >>> json_depth({"a": [1, {"b": 2}]}), json_depth(3)
    (3, 0)
    """
    deepest, todo = 0, [(value, 1)]
    while todo:
        current, depth = todo.pop()
        if isinstance(current, dict):
            children = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in children)
    return deepest


def columns_text(count: int) -> str:
    """``count`` columns, with the last one's letter (``"16,384 columns (A to XFD)"``)."""
    return f"{count:,} columns (A to {column_letter(count - 1)})" if count else "no columns"

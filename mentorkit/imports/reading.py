"""From a file's bytes to a table of text cells: encodings, separators, Excel, junk.

CSV files may be UTF-8 (with or without a byte-order mark) or Windows/latin-1 (cp1252;
æ, ø, å intact) and separated by ``;``, ``,`` or tabs; the separator is the one that makes
the most known column names out of the header (or the one a first line ``sep=;`` names, as
Excel writes it). Excel files are read with openpyxl: the one visible
sheet with data (hidden sheets are never read; a workbook with several visible sheets with
data is refused, naming them; a sheet with merged cells is refused, naming the ranges: see
:mod:`.sheets`); the header is its first non-empty row. Every cell is read as text, so ids,
postcodes
and phone numbers keep their leading zeros; typing happens in :mod:`.parsing`.

Files that are not tables (empty, binary, UTF-16, old ``.xls``, a picture) are refused with
a problem that says what to do, and so are files beyond the :mod:`~mentorkit.imports.limits`
(columns, cells, size, unpacked size and packing ratio of a workbook, time), checked before
the file is parsed. Nothing here raises on a bad file: problems are returned.

Example
-------
>>> raw = read_bytes(b"first_name;postcode\\nAnna;0800\\n", "x.csv")
>>> raw.frame.loc[2, "postcode"], raw.separator, raw.encoding
('0800', ';', 'utf-8')
"""

from __future__ import annotations

import csv
import io
import re
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mentorkit.imports.columns import ALL_KNOWN, column_letter, normalise_header
from mentorkit.imports.limits import LIMITS, Limits, too_big, zip_problem
from mentorkit.imports.sheets import choose_sheet, sheet_problem, sheet_rows
from mentorkit.model.frames import as_int
from mentorkit.model.validation import Problem

__all__ = ["RawTable", "read_bytes", "read_path"]

SEPARATORS = (";", ",", "\t")
MAGIC = {
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"GIF8": "a GIF picture",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file; save it as .xlsx or CSV UTF-8",
    b"\x1f\x8b": "a gzip archive",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SEP_LINE = re.compile(r"\Asep=([;,\t|])[ \t]*\r?\n", re.IGNORECASE)
LINE_IN_ERROR = re.compile(r"line (\d+)|row (\d+)")
CSV_HELP = "a table saved as CSV (UTF-8) or Excel (.xlsx), with a header row"


@dataclass
class RawTable:
    """A file's cells as text.

    ``frame`` has one column per named header (normalised names, see
    :func:`~mentorkit.imports.columns.normalise_header`), text cells (``""`` when empty)
    and the spreadsheet row numbers as index. ``frame`` is ``None`` when the file could not
    be read as a table at all.
    """

    frame: pd.DataFrame | None
    letters: dict[str, str] = field(default_factory=dict)
    header_row: int = 1
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    separator: str | None = None


def _refuse(rule: str, allowed: str = CSV_HELP, value: str | None = None) -> RawTable:
    return RawTable(None, problems=[Problem(None, "", rule, allowed, value)])


def _too_big(rule: str, value: str | None = None) -> RawTable:
    return RawTable(None, problems=[too_big(rule, value)])


def read_path(path: str | Path, limits: Limits = LIMITS) -> RawTable:
    """Read a ``.csv`` or ``.xlsx`` file (by its suffix) into text cells.

    A file larger than ``limits.max_bytes`` is refused before it is read.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return _too_big(f"the file is {size / 2**20:,.0f} MiB, more than the limit of "
                            f"{limits.max_bytes / 2**20:,.0f} MiB")
        data = path.read_bytes()
    except OSError as err:
        return _refuse(f"the file cannot be read ({err.strerror or type(err).__name__})",
                       "a readable file")
    return read_bytes(data, path.name, limits)


def read_bytes(data: bytes, name: str, limits: Limits = LIMITS) -> RawTable:
    """Read a file's bytes; ``name``'s suffix says whether it is CSV or Excel.

    A file beyond ``limits`` (see :class:`~mentorkit.imports.limits.Limits`) is refused
    before it is parsed, with a problem that names the limit.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        return _refuse(f"unsupported file type {suffix or '(none)'!r}",
                       "a .csv or .xlsx file")
    if len(data) > limits.max_bytes:
        return _too_big(f"the file is {len(data) / 2**20:,.0f} MiB, more than the limit of "
                        f"{limits.max_bytes / 2**20:,.0f} MiB")
    if not data.strip():
        return _refuse("the file is empty", "a header row and at least one data row")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, limits)
    return _read_csv(data, limits)


def _sniff_binary(data: bytes) -> str | None:
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "an Excel (.xlsx) or other zip file, not CSV; give it the suffix .xlsx"
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            return what
    if head.startswith(UTF16_BOMS) or data[:200].count(b"\x00") > 10:
        return ("UTF-16 text ('Unicode text' in Excel) or binary data; "
                "save it as 'CSV UTF-8 (comma delimited)'")
    if b"\x00" in data:
        return "binary data"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _choose_separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    best, best_score = ",", (-1, -1)
    for sep in SEPARATORS:
        try:
            cells = next(csv.reader([first], delimiter=sep))
        except (csv.Error, StopIteration):
            continue
        score = (sum(normalise_header(c) in ALL_KNOWN for c in cells), first.count(sep))
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv_size_problem(text: str, limits: Limits) -> str | None:
    """Too many columns or cells, counted on the text before any table is made."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    widest = 0
    for sep in SEPARATORS:
        if first.count(sep) + 1 > limits.max_columns:  # quotes may hide separators: count
            try:
                widest = max(widest, len(next(csv.reader([first], delimiter=sep))))
            except (csv.Error, StopIteration):
                continue
    if widest > limits.max_columns:
        return (f"the header row has {widest:,} columns, more than the limit of "
                f"{limits.max_columns:,}")
    columns = max(first.count(sep) for sep in SEPARATORS) + 1
    lines = text.count("\n") + 1
    if lines * columns > limits.max_cells:
        return (f"the file has {lines:,} lines of up to {columns:,} cells, more than the "
                f"limit of {limits.max_cells:,} cells")
    return None


def _read_csv(data: bytes, limits: Limits = LIMITS) -> RawTable:
    binary = _sniff_binary(data)
    if binary:
        return _refuse(f"this is not a CSV file: it looks like {binary}")
    text, encoding = _decode(data)
    if len(CONTROL.findall(text[:100_000])) > max(3, len(text[:100_000]) // 200):
        return _refuse("this is not a CSV file: it holds binary data (control characters)")
    if not text.strip():
        return _refuse("the file is empty", "a header row and at least one data row")
    declared = SEP_LINE.match(text)
    offset = 0
    if declared:  # Excel's "sep=;" first line: use it, and count it in the row numbers
        text, offset = text[declared.end():], 1
    over = _csv_size_problem(text, limits)  # before the header is looked at or parsed
    if over:
        return _too_big(over)
    sep = declared.group(1) if declared else _choose_separator(text)
    try:
        cells = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                            keep_default_na=False, na_filter=False, skip_blank_lines=False,
                            engine="c", quotechar='"', doublequote=True)
    except pd.errors.EmptyDataError:
        return _refuse("the file is empty", "a header row and at least one data row")
    except (pd.errors.ParserError, ValueError, csv.Error, OverflowError) as err:
        found = LINE_IN_ERROR.search(str(err))
        row = None
        if found:
            row = offset + (int(found.group(1)) if found.group(1) else int(found.group(2)) + 1)
        rule = ("a quote (\") is never closed" if "EOF" in str(err)
                else "this row has more cells than the header")
        allowed = (f"one cell per header column, separated by {sep!r}; "
                   "put quotes around text that contains it")
        return RawTable(None, problems=[Problem(row, "", rule, allowed)],
                        encoding=encoding, separator=sep)
    cells = cells.fillna("")
    cells.index = np.arange(1, len(cells) + 1) + offset
    raw = _table(cells)
    raw.encoding, raw.separator = encoding, sep
    return raw


def _read_xlsx(data: bytes, limits: Limits = LIMITS) -> RawTable:
    if not data.startswith(b"PK\x03\x04"):
        what = _sniff_binary(data) or "text, not an Excel workbook"
        return _refuse(f"this is not an .xlsx file: it looks like {what}",
                       "an Excel workbook saved as .xlsx")
    started = time.monotonic()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        return _refuse(f"the workbook cannot be read ({type(err).__name__})",
                       "an Excel workbook saved as .xlsx")
    over = zip_problem(archive, limits)  # from the zip's directory: nothing unpacked yet
    if over:
        return _too_big(over)
    import openpyxl

    problems: list[Problem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                chosen = choose_sheet(book, archive)
                if isinstance(chosen, Problem):
                    return RawTable(None, problems=[chosen])
                sheet, facts = chosen
                refused = sheet_problem(sheet.title, facts, limits)
                if refused is not None:
                    return RawTable(None, problems=[refused])
                rows = sheet_rows(sheet, problems, started, limits)
                if isinstance(rows, Problem):
                    return RawTable(None, problems=[rows])
            finally:
                book.close()
    except Exception as err:  # openpyxl raises many kinds on a damaged workbook
        return _refuse(f"the workbook cannot be read ({type(err).__name__})",
                       "an Excel workbook saved as .xlsx")
    width = max((len(r) for r in rows), default=0)
    if not width:
        return _refuse("the visible sheet is empty",
                       "a header row and at least one data row on the visible sheet "
                       "(hidden sheets are not read)", sheet.title)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="str")
    cells.index = np.arange(1, len(cells) + 1)
    raw = _table(cells)
    # problems in the rows before the header (none) or in the header itself keep their place
    raw.problems = problems + raw.problems
    raw.encoding = "xlsx"
    return raw


def _table(cells: pd.DataFrame) -> RawTable:
    """Split the header row off ``cells`` (text, index = row numbers) and name the columns.

    The header is the first row with any text (title rows above it are not supported, but
    blank rows are skipped).
    """
    cells = cells.apply(lambda c: c.astype("str").str.strip())
    filled = (cells != "").any(axis=1)
    if filled.any():
        cells = cells.loc[as_int(filled.idxmax()):]
    header_row = int(cells.index[0])
    header = [str(h) for h in cells.iloc[0].tolist()]
    body = cells.iloc[1:]
    problems: list[Problem] = []
    names: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, text in enumerate(header):
        name = normalise_header(text)
        letter = column_letter(position)
        column = body.iloc[:, position]
        if not name:
            if (column != "").any():
                problems.append(Problem(header_row, letter, "column without a name",
                                        "every column with data needs a name in the header row"))
            continue
        if name in seen:
            problems.append(Problem(header_row, letter, "column given twice",
                                    f"each column once (also in column {seen[name]})", text))
            continue
        seen[name] = letter
        names[position] = name
    frame = body.iloc[:, list(names)].copy()
    frame.columns = list(names.values())
    if len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    else:
        frame = frame.iloc[0:0]
    return RawTable(frame, letters={n: column_letter(p) for p, n in names.items()},
                    header_row=header_row, problems=problems)

"""From a file's bytes to a table of text cells: encodings, separators, Excel, junk.

CSV files may be UTF-8 (with or without a byte-order mark) or Windows/latin-1 (cp1252;
æ, ø, å intact) and separated by ``;``, ``,`` or tabs; the separator is the one that makes
the most known column names out of the header (or the one a first line ``sep=;`` names, as
Excel writes it). Excel files are read with openpyxl: the one visible
sheet with data (hidden sheets are never read; a workbook with several visible sheets with
data is refused, naming them; a sheet with merged cells is refused, naming the ranges); the
header is its first non-empty row. Every cell is read as text, so ids, postcodes
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
import datetime as dt
import io
import re
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.imports.columns import ALL_KNOWN, column_letter, normalise_header
from mentorkit.imports.limits import LIMITS, Limits, SheetFacts, sheet_facts, zip_problem
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
    """A file beyond a limit; ``value`` is the sheet's name (shown to the uploader only: a
    name typed into the file stays out of messages and logs, as every value does)."""
    return _refuse(f"{rule}; the file was not read",
                   "a smaller file: split the table into several files, or remove empty "
                   "columns and rows", value)


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
    too_big = _csv_size_problem(text, limits)  # before the header is looked at or parsed
    if too_big:
        return _too_big(too_big)
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


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


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
    too_big = zip_problem(archive, limits)  # from the zip's directory: nothing unpacked yet
    if too_big:
        return _too_big(too_big)
    import openpyxl

    problems: list[Problem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                chosen = _choose_sheet(book, archive)
                if isinstance(chosen, RawTable):
                    return chosen
                sheet, facts = chosen
                refused = _sheet_problem(sheet.title, facts, limits)
                if refused is not None:
                    return refused
                rows = _sheet_rows(sheet, problems, started, limits)
                if isinstance(rows, RawTable):
                    return rows
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


def _choose_sheet(book: Any, archive: zipfile.ZipFile) -> tuple[Any, SheetFacts] | RawTable:
    """The one visible worksheet with data (hidden ones are never read), with its facts."""
    visible = []
    for sheet in book.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        path = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
        visible.append((sheet, sheet_facts(archive.read(path))))
    if not visible:
        return _refuse("the workbook has no visible sheet",
                       "one visible sheet holding the table")
    with_data = [(s, f) for s, f in visible if f.has_data]
    if len(with_data) > 1:
        names = ", ".join(repr(s.title) for s, _ in with_data)
        return _refuse(f"the workbook has {len(with_data)} visible sheets with data; which one "
                       "to import is not clear",
                       "one visible sheet with the table: delete or hide the others, or "
                       "save that sheet alone", names)
    return (with_data or visible)[0]


def _sheet_problem(title: str, facts: SheetFacts, limits: Limits) -> RawTable | None:
    if facts.merged:
        shown = ", ".join(facts.merged[:5]) + (", …" if len(facts.merged) > 5 else "")
        return _refuse(f"the sheet has {len(facts.merged)} merged cell range(s): {shown}",
                       "one value per cell: unmerge the cells (Home > Merge & Center) and "
                       "fill in every row", title)
    if facts.columns > limits.max_columns:
        return _too_big(f"the sheet has {facts.columns:,} columns (up to "
                        f"{column_letter(facts.columns - 1)}), more than the limit of "
                        f"{limits.max_columns:,}", title)
    if facts.rows * facts.columns > limits.max_cells:
        return _too_big(f"the sheet has {facts.rows:,} rows of {facts.columns:,} columns, "
                        f"more than the limit of {limits.max_cells:,} cells", title)
    return None


def _sheet_rows(sheet: Any, problems: list[Problem], started: float,
                limits: Limits) -> list[list[str]] | RawTable:
    rows: list[list[str]] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number % 1000 == 0 and time.monotonic() - started > limits.max_seconds:
            return _too_big(f"reading the sheet took longer than the limit of "
                            f"{limits.max_seconds:,.0f} seconds (stopped at row {number:,})",
                            sheet.title)
        texts = []
        for position, cell in enumerate(row):
            kind = getattr(cell, "data_type", None)
            if kind == "f":
                problems.append(Problem(
                    number, column_letter(position), "formula",
                    "a typed value, not a formula: copy the column and "
                    "'paste values' before importing", str(cell.value)))
                texts.append("")
                continue
            if kind == "e":
                problems.append(Problem(number, column_letter(position),
                                        "Excel error value",
                                        "a value, not an error like #N/A",
                                        str(cell.value)))
                texts.append("")
                continue
            texts.append(_xlsx_text(cell.value))
        rows.append(texts)
    return rows


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

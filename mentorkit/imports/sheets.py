"""Which sheet of a workbook is read, whether it may be, and its rows as text.

The sheet read is the one **visible** worksheet with data: hidden and "very hidden" sheets
are never read, even first; several visible sheets with data are refused (the uploader is
shown their names). A sheet with merged cells is refused, naming the ranges (a merged cell
leaves every row but its first blank), and so is one beyond the
:mod:`~mentorkit.imports.limits`, counted from its XML before a row is read. Rows are read
until the time limit; every cell becomes text (formulas and error values are problems).

Example
-------
>>> import io, zipfile, openpyxl
>>> book = openpyxl.Workbook()
>>> book.active.append(["first_name"])
>>> hidden = book.create_sheet("old", 0)
>>> hidden.append(["x"]); hidden.sheet_state = "hidden"
>>> buffer = io.BytesIO(); book.save(buffer)
>>> read = openpyxl.load_workbook(buffer, read_only=True)
>>> sheet, facts = choose_sheet(read, zipfile.ZipFile(buffer))
>>> sheet.title, facts.columns
('Sheet', 1)
"""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from typing import Any

from mentorkit.imports.columns import column_letter
from mentorkit.imports.limits import Limits, SheetFacts, sheet_facts, too_big
from mentorkit.model.validation import Problem

__all__ = ["choose_sheet", "sheet_problem", "sheet_rows", "xlsx_text"]


def xlsx_text(value: object) -> str:
    """A cell's value as the text the importer types (dates ``yyyy-mm-dd``).

    Example
    -------
    >>> xlsx_text(dt.datetime(2026, 1, 5)), xlsx_text(12.0), xlsx_text(None)
    ('2026-01-05', '12', '')
    """
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


def choose_sheet(book: Any, archive: zipfile.ZipFile) -> tuple[Any, SheetFacts] | Problem:
    """The one visible worksheet with data of an openpyxl ``book`` (read-only) and its facts
    (:func:`~mentorkit.imports.limits.sheet_facts`, from ``archive``, the same file), or the
    problem why none can be chosen. Hidden ones are never read."""
    visible = []
    for sheet in book.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        path = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
        visible.append((sheet, sheet_facts(archive.read(path))))
    if not visible:
        return Problem(None, "", "the workbook has no visible sheet",
                       "one visible sheet holding the table")
    with_data = [(s, f) for s, f in visible if f.has_data]
    if len(with_data) > 1:
        names = ", ".join(repr(s.title) for s, _ in with_data)
        return Problem(None, "", f"the workbook has {len(with_data)} visible sheets with data; "
                       "which one to import is not clear",
                       "one visible sheet with the table: delete or hide the others, or "
                       "save that sheet alone", names)
    return (with_data or visible)[0]


def sheet_problem(title: str, facts: SheetFacts, limits: Limits) -> Problem | None:
    """Why the sheet must not be read (merged cells, too many columns or cells), or None.

    Example
    -------
    >>> from mentorkit.imports.limits import LIMITS
    >>> sheet_problem("Ark1", SheetFacts(10, 3, 30, ["B4:B7"]), LIMITS).rule
    'the sheet has 1 merged cell range(s): B4:B7'
    """
    if facts.merged:
        shown = ", ".join(facts.merged[:5]) + (", …" if len(facts.merged) > 5 else "")
        return Problem(None, "", f"the sheet has {len(facts.merged)} merged cell range(s): "
                       f"{shown}",
                       "one value per cell: unmerge the cells (Home > Merge & Center) and "
                       "fill in every row", title)
    if facts.columns > limits.max_columns:
        return too_big(f"the sheet has {facts.columns:,} columns (up to "
                       f"{column_letter(facts.columns - 1)}), more than the limit of "
                       f"{limits.max_columns:,}", title)
    if facts.rows * facts.columns > limits.max_cells:
        return too_big(f"the sheet has {facts.rows:,} rows of {facts.columns:,} columns, "
                       f"more than the limit of {limits.max_cells:,} cells", title)
    return None


def sheet_rows(sheet: Any, problems: list[Problem], started: float,
               limits: Limits) -> list[list[str]] | Problem:
    """Every row of ``sheet`` as text; formulas and error values added to ``problems``.

    Reading stops with a problem once ``limits.max_seconds`` have passed since ``started``
    (a ``time.monotonic()``), checked every 1,000 rows.
    """
    rows: list[list[str]] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number % 1000 == 0 and time.monotonic() - started > limits.max_seconds:
            return too_big(f"reading the sheet took longer than the limit of "
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
                problems.append(Problem(number, column_letter(position), "Excel error value",
                                        "a value, not an error like #N/A", str(cell.value)))
                texts.append("")
                continue
            texts.append(xlsx_text(cell.value))
        rows.append(texts)
    return rows

"""The attack: files built to hang, exhaust or mislead the importer.

Each file is refused with a problem that names the limit it broke (the import's summary also
names the file), before the parser that would hang is called (pandas' ``read_csv``,
openpyxl's ``load_workbook`` or its row reader are replaced by a function that fails the
test), and nothing is written to the store. Workbooks: the visible sheet is read, not a
hidden one; several visible sheets with data, and merged cells, are refused by name. A JSON
cell nested 5,000 deep is a problem of its cell, not a ``RecursionError``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from mentorkit.errors import ImportFailed
from mentorkit.imports import export_table, import_file, importable_view
from mentorkit.imports.limits import LIMITS, Limits
from mentorkit.imports.reading import read_bytes, read_path
from mentorkit.imports.report import ImportReport
from mentorkit.store import Store

SHEET = "xl/worksheets/sheet1.xml"


def _counts(store: Store) -> tuple[int, int]:
    return len(store.table("person")), len(store.table("audit"))


def _refused(store: Store, path: Path, kind: str = "mentees") -> str:
    """Import ``path``; it must fail and write nothing. The summary, every rule, and the
    report shown to the uploader (with the values), joined by ``||``."""
    before = _counts(store)
    with pytest.raises(ImportFailed) as failed:
        import_file(store, path, kind, actor="test")
    assert _counts(store) == before
    report = failed.value.report
    assert isinstance(report, ImportReport)
    rules = "; ".join(p.rule for p in report.problems)
    return f"{failed.value} || {rules} || {report.to_text(show_values=True)}"


def _message(said: str) -> str:
    """The summary and rules only: what may reach a log."""
    return said.rsplit(" || ", 1)[0]


def _never(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the parser was called on a file that breaks a limit")


@pytest.fixture
def no_csv_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pd, "read_csv", _never)


@pytest.fixture
def no_workbook_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "load_workbook", _never)


@pytest.fixture
def no_row_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", _never)


# --- CSV ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("no_csv_parser")
@pytest.mark.parametrize("width, before", [(1_000_000, ""), (50_000, ""), (50_000, "sep=;\n"),
                                           (50_000, "\r\n\n")])
def test_a_csv_with_too_many_columns_is_refused_before_parsing(small_store: Store,
                                                               tmp_path: Path, width: int,
                                                               before: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(before + ";".join(f"c{i}" for i in range(width)) + "\n"
                    + "1;" * (width - 1) + "1\n")
    said = _refused(small_store, path)
    assert said.startswith("wide.csv (mentees): 1 problem(s)")
    assert f"the header row has {width:,} columns, more than the limit of 500" in said


@pytest.mark.usefixtures("no_csv_parser")
def test_a_csv_with_too_many_cells_is_refused_before_parsing(small_store: Store,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("first_name;last_name;email;phone;postcode;notes\n" + "a;b;c;d;e;f\n" * 850_000)
    said = _refused(small_store, path)
    assert "850,002 lines of up to 6 cells, more than the limit of 5,000,000 cells" in said


def test_a_file_over_the_size_limit_is_not_even_read(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"first_name\n" + b"x\n" * 600_000)
    monkeypatch.setattr(Path, "read_bytes", _never)
    raw = read_path(path, Limits(max_bytes=1024 * 1024))
    assert raw.frame is None
    assert raw.problems[0].rule == ("the file is 1 MiB, more than the limit of 1 MiB; "
                                    "the file was not read")


# --- Excel: limits --------------------------------------------------------------------------

def _workbook(path: Path, sheet_xml: bytes | None = None) -> Path:
    """A real one-sheet workbook from openpyxl, its sheet's XML replaced by ``sheet_xml``."""
    book = openpyxl.Workbook()
    book.active.append(["first_name", "email"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == SHEET and sheet_xml is not None:
                with target.open(SHEET, "w") as fh:
                    fh.write(sheet_xml)
            else:
                target.writestr(item, source.read(item.filename))
    return path


def _sheet(rows: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
            + b"</sheetData></worksheet>")


@pytest.mark.usefixtures("no_workbook_parser")
def test_an_xlsx_zip_bomb_is_refused_from_the_zip_directory(small_store: Store,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    _workbook(path, _sheet(row * (LIMITS.max_unpacked_bytes // len(row) + 1)))
    assert path.stat().st_size < 2 * 1024 * 1024  # packs a thousand times
    said = _refused(small_store, path)
    assert said.startswith("bomb.xlsx (mentees): 1 problem(s)")
    assert "the workbook unpacks to 200 MiB, more than the limit of 200 MiB" in said


@pytest.mark.usefixtures("no_workbook_parser")
def test_a_member_packed_like_a_bomb_is_refused_by_its_ratio(small_store: Store,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    _workbook(path, _sheet(b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 400_000))
    said = _refused(small_store, path)
    assert f"a member of the workbook ({SHEET}) unpacks" in said
    assert "times its size, more than the limit of 200 (a zip bomb)" in said


@pytest.mark.usefixtures("no_row_reader")
def test_a_sheet_reaching_column_xfd_is_refused_before_its_rows_are_read(
        small_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "xfd.xlsx"
    _workbook(path, _sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>first_name</t></is>'
                           b'</c><c r="XFD1"><v>1</v></c></row>'))
    said = _refused(small_store, path)
    assert "the sheet has 16,384 columns (up to XFD), more than the limit of 500" in said


@pytest.mark.usefixtures("no_row_reader")
def test_a_sheet_with_too_many_cells_is_refused_before_its_rows_are_read(
        small_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cells.xlsx"
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="SF%d"/></row>' % (n, n, n)
                    for n in range(1, 10_002))
    _workbook(path, _sheet(rows))
    said = _refused(small_store, path)
    assert ("the sheet has 10,001 rows of 500 columns, more than the limit of "
            "5,000,000 cells") in said


def test_reading_stops_at_the_time_limit(tmp_path: Path) -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                    for n in range(1, 3001))
    data = _workbook(tmp_path / "slow.xlsx", _sheet(rows)).read_bytes()
    assert read_bytes(data, "slow.xlsx").frame is not None  # within the default limits
    raw = read_bytes(data, "slow.xlsx", Limits(max_seconds=0))
    assert raw.frame is None
    assert raw.problems[0].rule.startswith(
        "reading the sheet took longer than the limit of 0 seconds (stopped at row ")
    assert raw.problems[0].value == "Sheet"


# --- Excel: which sheet ---------------------------------------------------------------------

@pytest.fixture
def new_mentees(small_store: Store) -> pd.DataFrame:
    """Two mentees of the store's programmes as the import format has them, new people
    (e-mails, phones and names the store does not have, so not likely duplicates)."""
    rows = importable_view(small_store, "mentees").head(2).copy()
    rows["email"] = ["visible.one@example.org", "visible.two@example.org"]
    rows["phone"] = ["+45 11 22 33 01", "+45 11 22 33 02"]
    rows["first_name"], rows["last_name"] = ["Synlig", "Synlig"], ["Første", "Anden"]
    return rows


def _with_hidden_first_sheet(path: Path, state: str) -> None:
    book = openpyxl.load_workbook(path)
    hidden = book.create_sheet("Gammel liste", 0)
    hidden.append(["first_name", "email"])
    hidden.append(["Old", "old.hidden@example.org"])
    hidden.sheet_state = state
    book.active = 1
    book.save(path)


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_the_visible_sheet_is_imported_never_a_hidden_first_one(
        small_store: Store, tmp_path: Path, new_mentees: pd.DataFrame, state: str) -> None:
    path = export_table(new_mentees, tmp_path / "mentees.xlsx", table="mentees")
    _with_hidden_first_sheet(path, state)
    assert openpyxl.load_workbook(path).worksheets[0].sheet_state == state
    report = import_file(small_store, path, "mentees", actor="test")
    assert report.inserted == 2
    emails = set(small_store.table("person")["email"])
    assert {"visible.one@example.org", "visible.two@example.org"} <= emails
    assert "old.hidden@example.org" not in emails


def test_two_visible_sheets_with_data_are_refused_naming_them(
        small_store: Store, tmp_path: Path, new_mentees: pd.DataFrame) -> None:
    path = export_table(new_mentees, tmp_path / "two.xlsx", table="mentees")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Noter").append(["first_name", "email"])
    book.save(path)
    said = _refused(small_store, path)
    assert ("the workbook has 2 visible sheets with data; which one to import is not clear"
            in _message(said))
    assert "'mentees', 'Noter'" in said  # named to the uploader, never in a message or log
    assert "Noter" not in _message(said)


def test_merged_cells_are_refused_naming_them(small_store: Store, tmp_path: Path,
                                              new_mentees: pd.DataFrame) -> None:
    path = export_table(pd.concat([new_mentees] * 3, ignore_index=True).assign(
        email=[f"m{i}@example.org" for i in range(6)]), tmp_path / "merged.xlsx",
        table="mentees")
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("B4:B7")
    book.active.merge_cells("C2:D2")
    book.save(path)
    said = _refused(small_store, path)
    assert "the sheet has 2 merged cell range(s): " in _message(said)
    assert "B4:B7" in said and "C2:D2" in said


# --- JSON -----------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [5_000, LIMITS.max_json_depth + 1])
def test_json_nested_deeply_is_a_problem_of_its_cell_not_a_traceback(
        small_store: Store, tmp_path: Path, depth: int) -> None:
    matches = importable_view(small_store, "matches").head(1).copy()
    nested = '{"a": ' * depth + "1" + "}" * depth
    path = tmp_path / "matches.csv"
    export_table(matches.assign(score_breakdown=None), path, table="matches")
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame["score_breakdown"] = nested
    frame.to_csv(path, sep=";", index=False)
    said = _refused(small_store, path, "matches")
    assert "JSON nested too deeply" in said

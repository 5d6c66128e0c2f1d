"""Exports a spreadsheet opens safely, and that import back into the same rows."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mentorkit.errors import ValidationError
from mentorkit.imports import export_table, import_file
from mentorkit.model.dataset import Dataset
from mentorkit.model.schema import user_columns
from mentorkit.store import Store
from mentorkit.synth import generate

INJECTION = '=HYPERLINK("http://x","y")'
RISKY_NOTES = [INJECTION, "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(1,1)", "'=already quoted",
               "plain ; text, with \"quotes\"\nand a second line"]


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(seed=0, scale=0.1)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> Path:
    """A database file with the small synthetic programmes, made once per module."""
    path = tmp_path_factory.mktemp("template") / "t.db"
    store = Store.open(str(path), actor="test")
    store.load(dataset)
    store.close()
    return path


@pytest.fixture
def filled(tmp_path: Path, template: Path) -> Iterator[Store]:
    """A fresh copy of the template database (a SQLite file) for each test."""
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy(source, tmp_path / ("t.db" + suffix))
    store = Store.open(str(tmp_path / "t.db"), actor="test")
    yield store
    store.close()


@pytest.fixture
def bare(tmp_path: Path, dataset: Dataset) -> Iterator[Store]:
    """The same programmes and partners, without people."""
    store = Store.open(str(tmp_path / "bare.db"), actor="test")
    with store.transaction("test"):
        store.programmes.add_many(dataset.programme, validate=False)
        store.partners.add_many(dataset.partner, validate=False)
    yield store
    store.close()


def csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows æøå
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def add_risky_people(store: Store) -> list[int]:
    return [store.people.add(programme_id=1, role="mentee", first_name=f"Risk{i}",
                             last_name="Testesen", email=f"risk{i}@example.org",
                             phone="+45 20 30 40 5" + str(i), postcode="0800", notes=notes,
                             registered_on="2024-02-01", consent_given_at="2024-02-01 12:00",
                             consent_scope=["casework"])
            for i, notes in enumerate(RISKY_NOTES)]


@pytest.mark.parametrize("source", ["store", "frame"])
def test_formula_injection_neutralised_in_csv(filled: Store, tmp_path: Path, source: str) -> None:
    add_risky_people(filled)
    path = tmp_path / "people.csv"
    if source == "store":
        export_table(filled, path, "people")
    else:
        export_table(filled.table("person"), path, table="person")
    rows = csv_rows(path)
    header = rows[0]
    notes = [r[header.index("notes")] for r in rows[1:]
             if r[header.index("first_name")].startswith("Risk")]
    assert notes[0] == "'" + INJECTION
    assert notes[1:4] == ["'+1+2", "'-2+3+cmd|' /C calc'!A0", "'@SUM(1,1)"]
    assert notes[4] == "''=already quoted"
    assert notes[5] == RISKY_NOTES[5]
    for r in rows:
        for cell in r:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    phones = [r[header.index("phone")] for r in rows[1:]]
    assert all(p.startswith("'+") for p in phones if p)
    postcodes = {r[header.index("postcode")] for r in rows[1:]}
    assert "0800" in postcodes


def test_formula_injection_neutralised_in_xlsx(filled: Store, tmp_path: Path) -> None:
    add_risky_people(filled)
    path = tmp_path / "people.xlsx"
    export_table(filled, path, "people")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert "f" not in types
    header = [c.value for c in sheet[1]]
    notes = [row[header.index("notes")].value for row in sheet.iter_rows(min_row=2)
             if str(row[header.index("first_name")].value).startswith("Risk")]
    assert notes[0] == "'" + INJECTION
    assert sheet.cell(row=2, column=header.index("registered_on") + 1).is_date


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_risky_text_round_trips(filled: Store, bare: Store, tmp_path: Path, suffix: str) -> None:
    add_risky_people(filled)
    path = tmp_path / f"mentees{suffix}"
    export_table(filled, path, "mentees")
    import_file(bare, path, "mentees")
    stored = bare.table("person").set_index("email").loc[[f"risk{i}@example.org" for i in range(6)]]
    assert stored["notes"].tolist() == RISKY_NOTES
    assert stored["postcode"].unique().tolist() == ["0800"]
    assert stored["phone"].iloc[0] == "+45 20 30 40 50"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("raw", [False, True])
def test_people_round_trip(filled: Store, bare: Store, tmp_path: Path, suffix: str,
                           raw: bool) -> None:
    path = tmp_path / f"people{suffix}"
    if raw:  # as stored, with ids (what `mentorkit export person` writes)
        export_table(filled.table("person"), path, table="person")
    else:  # the import format: programme and partner by name
        export_table(filled, path, "people")
    report = import_file(bare, path, "people")
    assert report.inserted == len(filled.table("person"))
    columns = user_columns("person")  # every column a user sets (no ids, stamps, version)
    expected = filled.table("person")[columns].reset_index(drop=True)
    got = bare.table("person")[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    again = import_file(filled, path, "people")
    assert (again.inserted, again.already_present) == (0, len(expected))


def test_whole_programme_round_trip(filled: Store, bare: Store, tmp_path: Path) -> None:
    for kind in ("people", "matches", "followups", "outcomes"):
        path = tmp_path / f"{kind}.csv"
        export_table(filled, path, kind)
        assert import_file(bare, path, kind).inserted == len(filled.table(
            {"people": "person", "matches": "match", "followups": "followup",
             "outcomes": "outcome"}[kind]))

    def by_email(store: Store, table: str, columns: list[str]) -> pd.DataFrame:
        email = store.table("person").set_index("id")["email"]
        df = store.table(table)
        for column in ("mentee_id", "mentor_id", "person_id"):
            if column in df:
                df[column] = df[column].map(email)
        return df[columns].sort_values(columns[:3]).reset_index(drop=True)

    match_columns = ["mentee_id", "mentor_id", "proposed_on", "status", "started_on",
                     "ended_on", "end_reason", "programme_id", "made_by", "score"]
    pd.testing.assert_frame_equal(by_email(bare, "match", match_columns),
                                  by_email(filled, "match", match_columns))
    outcome_columns = ["person_id", "phase", "recorded_on", "employment_status",
                       "hours_per_week", "job_start_date", "language_level", "network_size",
                       "confidence"]
    pd.testing.assert_frame_equal(by_email(bare, "outcome", outcome_columns),
                                  by_email(filled, "outcome", outcome_columns))
    assert len(bare.table("followup")) == len(filled.table("followup"))


def test_csv_format(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "mentees.csv"
    export_table(filled, path, "mentees")
    data = path.read_bytes()
    assert b"\r\n" in data
    rows = csv_rows(path)
    header = rows[0]
    assert header[:3] == ["programme", "role", "first_name"]
    first = dict(zip(header, rows[1]))
    assert first["programme"] == "Vollsmose"
    assert "|" in first["goals"] and "[" not in first["goals"]
    assert len(first["registered_on"]) == 10 and first["registered_on"][4] == "-"
    assert first["birth_year"].isdigit()
    assert not any(c in header for c in ("id", "created_at", "version", "programme_id"))


def test_export_of_any_table_and_plain_frames(filled: Store, tmp_path: Path) -> None:
    path = export_table(filled, tmp_path / "grant.xlsx", "grant")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.max_row == len(filled.table("grant")) + 1
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [1.5, None],
                          "when": pd.to_datetime(["2024-01-02 10:30", None]),
                          "tags": [["a", "b"], []], "t": ["-x", None]})
    rows = csv_rows(export_table(frame, tmp_path / "f.csv"))
    assert rows == [["n", "x", "when", "tags", "t"],
                    ["1", "1.5", "2024-01-02 10:30:00", "a|b", "'-x"],
                    ["", "", "", "", ""]]


def test_export_refuses_other_formats(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=".csv or .xlsx"):
        export_table(filled.table("person"), tmp_path / "people.json")
    with pytest.raises(ValidationError, match="which table"):
        export_table(filled, tmp_path / "people.csv")


def test_docs_name_every_column_and_code() -> None:
    """docs/importing.md stays in step with the columns and vocabularies."""
    from mentorkit import vocab
    from mentorkit.imports.columns import IGNORED, SPECS

    text = (Path(__file__).parents[1] / "docs" / "importing.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        for column in spec.known - IGNORED:
            assert f"`{column}`" in text, column
    for name in ("gender", "country", "language", "language_level", "education", "sector",
                 "employment_status", "availability", "preferred_mentor_gender", "goal",
                 "consent_scope", "match_status", "end_reason", "followup_kind", "phase"):
        for code in vocab.get(name).codes:
            assert f"`{code}`" in text, (name, code)

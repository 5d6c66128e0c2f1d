"""Importing coordinators' files: every bad file is refused whole, with a clear report.

Each bad-input test checks three things: the import raises ImportFailed, the report names
where the problem is (file, spreadsheet row with the header as row 1, column) and the rule,
and the database is exactly as before (``store.counts()``, audit included).
"""

from __future__ import annotations

import io
import logging
import random
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mentorkit.errors import ImportFailed, ValidationError
from mentorkit.imports import ImportReport, import_file
from mentorkit.model.dataset import Dataset
from mentorkit.store import Store
from mentorkit.synth import generate

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
HEADER = ("first_name;last_name;email;phone;postcode;neighbourhood;gender;birth_year;"
          "languages;registered_on;consent_given_at;consent_scope;notes")
#: What the intake rules ask of every new person (mentorkit.casework.rules): a first name,
#: the day of registration, consent that covers casework (and when it was given).
REGISTERED = {"first_name": "Testa", "registered_on": "01-02-2024",
              "consent_given_at": "01-02-2024", "consent_scope": "casework"}


def row(first_name: str = "Testa", last_name: str = "Testesen", email: str | None = None,
        phone: str = "+45 20 30 40 50", postcode: str = "5220", neighbourhood: str = "Bøgeparken",
        gender: str = "female", birth_year: str = "1985", languages: str = "ar|en",
        registered_on: str = "01-02-2024", consent_given_at: str = "01-02-2024",
        consent_scope: str = "casework", notes: str = "") -> str:
    """One data line under HEADER."""
    email = email or f"{first_name.lower()}.{last_name.lower()}@example.org"
    return ";".join([first_name, last_name, email, phone, postcode, neighbourhood, gender,
                     birth_year, languages, registered_on, consent_given_at, consent_scope,
                     notes])


def registered(text: str, sep: str = ";") -> str:
    """A small file of people (header line, data lines) with the columns of
    :data:`REGISTERED` it lacks appended, so that it shows only the problem it is about."""
    lines = text.rstrip("\n").split("\n")
    top = [lines.pop(0)] if lines[0].startswith("sep=") else []
    missing = [c for c in REGISTERED if c not in lines[0].split(sep)]
    tail = "".join(sep + c for c in missing)
    cells = "".join(sep + REGISTERED[c] for c in missing)
    return "\n".join(top + [lines[0] + tail] + [line + cells for line in lines[1:]]) + "\n"


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


@pytest.fixture(params=["sqlite", "postgresql"])
def filled(request: pytest.FixtureRequest, tmp_path: Path, template: Path,
           dataset: Dataset) -> Iterator[Store]:
    """The small synthetic programmes, fresh for each test: a copy of the template SQLite
    file, or a new database on the session's PostgreSQL server (see tests/conftest.py)."""
    if request.param == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            source = template.with_name(template.name + suffix)
            if source.exists():
                shutil.copy(source, tmp_path / ("t.db" + suffix))
        store = Store.open(str(tmp_path / "t.db"), actor="test")
    else:
        store = Store.open(request.getfixturevalue("postgres").new_database(), actor="test")
        store.load(dataset)
    yield store
    store.close()


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def mentees_file(folder: Path, *lines: str, header: str = HEADER, name: str = "mentees.csv"
                 ) -> Path:
    return write(folder, name, "\n".join([header, *lines]) + "\n")


def refused(store: Store, path: Path, kind: str = "mentees", **kwargs: object) -> ImportReport:
    """Import that must fail and leave the database untouched; returns the report."""
    before = store.counts()
    with pytest.raises(ImportFailed) as caught:
        import_file(store, path, kind, **kwargs)  # type: ignore[arg-type]
    assert store.counts() == before
    report = caught.value.report
    assert isinstance(report, ImportReport) and not report.ok
    assert report.inserted == 0
    assert path.name in str(caught.value)
    assert path.name in report.to_text(show_values=True)
    return report


def has(report: ImportReport, row: int | None, column: str, rule: str) -> bool:
    return any(p.row == row and p.column == column and p.rule == rule for p in report.problems)


def problems(report: ImportReport) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.rule) for p in report.problems]


# --- good files ---------------------------------------------------------------------------

def test_danish_file_with_labels_dates_and_leading_zeros(filled: Store) -> None:
    report = import_file(filled, FIXTURES / "mentees_semicolon.csv", "mentees")
    assert (report.rows, report.inserted, report.already_present) == (3, 3, 0)
    assert (report.encoding, report.separator) == ("utf-8", ";")
    people = filled.table("person").tail(3).reset_index(drop=True)
    assert people["postcode"].tolist() == ["0800", "0512", "5220"]
    assert people["phone"].tolist()[:2] == ["0045 20 30 40 50", "0031 6 12345678"]
    assert people["gender"].tolist() == ["female", "female", "male"]  # "Kvinde" -> female
    assert people["country_of_origin"].tolist() == ["SY", "SY", "IQ"]  # "Syrien" -> SY
    assert people["languages"].tolist() == [["ar", "en"], ["ar", "en"], ["ar", "ku"]]
    assert people["role"].unique().tolist() == ["mentee"]
    # 03-02-2024, 3.2.2024 and 2024-02-03 are the same day
    assert people["registered_on"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2024-02-03"]
    partners = filled.table("partner").set_index("id")["name"]
    assert partners[int(people.at[0, "referred_by"])] == "Jobcenter Odense"
    assert people["last_name"].tolist() == ["Prøvesen", "Ålund", "Østergård"]


def test_comma_separated_with_quoted_comma(filled: Store) -> None:
    report = import_file(filled, FIXTURES / "mentors_comma.csv", "mentors")
    assert (report.separator, report.inserted) == (",", 2)
    mentors = filled.table("person").tail(2)
    assert mentors["notes"].iloc[0] == "Kan hjælpe med CV, ansøgninger og netværk"
    assert mentors["capacity"].tolist() == [2, 1]
    assert mentors["background_check_date"].dt.strftime("%d.%m.%Y").tolist() == [
        "01.12.2023", "01.12.2023"]


@pytest.mark.parametrize("name, encoding", [("mentees_cp1252.csv", "cp1252"),
                                            ("mentees_latin1.csv", "cp1252"),
                                            ("mentees_bom.csv", "utf-8-sig")])
def test_encodings_keep_danish_letters(filled: Store, name: str, encoding: str) -> None:
    report = import_file(filled, FIXTURES / name, "mentees", programme="Vollsmose")
    assert (report.encoding, report.inserted) == (encoding, 2)
    people = filled.table("person").tail(2)
    assert people["first_name"].tolist() == ["Åse", "Øjvind"]
    assert people["address"].tolist() == ["Søndergade 1", "Åboulevarden 2"]
    assert people["notes"].iloc[0] == "Mødtes i Ærøskøbing ved åen"


def test_matches_followups_outcomes_by_email(filled: Store) -> None:
    import_file(filled, FIXTURES / "mentees_semicolon.csv", "mentees")
    import_file(filled, FIXTURES / "mentors_comma.csv", "mentors")
    people = filled.table("person").set_index("email")
    assert import_file(filled, FIXTURES / "matches.csv", "matches").inserted == 2
    match = filled.table("match").iloc[-2]
    assert match["mentee_id"] == people.at["testa.proevesen@example.org", "id"]
    assert match["mentor_id"] == people.at["mentor.eksempelsen@example.org", "id"]
    assert match["programme_id"] == people.at["testa.proevesen@example.org", "programme_id"]
    assert import_file(filled, FIXTURES / "followups.csv", "followups").inserted == 2
    followups = filled.table("followup").tail(2)
    assert followups["match_id"].tolist() == [match["id"]] * 2
    assert followups["kind"].tolist() == ["meeting", "coordinator_call"]
    assert import_file(filled, FIXTURES / "outcomes.csv", "outcomes").inserted == 2
    outcomes = filled.table("outcome").tail(2)
    assert outcomes["phase"].tolist() == ["intake", "intake"]
    assert outcomes["hours_per_week"].tolist() == [0.0, 18.5]  # "18,5" read as 18.5


def test_followups_and_outcomes_by_id(filled: Store, tmp_path: Path) -> None:
    match = filled.table("match").iloc[0]
    path = write(tmp_path, "f.csv", f"match_id;date;kind\n{match['id']};01-01-2024;meeting\n")
    assert import_file(filled, path, "followups").inserted == 1
    assert filled.table("followup").iloc[-1]["match_id"] == match["id"]
    outcomes = filled.table("outcome")
    with_end = set(outcomes.loc[outcomes["phase"] == "end", "person_id"])
    person = filled.table("person").query("role == 'mentee'")
    person_id = int(person.loc[~person["id"].isin(with_end), "id"].iloc[0])
    path = write(tmp_path, "o.csv", f"person_id,phase,recorded_on\n{person_id},end,2024-01-01\n")
    assert import_file(filled, path, "outcomes").inserted == 1
    stored = filled.table("outcome", person_id=person_id, phase="end")
    assert stored["recorded_on"].tolist() == [pd.Timestamp("2024-01-01")]


def test_excel_sep_line(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", registered("sep=,\nemail,birth_year\na@example.org;x,19x5\n",
                                               ","))
    report = refused(filled, path, programme="Vollsmose")
    assert report.separator == ","
    assert problems(report) == [(3, "birth_year", "not a whole number")]


def test_reimport_is_a_no_op(filled: Store) -> None:
    first = import_file(filled, FIXTURES / "mentees_semicolon.csv", "mentees")
    before = filled.counts()
    again = import_file(filled, FIXTURES / "mentees_semicolon.csv", "mentees")
    assert (first.inserted, again.inserted, again.already_present) == (3, 0, 3)
    assert filled.counts() == before  # not even an audit row
    assert "3 rows were already in the database" in again.to_text()


def test_dry_run_writes_nothing(filled: Store) -> None:
    before = filled.counts()
    report = import_file(filled, FIXTURES / "mentees_semicolon.csv", "mentees", dry_run=True)
    assert (report.dry_run, report.inserted) == (True, 3)
    assert "Would insert 3 rows" in report.to_text()
    assert filled.counts() == before


def test_xlsx_text_cells_keep_leading_zeros(filled: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["first_name", "email", "postcode", "phone", "registered_on", "birth_year",
                  "consent_given_at", "consent_scope"])
    sheet.append(["Testa", "t@example.org", "0800", "0045 20304050",
                  pd.Timestamp("2024-02-03").to_pydatetime(), 1985,
                  pd.Timestamp("2024-02-03 10:30").to_pydatetime(), "casework"])
    path = tmp_path / "mentees.xlsx"
    book.save(path)
    report = import_file(filled, path, "mentees", programme="Vollsmose")
    assert (report.inserted, report.encoding) == (1, "xlsx")
    person = filled.table("person").iloc[-1]
    assert (person["postcode"], person["phone"], person["birth_year"]) == (
        "0800", "0045 20304050", 1985)
    assert person["registered_on"] == pd.Timestamp("2024-02-03")


# --- bad files: every one refused whole, with its place named ------------------------------

def test_mojibake_is_refused(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(), row(first_name="Anna", neighbourhood="KÃ¸benhavn"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "neighbourhood", "double-encoded text")]
    assert "KÃ¸benhavn" in report.to_text(show_values=True)
    assert "UTF-8" in report.to_text()


def test_missing_required_column(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", "first_name;email\nTesta;t@example.org\n")
    report = refused(filled, path, "people", programme="Vollsmose")
    assert has(report, None, "role", "missing column")


def test_missing_programme_column_without_choice(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row())
    report = refused(filled, path)
    assert has(report, None, "programme or programme_id", "missing column")
    assert "choose the programme" in report.to_text()


def test_unknown_column_named_by_letter(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv",
                 registered("first_name;shoe_size;email\nTesta;38;t@example.org\n"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(1, "B", "unknown column")]
    assert report.problems[0].value == "shoe_size"
    assert "shoe_size" not in report.summary()


def test_file_without_header_does_not_leak_names(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "Amira;Hassan;amira@example.org\nSara;Ali;s@example.org\n")
    with pytest.raises(ImportFailed) as caught:
        import_file(filled, path, "mentees", programme="Vollsmose")
    assert "Amira" not in str(caught.value) and "amira@" not in str(caught.value)
    assert has(caught.value.report, 1, "", "no known column")


def test_unknown_category(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(), row(first_name="B", gender="pilot"),
                        row(first_name="C", languages="ar|klingon"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "gender", "allowed values"), (4, "languages", "allowed values")]
    text = report.to_text(show_values=True)
    assert "'pilot'" in text and "female, male, other" in text and "ar|klingon" in text


def test_bad_date(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(), row(first_name="B", registered_on="31-02-2024"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "registered_on", "not a real date")]


@pytest.mark.parametrize("text", ["03/04/2020", "1-2-20", "2020/04/03", "April 3, 2020",
                                  "20200403", "3-4-2020 kl"])
def test_ambiguous_or_unsupported_date_format(filled: Store, tmp_path: Path, text: str) -> None:
    path = mentees_file(tmp_path, row(registered_on=text))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(2, "registered_on", "unsupported date format")]
    assert "dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd" in report.to_text()


def test_not_a_number(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(birth_year="ca. 1980"),
                        row(first_name="B", birth_year="1890"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(2, "birth_year", "not a whole number"),
                                (3, "birth_year", "out of range")]


def test_duplicate_within_file(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(), row(first_name="Other"),
                        row(first_name="Third", email="testa.testesen@example.org"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(4, "programme, email", "duplicate in file")]
    assert "as row 2" in report.to_text()


def test_duplicate_against_store(filled: Store, tmp_path: Path) -> None:
    existing = filled.table("person").query("programme_id == 1 and role == 'mentee'").iloc[0]
    path = mentees_file(tmp_path, row(), row(first_name="Changed", email=existing["email"]))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "programme, email",
                                 "already in the database with other values")]
    assert f"person id {existing['id']}" in report.to_text()


@pytest.mark.parametrize("column, value", [("notes", "CPR 010190-1234"),
                                           ("notes", "cpr: 0101901234"),
                                           ("last_name", "010190-1234"),
                                           ("neighbourhood", "311299-4321")])
def test_cpr_like_value_is_refused(filled: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                   column: str, value: str) -> None:
    caplog.set_level(logging.DEBUG)
    path = mentees_file(tmp_path, row(),
                        row(first_name="B", email="b@example.org", **{column: value}))
    with pytest.raises(ImportFailed) as caught:
        before = filled.counts()
        import_file(filled, path, "mentees", programme="Vollsmose")
    assert filled.counts() == before
    report = caught.value.report
    assert problems(report) == [(3, column, "national id")]
    digits = value.split()[-1]
    assert digits not in str(caught.value) and digits not in report.summary()
    assert digits not in caplog.text
    assert digits not in report.to_text(show_values=True)  # not even to the uploader
    assert digits not in report.to_text(show_values=False)


def test_bsn_like_number_is_refused(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(notes="BSN 111222333"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(2, "notes", "national id")]


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(filled: Store, tmp_path: Path, content: bytes) -> None:
    report = refused(filled, write(tmp_path, "empty.csv", content), programme="Vollsmose")
    assert problems(report) == [(None, "", "the file is empty")]


def test_header_only_file(filled: Store, tmp_path: Path) -> None:
    report = refused(filled, mentees_file(tmp_path), programme="Vollsmose")
    assert problems(report) == [(None, "", "no data rows")]


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.mark.parametrize("name, content, says", [
    ("picture.csv", PNG, "PNG picture"),
    ("random.csv", random.Random(1).randbytes(4000), "not a CSV file"),
    ("random-nonul.csv", bytes(b for b in random.Random(2).randbytes(4000) if b), "not a CSV"),
    ("picture.xlsx", PNG, "not an .xlsx file"),
    ("broken.xlsx", b"PK\x03\x04" + random.Random(3).randbytes(500), "cannot be read"),
    ("utf16.csv", "first_name;email\nTesta;t@example.org\n".encode("utf-16"), "UTF-16"),
    ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls"),
    ("notes.pdf", b"%PDF-1.4 hello", "unsupported file type"),
])
def test_binary_junk(filled: Store, tmp_path: Path, name: str, content: bytes, says: str) -> None:
    report = refused(filled, write(tmp_path, name, content), programme="Vollsmose")
    assert len(report.problems) == 1 and report.problems[0].row is None
    assert says in report.to_text()


def test_zip_that_is_not_a_workbook(filled: Store, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    report = refused(filled, write(tmp_path, "x.xlsx", buffer.getvalue()), programme="Vollsmose")
    assert "cannot be read" in report.to_text()


def test_xlsx_formula_cell_is_refused(filled: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["first_name", "email", "birth_year", *list(REGISTERED)[1:]])
    sheet.append(["Testa", "t@example.org", 1985, *list(REGISTERED.values())[1:]])
    sheet.append(["Anna", "a@example.org", "=1980+5", *list(REGISTERED.values())[1:]])
    path = tmp_path / "mentees.xlsx"
    book.save(path)
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "C", "formula")]
    assert "=1980+5" in report.to_text(show_values=True)


def test_xlsx_hyperlink_formula_is_refused(filled: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["email", "notes", *REGISTERED])
    sheet.append(["t@example.org", '=HYPERLINK("http://x","y")', *REGISTERED.values()])
    path = tmp_path / "mentees.xlsx"
    book.save(path)
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(2, "B", "formula")]


def test_error_in_row_5_of_6_writes_none(filled: Store, tmp_path: Path) -> None:
    lines = [row(first_name=f"Person{i}") for i in range(1, 7)]
    lines[4] = row(first_name="Person5", birth_year="19x5")
    path = mentees_file(tmp_path, *lines)
    before = filled.table("person")
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(6, "birth_year", "not a whole number")]
    after = filled.table("person")
    assert len(after) == len(before)
    assert not after["first_name"].str.startswith("Person").any()


def test_unknown_programme(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv",
                 registered("programme;email\nVollsmose;a@example.org\nAtlantis;b@example.org\n"))
    report = refused(filled, path)
    assert problems(report) == [(3, "programme", "unknown programme")]
    assert "Vollsmose, Skovparken" in report.to_text()
    report = refused(filled, mentees_file(tmp_path, row()), programme="Atlantis")
    assert has(report, None, "programme", "unknown programme")


def test_programme_other_than_chosen(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", registered(
        "programme;email\nvollsmose;a@example.org\nTingbjerg;b@example.org\n"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "programme", "another programme")]


def test_unknown_partner(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", registered("email;referred_by\na@example.org;Jobcenter Odense\n"
                                               "b@example.org;Jobcenter Groningen\n"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "referred_by", "unknown partner")]


def test_unknown_person_in_matches(filled: Store, tmp_path: Path) -> None:
    mentee = filled.table("person").query("role == 'mentee'").iloc[0]
    mentor = filled.table("person").query("role == 'mentor'").iloc[0]
    path = write(tmp_path, "matches.csv",
                 "mentee_email;mentor_email;status\n"
                 f"{mentee['email']};nobody@example.org;proposed\n"
                 f"{mentee['email']};{mentee['email']};proposed\n"
                 f"{mentee['email']};{mentor['email']};engaged\n")
    report = refused(filled, path, "matches")
    assert problems(report) == [(2, "mentor_email", "unknown person"),
                                (3, "mentor_email", "not a mentor"),
                                (4, "status", "allowed values")]


def test_email_and_id_must_agree(filled: Store, tmp_path: Path) -> None:
    mentees = filled.table("person").query("role == 'mentee'")
    mentor = filled.table("person").query("role == 'mentor'").iloc[0]
    path = write(tmp_path, "matches.csv",
                 "mentee_email;mentee_id;mentor_id;status\n"
                 f"{mentees.iloc[0]['email']};{mentees.iloc[1]['id']};{mentor['id']};proposed\n")
    report = refused(filled, path, "matches")
    assert problems(report) == [(2, "mentee_id", "name and id disagree")]


def test_followup_for_pair_without_match(filled: Store, tmp_path: Path) -> None:
    people = filled.table("person")
    matches = filled.table("match")
    pairs = set(zip(matches["mentee_id"], matches["mentor_id"]))
    mentee = people.query("role == 'mentee'")
    mentor = people.query("role == 'mentor'")
    a, b = next((x, y) for x in mentee.itertuples() for y in mentor.itertuples()
                if (x.id, y.id) not in pairs)
    path = write(tmp_path, "f.csv", f"mentee_email;mentor_email;date;kind\n"
                                    f"{a.email};{b.email};01-01-2024;meeting\n")
    report = refused(filled, path, "followups")
    assert problems(report) == [(2, "mentor_email", "no such match")]


def test_outcome_conflicts_with_stored_one(filled: Store, tmp_path: Path) -> None:
    outcome = filled.table("outcome").iloc[0]
    email = filled.people.get(int(outcome["person_id"]))["email"]
    path = write(tmp_path, "o.csv", f"email;phase;confidence\n{email};{outcome['phase']};5\n"
                                    f"{email};{outcome['phase']};4\n")
    report = refused(filled, path, "outcomes")
    assert (3, "email, phase", "duplicate in file") in problems(report)
    assert "same email, phase as row 2" in report.to_text()
    path = write(tmp_path, "o.csv", f"email;phase;confidence\n{email};{outcome['phase']};0\n")
    report = refused(filled, path, "outcomes")
    assert (2, "confidence", "out of range") in problems(report)


def test_ragged_row_and_open_quote(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "email;notes\na@example.org;ok\nb@example.org;x;extra\n")
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(3, "", "this row has more cells than the header")]
    path = write(tmp_path, "m.csv", 'email;notes\na@example.org;"never closed\nb@example.org;x\n')
    report = refused(filled, path, programme="Vollsmose")
    assert report.problems[0].rule == 'a quote (") is never closed'


def test_role_must_fit_the_kind(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv",
                 registered("email;role\na@example.org;mentor\nb@example.org;mentee\n"))
    report = refused(filled, path, "mentors", programme="Vollsmose")
    assert problems(report) == [(3, "role", "not a mentor")]


def test_column_given_twice(filled: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", registered("email;E-mail\na@example.org;b@example.org\n"))
    report = refused(filled, path, programme="Vollsmose")
    assert problems(report) == [(1, "B", "column given twice")]


def test_many_problems_are_all_reported(filled: Store, tmp_path: Path) -> None:
    path = mentees_file(tmp_path, row(gender="x", birth_year="y", registered_on="z",
                                      notes="010190-1234"))
    report = refused(filled, path, programme="Vollsmose")
    assert {p.column for p in report.problems} == {"gender", "birth_year", "registered_on", "notes"}
    frame = report.to_frame()
    assert frame.columns.tolist() == ["file", "row", "column", "rule", "allowed", "value"]
    assert frame["row"].tolist() == [2, 2, 2, 2]
    assert set(frame["file"]) == {"mentees.csv"}


def test_unknown_kind_is_a_validation_error(filled: Store) -> None:
    with pytest.raises(ValidationError, match="mentors, mentees, people"):
        import_file(filled, FIXTURES / "matches.csv", "pets")


def test_unicode_digits_are_not_ids(filled: Store, tmp_path: Path) -> None:
    # '²'.isdigit() is True but int('²') fails: found by the hypothesis test
    path = write(tmp_path, "sq.csv", "programme,role,first_name,email,referred_by\n"
                                     "Vollsmose,mentee,A,a@example.org,²\n")
    before = filled.counts()
    with pytest.raises(ImportFailed, match="unknown partner"):
        import_file(filled, path, "mentees")
    assert filled.counts() == before

"""Her own language in and out: Danish and Dutch spreadsheets import, exports and templates
speak her language, and the importer keeps the intake form's duplicate and consent rules.

The files are built as Excel writes them: "CSV (semikolonsepareret)" is cp1252 without a
byte-order mark, ``;`` between cells, CRLF line ends, dates day first and a cell with the
separator in quotes; an .xlsx has dates as date cells and years as numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit import vocab
from mentorkit.cli import app
from mentorkit.errors import ImportFailed, ValidationError
from mentorkit.imports import export_table, import_file
from mentorkit.imports.headers import HEADER_TABLES, column_for, header
from mentorkit.imports.templates import template_columns, write_template
from mentorkit.model.schema import user_columns
from mentorkit.store import Store
from mentorkit.ui import labels

DANISH = ["Fornavn", "Efternavn", "E-mail", "Telefon", "Postnummer", "Køn", "Fødselsår",
          "Andre sprog", "Uddannelse", "Indskrevet den", "Dato for samtykke",
          "Samtykket dækker", "Noter"]
AMIRA = ["Amira", "Østergård", "amira@example.org", "+45 20 30 40 50", "0800", "Kvinde",
         "1985", "Arabisk, Engelsk", "Gymnasial uddannelse", "01-02-2024", "01-02-2024",
         "Sagsbehandling i programmet", "Kom via jobcentret; vil gerne lære dansk"]
BODIL = ["Bodil", "Ægidius", "", "22 33 44 55", "5220", "kvinde", "1990", "Dansk|Somali",
         "", "3-2-2024", "3-2-2024", "Sagsbehandling i programmet, Forskning og evaluering",
         ""]


def excel_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A file as Danish/Dutch Excel saves "CSV (semicolon separated)": cp1252, ``;``, CRLF,
    cells holding ``;`` or quotes in quotes."""
    def cell(text: str) -> str:
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if ";" in text or '"' in text else text

    lines = [";".join(cell(c) for c in line) for line in [header, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture()
def store() -> Store:
    s = Store.open(":memory:", actor="test")
    s.programmes.add(name="Vollsmose")
    return s


def people(store: Store) -> pd.DataFrame:
    return store.table("person").sort_values("id").reset_index(drop=True)


def test_a_danish_csv_as_excel_saves_it_imports(store: Store, tmp_path: Path) -> None:
    path = excel_csv(tmp_path / "nye mentees.csv", DANISH, [AMIRA, BODIL])
    assert b"\xf8" in path.read_bytes()  # ø in cp1252, not UTF-8
    report = import_file(store, path, "mentees", programme="Vollsmose")
    assert (report.inserted, report.encoding, report.separator) == (2, "cp1252", ";")
    got = people(store)
    assert got["last_name"].tolist() == ["Østergård", "Ægidius"]
    assert got["gender"].tolist() == ["female", "female"]
    assert got["languages"].tolist() == [["ar", "en"], ["da", "so"]]
    assert got["consent_scope"].tolist() == [["casework"], ["casework", "research"]]
    assert got["postcode"].tolist() == ["0800", "5220"]
    assert got["phone"].tolist() == ["+45 20 30 40 50", "22 33 44 55"]
    assert got["registered_on"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-03"]
    assert got["notes"].iat[0] == "Kom via jobcentret; vil gerne lære dansk"
    assert got["education"].iat[0] == "upper_secondary"
    assert got["role"].tolist() == ["mentee", "mentee"]


def test_a_danish_xlsx_with_date_cells_and_numbers_imports(store: Store,
                                                           tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Program", *DANISH])
    row: list[object] = ["Vollsmose", *AMIRA]
    row[DANISH.index("Fødselsår") + 1] = 1985
    row[DANISH.index("Indskrevet den") + 1] = dt.datetime(2024, 2, 1)
    row[DANISH.index("Dato for samtykke") + 1] = dt.datetime(2024, 2, 1)
    sheet.append(row)
    book.save(tmp_path / "mentees.xlsx")
    report = import_file(store, tmp_path / "mentees.xlsx", "mentees")
    assert report.inserted == 1
    got = people(store).iloc[0]
    assert (got["birth_year"], got["phone"], got["languages"]) == (
        1985, "+45 20 30 40 50", ["ar", "en"])
    assert got["registered_on"] == pd.Timestamp("2024-02-01")


def test_a_dutch_file_imports(store: Store, tmp_path: Path) -> None:
    dutch = ["Voornaam", "Achternaam", "Telefoon", "Geslacht", "Geboortejaar", "Andere talen",
             "Ingeschreven op", "Datum toestemming", "Toestemming geldt voor", "Programma"]
    row = ["Fatima", "de Vries", "06-12345678", "Vrouw", "1979", "Arabisch, Nederlands",
           "15-03-2024", "15-03-2024", "Begeleiding in het programma", "Vollsmose"]
    report = import_file(store, excel_csv(tmp_path / "mentees.csv", dutch, [row]), "mentees")
    assert report.inserted == 1
    got = people(store).iloc[0]
    assert (got["last_name"], got["phone"], got["gender"]) == ("de Vries", "06-12345678",
                                                              "female")
    assert got["languages"] == ["ar", "nl"]


def test_every_form_label_names_its_column_in_every_language() -> None:
    """The headers are the dashboards' labels: each person field's label, in da, en and nl,
    is read as that field (a second hand list would drift from the form)."""
    for column in user_columns("person"):
        key = f"field.{column}"
        if key not in labels.LABELS:
            continue
        for lang in ("da", "en", "nl"):
            assert column_for(labels.t(key, lang)) == column, (column, lang)
            assert header("person", column, lang) == labels.t(key, lang)
    for table in HEADER_TABLES:  # and no header means two columns
        for column in user_columns(table):
            for lang in ("da", "en", "nl"):
                text = header(table, column, lang)
                assert column_for(text) in (column, None), (table, column, lang)


def test_a_likely_duplicate_is_refused_with_its_row_and_nothing_is_written(
        store: Store, tmp_path: Path) -> None:
    import_file(store, excel_csv(tmp_path / "first.csv", DANISH, [AMIRA]), "mentees",
                programme="Vollsmose")
    before = store.table("audit").shape[0]
    again = list(AMIRA)
    again[DANISH.index("E-mail")] = ""  # no e-mail: only the phone and the name tell
    again[DANISH.index("Telefon")] = "20304050"
    again[DANISH.index("Fornavn")] = "amira"
    new = ["Karen", "Nielsen", "", "", "", "Kvinde", "1970", "", "", "01-02-2024",
           "01-02-2024", "Sagsbehandling i programmet", ""]
    path = excel_csv(tmp_path / "second.csv", DANISH, [new, again])
    with pytest.raises(ImportFailed) as failed:
        import_file(store, path, "mentees", programme="Vollsmose")
    problems = failed.value.report.problems
    assert [(p.row, p.rule) for p in problems] == [(3, "likely duplicate")]
    assert "phone" in problems[0].column and "person id 1" in problems[0].allowed
    assert "Amira" not in str(failed.value) and "20304050" not in str(failed.value)
    assert len(store.table("person")) == 1 and store.table("audit").shape[0] == before
    # as the form's "save anyway": told to, the import goes on
    report = import_file(store, path, "mentees", programme="Vollsmose", allow_duplicates=True)
    assert report.inserted == 2 and len(store.table("person")) == 3


def test_rows_of_one_family_sharing_a_phone_import(store: Store, tmp_path: Path) -> None:
    """Rows of one file are not scored against each other: a mother and a daughter share a
    phone; the same person twice in one file has one e-mail ("duplicate in file")."""
    daughter = list(AMIRA)
    daughter[DANISH.index("E-mail")] = "yasmin@example.org"
    daughter[DANISH.index("Fornavn")] = "Yasmin"
    daughter[DANISH.index("Fødselsår")] = "2004"
    report = import_file(store, excel_csv(tmp_path / "m.csv", DANISH, [AMIRA, daughter]),
                         "mentees", programme="Vollsmose")
    assert report.inserted == 2


def test_a_new_person_without_consent_is_refused_with_its_row(store: Store,
                                                              tmp_path: Path) -> None:
    no_consent = list(BODIL)
    no_consent[DANISH.index("Dato for samtykke")] = ""
    no_consent[DANISH.index("Samtykket dækker")] = "Forskning og evaluering"
    path = excel_csv(tmp_path / "m.csv", DANISH, [AMIRA, no_consent])
    audited = len(store.table("audit"))
    with pytest.raises(ImportFailed) as failed:
        import_file(store, path, "mentees", programme="Vollsmose")
    found = {(p.row, p.column, p.rule) for p in failed.value.report.problems}
    assert found == {(3, "consent_given_at", "consent required"),
                     (3, "consent_scope", "casework consent")}
    assert store.table("person").empty and len(store.table("audit")) == audited


@pytest.mark.parametrize(("lang", "suffix"), [("da", ".xlsx"), ("nl", ".xlsx"), ("nl", ".csv"),
                                              ("da", ".csv")])
def test_a_filled_in_template_imports(store: Store, tmp_path: Path, lang: str,
                                      suffix: str) -> None:
    path = write_template("mentees", tmp_path / f"mentees{suffix}", lang)
    columns = template_columns("mentees")
    names = [header("person", c, lang) for c in columns]
    values = {"programme": "Vollsmose", "first_name": "Hodan", "last_name": "Warsame",
              "phone": "+45 20 30 40 51", "postcode": "0800",
              "gender": vocab.GENDERS.label("female", lang),  # type: ignore[arg-type]
              "birth_year": "1991",
              "languages": ", ".join(vocab.LANGUAGES.label(c, lang)  # type: ignore[arg-type]
                                     for c in ("so", "en")),
              "registered_on": "02-05-2024", "consent_given_at": "02-05-2024",
              "consent_scope": vocab.CONSENT_SCOPES.label("casework", lang)}  # type: ignore
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == names
        checks = {str(v.sqref).split(":")[0][:-1]: v for v in
                  sheet.data_validations.dataValidation}
        gender = checks[openpyxl.utils.get_column_letter(columns.index("gender") + 1)]
        sheet_name, cells = gender.formula1.lstrip("=").split("!")
        lists = book[sheet_name.strip("'")]
        assert lists.sheet_state == "hidden"
        shown = [row[0].value for row in lists[cells.replace("$", "")]]
        assert shown == list(vocab.GENDERS.labels(lang).values())  # type: ignore[arg-type]
        for name, value in values.items():
            sheet.cell(row=2, column=columns.index(name) + 1, value=value)
        book.save(path)
    else:
        text = path.read_text(encoding="utf-8-sig")
        assert text.strip().split(";") == names
        row = [values.get(c, "") for c in columns]
        path.write_text(text + ";".join(row) + "\r\n", encoding="utf-8-sig")
    report = import_file(store, path, "mentees")
    assert report.inserted == 1
    got = people(store).iloc[0]
    assert (got["first_name"], got["postcode"], got["gender"]) == ("Hodan", "0800", "female")
    assert got["languages"] == ["so", "en"] and got["consent_scope"] == ["casework"]


def test_templates_have_the_fields_of_their_role() -> None:
    assert "capacity" in template_columns("mentors")
    assert "capacity" not in template_columns("mentees")
    assert "preferred_mentor_gender" in template_columns("mentees")
    assert "role" in template_columns("people") and "role" not in template_columns("mentors")
    with pytest.raises(ValidationError, match="mentors, mentees, people"):
        template_columns("mentes")


@pytest.fixture()
def filled(store: Store) -> Store:
    mentee = store.people.add(programme_id=1, role="mentee", first_name="Amira",
                              last_name="Østergård", email="amira@example.org",
                              phone="+45 20 30 40 50", employment_status="outside_labour_force",
                              languages=["ar", "en"], registered_on="2024-02-01",
                              consent_given_at="2024-02-01 10:00", consent_scope=["casework"])
    mentor = store.people.add(programme_id=1, role="mentor", first_name="Bente",
                              last_name="Jensen", email="bente@example.org", capacity=2,
                              registered_on="2024-01-01", background_check_date="2024-01-01",
                              consent_given_at="2024-01-01 10:00", consent_scope=["casework"])
    store.matches.add(programme_id=1, mentee_id=mentee, mentor_id=mentor, status="active",
                      proposed_on="2024-02-02", started_on="2024-02-05")
    return store


@pytest.mark.parametrize("lang", ["da", "nl"])
def test_an_export_in_her_language_has_labels_and_a_text_phone_cell(
        filled: Store, tmp_path: Path, lang: str) -> None:
    path = export_table(filled, tmp_path / "mentees.xlsx", "mentees", lang=lang)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    names = [c.value for c in sheet[1]]
    row = dict(zip(names, (c for c in sheet[2]), strict=True))
    employment = header("person", "employment_status", lang)
    assert row[employment].value == vocab.EMPLOYMENT_STATUSES.label(
        "outside_labour_force", lang)  # type: ignore[arg-type]
    assert "outside_labour_force" not in [c.value for c in sheet[2]]
    phone = row[header("person", "phone", lang)]
    assert (phone.value, phone.data_type, phone.number_format) == ("+45 20 30 40 50", "s", "@")
    languages = row[header("person", "languages", lang)].value
    assert languages == ", ".join(vocab.LANGUAGES.label(c, lang)  # type: ignore[arg-type]
                                  for c in ("ar", "en"))
    # the same file, imported again, finds her already there: labels read back as codes
    assert import_file(filled, path, "mentees").already_present == 1
    csv = export_table(filled, tmp_path / "mentees.csv", "mentees", lang=lang)
    text = csv.read_text(encoding="utf-8-sig")
    assert ";'+45 20 30 40 50;" in text  # the CSV keeps its formula guard
    assert "01-02-2024" in text and "outside_labour_force" not in text
    assert import_file(filled, csv, "mentees").already_present == 1


def test_the_match_list_names_mentee_and_mentor_for_a_coordinator(filled: Store,
                                                                  tmp_path: Path) -> None:
    path = export_table(filled, tmp_path / "matches.xlsx", "matches", lang="da")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["Mentee"] == "Amira Østergård" and row["Mentor"] == "Bente Jensen"
    assert row["Status"] == vocab.MATCH_STATUSES.label("active", "da")
    assert import_file(filled, path, "matches").already_present == 1
    plain = export_table(filled, tmp_path / "codes.csv", "matches")  # no names without lang
    assert "Amira" not in plain.read_text(encoding="utf-8-sig")


def test_a_mistyped_kind_lists_the_kinds(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        export_table(filled, tmp_path / "x.csv", "mentes")
    assert "mentors, mentees, people, matches, followups, outcomes" in str(err.value)
    assert "audit" not in str(err.value) and "alembic" not in str(err.value)


def test_the_template_and_export_commands(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "m.db"
    filled_store = Store.open(str(db), actor="test")
    filled_store.programmes.add(name="Vollsmose")
    monkeypatch.setenv("MENTORKIT_DB", str(db))
    runner = CliRunner()
    result = runner.invoke(app, ["template", "mentees", str(tmp_path / "t.xlsx"),
                                 "--lang", "da"])
    assert result.exit_code == 0, result.output
    header_row = [c.value for c in openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0][1]]
    assert header_row[:3] == ["Program", "Henvist af", "Fornavn"]
    result = runner.invoke(app, ["template", "mentes"])
    assert result.exit_code != 0 and "mentors, mentees" in result.output
    path = excel_csv(tmp_path / "m.csv", DANISH, [AMIRA])
    result = runner.invoke(app, ["import", "mentees", str(path), "--programme", "Vollsmose"])
    assert result.exit_code == 0, result.output
    again = excel_csv(tmp_path / "again.csv", DANISH, [[*AMIRA[:2], "", *AMIRA[3:]]])
    result = runner.invoke(app, ["import", "mentees", str(again), "--programme", "Vollsmose"])
    assert result.exit_code != 0 and "likely duplicate" in result.output
    result = runner.invoke(app, ["import", "mentees", str(again), "--programme", "Vollsmose",
                                 "--allow-duplicates"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "mentees", str(tmp_path / "out.csv"), "--lang", "nl"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").startswith("Programma;")
    result = runner.invoke(app, ["export", "mentes", str(tmp_path / "bad.csv")])
    assert result.exit_code != 0 and "mentors, mentees, people" in result.output

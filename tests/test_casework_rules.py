"""The intake rules hold wherever a person comes from: the form, a file or code.

:mod:`mentorkit.casework.rules` is the one place for them. Each case below breaks one rule
and goes through all three paths on the same database: the intake app shows the message
of that rule under the field and writes nothing, the importer reports the row, column and
rule and writes nothing, ``store.people.add`` raises a ValidationError naming row, column
and rule (never the value) and writes nothing. Fields that do not apply to a role are
cleared on all three paths. ``Store.load`` (a synthetic or restored dataset) is a copy of
records that exist already and is not held to them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mentorkit.casework import rules
from mentorkit.casework.rules import apply_rules, require_rules
from mentorkit.casework.screening import open_match_checks
from mentorkit.errors import ConfigError, ImportFailed, ValidationError
from mentorkit.imports import import_file
from mentorkit.privacy.erasure import erase
from mentorkit.store import Store
from mentorkit.synth import generate

TODAY = dt.date(2026, 11, 23)
GRONINGEN = 5


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fixed today (MENTORKIT_TODAY, read by the form, the importer and the store alike)."""
    monkeypatch.setenv("MENTORKIT_TODAY", TODAY.isoformat())
    monkeypatch.setenv("MENTORKIT_UI_PREFS", str(tmp_path / "prefs.json"))
    monkeypatch.setenv("MENTORKIT_ACTOR", "rules-test")
    for name in ("MENTORKIT_DB", "MENTORKIT_PROGRAMMES", "MENTORKIT_LANG", "VOILA_PREHEAT",
                 "MENTORKIT_SHOW_PERSONAL", "MENTORKIT_ROLE"):
        monkeypatch.delenv(name, raising=False)


def valid(role: str, n: int) -> dict[str, Any]:
    """A new person (store terms) who keeps every rule."""
    row: dict[str, Any] = {
        "programme_id": GRONINGEN, "role": role, "first_name": "Testa",
        "last_name": f"Regelsen{n}", "email": f"regel{n}@example.org", "birth_year": 1990,
        "registered_on": dt.date(2026, 11, 2), "consent_given_at": dt.datetime(2026, 11, 2, 12),
        "consent_scope": ["casework"]}
    if role == "mentor":
        row |= {"capacity": 2, "background_check_date": dt.date(2026, 10, 1)}
    return row


#: One broken rule each: (role, changed fields, column and rule of the problem, form field,
#: the form's message in English).
CASES: dict[str, tuple[str, dict[str, Any], tuple[str, str], str, str]] = {
    "registered in the future": ("mentee", {"registered_on": dt.date(2026, 12, 24)},
                                 ("registered_on", rules.FUTURE), "registered_on",
                                 "This date is in the future."),
    "consent given in the future": ("mentee", {"consent_given_at": dt.datetime(2026, 12, 1, 12)},
                                    ("consent_given_at", rules.FUTURE), "consent_date",
                                    "This date is in the future."),
    "check in the future": ("mentor", {"background_check_date": dt.date(2027, 1, 1)},
                            ("background_check_date", rules.FUTURE), "background_check_date",
                            "This date is in the future."),
    "no consent": ("mentee", {"consent_given_at": None}, ("consent_given_at", rules.CONSENT),
                   "consent_given", "Record the consent before registering the person."),
    "consent without casework": ("mentee", {"consent_scope": ["research"]},
                                 ("consent_scope", rules.CASEWORK), "consent_scope",
                                 "The consent must cover casework; without it the person "
                                 "cannot be registered."),
    "no first name": ("mentee", {"first_name": None}, ("first_name", rules.REQUIRED_RULE),
                      "first_name", "Required"),
    "no registration day": ("mentor", {"registered_on": None},
                            ("registered_on", rules.REQUIRED_RULE), "registered_on", "Required"),
}


# --- the three paths ------------------------------------------------------------------------

def through_form(db: Path, row: dict[str, Any], lang: str = "en") -> tuple[int | None, dict]:
    """Type ``row`` into a new intake form and save; the id (or None) and the field errors."""
    from mentorkit.ui.context import Context
    from mentorkit.ui.intake import IntakeApp

    app = IntakeApp(Context.open(str(db), programme="Groningen", lang=lang))
    assert app.ctx.programme_id == GRONINGEN and app.ctx.today == TODAY
    app._new()
    app.role_toggle.value = row["role"]
    for name, value in row.items():
        if name == "consent_given_at":
            app.inputs["consent_given"].set(value is not None)
            app.inputs["consent_date"].set(value)
        elif name in app.inputs:
            app.inputs[name].set(value)
    saved = app.save(force=True)  # force: past the duplicate check
    return saved, {k: f.error_text for k, f in app.fields.items() if f.error_text}


def as_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def through_import(store: Store, folder: Path, row: dict[str, Any]) -> Any:
    """Import ``row`` as a one-line file of its role; the report (refused or not)."""
    fields = {k: v for k, v in row.items() if k not in ("programme_id", "role")}
    path = folder / f"{row['role']}s.csv"
    path.write_text(";".join(fields) + "\n" + ";".join(as_cell(v) for v in fields.values())
                    + "\n", encoding="utf-8")
    try:
        return import_file(store, path, row["role"] + "s", programme="Groningen")
    except ImportFailed as err:
        return err.report


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_rule_gives_the_same_error_through_form_importer_and_api(
        case: str, small_db: Path, env: None, tmp_path: Path) -> None:
    role, change, (column, rule), field, message = CASES[case]
    row = valid(role, 1) | change
    store = Store.open(str(small_db), actor="rules-test")
    before = store.counts()
    # the rule itself: one problem, this column and rule
    _, found = apply_rules("person", pd.DataFrame([row]), new=True, today=TODAY)
    assert [(p.row, p.column, p.rule) for p in found] == [(0, column, rule)]
    # the form: the rule's message under the field, nothing written
    saved, errors = through_form(small_db, row)
    assert saved is None and errors == {field: message}
    # the importer: row 2 of the file (the header is row 1), same column and rule
    report = through_import(store, tmp_path, row)
    assert not report.ok and report.inserted == 0
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(2, column, rule)]
    # the API: a ValidationError naming row, column and rule, never the value
    with pytest.raises(ValidationError) as caught:
        store.people.add(**row)
    assert str(caught.value) == f"person: {found[0].describe()}"
    assert f"row 0, column '{column}': {rule}" in str(caught.value)
    if change[column] is not None:
        assert as_cell(change[column]) not in str(caught.value)
        assert str(change[column]) not in str(caught.value)
    assert store.counts() == before
    store.close()


@pytest.mark.parametrize("lang, future, consent", [
    ("da", "Datoen ligger i fremtiden.", "Registrér samtykket, før personen skrives ind."),
    ("nl", "Deze datum ligt in de toekomst.",
     "Leg de toestemming vast voordat u de persoon inschrijft."),
])
def test_the_form_says_the_rules_in_danish_and_dutch(lang: str, future: str, consent: str,
                                                     small_db: Path, env: None) -> None:
    row = valid("mentee", 1) | {"registered_on": dt.date(2027, 1, 1), "consent_given_at": None}
    saved, errors = through_form(small_db, row, lang)
    assert saved is None and errors == {"registered_on": future, "consent_given": consent}


def test_a_valid_person_is_written_by_every_path(small_db: Path, env: None,
                                                 tmp_path: Path) -> None:
    store = Store.open(str(small_db), actor="rules-test")
    n = len(store.table("person"))
    form_id, errors = through_form(small_db, valid("mentee", 1))
    assert errors == {} and form_id is not None
    assert through_import(store, tmp_path, valid("mentor", 2)).inserted == 1
    api_id = store.people.add(**valid("mentee", 3))
    people = store.table("person")
    assert len(people) == n + 3 and {form_id, api_id} <= set(people["id"])
    store.close()


@pytest.mark.parametrize("role, cleared, kept", [
    ("mentee", {"capacity": 3, "background_check_date": dt.date(2026, 1, 5)},
     {"preferred_mentor_gender": "female"}),
    ("mentor", {"preferred_mentor_gender": "female"},
     {"capacity": 3, "background_check_date": dt.date(2026, 1, 5)}),
    ("resource_person", {"capacity": 3, "preferred_mentor_gender": "female",
                         "background_check_date": dt.date(2026, 1, 5)}, {}),
])
def test_fields_of_other_roles_are_cleared_on_every_path(
        role: str, cleared: dict[str, Any], kept: dict[str, Any], small_db: Path, env: None,
        tmp_path: Path) -> None:
    assert set(cleared) | set(kept) == set(rules.ROLE_ONLY["person"])
    store = Store.open(str(small_db), actor="rules-test")
    ids = []
    form_id, errors = through_form(small_db, valid("mentee", 1) | {"role": role} | cleared | kept)
    assert errors == {} and form_id is not None
    ids.append(form_id)
    if role != "resource_person":  # files of mentors or of mentees
        assert through_import(store, tmp_path, valid(role, 2) | cleared | kept).inserted == 1
        ids.append(int(store.table("person")["id"].max()))
    ids.append(store.people.add(**valid(role, 3) | cleared | kept))
    for pid in ids:
        person = store.people.get(pid)
        assert person["role"] == role
        assert {k: person[k] for k in cleared} == dict.fromkeys(cleared), pid
        assert {k: person[k] for k in kept} == kept, pid
    store.close()


def test_an_edit_is_held_to_the_rules_of_a_row_but_not_to_consent() -> None:
    edit = pd.DataFrame([{"role": "mentee", "first_name": "Amal", "capacity": 2,
                          "registered_on": dt.date(2027, 1, 1)}], index=[7])
    out, found = apply_rules("person", edit, new=False, today=TODAY)
    assert [(p.row, p.column, p.rule, p.value) for p in found] == [
        (7, "registered_on", rules.FUTURE, dt.date(2027, 1, 1))]
    assert out["capacity"].tolist() == [None] and edit["capacity"].tolist() == [2]
    _, found = apply_rules("person", edit.drop(columns="registered_on").assign(first_name=" "),
                           new=False, today=TODAY)
    assert [(p.column, p.rule) for p in found] == [("first_name", rules.REQUIRED_RULE)]


def test_other_tables_pass_unchanged_and_a_clean_frame_comes_back_equal() -> None:
    follow = pd.DataFrame({"match_id": [1], "date": [dt.date(2030, 1, 1)], "kind": ["meeting"]})
    out, found = apply_rules("followup", follow, new=True, today=TODAY)
    assert found == [] and out.equals(follow) and out is not follow
    clean = pd.DataFrame([valid("mentor", 1)])
    pd.testing.assert_frame_equal(require_rules("person", clean, new=True, today=TODAY), clean)


def test_require_rules_names_the_first_five_problems_and_counts_the_rest() -> None:
    rows = pd.DataFrame([{"role": "mentee"}] * 3)  # each: name, day, consent, casework
    with pytest.raises(ValidationError) as caught:
        require_rules("person", rows, new=True, today=TODAY)
    text = str(caught.value)
    assert text.startswith("person: row 0, column 'consent_given_at': consent required")
    assert text.count("row ") == 5 and text.endswith("(and 7 more)")


def test_today_is_fixed_by_the_environment_and_a_bad_value_is_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_TODAY", "2026-11-23")
    assert rules.today() == TODAY
    monkeypatch.setenv("MENTORKIT_TODAY", "23/11/2026")
    with pytest.raises(ConfigError, match="MENTORKIT_TODAY"):
        rules.today()
    monkeypatch.delenv("MENTORKIT_TODAY")
    assert rules.today() == dt.date.today()


def test_a_dataset_is_loaded_as_it_is(env: None, tmp_path: Path) -> None:
    """A synthetic or restored dataset copies records that exist: an erased person (no name,
    no consent) or one registered after the machine's today must come back as they were."""
    data = generate(seed=0, scale=0.05)
    person = data.person.copy()
    person.loc[0, ["first_name", "consent_given_at"]] = None
    person["consent_scope"] = [[] if i == 0 else s for i, s in enumerate(person["consent_scope"])]
    person.loc[1, "registered_on"] = pd.Timestamp("2030-01-01")
    data.person = person
    with Store.open(str(tmp_path / "loaded.db")) as store:
        store.load(data)
        got = store.table("person").set_index("id")
    first, second = person["id"].iloc[:2]
    assert got.loc[[first], "first_name"].isna().all()
    assert got.loc[[first], "consent_scope"].tolist() == [[]]
    assert got.at[second, "registered_on"] == pd.Timestamp("2030-01-01")


# --- background checks: one computation for both screens ------------------------------------

def test_erased_mentors_count_on_neither_screen(small_db: Path, env: None) -> None:
    from mentorkit.ui.context import Context
    from mentorkit.ui.home import HomeApp
    from mentorkit.ui.intake import IntakeApp

    store = Store.open(str(small_db), actor="rules-test")
    people = store.table("person", programme_id=GRONINGEN)
    matches = store.table("match", programme_id=GRONINGEN)
    checks = open_match_checks(people, matches, "vog", TODAY)
    due = checks[checks["status"].isin(["expired", "missing"])]
    renewing = int((checks["status"] != "valid").sum())
    assert len(due) >= 2  # the small dataset's Groningen: mentors whose VOG ran out
    erase(store, int(due["person_id"].iloc[0]), actor="rules-test")  # their check date too
    store.close()

    ctx = Context.open(str(small_db), programme="Groningen", lang="en")
    assert HomeApp(ctx).stats()["checks_expired"] == len(due) - 1
    renew = IntakeApp(Context.open(str(small_db), programme="Groningen", lang="en"))
    accordion = renew._checks_to_renew()[0]
    assert accordion.get_title(0).endswith(f" to renew: {renewing - 1} mentors in a match")


def test_one_date_and_a_column_get_the_same_status() -> None:
    from mentorkit.casework.screening import check_status, check_table

    days = [dt.date(2024, 11, 22), dt.date(2024, 12, 1), dt.date(2025, 6, 1), None,
            dt.date(2020, 2, 29)]
    table = check_table(pd.DataFrame({"id": range(5), "background_check_date": days}),
                        "boerneattest", TODAY)
    assert table["status"].tolist() == ["expired", "expiring", "valid", "missing", "expired"]
    for day, status in zip(days, table["status"]):
        assert check_status(day, "boerneattest", TODAY)[0] == status


@pytest.mark.parametrize("lang, text", [
    ("da", "En anden person i programmet har allerede denne e-mailadresse"),
    ("nl", "Iemand anders in dit programma heeft dit e-mailadres al"),
])
def test_the_form_refuses_an_e_mail_another_person_of_the_programme_has(
        lang: str, text: str, small_db: Path, env: None) -> None:
    """The database keeps one person per programme and e-mail (the importer's key): the form
    says so at the field, in her language, even past the duplicate check, and writes nothing."""
    store = Store.open(str(small_db), actor="rules-test")
    store.people.add(**valid("mentee", 1))
    n = len(store.table("person"))
    other = valid("mentor", 2) | {"email": " REGEL1@example.org"}  # case and spaces ignored
    saved, errors = through_form(small_db, other, lang)
    assert saved is None and errors == {"email": text}
    assert len(store.table("person")) == n
    store.close()

"""Erasure that stays erased (issue 15), written as the attacks.

- The same file imported again after an erasure brought the person back, name and e-mail:
  the ledger's keyed fingerprints refuse her on every path (importer, form, store API),
  naming rows, never values; ``readmit`` is the deliberate, audited way back.
- Her name in another order or case, her phone and address in other people's notes
  survived the erasure: they are redacted in every free-text column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from mentorkit.errors import ImportFailed
from mentorkit.imports import import_file
from mentorkit.privacy.erasure import REDACTED, erase
from mentorkit.privacy.fingerprints import ERASED_RULE, UNKEYED, ErasedPerson
from mentorkit.privacy.pseudonyms import key_fingerprint
from mentorkit.store import Store
from mentorkit.store.erasure import readmit

TODAY = dt.date(2026, 11, 23)
GRONINGEN = 5
KEY = "erasure-test-key-of-the-installation"

HEADER = ("first_name;last_name;email;phone;address;birth_year;registered_on;"
          "consent_given_at;consent_scope")
VALENTIJN = ("Valentijn;Bouwhuisen;valentijn.b@example.org;+31 6 1234 5678;Kerkstraat 12;"
             "1988;02-11-2026;02-11-2026;casework")
OTHER = ("Testa;Regelsen;testa.r@example.org;+31 6 8765 4321;Dorpsweg 3;1990;02-11-2026;"
         "02-11-2026;casework")
SECRETS = ("Valentijn", "Bouwhuisen", "valentijn.b@example.org", "1234 5678", "Kerkstraat")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fixed today, the installation's key and a ledger file outside the database."""
    monkeypatch.setenv("MENTORKIT_TODAY", TODAY.isoformat())
    monkeypatch.setenv("MENTORKIT_UI_PREFS", str(tmp_path / "prefs.json"))
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    ledger = tmp_path / "ledger" / "erasures.jsonl"
    monkeypatch.setenv("MENTORKIT_ERASURE_LEDGER", str(ledger))
    for name in ("MENTORKIT_DB", "MENTORKIT_PROGRAMMES", "MENTORKIT_LANG",
                 "MENTORKIT_PSEUDONYM_KEY_FILE", "MENTORKIT_SHOW_PERSONAL", "MENTORKIT_ROLE"):
        monkeypatch.delenv(name, raising=False)
    return ledger


def mentees_file(folder: Path, *rows: str) -> Path:
    path = folder / "mentees.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def imported_and_erased(small_db: Path, tmp_path: Path) -> tuple[Store, Path, int]:
    """The attack's set-up: a file imported, the first person in it erased."""
    store = Store.open(str(small_db), actor="erasure-test")
    path = mentees_file(tmp_path, VALENTIJN, OTHER)
    assert import_file(store, path, "mentees", programme="Groningen").inserted == 2
    people = store.table("person")
    who = int(people.loc[people["email"] == "valentijn.b@example.org", "id"].iloc[0])
    erase(store, who, actor="coordinator")
    return store, path, who


def person(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "programme_id": GRONINGEN, "role": "mentee", "first_name": "Valentijn",
        "last_name": "Bouwhuisen", "email": "valentijn.b@example.org", "birth_year": 1988,
        "phone": "+31 6 1234 5678", "registered_on": dt.date(2026, 11, 2),
        "consent_given_at": dt.datetime(2026, 11, 2, 12), "consent_scope": ["casework"]}
    return {k: v for k, v in (row | changes).items() if v is not None}


def no_secret_in(text: str) -> None:
    for secret in SECRETS:
        assert secret.casefold() not in text.casefold(), secret


# --- the same file again ---------------------------------------------------------------------

@pytest.mark.parametrize("dry_run", [False, True])
def test_the_same_file_imported_again_is_refused_naming_the_row_and_no_value(
        small_db: Path, tmp_path: Path, env: Path, dry_run: bool) -> None:
    store, path, _ = imported_and_erased(small_db, tmp_path)
    before = store.counts()
    other = mentees_file(tmp_path, OTHER.replace("testa.r", "new.one").replace(
        "Regelsen", "Nieuw").replace("Testa", "Nieuwe").replace("8765 4321", "5555 0001"),
        VALENTIJN)  # a new person first (no likely duplicate), the erased one in file row 3
    with pytest.raises(ImportFailed) as caught:
        import_file(store, other, "mentees", programme="Groningen", dry_run=dry_run)
    problems = caught.value.report.problems  # type: ignore[attr-defined]  # ImportFailed's
    assert [(p.row, p.rule) for p in problems] == [(3, ERASED_RULE)]
    assert "asked to be erased" in problems[0].allowed and "readmit" in problems[0].allowed
    shown = str(caught.value) + "\n".join(p.describe(show_value=True) for p in problems)
    no_secret_in(shown)
    assert store.counts() == before  # nothing of the file written, the new person neither
    with pytest.raises(ImportFailed):  # and the very same file again
        import_file(store, path, "mentees", programme="Groningen", dry_run=dry_run)
    assert store.counts() == before
    store.close()


# --- every other spelling of her, every path ---------------------------------------------------

@pytest.mark.parametrize("changes", [
    {},
    {"email": "VALENTIJN.B@Example.ORG"},                                        # case
    {"email": None, "phone": None, "first_name": "BOUWHUISEN,", "last_name": "valentijn"},
    {"email": None, "phone": None, "first_name": "Valentíjn", "last_name": "BOUWHUISEN"},
    {"email": None, "first_name": "V.", "birth_year": None, "phone": "06-12 34 56 78"},
    {"email": "other@example.org", "first_name": "Vally", "phone": "0031612345678"},
], ids=["same", "e-mail case", "name reversed with comma", "accent and case", "phone spacing",
        "phone with 0031"])
def test_store_api_refuses_her_in_any_spelling(small_db: Path, tmp_path: Path, env: Path,
                                               changes: dict[str, Any]) -> None:
    store, _, _ = imported_and_erased(small_db, tmp_path)
    n = len(store.table("person"))
    with pytest.raises(ErasedPerson) as caught:
        store.people.add_many([person(email="unrelated@example.org", first_name="Anne",
                                      last_name="Jansen", phone=None, birth_year=1970),
                               person(**changes)])
    assert caught.value.rows == [1]
    no_secret_in(str(caught.value))
    assert len(store.table("person")) == n
    store.close()


def test_other_people_are_not_refused(small_db: Path, tmp_path: Path, env: Path) -> None:
    """Same first name, same birth year, another last name, another phone: a new person."""
    store, _, _ = imported_and_erased(small_db, tmp_path)
    new = store.people.add(**person(email="valentijn.k@example.org", last_name="Kuipers",
                                    phone="+31 6 9999 0000"))
    assert store.people.get(new)["last_name"] == "Kuipers"
    store.close()


@pytest.mark.parametrize("lang, text", [
    ("da", "denne person har bedt om at blive slettet"),
    ("en", "this person asked to be erased"),
    ("nl", "deze persoon heeft gevraagd om gewist te worden"),
])
def test_the_intake_form_refuses_her_in_the_users_language(
        small_db: Path, tmp_path: Path, env: Path, lang: str, text: str) -> None:
    from mentorkit.ui.context import Context
    from mentorkit.ui.intake import IntakeApp

    store, _, _ = imported_and_erased(small_db, tmp_path)
    n = len(store.table("person"))
    app = IntakeApp(Context.open(str(small_db), programme="Groningen", lang=lang))
    app._new()
    app.role_toggle.value = "mentee"
    for name, value in person(email="VALENTIJN.B@example.org").items():
        if name == "consent_given_at":
            app.inputs["consent_given"].set(True)
            app.inputs["consent_date"].set(value)
        elif name in app.inputs:
            app.inputs[name].set(value)
    assert app.save(force=True) is None  # force: past the duplicate warning
    assert text in app.message.text
    no_secret_in(app.message.text)
    assert len(store.table("person")) == n
    store.close()


def test_readmit_is_the_deliberate_audited_way_back(small_db: Path, tmp_path: Path,
                                                    env: Path) -> None:
    store, _, _ = imported_and_erased(small_db, tmp_path)
    with pytest.raises(ValueError, match="new consent"):
        readmit(store, new_consent=False, **person())
    new = readmit(store, new_consent=True, actor="coordinator", **person())
    assert store.people.get(new)["email"] == "valentijn.b@example.org"
    audit = store.table("audit")
    mine = audit[(audit["table_name"] == "person") & (audit["row_id"] == new)]
    assert mine["action"].tolist() == ["insert", "readmit"]
    assert set(mine["actor"]) == {"coordinator"}
    no_secret_in(json.dumps(mine.drop(columns=["at"]).to_dict("records"), default=str))
    with pytest.raises(ErasedPerson):  # the override was for that one call only
        store.people.add(**person(email="second@example.org"))
    store.close()


def test_an_edit_cannot_turn_someone_into_her_but_a_readmitted_person_may_be_edited(
        small_db: Path, tmp_path: Path, env: Path) -> None:
    """The side door: register a blank person, then type her e-mail in."""
    store, _, _ = imported_and_erased(small_db, tmp_path)
    blank = store.people.add(**person(email="placeholder@example.org", first_name="Anne",
                                      last_name="Jansen", phone=None))
    with pytest.raises(ErasedPerson) as caught:
        store.people.update(blank, email="Valentijn.B@example.org")
    no_secret_in(str(caught.value))
    assert store.people.get(blank)["email"] == "placeholder@example.org"
    back = readmit(store, new_consent=True, **person())
    assert store.people.update(back, phone="+31 6 1234 5679")["phone"] == "+31 6 1234 5679"
    store.close()


# --- the fingerprints are keyed and hold no value --------------------------------------------

def test_the_ledger_holds_keyed_marks_and_no_value(small_db: Path, tmp_path: Path,
                                                   env: Path) -> None:
    store, _, who = imported_and_erased(small_db, tmp_path)
    row = [e for e in store.erasure_ledger() if e["person_id"] == who][0]
    prints = row["fingerprints"]
    assert prints["key"] == key_fingerprint(KEY.encode()) and len(prints["marks"]) == 3
    line = [e for e in map(json.loads, env.read_text().splitlines()) if e["person_id"] == who]
    assert line[0]["fingerprints"] == prints  # the file outside the database has them too
    stored = json.dumps(prints) + env.read_text()
    no_secret_in(stored)
    for value in ("email:valentijn.b@example.org", "valentijn.b@example.org",
                  "phone:12345678", "name:bouwhuisen valentijn|1988"):
        assert hashlib.sha256(value.encode()).hexdigest()[:32] not in stored  # not unkeyed
    store.close()


def test_another_key_cannot_recognise_her(small_db: Path, tmp_path: Path, env: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever holds the database but not the key cannot test a guess; with the key, she is
    recognised."""
    store, _, _ = imported_and_erased(small_db, tmp_path)
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", "another-installation-key-entirely")
    new = store.people.add(**person())  # not recognised: the marks are not comparable
    assert new > 0
    store.close()


def test_without_a_configured_key_she_is_still_refused(small_db: Path, tmp_path: Path,
                                                        env: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY")
    store, _, who = imported_and_erased(small_db, tmp_path)
    row = [e for e in store.erasure_ledger() if e["person_id"] == who][0]
    assert row["fingerprints"]["key"] == key_fingerprint(UNKEYED)
    with pytest.raises(ErasedPerson):
        store.people.add(**person())
    store.close()


# --- mentions in other spellings are redacted ------------------------------------------------

def test_erasure_redacts_her_name_phone_and_address_in_any_spelling_elsewhere(
        small_db: Path, tmp_path: Path, env: Path) -> None:
    store, _, _ = imported_and_erased(small_db, tmp_path)  # a first erasure, for the set-up
    who = store.people.add(**person(email="v2@example.org", first_name="Zoë", last_name="Åberg",
                                    phone="0612340000", address="Grote Markt 7", birth_year=1970))
    match = store.table("match").iloc[0]
    followup = store.table("followup").iloc[0]
    others = store.table("person")
    other = int(others.loc[~others["id"].isin([who]) & others["erased_at"].isna(), "id"].iloc[0])
    notes = {
        ("person", other): "Came with ÅBERG, Zoë; call her at +31 6 12 34 00 00.",
        ("match", int(match["id"])): "Meets zoe aberg at grote markt  7 on Tuesdays.",
        ("followup", int(followup["id"])): "Aberg Zoe (06-12340000, V2@EXAMPLE.ORG) came too.",
    }
    entity = {"person": store.people, "match": store.matches, "followup": store.followups}
    for (table, row_id), text in notes.items():
        entity[table].update(row_id, notes=text)
    report = erase(store, who)
    assert report.mentions == 3
    after = {key: entity[key[0]].get(key[1])["notes"] for key in notes}
    assert after == {
        ("person", other): f"Came with {REDACTED}; call her at {REDACTED}.",
        ("match", int(match["id"])): f"Meets {REDACTED} at {REDACTED} on Tuesdays.",
        ("followup", int(followup["id"])): f"{REDACTED} ({REDACTED}, {REDACTED}) came too.",
    }
    store.close()


def test_a_lone_first_name_and_other_numbers_are_left_alone(small_db: Path, tmp_path: Path,
                                                             env: Path) -> None:
    store, _, _ = imported_and_erased(small_db, tmp_path)
    who = store.people.add(**person(email="v3@example.org", first_name="Zoë", last_name="Åberg",
                                    phone="0612340000", birth_year=1970))
    others = store.table("person")
    other = int(others.loc[(others["id"] != who) & others["erased_at"].isna(), "id"].iloc[0])
    text = "Zoë from the library; order 1234000012; Åbergsvej 3; ring 0612349999."
    store.people.update(other, notes=text)
    assert erase(store, who).mentions == 0
    assert store.people.get(other)["notes"] == text
    store.close()

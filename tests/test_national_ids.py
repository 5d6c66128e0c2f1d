"""National ids, whatever their spelling (issue 15): written as the attack.

Each spelling that was stored before — separators of every kind, full-width and
Arabic-Indic digits, a CPR in the phone column, Excel's dropped leading zero, BSN groupings,
a CPR inside JSON — is refused on write through the store (so the never-erased audit cannot
hold it) and through the importer, without the digits in any message; phone numbers in their
real spellings and numbers that fail the BSN eleven-test are accepted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorkit.errors import ImportFailed, ValidationError
from mentorkit.imports import import_file
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.store import Store

REGISTERED = {"registered_on": dt.date(2024, 2, 1),
              "consent_given_at": dt.datetime(2024, 2, 1, 10), "consent_scope": ["casework"]}

#: Every spelling of the one CPR 010190-1234 that the issue found stored.
CPR = "0101901234"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
SPELLINGS = {
    "space": "010190 1234",
    "hyphen": "010190-1234",
    "non-breaking hyphen": "010190\u20111234",
    "minus sign": "010190\u22121234",
    "en dash": "010190\u20131234",
    "em dash": "010190\u20141234",
    "slash": "010190/1234",
    "non-breaking space": "010190\u00a01234",
    "thin space": "010190\u20091234",
    "dot": "010190.1234",
    "dotted date": "01.01.90-1234",
    "zero-width space": "010190\u200b1234",
    "bare": "0101901234",
    "full-width": "010190-1234".translate(FULL_WIDTH),
    "full-width hyphen": "010190\uff0d1234".translate(FULL_WIDTH),
    "arabic-indic": "010190-1234".translate(ARABIC_INDIC),
    "persian": "0101901234".translate(PERSIAN),
    "excel dropped the zero": "101901234",
    "bsn spaced": "111 222 333",
    "bsn dotted": "1112.22.333",
    "bsn bare": "111222333",
}
#: Phone numbers as people write them: all accepted, in the phone column and in notes.
PHONES = ["+45 20 30 40 50", "+4520304050", "20 30 40 50", "20304050", "0045 20304050",
          "+31 6 12345678", "+31612345678", "+31 (0)6 12345678", "0031 6 1234 5678",
          "06-12345678", "06 12345678", "06 1234 5678", "06 12 34 56 78", "(06) 123 456 78",
          "050 123 4567", "050-1234567", "020 612 3456", "0591 123456", "+31 50 123 4567"]


def digits_of(text: str) -> list[str]:
    """Runs of three or more digits of a spelling, in ASCII and as written."""
    from mentorkit.model.national_ids import normalise

    plain = [g for g in normalise(text).split() if len(g) >= 3 and g.isdigit()]
    written = [g for g in text.replace("\u00a0", " ").split() if len(g) >= 3]
    return plain + written


def assert_no_digits(message: str, spelling: str) -> None:
    for group in digits_of(spelling):
        assert group not in message, (group, message)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(str(tmp_path / "ids.db"), actor="test")
    yield s
    s.close()


@pytest.fixture
def people(store: Store) -> dict[str, int]:
    programme = store.programmes.add(name="Vollsmose", city="Odense", country="DK")
    mentee = store.people.add(programme_id=programme, role="mentee", first_name="Amal",
                              gender="female", **REGISTERED)
    mentor = store.people.add(programme_id=programme, role="mentor", first_name="Bente",
                              gender="female", capacity=2, **REGISTERED)
    return {"programme": programme, "mentee": mentee, "mentor": mentor}


def pair(people: dict[str, int]) -> dict[str, int]:
    return {"programme_id": people["programme"], "mentee_id": people["mentee"],
            "mentor_id": people["mentor"]}


def audit_text(store: Store) -> str:
    return store.table("audit").to_string()


#: Where each spelling is typed; Excel drops the zero of a whole cell only (module docstring),
#: so that spelling is a whole note and nothing else.
PLACES = [(where, name) for name in SPELLINGS
          for where in ("notes alone", "notes in a sentence", "last_name")
          if name != "excel dropped the zero" or where == "notes alone"]


@pytest.mark.parametrize(("where", "name"), PLACES)
def test_every_spelling_is_refused_in_text(store: Store, people: dict[str, int],
                                           where: str, name: str,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    spelling = SPELLINGS[name]
    column, value = (("notes", spelling) if where == "notes alone"
                     else ("notes", f"Cpr-nr. {spelling}, ring først") if where.startswith("notes")
                     else ("last_name", spelling))
    counts = store.counts()
    with pytest.raises(ValidationError) as err:
        store.people.update(people["mentee"], **{column: value})
    message = str(err.value)
    assert f"column '{column}'" in message and "CPR/BSN-like number" in message
    assert_no_digits(message, spelling)
    assert_no_digits(caplog.text, spelling)
    with pytest.raises(ValidationError):
        store.people.add(programme_id=people["programme"], role="mentee", first_name="Cai",
                         **REGISTERED, **{column: value})
    assert store.counts() == counts
    assert_no_digits(audit_text(store), spelling)


@pytest.mark.parametrize("name", [n for n in SPELLINGS
                                  if n not in ("bare", "zero-width space", "persian")])
def test_every_spelling_is_refused_in_the_phone_column(store: Store, people: dict[str, int],
                                                       name: str) -> None:
    spelling = SPELLINGS[name]
    with pytest.raises(ValidationError) as err:
        store.people.update(people["mentee"], phone=spelling)
    assert "column 'phone'" in str(err.value) and "CPR/BSN-like" in str(err.value)
    assert_no_digits(str(err.value), spelling)
    assert_no_digits(audit_text(store), spelling)


def test_bare_cpr_in_phone_column_days_10_to_31_refused(store: Store,
                                                        people: dict[str, int]) -> None:
    """Bare ten digits starting with 0 (also once a zero-width space is dropped, or in
    Persian digits) are a Dutch number in the phone column (the module's trade-off); a CPR
    of the 10th–31st has no Dutch number's shape and is refused."""
    with pytest.raises(ValidationError, match="column 'phone'"):
        store.people.update(people["mentee"], phone="1503851234")
    store.people.update(people["mentee"], phone="0101901234")  # Rotterdam: 010 190 1234


@pytest.mark.parametrize("name", list(SPELLINGS))
def test_every_spelling_is_refused_inside_json(store: Store, people: dict[str, int],
                                               name: str) -> None:
    spelling = SPELLINGS[name]
    breakdown = {"language": 0.8, "goals": 0.5, "note": {"who": [spelling]}}
    with pytest.raises(ValidationError) as err:
        store.matches.add(**pair(people),
                          status="proposed", score=0.7, score_breakdown=breakdown)
    assert "column 'score_breakdown'" in str(err.value)
    assert_no_digits(str(err.value), spelling)
    assert store.table("match").empty
    assert_no_digits(audit_text(store), spelling)
    match = store.matches.add(**pair(people),
                              status="proposed", score=0.7, score_breakdown={"language": 0.8})
    with pytest.raises(ValidationError, match="score_breakdown"):
        store.matches.update(match, score_breakdown={spelling: 1.0})  # in a key
    assert_no_digits(audit_text(store), spelling)


def test_cpr_as_a_json_number_is_refused(store: Store, people: dict[str, int]) -> None:
    for number in (1501901234, 101901234, 101901234.0):
        with pytest.raises(ValidationError, match="score_breakdown"):
            store.matches.add(**pair(people),
                              status="proposed", score=0.7, score_breakdown={"x": number})


def test_scores_in_json_are_accepted(store: Store, people: dict[str, int]) -> None:
    store.matches.add(**pair(people), status="proposed",
                      score=0.123456789,
                      score_breakdown={"language": 0.123456789, "goals": 0.0101901234,
                                       "n": 3, "ok": True, "none": None})


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_accepted(store: Store, people: dict[str, int], phone: str) -> None:
    store.people.update(people["mentee"], phone=phone, notes=f"Ring på {phone} efter kl. 16")
    assert store.people.get(people["mentee"])["phone"] == phone


@pytest.mark.parametrize("note", [
    "Dutch mobile 0612345678, call after four",
    "0612345678",
    "Møde 15.01.25 10.30 på biblioteket",
    "Afspraak 12-01-2024 14:00, daarna 13.01.2024 10.30",
    "Ordernummer 123456789 (kvittering)",
    "IBAN NL20INGB0501234567 (from the form)",
    "Vestergade 12, 5000 Odense C, tlf. 66 12 34 56",
    "Kr. 1.095.000 bevilget 2009-2011",
    "Fingerprint 3f0101901234ab99cc3f0101901234ab99cc",
])
def test_ordinary_numbers_in_notes_are_accepted(store: Store, people: dict[str, int],
                                                note: str) -> None:
    store.people.update(people["mentee"], notes=note)
    assert store.people.get(people["mentee"])["notes"] == note


def test_a_uuid_holding_nine_digits_that_pass_the_eleven_test_is_no_id() -> None:
    """A kernel's session id in a server log ("…-8043-732407254d14": 732407254 passes the
    BSN's eleven-test) was flagged as a BSN; the same digits alone still are."""
    from mentorkit.model.national_ids import find_national_id

    assert find_national_id("session_id=6838493f-2014-4844-8043-732407254d14") is None
    assert find_national_id("6838493F-2014-4844-8043-732407254D14") is None
    assert find_national_id("732407254") == "BSN"
    assert find_national_id("BSN 732407254, session 6838493f-2014-4844-8043-1") == "BSN"


def test_import_refuses_every_spelling_and_never_echoes_it(store: Store, people: dict[str, int],
                                                           tmp_path: Path) -> None:
    header = "first_name;email;phone;registered_on;consent_given_at;consent_scope;notes"
    names = list(SPELLINGS)
    lines = [f"P{i};p{i}@example.org;+45 20 30 40 50;01-02-2024;01-02-2024;casework;"
             f"{SPELLINGS[n]}" for i, n in enumerate(names)]
    lines.append("Q;q@example.org;010190\u20111234;01-02-2024;01-02-2024;casework;")
    path = tmp_path / "mentees.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    counts = store.counts()
    with pytest.raises(ImportFailed) as caught:
        import_file(store, path, "mentees", programme="Vollsmose")
    assert store.counts() == counts
    report = caught.value.report
    flagged = {(p.row, p.column) for p in report.problems if p.rule == "national id"}
    assert flagged == {(i + 2, "notes") for i in range(len(names))} | {(len(names) + 2, "phone")}
    shown = report.to_text(show_values=True) + report.to_frame().to_string() + str(caught.value)
    for spelling in SPELLINGS.values():
        assert_no_digits(shown, spelling)
    assert "CPR/BSN-like number" in shown


# --- properties ----------------------------------------------------------------------------

SEPARATORS = ["", " ", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015",
              "\u2212", "\ufe63", "\uff0d", "/", "\u2044", "\u2215", ".", "\u00b7", "\u00a0",
              "\u2009", "\u202f", "\u3000", "\u200b", "\u00ad", " - ", " / ", "_"]
SCRIPTS = [None, FULL_WIDTH, ARABIC_INDIC, PERSIAN,
           str.maketrans("0123456789", "०१२३४५६७८९"),   # Devanagari
           str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")]  # Bengali


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
       serial=st.integers(0, 9999), sep=st.sampled_from(SEPARATORS),
       script=st.sampled_from(SCRIPTS), dotted=st.booleans(),
       context=st.sampled_from(["{}", "CPR {}", "født {} i Aleppo", "phone {}"]))
def test_property_any_valid_cpr_in_any_spelling_is_refused(
        day: dt.date, serial: int, sep: str, script: dict[int, int] | None, dotted: bool,
        context: str) -> None:
    date = day.strftime("%d%m%y")
    if dotted and sep:
        date = sep.join([date[:2], date[2:4], date[4:]])
    cpr = f"{date}{sep}{serial:04d}"
    if script:
        cpr = cpr.translate(script)
    bare = sep in ("", "\u200b", "\u00ad")  # invisible separators are dropped
    if bare and date.startswith("06"):
        return  # bare 06…: a Dutch mobile (module docstring), tested in the notes test
    for column in ("notes", "phone"):
        if column == "phone" and (bare or context != "{}"):
            continue  # bare 0… (invisible separators go) in the phone column is a Dutch number
        frame = conform("person", pd.DataFrame([{column: context.format(cpr)}]))
        problems = [p for p in validate_frame("person", frame) if p.rule == "national id"]
        assert [(p.column, p.value) for p in problems] == [(column, None)], cpr


def national_id_problems(notes: str) -> list[tuple[str, object]]:
    frame = conform("person", pd.DataFrame([{"notes": notes}]))
    return [(p.column, p.value) for p in validate_frame("person", frame)
            if p.rule == "national id"]


def _fails_eleven_test(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 != 0


@settings(max_examples=100, deadline=None)
@given(number=st.integers(100_000_000, 999_999_999).map(str).filter(_fails_eleven_test),
       context=st.sampled_from(["order {} received", "ref. {}", "kvittering nr {}, betalt"]))
def test_property_nine_digits_failing_the_eleven_test_are_accepted(number: str,
                                                                   context: str) -> None:
    assert national_id_problems(context.format(number)) == []


@settings(max_examples=100, deadline=None)
@given(number=st.integers(100_000_000, 999_999_999).map(str).filter(_fails_eleven_test))
def test_property_bare_nine_digits_refused_only_as_an_excel_cpr(number: str) -> None:
    refused = bool(national_id_problems(number))
    day, month = int(number[0]), int(number[1:3])
    assert refused == (1 <= month <= 12 and day >= 1)


def test_a_cpr_in_a_match_runs_settings_is_refused(store: Store) -> None:
    from mentorkit.store.audit import utcnow
    from mentorkit.store.match_runs import add_match_run

    run = {"method": "optimal", "objective": "score", "input_fingerprint": "0" * 64,
           "n_mentees": 0, "n_mentors": 0, "n_matched": 0, "total_score": 0.0,
           "result": {"scores": [0.123456789]}, "created_at": utcnow()}
    with pytest.raises(ValidationError, match="column 'settings'") as err:
        add_match_run(store, {**run, "settings": {"pinned": [["010190\u20111234", 2]]}})
    assert_no_digits(str(err.value), "010190 1234")
    assert store.table("match_run").empty and store.table("audit").empty
    add_match_run(store, {**run, "settings": {"weights": {"language": 0.5}}})

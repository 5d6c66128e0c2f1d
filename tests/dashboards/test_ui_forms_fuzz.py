"""Fuzz the forms: whatever is typed, only the project's own errors, and nothing half-written.

Arbitrary text (any Unicode, control characters, digits of other scripts, huge numbers, dates
that do not exist, formula-like text, very long text) goes into every field of the intake,
caseload and events forms. The readers (:func:`parse_date`, :func:`parse_year`,
:func:`parse_number`, :meth:`Input.get`) return a value or raise :class:`FieldError`, a
:class:`mentorkit.errors.ValidationError`; the forms answer with a message per field, never
an unexpected error (every error a callback meets is recorded here and must be the
project's own), and write nothing when anything is invalid. What they do write passes the
same validation as an import.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import TODAY, copy_db
from mentorkit.errors import MentorkitError, ValidationError
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.ui import shell
from mentorkit.ui.caseload import CaseloadApp
from mentorkit.ui.common import FieldError, fmt_date, parse_date, parse_number, parse_year
from mentorkit.ui.context import Context
from mentorkit.ui.events import EventsApp
from mentorkit.ui.forms import Input
from mentorkit.ui.intake import FIELDS, IntakeApp

FAST = settings(max_examples=200, deadline=None)
FORMS = settings(max_examples=80, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])

AWKWARD = ["", " ", "\t", "0", "-1", "1985", "85", "19x5", "2026", "0000", "9999", "1e400",
           "nan", "inf", "-inf", "NaN", "37,5", "37.5", "1,2,3", "٣٧", "١٩٨٥", "１９８５",
           "𝟙𝟡𝟠𝟝", "²", "23-11-2026", "31-02-2026", "29-02-2024", "29-02-2025", "00-00-0000",
           "0000-01-01", "0001-01-01", "9999-12-31", "2026-13-01", "2026-11-23T10:00",
           "٢٣-١١-٢٠٢٦", "23.11.2026", "23/11/2026", "1.1.1900", "99999999999999999999",
           "010190-1234", "0101901234", "111222333", "KÃ¸benhavn", "København",
           "=HYPERLINK(\"http://x\",\"y\")", "+cmd", "@SUM(A1)", "a@example.org", "a@b",
           "+45 12 34 56 78", "\x00", "\x1b[31m", "\u202e", "\ufeff", "ä\u200bö", "\r\n",
           "x" * 300, "1" * 40, "<script>alert(1)</script>", "'; DROP TABLE person; --"]
TEXT = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=40),
                 st.text(st.characters(codec="utf-8"), max_size=12))


def only_our_errors(call: Any, *args: Any) -> Any:
    """``call(*args)``'s value; a FieldError is fine, anything else fails the test."""
    try:
        return call(*args)
    except FieldError as err:
        assert isinstance(err, ValidationError) and isinstance(err, MentorkitError)
        assert err.key.startswith("form.") and str(err) == err.key  # no value in the message
        return err


@FAST
@given(text=TEXT)
def test_the_readers_return_a_value_or_a_field_error(text: str) -> None:
    day = only_our_errors(parse_date, text)
    if isinstance(day, dt.date):
        assert parse_date(fmt_date(day)) == day and 1900 <= day.year <= 2199
    year = only_our_errors(parse_year, text)
    if isinstance(year, int):
        assert 0 <= year <= 9999 and str(year).zfill(4) == text.strip()
    for whole in (False, True):
        number = only_our_errors(parse_number, text, whole)
        if isinstance(number, (int, float)):
            assert pd.notna(number) and abs(number) < 1e10
            assert not whole or isinstance(number, int)
    for kind in ("text", "textarea", "year", "date", "number", "whole"):
        inp = Input(kind, "en")
        inp.widget.value = text
        value = only_our_errors(inp.get)
        if kind in ("text", "textarea") and value is not None:
            assert value == text.strip() and value


def test_digits_of_other_scripts_and_impossible_days_are_refused() -> None:
    for text in ("١٩٨٥", "１９８５", "𝟙𝟡𝟠𝟝"):
        assert isinstance(only_our_errors(parse_year, text), FieldError)
    for text in ("٢٣-١١-٢٠٢٦", "31-02-2026", "00-01-2026", "01-01-0000", "2026-02-30",
                 "31-12-9999", "01-01-1899"):
        assert isinstance(only_our_errors(parse_date, text), FieldError)
    for text in ("nan", "inf", "1e400", "٣٧", "99999999999999999999"):
        assert isinstance(only_our_errors(parse_number, text), FieldError)
    assert isinstance(only_our_errors(parse_number, "2,5", True), FieldError)
    assert parse_number("2,0", whole=True) == 2


class Unexpected:
    """Records what a callback's guard meets; the project's own errors are expected."""

    def __init__(self) -> None:
        self.seen: list[BaseException] = []

    def __call__(self, app: str, action: str, err: BaseException) -> str:
        self.seen.append(err)
        return "TEST"

    def check(self) -> None:
        bad = [type(e).__name__ for e in self.seen if not isinstance(e, MentorkitError)]
        self.seen.clear()
        assert bad == [], f"unexpected errors: {bad}"


@pytest.fixture(scope="module")
def world(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One database and the apps' environment for the whole module (hypothesis reuses it)."""
    work = tmp_path_factory.mktemp("fuzz")
    env = {"MENTORKIT_UI_PREFS": str(work / "prefs.json"), "MENTORKIT_TODAY": TODAY,
           "MENTORKIT_ACTOR": "fuzz", "MENTORKIT_ROLE": "coordinator"}
    saved = {k: os.environ.get(k) for k in [*env, "MENTORKIT_DB", "MENTORKIT_PROGRAMMES",
                                            "VOILA_PREHEAT", "MENTORKIT_SHOW_PERSONAL"]}
    for k in saved:
        os.environ.pop(k, None)
    os.environ.update(env)
    db = copy_db(demo_db, work / "fuzz.db")
    unexpected = Unexpected()
    original = shell.report_error
    shell.report_error = unexpected
    try:
        yield {"db": db, "unexpected": unexpected,
               "intake": IntakeApp(Context.open(str(db), programme="Groningen", lang="en")),
               "caseload": CaseloadApp(Context.open(str(db), programme="Groningen",
                                                    lang="da")),
               "events": EventsApp(Context.open(str(db), programme="Tingbjerg", lang="nl"))}
    finally:
        shell.report_error = original
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_the_recorder_sees_what_a_callbacks_guard_catches(
        world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks below see every error the forms' guard turns into a message."""
    app: CaseloadApp = world["caseload"]

    def broken(**_: object) -> None:
        raise KeyError("planted")
    monkeypatch.setattr(app.ctx.store.followups, "add", broken)
    assert app.log_followup() is None
    with pytest.raises(AssertionError, match="KeyError"):
        world["unexpected"].check()
    world["unexpected"].check()  # check() starts afresh


TYPED = [name for _s, name, kind, _v, _r in FIELDS if kind in ("text", "textarea", "year",
                                                                "date")]
VALID = {"first_name": "Amina", "last_name": "Hassan", "birth_year": "1985",
         "arrival_year": "2015", "email": "amina@example.org", "phone": "+45 12 34 56 78",
         "address": "Vestergade 1", "postcode": "5000", "neighbourhood": "Vollsmose",
         "profession": "Nurse", "registered_on": "01-11-2026", "consent_date": "2026-11-01",
         "background_check_date": "01.06.2026", "notes": "Likes football", "title": "Kursus",
         "location": "Biblioteket", "date": "20-11-2026", "ended_on": "20-11-2026",
         "hours_per_week": "37,5", "network_size": "12", "mentee_feedback": "Good",
         "mentor_feedback": "Fine", "next_due": "01-01-2027"}


def typed(*names: str) -> st.SearchStrategy[dict[str, str]]:
    """Some of the fields, each three times as often sensible as arbitrary."""
    def one(name: str) -> st.SearchStrategy[str]:
        return st.integers(0, 3).flatmap(lambda i: TEXT if i == 0 else st.just(VALID[name]))
    return st.fixed_dictionaries({}, optional={n: one(n) for n in names})


@FORMS
@given(typed=typed(*TYPED),
       role=st.sampled_from(["mentee", "mentor"]), consent=st.sampled_from([True] * 3 + [False]),
       scopes=st.lists(st.sampled_from(["casework"] * 3 + ["research", "contact"]),
                       max_size=3).map(lambda x: sorted(set(x))),
       edit=st.booleans())
def test_intake_answers_any_input_with_field_messages_and_writes_all_or_nothing(
        world: dict[str, Any], typed: dict[str, str], role: str, consent: bool,
        scopes: list[str], edit: bool) -> None:
    app: IntakeApp = world["intake"]
    store = app.ctx.store
    if edit:  # someone already registered, with consent
        people = app.people[app.people["erased_at"].isna() & app.people["consent_given_at"].notna()]
        app._open(int(people["id"].iloc[len(typed) % len(people)]))
    else:
        app._new()
        app.role_toggle.value = role
    for name, text in typed.items():
        app.inputs[name].widget.value = text
    app.inputs["consent_given"].widget.value = consent or edit
    app.inputs["consent_scope"].set(scopes + ["casework"] if edit else scopes)
    values, errors = app.collect()
    before = store.counts()
    result = app.save(force=True)
    world["unexpected"].check()
    event("refused" if errors else "saved")
    if errors:
        assert result is None and store.counts() == before
        shown = {k: f.error_text for k, f in app.fields.items() if f.error_text}
        assert set(shown) == set(errors) and all(shown.values())
        assert "Nothing was saved" in app.message.text
    else:
        assert result is not None
        row = store.people.get(result)
        frame = conform("person", pd.DataFrame([row]))
        assert validate_frame("person", frame) == []


@FORMS
@given(typed=typed("ended_on", "hours_per_week", "network_size", "mentee_feedback",
                  "mentor_feedback"),
       reason=st.sampled_from([None, "poor_fit", "plan_completed"]),
       followup=typed("date", "next_due", "notes"))
def test_caseload_forms_answer_any_input_and_write_nothing_when_invalid(
        world: dict[str, Any], typed: dict[str, str], reason: str | None,
        followup: dict[str, str]) -> None:
    app: CaseloadApp = world["caseload"]
    store = app.ctx.store
    for k, text in typed.items():
        app.end[k].widget.value = text
    app.end["end_reason"].widget.value = reason
    values, outcome, errors, match = app.check_end()
    event("end refused" if errors else "end valid")
    if errors:  # ending a valid one would use up the demo's matches: only the refusals here
        before = store.counts()
        assert app.end_match() is False and store.counts() == before
        assert {k for k, f in app.end_fields.items() if f.error_text} == set(errors)
    else:
        frame = conform("outcome", pd.DataFrame([outcome]))[list(outcome)]
        assert validate_frame("outcome", frame) == []
    for k, text in followup.items():
        app.fu[k].widget.value = text
    before = store.counts()
    new_id = app.log_followup()
    world["unexpected"].check()
    event("follow-up refused" if new_id is None else "follow-up saved")
    if new_id is None:
        assert store.counts() == before
        assert any(f.error_text for f in app.fu_fields.values())
    else:
        row = store.followups.get(new_id)
        assert validate_frame("followup", conform("followup", pd.DataFrame([row]))) == []
    app.fu["date"].set(app.ctx.today)


@FORMS
@given(typed=typed("title", "date", "location"))
def test_events_form_answers_any_input_and_writes_nothing_when_invalid(
        world: dict[str, Any], typed: dict[str, str]) -> None:
    app: EventsApp = world["events"]
    store = app.ctx.store
    for k, text in typed.items():
        app.new[k].widget.value = text
    before = store.counts()
    new_id = app.plan_event()
    world["unexpected"].check()
    event("event refused" if new_id is None else "event saved")
    if new_id is None:
        assert store.counts() == before
        assert any(f.error_text for f in app.new_fields.values())
    else:
        row = store.events.get(new_id)
        assert validate_frame("event", conform("event", pd.DataFrame([row]))) == []

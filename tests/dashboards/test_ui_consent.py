"""Consent in the intake app: recorded on the person and appended to the consent records.

The consent records are append-only: saving a new person appends a *given* record with the
purposes chosen; changing the purposes appends a record for the change and leaves every
earlier record as it was. Withdrawing consent to casework erases the person, so the form asks
first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import ACTOR
from mentorkit.ui.context import Context
from mentorkit.ui.intake import IntakeApp


def consent_rows(app: IntakeApp, person_id: int) -> list[tuple]:
    table = app.ctx.store.table("consent", person_id=person_id).sort_values("id")
    return [(int(r.id), r.action, list(r.scope), r.recorded_by, r.reason, r.at)
            for r in table.itertuples(index=False)]


def new_person(app: IntakeApp, scopes: list[str], first: str = "Consenta") -> int | None:
    app._new()
    app.role_toggle.value = "mentee"
    app.inputs["first_name"].widget.value = first
    app.inputs["last_name"].widget.value = "Testdottir"
    app.inputs["birth_year"].widget.value = "1990"
    app.inputs["consent_given"].widget.value = True
    app.inputs["consent_scope"].set(scopes)
    return app.save(force=True)


@pytest.fixture
def app(db: Path, ui_env: Path) -> IntakeApp:
    return IntakeApp(Context.open(str(db), programme="Groningen", lang="en"))


def test_a_new_person_gets_a_given_record_with_the_purposes_chosen(app: IntakeApp) -> None:
    pid = new_person(app, ["casework", "research"])
    assert pid is not None
    rows = consent_rows(app, pid)
    assert [(a, s, who, why) for _, a, s, who, why, _ in rows] == [
        ("given", ["casework", "research"], ACTOR, "intake")]
    person = app.ctx.store.people.get(pid)
    assert person["consent_scope"] == ["casework", "research"]
    assert person["consent_given_at"] is not None


def test_changing_the_purposes_appends_records_and_never_edits_old_ones(app: IntakeApp) -> None:
    pid = new_person(app, ["casework", "research"])
    first = consent_rows(app, pid)
    app.inputs["consent_scope"].set(["casework", "research", "contact"])
    assert app.save() == pid
    second = consent_rows(app, pid)
    assert second[:1] == first
    assert [(a, s) for _, a, s, *_ in second[1:]] == [("given", ["contact"])]
    app.inputs["consent_scope"].set(["casework", "contact"])
    assert app.save() == pid
    third = consent_rows(app, pid)
    assert third[:2] == second
    assert [(a, s) for _, a, s, *_ in third[2:]] == [("withdrawn", ["research"])]
    assert app.ctx.store.people.get(pid)["consent_scope"] == ["casework", "contact"]
    # an edit of something else adds no consent record
    app.inputs["phone"].widget.value = "+31 6 1234 5678"
    assert app.save() == pid
    assert consent_rows(app, pid) == third
    # the store refuses to change a consent record behind the app's back
    with pytest.raises(sa.exc.DBAPIError):
        with app.ctx.store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE consent SET action = 'given' WHERE id = ?",
                                 (third[-1][0],))
    assert consent_rows(app, pid) == third


def test_a_new_person_needs_consent_to_casework_and_nothing_is_written_without(
        app: IntakeApp) -> None:
    before = app.ctx.store.counts()
    assert new_person(app, ["research"]) is None
    assert app.fields["consent_scope"].error_text.startswith("The consent must cover casework")
    app.inputs["consent_given"].widget.value = False
    app.inputs["consent_scope"].set(["casework"])
    assert app.save(force=True) is None
    assert app.fields["consent_given"].error_text == (
        "Record the consent before registering the person.")
    assert app.ctx.store.counts() == before


@pytest.mark.parametrize("how", ["untick consent", "take off casework"])
def test_withdrawing_consent_to_casework_asks_first_then_erases(app: IntakeApp, how: str) -> None:
    pid = new_person(app, ["casework", "research"], first="Withdrawa")
    store = app.ctx.store
    before = consent_rows(app, pid)
    if how == "untick consent":
        app.inputs["consent_given"].widget.value = False
    else:
        app.inputs["consent_scope"].set(["research"])
    app.inputs["notes"].widget.value = "this is not saved"
    assert app.save() is None
    assert "confirm the withdrawal" in app.message.text
    assert "erases their personal data for good" in app.withdrawal.children[0].value
    assert consent_rows(app, pid) == before and store.people.get(pid)["erased_at"] is None
    app._keep_consent()  # "keep the consent": the form shows the record again
    assert app.inputs["consent_given"].get() is True and app.withdrawal.children == ()
    assert "nothing was changed" in app.message.text
    if how == "untick consent":
        app.inputs["consent_given"].widget.value = False
    else:
        app.inputs["consent_scope"].set(["research"])
    app.save()
    assert app.withdraw() is True
    person = store.people.get(pid)
    assert person["erased_at"] is not None and person["first_name"] is None
    assert person["notes"] is None and person["consent_scope"] in (None, [])
    after = consent_rows(app, pid)
    assert after[:1] == before and [a for _, a, *_ in after[1:]] == ["withdrawn"]
    assert len(store.table("erasure_ledger", person_id=pid)) == 1
    assert "are erased" in app.message.text and app.editing is None
    assert pid not in [v for _, v in app.found.options]

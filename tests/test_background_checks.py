"""Background checks gate matching (issue 16): the programme's rule, held on every path.

- ``block``: a mentor whose børneattest/VOG is missing or expired gets no proposed or active
  match, through the store's API (add, add_many, update) and the CLI (``mentorkit import
  matches``), on SQLite and PostgreSQL; nothing is written on refusal;
- ``warn``: such a match is confirmed only with a reason, which the audit keeps;
- ``off``: nothing is refused (the dashboards still show the check);
- ``mentorkit programme set --check-rule`` sets the rule (audited), refuses an unknown one;
- an ended match is reopened with a reason, and reopening keeps the open-match rules;
- the caseload's filters and sorts, and the home page's 60/30/7-day warnings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit.casework.caseload import ended_matches, filter_caseload, reopen_changes
from mentorkit.casework.match_rules import CAPACITY, ONE_OPEN, MatchRuleError
from mentorkit.casework.screening import (
    BLOCKED,
    REASON_NEEDED,
    check_table,
    expiry_warnings,
    gate,
    rule_of,
)
from mentorkit.cli import app
from mentorkit.errors import ConflictError, ImportFailed, StoreError, ValidationError
from mentorkit.imports import import_file
from mentorkit.store import Store

TODAY = "2026-11-23"
DAY = dt.date(2026, 1, 5)
WHO: dict[str, Any] = {"registered_on": DAY, "consent_given_at": dt.datetime(2026, 1, 5, 10),
       "consent_scope": ["casework"]}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_TODAY", TODAY)
    monkeypatch.delenv("MENTORKIT_PROGRAMMES", raising=False)
    monkeypatch.delenv("MENTORKIT_ROLE", raising=False)


def _programme(store: Store, rule: str | None) -> dict[str, int]:
    """A Danish programme with ``rule``; mentors with a valid, an expired and no check, and
    four mentees (ids by name)."""
    pid = store.programmes.add(name="Vollsmose", country="DK", background_check="boerneattest",
                               check_rule=rule)
    ids = {"programme": pid}
    checks = {"valid": dt.date(2026, 1, 10), "expired": dt.date(2023, 1, 10), "missing": None}
    for name, day in checks.items():
        ids[name] = store.people.add(programme_id=pid, role="mentor", first_name=name,
                                     capacity=3, email=f"{name}@example.org",
                                     background_check_date=day, **WHO)
    for i in range(4):
        ids[f"e{i}"] = store.people.add(programme_id=pid, role="mentee", first_name=f"e{i}",
                                        email=f"e{i}@example.org", **WHO)
    return ids


def _match(ids: dict[str, int], mentee: str, mentor: str, status: str, **extra: object) -> dict:
    return {"programme_id": ids["programme"], "mentee_id": ids[mentee],
            "mentor_id": ids[mentor], "status": status, "proposed_on": DAY, **extra}


# --- the rule -------------------------------------------------------------------------------

def test_the_rule_for_one_match() -> None:
    assert [gate("block", c, "active") for c in ("missing", "expired", "expiring", "valid")] \
        == [BLOCKED, BLOCKED, None, None]
    assert gate("block", "expired", "proposed") == BLOCKED
    assert gate("block", "expired", "completed") is None  # an ended match is history
    assert gate("warn", "expired", "proposed") is None  # a proposal needs no reason yet
    assert gate("warn", "expired", "active") == REASON_NEEDED
    assert gate("warn", "expired", "active", "   ") == REASON_NEEDED
    assert gate("warn", "expired", "active", "renewal sent 3 Nov") is None
    assert gate(None, "missing", "active") is None and gate("off", "missing", "active") is None
    with pytest.raises(ValueError, match="'blok' is not one of off, warn, block"):
        rule_of("blok")


def test_a_blocked_pair_is_refused_by_the_store_and_nothing_is_written(store: Store) -> None:
    ids = _programme(store, "block")
    before = store.counts()
    for mentor in ("expired", "missing"):
        for status in ("proposed", "active"):
            with pytest.raises(MatchRuleError) as caught:
                store.matches.add(**_match(ids, "e0", mentor, status, started_on=DAY))
            assert [(p.rule, p.column) for p in caught.value.problems] == [
                (BLOCKED, "mentor_id")]
            assert f"mentor {ids[mentor]}'s background check is {mentor}" in str(caught.value)
            assert "expired@" not in str(caught.value)  # ids, never a person's data
    with pytest.raises(ConflictError):  # a batch with one blocked row is refused whole
        store.matches.add_many(pd.DataFrame([_match(ids, "e0", "valid", "proposed"),
                                             _match(ids, "e1", "expired", "proposed")]))
    assert store.counts() == before
    good = store.matches.add(**_match(ids, "e0", "valid", "active", started_on=DAY))
    assert store.matches.get(good)["status"] == "active"


def test_a_proposal_made_before_the_rule_cannot_be_confirmed_when_blocked(store: Store) -> None:
    ids = _programme(store, None)
    proposal = store.matches.add(**_match(ids, "e0", "expired", "proposed"))
    store.programmes.update(ids["programme"], check_rule="block")
    version = store.matches.get(proposal)["version"]
    with pytest.raises(MatchRuleError, match="blocks such matches"):
        store.matches.update(proposal, expected_version=version, status="active",
                             started_on=DAY)
    assert store.matches.get(proposal)["status"] == "proposed"
    # declining it is still possible: a closed match is not gated
    assert store.matches.update(proposal, status="declined")["status"] == "declined"
    # a valid check recorded: the mentor can be matched again
    store.people.update(ids["expired"], background_check_date=dt.date(2026, 11, 1))
    assert store.matches.add(**_match(ids, "e0", "expired", "active", started_on=DAY))


def test_warn_confirms_only_with_a_reason_and_the_audit_keeps_it(store: Store) -> None:
    ids = _programme(store, "warn")
    proposal = store.matches.add(**_match(ids, "e0", "expired", "proposed"))  # no reason yet
    with pytest.raises(MatchRuleError) as caught:
        store.matches.update(proposal, status="active", started_on=DAY)
    assert caught.value.problems[0].rule == REASON_NEEDED
    with pytest.raises(MatchRuleError):
        store.matches.add(**_match(ids, "e1", "missing", "active", started_on=DAY))
    store.matches.update(proposal, status="active", started_on=DAY,
                         check_reason="renewal applied for, receipt seen", actor="coord-a")
    row = store.matches.get(proposal)
    assert (row["status"], row["check_reason"]) == ("active", "renewal applied for, receipt seen")
    audit = store.table("audit")
    last = audit[(audit["table_name"] == "match") & (audit["action"] == "update")].iloc[-1]
    assert last["actor"] == "coord-a" and "check_reason" in str(last["fields"])
    new = store.matches.add(**_match(ids, "e1", "missing", "active", started_on=DAY,
                                     check_reason="first meeting supervised"))
    assert store.matches.get(new)["check_reason"] == "first meeting supervised"


def test_off_refuses_nothing(store: Store) -> None:
    ids = _programme(store, "off")
    assert store.matches.add(**_match(ids, "e0", "missing", "active", started_on=DAY))


def test_the_import_path_refuses_a_blocked_pair_naming_the_row(store: Store,
                                                               tmp_path: Path) -> None:
    ids = _programme(store, "block")
    path = tmp_path / "matches.csv"
    path.write_text("mentee_email;mentor_email;status\n"
                    "e0@example.org;valid@example.org;proposed\n"
                    "e1@example.org;expired@example.org;proposed\n", encoding="utf-8")
    before = store.counts()
    with pytest.raises(ImportFailed) as caught:
        import_file(store, path, "matches")
    found = [(p.row, p.column, p.rule) for p in caught.value.report.problems]  # type: ignore[attr-defined]
    assert found == [(3, "mentor_email", BLOCKED)]  # the column of her file
    assert store.counts() == before
    assert ids


def _cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.output


def test_the_cli_sets_the_rule_and_its_import_refuses_a_blocked_pair(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    with Store.open(db, actor="test") as store:
        ids = _programme(store, None)
    code, out = _cli(db, "programme", "set", "Vollsmose", "--check-rule", "blok")
    assert code == 1 and "'blok' is not one of off, warn, block" in out
    code, out = _cli(db, "programme", "set", "Vollsmose", "--check-rule", "block",
                     "--actor", "coord-b")
    assert code == 0 and "check rule block" in out
    path = tmp_path / "matches.csv"
    path.write_text("mentee_email;mentor_email;status;started_on\n"
                    "e1@example.org;missing@example.org;active;05-01-2026\n", encoding="utf-8")
    code, out = _cli(db, "import", "matches", str(path))
    assert code == 1 and BLOCKED in out and "nothing" in out.lower()
    with Store.open(db) as store:
        assert store.table("match").empty
        assert store.programmes.get(ids["programme"])["check_rule"] == "block"
        audit = store.table("audit")
        row = audit[audit["table_name"] == "programme"].iloc[-1]
        assert row["actor"] == "coord-b" and row["action"] == "update"


def test_an_unknown_rule_is_refused_by_the_store(store: Store) -> None:
    with pytest.raises((ValidationError, StoreError)):
        store.programmes.add(name="Tilst", check_rule="blok")


# --- reopening ------------------------------------------------------------------------------

def test_an_ended_match_is_reopened_with_a_reason_and_keeps_the_open_match_rules(
        store: Store) -> None:
    ids = _programme(store, "block")
    first = store.matches.add(**_match(ids, "e0", "valid", "active", started_on=DAY))
    store.matches.update(first, status="ended_early", ended_on=dt.date(2026, 3, 1),
                         end_reason="mentee_moved")
    with pytest.raises(ValidationError, match="reopen_reason is required"):
        reopen_changes(store.matches.get(first), " ")
    with pytest.raises(ValidationError, match="only an ended match"):
        reopen_changes({"id": 9, "status": "active"}, "why")
    second = store.matches.add(**_match(ids, "e0", "valid", "active", started_on=DAY))
    with pytest.raises(MatchRuleError) as caught:  # the mentee has an open match again
        store.matches.update(first, **reopen_changes(store.matches.get(first), "by mistake"))
    assert caught.value.problems[0].rule == ONE_OPEN
    store.matches.update(second, status="declined")
    row = store.matches.update(first, actor="coord-c",
                               **reopen_changes(store.matches.get(first), "ended by mistake"))
    assert (row["status"], row["ended_on"], row["end_reason"], row["reopen_reason"]) == (
        "active", None, None, "ended by mistake")
    audit = store.table("audit")
    assert audit.iloc[-1]["actor"] == "coord-c" and "reopen_reason" in str(
        audit.iloc[-1]["fields"])
    assert CAPACITY  # (capacity is held by the same guard; tests/test_match_integrity.py)


def test_reopening_a_match_with_a_blocked_mentor_is_refused(store: Store) -> None:
    ids = _programme(store, None)
    old = store.matches.add(**_match(ids, "e2", "expired", "active", started_on=DAY))
    store.matches.update(old, status="completed", ended_on=dt.date(2026, 6, 1),
                         end_reason="plan_completed")
    store.programmes.update(ids["programme"], check_rule="block")
    with pytest.raises(MatchRuleError, match="blocks such matches"):
        store.matches.update(old, **reopen_changes(store.matches.get(old), "she asked"))
    assert store.matches.get(old)["status"] == "completed"


# --- caseload lists and home warnings --------------------------------------------------------

def test_caseload_filters_and_sorts() -> None:
    table = pd.DataFrame({
        "match_id": [1, 2, 3, 4], "mentee_id": [10, 11, 12, 13], "mentor_id": [20, 21, 22, 20],
        "state": ["overdue", "ok", "due_soon", "overdue"], "days_overdue": [3, 0, 0, 9],
        "next_due": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-01-10", "2025-12-20"]),
        "started_on": pd.to_datetime(["2025-01-01", "2025-05-01", "2025-03-01", "2025-02-01"]),
        "last_contact": pd.to_datetime(pd.Series(["2025-12-01", None, "2026-01-02",
                                                   "2025-11-01"]))})
    assert filter_caseload(table)["match_id"].tolist() == [4, 1, 3, 2]
    assert filter_caseload(table, ["overdue"])["match_id"].tolist() == [4, 1]
    assert filter_caseload(table, ["ok"], "started")["match_id"].tolist() == [2]
    names = {10: "Dina", 11: "Ana", 12: "Cem", 13: "Bo", 20: "Zoe", 21: "Al", 22: "Mo"}
    assert filter_caseload(table, sort="mentee", names=names)["match_id"].tolist() == [2, 4, 3, 1]
    assert filter_caseload(table, sort="mentor", names=names)["match_id"].tolist() == [2, 3, 1, 4]
    assert filter_caseload(table, sort="last_contact")["match_id"].tolist() == [3, 1, 4, 2]
    with pytest.raises(ValueError, match="not one of"):
        filter_caseload(table, sort="age")
    m = pd.DataFrame({"id": [1, 2], "mentee_id": [3, 4], "mentor_id": [5, 5],
                      "status": ["completed", "declined"], "started_on": [DAY, None],
                      "ended_on": [DAY, None], "end_reason": ["plan_completed", None]})
    assert ended_matches(m)["match_id"].tolist() == [1]


def test_home_warns_60_30_and_7_days_before_a_check_runs_out() -> None:
    today = dt.date(2026, 11, 23)
    # a børneattest runs 2 years: checked on these days, it runs out 3, 20, 50 and 90 days on
    days = [today - pd.DateOffset(years=2) + pd.Timedelta(days=d) for d in (3, 20, 50, 90, -5)]
    mentors = pd.DataFrame({"id": [1, 2, 3, 4, 5], "background_check_date": days})
    checks = check_table(mentors, "boerneattest", today)
    warned = expiry_warnings(checks, today)
    assert warned[["person_id", "days_left", "step"]].values.tolist() == [
        [1, 3, 7], [2, 20, 30], [3, 50, 60]]  # 90 days on: not yet; run out: not a warning

"""The core helpers behind the apps: follow-up plan, waiting list, duplicates, checks, progress."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from mentorkit.casework.caseload import (
    DEFAULT_PLAN,
    FollowupPlan,
    caseload_table,
    load_plans,
    next_due_after_contact,
    plan_for,
    unconfirmed_proposals,
    waiting_mentees,
)
from mentorkit.casework.duplicates import normalise_name, normalise_phone, score_duplicates
from mentorkit.casework.screening import check_status, check_table
from mentorkit.errors import ConfigError
from mentorkit.model.dataset import Dataset
from mentorkit.monitoring.progress import (
    funnel,
    matches_over_time,
    readable_freq,
    referrals,
    target_progress,
)
from mentorkit.synth import generate

D = pd.Timestamp
TODAY = dt.date(2026, 3, 1)


def matches(*rows: dict) -> pd.DataFrame:
    base = {"mentee_id": 1, "mentor_id": 2, "status": "active", "started_on": D("2026-01-01"),
            "proposed_on": D("2025-12-20"), "ended_on": pd.NaT}
    return pd.DataFrame([{**base, "id": i + 1, **r} for i, r in enumerate(rows)])


def followups(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([{"match_id": m, "date": D(d), "kind": k,
                          "next_due": D(n) if n else pd.NaT} for m, d, k, n in rows],
                        columns=["match_id", "date", "kind", "next_due"])


def test_a_new_match_is_due_two_weeks_after_its_start() -> None:
    t = caseload_table(matches({}), followups(), dt.date(2026, 1, 10))
    assert t["next_due"].iloc[0] == D("2026-01-15")
    assert t["state"].iloc[0] == "due_soon" and t["calls"].iloc[0] == 0


def test_the_plan_is_two_contacts_in_the_first_month_then_monthly() -> None:
    f = followups((1, "2026-01-15", "coordinator_call", None))
    assert caseload_table(matches({}), f, TODAY)["next_due"].iloc[0] == D("2026-01-29")
    f = followups((1, "2026-01-15", "coordinator_call", None),
                  (1, "2026-01-29", "coordinator_call", None))
    row = caseload_table(matches({}), f, TODAY).iloc[0]
    assert row["next_due"] == D("2026-02-28") and row["state"] == "overdue"
    assert row["days_overdue"] == 1


def test_meetings_count_as_contact_but_not_as_the_coordinators_follow_up() -> None:
    f = followups((1, "2026-02-20", "meeting", None))
    row = caseload_table(matches({}), f, TODAY).iloc[0]
    assert row["last_contact"] == D("2026-02-20") and row["calls"] == 0
    assert row["next_due"] == D("2026-01-15") and row["days_overdue"] == 45


def test_a_due_date_the_coordinator_set_wins_over_the_plan() -> None:
    f = followups((1, "2026-01-15", "coordinator_call", "2026-04-01"))
    row = caseload_table(matches({}), f, TODAY).iloc[0]
    assert row["next_due"] == D("2026-04-01") and row["state"] == "ok"


def test_caseload_lists_only_active_matches_most_overdue_first() -> None:
    m = matches({"started_on": D("2026-02-20")}, {"started_on": D("2025-10-01")},
                {"status": "completed"}, {"status": "proposed", "started_on": pd.NaT})
    t = caseload_table(m, followups(), TODAY)
    assert t["match_id"].tolist() == [2, 1]
    assert t["state"].tolist() == ["overdue", "due_soon"]


def test_next_due_after_a_contact_follows_the_plan() -> None:
    assert next_due_after_contact(0, dt.date(2026, 1, 15)) == dt.date(2026, 1, 29)
    assert next_due_after_contact(1, dt.date(2026, 1, 29)) == dt.date(2026, 2, 28)
    plan = FollowupPlan(first_month_contacts=1, interval_days=21)
    assert next_due_after_contact(0, dt.date(2026, 1, 1), plan) == dt.date(2026, 1, 22)


def test_plans_per_programme_come_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "plans.json"
    path.write_text(json.dumps({"default": {"interval_days": 28},
                                "Tingbjerg": {"first_month_contacts": 4}}))
    plans = load_plans(path)
    assert plan_for("Tingbjerg", plans) == FollowupPlan(first_month_contacts=4, interval_days=28)
    assert plan_for("Vollsmose", plans).interval_days == 28
    path.write_text(json.dumps({"Tingbjerg": {"interval_dayz": 3}}))
    with pytest.raises(ConfigError, match="interval_dayz"):
        load_plans(path)
    assert load_plans(None) == {"default": DEFAULT_PLAN}


def test_waiting_mentees_start_waiting_at_registration_or_an_early_end() -> None:
    people = pd.DataFrame({
        "id": [1, 2, 3, 4, 5], "role": ["mentee", "mentee", "mentee", "mentor", "mentee"],
        "registered_on": [D("2026-01-01"), D("2025-06-01"), D("2026-02-01"), D("2025-01-01"),
                          D("2020-01-01")],
        "erased_at": [pd.NaT] * 5})
    m = matches({"mentee_id": 1, "mentor_id": 4, "status": "active"},
                {"mentee_id": 2, "mentor_id": 4, "status": "ended_early",
                 "ended_on": D("2026-02-15")})
    w = waiting_mentees(people, m, TODAY)
    assert w["person_id"].tolist() == [3, 2]  # 5 waited beyond the horizon; 1 is matched
    assert w["days_waiting"].tolist() == [28, 14]
    assert not w["long_wait"].any()
    assert waiting_mentees(people, m, dt.date(2026, 6, 1))["long_wait"].all()


def test_unconfirmed_proposals_stand_out_after_two_weeks() -> None:
    m = matches({"status": "proposed", "proposed_on": D("2026-02-25")},
                {"status": "proposed", "proposed_on": D("2026-01-05")})
    p = unconfirmed_proposals(m, TODAY)
    assert p["match_id"].tolist() == [2, 1] and p["stale"].tolist() == [True, False]


PEOPLE = pd.DataFrame({
    "id": [1, 2, 3, 4, 5],
    "first_name": ["Amina", "Sara", "Søren", "Amina", "Fatima"],
    "last_name": ["Hassan", "Ali", "Jørgensen", "Hassan", "Hassan"],
    "birth_year": [1985, 1990, 1970, 1962, None],
    "phone": ["+45 20 30 40 50", None, "12 34 56 78", None, None],
    "email": [None, "Sara@Example.org", None, None, None],
    "erased_at": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.NaT],
})


@pytest.mark.parametrize(("candidate", "expected"), [
    ({"first_name": "Amina", "last_name": "Hassan", "birth_year": 1985},
     [(1, "likely", ["name", "birth_year"])]),
    ({"first_name": "A.", "last_name": "X", "email": " sara@example.ORG "},
     [(2, "likely", ["email"])]),
    ({"first_name": "Jens", "last_name": "Hansen", "phone": "0045 12345678"},
     [(3, "likely", ["phone"])]),
    ({"first_name": "Soeren", "last_name": "Jorgensen", "birth_year": 1970},
     [(3, "possible", ["similar_name", "birth_year"])]),
    ({"first_name": "Fatima", "last_name": "Hassan"}, [(5, "possible", ["name"])]),
    ({"first_name": "Omar", "last_name": "Farah", "birth_year": 1985}, []),
])
def test_duplicates_are_scored_likely_or_possible(candidate: dict, expected: list) -> None:
    hits = score_duplicates(candidate, PEOPLE)
    got = [(int(r.person_id), r.level, r.reasons) for r in hits.itertuples()]
    assert got == expected


def test_a_name_alone_with_a_far_birth_year_is_no_duplicate_and_self_is_excluded() -> None:
    hits = score_duplicates({"first_name": "Amina", "last_name": "Hassan", "birth_year": 1985},
                            PEOPLE)
    assert 4 not in set(hits["person_id"])  # same name, born 23 years apart
    assert score_duplicates({"first_name": "Amina", "last_name": "Hassan", "birth_year": 1985},
                            PEOPLE, exclude_id=1).empty


def test_names_and_phones_are_normalised() -> None:
    assert normalise_name("Hassan", "AMINA") == "amina hassan"
    assert normalise_name(" amina ", "hassan") == "amina hassan"
    assert normalise_phone("+31 (0)6-1234 5678") == "12345678"


def test_background_checks_run_out_by_the_programmes_policy() -> None:
    today = dt.date(2026, 1, 1)
    assert check_status(dt.date(2024, 2, 15), "boerneattest", today) == (
        "expiring", dt.date(2026, 2, 15))
    assert check_status(dt.date(2024, 6, 1), "vog", today) == ("valid", dt.date(2027, 6, 1))
    assert check_status(dt.date(2020, 2, 29), "boerneattest", today)[1] == dt.date(2022, 2, 28)
    table = check_table(pd.DataFrame({"id": [1, 2, 3], "background_check_date": [
        D("2023-01-01"), D("2025-12-01"), pd.NaT]}), "boerneattest", today)
    assert table["status"].tolist() == ["expired", "valid", "missing"]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return generate(seed=0, scale=0.5)


def test_target_progress_counts_what_each_target_promises(ds: Dataset) -> None:
    t = target_progress(ds.target, ds.grant, ds.person, ds.match, ds.outcome, ds.event,
                        ds.attendance)
    assert len(t) == len(ds.target)
    programme = int(ds.programme.set_index("name").at["Tingbjerg", "id"])
    grant = ds.grant[ds.grant["programme_id"] == programme].iloc[0]  # its one grant
    tingbjerg = t[t["grant_id"] == grant["id"]].set_index("group_value")
    started = ds.match[ds.match["status"].isin(["active", "completed", "ended_early"])
                       & (ds.match["programme_id"] == programme)]
    gender = ds.person.set_index("id")["gender"]
    in_period = started["started_on"].between(grant["period_start"], grant["period_end"])
    for g in ("male", "female"):
        expected = int((started[in_period]["mentee_id"].map(gender) == g).sum())
        assert tingbjerg.at[g, "actual"] == expected > 0
    start, end = dt.date(2010, 1, 1), dt.date(2010, 6, 30)
    narrow = target_progress(ds.target, ds.grant, ds.person, ds.match, ds.outcome, ds.event,
                             ds.attendance, start, end)
    running = ds.grant[(ds.grant["period_start"] <= D(end))
                       & (ds.grant["period_end"] >= D(start))]
    assert set(narrow["grant_id"]) == set(running["id"]) == {grant["id"]}
    assert (narrow["actual"] <= narrow["grant_id"].map(
        t.groupby("grant_id")["actual"].max())).all()
    assert narrow["period_start"].iloc[0] == D("2010-01-01")


def test_the_funnel_narrows_and_referrals_add_up(ds: Dataset) -> None:
    f = funnel(ds.person, ds.match, ds.outcome)
    counts = f["count"].tolist()
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == (ds.person["role"] == "mentee").sum()
    r = referrals(ds.person, ds.partner)
    mentees = ds.person[ds.person["role"] == "mentee"]
    assert r["count"].sum() == mentees["referred_by"].notna().sum()


def test_matches_over_time_fill_empty_periods_and_choose_a_readable_step(ds: Dataset) -> None:
    m = ds.match[ds.match["programme_id"] == 5]
    monthly = matches_over_time(m, dt.date(2023, 1, 1), dt.date(2023, 12, 31), "MS")
    assert len(monthly) == 12 and monthly["period"].iloc[0] == D("2023-01-01")
    yearly = matches_over_time(m, None, None, "YS")
    assert yearly["count"].sum() == m["status"].isin(["active", "completed", "ended_early"]).sum()
    assert readable_freq(m, min_cell=1) == "MS"
    assert readable_freq(m, min_cell=1000) == "YS"

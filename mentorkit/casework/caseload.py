"""Caseload: when each active match needs the coordinator next, who waits, what nobody confirmed.

The follow-up plan follows the mentoring standards' advice: two coordinator contacts in the
first month of a match (after two and four weeks), then one a month. A programme can have its
own plan (:func:`load_plans` reads them from a JSON file named by ``MENTORKIT_FOLLOWUP_PLANS``).
Everything here takes and returns DataFrames in the store's shape and never opens the database.

Example
-------
>>> import pandas as pd
>>> m = pd.DataFrame({"id": [1], "mentee_id": [10], "mentor_id": [20], "status": ["active"],
...                   "started_on": [pd.Timestamp("2026-01-01")]})
>>> f = pd.DataFrame({"match_id": [1], "date": [pd.Timestamp("2026-01-15")],
...                   "kind": ["coordinator_call"], "next_due": [pd.NaT]})
>>> row = caseload_table(m, f, today=pd.Timestamp("2026-03-01").date()).iloc[0]
>>> str(row["next_due"].date()), row["state"]
('2026-01-29', 'overdue')
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import ValidationError
from mentorkit.vocab import OPEN_MATCH_STATUSES

__all__ = ["FollowupPlan", "DEFAULT_PLAN", "load_plans", "plan_for", "caseload_table",
           "waiting_mentees", "unconfirmed_proposals", "next_due_after_contact",
           "COORDINATOR_KINDS", "OPEN_STATUSES", "TAKEN_STATUSES", "ENDED_STATUSES", "SORTS",
           "STATES", "ended_matches", "filter_caseload", "reopen_changes"]

#: Follow-up kinds that count as the coordinator's contact with the pair.
COORDINATOR_KINDS: frozenset[str] = frozenset({"coordinator_call"})
#: Match statuses that mean a mentee is taken care of (not waiting): an open match
#: (:data:`mentorkit.vocab.OPEN_MATCH_STATUSES`) or a completed one. (The old name
#: ``OPEN_STATUSES`` is kept; it is *not* the open matches of ``casework.match_rules``.)
TAKEN_STATUSES: frozenset[str] = frozenset({*OPEN_MATCH_STATUSES, "completed"})
OPEN_STATUSES = TAKEN_STATUSES


@dataclass(frozen=True)
class FollowupPlan:
    """How often the coordinator contacts a pair, and when things count as late.

    Parameters
    ----------
    first_month_contacts : coordinator contacts in the first month (default 2: weeks 2 and 4).
    first_month_days : length of that first month in days.
    interval_days : days between contacts after the first month.
    due_soon_days : a contact due within this many days is "due soon".
    proposal_stale_days : a proposed match older than this stands out.
    long_wait_days : a mentee waiting longer than this for a match stands out.
    waiting_horizon_days : mentees waiting longer than this are taken as no longer waiting
        (old registrations of closed programmes).

    Example
    -------
    >>> FollowupPlan().gap(0), FollowupPlan().gap(1), FollowupPlan().gap(2)
    (14, 14, 30)
    """

    first_month_contacts: int = 2
    first_month_days: int = 28
    interval_days: int = 30
    due_soon_days: int = 7
    proposal_stale_days: int = 14
    long_wait_days: int = 60
    waiting_horizon_days: int = 730

    def gap(self, contacts_so_far: int) -> int:
        """Days from the previous contact (or the start) to the next one."""
        if contacts_so_far < self.first_month_contacts:
            return max(1, self.first_month_days // max(1, self.first_month_contacts))
        return self.interval_days

    def as_dict(self) -> dict[str, int]:
        """The plan as a plain dict (for display and JSON)."""
        return asdict(self)


DEFAULT_PLAN = FollowupPlan()


def load_plans(path: str | os.PathLike[str] | None = None) -> dict[str, FollowupPlan]:
    """Follow-up plans by programme name from a JSON file.

    The file holds ``{"default": {...}, "Tingbjerg": {...}}``: settings of
    :class:`FollowupPlan` per programme, the default's filling what a programme leaves out.

    ``path`` defaults to ``MENTORKIT_FOLLOWUP_PLANS``; without a file only ``default`` is there.
    Unknown keys in the file are refused, so a typo does not silently fall back to the default.

    Example
    -------
    >>> load_plans(None)["default"] == DEFAULT_PLAN
    True
    """
    from mentorkit.errors import ConfigError

    path = path or os.environ.get("MENTORKIT_FOLLOWUP_PLANS")
    plans: dict[str, FollowupPlan] = {"default": DEFAULT_PLAN}
    if not path:
        return plans
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the follow-up plans in {path}: {err}") from None
    known = {f.name for f in fields(FollowupPlan)}
    base = raw.get("default", {})
    for name, values in raw.items():
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"follow-up plan {name!r} in {path}: unknown setting(s) "
                              f"{', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        plans[name] = FollowupPlan(**{**base, **values})
    return plans


def plan_for(programme: str, plans: Mapping[str, FollowupPlan] | None = None) -> FollowupPlan:
    """The plan of ``programme`` (by name), else the default one.

    Example
    -------
    >>> plan_for("Tingbjerg", {"Tingbjerg": FollowupPlan(interval_days=21)}).interval_days
    21
    """
    plans = plans if plans is not None else load_plans()
    return plans.get(programme) or plans.get("default") or DEFAULT_PLAN


def _take(values: pd.Series, keys: pd.Series, dtype: Any) -> pd.Series:
    """``values`` (indexed by key) looked up for each of ``keys``, aligned with ``keys``."""
    found = values.reindex(keys.to_numpy()).to_numpy() if len(values) else [None] * len(keys)
    return pd.Series(found, index=keys.index).astype(dtype)


def _day(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def next_due_after_contact(contacts_before: int, contact_date: dt.date,
                           plan: FollowupPlan = DEFAULT_PLAN) -> dt.date:
    """When the next contact is due after a coordinator contact made on ``contact_date``.

    Example
    -------
    >>> next_due_after_contact(2, dt.date(2026, 3, 1))
    datetime.date(2026, 3, 31)
    """
    return contact_date + dt.timedelta(days=plan.gap(contacts_before + 1))


def caseload_table(matches: pd.DataFrame, followups: pd.DataFrame, today: dt.date,
                   plan: FollowupPlan = DEFAULT_PLAN) -> pd.DataFrame:
    """One row per active match: last contact, coordinator contacts, next follow-up due, state.

    ``next_due`` is the date the coordinator set at the latest contact, when there is one;
    otherwise the plan's date after the last coordinator contact (or after the start).
    ``state`` is ``overdue``, ``due_soon`` or ``ok``. Sorted with the most overdue first.
    """
    active = matches[matches["status"] == "active"]
    out = pd.DataFrame({
        "match_id": active["id"].astype("Int64").to_numpy(),
        "mentee_id": active["mentee_id"].astype("Int64").to_numpy(),
        "mentor_id": active["mentor_id"].astype("Int64").to_numpy(),
        "started_on": pd.to_datetime(active["started_on"]).to_numpy(),
    })
    f = followups[followups["match_id"].isin(out["match_id"])] if len(followups) else followups
    if len(f):
        f = f.assign(date=pd.to_datetime(f["date"]), next_due=pd.to_datetime(f["next_due"]))
        last_any = f.groupby("match_id")["date"].max()
        calls = f[f["kind"].isin(COORDINATOR_KINDS)]
        n_calls = calls.groupby("match_id").size()
        last_call = calls.groupby("match_id")["date"].max()
        dated = f[f["next_due"].notna()].sort_values(["date", "next_due"])
        explicit = dated.groupby("match_id").agg(set_on=("date", "last"),
                                                 set_due=("next_due", "last"))
    else:
        last_any = last_call = pd.Series(dtype="datetime64[us]")
        n_calls = pd.Series(dtype="int64")
        explicit = pd.DataFrame({"set_on": pd.Series(dtype="datetime64[us]"),
                                 "set_due": pd.Series(dtype="datetime64[us]")})
    key = out["match_id"]
    out["last_contact"] = _take(last_any, key, "datetime64[us]")
    out["last_call"] = _take(last_call, key, "datetime64[us]")
    out["calls"] = _take(n_calls, key, "Float64").fillna(0).astype(int)
    gaps = np.where(out["calls"] < plan.first_month_contacts, plan.gap(0), plan.interval_days)
    anchor = out["last_call"].fillna(out["started_on"])
    planned = anchor + pd.to_timedelta(gaps, unit="D")
    set_on = _take(explicit["set_on"], key, "datetime64[us]")
    set_due = _take(explicit["set_due"], key, "datetime64[us]")
    use_set = set_due.notna() & (out["last_call"].isna() | (set_on >= out["last_call"]))
    out["next_due"] = planned.where(~use_set, set_due).astype("datetime64[us]")
    now = _day(today)
    late = (now - out["next_due"]).dt.days
    out["days_overdue"] = late.clip(lower=0).astype("Int64")
    out["state"] = np.select([late > 0, late >= -plan.due_soon_days], ["overdue", "due_soon"],
                             "ok")
    return out.sort_values(["days_overdue", "next_due"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def waiting_mentees(people: pd.DataFrame, matches: pd.DataFrame, today: dt.date,
                    plan: FollowupPlan = DEFAULT_PLAN) -> pd.DataFrame:
    """Mentees without a proposed, active or completed match, longest waiting first.

    Waiting starts at registration, or when the mentee's last match ended early. Mentees
    waiting longer than ``plan.waiting_horizon_days`` (old records of closed programmes) and
    erased people are left out. Columns: person_id, waiting_since, days_waiting, long_wait.
    """
    mentees = people[(people["role"] == "mentee") & people["erased_at"].isna()]
    taken = set(matches.loc[matches["status"].isin(TAKEN_STATUSES), "mentee_id"].dropna())
    mentees = mentees[~mentees["id"].isin(taken)]
    ended = matches[matches["status"] == "ended_early"].groupby("mentee_id")["ended_on"].max()
    since = pd.to_datetime(mentees["registered_on"]).astype("datetime64[us]")
    ended_for = _take(pd.to_datetime(ended), mentees["id"], "datetime64[us]")
    since = since.where(~(ended_for > since), ended_for)
    now = _day(today)
    days = (now - since).dt.days
    out = pd.DataFrame({"person_id": mentees["id"].to_numpy(), "waiting_since": since.to_numpy(),
                        "days_waiting": days.to_numpy()})
    out = out[out["days_waiting"].notna() & (out["days_waiting"] >= 0)
              & (out["days_waiting"] <= plan.waiting_horizon_days)]
    out["days_waiting"] = out["days_waiting"].astype(int)
    out["long_wait"] = out["days_waiting"] > plan.long_wait_days
    return out.sort_values("days_waiting", ascending=False, kind="stable").reset_index(drop=True)


def unconfirmed_proposals(matches: pd.DataFrame, today: dt.date,
                          plan: FollowupPlan = DEFAULT_PLAN) -> pd.DataFrame:
    """Proposed matches nobody confirmed yet, oldest first, with ``stale`` past the plan's limit.

    Example
    -------
    >>> m = pd.DataFrame({"id": [7], "mentee_id": [1], "mentor_id": [2], "status": ["proposed"],
    ...                   "proposed_on": [pd.Timestamp("2026-01-01")]})
    >>> p = unconfirmed_proposals(m, dt.date(2026, 2, 1))
    >>> p[["match_id", "days_open", "stale"]].values.tolist()
    [[7, 31, True]]
    """
    p = matches[matches["status"] == "proposed"]
    proposed = pd.to_datetime(p["proposed_on"]).astype("datetime64[us]")
    days = (_day(today) - proposed).dt.days
    out = pd.DataFrame({"match_id": p["id"].to_numpy(), "mentee_id": p["mentee_id"].to_numpy(),
                        "mentor_id": p["mentor_id"].to_numpy(), "proposed_on": proposed.to_numpy(),
                        "days_open": days.fillna(0).astype(int).to_numpy()})
    out["stale"] = out["days_open"] > plan.proposal_stale_days
    return out.sort_values("days_open", ascending=False, kind="stable").reset_index(drop=True)


#: The states of :func:`caseload_table`, most urgent first.
STATES = ("overdue", "due_soon", "ok")
#: How :func:`filter_caseload` sorts: by due date (most overdue first), by the mentee's or
#: the mentor's name, by start or by last contact (most recent first).
SORTS = ("due", "mentee", "mentor", "started", "last_contact")
#: Statuses of an ended match (one that can be reopened).
ENDED_STATUSES = ("completed", "ended_early")


def filter_caseload(table: pd.DataFrame, states: Any = None, sort: str = "due",
                    names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """The rows of a :func:`caseload_table` in ``states`` (None: all), sorted by ``sort``
    (:data:`SORTS`; by name needs ``names``, person id to name).

    Example
    -------
    >>> t = pd.DataFrame({"match_id": [1, 2, 3], "mentee_id": [10, 11, 12],
    ...                   "mentor_id": [20, 21, 22], "state": ["overdue", "ok", "due_soon"],
    ...                   "days_overdue": [3, 0, 0], "next_due": pd.to_datetime(
    ...                       ["2026-01-01", "2026-03-01", "2026-01-10"]),
    ...                   "started_on": pd.to_datetime(["2025-01-01"] * 3),
    ...                   "last_contact": pd.to_datetime(["2025-12-01", None, "2026-01-02"])})
    >>> filter_caseload(t, ["overdue", "due_soon"])["match_id"].tolist()
    [1, 3]
    >>> names = {10: "Cem", 11: "Ana", 12: "Bo"}
    >>> filter_caseload(t, sort="mentee", names=names)["match_id"].tolist()
    [2, 3, 1]
    """
    if sort not in SORTS:
        raise ValueError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
    out = table if states is None else table[table["state"].isin(list(states))]
    if sort == "due":
        return out.sort_values(["days_overdue", "next_due"], ascending=[False, True],
                               kind="stable").reset_index(drop=True)
    if sort in ("mentee", "mentor"):
        key = out[f"{sort}_id"].map(lambda i: (names or {}).get(int(i), "").casefold())
        return out.assign(_key=key).sort_values(["_key", "match_id"], kind="stable").drop(
            columns="_key").reset_index(drop=True)
    column = "started_on" if sort == "started" else "last_contact"
    return out.sort_values(column, ascending=False, na_position="last",
                           kind="stable").reset_index(drop=True)


def ended_matches(matches: pd.DataFrame, statuses: Any = ENDED_STATUSES) -> pd.DataFrame:
    """The ended matches (completed or ended early; or ``statuses``), most recent end first:
    match_id, mentee_id, mentor_id, status, started_on, ended_on, end_reason.

    Example
    -------
    >>> m = pd.DataFrame({"id": [1, 2, 3], "mentee_id": [10, 11, 12], "mentor_id": [20] * 3,
    ...                   "status": ["completed", "active", "ended_early"],
    ...                   "started_on": pd.to_datetime(["2025-01-01"] * 3),
    ...                   "ended_on": pd.to_datetime(["2025-06-01", None, "2025-09-01"]),
    ...                   "end_reason": ["plan_completed", None, "moved_away"]})
    >>> ended_matches(m)["match_id"].tolist(), ended_matches(m, ["completed"])["match_id"].tolist()
    ([3, 1], [1])
    """
    ended = matches[matches["status"].isin(list(statuses))]
    out = pd.DataFrame({"match_id": ended["id"].to_numpy(),
                        "mentee_id": ended["mentee_id"].to_numpy(),
                        "mentor_id": ended["mentor_id"].to_numpy(),
                        "status": ended["status"].to_numpy(),
                        "started_on": pd.to_datetime(ended["started_on"]).to_numpy(),
                        "ended_on": pd.to_datetime(ended["ended_on"]).to_numpy(),
                        "end_reason": ended["end_reason"].to_numpy()})
    return out.sort_values(["ended_on", "match_id"], ascending=[False, False],
                           na_position="last", kind="stable").reset_index(drop=True)


def reopen_changes(match: Mapping[str, Any], reason: Any) -> dict[str, Any]:
    """The changes that reopen an ended match: active again, its end cleared, the reason kept
    (``reopen_reason``; the audit keeps who and when). The store still holds one open match
    per mentee, the mentor's capacity and the background-check rule
    (:mod:`mentorkit.store.match_guard`) when they are written.

    Raises :class:`~mentorkit.errors.ValidationError` for a match that has not ended or a
    blank reason.

    Example
    -------
    >>> reopen_changes({"id": 4, "status": "ended_early"}, "ended by mistake")["status"]
    'active'
    """
    if match.get("status") not in ENDED_STATUSES:
        raise ValidationError(f"match {match.get('id')}: only an ended match can be reopened "
                              f"(it is {match.get('status')})")
    text = "" if reason is None else str(reason).strip()
    if not text:
        raise ValidationError(f"match {match.get('id')}: reopen_reason is required")
    return {"status": "active", "ended_on": None, "end_reason": None, "reopen_reason": text}

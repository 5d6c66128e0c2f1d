"""Counts per programme: the first thing a coordinator or funder asks.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.2)
>>> table = programme_summary(ds.programme, ds.person, ds.match)
>>> list(table.columns[:4])
['programme', 'city', 'period', 'mentors']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from mentorkit.vocab import STARTED_MATCH_STATUSES as STARTED


def programme_summary(programmes: pd.DataFrame, people: pd.DataFrame,
                      matches: pd.DataFrame) -> pd.DataFrame:
    """One row per programme: mentors, mentees, matches by status, mentees never matched."""
    roles = people.groupby(["programme_id", "role"]).size().unstack(fill_value=0)
    status = matches.groupby(["programme_id", "status"]).size().unstack(fill_value=0)
    mentees = people[people["role"] == "mentee"]
    started = matches[matches["status"].isin(STARTED)]
    never = mentees[~mentees["id"].isin(started["mentee_id"])].groupby("programme_id").size()
    rows = []
    def count(frame: pd.DataFrame, pid: Any, column: str) -> int:
        return int(frame[column].get(pid, 0)) if column in frame else 0

    for p in programmes.itertuples(index=False):
        start, end = _month(p.start_date, "?"), _month(p.end_date, "")
        rows.append({
            "programme": p.name, "city": p.city, "period": f"{start}–{end}",
            "mentors": count(roles, p.id, "mentor"), "mentees": count(roles, p.id, "mentee"),
            "active": count(status, p.id, "active"), "proposed": count(status, p.id, "proposed"),
            "completed": count(status, p.id, "completed"),
            "ended_early": count(status, p.id, "ended_early"),
            "never_matched": int(never.get(p.id, 0)),
        })
    return pd.DataFrame(rows)


def _month(day: object, missing: str) -> str:
    """``day`` as year-month, or ``missing`` for no day (None, NaT)."""
    return day.strftime("%Y-%m") if isinstance(day, dt.date) and pd.notna(day) else missing

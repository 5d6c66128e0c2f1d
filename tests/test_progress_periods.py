"""Grant progress compares like with like: a target with the counts of its own period.

A five-year grant promising 300 matches, with 66 matches in the last year and 250 over the
five years: counted over the grant, 250 of 300 and not met; counted over one year, the row says
it is a part (a fifth of the grant period) and claims nothing about the target being met.
Two grants' targets with the same label stay apart by their grant.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from mentorkit.monitoring.progress import (
    PROGRESS_COLUMNS,
    grant_progress,
    period_share,
    target_progress,
)

EMPTY_OUTCOME = pd.DataFrame({"person_id": pd.Series(dtype="Int64"),
                              "phase": pd.Series(dtype=str),
                              "employment_status": pd.Series(dtype=str),
                              "recorded_on": pd.Series(dtype="datetime64[us]")})
EMPTY_EVENT = pd.DataFrame({"id": pd.Series(dtype="Int64"), "kind": pd.Series(dtype=str),
                            "date": pd.Series(dtype="datetime64[us]")})
EMPTY_ATTENDANCE = pd.DataFrame({"event_id": pd.Series(dtype="Int64"),
                                 "person_id": pd.Series(dtype="Int64")})


def _data(per_year: dict[int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentees (alternately female and male) and one started match each per count."""
    people, matches = [], []
    n = 0
    for year, count in per_year.items():
        for i in range(count):
            n += 1
            people.append({"id": n, "role": "mentee", "gender": "female" if n % 2 else "male",
                           "registered_on": pd.Timestamp(year, 1, 1)})
            matches.append({"id": n, "mentee_id": n, "mentor_id": 10_000, "status": "active",
                            "started_on": pd.Timestamp(year, 1 + i % 12, 1 + i % 28),
                            "ended_on": pd.NaT})
    people.append({"id": 10_000, "role": "mentor", "gender": "female",
                   "registered_on": pd.Timestamp(2020, 1, 1)})
    return pd.DataFrame(people), pd.DataFrame(matches)


GRANTS = pd.DataFrame({"id": [1, 2], "funder": ["Fund A", "Fund B"],
                       "title": ["Five years", "One year"],
                       "period_start": pd.to_datetime(["2021-01-01", "2025-01-01"]),
                       "period_end": pd.to_datetime(["2025-12-31", "2025-12-31"])})
TARGETS = pd.DataFrame({"id": [10, 11, 12], "grant_id": [1, 2, 1],
                        "metric": ["matches", "matches", "matches"],
                        "group_field": [None, None, "gender"],
                        "group_value": [None, None, "female"], "value": [300, 60, 150]})
PER_YEAR = {2021: 40, 2022: 45, 2023: 49, 2024: 50, 2025: 66}


def _progress(**kw: object) -> pd.DataFrame:
    people, matches = _data(PER_YEAR)
    return target_progress(TARGETS, GRANTS, people, matches, EMPTY_OUTCOME, EMPTY_EVENT,
                           EMPTY_ATTENDANCE, **kw)  # type: ignore[arg-type]


def test_a_five_year_target_is_compared_with_five_years() -> None:
    people, matches = _data(PER_YEAR)
    p = grant_progress(TARGETS, GRANTS, people, matches, EMPTY_OUTCOME, EMPTY_EVENT,
                       EMPTY_ATTENDANCE, today=dt.date(2025, 7, 2)).set_index("target_id")
    assert list(p.reset_index().columns) == list(PROGRESS_COLUMNS)
    assert p.at[10, "actual"] == sum(PER_YEAR.values()) == 250
    assert p.at[10, "target"] == 300 and not p.at[10, "partial"]
    assert not pd.isna(p.at[10, "met"]) and not bool(p.at[10, "met"])
    # the one-year grant counts its one year only: 66 of 60, met
    assert p.at[11, "actual"] == 66 and bool(p.at[11, "met"])
    # the share of the grant elapsed by 2 July 2025: 1643 of 1826 days, and half of 2025
    assert p.at[10, "elapsed"] == pytest.approx((dt.date(2025, 7, 2) - dt.date(2021, 1, 1)).days
                                                / 1826 + 1 / 1826)
    assert p.at[11, "elapsed"] == pytest.approx(183 / 365)
    female = matches["mentee_id"].isin(people.loc[people["gender"] == "female", "id"])
    assert p.at[12, "actual"] == int(female.sum())


def test_one_year_of_a_five_year_grant_is_said_to_be_a_part() -> None:
    p = _progress(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31),
                  today=dt.date(2026, 2, 1)).set_index("target_id")
    assert p.at[10, "actual"] == 66
    assert bool(p.at[10, "partial"]) and pd.isna(p.at[10, "met"])
    assert p.at[10, "window_share"] == pytest.approx(365 / 1826)
    assert p.at[10, "elapsed"] == 1.0  # the grant has ended
    # for the one-year grant the same year is its whole period: not a part
    assert not bool(p.at[11, "partial"]) and bool(p.at[11, "met"])
    assert p.at[11, "window_share"] == 1.0


def test_two_grants_with_the_same_label_stay_apart() -> None:
    p = _progress()
    same = p[(p["metric"] == "matches") & p["group_value"].isna()]
    assert sorted(same["grant_id"]) == [1, 2]
    assert same.set_index("grant_id")["title"].to_dict() == {1: "Five years", 2: "One year"}
    assert same.set_index("grant_id")["actual"].to_dict() == {1: 250, 2: 66}


def test_period_share_counts_days_and_is_nan_for_an_open_period() -> None:
    assert period_share("2021-01-01", "2021-12-31", "2021-01-01", "2021-12-31") == 1.0
    assert period_share("2020-01-01", "2020-12-31", "2021-01-01", "2021-12-31") == 0.0
    assert np.isnan(period_share("2021-01-01", None, "2021-01-01", "2021-12-31"))

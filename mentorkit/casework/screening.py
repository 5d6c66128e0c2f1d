"""Background checks of mentors: the Danish børneattest or the Dutch VOG, and when they run out.

Neither certificate has a legal expiry date for volunteers; programmes renew them by policy.
The defaults here are that policy and can be changed per call (or per programme through the
dashboard settings): a børneattest is renewed after 2 years, a VOG after 3 years, and a
check within 60 days of running out is shown as ``expiring``.

Example
-------
>>> import datetime as dt
>>> check_status(dt.date(2020, 5, 1), "boerneattest", today=dt.date(2026, 1, 1))
('expired', datetime.date(2022, 5, 1))
>>> check_status(None, "vog", today=dt.date(2026, 1, 1))
('missing', None)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["VALIDITY_YEARS", "WARN_DAYS", "check_status", "check_table", "STATUSES"]

VALIDITY_YEARS: dict[str, int] = {"boerneattest": 2, "vog": 3}
WARN_DAYS = 60
STATUSES = ("missing", "expired", "expiring", "valid")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_status(checked_on: Any, kind: str | None, today: dt.date,
                 validity: Mapping[str, int] | None = None,
                 warn_days: int = WARN_DAYS) -> tuple[str, dt.date | None]:
    """The status of one check (missing, expired, expiring, valid) and the day it runs out."""
    if checked_on is None or pd.isna(checked_on):
        return "missing", None
    day = pd.Timestamp(checked_on).date()
    years = (validity or VALIDITY_YEARS).get(kind or "", min(VALIDITY_YEARS.values()))
    until = _add_years(day, years)
    if until < today:
        return "expired", until
    if (until - today).days <= warn_days:
        return "expiring", until
    return "valid", until


def check_table(mentors: pd.DataFrame, kind: str | None, today: dt.date,
                validity: Mapping[str, int] | None = None,
                warn_days: int = WARN_DAYS) -> pd.DataFrame:
    """Status of every mentor's check: person_id, checked_on, valid_until, status.

    Example
    -------
    >>> df = pd.DataFrame({"id": [1, 2],
    ...                    "background_check_date": [pd.Timestamp("2025-06-01"), None]})
    >>> check_table(df, "vog", dt.date(2026, 1, 1))["status"].tolist()
    ['valid', 'missing']
    """
    years = (validity or VALIDITY_YEARS).get(kind or "", min(VALIDITY_YEARS.values()))
    checked = pd.to_datetime(mentors["background_check_date"]).astype("datetime64[us]")
    until = checked + pd.DateOffset(years=years)
    now = pd.Timestamp(today)
    left = (until - now).dt.days
    status = np.select([checked.isna(), left < 0, left <= warn_days],
                       ["missing", "expired", "expiring"], "valid")
    return pd.DataFrame({"person_id": mentors["id"].to_numpy(), "checked_on": checked.to_numpy(),
                         "valid_until": until.to_numpy(), "status": status})

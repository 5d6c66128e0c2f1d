"""Background checks of mentors: the Danish børneattest or the Dutch VOG, and when they run out.

Neither certificate has a legal expiry date for volunteers; programmes renew them by policy.
The defaults here are that policy and can be changed per call (or per programme through the
dashboard settings): a børneattest is renewed after 2 years, a VOG after 3 years, and a
check within 60 days of running out is shown as ``expiring``.

The status is computed in one place, :func:`check_table` (a whole column at once);
:func:`check_status` is the same for one date, and :func:`open_match_checks` the checks of
the mentors the programme relies on now (in a proposed or active match, never an erased
one), which the intake's renewal list and the home page's count both show.

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
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.vocab import OPEN_MATCH_STATUSES

__all__ = ["OPEN_STATUSES", "STATUSES", "VALIDITY_YEARS", "WARN_DAYS", "check_status",
           "check_table", "open_match_checks"]

VALIDITY_YEARS: dict[str, int] = {"boerneattest": 2, "vog": 3}
WARN_DAYS = 60
STATUSES = ("missing", "expired", "expiring", "valid")
#: Statuses of a match whose mentor needs a valid check now: the open ones (the one
#: definition, :data:`mentorkit.vocab.OPEN_MATCH_STATUSES`).
OPEN_STATUSES = OPEN_MATCH_STATUSES


def check_status(checked_on: Any, kind: str | None, today: dt.date,
                 validity: Mapping[str, int] | None = None,
                 warn_days: int = WARN_DAYS) -> tuple[str, dt.date | None]:
    """The status of one check (missing, expired, expiring, valid) and the day it runs out.

    Example
    -------
    >>> check_status(dt.date(2020, 2, 29), "boerneattest", dt.date(2022, 1, 10))
    ('expiring', datetime.date(2022, 2, 28))
    """
    if checked_on is None or (not isinstance(checked_on, str) and pd.isna(checked_on)):
        return "missing", None
    row = check_table(pd.DataFrame({"id": [0], "background_check_date": [checked_on]}), kind,
                      today, validity, warn_days).iloc[0]
    return str(row["status"]), pd.Timestamp(row["valid_until"]).date()


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


def open_match_checks(people: pd.DataFrame, matches: pd.DataFrame, kind: str | None,
                      today: dt.date, validity: Mapping[str, int] | None = None,
                      warn_days: int = WARN_DAYS) -> pd.DataFrame:
    """:func:`check_table` of the mentors in a proposed or active match; erased mentors (whose
    check date was erased with them) are left out.

    Example
    -------
    >>> people = pd.DataFrame({"id": [1, 2, 3], "role": ["mentor"] * 3,
    ...                        "erased_at": [None, None, pd.Timestamp("2026-01-02")],
    ...                        "background_check_date": [pd.Timestamp("2025-06-01"), None, None]})
    >>> matches = pd.DataFrame({"mentor_id": [1, 2, 3], "status": ["active", "completed",
    ...                                                            "proposed"]})
    >>> open_match_checks(people, matches, "vog", dt.date(2026, 1, 1))["person_id"].tolist()
    [1]
    """
    busy = matches.loc[matches["status"].isin(OPEN_STATUSES), "mentor_id"]
    mentors = people[(people["role"] == "mentor") & people["erased_at"].isna()
                     & people["id"].isin(busy)]
    return check_table(mentors, kind, today, validity, warn_days)

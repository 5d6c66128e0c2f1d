"""Background checks of mentors: the Danish børneattest or the Dutch VOG, and when they run out.

Neither certificate has a legal expiry date for volunteers; programmes renew them by policy.
The defaults here are that policy and can be changed per call (or per programme through the
dashboard settings): a børneattest is renewed after 2 years, a VOG after 3 years, and a
check within 60 days of running out is shown as ``expiring``.

The status is computed in one place, :func:`check_table` (a whole column at once);
:func:`check_status` is the same for one date, and :func:`open_match_checks` the checks of
the mentors the programme relies on now (in a proposed or active match, never an erased
one), which the intake's renewal list and the home page's count both show.

**The programme's rule** (``programme.check_rule``, :data:`RULES`): with ``block`` a mentor
whose check is missing or expired gets no open match (proposed or active); with ``warn`` a
match with such a mentor is confirmed (made active) only with a reason
(``match.check_reason``, kept in the audit); ``off`` or empty: the check is shown, nothing
is refused. :func:`gate` is the rule for one match and :func:`check_problems` for a table
of them; the store holds it in the writing transaction on every path
(:mod:`mentorkit.store.match_guard`). A check that is ``expiring`` is still valid.
:func:`expiry_warnings` is what the home page warns about: checks of mentors in open
matches that run out within 60, 30 or 7 days (:data:`EXPIRY_STEPS`).

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

from mentorkit.model.validation import Problem
from mentorkit.vocab import CHECK_RULES, OPEN_MATCH_STATUSES

__all__ = ["BLOCKED", "EXPIRY_STEPS", "INVALID", "OPEN_STATUSES", "REASON_NEEDED", "RULES",
           "STATUSES", "VALIDITY_YEARS", "WARN_DAYS", "check_problems", "check_status",
           "check_table", "expiry_warnings", "gate", "open_match_checks", "rule_of"]

VALIDITY_YEARS: dict[str, int] = {"boerneattest": 2, "vog": 3}
WARN_DAYS = 60
STATUSES = ("missing", "expired", "expiring", "valid")
#: Statuses of a match whose mentor needs a valid check now: the open ones (the one
#: definition, :data:`mentorkit.vocab.OPEN_MATCH_STATUSES`).
OPEN_STATUSES = OPEN_MATCH_STATUSES
#: The programme rules (:data:`mentorkit.vocab.CHECK_RULES`): off, warn, block.
RULES = tuple(CHECK_RULES.codes)
#: The statuses a rule acts on: no check, or one that ran out.
INVALID = frozenset({"missing", "expired"})
#: The rule names of the problems :func:`check_problems` returns.
BLOCKED = "background check: blocked"
REASON_NEEDED = "background check: reason needed"
#: Days before a check runs out that the home page warns (the nearest step is shown).
EXPIRY_STEPS = (7, 30, 60)


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


def rule_of(value: Any) -> str:
    """A programme's rule as one of :data:`RULES` (empty: ``off``); an unknown value is refused.

    Example
    -------
    >>> rule_of(None), rule_of("block")
    ('off', 'block')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return "off"
    if value not in RULES:
        raise ValueError(f"check rule {value!r} is not one of {', '.join(RULES)}")
    return str(value)


def gate(rule: Any, check: str, match_status: Any, reason: Any = None) -> str | None:
    """What the programme's rule says about one match: :data:`BLOCKED`,
    :data:`REASON_NEEDED` or None (allowed).

    Example
    -------
    >>> gate("block", "expired", "proposed"), gate("warn", "missing", "active")
    ('background check: blocked', 'background check: reason needed')
    >>> gate("warn", "expired", "active", "renewal applied for"), gate("block", "valid", "active")
    (None, None)
    """
    rule = rule_of(rule)
    if check not in INVALID or match_status not in OPEN_STATUSES or rule == "off":
        return None
    if rule == "block":
        return BLOCKED
    given = reason is not None and not (not isinstance(reason, str) and pd.isna(reason)) \
        and str(reason).strip() != ""
    return REASON_NEEDED if match_status == "active" and not given else None


def check_problems(rows: pd.DataFrame, mentors: pd.DataFrame, programmes: pd.DataFrame,
                   today: dt.date, validity: Mapping[str, int] | None = None) -> list[Problem]:
    """The rows of ``rows`` (``mentor_id``, ``status``, optional ``check_reason``; rows named
    by the index) the rule of their mentor's programme refuses, one
    :class:`~mentorkit.model.validation.Problem` each (ids only, never a date or a name).

    ``mentors``: ``id``, ``programme_id``, ``background_check_date``; ``programmes``:
    ``id``, ``background_check``, ``check_rule``.

    Example
    -------
    >>> rows = pd.DataFrame({"mentor_id": [7, 8], "status": ["active", "active"]})
    >>> mentors = pd.DataFrame({"id": [7, 8], "programme_id": [1, 1],
    ...                         "background_check_date": [pd.Timestamp("2020-01-01"),
    ...                                                   pd.Timestamp("2026-01-01")]})
    >>> programmes = pd.DataFrame({"id": [1], "background_check": ["vog"],
    ...                            "check_rule": ["block"]})
    >>> [(p.row, p.rule) for p in check_problems(rows, mentors, programmes, dt.date(2026, 6, 1))]
    [(0, 'background check: blocked')]
    """
    if rows.empty or mentors.empty:
        return []
    rules = programmes.set_index("id")
    problems: list[Problem] = []
    by_id = mentors.drop_duplicates("id").set_index("id")
    for programme_id, group in by_id.groupby("programme_id"):
        if programme_id not in rules.index:
            continue
        rule = rule_of(rules.at[programme_id, "check_rule"])
        if rule == "off":
            continue
        kind: Any = rules.at[programme_id, "background_check"]
        table = check_table(group.reset_index(), None if pd.isna(kind) else str(kind), today,
                            validity)
        status = dict(zip(table["person_id"].astype(int), table["status"]))
        reasons = rows["check_reason"] if "check_reason" in rows.columns else \
            pd.Series(None, index=rows.index, dtype=object)
        for label, mentor, state, reason in zip(rows.index, rows["mentor_id"], rows["status"],
                                                reasons):
            if pd.isna(mentor) or int(mentor) not in status:
                continue
            found = gate(rule, status[int(mentor)], state, reason)
            if found is not None:
                problems.append(Problem(_row(label), "mentor_id", found, _allowed(
                    found, int(mentor), status[int(mentor)])))
    return sorted(problems, key=lambda p: (p.row is None, p.row or 0))


def _allowed(rule: str, mentor: int, status: str) -> str:
    if rule == BLOCKED:
        return (f"mentor {mentor}'s background check is {status} and the programme blocks "
                "such matches: record a valid check first")
    return (f"mentor {mentor}'s background check is {status}: the programme asks for a "
            "reason (check_reason) to confirm the match")


def _row(label: object) -> int | None:
    try:
        return int(label)  # type: ignore[call-overload]  # an index label
    except (TypeError, ValueError):
        return None


def expiry_warnings(checks: pd.DataFrame, today: dt.date,
                    steps: tuple[int, ...] = EXPIRY_STEPS) -> pd.DataFrame:
    """The checks (a :func:`check_table`) that run out within the largest of ``steps`` days
    and have not run out yet: person_id, valid_until, days_left and ``step`` (the smallest
    step the check is within: 7, 30 or 60), soonest first.

    Example
    -------
    >>> checks = pd.DataFrame({"person_id": [1, 2, 3, 4], "status": ["expiring"] * 3 + ["valid"],
    ...     "valid_until": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-20",
    ...                                    "2026-06-01"])})
    >>> expiry_warnings(checks, dt.date(2026, 1, 1))[["person_id", "step"]].values.tolist()
    [[1, 7], [2, 30], [3, 60]]
    """
    until = pd.to_datetime(checks["valid_until"])
    left = (until - pd.Timestamp(today)).dt.days
    near = checks[(left >= 0) & (left <= max(steps))].copy()
    near["days_left"] = left[near.index].astype(int)
    ordered = sorted(steps)
    near["step"] = [next(s for s in ordered if d <= s) for d in near["days_left"]]
    near["valid_until"] = until[near.index]
    return near[["person_id", "valid_until", "days_left", "step"]].sort_values(
        ["days_left", "person_id"]).reset_index(drop=True)

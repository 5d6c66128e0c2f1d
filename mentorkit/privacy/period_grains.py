"""Which periods a role may ask figures for: the one check every report and dashboard calls.

Two periods one day apart differ by the people of that day: a funder comparing figures for
1 January–14 June with 1 January–15 June learns one mentee's match, completion and job. A role
that may see people (a coordinator, :data:`mentorkit.privacy.roles.CAPABILITIES` with
``personal_data``) may ask any period. Every other role (funder, researcher) gets figures for
periods on fixed grains only: all time, one whole month, quarter or year, or exactly the period
of one of the programme's grants or of the programme itself
(:func:`mentorkit.periods.fixed_grain`); anything else is refused with a message in the
reader's language. The funder report (:meth:`mentorkit.reports.funder_view.FunderReport.build`,
so also ``mentorkit report`` and papermill) and the overview dashboard
(:mod:`mentorkit.ui.overview`) ask :func:`period_for`.

Example
-------
>>> period_for("2019-01-01:2019-06-14", role="coordinator").end.date()
datetime.date(2019, 6, 14)
>>> period_for("2019-01-01:2019-06-14", role="funder", lang="da")
Traceback (most recent call last):
...
mentorkit.periods.PeriodRefused: Perioden 2019-01-01:2019-06-14 kan ikke bruges ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from mentorkit.periods import Period, PeriodLike, fixed_grain, parse_period
from mentorkit.privacy.roles import CAPABILITIES, Role, current_role

__all__ = ["any_period", "fixed_periods", "period_for"]


def any_period(role: Role | None = None) -> bool:
    """Whether ``role`` (None: the configured one) may ask figures for any period.

    Example
    -------
    >>> any_period("coordinator"), any_period("funder"), any_period("researcher")
    (True, False, False)
    """
    role = current_role() if role is None else role
    return "personal_data" in CAPABILITIES[role]


def fixed_periods(*frames: pd.DataFrame | None) -> list[Period]:
    """The fixed periods of grants (``period_start``, ``period_end``) and programmes
    (``start_date``, ``end_date``) in ``frames``: those with both ends.

    Example
    -------
    >>> g = pd.DataFrame({"period_start": pd.to_datetime(["2019-07-01"]),
    ...                   "period_end": pd.to_datetime(["2021-06-30"])})
    >>> [str(p) for p in fixed_periods(g, None)]
    ['2019Q3:2021Q2']
    """
    out: list[Period] = []
    for frame in frames:
        if frame is None or frame.empty:
            continue
        for first, last in (("period_start", "period_end"), ("start_date", "end_date")):
            if first in frame.columns and last in frame.columns:
                for a, b in zip(frame[first], frame[last]):
                    if pd.notna(a) and pd.notna(b) and pd.Timestamp(a) <= pd.Timestamp(b):
                        out.append(parse_period((a, b)))
    return out


def period_for(value: PeriodLike, role: Role | None = None, lang: str = "en",
               fixed: Iterable[Any] = ()) -> Period:
    """The period ``value`` if ``role`` (None: the configured one) may have figures for it.

    A role that may see people gets any period :func:`~mentorkit.periods.parse_period`
    reads; any other only periods on fixed grains or one of ``fixed`` (see
    :func:`fixed_periods`), else :class:`~mentorkit.periods.PeriodRefused` in ``lang``.

    Example
    -------
    >>> str(period_for("2020Q2", role="funder"))
    '2020Q2'
    """
    if any_period(role):
        return parse_period(value)
    return fixed_grain(value, lang, list(fixed))

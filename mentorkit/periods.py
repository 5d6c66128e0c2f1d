"""Reporting periods: one way to read "2019", "2019:2021", "2025Q3" or two dates, and to cut by it.

A period is a first and a last day, both inclusive; either may be open (None). Text reads as

- a year ``2019``, a quarter ``2019Q3`` (or ``2019-Q3``), a month ``2019-03`` or a day
  ``2019-03-01``: the whole of it;
- two of these as ``FROM:TO`` (or ``FROM/TO``, ``FROM..TO``, spaces allowed): from the first
  day of FROM to the last day of TO, e.g. ``2019:2021``, ``2020-03/2020Q4``,
  ``2019-01-01:2019-12-31``; an empty side is open, e.g. ``2019:`` or ``:2021-06``;
- nothing (``None`` or ``""``): all time.

A ``(start, end)`` pair of such bounds, years as numbers, dates or timestamps reads the same
way. Anything else is a :class:`~mentorkit.errors.ValidationError` that names the value and
the accepted forms (:data:`ACCEPTED`).

Figures published to who may not see people take periods on fixed grains only
(:func:`fixed_grain`: all time, one month, quarter or year, or a given fixed period such as a
grant's), so that two periods a day apart cannot be compared.

Example
-------
>>> import pandas as pd
>>> parse_period("2019:2020Q1")
Period(start=Timestamp('2019-01-01 00:00:00'), end=Timestamp('2020-03-31 00:00:00'))
>>> start, end = parse_period("2020-02")
>>> end.date()
datetime.date(2020, 2, 29)
>>> str(parse_period("2019-01-01:2021-12-31")), str(parse_period(""))
('2019:2021', '')
>>> days = pd.Series(pd.to_datetime(["2019-12-31 18:00", "2020-01-01 00:00", None]))
>>> within(days, "2019").tolist()
[True, False, False]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from mentorkit.errors import ValidationError
from mentorkit.i18n import Catalogue, check_lang

__all__ = ["ACCEPTED", "GRAINS", "SEPARATOR", "Period", "PeriodLike", "PeriodRefused", "TEXT",
           "fixed_grain", "grain", "parse_period", "within"]

ACCEPTED = ("a year (2019), a quarter (2019Q3 or 2019-Q3), a month (2019-03) or a day "
            "(2019-03-01), or two of these as FROM:TO (also FROM/TO or FROM..TO, e.g. 2019:2021 "
            "or 2019-01-01:2019-06-30; leave a side empty for an open end, e.g. 2019:), "
            "or nothing for all time")
"""The forms a period may take, as error messages and help texts quote them."""

SEPARATOR = re.compile(r"\s*(?::|/|\.\.)\s*")
"""What separates FROM and TO: ``:``, ``/`` or ``..``."""

_BOUND = re.compile(r"^(?P<year>\d{4})(?:-?[Qq](?P<quarter>[1-4])|-(?P<month>\d{2})"
                    r"(?:-(?P<day>\d{2}))?)?$")


class Period(NamedTuple):
    """First and last day of a period (midnight timestamps, inclusive); None is open.

    A tuple, so ``start, end = period`` and ``period == (start, end)`` work. ``str()`` gives
    the shortest text that reads back to the same period.
    """

    start: pd.Timestamp | None
    end: pd.Timestamp | None

    @property
    def bounded(self) -> bool:
        """Whether it has a start or an end (False for all time)."""
        return self.start is not None or self.end is not None

    def __str__(self) -> str:
        sides = [(self.start, False), (self.end, True)]
        known = [(t, last) for t, last in sides if t is not None]
        if not known:
            return ""
        for freq in ("Y", "Q", "M", "D"):   # the coarsest unit both sides fall on
            if all(_edge(t, freq, last) == t for t, last in known):
                break
        shown = ["" if t is None else str(t.to_period(freq)) for t, _ in sides]
        return shown[0] if shown[0] == shown[1] else ":".join(shown)


def _edge(day: pd.Timestamp, freq: str, last: bool) -> pd.Timestamp:
    """The first (or last) day of the ``freq`` period holding ``day``."""
    p = day.to_period(freq)
    return (p.end_time if last else p.start_time).normalize()


PeriodLike = Period | pd.Period | str | int | tuple | list | None
"""What :func:`parse_period` and :func:`within` take."""


def _fail(value: Any, why: str) -> ValidationError:
    return ValidationError(f"period {value!r} is not understood: {why}; a period is {ACCEPTED}")


def _bound(part: Any, last: bool, value: Any) -> pd.Timestamp | None:
    """First (or, with ``last``, last) day of one side of a period; None when empty."""
    if part is None or (isinstance(part, str) and not part.strip()):
        return None
    if isinstance(part, (int, np.integer)) and not isinstance(part, bool):
        part = f"{int(part):04d}"
    if isinstance(part, pd.Period):
        return (part.end_time if last else part.start_time).normalize()
    if isinstance(part, (dt.date, np.datetime64)):  # dates, datetimes and pd.Timestamp
        stamp = pd.Timestamp(part)
        if pd.isna(stamp):  # NaT: the stubs type Timestamp() as never returning it
            return None
        return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()
    if not isinstance(part, str):
        raise _fail(value, f"{part!r} is not a year or a date")
    m = _BOUND.match(part.strip())
    if m is None:
        raise _fail(value, f"{part.strip()!r} is not a year or a date")
    year = int(m["year"])
    quarter, month, day = (int(g) if g else None for g in m.group("quarter", "month", "day"))
    if quarter is not None:
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    else:
        first_month, last_month = (month, month) if month is not None else (1, 12)
    try:
        if month is not None and day is not None:  # the pattern has no day without a month
            return pd.Timestamp(dt.date(year, month, day))
        if not 1 <= first_month <= 12:
            raise ValueError(f"no month {first_month}")
        if last:
            return pd.Timestamp(dt.date(year, last_month,
                                        calendar.monthrange(year, last_month)[1]))
        return pd.Timestamp(dt.date(year, first_month, 1))
    except ValueError:
        raise _fail(value, f"{part.strip()!r} is a date that does not exist") from None


def parse_period(value: PeriodLike) -> Period:
    """The first and last day of a period given as text or as a ``(start, end)`` pair.

    Parameters
    ----------
    value : text as in the module's description ("2019", "2019:2021", "2025Q3",
        "2019-03:2019-08", "2019-01-01:2019-12-31", "2019:", ""), a year as a number, a
        :class:`Period`, or a ``(start, end)`` pair whose sides are such text, years,
        dates, timestamps or None (open).

    Returns
    -------
    Period
        ``(start, end)``: the first and the last day (inclusive), None where open.

    Raises
    ------
    ValidationError
        When the value is not a period, a date does not exist or the period ends before it
        starts; the message names the value and the accepted forms.

    Example
    -------
    >>> parse_period("2025-Q3")
    Period(start=Timestamp('2025-07-01 00:00:00'), end=Timestamp('2025-09-30 00:00:00'))
    >>> parse_period((2019, "2020-06")).end
    Timestamp('2020-06-30 00:00:00')
    >>> parse_period("2019:")
    Period(start=Timestamp('2019-01-01 00:00:00'), end=None)
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, pd.Period):
        value = (value, value)
    if value is None:
        return Period(None, None)
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise _fail(value, "it is not a (start, end) pair")
        parts: list[Any] = list(value)
    elif isinstance(value, (str, int, np.integer)) and not isinstance(value, bool):
        text = str(value).strip()
        if not text:
            return Period(None, None)
        parts = SEPARATOR.split(text)
        if len(parts) == 1:
            parts = parts * 2
        elif len(parts) != 2:
            raise _fail(value, "it has more than two sides")
    else:
        raise _fail(value, "it is not a year or a date")
    start, end = _bound(parts[0], False, value), _bound(parts[1], True, value)
    if start is not None and end is not None and end < start:
        raise _fail(value, "it ends before it starts")
    return Period(start, end)


def within(dates: pd.Series, period: PeriodLike) -> pd.Series:
    """True where a date lies in the period (whole days: a time on the last day counts).

    ``period`` is anything :func:`parse_period` reads. Missing dates are never within, not
    even all time. A ``(start, end)`` pair whose end comes before its start (a date range
    picked backwards, a grant that ends before the report starts) selects nothing, where
    :func:`parse_period` would refuse it.

    Example
    -------
    >>> d = pd.Series(pd.to_datetime(["2018-12-31", "2019-06-30", None]))
    >>> within(d, "2019:").tolist(), within(d, None).tolist()
    ([False, True, False], [True, True, False])
    >>> within(d, ("2020", "2019")).any()
    np.False_
    """
    if isinstance(period, (tuple, list)) and len(period) == 2:
        start, end = _bound(period[0], False, period), _bound(period[1], True, period)
    else:
        start, end = parse_period(period)
    days = pd.to_datetime(dates).dt.normalize()
    ok = days.notna()
    if start is not None:
        ok &= days >= start
    if end is not None:
        ok &= days <= end
    return ok


GRAINS = ("month", "quarter", "year")
"""The fixed grains a period of published figures may have (besides all time and the fixed
periods of grants and programmes): one whole calendar month, quarter or year."""

TEXT = Catalogue("periods", {
    "refused": {
        "da": "Perioden {period} kan ikke bruges til offentliggjorte tal: vælg en hel måned "
              "(2025-03), et kvartal (2025Q1), et år (2025){fixed} eller hele perioden. To "
              "perioder, der kun er nogle dage forskellige, ville afsløre enkelte personer.",
        "en": "The period {period} cannot be used for published figures: choose a whole month "
              "(2025-03), quarter (2025Q1), year (2025){fixed} or all time. Two periods only "
              "days apart would give single people away.",
        "nl": "De periode {period} kan niet worden gebruikt voor gepubliceerde cijfers: kies een "
              "hele maand (2025-03), een kwartaal (2025Q1), een jaar (2025){fixed} of de hele "
              "periode. Twee perioden die maar een paar dagen verschillen, zouden afzonderlijke "
              "personen verraden.",
    },
    "fixed": {"da": ", en bevillings- eller programperiode ({periods})",
              "en": ", a grant's or programme's period ({periods})",
              "nl": ", een subsidie- of programmaperiode ({periods})"},
})
"""The words of a refused period, in every language."""


class PeriodRefused(ValidationError):
    """A period that is not on a fixed grain, asked for figures that are published."""


def grain(value: PeriodLike) -> str | None:
    """``"all"`` for all time, the grain (:data:`GRAINS`) of exactly one whole month, quarter
    or year, else None (a day, a run of months, an open end, two dates).

    Example
    -------
    >>> grain("2019"), grain("2019Q3"), grain("2019-03"), grain(""), grain("2019:2020")
    ('year', 'quarter', 'month', 'all', None)
    >>> grain("2019-01-01:2019-03-31"), grain("2019-03-01")
    ('quarter', None)
    """
    start, end = parse_period(value)
    if start is None and end is None:
        return "all"
    if start is None or end is None:
        return None
    for name, freq in (("year", "Y"), ("quarter", "Q"), ("month", "M")):
        if start.to_period(freq) == end.to_period(freq) and _edge(start, freq, False) == start \
                and _edge(end, freq, True) == end:
            return name
    return None


def fixed_grain(value: PeriodLike, lang: str = "en", fixed: Any = ()) -> Period:
    """The period, if figures for it may be published; :class:`PeriodRefused` if not.

    Published figures (a funder's, a researcher's, anything shown to who may not see people)
    take periods on fixed grains only: all time, one whole month, quarter or year
    (:func:`grain`), or exactly one of the ``fixed`` periods (a grant's or a programme's,
    each anything :func:`parse_period` reads). Any other period could be paired with one a
    day longer, and the difference would be one person. The message is in ``lang``.

    Example
    -------
    >>> fixed_grain("2019Q2").end.date()
    datetime.date(2019, 6, 30)
    >>> fixed_grain(("2019-07-01", "2021-06-30"), fixed=[("2019-07-01", "2021-06-30")]).start
    Timestamp('2019-07-01 00:00:00')
    >>> fixed_grain("2019-01-01:2019-06-14", lang="en")
    Traceback (most recent call last):
    ...
    mentorkit.periods.PeriodRefused: The period 2019-01-01:2019-06-14 cannot be used ...
    """
    lang = check_lang(lang)
    period = parse_period(value)
    if grain(period) is not None:
        return period
    allowed = [parse_period(f) for f in fixed]
    if period in allowed:
        return period
    shown = sorted({str(p) for p in allowed if p.bounded})
    extra = TEXT.text("fixed", lang, periods=", ".join(shown)) if shown else ""
    raise PeriodRefused(TEXT.text("refused", lang, period=str(period) or "?", fixed=extra))

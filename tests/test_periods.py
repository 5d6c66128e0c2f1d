"""Reporting periods: every accepted form, inclusive ends, open ends, refusals, round trips."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorkit.errors import ValidationError
from mentorkit.periods import ACCEPTED, Period, parse_period, within

D = pd.Timestamp


@pytest.mark.parametrize("text, start, end", [
    ("2019", "2019-01-01", "2019-12-31"),
    ("2019:2021", "2019-01-01", "2021-12-31"),
    ("2019/2022", "2019-01-01", "2022-12-31"),
    ("2019..2020", "2019-01-01", "2020-12-31"),
    (" 2019 : 2020 ", "2019-01-01", "2020-12-31"),
    ("2019-03", "2019-03-01", "2019-03-31"),
    ("2020-02", "2020-02-01", "2020-02-29"),
    ("2019-02", "2019-02-01", "2019-02-28"),
    ("2019-03:2019-08", "2019-03-01", "2019-08-31"),
    ("2019-03-01", "2019-03-01", "2019-03-01"),
    ("2019-01-01:2019-06-30", "2019-01-01", "2019-06-30"),
    ("2019-03-01/2020-06", "2019-03-01", "2020-06-30"),
    ("2025Q3", "2025-07-01", "2025-09-30"),
    ("2025-Q3", "2025-07-01", "2025-09-30"),
    ("2025q4", "2025-10-01", "2025-12-31"),
    ("2021Q1", "2021-01-01", "2021-03-31"),
    ("2019/2020Q1", "2019-01-01", "2020-03-31"),
    ("2020-03/2020Q4", "2020-03-01", "2020-12-31"),
])
def test_each_form_gives_its_first_and_last_day(text: str, start: str, end: str) -> None:
    assert parse_period(text) == (D(start), D(end))


@pytest.mark.parametrize("value, start, end", [
    ("2019:", "2019-01-01", None),
    ("2019-07/", "2019-07-01", None),
    (":2021-06", None, "2021-06-30"),
    ("..2021", None, "2021-12-31"),
    ("", None, None),
    ("   ", None, None),
    (None, None, None),
    ("/", None, None),
])
def test_an_empty_side_is_an_open_end(value, start, end) -> None:
    p = parse_period(value)
    assert p == (None if start is None else D(start), None if end is None else D(end))
    assert p.bounded == (start is not None or end is not None)


@pytest.mark.parametrize("value, start, end", [
    (2019, "2019-01-01", "2019-12-31"),
    ((2019, 2020), "2019-01-01", "2020-12-31"),
    (("2019", "2020-06"), "2019-01-01", "2020-06-30"),
    ([dt.date(2019, 3, 1), D("2020-02-28 13:30")], "2019-03-01", "2020-02-28"),
    ((None, "2019Q2"), None, "2019-06-30"),
    ((pd.Period("2019-05", "M"), None), "2019-05-01", None),
    (pd.Period("2019Q2"), "2019-04-01", "2019-06-30"),
    (Period(D("2019-01-01"), D("2019-01-31")), "2019-01-01", "2019-01-31"),
])
def test_numbers_pairs_and_dates_read_like_text(value, start, end) -> None:
    assert parse_period(value) == (None if start is None else D(start),
                                   None if end is None else D(end))


@pytest.mark.parametrize("bad, why", [
    ("soon", "is not a year or a date"),
    ("last year", "is not a year or a date"),
    ("2019-3", "is not a year or a date"),
    ("19", "is not a year or a date"),
    ("2019Q5", "is not a year or a date"),
    ("March 2019", "is not a year or a date"),
    ("2019-13", "does not exist"),
    ("2019-00", "does not exist"),
    ("2019-02-29", "does not exist"),
    ("2019-04-31", "does not exist"),
    ("2020:2019", "ends before it starts"),
    ("2021:2019", "ends before it starts"),
    ("2019-06-30:2019-06-01", "ends before it starts"),
    ("2019:2020:2021", "more than two sides"),
    ((2019, 2020, 2021), "not a (start, end) pair"),
    (2019.5, "is not a year or a date"),
    (True, "is not a year or a date"),
    ((2019, 2020.5), "not a year or a date"),
])
def test_a_bad_period_names_the_value_and_the_accepted_forms(bad, why: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(bad)
    message = str(caught.value)
    assert message.startswith(f"period {bad!r} is not understood: ")
    assert why in message
    assert ACCEPTED in message and "2019Q3" in message and "FROM:TO" in message


def test_within_counts_whole_days_at_both_ends() -> None:
    days = pd.Series(pd.to_datetime(["2018-12-31 23:59", "2019-01-01 00:00", "2019-06-15 12:00",
                                     "2019-12-31 23:59", "2020-01-01 00:00", None]))
    assert within(days, "2019").tolist() == [False, True, True, True, False, False]
    assert within(days, "2019:").tolist() == [False, True, True, True, True, False]
    assert within(days, ":2018").tolist() == [True, False, False, False, False, False]
    assert within(days, None).tolist() == [True, True, True, True, True, False]
    assert within(days, parse_period("2019Q2")).tolist() == [False, False, True, False, False,
                                                             False]
    assert within(days, (dt.date(2019, 12, 31), None)).tolist() == [False, False, False, True,
                                                                     True, False]


def test_within_keeps_the_index_and_an_empty_or_backwards_window_selects_nothing() -> None:
    days = pd.Series(pd.to_datetime(["2019-05-01 00:00", "2019-07-01 00:00"]), index=[10, 20])
    assert within(days, "2019-05").to_dict() == {10: True, 20: False}
    assert not within(days, (D("2019-07-01"), D("2019-05-01"))).any()
    assert not within(days.iloc[:0], "2019").any()
    with pytest.raises(ValidationError, match="ends before"):
        within(days, "2019-07:2019-05")


@pytest.mark.parametrize("period, text", [
    ("2019-01-01:2021-12-31", "2019:2021"),
    ("2019-04-01:2019-06-30", "2019Q2"),
    ("2019-04:2019-09", "2019Q2:2019Q3"),
    ("2019-02-01:2019-02-28", "2019-02"),
    ("2019-02-02:2019-02-28", "2019-02-02:2019-02-28"),
    ("2019-05-01:2019-05-31", "2019-05"),
    ("2019-05-01", "2019-05-01"),
    ("2019-01-01:", "2019:"),
    (":2019-03-31", ":2019Q1"),
    ("", ""),
])
def test_text_is_the_shortest_that_reads_back(period: str, text: str) -> None:
    assert str(parse_period(period)) == text
    assert parse_period(text) == parse_period(period)


days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
sides = st.one_of(st.none(), days)


@given(a=sides, b=sides)
def test_any_period_reads_back_from_its_text(a, b) -> None:
    if a is not None and b is not None and b < a:
        a, b = b, a
    p = parse_period((a, b))
    assert p == (None if a is None else D(a), None if b is None else D(b))
    assert parse_period(str(p)) == p
    assert parse_period(f"{'' if a is None else a}:{'' if b is None else b}") == p


@given(a=days, b=days, probe=days)
def test_within_agrees_with_between(a, b, probe) -> None:
    a, b = min(a, b), max(a, b)
    d = pd.Series([D(probe) + pd.Timedelta(hours=17)])
    assert bool(within(d, (a, b)).iloc[0]) == (a <= probe <= b)


@given(year=st.integers(1900, 2200), quarter=st.integers(1, 4))
def test_a_quarter_is_its_three_months(year: int, quarter: int) -> None:
    months = parse_period(f"{year}-{3 * quarter - 2:02d}:{year}-{3 * quarter:02d}")
    assert parse_period(f"{year}Q{quarter}") == months == parse_period(f"{year}-q{quarter}")

"""Programme progress: grant targets, the participant funnel, matches over time, referrers.

What counts for each target metric (inside the grant's period, cut to the period asked for):

- ``matches``: matches that started (active, completed or ended early), by the mentee's group;
- ``participants``: mentees registered;
- ``completed``: matches completed (status completed, ended in the period);
- ``job_or_education_at_end``: mentees whose outcome at the end of the mentorship was a job
  or education;
- ``mentors_trained``: mentors who attended a mentor training.

A target's group (``group_field``/``group_value``, e.g. gender = female) is a column of the
person counted. Counts shown outside the programme's own staff go through
:func:`mentorkit.privacy.suppress` (the overview does it in :mod:`mentorkit.ui.published`);
the programme's coordinator sees the exact counts.

Like with like: a target is promised for its grant's period (a five-year grant's 300 matches
are five years' matches). :func:`target_progress` says, per row, whether the counting window
is the whole grant period or only a part of it (``partial``), which share of the grant period
that window covers (``window_share``), and, given ``today``, which share of the grant period
has elapsed (``elapsed``) and whether the target is met (``met``, only for a whole period).
:func:`grant_progress` counts every target in its own grant's period up to today.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.3)
>>> t = target_progress(ds.target, ds.grant, ds.person, ds.match, ds.outcome, ds.event,
...                     ds.attendance)
>>> {"metric", "target", "actual"} <= set(t.columns)
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.errors import ValidationError
from mentorkit.periods import within

__all__ = ["target_progress", "grant_progress", "period_share", "PROGRESS_COLUMNS", "funnel",
           "matches_over_time", "readable_freq", "referrals",
           "STARTED", "FUNNEL_STAGES"]

#: The statuses of a match that began (the one definition is in :mod:`mentorkit.vocab`).
STARTED = vocab.STARTED_MATCH_STATUSES
FUNNEL_STAGES = ("registered", "matched", "completed", "employed")


def _ts(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _group(people: pd.DataFrame, ids: pd.Series, field: Any, value: Any) -> pd.Series:
    """True for ids whose person has ``field == value`` (all True without a group)."""
    if field is None or pd.isna(field) or value is None or pd.isna(value) or field not in people:
        return pd.Series(True, index=ids.index)
    chosen = set(people.loc[people[field] == value, "id"])
    return ids.isin(chosen)


#: The columns of :func:`target_progress`, in order.
PROGRESS_COLUMNS = ("target_id", "grant_id", "funder", "title", "grant_start", "grant_end",
                    "period_start", "period_end", "metric", "group_field", "group_value",
                    "target", "actual", "share", "partial", "window_share", "elapsed", "met")


def period_share(start: Any, end: Any, whole_start: Any, whole_end: Any) -> float:
    """The share of the period ``whole_start``–``whole_end`` (days, both ends counted) that
    ``start``–``end`` covers; NaN when either period is open or the whole is empty.

    Example
    -------
    >>> round(period_share("2024-01-01", "2024-12-31", "2023-01-01", "2027-12-31"), 3)
    0.2
    """
    a, b, w0, w1 = (_ts(x) for x in (start, end, whole_start, whole_end))
    if a is None or b is None or w0 is None or w1 is None or w1 < w0:
        return float("nan")
    a, b = max(a, w0), min(b, w1)
    whole = (w1 - w0).days + 1
    return max(0, (b - a).days + 1) / whole


def target_progress(targets: pd.DataFrame, grants: pd.DataFrame, people: pd.DataFrame,
                    matches: pd.DataFrame, outcomes: pd.DataFrame, events: pd.DataFrame,
                    attendance: pd.DataFrame, start: dt.date | None = None,
                    end: dt.date | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Actual against target for every target of ``grants`` overlapping ``start``–``end``.

    Returns :data:`PROGRESS_COLUMNS`: target_id, grant_id, funder, title, grant_start and
    grant_end (the grant's own period, which the target is promised for), period_start and
    period_end (the counting window: the grant period cut to ``start``–``end``), metric,
    group_field, group_value, target, actual, share (actual / target), ``partial`` (True when
    the window is only a part of the grant period: the target is then not comparable with
    the actual count), ``window_share`` (the share of the grant period the window covers),
    ``elapsed`` (the share of the grant period gone by ``today``; NaN without ``today``)
    and ``met`` (actual ≥ target, only for a whole period; NA for a part).
    """
    s, e = _ts(start), _ts(end)
    rows = []
    g = grants.set_index("id")
    mentors_trained = attendance.merge(
        events[events["kind"] == "mentor_training"][["id", "date"]],
        left_on="event_id", right_on="id", suffixes=("", "_event"))
    mentees = people[people["role"] == "mentee"]
    mentors = set(people.loc[people["role"] == "mentor", "id"])
    started = matches[matches["status"].isin(STARTED)]
    completed = matches[matches["status"] == "completed"]
    at_end = outcomes[(outcomes["phase"] == "end")
                      & outcomes["employment_status"].isin(vocab.JOB_OR_EDUCATION)]
    for t in targets.itertuples(index=False):
        grant_id, value = t.grant_id, t.value
        if not isinstance(grant_id, (int, np.integer)) or grant_id not in g.index:
            continue
        grant = g.loc[grant_id]
        g0, g1 = _ts(grant["period_start"]), _ts(grant["period_end"])
        w0, w1 = g0, g1
        if s is not None:
            w0 = s if w0 is None else max(w0, s)
        if e is not None:
            w1 = e if w1 is None else min(w1, e)
        if w0 is not None and w1 is not None and w0 > w1:
            continue
        if t.metric == "matches":
            m = started[within(started["started_on"], (w0, w1))]
            actual = int(_group(people, m["mentee_id"], t.group_field, t.group_value).sum())
        elif t.metric == "participants":
            p = mentees[within(mentees["registered_on"], (w0, w1))]
            actual = int(_group(people, p["id"], t.group_field, t.group_value).sum())
        elif t.metric == "completed":
            m = completed[within(completed["ended_on"], (w0, w1))]
            actual = int(_group(people, m["mentee_id"], t.group_field, t.group_value).sum())
        elif t.metric == "job_or_education_at_end":
            o = at_end[within(at_end["recorded_on"], (w0, w1))].drop_duplicates("person_id")
            actual = int(_group(people, o["person_id"], t.group_field, t.group_value).sum())
        elif t.metric == "mentors_trained":
            a = mentors_trained[within(mentors_trained["date"], (w0, w1))
                                & mentors_trained["person_id"].isin(mentors)]
            a = a.drop_duplicates("person_id")
            actual = int(_group(people, a["person_id"], t.group_field, t.group_value).sum())
        else:
            continue
        target_id = getattr(t, "id", None)
        if not isinstance(value, (int, np.integer)):
            raise ValidationError(f"target {target_id!r}: value {value!r} is not a whole number")
        target = int(value)
        partial = (s is not None and (g0 is None or s > g0)) or \
            (e is not None and (g1 is None or e < g1))
        elapsed = period_share(g0, _ts(today), g0, g1) if today is not None else float("nan")
        rows.append({"target_id": target_id, "grant_id": int(grant_id),
                     "funder": grant["funder"], "title": grant["title"],
                     "grant_start": g0, "grant_end": g1, "period_start": w0, "period_end": w1,
                     "metric": t.metric, "group_field": t.group_field,
                     "group_value": t.group_value, "target": target, "actual": actual,
                     "share": actual / target if target else float("nan"),
                     "partial": bool(partial),
                     "window_share": 1.0 if not partial else period_share(w0, w1, g0, g1),
                     "elapsed": elapsed,
                     "met": pd.NA if partial else bool(actual >= target)})
    out = pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))
    out["met"] = out["met"].astype("boolean")
    out["partial"] = out["partial"].astype(bool)
    for column in ("grant_start", "grant_end", "period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[us]")
    return out


def grant_progress(targets: pd.DataFrame, grants: pd.DataFrame, people: pd.DataFrame,
                   matches: pd.DataFrame, outcomes: pd.DataFrame, events: pd.DataFrame,
                   attendance: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Every target counted in its own grant's whole period, with the share elapsed by
    ``today`` (what a coordinator's overview shows: like with like, never a year's count
    against a five-year promise). Columns as :func:`target_progress`; ``met`` is whether the
    count so far reaches the target.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.3)
    >>> p = grant_progress(ds.target, ds.grant, ds.person, ds.match, ds.outcome, ds.event,
    ...                    ds.attendance, dt.date(2026, 6, 1))
    >>> bool(p["partial"].any()), bool((p["elapsed"] <= 1).all())
    (False, True)
    """
    return target_progress(targets, grants, people, matches, outcomes, events, attendance,
                           today=today)


def funnel(people: pd.DataFrame, matches: pd.DataFrame, outcomes: pd.DataFrame,
           start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Mentees registered in the period, and of them: matched, completed, employed later.

    Each stage is a subset of the one before: ``employed`` counts mentees who completed a
    mentorship and had a job (vocab.EMPLOYED) at its end or 6 or 12 months after.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.3)
    >>> f = funnel(ds.person, ds.match, ds.outcome)
    >>> f["stage"].tolist() == list(FUNNEL_STAGES) and f["count"].is_monotonic_decreasing
    True
    """
    mentees = people[(people["role"] == "mentee")
                     & within(people["registered_on"], (start, end))]
    ids = set(mentees["id"])
    matched = set(matches.loc[matches["status"].isin(STARTED), "mentee_id"]) & ids
    completed = set(matches.loc[matches["status"] == "completed", "mentee_id"]) & matched
    later = outcomes[outcomes["phase"].isin(["end", "followup_6m", "followup_12m"])
                     & outcomes["employment_status"].isin(vocab.EMPLOYED)]
    employed = set(later["person_id"]) & completed
    counts = [len(ids), len(matched), len(completed), len(employed)]
    return pd.DataFrame({"stage": list(FUNNEL_STAGES), "count": counts})


_PERIOD = {"MS": "M", "QS": "Q", "YS": "Y"}


def matches_over_time(matches: pd.DataFrame, start: dt.date | None = None,
                      end: dt.date | None = None, freq: str | None = None) -> pd.DataFrame:
    """Matches started per month (``MS``), quarter (``QS``) or year (``YS``).

    Without ``freq``: months, or quarters when the period is longer than three years.
    Returns period (first day) and count, with empty periods as 0.
    """
    m = matches[matches["status"].isin(STARTED)]
    days = pd.to_datetime(m["started_on"])
    days = days[within(days, (start, end))]
    if days.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[us]"),
                             "count": pd.Series(dtype="int64")})
    lo = _ts(start) or days.min()
    hi = _ts(end) or days.max()
    if freq is None:
        freq = "QS" if (hi - lo).days > 3 * 366 else "MS"
    unit = _PERIOD[freq]
    periods = days.dt.to_period(unit).dt.start_time
    counts = periods.value_counts()
    index = pd.date_range(pd.Timestamp(lo).to_period(unit).start_time, hi, freq=freq)
    counts = counts.reindex(index, fill_value=0)
    return pd.DataFrame({"period": index.astype("datetime64[us]"),
                         "count": counts.to_numpy().astype(int)})


def readable_freq(matches: pd.DataFrame, start: dt.date | None = None,
                  end: dt.date | None = None, min_cell: int = 5) -> str:
    """The finest of month, quarter, year at which at most a quarter of the periods with
    matches would have to be hidden as small counts.

    Example
    -------
    >>> m = pd.DataFrame({"status": ["active"] * 12,
    ...                   "started_on": pd.date_range("2020-01-01", periods=12, freq="MS")})
    >>> readable_freq(m, min_cell=3)
    'QS'
    """
    for freq in ("MS", "QS"):
        counts = matches_over_time(matches, start, end, freq)["count"]
        used = counts[counts > 0]
        if len(used) and (used < min_cell).mean() <= 0.25:
            return freq
    return "YS"


def referrals(people: pd.DataFrame, partners: pd.DataFrame, start: dt.date | None = None,
              end: dt.date | None = None) -> pd.DataFrame:
    """Mentees registered in the period per referring partner, most first.

    Columns: partner_id, name, count.
    """
    mentees = people[(people["role"] == "mentee")
                     & within(people["registered_on"], (start, end))]
    counts = mentees["referred_by"].dropna().astype(int).value_counts()
    names = partners.set_index("id")["name"]
    out = pd.DataFrame({"partner_id": counts.index.astype(int),
                        "name": [names.get(i, str(i)) for i in counts.index],
                        "count": counts.to_numpy().astype(int)})
    return out.sort_values(["count", "name"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)

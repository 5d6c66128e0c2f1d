"""The programme overview's figures as they may be published: every count suppressed.

Each figure is a table of counts that adds up to a total, suppressed by
:func:`mentorkit.privacy.suppress` (primary suppression of counts from 1 to ``min_cell - 1``,
secondary suppression so that no hidden count can be worked out from the totals;
``min_cell`` is ``MENTORKIT_MIN_CELL``). The page shows only values of those published tables,
or sums of them, so everything it shows is as safe as the tables:

- **matches over time**: matches started per month, quarter or year in the period, with its
  total (the matches started in the period);
- **funnel**: the mentees registered in the period split into four parts that add up to them
  (never matched, matched, completed, completed and in work); a stage (registered, matched,
  completed, in work) is shown when it is a sum of published parts;
- **referrals**: the same mentees by referring partner, with "not referred" as a part that is
  counted but not shown;
- **targets**: per metric and counting window, the count by every value of each target's group
  (e.g. gender), with a remainder for people without a value, and the ungrouped total.

Tables that share a number are linked, so one table cannot give away what another hid (the
*link rule*): a target over the whole period has the same total as the matches over time (or,
for participants, as the funnel); a target whose window is a run of whole months, quarters or
years of the matches over time has the sum of those as its total; the referrals have the
funnel's total. When the shared total is published, a linked table that hid its own total is
hidden whole (it relied on the total being unknown); when the shared total is hidden, the
linked table is hidden whole. A target window that cuts a month (quarter, year) of the chart
in two is related to the chart by inequalities only, and is not linked.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.3)
>>> f = figures(ds.target, ds.grant, ds.person, ds.match, ds.outcome, ds.event, ds.attendance,
...             ds.partner, min_cell=5)
>>> list(f.funnel["stage"])
['registered', 'matched', 'completed', 'employed']
>>> bool(f.funnel["shown"].isna().any() or (f.funnel["shown"] >= 5).all())
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.monitoring.progress import (
    FUNNEL_STAGES,
    funnel,
    matches_over_time,
    readable_freq,
    referrals,
    target_progress,
)
from mentorkit.plots.overview import HIDDEN  # how a hidden count is shown, charts and tables
from mentorkit.privacy.suppression import TOTAL, renamed_min_cell, suppress, threshold

__all__ = ["Figures", "figures", "shown_total", "HIDDEN", "FUNNEL_PARTS", "UNKNOWN", "NONE"]

FUNNEL_PARTS = ("not_matched", "matched_only", "completed_only", "employed")
"""The funnel's mentees split into parts that add up to all registered."""
UNKNOWN = "(unknown)"
"""The part of a group table for people with no value (or another value) in the group field."""
NONE = "(not referred)"
"""The part of the referrals table for mentees no partner referred."""


@dataclass
class Figures:
    """What the overview shows, each count as published (``pd.NA`` when hidden).

    ``targets`` is :func:`mentorkit.monitoring.progress.target_progress` with a ``shown`` column;
    ``funnel`` has stage and shown; ``over_time`` period and shown; ``referrals`` partner_id,
    name and shown (published counts first, most first; hidden ones after, by name, so the
    order gives nothing away). ``tables`` holds every suppressed table as published after the
    link rule (name -> table with its ``Total``), the proof of what was shown; ``counts`` the
    same tables unsuppressed (for checks; never shown).
    """

    min_cell: int
    freq: str
    targets: pd.DataFrame
    funnel: pd.DataFrame
    over_time: pd.DataFrame
    referrals: pd.DataFrame
    tables: dict[str, pd.Series] = field(default_factory=dict)

    @property
    def k(self) -> int:
        """Deprecated: use :attr:`min_cell`."""
        import warnings

        warnings.warn("Figures.k is now Figures.min_cell", DeprecationWarning, stacklevel=2)
        return self.min_cell

    @property
    def counts(self) -> dict[str, pd.Series]:
        """The true counts behind each of :attr:`tables` (same index)."""
        return {name: t.attrs.get("counts", pd.Series([], dtype="int64"))
                for name, t in self.tables.items()}


def _suppressed(counts: pd.Series, k: int) -> pd.Series:
    """``counts`` suppressed (with a ``Total`` when there are two or more); the true counts
    (with their total) ride along in ``attrs["counts"]`` for :attr:`Figures.counts`."""
    if counts.empty:
        return pd.Series([], dtype="Int64")
    blanked = suppress(counts.astype("int64"), k)
    assert isinstance(blanked, pd.Series)  # a Series in, a Series out
    out = blanked.astype("Int64")
    true = counts.astype("int64")
    if TOTAL in out.index:
        true = pd.concat([true, pd.Series([int(true.sum())], index=[TOTAL])])
    out.attrs["counts"] = true.set_axis(out.index)
    return out


def shown_total(published: pd.Series) -> Any:
    """The total a published table gives away: its ``Total``, or the sum when nothing is hidden.

    Example
    -------
    >>> shown_total(pd.Series([7, pd.NA, 9], index=["a", "b", TOTAL], dtype="Int64")) == 9
    True
    >>> shown_total(pd.Series([7, 8], index=["a", "b"], dtype="Int64"))
    15
    """
    if published.empty:
        return 0
    if TOTAL in published.index and not pd.isna(published[TOTAL]):
        return int(published[TOTAL])
    cells = published.drop(TOTAL, errors="ignore")
    return pd.NA if cells.isna().any() else int(cells.sum())


def _link(published: pd.Series, shared: Any) -> pd.Series:
    """The link rule: ``published`` hidden whole unless the shared total is known to both."""
    if pd.isna(shared) or pd.isna(shown_total(published)):
        hidden = pd.Series(pd.NA, index=published.index, dtype="Int64")
        hidden.attrs.update(published.attrs)
        return hidden
    return published


def _ts(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).normalize()


def _funnel(people: pd.DataFrame, matches: pd.DataFrame, outcomes: pd.DataFrame,
            start: dt.date | None, end: dt.date | None, k: int
            ) -> tuple[pd.DataFrame, pd.Series, int]:
    counts = funnel(people, matches, outcomes, start, end)["count"].astype(int).tolist()
    parts = pd.Series([counts[0] - counts[1], counts[1] - counts[2], counts[2] - counts[3],
                       counts[3]], index=list(FUNNEL_PARTS))
    pub = _suppressed(parts, k)
    total = shown_total(pub)
    cells = [pub[p] for p in FUNNEL_PARTS]
    shown: list[Any] = []
    for i in range(len(FUNNEL_STAGES)):
        rest, before = cells[i:], cells[:i]
        if not any(pd.isna(c) for c in rest):
            shown.append(int(sum(rest)))
        elif not pd.isna(total) and not any(pd.isna(c) for c in before):
            shown.append(int(total - sum(before)))
        else:
            shown.append(pd.NA)
    frame = pd.DataFrame({"stage": list(FUNNEL_STAGES),
                          "shown": pd.array(_no_small_steps(shown, k), dtype="Int64")})
    return frame, pub, counts[0]


def _no_small_steps(stages: list[Any], k: int) -> list[Any]:
    """Hide stages until every step between two shown stages (and from the last shown one
    down to nobody) is 0 or at least ``k``.

    The page shows stages, not parts: the difference of two shown stages is a count of people
    (registered but never matched, …), and a stage is itself one; both must not be small.
    A step that is too small hides its lower stage (or, at the bottom, its upper one).

    Example
    -------
    >>> _no_small_steps([60, 34, 30, 16], 5)
    [60, 34, <NA>, 16]
    >>> _no_small_steps([8, 3, 3, 2], 5)
    [8, <NA>, <NA>, <NA>]
    """
    out = list(stages)
    while True:
        shown = [i for i, v in enumerate(out) if not pd.isna(v)]
        steps = [(i, j, int(out[i]) - (0 if j is None else int(out[j])))
                 for i, j in zip(shown, shown[1:] + [None])]
        bad = next(((i, j) for i, j, d in steps if 0 < d < k), None)
        if bad is None:
            return out
        out[bad[0] if bad[1] is None else bad[1]] = pd.NA


def _referrals(people: pd.DataFrame, partners: pd.DataFrame, start: dt.date | None,
               end: dt.date | None, registered: int, shared: Any, k: int
               ) -> tuple[pd.DataFrame, pd.Series]:
    refs = referrals(people, partners, start, end)
    counts = pd.Series(refs["count"].astype(int).tolist()
                       + [registered - int(refs["count"].sum())],
                       index=[str(i) for i in refs["partner_id"]] + [NONE])
    pub = _link(_suppressed(counts, k), shared)
    shown = pub.reindex([str(i) for i in refs["partner_id"]])
    out = refs[["partner_id", "name"]].assign(shown=shown.to_numpy())
    out["shown"] = out["shown"].astype("Int64")
    visible = out[out["shown"].notna()].sort_values(["shown", "name"], ascending=[False, True],
                                                    kind="stable")
    hidden = out[out["shown"].isna()].sort_values("name", kind="stable")
    return pd.concat([visible, hidden]).reset_index(drop=True), pub


def _bins(over: pd.DataFrame, freq: str, start: pd.Timestamp | None,
          end: pd.Timestamp | None) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Each period's first and last day as counted (cut to the period asked for)."""
    step = pd.tseries.frequencies.to_offset(freq)
    out = []
    for first in (pd.Timestamp(p) for p in over["period"]):
        last = first + step - pd.Timedelta(days=1)
        out.append((first if start is None else max(first, start),
                    last if end is None else min(last, end)))
    return out


def _window_sum(over_pub: pd.Series, bins: list[tuple[pd.Timestamp, pd.Timestamp]],
                w0: pd.Timestamp | None, w1: pd.Timestamp | None) -> tuple[bool, Any]:
    """Whether the window is a run of whole periods of the chart, and their published sum."""
    lo = w0 if w0 is not None else pd.Timestamp.min
    hi = w1 if w1 is not None else pd.Timestamp.max
    inside, outside = [], []
    for (first, last), value in zip(bins, over_pub.drop(TOTAL, errors="ignore")):
        if first >= lo and last <= hi:
            inside.append(value)
        elif last >= lo and first <= hi:
            return False, pd.NA  # the window cuts this period in two
        else:
            outside.append(value)
    total = shown_total(over_pub)
    if not any(pd.isna(v) for v in inside):
        return True, int(sum(inside))
    if not pd.isna(total) and not any(pd.isna(v) for v in outside):
        return True, int(total - sum(outside))
    return True, pd.NA


def _group_counts(row: Any, grants: pd.DataFrame, data: dict[str, pd.DataFrame],
                  field_name: str | None, values: list[Any], start: dt.date | None,
                  end: dt.date | None) -> list[int]:
    """The target's metric counted in its window for each group value (None: ungrouped)."""
    fake = pd.DataFrame({"id": range(len(values)), "grant_id": row.grant_id,
                         "metric": row.metric, "group_field": field_name,
                         "group_value": values, "value": 1})
    got = target_progress(fake, grants, data["person"], data["match"], data["outcome"],
                          data["event"], data["attendance"], start, end)
    return got["actual"].astype(int).tolist()


def _targets(prog: pd.DataFrame, grants: pd.DataFrame, data: dict[str, pd.DataFrame],
             start: dt.date | None, end: dt.date | None, k: int, anchors: dict[str, Any]
             ) -> tuple[pd.Series, dict[str, pd.Series]]:
    people = data["person"]
    shown = pd.Series(pd.NA, index=prog.index, dtype="Int64")
    tables: dict[str, pd.Series] = {}
    p0, p1 = _ts(start), _ts(end)
    keys = prog.assign(_w0=prog["period_start"].map(_ts), _w1=prog["period_end"].map(_ts))
    for (metric, w0, w1), rows in keys.groupby(["metric", "_w0", "_w1"], dropna=False,
                                               sort=False):
        w0, w1 = _ts(w0), _ts(w1)
        first = rows.iloc[0]
        q = _group_counts(first, grants, data, None, [None], start, end)[0]
        name = f"{metric} {'' if w0 is None else w0.date()}:{'' if w1 is None else w1.date()}"
        whole = (w0, w1) == (p0, p1)
        if metric == "matches" and whole:
            anchor: Any = anchors["matches"]
        elif metric == "matches" and anchors["aligned"](w0, w1)[0]:
            anchor = anchors["aligned"](w0, w1)[1]
        elif metric == "participants" and whole:
            anchor = anchors["registered"]
        else:
            anchor = None  # no other table holds this total: the first group table decides
        grouped = rows[rows["group_field"].notna() & rows["group_value"].notna()]
        for field_name, g in grouped.groupby("group_field", sort=False):
            if field_name not in people:
                continue
            values = sorted({str(v) for v in people[field_name].dropna()
                             if not isinstance(v, (list, tuple, np.ndarray))}
                            | {str(v) for v in g["group_value"]})
            counts = _group_counts(first, grants, data, str(field_name), values, start, end)
            rest = q - sum(counts)
            if rest < 0:  # overlapping groups (not a partition): each count stands alone
                pub = pd.concat([_suppressed(pd.Series([c], index=[v]), k)
                                 for v, c in zip(values, counts)])
                pub.attrs["counts"] = pd.Series(counts, index=values)
            else:
                pub = _suppressed(pd.Series(counts + [rest], index=values + [UNKNOWN]), k)
                if anchor is None:
                    anchor = shown_total(pub)
                else:
                    pub = _link(pub, anchor)
            tables[f"target {name} by {field_name}"] = pub
            for i, r in g.iterrows():
                shown.at[i] = pub.get(str(r["group_value"]), pd.NA)
        if anchor is None:
            alone = _suppressed(pd.Series([q], index=["all"]), k)
            tables[f"target {name}"] = alone
            anchor = alone.iloc[0]
        for i in rows.index.difference(grouped.index):
            shown[i] = anchor
    return shown, tables


@renamed_min_cell("k")
def figures(targets: pd.DataFrame, grants: pd.DataFrame, people: pd.DataFrame,
            matches: pd.DataFrame, outcomes: pd.DataFrame, events: pd.DataFrame,
            attendance: pd.DataFrame, partners: pd.DataFrame, start: dt.date | None = None,
            end: dt.date | None = None, min_cell: int | None = 0) -> Figures:
    """Everything the overview shows for the period, suppressed and linked (module docstring).

    Parameters
    ----------
    targets, grants, people, matches, outcomes, events, attendance, partners:
        One programme's tables (as :meth:`mentorkit.store.Store.table` gives them).
    start, end:
        The period (inclusive; None: open).
    min_cell:
        The smallest count shown (0: the setting ``MENTORKIT_MIN_CELL``).
    """
    k = threshold(min_cell)
    data = {"person": people, "match": matches, "outcome": outcomes, "event": events,
            "attendance": attendance}
    freq = readable_freq(matches, start, end, k)
    over = matches_over_time(matches, start, end, freq)
    over_pub = _suppressed(pd.Series(over["count"].to_numpy(), index=range(len(over))), k)
    bins = _bins(over, freq, _ts(start), _ts(end))
    fun, fun_pub, registered = _funnel(people, matches, outcomes, start, end, k)
    refs, refs_pub = _referrals(people, partners, start, end, registered, shown_total(fun_pub),
                                k)
    anchors = {"matches": shown_total(over_pub), "registered": shown_total(fun_pub),
               "aligned": lambda w0, w1: _window_sum(over_pub, bins, w0, w1)}
    prog = target_progress(targets, grants, people, matches, outcomes, events, attendance,
                           start, end)
    shown, tables = _targets(prog, grants, data, start, end, k, anchors)
    over_shown = over_pub.drop(TOTAL, errors="ignore").reindex(range(len(over)))
    return Figures(
        min_cell=k, freq=freq, targets=prog.assign(shown=shown),
        funnel=fun,
        over_time=pd.DataFrame({"period": over["period"],
                                "shown": over_shown.to_numpy(dtype=object)}).astype(
                                    {"shown": "Int64"}),
        referrals=refs,
        tables={"matches over time": over_pub, "funnel": fun_pub, "referrals": refs_pub,
                **tables})

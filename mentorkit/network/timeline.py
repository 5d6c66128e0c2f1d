"""The relationship graph over time: active pairs, new and returning mentors, retention.

:func:`growth` reads the ``start``, ``end`` and ``programme_id`` attributes that
:func:`~mentorkit.network.relationship_graph` puts on each mentor–mentee edge, so the
graph itself is the record of the programme over time; it works on networkx and igraph
graphs alike, vectorised (no loop over edges or periods).

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.network import relationship_graph
>>> ds = generate(seed=0, scale=0.2)
>>> g = growth(relationship_graph(ds.match, ds.person), freq="year")
>>> int(g["new_pairs"].sum()) == int(ds.match["started_on"].notna().sum())
True
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from mentorkit.errors import ValidationError
from mentorkit.network._backend import Graph, is_igraph, labels, node_table

__all__ = ["edge_frame", "growth", "FREQS"]

FREQS = {"month": "M", "quarter": "Q", "year": "Y"}


def edge_frame(G: Graph, keys: tuple[str, ...] = ("start", "end", "status", "programme_id",
                                                  "weight")) -> pd.DataFrame:
    """The edges of ``G`` as a DataFrame: ``u``, ``v`` and the attributes ``keys``.

    Example
    -------
    >>> import networkx as nx
    >>> edge_frame(nx.Graph([("a", "b", {"weight": 2})]), ("weight",))
       u  v  weight
    0  a  b       2
    """
    if is_igraph(G):
        names = np.asarray(labels(G), dtype=object)
        ends = np.asarray(G.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        present = G.es.attributes()
        data: dict[str, Any] = {"u": names[ends[:, 0]], "v": names[ends[:, 1]]}
        data.update({k: (G.es[k] if k in present else [None] * G.ecount()) for k in keys})
        return pd.DataFrame(data)
    rows = G.edges(data=True)
    return pd.DataFrame({"u": [u for u, _, _ in rows], "v": [v for _, v, _ in rows],
                         **{k: [d.get(k) for _, _, d in rows] for k in keys}})


def _periods(values: pd.Series, freq: str) -> np.ndarray:
    """Period ordinals (int64) of dates; missing -> the smallest int64."""
    stamps = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    return pd.PeriodIndex(stamps.dt.to_period(freq)).asi8


def growth(G: Graph, freq: Literal["month", "quarter", "year"] = "quarter",
           until: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Snapshots of the mentor corps per month, quarter or year.

    Only pairs that began (a ``start`` date) count. An open pair runs until ``until``
    (default: the latest start or end in the graph).

    Returns
    -------
    DataFrame indexed by period with columns:

    - ``active_pairs``: pairs running at some time in the period;
    - ``new_pairs`` / ``ended_pairs``: pairs that began / ended in it;
    - ``active_mentors``: mentors with a running pair;
    - ``new_mentors``: mentors whose first pair began in it;
    - ``returning_mentors``: mentors who began another pair in it after an earlier one;
    - ``cross_programme_mentors``: of those, mentors who began it in a programme other than
      any they had mentored in before;
    - ``mentors_so_far``: mentors with a pair begun by the end of the period;
    - ``retained_mentors``: mentors active in the previous period and still active;
    - ``retention``: ``retained_mentors`` over the previous period's ``active_mentors``.
    """
    if freq not in FREQS:
        raise ValidationError(f"freq must be month, quarter or year (got {freq!r})")
    code = FREQS[freq]
    e = edge_frame(G, ("start", "end", "programme_id"))
    roles = node_table(G, ("role",))["role"]
    u_role = e["u"].map(roles).to_numpy() if len(e) else np.array([], dtype=object)
    e["mentor"] = np.where(u_role == "mentor", e["u"], e["v"])
    start = _periods(e["start"], code)
    e = e[start != np.iinfo(np.int64).min].reset_index(drop=True)
    start = start[start != np.iinfo(np.int64).min]
    columns = ["active_pairs", "new_pairs", "ended_pairs", "active_mentors", "new_mentors",
               "returning_mentors", "cross_programme_mentors", "mentors_so_far",
               "retained_mentors", "retention"]
    if not len(e):
        return pd.DataFrame(columns=columns, index=pd.PeriodIndex([], freq=code, name="period"))
    end = _periods(e["end"], code)
    missing_end = end == np.iinfo(np.int64).min
    last = (int(pd.Timestamp(until).to_period(code).ordinal) if until is not None
            else int(max(start.max(), end[~missing_end].max() if (~missing_end).any() else 0)))
    end = np.where(missing_end, last, np.maximum(end, start))
    keep = start <= last
    closed = (~missing_end & (end <= last))[keep]
    e, start, end = e[keep].reset_index(drop=True), start[keep], np.minimum(end[keep], last)
    first = int(start.min())
    P = last - first + 1
    s, t = start - first, end - first
    mentor_codes, mentors = pd.factorize(e["mentor"])
    # Pairs active per period: expand each pair over the periods it spans.
    length = t - s + 1
    idx = np.repeat(np.arange(len(e)), length)
    offset = np.arange(len(idx)) - np.repeat(np.cumsum(length) - length, length)
    period = s[idx] + offset
    active_pairs = np.bincount(period, minlength=P)
    keys = np.unique(mentor_codes[idx].astype(np.int64) * P + period)
    key_period = keys % P
    active_mentors = np.bincount(key_period, minlength=P)
    prev = keys - 1
    retained = np.isin(prev, keys) & (key_period > 0)
    retained_mentors = np.bincount(key_period[retained], minlength=P)
    # New and returning mentors: a mentor's first pair (by start date) makes them new; each
    # later pair is a return, in another programme if it is their first pair there.
    day = pd.to_datetime(pd.Series(e["start"], dtype=object)).to_numpy().astype(
        "datetime64[D]").astype(np.int64)
    order = np.lexsort((day, mentor_codes))
    mc, ms = mentor_codes[order], s[order]
    first_of = np.r_[True, mc[1:] != mc[:-1]]
    first_start = np.empty(len(mentors), dtype=np.int64)
    first_start[mc[first_of]] = ms[first_of]
    new_mentors = np.bincount(first_start, minlength=P)
    later = ~first_of
    returning = np.unique(mc[later].astype(np.int64) * P + ms[later])
    returning_mentors = np.bincount(returning % P, minlength=P)
    prog = pd.factorize(e["programme_id"].astype(object))[0][order].astype(np.int64)
    pkey = mc.astype(np.int64) * (prog.max() + 2) + prog
    porder = np.lexsort((day[order], pkey))
    sorted_key = pkey[porder]
    pfirst = np.empty(len(pkey), dtype=bool)
    pfirst[porder] = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    is_new_prog = pfirst & later & (prog >= 0)
    cross = np.unique(mc[is_new_prog].astype(np.int64) * P + ms[is_new_prog])
    cross_mentors = np.bincount(cross % P, minlength=P)
    prev_active = np.r_[0, active_mentors[:-1]]
    periods = pd.PeriodIndex.from_ordinals(  # type: ignore[attr-defined]  # not in pandas-stubs
        np.arange(first, last + 1), freq=code, name="period")
    out = pd.DataFrame({
        "active_pairs": active_pairs, "new_pairs": np.bincount(s, minlength=P),
        "ended_pairs": np.bincount(t[closed], minlength=P),
        "active_mentors": active_mentors, "new_mentors": new_mentors,
        "returning_mentors": returning_mentors, "cross_programme_mentors": cross_mentors,
        "mentors_so_far": np.cumsum(new_mentors), "retained_mentors": retained_mentors,
        "retention": np.where(prev_active > 0, retained_mentors / np.maximum(prev_active, 1),
                              np.nan),
    }, index=periods)
    return out

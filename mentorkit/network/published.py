"""What the network notebook may show: every count through :func:`mentorkit.privacy.suppress`.

The analysis functions (:func:`~mentorkit.network.summary`, :func:`~mentorkit.network.growth`,
:func:`~mentorkit.network.degrees`, :func:`~mentorkit.network.communities`) return exact
counts for the analyst's own work. The functions here turn them into tables fit to show:
counts from 1 to ``min_cell - 1`` are blanked (primary suppression), and further counts
wherever a published total, running total or share would give a blank back (secondary
suppression, decided by :func:`mentorkit.privacy.suppress` and its linear-programming check).
Blanks are ``pd.NA``; figures derived from a blank count (a share, a mean, a density) are
blanked with it.

``min_cell`` is the disclosure threshold; ``0`` (the notebook's default) takes the setting
``MENTORKIT_MIN_CELL`` (:attr:`mentorkit.config.Settings.min_cell`, 5 unless configured).

What each table is protected against is said in its docstring. Each table is protected with
the totals it shows itself and the totals the notebook shows elsewhere for the same column
(the number of pairs, the number of mentors with a mentee); the notebook shows some people in
more than one table (mentors by load and by the quarter of their first mentee), and these
tables are not protected as one system: copy figures for publication from one table.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.network import relationship_graph, growth
>>> ds = generate(seed=0, scale=0.2)
>>> R = relationship_graph(ds.match, ds.person)
>>> top = top_mentors(R, n=3, min_cell=5)
>>> top.columns.tolist(), bool((top["mentees"].dropna() >= 5).all())
(['mentees'], True)
>>> g = published_growth(growth(R, "quarter"), min_cell=5)
>>> bool((g["new_mentors"].dropna() == 0).any() or (g["new_mentors"].dropna() >= 5).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit.network._backend import Graph, node_table
from mentorkit.network.community import Communities
from mentorkit.network.metrics import degrees, summary
from mentorkit.privacy.suppression import threshold

__all__ = ["GROWTH_COLUMNS", "LOAD_CLASSES", "community_sizes", "degree_table", "marks",
           "mentor_load", "published_growth", "published_summary", "running_total_shown",
           "threshold", "top_mentors"]

GROWTH_COLUMNS = ("active_pairs", "active_mentors", "new_mentors", "returning_mentors",
                  "cross_programme_mentors", "mentors_so_far", "retained_mentors", "retention")
"""The columns of :func:`published_growth` (``new_pairs`` and ``ended_pairs`` are left out)."""
LOAD_CLASSES = ("no mentee", "one mentee", "two or more")
"""Mentors by number of mentees, the rows of :func:`mentor_load`."""
OTHERS = "other mentors"
TOTAL = "Total"


def _suppressed(counts: pd.Series, k: int, margins: bool = True) -> tuple[pd.Series, pd.Series]:
    """privacy's published values and pattern ("", "primary", "secondary") for a Series."""
    from mentorkit.privacy.suppression import suppression

    if not len(counts):
        empty = pd.Series([], dtype="Int64", name=counts.name)
        return empty, pd.Series([], dtype=object)
    result = suppression(counts.astype("int64"), k, margins=margins)
    assert isinstance(result.published, pd.Series)  # a Series in, a Series out
    return result.published, result.pattern.iloc[:, 0]


def marks(counts: pd.Series, min_cell: int | None = 0, *, margins: bool = True) -> pd.Series:
    """Counts as text to quote in a sentence: ``"12"``, ``"<5"`` for a small count and
    ``".."`` for one hidden so that a small one cannot be worked out (from the total, when
    ``margins``; the total is the last entry, ``"Total"``, when there are two or more).

    Example
    -------
    >>> marks(pd.Series([12, 3, 9], index=["a", "b", "c"]), 5).tolist()
    ['12', '<5', '..', '24']
    """
    k = threshold(min_cell)
    published, pattern = _suppressed(counts, k, margins)
    text = published.astype("object").map(lambda v: "" if pd.isna(v) else str(int(v)))
    text[(pattern == "secondary").to_numpy()] = ".."
    text[(pattern == "primary").to_numpy()] = f"<{k}"
    return text


def top_mentors(R: Graph, n: int = 10, min_cell: int | None = 0) -> pd.DataFrame:
    """The ``n`` mentors with the most mentees in a relationship graph, counts suppressed.

    What is published is the ``n`` counts and, through the rest of the notebook, their
    total (the number of pairs). So the counts go to :func:`mentorkit.privacy.suppress` as
    ``n`` cells plus one cell for all other mentors together, with the total as margin: no
    blank can be worked out as the number of pairs minus the others. Rows are ordered by the
    published count (blanks last, then by label), so the order tells nothing about a blank
    beyond its being among the busiest.

    Example
    -------
    >>> import networkx as nx
    >>> R = nx.Graph([("mentor:1", f"mentee:{i}") for i in range(9)]
    ...              + [("mentor:2", f"mentee:2{i}") for i in range(2)]
    ...              + [("mentor:3", f"mentee:3{i}") for i in range(3)])
    >>> nx.set_node_attributes(R, {v: v.split(":")[0] for v in R}, "role")
    >>> top_mentors(R, n=2, min_cell=5)["mentees"].tolist()
    [9, <NA>]
    """
    k = threshold(min_cell)
    deg = degrees(R)
    role = node_table(R, ("role",))["role"]
    load = deg[(role == "mentor").to_numpy()]
    busy = load[load > 0]
    order = pd.DataFrame({"count": busy.to_numpy(), "label": busy.index.astype(str)},
                         index=busy.index).sort_values(["count", "label"],
                                                       ascending=[False, True])
    head = busy.loc[order.index[:n]]
    cells = pd.concat([head, pd.Series({OTHERS: int(busy.drop(head.index).sum())})])
    published, _ = _suppressed(cells.astype("int64"), k)
    shown = published.reindex(head.index).astype("Int64")
    frame = pd.DataFrame({"mentees": shown, "_label": head.index.astype(str)},
                         index=pd.Index(head.index, name="mentor"))
    frame["_blank"] = frame["mentees"].isna()
    frame["_value"] = frame["mentees"].astype("Float64").fillna(-1.0)
    frame = frame.sort_values(["_blank", "_value", "_label"], ascending=[True, False, True])
    return frame[["mentees"]]


def mentor_load(R: Graph, min_cell: int | None = 0) -> pd.Series:
    """Registered mentors by number of mentees (:data:`LOAD_CLASSES`) with their total,
    through :func:`mentorkit.privacy.suppress` (the total is the number of mentor nodes,
    shown in the summary).

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> from mentorkit.network import relationship_graph
    >>> ds = generate(seed=0, scale=0.2)
    >>> load = mentor_load(relationship_graph(ds.match, ds.person), min_cell=5)
    >>> load.index.tolist()
    ['no mentee', 'one mentee', 'two or more', 'Total']
    """
    deg = degrees(R)
    role = node_table(R, ("role",))["role"]
    load = deg[(role == "mentor").to_numpy()]
    counts = pd.Series([int((load == 0).sum()), int((load == 1).sum()), int((load >= 2).sum())],
                       index=list(LOAD_CLASSES), name="mentors")
    return _suppressed(counts, threshold(min_cell))[0]


def running_total_shown(values: np.ndarray, blank: np.ndarray, min_cell: int = 0
                        ) -> np.ndarray:
    """Where a running total of ``values`` may be shown beside the values, some of them blank.

    Shown running totals cut the series into stretches whose sums are known: a stretch
    with one blank gives it back, and one with several blanks of sum ``B`` (each at least
    1) leaves each between 1 and ``B - m + 1``: safe when that is more than one value, the
    rule :func:`mentorkit.privacy.suppress` applies to a column with its total. A total is
    shown at the end of each stretch that is safe (greedily, from the start); the last one
    (the column total, shown elsewhere) always, merging the last stretches until safe.
    ``blank`` must be a pattern the column total leaves safe (as suppress returns it). A
    running total from 1 to ``min_cell - 1`` is a small count itself and is not shown (its stretch
    joins the next: sums of safe stretches stay safe).

    Example
    -------
    >>> running_total_shown(np.array([9, 2, 7, 3, 8]),
    ...                     np.array([False, True, False, True, False])).tolist()
    [True, False, False, True, True]
    >>> running_total_shown(np.array([1, 2, 1, 6]), np.array([True, True, True, False]),
    ...                     min_cell=5).tolist()
    [False, False, False, True]
    """
    values, blank = np.asarray(values, dtype=np.int64), np.asarray(blank, dtype=bool)
    so_far = np.cumsum(values)

    def safe(a: int, b: int) -> bool:            # the stretch a..b (inclusive)
        m = int(blank[a:b + 1].sum())
        return m == 0 or (m >= 2 and int(values[a:b + 1][blank[a:b + 1]].sum()) >= m + 1)

    shown = np.zeros(len(values), dtype=bool)
    start = 0
    for t in range(len(values)):
        if safe(start, t) and not 0 < so_far[t] < min_cell:
            shown[t], start = True, t + 1
    if len(values) and not shown[-1]:
        shown[-1] = True
        cuts = np.flatnonzero(shown[:-1])
        while len(cuts) and not safe(int(cuts[-1]) + 1, len(values) - 1):
            shown[cuts[-1]] = False
            cuts = cuts[:-1]
    return shown


def published_growth(g: pd.DataFrame, min_cell: int | None = 0) -> pd.DataFrame:
    """:func:`~mentorkit.network.growth` as it may be shown.

    - ``new_mentors`` goes through :func:`mentorkit.privacy.suppress` with its total (the
      number of mentors with a mentee, which the findings state);
    - ``mentors_so_far`` is its running total, so the differences of two shown values give
      back a period's new mentors: it is shown only where :func:`running_total_shown` says
      no blank can be worked out, and in the last period (the total);
    - ``active_pairs``, ``active_mentors``, ``returning_mentors``,
      ``cross_programme_mentors`` and ``retained_mentors`` (no total of theirs is shown)
      get primary suppression through :func:`mentorkit.privacy.suppress`;
    - ``retention`` (retained over the previous period's active mentors) is blank where
      either count is;
    - ``new_pairs`` and ``ended_pairs`` are left out: active pairs of two periods and the
      pairs begun and ended tie them by ``active(t) = active(t-1) - ended(t-1) + new(t)``,
      which suppression by totals does not protect.

    Example
    -------
    >>> idx = pd.period_range("2020Q1", periods=3, freq="Q")
    >>> g = pd.DataFrame({c: [9, 6, 7] for c in ("active_pairs", "active_mentors",
    ...     "returning_mentors", "cross_programme_mentors", "retained_mentors")}, index=idx)
    >>> g["new_mentors"], g["mentors_so_far"] = [9, 2, 3], [9, 11, 14]
    >>> g["retention"] = [np.nan, 0.7, 0.9]
    >>> published_growth(g, 5)[["new_mentors", "mentors_so_far"]].to_numpy().tolist()
    [[9, 9], [<NA>, <NA>], [<NA>, 14]]
    """
    k = threshold(min_cell)
    out = pd.DataFrame(index=g.index)
    if not len(g):
        for c in GROWTH_COLUMNS:
            out[c] = pd.Series([], dtype="Float64" if c == "retention" else "Int64")
        return out
    for c in ("active_pairs", "active_mentors", "returning_mentors",
              "cross_programme_mentors", "retained_mentors"):
        out[c] = _suppressed(g[c].astype("int64"), k, margins=False)[0].to_numpy()
    new, _ = _suppressed(g["new_mentors"].astype("int64"), k, margins=True)
    rows = new.iloc[:len(g)] if len(g) > 1 else new
    out["new_mentors"] = rows.to_numpy()
    total_shown = bool(new.notna().iloc[-1])
    so_far = g["mentors_so_far"].astype("Int64")
    shown = running_total_shown(g["new_mentors"].to_numpy(), rows.isna().to_numpy(), k) \
        if total_shown else np.zeros(len(g), dtype=bool)
    out["mentors_so_far"] = so_far.where(shown).to_numpy()  # blanks are NA in Int64
    retained = out["retained_mentors"].astype("Float64")
    before = out["active_mentors"].astype("Float64").shift(1)
    ratio = (retained / before.where(before > 0)).where(g["retention"].notna())
    out["retention"] = ratio.astype("Float64").to_numpy()
    for c in GROWTH_COLUMNS[:-1]:
        out[c] = out[c].astype("Int64")
    return out[list(GROWTH_COLUMNS)]


def community_sizes(C: Communities, min_cell: int | None = 0) -> pd.Series:
    """Nodes per community (largest first) with their total, through
    :func:`mentorkit.privacy.suppress` (the total is the number of people in the projection,
    which the findings state).

    Example
    -------
    >>> import networkx as nx
    >>> from mentorkit.network import communities
    >>> community_sizes(communities(nx.barbell_graph(5, 0), seed=0), min_cell=5).tolist()
    [5, 5, 10]
    """
    return _suppressed(C.sizes.astype("int64"), threshold(min_cell))[0].rename("nodes")


def degree_table(G: Graph, min_cell: int | None = 0) -> pd.DataFrame:
    """Nodes per number of ties (rows) and role (columns), through
    :func:`mentorkit.privacy.suppress` with its totals (the role totals are the node counts
    of the summary). For :func:`mentorkit.plots.network.degree_distribution`.

    Example
    -------
    >>> import networkx as nx
    >>> t = degree_table(nx.star_graph(9), min_cell=5)  # 9 leaves, 1 hub: 10 nodes
    >>> t["all"].isna().tolist()   # the hub, and the leaves that would give it back
    [True, True]
    """
    S = summary(G)
    table = pd.DataFrame(S.degree_distribution).fillna(0).astype("int64").sort_index()
    table.index.name = "degree"
    if table.empty:
        return table.astype("Int64")
    published = _suppress_frame(table, threshold(min_cell))
    return published.loc[table.index, table.columns]


def _suppress_frame(table: pd.DataFrame, k: int) -> pd.DataFrame:
    from mentorkit.privacy import suppress

    return suppress(table, k)


def published_summary(G: Graph, min_cell: int | None = 0) -> pd.DataFrame:
    """:meth:`~mentorkit.network.Summary.to_frame` as it may be shown (``figure``, ``value``).

    Nodes by role go through :func:`mentorkit.privacy.suppress` with their total (the nodes
    of the graph); edges, the largest component and isolated nodes are single counts
    (primary suppression); mentors by load come from :func:`mentor_load`, the largest
    number of mentees of one mentor from :func:`top_mentors`. Derived figures are blanked
    with the counts they would give back: the mean degree of a role with its node count, the
    densities and mentor-load means when any role count or the edges are blank, the repeat
    mentor share with its counts. The number of components counts groups, not people; the
    median load is an order statistic of the loads, not a count of people.

    Example
    -------
    >>> import networkx as nx
    >>> published_summary(nx.star_graph(9), min_cell=5).set_index("figure")["value"]["edges"]
    9
    """
    k = threshold(min_cell)
    S = summary(G)
    rows: list[tuple[str, Any]] = []
    roles = pd.Series(S.nodes_by_role, dtype="int64")
    by_role, _ = _suppressed(roles, k)
    single = {name: _suppressed(pd.Series([value]), k, margins=False)[0].iloc[0]
              for name, value in (("edges", S.edges), ("largest", S.largest_component),
                                  ("isolates", S.isolates))}
    blank_roles = bool(by_role.isna().any())
    blank_any = blank_roles or single["edges"] is pd.NA
    nodes = by_role.iloc[-1] if len(roles) else 0
    rows += [("nodes", nodes), ("edges", single["edges"]),
             ("density", pd.NA if blank_any else S.density),
             ("bipartite density", None if S.bipartite_density is None
              else pd.NA if blank_any else S.bipartite_density),
             ("components", S.components),
             ("largest component (nodes)", single["largest"]),
             ("isolated nodes", single["isolates"])]
    rows += [(f"{role} nodes", by_role.get(role, pd.NA)) for role in roles.index]
    rows += [(f"mean degree, {role}", pd.NA if by_role.get(role, pd.NA) is pd.NA
              or single["edges"] is pd.NA else d) for role, d in S.mean_degree.items()]
    if S.mentor_load is not None:
        load = mentor_load(G, k)
        top = top_mentors(G, n=1, min_cell=k)["mentees"]
        busy = _sum(load[LOAD_CLASSES[1]], load[LOAD_CLASSES[2]])
        rows += [("mentees per mentor, mean",
                  pd.NA if blank_any or busy is pd.NA else S.mentor_load["mean"]),
                 ("mentees per mentor, median", S.mentor_load["median"]),
                 ("mentees per mentor, max", top.iloc[0] if len(top) else 0),
                 ("repeat mentors (2+ mentees)", load[LOAD_CLASSES[2]]),
                 ("repeat mentor share", _ratio(load[LOAD_CLASSES[2]], busy)),
                 ("mentors without a mentee", load[LOAD_CLASSES[0]])]
    kept = [r for r in rows if r[1] is not None]
    return pd.DataFrame({"figure": [r[0] for r in kept],
                         "value": pd.Series([_plain(r[1]) for r in kept], dtype=object)})


def _plain(value: Any) -> Any:
    """Whole numbers as int, other numbers as float, blanks as ``pd.NA`` (for display)."""
    if value is pd.NA or value is None or pd.isna(value):
        return pd.NA
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(value)


def _sum(*values: Any) -> Any:
    return pd.NA if any(v is pd.NA or pd.isna(v) for v in values) else int(sum(values))


def _ratio(numerator: Any, denominator: Any) -> Any:
    if numerator is pd.NA or denominator is pd.NA or pd.isna(numerator) or pd.isna(denominator):
        return pd.NA
    return float(numerator) / float(denominator) if denominator else 0.0

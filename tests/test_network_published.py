"""mentorkit.network.published: what the network notebook shows has no small count in it, and
no blank can be worked out from the totals, running totals or shares shown beside it.

The attacker of the running-total test is written independently of the module: a linear
programme over every figure published, asking how far each blank can still move.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mentorkit import network
from mentorkit.network import published
from mentorkit.synth import generate

K = 5


@pytest.fixture(scope="module")
def ds():
    return generate(seed=0, scale=0.3)


@pytest.fixture(scope="module")
def R(ds):
    return network.relationship_graph(ds.match, ds.person)


def small(values) -> list:
    """Shown counts from 1 to K-1 (there must be none)."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna()
    return [v for v in numbers if 0 < v < K]


def attacker_bounds(blank: np.ndarray, rows: list[tuple[np.ndarray, float]]
                    ) -> list[tuple[float, float]]:
    """The smallest and largest value of each blank (all at least 1) given equations
    ``sum(blank values where mask) = rhs`` (a linear programme; its bounds are whole numbers
    here, as the equations are sums over runs of consecutive periods)."""
    from scipy.optimize import linprog

    m = int(blank.sum())
    A = [mask[blank].astype(float) for mask, _ in rows if mask[blank].any()]
    b = [rhs for mask, rhs in rows if mask[blank].any()]
    out = []
    for j in range(m):
        c = np.zeros(m)
        c[j] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            res = linprog(sign * c, A_eq=np.array(A) if A else None,
                          b_eq=np.array(b) if b else None, bounds=[(1, None)] * m,
                          method="highs")
            bounds.append(np.inf if res.status == 3 else sign * res.fun)
        out.append((bounds[0], bounds[1]))
    return out


def test_growth_running_total_never_gives_back_new_mentors() -> None:
    """Random quarterly series: every blank of new_mentors keeps two or more possible values
    (and a small one two or more below K) given every shown new_mentors, every shown
    mentors_so_far and the column total when it is shown."""
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(120):
        n = int(rng.integers(2, 12))
        new = rng.choice([0, 1, 2, 3, 4, 6, 9], size=n)
        if new.sum() == 0:
            continue
        g = pd.DataFrame({c: np.full(n, 9) for c in ("active_pairs", "active_mentors",
                                                     "returning_mentors",
                                                     "cross_programme_mentors",
                                                     "retained_mentors")},
                         index=pd.period_range("2020Q1", periods=n, freq="Q"))
        g["new_mentors"], g["mentors_so_far"] = new, np.cumsum(new)
        g["retention"] = 1.0
        shown = published.published_growth(g, K)
        blank = shown["new_mentors"].isna().to_numpy()
        assert not small(shown["new_mentors"])
        so_far = shown["mentors_so_far"]
        assert so_far.dropna().astype(int).tolist() == [int(v) for v, s in
                                                        zip(np.cumsum(new), so_far.notna())
                                                        if s]
        if not blank.any():
            continue
        # every shown running total (the last one is the column total) is an equation
        rows = []
        for t, value in enumerate(so_far):
            if pd.notna(value):
                upto = np.arange(n) <= t
                rows.append((upto, float(value) - float(new[upto & ~blank].sum())))
        for (low, high), true_value in zip(attacker_bounds(blank, rows), new[blank]):
            assert low < high, (new.tolist(), so_far.tolist())
            if true_value < K:
                assert min(high, K - 1) - max(low, 1) >= 1, (new.tolist(), so_far.tolist())
        checked += 1
    assert checked > 30


def test_running_total_keeps_what_is_safe() -> None:
    assert published.running_total_shown(np.array([9, 8, 7]), np.zeros(3, bool)).all()
    # a blank alone between two shown totals is their difference: the totals on either
    # side of a stretch hold two blanks or none
    shown = published.running_total_shown(np.array([9, 2, 7, 3, 8]),
                                          np.array([False, True, False, True, False]))
    assert shown.tolist() == [True, False, False, True, True]
    # the last stretch is merged with the one before until it is safe
    shown = published.running_total_shown(np.array([9, 2, 2, 8, 3]),
                                          np.array([False, True, True, False, True]))
    assert shown.tolist() == [True, False, False, False, True]


def test_top_mentors_hides_small_counts_and_orders_by_what_is_shown(R) -> None:
    top = published.top_mentors(R, n=10, min_cell=K)
    assert len(top) == 10 and top.index.str.startswith("mentor:").all()
    assert not small(top["mentees"])
    shown = top["mentees"].dropna().tolist()
    assert shown == sorted(shown, reverse=True)
    assert top["mentees"].isna().tolist() == sorted(top["mentees"].isna().tolist())
    load = network.degrees(R)[list(top.index)]
    assert (top["mentees"].dropna() == load[top["mentees"].notna()]).all()
    assert published.top_mentors(R, n=10, min_cell=1)["mentees"].tolist() == sorted(
        network.degrees(R).filter(regex="^mentor:").nlargest(10).tolist(), reverse=True)


def test_top_mentors_cannot_be_worked_out_from_the_number_of_pairs() -> None:
    """One mentor with 9 mentees and two with 1: the 1s are blank, and the 9 with them,
    since 'pairs minus 9' would give the two 1s back."""
    edges = [("mentor:1", f"mentee:{i}") for i in range(9)] + [("mentor:2", "mentee:20"),
                                                                ("mentor:3", "mentee:30")]
    G = nx.Graph(edges)
    nx.set_node_attributes(G, {v: v.split(":")[0] for v in G}, "role")
    assert published.top_mentors(G, n=3, min_cell=K)["mentees"].isna().all()


def test_summary_load_sizes_and_degrees_have_no_small_counts(ds, R) -> None:
    E = network.event_graph(ds.attendance, ds.person, ds.event)
    for G in (R, E):
        table = published.published_summary(G, K).set_index("figure")["value"]
        counts = [f for f in table.index if f in ("nodes", "edges", "isolated nodes",
                                                   "largest component (nodes)",
                                                   "repeat mentors (2+ mentees)",
                                                   "mentors without a mentee",
                                                   "mentees per mentor, max")
                  or f.endswith(" nodes")]
        assert not small(table[counts])
        degrees = published.degree_table(G, K)
        assert not small(degrees.to_numpy().ravel())
        role_totals = network.summary(G).nodes_by_role
        shown_totals = {f[:-6]: v for f, v in table.items() if f.endswith(" nodes")
                        and f != "isolated nodes" and pd.notna(v)}
        assert all(role_totals[r] == v for r, v in shown_totals.items())
    load = published.mentor_load(R, K)
    assert int(load["Total"]) == sum(1 for _, r in R.nodes(data="role") if r == "mentor")
    assert not small(load)
    C = network.communities(network.projection(E, 0), seed=0)
    sizes = published.community_sizes(C, K)
    assert not small(sizes) and int(sizes["Total"]) == int(C.sizes.sum())


def test_a_blank_role_count_blanks_what_would_give_it_back() -> None:
    G = nx.star_graph(12)
    nx.set_node_attributes(G, {v: "mentor" if v == 0 else "mentee" for v in G}, "role")
    G.graph["sides"] = ("mentor", "mentee")
    table = published.published_summary(G, K).set_index("figure")["value"]
    assert table["mentor nodes"] is pd.NA
    assert table["mean degree, mentor"] is pd.NA and table["density"] is pd.NA


def test_growth_table_drops_pairs_begun_and_ended(R) -> None:
    g = published.published_growth(network.growth(R, "quarter"), K)
    assert list(g.columns) == list(published.GROWTH_COLUMNS)
    assert "new_pairs" not in g and "ended_pairs" not in g
    for c in published.GROWTH_COLUMNS[:-1]:
        assert not small(g[c]), c
    retained, before = g["retained_mentors"], g["active_mentors"].shift(1)
    assert g["retention"][retained.isna() | before.isna()].isna().all()


def test_threshold_defaults_to_the_setting(monkeypatch) -> None:
    monkeypatch.setenv("MENTORKIT_MIN_CELL", "7")
    assert published.threshold(0) == 7 and published.threshold(3) == 3
    from mentorkit.matching import study
    from mentorkit.outcomes.suppress import threshold

    assert threshold(0) == 7 and study.threshold(0) == 7


def test_findings_quote_only_published_counts(ds) -> None:
    t = network.Tables.of(ds)
    huge = network.findings(t, min_cell=10_000)
    assert "mentored .., .., .. mentees" in huge
    assert "brought together .. people" in huge
    normal = network.findings(t, min_cell=K)
    top = published.top_mentors(network.relationship_graph(ds.match, ds.person), 3, K)
    counts = ", ".join(".." if pd.isna(v) else str(int(v)) for v in top["mentees"])
    assert f"mentored {counts} mentees" in normal

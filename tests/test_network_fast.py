"""The igraph fast path gives the networkx answers (within tolerance), ``auto`` picks it for
large graphs, and everything still works when igraph is not installed."""

from __future__ import annotations

import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mentorkit import network
from mentorkit.errors import ConfigError
from mentorkit.network import _backend
from mentorkit.network.generate import event_tables, programme_tables
from mentorkit.synth import generate


@pytest.fixture(scope="module")
def ds():
    return generate(seed=1, scale=0.5)


@pytest.fixture(scope="module")
def big():
    """A programme-shaped graph of 5,000 matches, built by both backends."""
    t = programme_tables(5_000, seed=3)
    return (network.relationship_graph(t["match"], t["person"]),
            network.relationship_graph(t["match"], t["person"], backend="igraph"))


@pytest.fixture(scope="module")
def small():
    t = programme_tables(1_500, seed=4)
    return network.relationship_graph(t["match"], t["person"])


@pytest.fixture(scope="module")
def events():
    t = event_tables(2_000, seed=2)
    return (network.event_graph(t["attendance"], t["person"], t["event"]),
            network.event_graph(t["attendance"], t["person"], t["event"], backend="igraph"))


def _same_graph(G: nx.Graph, H) -> None:
    back = network.to_networkx(H)
    assert list(back) == list(G)
    assert dict(back.nodes(data=True)) == dict(G.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in back.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in G.edges(data=True)}


def test_builders_agree(ds, big, events) -> None:
    _same_graph(network.relationship_graph(ds.match, ds.person),
                network.relationship_graph(ds.match, ds.person, backend="igraph"))
    _same_graph(network.event_graph(ds.attendance, ds.person, ds.event),
                network.event_graph(ds.attendance, ds.person, ds.event, backend="igraph"))
    _same_graph(network.referral_graph(ds.person, ds.partner, ds.match, ds.outcome),
                network.referral_graph(ds.person, ds.partner, ds.match, ds.outcome,
                                       backend="igraph"))
    _same_graph(*big)
    _same_graph(*events)


def test_conversions_round_trip(big) -> None:
    G, _ = big
    _same_graph(G, network.to_igraph(G))


def test_summary_agrees(big, events) -> None:
    for G, H in (big, events):
        a, b = network.summary(G), network.summary(H)
        assert a.to_frame().equals(b.to_frame())
        for role in a.degree_distribution:
            pd.testing.assert_series_equal(a.degree_distribution[role],
                                           b.degree_distribution[role])


@pytest.mark.parametrize("kind", ["degree", "pagerank", "eigenvector"])
def test_centrality_agrees(big, events, kind: str) -> None:
    for G, H in (big, events):
        a = network.centrality(G, kind, backend="networkx")
        b = network.centrality(H, kind)
        assert list(a.index) == list(b.index)
        assert a.isna().equals(b.isna())
        assert np.allclose(a.dropna(), b.dropna(), rtol=1e-3, atol=1e-12)


def test_sampled_betweenness_agrees(big, events) -> None:
    """Same sources for the same seed, same scaling: the same estimate, to rounding."""
    for G, H in (big, events):
        a = network.centrality(G, "betweenness", k=40, seed=7, backend="networkx")
        b = network.centrality(H, "betweenness", k=40, seed=7)
        assert np.allclose(a, b, rtol=1e-9, atol=1e-15)
        assert a.max() > 0
        c = network.centrality(G, "betweenness", k=40, seed=7, normalized=False,
                               backend="igraph")
        ref = pd.Series(nx.betweenness_centrality(G, k=40, seed=7, normalized=False))
        assert np.allclose(c, ref.reindex(c.index), rtol=1e-9)


def test_exact_betweenness_agrees_on_event_projection(events) -> None:
    G, H = events
    P = network.projection(G, 0)
    sub = P.subgraph(list(P)[:300]).copy()
    a = network.centrality(sub, "betweenness", backend="networkx")
    b = network.centrality(sub, "betweenness", backend="igraph")
    assert np.allclose(a, b, rtol=1e-9, atol=1e-15)


def test_pagerank_tolerance_matters(big) -> None:
    """networkx's default tolerance is loose on large graphs (here 6,800 nodes: per cents
    off on the smallest scores, tens of per cent at 10^4 nodes); the scaled one is not."""
    G, H = big
    exact = network.centrality(H, "pagerank")
    ours = network.centrality(G, "pagerank", backend="networkx")
    loose = pd.Series(nx.pagerank(G)).reindex(exact.index)
    err_ours = float((ours / exact - 1).abs().max())
    err_loose = float((loose / exact - 1).abs().max())
    assert err_ours < 1e-6
    assert err_loose > 0.05


@pytest.mark.parametrize("weight", [None, "count", "ratio", "jaccard"])
def test_projection_agrees(big, events, weight) -> None:
    for (G, H), side in ((big, "mentee"), (big, "mentor"), (events, 0), (events, "mentor")):
        a = network.projection(G, side, weight, backend="networkx")
        b = network.to_networkx(network.projection(H, side, weight))
        assert sorted(a) == sorted(b)
        wa = {frozenset((u, v)): w for u, v, w in a.edges(data="weight")}
        wb = {frozenset((u, v)): w for u, v, w in b.edges(data="weight")}
        assert wa.keys() == wb.keys()
        if weight is not None:
            assert np.allclose([wa[k] for k in wa], [wb[k] for k in wa])
        assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))


def test_projection_newman_has_no_fast_path(small) -> None:
    G, H = small, network.to_igraph(small)
    with pytest.raises(ConfigError, match="newman"):
        network.projection(G, "mentee", "newman", backend="igraph")
    P = network.projection(H, "mentee", "newman")            # falls back, keeps the type
    assert network._backend.is_igraph(P) and P.ecount() > 0


@pytest.fixture(scope="module")
def event_people(events):
    G, H = events
    return network.projection(G, 0), network.projection(H, 0)


@pytest.mark.parametrize("method", ["louvain", "greedy", "label_propagation"])
def test_communities_agree(event_people, method: str) -> None:
    """On the event projection (weak structure inside programmes) the two libraries find
    partitions of nearly the same modularity; on planted groups, the same groups."""
    import igraph

    P, Q = event_people
    a = network.communities(P, method, seed=1, backend="networkx")
    b = network.communities(Q, method, seed=1)
    assert (a.backend, b.backend) == ("networkx", "igraph")
    assert a.modularity == pytest.approx(nx.community.modularity(P, a.sets()))
    assert b.modularity == pytest.approx(nx.community.modularity(P, b.sets()))
    assert abs(a.modularity - b.modularity) < (0.03 if method != "label_propagation" else 0.15)
    planted = nx.random_partition_graph([40] * 6, 0.3, 0.01, seed=3)
    truth = [planted.nodes[v]["block"] for v in planted]
    for backend in ("networkx", "igraph"):
        found = network.communities(planted, method, seed=1, backend=backend)
        nmi = igraph.compare_communities(truth, found.membership.tolist(), method="nmi")
        assert nmi > 0.95, (backend, nmi)


def test_louvain_is_repeatable_on_both_backends(events) -> None:
    G, H = events
    for graph in (G, H):
        x = network.communities(graph, seed=4)
        y = network.communities(graph, seed=4)
        assert x.membership.equals(y.membership)


def test_growth_agrees(big) -> None:
    G, H = big
    pd.testing.assert_frame_equal(network.growth(G, "month"), network.growth(H, "month"))


def test_auto_takes_the_fast_path_for_large_graphs(small, monkeypatch) -> None:
    G = small
    assert network.communities(G, seed=0).backend == "networkx"     # 1,500 < FAST_EDGES
    monkeypatch.setattr(_backend, "FAST_EDGES", 1_000)
    assert network.communities(G, seed=0).backend == "igraph"
    t = programme_tables(2_000)
    assert _backend.is_igraph(network.relationship_graph(t["match"], t["person"],
                                                         backend="auto"))


def test_without_igraph(ds, small, monkeypatch) -> None:
    """Simulate an install without the extra: auto falls back, igraph is refused clearly."""
    G = small
    expected = network.centrality(G, "pagerank", backend="networkx")
    monkeypatch.setitem(sys.modules, "igraph", None)         # import igraph -> ImportError
    monkeypatch.setattr(_backend, "FAST_EDGES", 10)
    assert not network.have_igraph()
    with pytest.raises(ConfigError, match="mentorkit\\[fast\\]"):
        network.relationship_graph(ds.match, ds.person, backend="igraph")
    with pytest.raises(ConfigError):
        network.centrality(G, "degree", backend="igraph")
    R = network.relationship_graph(ds.match, ds.person, backend="auto")
    assert isinstance(R, nx.Graph)
    pd.testing.assert_series_equal(network.centrality(G, "pagerank"), expected)
    assert network.communities(R, seed=0).backend == "networkx"
    assert isinstance(network.projection(R, "mentee"), nx.Graph)
    assert network.summary(R).edges == R.number_of_edges()
    assert "mentor:" in network.findings(network.Tables.of(ds))


def test_empty_graphs_on_both_backends() -> None:
    empty = pd.DataFrame({"a_id": pd.Series([], dtype="Int64"),
                          "b_id": pd.Series([], dtype="Int64")})
    for backend in ("networkx", "igraph"):
        B = network.bipartite(empty, "a_id", "b_id", backend=backend)
        S = network.summary(B)
        assert (S.nodes, S.edges, S.components) == (0, 0, 0)
        assert len(network.communities(B, backend=backend)) == 0
        assert network.centrality(B, "pagerank", backend=backend).empty


def test_endpoints_missing_from_the_node_frames_agree() -> None:
    """Ids that only appear in the edge list become nodes, in the same order on both paths."""
    e = pd.DataFrame({"a_id": [5, 1, 9, 1], "b_id": [2, 7, 7, 3]})
    left = pd.DataFrame({"id": [1, 2], "role": ["mentor", "mentor"]})
    right = pd.DataFrame({"id": [3]})
    G = network.bipartite(e, "a_id", "b_id", left_nodes=left, right_nodes=right)
    H = network.bipartite(e, "a_id", "b_id", left_nodes=left, right_nodes=right,
                          backend="igraph")
    assert list(G) == ["mentor:1", "mentor:2", "b:3", "a:5", "b:2", "b:7", "a:9"]
    _same_graph(G, H)


def test_slim_conversion_for_the_algorithms() -> None:
    G = nx.Graph()
    G.add_edge("a", "b", weight=3, status="active")
    G.add_edge("b", "c")                                   # no weight: networkx reads 1
    G.nodes["a"].update(role="mentor", bipartite=0, programme_id=2)
    H = network.to_igraph(G, "weight", edge_attrs=False, node_attrs=False)
    assert H.es.attributes() == ["weight"] and H.es["weight"] == [3, 1]
    assert sorted(H.vs.attributes()) == ["bipartite", "name", "role"]
    full = network.to_igraph(G)
    assert sorted(full.es.attributes()) == ["status", "weight"]
    assert full.es["weight"] == [3, None] and full.vs["programme_id"] == [2, None, None]
    plain = network.to_igraph(nx.path_graph(3), None, edge_attrs=False)
    assert plain.es.attributes() == []

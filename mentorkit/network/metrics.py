"""Figures of a graph: summary, projection, centrality, communities.

Each function takes a networkx graph (or an ``igraph.Graph`` from a builder with
``backend="igraph"``) and returns pandas objects or a graph of the same library as its
input. The computation itself uses networkx's algorithms, or igraph's C code when
``backend`` says so (see :mod:`mentorkit.network._backend`); results agree within a
tolerance (``tests/test_network_fast.py``).

Example
-------
>>> import networkx as nx
>>> G = nx.barbell_graph(4, 0)           # two cliques joined by one edge
>>> centrality(G, "betweenness").idxmax() in (3, 4)
True
>>> summary(G).components
1
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from mentorkit.errors import ConfigError, ValidationError
from mentorkit.network._backend import (
    Backend,
    Graph,
    is_igraph,
    labels,
    node_table,
    to_igraph,
    to_networkx,
    use_igraph,
)

__all__ = ["Summary", "summary", "degrees", "projection", "centrality",
           "pagerank_tol", "EXACT_BETWEENNESS", "SAMPLE_K"]

EXACT_BETWEENNESS = 2_000
"""Graphs with more nodes get sampled betweenness when ``k`` is not given."""
SAMPLE_K = 256
"""Default number of sampled sources for betweenness on graphs past EXACT_BETWEENNESS."""


def _gattr(G: Graph, key: str) -> Any:
    if is_igraph(G):
        return G[key] if key in G.attributes() else None
    return G.graph.get(key)


def degrees(G: Graph) -> pd.Series:
    """Number of neighbours of each node, indexed by node label."""
    if is_igraph(G):
        return pd.Series(G.degree(), index=labels(G), dtype="int64")
    return pd.Series(dict(G.degree()), dtype="int64").reindex(list(G))


@dataclass(frozen=True)
class Summary:
    """The headline figures of a graph (see :func:`summary`)."""

    kind: str | None
    nodes: int
    edges: int
    density: float
    bipartite_density: float | None
    components: int
    largest_component: int
    isolates: int
    nodes_by_role: dict[str, int]
    mean_degree: dict[str, float]
    degree_distribution: dict[str, pd.Series] = field(repr=False)
    mentor_load: dict[str, float] | None = None
    repeat_mentors: int | None = None
    repeat_mentor_share: float | None = None
    idle_mentors: int | None = None

    def table(self) -> pd.DataFrame:
        """Deprecated: use :meth:`to_frame`."""
        import warnings

        warnings.warn("Summary.table() is deprecated; use Summary.to_frame()",
                      DeprecationWarning, stacklevel=2)
        return self.to_frame()

    def to_frame(self) -> pd.DataFrame:
        """One row per figure (``figure``, ``value``), for a report."""
        rows: list[tuple[str, Any]] = [
            ("nodes", self.nodes), ("edges", self.edges), ("density", self.density),
            ("bipartite density", self.bipartite_density), ("components", self.components),
            ("largest component (nodes)", self.largest_component),
            ("isolated nodes", self.isolates)]
        rows += [(f"{role} nodes", n) for role, n in self.nodes_by_role.items()]
        rows += [(f"mean degree, {role}", d) for role, d in self.mean_degree.items()]
        if self.mentor_load is not None:
            rows += [(f"mentees per mentor, {k}", v) for k, v in self.mentor_load.items()]
            rows += [("repeat mentors (2+ mentees)", self.repeat_mentors),
                     ("repeat mentor share", self.repeat_mentor_share),
                     ("mentors without a mentee", self.idle_mentors)]
        return pd.DataFrame([r for r in rows if r[1] is not None], columns=["figure", "value"])


def _components(G: Graph) -> np.ndarray:
    """Sizes of the (weakly) connected components, largest first."""
    if is_igraph(G):
        sizes = np.array(G.connected_components(mode="weak").sizes(), dtype=np.int64)
    else:
        comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
        sizes = np.fromiter((len(c) for c in comps), dtype=np.int64)
    return np.sort(sizes)[::-1]


def summary(G: Graph) -> Summary:
    """Nodes, edges, density, components, degree distribution per role, mentor load.

    Degrees are grouped by the node attribute ``role``, else by side (``left``/``right``
    from ``bipartite`` = 0/1), else ``all``. Works on networkx and igraph graphs alike,
    each with its own library. Mentor load and
    repeat mentors are given for mentor–mentee graphs (``sides`` mentor and mentee, as
    :func:`relationship_graph` makes): load is the number of distinct mentees per mentor
    with at least one; a repeat mentor has had two or more.

    Example
    -------
    >>> import networkx as nx
    >>> S = summary(nx.star_graph(4))
    >>> (S.nodes, S.edges, S.components, S.degree_distribution["all"].to_dict())
    (5, 4, 1, {1: 4, 4: 1})
    """
    n = G.vcount() if is_igraph(G) else G.number_of_nodes()
    m = G.ecount() if is_igraph(G) else G.number_of_edges()
    directed = G.is_directed()
    deg = degrees(G)
    nodes = node_table(G, ("role", "bipartite"))
    side = nodes["bipartite"].map({0: "left", 1: "right"}).astype(object)
    role = nodes["role"].astype(object).where(nodes["role"].notna(), side)
    role = role.where(role.notna(), "all").astype(str)
    pairs = n * (n - 1) / (1 if directed else 2)
    per_side = nodes["bipartite"].value_counts()
    bip = (m / float(per_side.get(0, 0) * per_side.get(1, 0))
           if len(per_side) == 2 and per_side.get(0, 0) * per_side.get(1, 0) else None)
    sizes = _components(G)
    dist, mean = {}, {}
    for r, d in deg.groupby(role.to_numpy(), sort=True):
        dist[str(r)] = d.value_counts().sort_index().rename_axis("degree").rename("nodes")
        mean[str(r)] = float(d.mean())
    out: dict[str, Any] = {}
    sides = _gattr(G, "sides")
    if sides is not None and tuple(sides) == ("mentor", "mentee"):
        load = deg[(role == "mentor").to_numpy()]
        busy = load[load > 0]
        out = dict(
            mentor_load={"mean": float(busy.mean()) if len(busy) else 0.0,
                         "median": float(busy.median()) if len(busy) else 0.0,
                         "max": float(busy.max()) if len(busy) else 0.0},
            repeat_mentors=int((busy >= 2).sum()),
            repeat_mentor_share=float((busy >= 2).mean()) if len(busy) else 0.0,
            idle_mentors=int((load == 0).sum()))
    return Summary(
        kind=_gattr(G, "kind"), nodes=n, edges=m, density=m / pairs if pairs else 0.0,
        bipartite_density=bip, components=len(sizes),
        largest_component=int(sizes[0]) if len(sizes) else 0, isolates=int((deg == 0).sum()),
        nodes_by_role={str(k): int(v) for k, v in role.value_counts().sort_index().items()},
        mean_degree=mean, degree_distribution=dist, **out)


def _side_nodes(G: Graph, side: int | str) -> tuple[int, np.ndarray]:
    """(bipartite value, boolean mask of the nodes to keep) for a side or a role."""
    nodes = node_table(G, ("role", "bipartite"))
    if len(nodes) and not nodes["bipartite"].isin([0, 1]).any():
        raise ValidationError("projection needs a bipartite graph whose nodes have a "
                              "'bipartite' attribute of 0 or 1 (as network.build makes them); "
                              f"none of this graph's {len(nodes)} nodes has one")
    sides = _gattr(G, "sides")
    if isinstance(side, str) and side in ("left", "right"):
        side = 0 if side == "left" else 1
    if isinstance(side, str) and sides and side in sides:
        side = list(sides).index(side)
    if isinstance(side, (int, np.integer)) and not isinstance(side, bool):
        if side not in (0, 1):
            raise ValidationError(f"side must be 0 or 1 (got {side})")
        return int(side), (nodes["bipartite"] == side).to_numpy()
    mask = (nodes["role"] == side).to_numpy()
    if not mask.any():
        raise ValidationError(f"no node has role {side!r}; use 0, 1, 'left', 'right' or a role")
    values = nodes.loc[mask, "bipartite"].unique()
    if len(values) != 1:
        raise ValidationError(f"nodes with role {side!r} are on both sides of the graph")
    return int(values[0]), mask


Weighting = Literal["count", "ratio", "jaccard", "newman"] | None


def projection(G: Graph, side: int | str, weight: Weighting = "count", *,
               backend: Backend = "auto") -> Graph:
    """The one-mode graph of one side of a bipartite graph.

    Two nodes of ``side`` are joined when they share a neighbour on the other side (two
    mentees who had the same mentor; two people at the same event).

    Parameters
    ----------
    side : 0 / ``"left"``, 1 / ``"right"``, or a role (``"mentee"``; in an event graph a
        role keeps only the people with that role).
    weight : ``"count"`` shared neighbours (networkx ``weighted_projected_graph``);
        ``"ratio"`` the same over the size of the other side; ``"jaccard"`` shared over
        the union of neighbourhoods (``overlap_weighted_projected_graph``); ``"newman"``
        Newman's collaboration weight (networkx only); ``None`` unweighted.

    Example
    -------
    >>> import networkx as nx
    >>> B = nx.Graph([("m:1", "e:1"), ("m:1", "e:2"), ("m:2", "e:2")])
    >>> nx.set_node_attributes(B, {"m:1": 0, "m:2": 0, "e:1": 1, "e:2": 1}, "bipartite")
    >>> sorted(projection(B, 1).edges(data="weight"))
    [('e:1', 'e:2', 1)]
    >>> projection(nx.path_graph(3), 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mentorkit.errors.ValidationError: projection needs a bipartite graph whose nodes have a ...
    """
    if weight not in (None, "count", "ratio", "jaccard", "newman"):
        raise ConfigError(f"weight must be count, ratio, jaccard, newman or None (got {weight!r})")
    value, mask = _side_nodes(G, side)
    fast = use_igraph(G, backend) if weight != "newman" else False
    if backend == "igraph" and weight == "newman":
        raise ConfigError("the newman weighting has no igraph fast path; use backend='networkx'")
    if fast:
        P = _project_igraph(to_igraph(G, None, edge_attrs=False), value, mask, weight)
        P["kind"], P["of"], P["side"] = "projection", _gattr(G, "kind"), side
        return P if is_igraph(G) else to_networkx(P)
    B = to_networkx(G)
    names = labels(G)
    full = [names[i] for i in np.flatnonzero((node_table(G, ("bipartite",))["bipartite"]
                                              == value).to_numpy())]
    algo = {None: nx.bipartite.projected_graph, "count": nx.bipartite.weighted_projected_graph,
            "jaccard": nx.bipartite.overlap_weighted_projected_graph,
            "newman": nx.bipartite.collaboration_weighted_projected_graph}
    if len(full) == B.number_of_nodes():  # nothing on the other side: no ties to project
        P = nx.Graph()
        P.add_nodes_from((v, B.nodes[v]) for v in full)
    elif weight == "ratio":
        P = nx.bipartite.weighted_projected_graph(B, full, ratio=True)
    else:
        P = algo[weight](B, full)
    keep = [names[i] for i in np.flatnonzero(mask)]
    if len(keep) < len(full):
        P = P.subgraph(keep).copy()
    P.graph.update(kind="projection", of=_gattr(G, "kind"), side=side)
    return P if not is_igraph(G) else to_igraph(P)


def _project_igraph(H: Any, value: int, mask: np.ndarray, weight: Weighting) -> Any:
    types = [bool(t) for t in H.vs["bipartite"]]
    P = H.bipartite_projection(types=types, multiplicity=weight is not None, which=value)
    if "weight" in P.es.attributes():
        count = np.asarray(P.es["weight"], dtype=float)
        if weight == "ratio":
            P.es["weight"] = (count / (len(types) - P.vcount())).tolist()
        elif weight == "jaccard":
            deg = np.asarray(H.degree(), dtype=float)[np.asarray(types) == bool(value)]
            ends = np.asarray(P.get_edgelist(), dtype=np.int64).reshape(-1, 2)
            P.es["weight"] = (count / (deg[ends[:, 0]] + deg[ends[:, 1]] - count)).tolist()
        else:
            P.es["weight"] = count.astype(np.int64).tolist()
    side_mask = mask[np.asarray(types) == bool(value)]
    if not side_mask.all():
        P = P.induced_subgraph(np.flatnonzero(side_mask).tolist())
    return P


def pagerank_tol(n: int, alpha: float = 0.85) -> float:
    """A networkx PageRank tolerance that stays accurate on large graphs.

    networkx stops when the L1 change of the whole vector is below ``n * tol``; with the
    default ``tol=1e-6`` that allows an error of 1.0 in total at a million nodes, larger
    than most scores. This tolerance asks for an L1 change below ``1e-4 (1 - alpha) / n``:
    at most 1e-4 of the smallest possible score, ``(1 - alpha) / n``.

    Example
    -------
    >>> pagerank_tol(1_000) < 1e-6
    True
    """
    n = max(n, 1)
    return 1e-4 * (1 - alpha) / n / n


Kind = Literal["degree", "betweenness", "eigenvector", "pagerank"]


def centrality(G: Graph, kind: Kind = "degree", *, k: int | None = None, seed: int = 0,
               weight: str | None = None, normalized: bool = True, alpha: float = 0.85,
               tol: float | None = None, backend: Backend = "auto") -> pd.Series:
    """A centrality score per node, as a Series indexed by node label.

    Parameters
    ----------
    kind : ``"degree"`` (share of the other nodes a node touches), ``"betweenness"``
        (networkx's ``betweenness_centrality``; sampled from ``k`` random sources, and from
        :data:`SAMPLE_K` of them when ``k`` is None and the graph has more than
        :data:`EXACT_BETWEENNESS` nodes; the same sources on both backends for a seed),
        ``"eigenvector"`` (on the largest connected component, unit length, NaN
        elsewhere; undefined on a disconnected graph as a whole) or ``"pagerank"``
        (tolerance :func:`pagerank_tol` unless ``tol`` is given; igraph solves exactly).
    weight : edge attribute used as a distance (betweenness) or a strength (the others).

    Example
    -------
    >>> import networkx as nx
    >>> centrality(nx.path_graph(3), "betweenness").tolist()
    [0.0, 1.0, 0.0]
    """
    if kind not in ("degree", "betweenness", "eigenvector", "pagerank"):
        raise ConfigError("kind must be degree, betweenness, eigenvector or pagerank "
                          f"(got {kind!r})")
    names = labels(G)
    n = len(names)
    if kind == "betweenness" and k is None and n > EXACT_BETWEENNESS:
        k = SAMPLE_K
    if k is not None and k >= n:
        k = None
    if use_igraph(G, backend):
        H = to_igraph(G, weight, edge_attrs=False, node_attrs=False)
        values = _centrality_igraph(H, kind, k, seed, weight, normalized, alpha)
        return pd.Series(values, index=names, name=kind, dtype=float)
    B = to_networkx(G)
    if kind == "degree":
        result = nx.degree_centrality(B) if normalized else dict(B.degree())
    elif kind == "betweenness":
        result = nx.betweenness_centrality(B, k=k, seed=random.Random(seed), weight=weight,
                                           normalized=normalized)
    elif kind == "pagerank":
        result = nx.pagerank(B, alpha=alpha, weight=weight, max_iter=10_000,
                             tol=tol if tol is not None else pagerank_tol(n, alpha))
    else:
        result = _eigenvector_nx(B, weight)
    return pd.Series(result, name=kind, dtype=float).reindex(names)


def _giant(G: nx.Graph) -> set[Any]:
    comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    return max(comps, key=len, default=set())


def _eigenvector_nx(G: nx.Graph, weight: str | None) -> dict[Any, float]:
    giant = _giant(G)
    out = dict.fromkeys(G, np.nan)
    if len(giant) == 1:
        out.update(dict.fromkeys(giant, 1.0))
    elif giant:
        out.update(nx.eigenvector_centrality_numpy(G.subgraph(giant), weight=weight))
    return out


def _centrality_igraph(H: Any, kind: str, k: int | None, seed: int, weight: str | None,
                       normalized: bool, alpha: float) -> np.ndarray:
    n, directed = H.vcount(), H.is_directed()
    w = weight if weight and weight in H.es.attributes() else None
    if kind == "degree":
        d = np.asarray(H.degree(), dtype=float)
        return d / (n - 1) if normalized and n > 1 else d
    if kind == "pagerank":
        return np.asarray(H.pagerank(directed=directed, damping=alpha, weights=w))
    if kind == "eigenvector":
        out = np.full(n, np.nan)
        comps = H.connected_components(mode="weak")
        if n:
            giant = np.asarray(comps[int(np.argmax(comps.sizes()))])
            sub = H.induced_subgraph(giant.tolist())
            # (igraph 1.0 rejects directed=False, so the flag is passed only when True.)
            opts = {"directed": True} if directed else {}
            v = (np.asarray(sub.eigenvector_centrality(weights=w, **opts))
                 if len(giant) > 1 else np.ones(1))
            out[giant] = v / np.linalg.norm(v)
        return out
    # Betweenness: the same estimator as networkx (sources drawn the same way, same scaling).
    sources = None if k is None else _sample(H, k, seed)
    raw = np.asarray(H.betweenness(directed=directed, weights=w, sources=sources), dtype=float)
    acc = raw if directed else 2 * raw
    N = n - 1
    if N < 2:
        return acc
    corr = 1 if directed else 2
    if k is None:
        return acc / (N * (N - 1)) if normalized else acc / corr
    scale = np.full(n, 1 / (k * (N - 1)) if normalized else N / (k * corr))
    scale[sources] = (1 / ((k - 1) * (N - 1)) if normalized else N / ((k - 1) * corr)) \
        if k > 1 else np.nan
    return acc * scale


def _sample(H: Any, k: int, seed: int) -> list[int]:
    """Indices of the k sources networkx would draw with ``random.Random(seed)``."""
    return random.Random(seed).sample(range(H.vcount()), k)

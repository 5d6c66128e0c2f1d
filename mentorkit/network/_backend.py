"""Which library computes: networkx for the interface, igraph as the optional fast path.

Every public function of :mod:`mentorkit.network` takes ``backend``:

``"networkx"``
    pure networkx (always available).
``"igraph"``
    python-igraph's C code; raises :class:`~mentorkit.errors.ConfigError` when igraph is not
    installed (``pip install mentorkit[fast]``).
``"auto"`` (the default of the metric functions)
    igraph when it is installed and the graph has at least :data:`FAST_EDGES` edges, or
    when the graph already is an ``igraph.Graph``; networkx otherwise.

Graphs travel between the two with :func:`to_igraph` and :func:`to_networkx`; node labels
(``"mentor:12"``) become igraph's vertex attribute ``name`` and back.

Example
-------
>>> import networkx as nx
>>> H = to_igraph(nx.path_graph(["a", "b", "c"]))
>>> (H.vcount(), H.ecount(), H.vs["name"])
(3, 2, ['a', 'b', 'c'])
>>> sorted(to_networkx(H).edges())
[('a', 'b'), ('b', 'c')]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal, Union

import networkx as nx
import numpy as np

from mentorkit.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import igraph

Backend = Literal["auto", "networkx", "igraph"]
Graph = Union[nx.Graph, "igraph.Graph"]

__all__ = ["FAST_EDGES", "Backend", "Graph", "have_igraph", "is_igraph", "to_igraph",
           "to_networkx", "use_igraph", "labels", "node_table"]

FAST_EDGES: int = 10_000
"""With ``backend="auto"``, graphs with at least this many edges take the igraph path.

At 10^4 edges igraph's Louvain already took 1/40 of networkx's CPU time here
(``benchmarks/results/network_bench.json``); smaller graphs (a programme's own network)
stay on networkx, whose results the tests compare with published ones."""

# Node and edge attributes that travel between backends (everything builders set).
NODE_KEYS = ("role", "bipartite", "programme_id", "gender", "registered_on", "referred_by",
             "capacity", "kind", "date", "outcome", "employed", "matched", "level")
EDGE_KEYS = ("weight", "start", "end", "status", "score", "programme_id", "kind", "date")


def _igraph() -> Any:
    """The igraph module, or None when it is not installed (imported on first use)."""
    try:
        return importlib.import_module("igraph")
    except ImportError:
        return None


def have_igraph() -> bool:
    """True when python-igraph can be imported."""
    return _igraph() is not None


def is_igraph(G: Any) -> bool:
    """True for an ``igraph.Graph`` (without importing igraph when G is a networkx graph)."""
    return not isinstance(G, nx.Graph) and type(G).__module__.startswith("igraph")


def _edge_count(G: Graph) -> int:
    return G.ecount() if is_igraph(G) else G.number_of_edges()


def use_igraph(G: Graph | int, backend: Backend) -> bool:
    """Decide the path for ``G`` (a graph or an edge count) under ``backend``.

    Example
    -------
    >>> use_igraph(10, "networkx"), use_igraph(10, "auto")
    (False, False)
    """
    if backend not in ("auto", "networkx", "igraph"):
        raise ConfigError(f"backend must be 'auto', 'networkx' or 'igraph' (got {backend!r})")
    if backend == "networkx":
        return False
    available = have_igraph()
    if backend == "igraph":
        if not available:
            raise ConfigError("backend='igraph' needs python-igraph: pip install 'mentorkit[fast]'")
        return True
    if not available:
        return False
    if not isinstance(G, int) and is_igraph(G):
        return True
    edges = G if isinstance(G, int) else _edge_count(G)
    return edges >= FAST_EDGES


def labels(G: Graph) -> list[Any]:
    """Node labels in the graph's own order (igraph: the ``name`` attribute)."""
    if is_igraph(G):
        return list(G.vs["name"]) if "name" in G.vs.attributes() else list(range(G.vcount()))
    return list(G)


def node_table(G: Graph, keys: tuple[str, ...] = ("role", "bipartite")) -> Any:
    """A DataFrame of node attributes ``keys`` indexed by node label (missing -> None)."""
    import pandas as pd

    names = labels(G)
    if is_igraph(G):
        present = G.vs.attributes()
        data = {k: (G.vs[k] if k in present else [None] * G.vcount()) for k in keys}
    else:
        data = {k: [d.get(k) for _, d in G.nodes(data=True)] for k in keys}
    return pd.DataFrame(data, index=pd.Index(names, name="node"))


def to_igraph(G: nx.Graph, weight: str | None = "weight", *, edge_attrs: bool = True,
              node_attrs: bool = True) -> igraph.Graph:
    """An igraph copy of ``G``: vertex ``name`` = node label, builders' attributes kept.

    Only the attributes mentorkit's builders set are copied (see ``NODE_KEYS``,
    ``EDGE_KEYS``), plus ``weight`` (or the attribute named by ``weight``). The metric
    functions ask for less, which is all an algorithm needs and much cheaper on a large
    graph: ``edge_attrs=False`` copies only ``weight`` (missing -> 1, as networkx reads it);
    ``node_attrs=False`` only ``role`` and ``bipartite``.
    """
    ig = _igraph()
    if ig is None:
        raise ConfigError("igraph is not installed: pip install 'mentorkit[fast]'")
    if is_igraph(G):
        return G
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    edges = np.fromiter((index[x] for e in G.edges() for x in e), dtype=np.int64,
                        count=2 * m).reshape(m, 2)
    H = ig.Graph(n=len(nodes), edges=edges, directed=G.is_directed())
    H.vs["name"] = nodes
    if len(nodes):
        keys = NODE_KEYS if node_attrs else ("role", "bipartite")
        seen = {k for _, d in G.nodes(data=True) for k in d if k in keys}
        for key in seen:
            H.vs[key] = [d.get(key) for _, d in G.nodes(data=True)]
    if m and not edge_attrs:
        if weight:
            values = [d.get(weight) for _, _, d in G.edges(data=True)]
            if any(v is not None for v in values):
                H.es[weight] = [1 if v is None else v for v in values]
    elif m:
        wanted = set(EDGE_KEYS) | ({weight} if weight else set())
        present: set[str] = set()
        for _, _, d in G.edges(data=True):
            present.update(d.keys() & wanted)
            if present == wanted:
                break
        for key in present:
            H.es[key] = [d.get(key) for _, _, d in G.edges(data=True)]
    for key, value in G.graph.items():
        H[key] = value
    return H


def to_networkx(H: Any) -> nx.Graph:
    """A networkx copy of an igraph graph made by mentorkit (labels from ``name``).

    As the builders do, node attributes that are None are left out and edge attributes
    are kept (None for missing).
    """
    if isinstance(H, nx.Graph):
        return H
    G: nx.Graph = nx.DiGraph() if H.is_directed() else nx.Graph()
    names = labels(H)
    vcols = {k: H.vs[k] for k in H.vs.attributes() if k != "name"}
    G.add_nodes_from((names[i], {k: col[i] for k, col in vcols.items() if col[i] is not None})
                     for i in range(H.vcount()))
    ekeys = H.es.attributes()
    columns = {k: H.es[k] for k in ekeys}
    G.add_edges_from((names[a], names[b], {k: columns[k][j] for k in ekeys})
                     for j, (a, b) in enumerate(H.get_edgelist()))
    G.graph.update({key: H[key] for key in H.attributes()})
    return G

"""Communities: groups of nodes more tied to each other than to the rest, with modularity.

Louvain (networkx ``louvain_communities`` with a seed; igraph ``community_multilevel``
with its random generator seeded), greedy modularity and label propagation. Communities
are numbered 0, 1, ... from the largest; a directed graph is treated as undirected.

Example
-------
>>> import networkx as nx
>>> C = communities(nx.barbell_graph(5, 0), seed=0)
>>> C.sizes.tolist()
[5, 5]
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from mentorkit.errors import ConfigError
from mentorkit.network._backend import (
    Backend,
    Graph,
    _igraph,
    labels,
    to_igraph,
    to_networkx,
    use_igraph,
)

__all__ = ["Communities", "communities", "METHODS"]

METHODS = ("louvain", "greedy", "label_propagation")


@dataclass(frozen=True)
class Communities:
    """A partition of the nodes: ``membership`` maps node label -> community (0 largest)."""

    membership: pd.Series
    modularity: float
    method: str
    seed: int | None
    backend: str

    @property
    def sizes(self) -> pd.Series:
        """Number of nodes per community, largest first."""
        return self.membership.value_counts().sort_index().rename("nodes")

    def sets(self) -> list[set[Any]]:
        """The communities as sets of node labels, largest first."""
        return [set(g.index) for _, g in self.membership.groupby(self.membership, sort=True)]

    def __len__(self) -> int:
        return int(self.membership.max()) + 1 if len(self.membership) else 0


def _numbered(names: list[Any], raw: np.ndarray) -> pd.Series:
    """Renumber community ids by decreasing size (ties: first appearance)."""
    if not len(raw):
        return pd.Series([], index=pd.Index(names, name="node"), dtype="int64", name="community")
    codes, first = np.unique(raw, return_index=True)
    counts = np.bincount(np.searchsorted(codes, raw), minlength=len(codes))
    order = np.lexsort((first, -counts))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes))
    return pd.Series(rank[np.searchsorted(codes, raw)], index=pd.Index(names, name="node"),
                     name="community")


@contextlib.contextmanager
def _seeded(ig: Any, seed: int | None) -> Iterator[None]:
    """Seed igraph's random generator for the duration, then give it back."""
    if seed is None:
        yield
        return
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def communities(G: Graph, method: Literal["louvain", "greedy", "label_propagation"] = "louvain",
                *, seed: int | None = 0, resolution: float = 1.0, weight: str | None = "weight",
                backend: Backend = "auto") -> Communities:
    """Find communities and the modularity of the partition.

    Parameters
    ----------
    method : ``"louvain"`` (default), ``"greedy"`` (Clauset–Newman–Moore) or
        ``"label_propagation"``.
    seed : makes Louvain and label propagation repeatable (per backend: the two libraries
        visit nodes in different orders, so their partitions differ in detail while their
        modularity agrees closely).
    weight : edge attribute with tie strength (missing -> 1).

    Example
    -------
    >>> import networkx as nx
    >>> G = nx.davis_southern_women_graph()
    >>> C = communities(G, seed=0)
    >>> len(C) >= 2 and C.modularity > 0.3
    True
    """
    if method not in METHODS:
        raise ConfigError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    names = labels(G)
    if use_igraph(G, backend):
        ig = _igraph()
        H = to_igraph(G, weight, edge_attrs=False, node_attrs=False)
        if H.is_directed():
            H = H.as_undirected(mode="each")
        w = weight if weight and weight in H.es.attributes() else None
        with _seeded(ig, seed):
            if method == "louvain":
                clust = H.community_multilevel(weights=w, resolution=resolution)
            elif method == "greedy":
                simple = H.copy().simplify(combine_edges={"weight": "sum"} if w else None)
                clust = simple.community_fastgreedy(weights=w).as_clustering()
            else:
                clust = H.community_label_propagation(weights=w)
        raw = np.asarray(clust.membership, dtype=np.int64)
        q = H.modularity(raw.tolist(), weights=w, resolution=resolution) if H.ecount() else 0.0
        return Communities(_numbered(names, raw), float(q), method, seed, "igraph")
    B = to_networkx(G)
    U = B.to_undirected(as_view=True) if B.is_directed() else B
    if method == "louvain":
        parts = nx.community.louvain_communities(U, weight=weight, resolution=resolution,
                                                 seed=seed)
    elif method == "greedy":
        parts = nx.community.greedy_modularity_communities(U, weight=weight,
                                                           resolution=resolution)
    else:
        parts = list(nx.community.asyn_lpa_communities(U, weight=weight, seed=seed))
    index = {v: i for i, part in enumerate(parts) for v in part}
    raw = np.fromiter((index[v] for v in names), dtype=np.int64, count=len(names))
    q = nx.community.modularity(U, parts, weight=weight, resolution=resolution) \
        if U.number_of_edges() else 0.0
    return Communities(_numbered(names, raw), float(q), method, seed, "networkx")

"""Graphs from the store's DataFrames: relationships, events, referrals, any two-mode list.

Node labels are ``"<role>:<id>"`` (``"mentor:12"``, ``"mentee:40"``, ``"event:7"``,
``"partner:3"``), the same person having the same label in every graph. Nodes carry only
the attributes in :data:`PERSON_KEYS`, :data:`EVENT_KEYS` and :data:`PARTNER_KEYS`: names,
e-mail, phone, address and notes are never copied into a graph, and :func:`bipartite`
refuses to copy any column the schema classes as a direct identifier or free text.
Missing values are ``None``; dates are ``datetime.date``.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.2)
>>> G = relationship_graph(ds.match, ds.person)
>>> G.graph["kind"], sorted({r for _, r in G.nodes(data="role")})
('relationship', ['mentee', 'mentor'])
>>> u, v, d = next(iter(G.edges(data=True)))
>>> sorted(d)
['end', 'programme_id', 'score', 'start', 'status', 'weight']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from mentorkit.errors import ValidationError
from mentorkit.model.schema import TABLES
from mentorkit.network._backend import Backend, Graph, _igraph, use_igraph
from mentorkit.vocab import STARTED_MATCH_STATUSES

__all__ = ["PERSON_KEYS", "EVENT_KEYS", "PARTNER_KEYS", "STARTED", "bipartite",
           "relationship_graph", "event_graph", "node_labels", "assemble"]

PERSON_KEYS: tuple[str, ...] = ("role", "programme_id", "gender", "registered_on",
                                "referred_by", "capacity")
"""The person columns a graph may carry as node attributes."""
EVENT_KEYS: tuple[str, ...] = ("kind", "date", "programme_id")
PARTNER_KEYS: tuple[str, ...] = ("kind", "programme_id")
STARTED: tuple[str, ...] = STARTED_MATCH_STATUSES
"""Match statuses of relationships that actually began (the default of the builders; the one
definition is :data:`mentorkit.vocab.STARTED_MATCH_STATUSES`)."""

BLOCKED: frozenset[str] = frozenset(
    {c.name for t in TABLES.values() for c in t.c
     if c.info.get("privacy") in ("direct", "free_text")}
    | {"name", "first_name", "last_name", "email", "phone", "address", "notes"})
"""Columns never copied into a graph: direct identifiers and free text."""


def _check_keys(keys: Iterable[str]) -> None:
    bad = sorted(set(keys) & BLOCKED)
    if bad:
        raise ValidationError(
            f"column(s) {', '.join(bad)} are direct identifiers or free text and are never "
            "copied into a graph; label nodes with ids or pseudonyms instead")


def _py(col: pd.Series) -> list[Any]:
    """Plain Python values for a column: dates as datetime.date, missing as None."""
    if pd.api.types.is_datetime64_any_dtype(col):
        days = col.to_numpy().astype("datetime64[D]")
        out = days.astype(object)
        out[np.isnat(days)] = None
        return out.tolist()
    values = col.astype(object)
    return values.where(col.notna(), None).tolist()


def _id_text(ids: pd.Series) -> pd.Series:
    """Ids as text: whole numbers without a decimal point, pseudonyms (text) as they are."""
    if pd.api.types.is_numeric_dtype(ids) or not ids.map(
            lambda v: isinstance(v, str), na_action="ignore").any():
        return ids.astype("Int64").astype("str")
    return ids.astype("str")


def node_labels(ids: pd.Series, roles: pd.Series | None, default: str) -> pd.Series:
    """``"<role>:<id>"`` for each id (``default`` where the role is unknown).

    Ids are the store's numbers or, in a research extract, pseudonyms (text, kept as
    written: ``"mentor:3d8f21690ecfe301"``).

    Example
    -------
    >>> node_labels(pd.Series([3, 4]), pd.Series(["mentor", None]), "person").tolist()
    ['mentor:3', 'person:4']
    >>> node_labels(pd.Series(["0a1b2c3d4e5f6789"]), None, "partner").tolist()
    ['partner:0a1b2c3d4e5f6789']
    """
    ids = pd.Series(ids).reset_index(drop=True)
    if roles is None:
        prefix = pd.Series(default, index=ids.index, dtype="str")
    else:
        prefix = pd.Series(roles).reset_index(drop=True).astype("str").fillna(default)
    return prefix + ":" + _id_text(ids)


def _collapse(edges: pd.DataFrame, u: str, v: str, order: str | None) -> pd.DataFrame:
    """One row per (u, v) pair: the latest row by ``order``; ``weight`` = number of rows."""
    if order is not None and order in edges:
        edges = edges.sort_values(order, kind="stable", na_position="first")
    dup = edges.duplicated([u, v], keep="last")
    if not dup.any():
        return edges.assign(weight=np.ones(len(edges), dtype=np.int64))
    counts = edges.groupby([u, v], sort=False).size().rename("weight")
    return edges[~dup].join(counts, on=[u, v])


def assemble(nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool = False,
             kind: str = "graph", backend: Backend = "networkx",
             graph_attrs: dict[str, Any] | None = None) -> Graph:
    """A graph from a node frame (``node`` + attributes) and an edge frame (``u``, ``v`` + ...).

    Nodes keep their frame order; endpoints missing from ``nodes`` are added after them in
    order of first appearance, without attributes, as networkx does. Node attributes that
    are missing are left out (networkx) or ``None`` (igraph); edge attributes are kept,
    missing as ``None``.

    Example
    -------
    >>> nodes = pd.DataFrame({"node": ["a", "b"], "role": ["x", "y"]})
    >>> G = assemble(nodes, pd.DataFrame({"u": ["a"], "v": ["c"], "weight": [2]}))
    >>> list(G.nodes(data=True)), list(G.edges(data=True))
    ([('a', {'role': 'x'}), ('b', {'role': 'y'}), ('c', {})], [('a', 'c', {'weight': 2})])
    """
    if nodes["node"].duplicated().any():
        raise ValidationError("node labels must be unique; two rows share a label")
    nkeys = [c for c in nodes.columns if c != "node"]
    ekeys = [c for c in edges.columns if c not in ("u", "v")]
    _check_keys(nkeys + ekeys)
    attrs = {"kind": kind, **(graph_attrs or {})}
    if use_igraph(len(edges), backend):
        return _assemble_igraph(nodes, edges, nkeys, ekeys, directed, attrs)
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    G.graph.update(attrs)
    ncols = [_py(nodes[k]) for k in nkeys]
    G.add_nodes_from(zip(nodes["node"].tolist(),
                         ({k: x for k, x in zip(nkeys, row) if x is not None}
                          for row in zip(*ncols)) if nkeys else ({} for _ in range(len(nodes)))))
    ecols = [_py(edges[k]) for k in ekeys]
    G.add_edges_from(zip(edges["u"].tolist(), edges["v"].tolist(),
                         (dict(zip(ekeys, row)) for row in zip(*ecols)) if ekeys
                         else ({} for _ in range(len(edges)))))
    return G


def _assemble_igraph(nodes: pd.DataFrame, edges: pd.DataFrame, nkeys: list[str],
                     ekeys: list[str], directed: bool, attrs: dict[str, Any]) -> Any:
    index = pd.Index(nodes["node"])
    ends = pd.unique(np.column_stack([edges["u"].to_numpy(dtype=object),
                                      edges["v"].to_numpy(dtype=object)]).ravel())
    extra = pd.Index(ends).difference(index, sort=False) if len(ends) else pd.Index([])
    names = index.append(pd.Index(extra)) if len(extra) else index
    cu, cv = names.get_indexer(edges["u"]), names.get_indexer(edges["v"])
    return _igraph_graph(nodes, nkeys, list(extra), cu, cv,
                         {k: edges[k] for k in ekeys}, directed, attrs)


def _igraph_graph(nodes: pd.DataFrame, nkeys: list[str], extra: list[Any], cu: np.ndarray,
                  cv: np.ndarray, edge_columns: dict[str, pd.Series], directed: bool,
                  attrs: dict[str, Any]) -> Any:
    """An igraph graph: vertices = ``nodes`` rows then ``extra`` labels; edges by index."""
    H = _igraph().Graph(n=len(nodes) + len(extra), directed=directed,
                        edges=np.column_stack([cu, cv]).astype(np.int64))
    H.vs["name"] = nodes["node"].tolist() + extra
    pad = [None] * len(extra)
    for k in nkeys:
        H.vs[k] = _py(nodes[k]) + pad
    for k, column in edge_columns.items():
        H.es[k] = _py(column)
    for k, val in attrs.items():
        H[k] = val
    return H


def _codes(ids: pd.Series, frame_ids: pd.Index, roles: pd.Series | None, role: str,
           offset: int) -> tuple[np.ndarray, pd.Series]:
    """Vertex numbers of edge endpoints ``ids`` (``offset`` + position in ``frame_ids``, or
    -1), and the labels of the endpoints that are not in the frame (-1), by position."""
    pos = frame_ids.get_indexer(pd.Index(ids))
    missing = pos < 0
    labels = node_labels(ids[missing], ids[missing].map(roles) if roles is not None else None,
                         role)
    labels.index = np.flatnonzero(missing)
    return np.where(missing, -1, pos + offset), labels


def _strip(column: str) -> str:
    return column[:-3] if column.endswith("_id") else column


def _side(frame: pd.DataFrame | None, ids: pd.Series, role: str, side: int,
          keys: Sequence[str]) -> tuple[pd.DataFrame, pd.Index, pd.Series | None]:
    """Node rows for one side, the ids of those rows, and a role per id (or None)."""
    if frame is None:
        frame = pd.DataFrame({"id": pd.unique(ids.dropna())})
    frame = frame.drop_duplicates("id")
    roles = frame["role"] if "role" in frame else None
    table = pd.DataFrame({"node": node_labels(frame["id"], roles, role).to_numpy()})
    table["role"] = (roles.astype("str").fillna(role).to_numpy() if roles is not None
                     else role)
    table["bipartite"] = side
    for k in keys:
        if k in frame and k != "role":
            table[k] = frame[k].array
    role_of = (pd.Series(roles.to_numpy(), index=frame["id"].to_numpy())
               if roles is not None else None)
    return table, pd.Index(frame["id"]), role_of


def _endpoints(e: pd.DataFrame, left: str, right: str, sides: list[tuple]) -> tuple[
        np.ndarray, np.ndarray, list[Any]]:
    """Vertex numbers of both ends of every edge; endpoints missing from the node frames
    become extra vertices after them, in order of first appearance (as networkx adds them).
    """
    (lnodes, lids, lroles, lrole), (rnodes, rids, rroles, rrole) = sides
    cu, mu = _codes(e[left].reset_index(drop=True), lids, lroles, lrole, 0)
    cv, mv = _codes(e[right].reset_index(drop=True), rids, rroles, rrole, len(lnodes))
    extra: list[Any] = []
    if len(mu) or len(mv):
        seq = pd.concat([pd.Series(mu.to_numpy(), index=2 * mu.index.to_numpy()),
                         pd.Series(mv.to_numpy(), index=2 * mv.index.to_numpy() + 1)])
        seq = seq.sort_index()
        extra = list(pd.unique(seq.to_numpy()))
        number = {label: len(lnodes) + len(rnodes) + i for i, label in enumerate(extra)}
        cu[mu.index.to_numpy()] = [number[x] for x in mu]
        cv[mv.index.to_numpy()] = [number[x] for x in mv]
    return cu, cv, extra


def bipartite(edges: pd.DataFrame, left: str, right: str, *,
              left_nodes: pd.DataFrame | None = None, right_nodes: pd.DataFrame | None = None,
              left_role: str | None = None, right_role: str | None = None,
              edge_attrs: Sequence[str] | dict[str, str] = (),
              node_attrs: Sequence[str] | None = None, order_by: str | None = None,
              kind: str = "bipartite", backend: Backend = "networkx") -> Graph:
    """A two-mode graph from any edge list (``left`` and ``right`` are id columns).

    Nodes get ``bipartite`` = 0 (left) or 1 (right) and ``role`` (from a ``role`` column of
    ``left_nodes``/``right_nodes``, else ``left_role``/``right_role``, else the column name
    without ``_id``). Repeated pairs become one edge whose ``weight`` counts them and whose
    other attributes come from the last row by ``order_by``.

    Parameters
    ----------
    edges : one row per tie.
    left, right : the columns with the ids of the two kinds of node.
    left_nodes, right_nodes : optional frames with ``id`` (and attributes) listing all nodes
        of a side, including those without ties.
    edge_attrs : edge columns to keep, or a mapping attribute name -> column.
    node_attrs : node columns to keep (default: :data:`PERSON_KEYS`, :data:`EVENT_KEYS`,
        :data:`PARTNER_KEYS`); names and other direct identifiers are refused.
    backend : ``"networkx"`` (default) returns ``nx.Graph``; ``"igraph"`` or ``"auto"``
        (igraph from :data:`~mentorkit.network.FAST_EDGES` edges) an ``igraph.Graph``.

    Example
    -------
    >>> e = pd.DataFrame({"reader_id": [1, 1, 2], "book_id": [7, 8, 7]})
    >>> B = bipartite(e, "reader_id", "book_id")
    >>> sorted(B.edges())
    [('reader:1', 'book:7'), ('reader:1', 'book:8'), ('reader:2', 'book:7')]
    >>> B.nodes["book:7"]
    {'role': 'book', 'bipartite': 1}
    """
    mapping = dict(edge_attrs) if isinstance(edge_attrs, dict) else {c: c for c in edge_attrs}
    keys = list(node_attrs) if node_attrs is not None else list(
        dict.fromkeys(PERSON_KEYS + EVENT_KEYS + PARTNER_KEYS))
    _check_keys(keys + list(mapping) + list(mapping.values()))
    e = edges.dropna(subset=[left, right])
    e = _collapse(e[[left, right] + [c for c in dict.fromkeys(mapping.values())]
                    + ([order_by] if order_by and order_by not in mapping.values() else [])],
                  left, right, order_by)
    lrole, rrole = left_role or _strip(left), right_role or _strip(right)
    lnodes, lids, lroles = _side(left_nodes, e[left], lrole, 0, keys)
    rnodes, rids, rroles = _side(right_nodes, e[right], rrole, 1, keys)
    nodes = pd.concat([lnodes, rnodes], ignore_index=True)
    attrs = {"kind": kind, "sides": (lrole, rrole)}
    columns = {name: e[column] for name, column in mapping.items()}
    columns["weight"] = e["weight"]
    if use_igraph(len(e), backend):   # straight from the ids: no edge labels to hash
        if nodes["node"].duplicated().any():
            raise ValidationError("node labels must be unique; two rows share a label")
        cu, cv, extra = _endpoints(e, left, right, [(lnodes, lids, lroles, lrole),
                                                    (rnodes, rids, rroles, rrole)])
        return _igraph_graph(nodes, [c for c in nodes.columns if c != "node"], extra, cu, cv,
                             columns, False, attrs)
    frame = pd.DataFrame({
        "u": node_labels(e[left].reset_index(drop=True),
                         e[left].map(lroles) if lroles is not None else None, lrole).to_numpy(),
        "v": node_labels(e[right].reset_index(drop=True),
                         e[right].map(rroles) if rroles is not None else None, rrole).to_numpy()})
    for name, column in columns.items():
        frame[name] = column.array
    return assemble(nodes, frame, kind=kind, backend="networkx",
                    graph_attrs={"sides": (lrole, rrole)})


def relationship_graph(matches: pd.DataFrame, people: pd.DataFrame,
                       at: str | dt.date | pd.Timestamp | None = None, *,
                       statuses: Sequence[str] | None = STARTED, cumulative: bool = False,
                       include_unmatched: bool = True, backend: Backend = "networkx") -> Graph:
    """Who mentors whom: a bipartite mentor–mentee graph, one edge per pair.

    Edges carry ``start``, ``end``, ``status``, ``score``, ``programme_id`` and ``weight``
    (the number of matches of that pair). Mentors are ``bipartite=0``, mentees ``1``.

    Parameters
    ----------
    matches, people : the ``match`` and ``person`` tables.
    at : the graph as it stood on this date: pairs running that day (started on or before,
        not ended before), people registered by then; a pair still running then has status
        ``active`` and no end. With ``cumulative=True`` every pair begun by then.
    statuses : match statuses to keep (default the ones that began: active, completed,
        ended_early); ``None`` keeps proposals and declines as well.
    include_unmatched : keep mentors and mentees without a match as isolated nodes.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.2)
    >>> now = relationship_graph(ds.match, ds.person, at="2020-06-30")
    >>> {d["status"] for _, _, d in now.edges(data=True)}
    {'active'}
    """
    m = matches if statuses is None else matches[matches["status"].isin(list(statuses))]
    m = m.copy()
    if at is not None:
        day = pd.Timestamp(at)
        began = m["started_on"].notna() & (m["started_on"] <= day)
        running = m["ended_on"].isna() | (m["ended_on"] >= day)
        m = m[began & (running | cumulative)].copy()
        still = m["ended_on"].isna() | (m["ended_on"] > day)
        m.loc[still, "status"] = "active"
        m.loc[still, "ended_on"] = pd.NaT
        people = people[people["registered_on"].isna() | (people["registered_on"] <= day)]
    mentors = people[people["role"] == "mentor"]
    mentees = people[people["role"] == "mentee"]
    if not include_unmatched:
        mentors = mentors[mentors["id"].isin(m["mentor_id"])]
        mentees = mentees[mentees["id"].isin(m["mentee_id"])]
    return bipartite(
        m, "mentor_id", "mentee_id", left_nodes=mentors, right_nodes=mentees,
        left_role="mentor", right_role="mentee", node_attrs=PERSON_KEYS,
        edge_attrs={"start": "started_on", "end": "ended_on", "status": "status",
                    "score": "score", "programme_id": "programme_id"},
        order_by="proposed_on", kind="relationship", backend=backend)


def event_graph(attendance: pd.DataFrame, people: pd.DataFrame, events: pd.DataFrame,
                at: str | dt.date | pd.Timestamp | None = None, *,
                backend: Backend = "networkx") -> Graph:
    """Who meets whom at courses and events: a bipartite people–event graph.

    People who came to at least one event are ``bipartite=0`` (role mentor, mentee or
    resource_person), events ``bipartite=1`` (role ``event``, with kind, date and
    programme). ``at`` keeps the events held on or before that date.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.2)
    >>> E = event_graph(ds.attendance, ds.person, ds.event)
    >>> E.number_of_edges() == len(ds.attendance)
    True
    """
    if at is not None:
        events = events[events["date"] <= pd.Timestamp(at)]
        attendance = attendance[attendance["event_id"].isin(events["id"])]
    who = people[people["id"].isin(attendance["person_id"])]
    return bipartite(attendance, "person_id", "event_id", left_nodes=who, right_nodes=events,
                     left_role="person", right_role="event",
                     node_attrs=("role", "programme_id", "gender", "kind", "date"),
                     kind="event", backend=backend)

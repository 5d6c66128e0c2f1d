"""Min-cost flow networks for assignment with capacities and quotas, and their certificates.

The network: source → (quota group →) mentee → mentor → sink, plus a source → sink arc
for mentees left unmatched. Mentee → mentor arcs cost ``-weight`` (integers), so a
min-cost flow is a maximum-weight assignment in which every mentor takes at most its
capacity and every mentee at most one mentor. A quota "at least L of group g" is a lower
bound on the source → g arc, handled the textbook way (the bound moves into the node
supplies), so OR-Tools' ``SimpleMinCostFlow`` solves it exactly and says INFEASIBLE when
the quotas cannot be met.

:func:`potentials` turns an optimal flow into node potentials (LP duals) by shortest paths
in the residual network: every residual arc then has a non-negative reduced cost. A pair
left out of the network can improve the solution only if its reduced cost is negative,
which is what candidate pruning checks (see :mod:`mentorkit.matching.assignment`).

Example
-------
>>> net = Network(n_rows=2, capacity=np.array([1]), groups=None)
>>> flow = net.solve(np.array([0, 1]), np.array([0, 0]), np.array([5, 7]))
>>> flow.pairs()
(array([1]), array([0]))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mentorkit.errors import MatchingError


@dataclass(frozen=True)
class Groups:
    """Disjoint groups of mentee rows with bounds on how many of each are matched."""

    of_row: np.ndarray   # group index per row, -1 for rows in no group
    lower: np.ndarray    # at least, per group
    upper: np.ndarray    # at most, per group


@dataclass
class Flow:
    """An optimal flow on the candidate arcs of a :class:`Network`."""

    network: Network
    rows: np.ndarray      # candidate arcs' mentee rows
    cols: np.ndarray      # candidate arcs' mentor columns
    weight: np.ndarray    # candidate arcs' weights (int64)
    chosen: np.ndarray    # bool per candidate arc: carries flow
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    flows: np.ndarray

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the chosen arcs."""
        return self.rows[self.chosen], self.cols[self.chosen]

    @property
    def value(self) -> int:
        """Total weight of the chosen arcs."""
        return int(self.weight[self.chosen].sum())


@dataclass
class Network:
    """The assignment network for ``n_rows`` mentees and ``len(capacity)`` mentors."""

    n_rows: int
    capacity: np.ndarray
    groups: Groups | None

    @property
    def n_cols(self) -> int:
        return len(self.capacity)

    def node_of_row(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(rows, dtype=np.int64)

    def node_of_col(self, cols: np.ndarray) -> np.ndarray:
        return self.n_rows + np.asarray(cols, dtype=np.int64)

    @property
    def source(self) -> int:
        return self.n_rows + self.n_cols

    @property
    def sink(self) -> int:
        return self.n_rows + self.n_cols + 1

    @property
    def n_nodes(self) -> int:
        return self.n_rows + self.n_cols + 2 + (0 if self.groups is None
                                                else len(self.groups.lower))

    def _fixed_arcs(self) -> tuple[np.ndarray, ...]:
        n, m, s, t = self.n_rows, self.n_cols, self.source, self.sink
        rows = np.arange(n)
        if self.groups is None:
            entry = np.full(n, s)
            g_t = g_h = g_c = np.empty(0, dtype=np.int64)
        else:
            g = self.groups
            group_node = t + 1 + np.arange(len(g.lower))
            entry = np.where(g.of_row >= 0, group_node[np.maximum(g.of_row, 0)], s)
            g_t, g_h = np.full(len(g.lower), s), group_node
            g_c = (np.minimum(g.upper, np.bincount(g.of_row[g.of_row >= 0],
                                                   minlength=len(g.lower))) - g.lower)
            if (g_c < 0).any():
                raise MatchingError("a quota asks for more mentees than the group has")
        tails = np.concatenate([g_t, entry, self.node_of_col(np.arange(m)), [s]])
        heads = np.concatenate([g_h, rows, np.full(m, t), [t]])
        caps = np.concatenate([g_c, np.ones(n), self.capacity, [n]])
        return tails, heads, caps

    def supplies(self) -> tuple[np.ndarray, np.ndarray]:
        nodes = [self.source, self.sink]
        values = [self.n_rows, -self.n_rows]
        if self.groups is not None:
            lower = self.groups.lower
            values[0] -= int(lower.sum())
            nodes.extend(self.sink + 1 + np.arange(len(lower)))
            values.extend(lower.tolist())
        return np.array(nodes, dtype=np.int32), np.array(values, dtype=np.int64)

    def solve(self, rows: np.ndarray, cols: np.ndarray, weight: np.ndarray) -> Flow:
        """Min-cost flow over the candidate arcs ``rows[k] → cols[k]`` of ``weight[k]``.

        Raises :class:`MatchingError` (message "infeasible") when the quotas cannot be met
        on these arcs.
        """
        f_tails, f_heads, f_caps = self._fixed_arcs()
        tails = np.concatenate([f_tails, self.node_of_row(rows)]).astype(np.int32)
        heads = np.concatenate([f_heads, self.node_of_col(cols)]).astype(np.int32)
        caps = np.concatenate([f_caps, np.ones(len(rows))]).astype(np.int64)
        costs = np.concatenate([np.zeros(len(f_tails)), -np.asarray(weight)]).astype(np.int64)
        from ortools.graph.python import min_cost_flow  # ortools only when a flow is solved

        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        nodes, values = self.supplies()
        smcf.set_nodes_supplies(nodes, values)
        status = smcf.solve()
        if status == smcf.INFEASIBLE:
            raise MatchingError("infeasible")
        if status != smcf.OPTIMAL:
            raise MatchingError(f"the min-cost flow solver stopped with status {status}")
        flows = smcf.flows(np.arange(len(tails), dtype=np.int32))
        chosen = flows[len(f_tails):] > 0
        return Flow(self, np.asarray(rows), np.asarray(cols), np.asarray(weight, np.int64),
                    chosen, tails, heads, caps, costs, flows)


def potentials(flow: Flow) -> np.ndarray:
    """Node potentials that make every residual arc's reduced cost non-negative.

    Shortest distances from a virtual root joined to every node by a zero arc, computed
    by Bellman–Ford rounds vectorised over the residual arcs leaving nodes whose distance
    changed in the round before (an optimal flow has no negative cycle, so they stop).
    For an arc ``a → b`` of cost ``c``: ``c + pi[a] - pi[b] >= 0``.
    """
    f = flow
    forward = f.flows < f.caps
    backward = f.flows > 0
    tail = np.concatenate([f.tails[forward], f.heads[backward]]).astype(np.int64)
    head = np.concatenate([f.heads[forward], f.tails[backward]]).astype(np.int64)
    cost = np.concatenate([f.costs[forward], -f.costs[backward]]).astype(np.int64)
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    n_nodes = f.network.n_nodes
    start = np.searchsorted(tail, np.arange(n_nodes + 1))
    degree = np.diff(start)
    pi = np.zeros(n_nodes, dtype=np.int64)
    active = np.arange(n_nodes)
    mark = np.zeros(n_nodes, dtype=bool)
    for _ in range(n_nodes + 1):
        deg = degree[active]
        total = int(deg.sum())
        if total == len(tail):
            idx = np.arange(total)
        else:
            idx = np.repeat(start[active] - np.cumsum(deg) + deg, deg) + np.arange(total)
        candidate = pi[tail[idx]] + cost[idx]
        better = candidate < pi[head[idx]]
        if not better.any():
            return pi
        heads = head[idx][better]
        np.minimum.at(pi, heads, candidate[better])
        mark[heads] = True
        active = np.flatnonzero(mark)
        mark[active] = False
    raise MatchingError("internal error: the flow is not optimal (negative cycle)")

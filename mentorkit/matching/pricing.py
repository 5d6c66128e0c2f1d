"""Large problems solved exactly on candidate pairs, with a certificate of optimality.

The flow is first solved on candidate pairs (each mentee's and each mentor's best pairs
after removing the other side's average, plus the greedy pass's pairs, so a feasible
solution is among them), then priced: the flow's duals give every left-out pair a reduced
cost, and while any has a positive one, the best of them are added and the flow solved
again. The loop ends only when no pair in the whole matrix could improve the total (the LP
optimality condition), so the result is the exact optimum of the full problem, with that
proof recorded in ``stats["certificate"]``.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.flow import Network
>>> from mentorkit.matching.scoring import score
>>> from mentorkit.matching.subproblem import SubProblem
>>> from mentorkit.matching.exact import full_flow
>>> sub = SubProblem.of(score(*synthetic_pool(60, seed=2)))
>>> rows, cols, stats = priced(sub, Network(len(sub), sub.cap, None), bonus=0)
>>> "certificate" in stats, len(rows) == len(full_flow(sub, bonus=0)[0])
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mentorkit.errors import MatchingError
from mentorkit.matching.exact import Found, solve_or_explain
from mentorkit.matching.flow import Network, potentials
from mentorkit.matching.greedy import sequential
from mentorkit.matching.quotas import Quota
from mentorkit.matching.scoring import to_int
from mentorkit.matching.subproblem import SubProblem, chunks, empty

__all__ = ["ADD_PER_ROW", "COL_CANDIDATES", "MAX_ROUNDS", "ROW_CANDIDATES", "priced"]

ROW_CANDIDATES = 24       # per mentee, before pricing
COL_CANDIDATES = 6        # per mentor place, before pricing
ADD_PER_ROW = 16          # pairs with positive reduced cost added per mentee and round
MAX_ROUNDS = 60


def priced(sub: SubProblem, net: Network, bonus: int, quotas: list[Quota] | None = None,
           members: np.ndarray | None = None) -> Found:
    """The exact optimum of the flow on ``sub``, found on candidate pairs and priced.

    Returns row positions (in the scores), mentor columns and stats (solver, arcs, rounds,
    certificate).
    """
    quotas = quotas or []
    n, m = len(sub), sub.scores.shape[1]
    W = np.empty((n, m), dtype=np.int32)
    F = np.empty((n, m), dtype=bool)
    row_sum, row_cnt = np.zeros(n), np.zeros(n)
    col_sum, col_cnt = np.zeros(m), np.zeros(m)
    for part in chunks(n, m):
        total, feasible = sub.block(part)
        W[part] = to_int(total)
        F[part] = feasible
        z = np.where(feasible, W[part], 0)
        row_sum[part], row_cnt[part] = z.sum(axis=1), feasible.sum(axis=1)
        col_sum += z.sum(axis=0)
        col_cnt += feasible.sum(axis=0)
    r, c = _initial(W, F, row_sum / np.maximum(row_cnt, 1), col_sum / np.maximum(col_cnt, 1),
                    sub.cap)
    g_rows, gc = sequential(sub.scores, sub.active, sub.cap)
    gr = np.searchsorted(sub.rows, g_rows)  # the greedy pass's rows, as local rows
    cand = _Candidates(F)
    del F  # from here on, cand.state says feasible (1) or candidate (2)
    cand.add(np.concatenate([r, gr]), np.concatenate([c, gc]), unique=False)
    lower_rows_added = False
    stats: dict[str, Any] = {"solver": "min-cost flow (OR-Tools) with pricing"}
    for round_ in range(1, MAX_ROUNDS + 1):
        rows, cols = cand.pairs()
        weight = W[rows, cols].astype(np.int64) + bonus
        try:
            flow = net.solve(rows, cols, weight)
        except MatchingError as err:
            if str(err) != "infeasible" or lower_rows_added or net.groups is None:
                raise
            # Only rows of quota groups with a lower bound matter for meeting the quotas:
            # with all their pairs, the candidates are infeasible only if the problem is.
            need = np.flatnonzero(net.groups.lower[np.maximum(net.groups.of_row, 0)] > 0)
            need = need[net.groups.of_row[need] >= 0]
            r, c = np.nonzero(cand.state[need] == 1)
            cand.add(need[r], c, unique=True)
            lower_rows_added = True
            rows, cols = cand.pairs()
            weight = W[rows, cols].astype(np.int64) + bonus
            flow = solve_or_explain(net, rows, cols, weight, sub, quotas, members)
        pi = potentials(flow)
        u, v = pi[:n], pi[n:n + m]
        # Only pairs outside the candidates can improve the solution (arcs that carry flow
        # may show a gain: they are at their upper bound).
        r, c = _violators(W, cand.state, u, v, bonus)
        if len(r) == 0:
            r, c = flow.pairs()
            stats.update({"arcs": int(cand.count), "rounds": round_,
                          "certificate": "no pair outside the candidates has a positive "
                                         "reduced cost (LP duals): the optimum is exact"})
            return sub.rows[r], c, stats
        cand.add(r, c, unique=True)
    rows, cols, weight = sub.arcs(bonus)  # never seen; stay exact anyway
    flow = solve_or_explain(net, rows, cols, weight, sub, quotas, members)
    r, c = flow.pairs()
    stats.update({"arcs": int(len(rows)), "rounds": MAX_ROUNDS + 1, "fallback": "all pairs"})
    return sub.rows[r], c, stats


def _initial(W: np.ndarray, F: np.ndarray, row_mean: np.ndarray, col_mean: np.ndarray,
             cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs: per mentee the best mentors once each mentor's average is taken off
    (a first guess at its dual price), and per mentor the best mentees the same way."""
    n, m = W.shape
    rng = np.random.default_rng(0)
    cm = np.rint(col_mean).astype(np.int64)
    rm = np.rint(row_mean).astype(np.int64)
    none = -(2**62)  # below any weight, and safe to negate
    # Thresholds from samples: the k-th best of a sample estimates the K-th best of all.
    sc = np.sort(rng.choice(m, min(m, 512), replace=False))
    k_r = max(1, int(round(ROW_CANDIDATES * len(sc) / m)))
    adj = np.where(F[:, sc], W[:, sc] - cm[sc], none)
    thr_r = -np.partition(-adj, k_r - 1, axis=1)[:, k_r - 1]
    sr = np.sort(rng.choice(n, min(n, 512), replace=False))
    want = np.maximum(cap, 1) * COL_CANDIDATES
    k_c = np.clip(np.rint(want * len(sr) / n).astype(np.int64), 1, len(sr))
    adj = np.where(F[sr], W[sr] - rm[sr, None], none)
    ordered = -np.sort(-adj, axis=0)
    thr_c = ordered[k_c - 1, np.arange(m)]
    keys = []
    for part in chunks(n, m):
        w = W[part].astype(np.int64)
        pick = (w - cm[None, :]) >= thr_r[part, None]
        pick |= (w - rm[part, None]) >= thr_c[None, :]
        pick &= F[part]
        r, c = np.nonzero(pick)
        keys.append((r + part.start, c))
    return (np.concatenate([k[0] for k in keys]).astype(np.int64),
            np.concatenate([k[1] for k in keys]).astype(np.int64))


def _violators(W: np.ndarray, state: np.ndarray, u: np.ndarray, v: np.ndarray, bonus: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Feasible pairs outside the candidates whose reduced cost ``u_i - v_j - weight_ij`` is
    negative (they would improve the flow): at most :data:`ADD_PER_ROW` per mentee, the
    most improving first."""
    n, m = W.shape
    out_r, out_c = [], []
    shift = (bonus + v).astype(np.int64)
    for part in chunks(n, m):
        gain = W[part].astype(np.int64)
        gain += shift[None, :]
        gain -= u[part, None]
        hit = (gain > 0) & (state[part] == 1)
        if not hit.any():
            continue
        r, c = np.nonzero(hit)
        g = gain[r, c]
        order = np.lexsort((-g, r))
        r, c = r[order], c[order]
        first = np.searchsorted(r, r, side="left")
        keep = (np.arange(len(r)) - first) < ADD_PER_ROW
        out_r.append(r[keep] + part.start)
        out_c.append(c[keep])
    if not out_r:
        return empty(), empty()
    return np.concatenate(out_r).astype(np.int64), np.concatenate(out_c).astype(np.int64)


class _Candidates:
    """The candidate pairs, marked in a state matrix (0 blocked, 1 feasible, 2 candidate)."""

    def __init__(self, feasible: np.ndarray) -> None:
        self.state = feasible.view(np.uint8)  # reuses the feasibility matrix's memory
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.count = 0

    def add(self, rows: np.ndarray, cols: np.ndarray, unique: bool) -> None:
        if not unique:
            key = np.unique(rows.astype(np.int64) * self.state.shape[1] + cols)
            rows, cols = np.divmod(key, self.state.shape[1])
        new = self.state[rows, cols] == 1
        rows, cols = rows[new], cols[new]
        self.state[rows, cols] = 2
        self.rows.append(rows)
        self.cols.append(cols)
        self.count += len(rows)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        rows, cols = np.concatenate(self.rows), np.concatenate(self.cols)
        self.rows, self.cols = [rows], [cols]
        return rows, cols

"""The exact solvers on a :class:`~mentorkit.matching.subproblem.SubProblem`: the min-cost flow
on every feasible pair, scipy's linear_sum_assignment on the slot-expanded matrix, and the
integer program (HiGHS) for overlapping quotas; and, when quotas make the flow infeasible,
which quota cannot be met and why.

Each solver returns the matched pairs as (row positions in the scores, mentor columns,
stats): ``rows`` are already mapped back from the sub-problem's local rows.
:mod:`mentorkit.matching.pricing` solves large problems exactly on candidate pairs.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.scoring import score
>>> from mentorkit.matching.subproblem import SubProblem
>>> sub = SubProblem.of(score(*synthetic_pool(20, seed=3)))
>>> flow_rows, _, _ = full_flow(sub, bonus=0)
>>> lsa_rows, _, _ = lsa(sub, bonus=0)
>>> len(flow_rows) == len(lsa_rows)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mentorkit.errors import MatchingError
from mentorkit.matching.flow import Flow, Network
from mentorkit.matching.quotas import Quota
from mentorkit.matching.scoring import to_int
from mentorkit.matching.subproblem import SubProblem, chunks, empty

__all__ = ["MILP_ARCS", "full_flow", "lsa", "milp", "solve_or_explain"]

MILP_ARCS = 200_000       # the MILP fallback (overlapping quotas) up to this many pairs

Found = tuple[np.ndarray, np.ndarray, dict[str, Any]]


def full_flow(sub: SubProblem, bonus: int, net: Network | None = None,
              quotas: list[Quota] | None = None, members: np.ndarray | None = None) -> Found:
    """The min-cost flow (OR-Tools) on every feasible pair of the sub-problem."""
    net = Network(len(sub), sub.cap, None) if net is None else net
    rows, cols, weight = sub.arcs(bonus)
    flow = solve_or_explain(net, rows, cols, weight, sub, quotas or [], members)
    r, c = flow.pairs()
    return sub.rows[r], c, {"solver": "min-cost flow (OR-Tools), all pairs",
                            "arcs": int(len(rows)), "rounds": 1}


def solve_or_explain(net: Network, rows: np.ndarray, cols: np.ndarray, weight: np.ndarray,
                     sub: SubProblem, quotas: list[Quota], members: np.ndarray | None) -> Flow:
    """The flow on these arcs; when the quotas make it infeasible, an error saying which."""
    try:
        return net.solve(rows, cols, weight)
    except MatchingError as err:
        if str(err) != "infeasible" or net.groups is None:
            raise
        raise MatchingError(_infeasible_message(sub, quotas, net)) from None


def _infeasible_message(sub: SubProblem, quotas: list[Quota], net: Network) -> str:
    """Which quota cannot be met, and why, from each quota's own maximum."""
    assert net.groups is not None
    lower = net.groups.lower
    reasons = []
    for k, q in enumerate(quotas):
        rows = np.flatnonzero(net.groups.of_row == k)
        most = _max_matched(sub, rows)
        if most < lower[k]:
            reasons.append(f"quota {q.label()} cannot be met: at most {most} of the "
                           f"{len(rows)} mentees with {q.field}={q.value} can be matched "
                           "(mentor places, gender preferences and other rules)")
    if reasons:
        return "; ".join(reasons)
    wanted = [q.label() for q, low in zip(quotas, lower) if low > 0]
    return (f"the quotas {', '.join(wanted)} cannot all be met at once: each can be met "
            f"alone, but together they need {int(lower.sum())} matches from mentors who have "
            "too few places that fit these mentees")


def _max_matched(sub: SubProblem, rows: np.ndarray) -> int:
    """Most mentees among ``rows`` (local positions) that can be matched at once."""
    if len(rows) == 0:
        return 0
    r_all, c_all = [], []
    for part in chunks(len(rows), sub.scores.shape[1]):
        idx = sub.rows[rows[part]]
        feasible = (sub.scores.blocked[idx] == 0) & sub.col_ok[None, :]
        r, c = np.nonzero(feasible)
        r_all.append(r + part.start)
        c_all.append(c)
    r, c = np.concatenate(r_all), np.concatenate(c_all)
    flow = Network(len(rows), sub.cap, None).solve(r, c, np.ones(len(r), dtype=np.int64))
    return int(flow.chosen.sum())


def lsa(sub: SubProblem, bonus: int) -> Found:
    """scipy's linear_sum_assignment on the matrix with one column per mentor place.

    Blocked pairs weigh 0, like leaving the mentee unmatched; they are dropped afterwards,
    which keeps the optimum because every weight is at least 0.
    """
    slot_col = np.repeat(np.arange(sub.scores.shape[1]), sub.cap)
    if len(slot_col) == 0 or len(sub) == 0:
        return empty(), empty(), {"solver": "linear_sum_assignment"}
    matrix = np.zeros((len(sub), len(slot_col)), dtype=np.float64)
    for part in chunks(len(sub), len(slot_col)):
        total, feasible = sub.block(part)
        w = to_int(total) + bonus
        matrix[part] = np.where(feasible, w, 0)[:, slot_col]
    from scipy.optimize import linear_sum_assignment  # scipy only when this method runs

    r, c = linear_sum_assignment(matrix, maximize=True)
    idx = sub.rows[r]
    keep = (sub.scores.blocked[idx, slot_col[c]] == 0)
    return idx[keep], slot_col[c][keep], {"solver": "linear_sum_assignment (scipy), slots",
                                          "arcs": int(matrix.size)}


def milp(sub: SubProblem, bonus: int, quotas: list[Quota], members: np.ndarray,
         pinned_rows: np.ndarray) -> Found:
    """Overlapping quotas break the flow structure: solve the integer program (HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.optimize import milp as highs
    from scipy.sparse import coo_array, vstack

    rows, cols, weight = sub.arcs(bonus)
    if len(rows) > MILP_ARCS:
        raise MatchingError(f"overlapping quotas need an integer program, which is limited to "
                            f"{MILP_ARCS} pairs (this problem has {len(rows)}): use quotas "
                            "on one field, or match a smaller group")
    n, m, k = len(sub), sub.scores.shape[1], len(rows)
    a_rows = coo_array((np.ones(k), (rows, np.arange(k))), shape=(n, k))
    a_cols = coo_array((np.ones(k), (cols, np.arange(k))), shape=(m, k))
    local = members[:, sub.rows].astype(float)
    a_q = coo_array(local[:, rows])
    pinned_in = (members[:, pinned_rows].sum(axis=1) if len(pinned_rows)
                 else np.zeros(len(quotas)))
    lo = np.array([q.at_least - p for q, p in zip(quotas, pinned_in)], dtype=float)
    hi = np.array([np.inf if q.at_most is None else q.at_most - p
                   for q, p in zip(quotas, pinned_in)], dtype=float)
    constraints = LinearConstraint(vstack([a_rows, a_cols, a_q]).tocsr(),
                                   np.concatenate([np.zeros(n + m), lo]),
                                   np.concatenate([np.ones(n), sub.cap, hi]))
    res = highs(-weight.astype(float), integrality=np.ones(k), bounds=Bounds(0, 1),
                constraints=constraints)
    if res.status == 2:
        raise MatchingError("the quotas " + ", ".join(q.label() for q in quotas)
                            + " cannot all be met at once")
    if not res.success:
        raise MatchingError(f"the integer program for overlapping quotas failed: {res.message}")
    chosen = res.x > 0.5
    return sub.rows[rows[chosen]], cols[chosen], {"solver": "MILP (scipy/HiGHS), overlapping "
                                                            "quotas", "arcs": k}

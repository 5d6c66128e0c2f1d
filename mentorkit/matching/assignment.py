"""Batch assignment: optimal (with capacities, quotas, pinned and forbidden pairs), stable, greedy.

``optimal`` is the exact maximum of the total score (or, with ``objective="coverage"``,
the most mentees matched and then the highest total) with every mentor taking at most its
remaining capacity and every mentee at most one mentor; a mentee is left unmatched rather
than put in a pair a rule blocks. It is a min-cost flow (OR-Tools), see :mod:`.flow`.

Large problems are solved on candidate pairs first (each mentee's and each mentor's
best pairs after removing the other side's average, plus a greedy solution), then priced:
the flow's duals give every left-out pair a reduced cost, and while any has a positive
one, the best of them are added and the flow solved again. The loop ends only when no
pair in the whole matrix could improve the total (the LP optimality condition), so the
result is the exact optimum of the full problem, with that proof recorded in ``stats``.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> mentees, mentors = synthetic_pool(40, seed=2)
>>> df = assign(mentees, mentors)
>>> bool((df.groupby("mentor_id").size() <= 2).all())
True
>>> list(df.columns)
['mentee_id', 'mentor_id', 'score', 'pinned', 'reasons', 'breakdown']
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.flow import Groups, Network, potentials
from mentorkit.matching.quotas import Quota, disjoint, group_members, quotas_of
from mentorkit.matching.scoring import CHUNK_PAIRS, SCALE, Scores, score, to_int

__all__ = ["Assignment", "METHODS", "OBJECTIVES", "assign", "solve", "violations"]

METHODS: tuple[str, ...] = ("optimal", "stable", "greedy")
OBJECTIVES: dict[str, str] = {"score": "score", "highest_total": "score",
                              "coverage": "coverage", "nobody_left_out": "coverage"}
FULL_ARCS = 50_000        # up to this many feasible pairs the flow gets all of them
ROW_CANDIDATES = 24       # per mentee, before pricing
COL_CANDIDATES = 6        # per mentor place, before pricing
ADD_PER_ROW = 16          # pairs with positive reduced cost added per mentee and round
MAX_ROUNDS = 60
MILP_ARCS = 200_000       # the MILP fallback (overlapping quotas) up to this many pairs


@dataclass
class Assignment:
    """Who is matched to whom (row and column positions in ``scores``), and how it was found."""

    scores: Scores
    rows: np.ndarray
    cols: np.ndarray
    pinned: np.ndarray
    method: str
    objective: str
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_matched(self) -> int:
        return int(len(self.rows))

    @property
    def total(self) -> float:
        """Sum of the matched pairs' scores."""
        return float(self.scores.total[self.rows, self.cols].astype(np.float64).sum())

    @property
    def value(self) -> int:
        """Sum of the matched pairs' integer scores (what the solvers maximise)."""
        return int(to_int(self.scores.total[self.rows, self.cols]).sum())

    def unmatched(self) -> np.ndarray:
        """Row positions of the mentees left unmatched."""
        return np.setdiff1d(np.arange(self.scores.shape[0]), self.rows)

    def frame(self, lang: str = "en", reasons: bool = True) -> pd.DataFrame:
        """One row per match: mentee_id, mentor_id, score, pinned, reasons, breakdown."""
        from mentorkit.matching.explanation import pair_points, pair_reasons

        order = np.argsort(self.scores.demand.order[self.rows], kind="stable")
        rows, cols = self.rows[order], self.cols[order]
        df = pd.DataFrame({
            "mentee_id": pd.array(self.scores.mentee_ids[rows], dtype="Int64"),
            "mentor_id": pd.array(self.scores.mentor_ids[cols], dtype="Int64"),
            "score": self.scores.total[rows, cols].astype(np.float64),
            "pinned": self.pinned[order],
        })
        if reasons:
            df["reasons"] = pair_reasons(self.scores, rows, cols, lang)
            points = pair_points(self.scores, rows, cols)
            df["breakdown"] = [{c: round(float(points[c][k]), 6) for c in points}
                               for k in range(len(rows))]
        return df


def assign(mentees: pd.DataFrame, mentors: pd.DataFrame, weights: Any = None,
           capacity: str | int | Any = "capacity", quotas: Any = None,
           method: str = "optimal", *, rules: Any = None, matches: pd.DataFrame | None = None,
           pinned: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
           objective: str = "score", lang: str = "en", reasons: bool = True,
           scores: Scores | None = None, solver: str = "auto") -> pd.DataFrame:
    """Match a batch of mentees to mentors and return the proposal, one row per match.

    Parameters
    ----------
    mentees, mentors : the two sides (``person`` rows or any demand/supply tables).
    weights, rules : see :func:`mentorkit.matching.score`.
    capacity : the mentors' column with places (or one number for all).
    quotas : e.g. ``{"gender=female": 12, "gender=male": 11}``, a list of :class:`Quota`,
        or a ``target`` table; only with ``method="optimal"``.
    method : "optimal", "stable" (mentee-proposing deferred acceptance) or "greedy" (mentees
        in waiting order each take the best free mentor, as done by hand).
    matches : the ``match`` table: places taken by active and proposed matches, declines.
    pinned : (mentee_id, mentor_id) pairs that must be in the proposal.
    forbidden : (mentee_id, mentor_id) pairs that must not.
    objective : "score" (highest total score) or "coverage" (nobody left out: most mentees
        matched, then the highest total).
    scores : reuse a :class:`Scores` computed before (``weights``, ``rules``, ``matches`` and
        ``capacity`` are then ignored).
    solver : "auto" (min-cost flow with pricing), "flow" (min-cost flow on every pair) or
        "lsa" (scipy's linear_sum_assignment on the slot-expanded matrix; no quotas).

    Returns
    -------
    DataFrame with mentee_id, mentor_id, score, pinned, reasons (da/en/nl) and breakdown
    (points per criterion). ``df.attrs`` holds the method, objective, total and solver stats.
    """
    if scores is None:
        scores = score(mentees, mentors, weights, rules, matches, capacity=capacity)
    result = solve(scores, method, objective=objective, quotas=quotas, mentees=mentees,
                   pinned=pinned, forbidden=forbidden, solver=solver)
    df = result.frame(lang=lang, reasons=reasons)
    df.attrs.update({"method": result.method, "objective": result.objective,
                     "total": result.total, "n_matched": result.n_matched,
                     "stats": result.stats})
    return df


def solve(scores: Scores, method: str = "optimal", *, objective: str = "score",
          quotas: Any = None, mentees: pd.DataFrame | None = None,
          pinned: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
          solver: str = "auto") -> Assignment:
    """The assignment on precomputed :class:`Scores` (see :func:`assign` for the options)."""
    if method not in METHODS:
        raise MatchingError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if objective not in OBJECTIVES:
        raise MatchingError(f"unknown objective {objective!r}; choose score or coverage")
    objective = OBJECTIVES[objective]
    if solver not in ("auto", "flow", "lsa"):
        raise MatchingError("solver must be auto, flow or lsa")
    started = time.perf_counter()
    forbidden = list(forbidden)
    if forbidden:
        scores = with_forbidden(scores, forbidden)
    p_rows, p_cols = _pinned_positions(scores, pinned)
    active = np.ones(scores.shape[0], dtype=bool)
    active[p_rows] = False
    cap = scores.remaining - np.bincount(p_cols, minlength=scores.shape[1])
    qs = quotas_of(quotas)
    if qs and method != "optimal":
        raise MatchingError(f"quotas need method='optimal' (not {method!r})")
    stats: dict[str, Any] = {"quotas": [q.label() for q in qs]} if qs else {}
    if method == "optimal":
        members = _members(scores, qs, mentees)
        rows, cols, found = _optimal(scores, active, cap, objective, qs, members, p_rows,
                                     solver)
        stats.update(found)
    elif method == "stable":
        from mentorkit.matching.stable import deferred_acceptance

        rows, cols = deferred_acceptance(scores, active, cap)
    else:
        from mentorkit.matching.greedy import sequential

        rows, cols = sequential(scores, active, cap)
    rows = np.concatenate([p_rows, rows]).astype(np.int64)
    cols = np.concatenate([p_cols, cols]).astype(np.int64)
    is_pinned = np.arange(len(rows)) < len(p_rows)
    stats["seconds"] = round(time.perf_counter() - started, 4)
    result = Assignment(scores, rows, cols, is_pinned, method, objective, stats)
    problems = violations(result)
    if problems:  # a bug, never the user's fault: refuse to hand out a wrong proposal
        raise MatchingError("internal error, the proposal breaks: " + "; ".join(problems))
    return result


def violations(result: Assignment) -> list[str]:
    """What an assignment breaks (empty when capacities and every hard rule hold).

    Example
    -------
    >>> from mentorkit.synth.pool import synthetic_pool
    >>> a, b = synthetic_pool(20, seed=3)
    >>> violations(solve(score(a, b)))
    []
    """
    s, out = result.scores, []
    if len(np.unique(result.rows)) != len(result.rows):
        out.append("a mentee is matched twice")
    load = np.bincount(result.cols, minlength=s.shape[1])
    if (load > s.remaining).any():
        out.append("a mentor is over capacity")
    bad = s.blocked[result.rows, result.cols]
    if (bad != 0).any():
        out.append("a pair breaks the rule(s) " + ", ".join(st.rule_names(int(np.bitwise_or.reduce(bad)))))
    return out


def with_forbidden(scores: Scores, pairs: Iterable[tuple[int, int]]) -> Scores:
    """A copy of ``scores`` in which ``(mentee_id, mentor_id)`` pairs are blocked."""
    from dataclasses import replace

    from mentorkit.matching.scoring import _mark_pairs

    blocked = scores.blocked.copy()
    _mark_pairs(blocked, scores.demand, scores.supply, pairs, st.FORBIDDEN)
    return replace(scores, blocked=blocked)


def _pinned_positions(scores: Scores, pinned: Iterable[tuple[int, int]]
                      ) -> tuple[np.ndarray, np.ndarray]:
    pairs = list(pinned)
    if not pairs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    rows = scores.demand.position([p[0] for p in pairs])
    cols = scores.supply.position([p[1] for p in pairs])
    if len(np.unique(rows)) != len(rows):
        raise MatchingError("a mentee is pinned to more than one mentor")
    for (a, b), r, c in zip(pairs, rows, cols):
        flags = int(scores.blocked[r, c]) & ~st.CAPACITY
        if flags:
            raise MatchingError(f"pinned pair mentee {a} – mentor {b} breaks the rule(s) "
                                f"{', '.join(st.rule_names(flags))}; change the rules or "
                                "unpin it")
    load = np.bincount(cols, minlength=scores.shape[1])
    over = np.flatnonzero(load > scores.remaining)
    if len(over):
        j = int(over[0])
        raise MatchingError(f"mentor {int(scores.mentor_ids[j])} is pinned to {int(load[j])} "
                            f"mentees but has {int(scores.remaining[j])} free place(s)")
    return rows.astype(np.int64), cols.astype(np.int64)


def _members(scores: Scores, quotas: list[Quota], mentees: pd.DataFrame | None) -> np.ndarray:
    if not quotas:
        return np.zeros((0, scores.shape[0]), dtype=bool)
    if mentees is None or "id" not in getattr(mentees, "columns", ()):
        raise MatchingError("quotas need the mentees table (with the columns they name)")
    aligned = mentees.set_index(pd.to_numeric(mentees["id"]).astype("int64"))
    aligned = aligned.reindex(scores.mentee_ids)
    return group_members(quotas, aligned.reset_index(drop=True))


# --- optimal ---------------------------------------------------------------------------

def _chunks(n: int, m: int) -> Iterator[slice]:
    step = max(1, CHUNK_PAIRS // max(m, 1))
    for lo in range(0, n, step):
        yield slice(lo, min(n, lo + step))


class _Sub:
    """The active rows of the problem, read in chunks (a view when all rows are active)."""

    def __init__(self, scores: Scores, active: np.ndarray, cap: np.ndarray) -> None:
        self.scores = scores
        self.rows = np.flatnonzero(active)
        self.all = len(self.rows) == scores.shape[0]
        self.col_ok = cap > 0
        self.cap = np.maximum(cap, 0)

    def __len__(self) -> int:
        return len(self.rows)

    def index(self, part: slice) -> slice | np.ndarray:
        return part if self.all else self.rows[part]

    def block(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """Scores (float32) and feasibility of the active rows in ``part``."""
        idx = self.index(part)
        feasible = self.scores.blocked[idx] == 0
        feasible &= self.col_ok[None, :]
        return self.scores.total[idx], feasible

    def count(self) -> int:
        return sum(int(self.block(p)[1].sum()) for p in _chunks(len(self), self.scores.shape[1]))


def _optimal(scores: Scores, active: np.ndarray, cap: np.ndarray, objective: str,
             quotas: list[Quota], members: np.ndarray, pinned_rows: np.ndarray, solver: str
             ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    sub = _Sub(scores, active, cap)
    n, m = len(sub), scores.shape[1]
    bonus = (n + 1) * SCALE if objective == "coverage" else 0
    groups = None
    if quotas:
        if solver == "lsa":
            raise MatchingError("quotas need the flow solver, not lsa")
        if not disjoint(members):
            return _milp(sub, bonus, quotas, members, pinned_rows)
        groups = _groups(quotas, members, sub, pinned_rows)
    if n == 0 or m == 0:
        return _empty(), _empty(), {"solver": "none"}
    net = Network(n, sub.cap, groups)
    if solver == "lsa":
        return _lsa(sub, bonus)
    arcs = sub.count()
    if solver == "flow" or arcs <= FULL_ARCS:
        rows, cols, weight = _all_arcs(sub, bonus)
        flow = _solve_or_explain(net, rows, cols, weight, sub, quotas, members)
        r, c = flow.pairs()
        return sub.rows[r], c, {"solver": "min-cost flow (OR-Tools), all pairs",
                                "arcs": int(len(rows)), "rounds": 1}
    return _priced(sub, net, bonus, quotas, members)


def _empty() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


def _groups(quotas: list[Quota], members: np.ndarray, sub: _Sub, pinned_rows: np.ndarray
            ) -> Groups:
    of_row = np.full(len(sub), -1, dtype=np.int64)
    local = members[:, sub.rows]
    for k in range(len(quotas)):
        of_row[local[k]] = k
    pinned_in = members[:, pinned_rows].sum(axis=1) if len(pinned_rows) else np.zeros(len(quotas))
    lower = np.array([max(0, q.at_least - int(p)) for q, p in zip(quotas, pinned_in)])
    sizes = local.sum(axis=1)
    for q, low, size in zip(quotas, lower, sizes):
        if low > size:
            raise MatchingError(f"quota {q.label()} cannot be met: only {int(size)} mentees "
                                f"with {q.field}={q.value} are waiting to be matched")
    big = len(sub) + 1
    upper = np.array([big if q.at_most is None else q.at_most - int(p)
                      for q, p in zip(quotas, pinned_in)])
    for q, u in zip(quotas, upper):
        if u < 0:
            raise MatchingError(f"quota {q.label()} cannot be met: more pinned pairs than it allows")
    return Groups(of_row, lower.astype(np.int64), upper.astype(np.int64))


def _all_arcs(sub: _Sub, bonus: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, cols, weight = [], [], []
    for part in _chunks(len(sub), sub.scores.shape[1]):
        total, feasible = sub.block(part)
        r, c = np.nonzero(feasible)
        rows.append(r + part.start)
        cols.append(c)
        weight.append(to_int(total[r, c]) + bonus)
    return (np.concatenate(rows), np.concatenate(cols), np.concatenate(weight))


def _solve_or_explain(net: Network, rows: np.ndarray, cols: np.ndarray, weight: np.ndarray,
                      sub: _Sub, quotas: list[Quota], members: np.ndarray) -> Any:
    try:
        return net.solve(rows, cols, weight)
    except MatchingError as err:
        if str(err) != "infeasible":
            raise
        raise MatchingError(_infeasible_message(sub, quotas, members, net)) from None


def _infeasible_message(sub: _Sub, quotas: list[Quota], members: np.ndarray,
                        net: Network) -> str:
    """Which quota cannot be met, and why, from each quota's own maximum."""
    assert net.groups is not None
    lower = net.groups.lower
    reasons = []
    best = []
    for k, q in enumerate(quotas):
        rows = np.flatnonzero(net.groups.of_row == k)
        most = _max_matched(sub, rows)
        best.append(most)
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


def _max_matched(sub: _Sub, rows: np.ndarray) -> int:
    """Most mentees among ``rows`` (local positions) that can be matched at once."""
    if len(rows) == 0:
        return 0
    r_all, c_all = [], []
    for part in _chunks(len(rows), sub.scores.shape[1]):
        idx = sub.rows[rows[part]]
        feasible = (sub.scores.blocked[idx] == 0) & sub.col_ok[None, :]
        r, c = np.nonzero(feasible)
        r_all.append(r + part.start)
        c_all.append(c)
    r, c = np.concatenate(r_all), np.concatenate(c_all)
    flow = Network(len(rows), sub.cap, None).solve(r, c, np.ones(len(r), dtype=np.int64))
    return int(flow.chosen.sum())


def _lsa(sub: _Sub, bonus: int) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """scipy's linear_sum_assignment on the matrix with one column per mentor place.

    Blocked pairs weigh 0, like leaving the mentee unmatched; they are dropped afterwards,
    which keeps the optimum because every weight is at least 0.
    """
    slot_col = np.repeat(np.arange(sub.scores.shape[1]), sub.cap)
    if len(slot_col) == 0:
        return _empty(), _empty(), {"solver": "linear_sum_assignment"}
    matrix = np.zeros((len(sub), len(slot_col)), dtype=np.float64)
    for part in _chunks(len(sub), len(slot_col)):
        total, feasible = sub.block(part)
        w = to_int(total) + bonus
        matrix[part] = np.where(feasible, w, 0)[:, slot_col]
    from scipy.optimize import linear_sum_assignment  # scipy only when this method runs

    r, c = linear_sum_assignment(matrix, maximize=True)
    idx = sub.rows[r]
    keep = (sub.scores.blocked[idx, slot_col[c]] == 0)
    return idx[keep], slot_col[c][keep], {"solver": "linear_sum_assignment (scipy), slots",
                                          "arcs": int(matrix.size)}


def _priced(sub: _Sub, net: Network, bonus: int, quotas: list[Quota], members: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    n, m = len(sub), sub.scores.shape[1]
    W = np.empty((n, m), dtype=np.int32)
    F = np.empty((n, m), dtype=bool)
    row_sum, row_cnt = np.zeros(n), np.zeros(n)
    col_sum, col_cnt = np.zeros(m), np.zeros(m)
    for part in _chunks(n, m):
        total, feasible = sub.block(part)
        W[part] = to_int(total)
        F[part] = feasible
        z = np.where(feasible, W[part], 0)
        row_sum[part], row_cnt[part] = z.sum(axis=1), feasible.sum(axis=1)
        col_sum += z.sum(axis=0)
        col_cnt += feasible.sum(axis=0)
    r, c = _initial(W, F, row_sum / np.maximum(row_cnt, 1), col_sum / np.maximum(col_cnt, 1),
                    sub.cap)
    gr, gc = _greedy_pairs(W, F, sub)
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
            flow = _solve_or_explain(net, rows, cols, weight, sub, quotas, members)
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
    rows, cols, weight = _all_arcs(sub, bonus)  # never seen; stay exact anyway
    flow = _solve_or_explain(net, rows, cols, weight, sub, quotas, members)
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
    for part in _chunks(n, m):
        w = W[part].astype(np.int64)
        pick = (w - cm[None, :]) >= thr_r[part, None]
        pick |= (w - rm[part, None]) >= thr_c[None, :]
        pick &= F[part]
        r, c = np.nonzero(pick)
        keys.append((r + part.start, c))
    return (np.concatenate([k[0] for k in keys]).astype(np.int64),
            np.concatenate([k[1] for k in keys]).astype(np.int64))


def _greedy_pairs(W: np.ndarray, F: np.ndarray, sub: _Sub) -> tuple[np.ndarray, np.ndarray]:
    """The pairs a greedy pass (mentees in waiting order) makes: a feasible start."""
    free = sub.cap.copy()
    order = np.argsort(sub.scores.demand.order[sub.rows], kind="stable")
    out_r, out_c = [], []
    for i in order:
        row = np.where(F[i] & (free > 0), W[i], -1)
        j = int(row.argmax())
        if row[j] >= 0:
            free[j] -= 1
            out_r.append(int(i))
            out_c.append(j)
    return np.array(out_r, dtype=np.int64), np.array(out_c, dtype=np.int64)


def _violators(W: np.ndarray, state: np.ndarray, u: np.ndarray, v: np.ndarray, bonus: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Feasible pairs outside the candidates whose reduced cost ``u_i - v_j - weight_ij`` is
    negative (they would improve the flow): at most :data:`ADD_PER_ROW` per mentee, the
    most improving first."""
    n, m = W.shape
    out_r, out_c = [], []
    shift = (bonus + v).astype(np.int64)
    for part in _chunks(n, m):
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
        return _empty(), _empty()
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


def _milp(sub: _Sub, bonus: int, quotas: list[Quota], members: np.ndarray,
          pinned_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Overlapping quotas break the flow structure: solve the integer program (HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array, vstack

    rows, cols, weight = _all_arcs(sub, bonus)
    if len(rows) > MILP_ARCS:
        raise MatchingError(f"overlapping quotas need an integer program, which is limited to "
                            f"{MILP_ARCS} pairs (this problem has {len(rows)}): use quotas "
                            "on one field, or match a smaller group")
    n, m, k = len(sub), sub.scores.shape[1], len(rows)
    a_rows = coo_array((np.ones(k), (rows, np.arange(k))), shape=(n, k))
    a_cols = coo_array((np.ones(k), (cols, np.arange(k))), shape=(m, k))
    local = members[:, sub.rows].astype(float)
    a_q = coo_array(local[:, rows])
    pinned_in = members[:, pinned_rows].sum(axis=1) if len(pinned_rows) else np.zeros(len(quotas))
    lo = np.array([q.at_least - p for q, p in zip(quotas, pinned_in)], dtype=float)
    hi = np.array([np.inf if q.at_most is None else q.at_most - p
                   for q, p in zip(quotas, pinned_in)], dtype=float)
    constraints = LinearConstraint(vstack([a_rows, a_cols, a_q]).tocsr(),
                                   np.concatenate([np.zeros(n + m), lo]),
                                   np.concatenate([np.ones(n), sub.cap, hi]))
    res = milp(-weight.astype(float), integrality=np.ones(k), bounds=Bounds(0, 1),
               constraints=constraints)
    if res.status == 2:
        raise MatchingError("the quotas " + ", ".join(q.label() for q in quotas)
                            + " cannot all be met at once")
    if not res.success:
        raise MatchingError(f"the integer program for overlapping quotas failed: {res.message}")
    chosen = res.x > 0.5
    return sub.rows[rows[chosen]], cols[chosen], {"solver": "MILP (scipy/HiGHS), overlapping "
                                                            "quotas", "arcs": k}

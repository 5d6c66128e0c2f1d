"""Batch assignment, the front door: optimal (with capacities, quotas, pinned and forbidden
pairs), stable, greedy.

``optimal`` is the exact maximum of the total score (or, with ``objective="coverage"``,
the most mentees matched and then the highest total) with every mentor taking at most its
remaining capacity and every mentee at most one mentor; a mentee is left unmatched rather
than put in a pair a rule blocks. It is a min-cost flow (OR-Tools, :mod:`.flow`): on every
feasible pair up to :data:`FULL_ARCS` of them (:mod:`.exact`), on candidate pairs with a
certificate of optimality beyond (:mod:`.pricing`); overlapping quotas go to an integer
program (:func:`.exact.milp`), ``solver="lsa"`` to scipy's linear_sum_assignment.

Where things are: :mod:`.subproblem` (pinned and forbidden pairs, the places left),
:mod:`.quotas`, :mod:`.exact`, :mod:`.pricing`, :mod:`.stable`, :mod:`.greedy` (the one
greedy pass), :mod:`.result` (:class:`Assignment`, its table and :func:`violations`).

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

import importlib
import time
import warnings
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching.exact import Found, full_flow, lsa, milp
from mentorkit.matching.flow import Network
from mentorkit.matching.greedy import sequential
from mentorkit.matching.pricing import priced
from mentorkit.matching.quotas import Quota, disjoint, flow_groups, quota_members, quotas_of
from mentorkit.matching.result import Assignment, Method, Objective, violations
from mentorkit.matching.scoring import SCALE, Scores, score
from mentorkit.matching.stable import deferred_acceptance
from mentorkit.matching.subproblem import SubProblem, empty, pinned_positions, with_forbidden
from mentorkit.vocab import Lang

__all__ = ["Assignment", "METHODS", "OBJECTIVES", "assign", "solve", "violations"]

#: An objective as it may be asked for: its own name or its plain-language one.
ObjectiveName = Objective | Literal["highest_total", "nobody_left_out"]
#: The solver of the exact optimum.
Solver = Literal["auto", "flow", "lsa"]

METHODS: tuple[Method, ...] = ("optimal", "stable", "greedy")
OBJECTIVES: dict[ObjectiveName, Objective] = {"score": "score", "highest_total": "score",
                                              "coverage": "coverage",
                                              "nobody_left_out": "coverage"}
FULL_ARCS = 50_000        # up to this many feasible pairs the flow gets all of them

#: Tuning constants that moved with the solvers (read here with a DeprecationWarning).
_MOVED = {"ROW_CANDIDATES": "mentorkit.matching.pricing",
          "COL_CANDIDATES": "mentorkit.matching.pricing",
          "ADD_PER_ROW": "mentorkit.matching.pricing",
          "MAX_ROUNDS": "mentorkit.matching.pricing",
          "MILP_ARCS": "mentorkit.matching.exact"}


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(f"mentorkit.matching.assignment.{name} is now {_MOVED[name]}.{name}",
                  DeprecationWarning, stacklevel=2)
    return getattr(importlib.import_module(_MOVED[name]), name)


def assign(mentees: pd.DataFrame, mentors: pd.DataFrame, weights: Any = None,
           capacity: str | int | Any = "capacity", quotas: Any = None,
           method: Method = "optimal", *, rules: Any = None,
           matches: pd.DataFrame | None = None,
           pinned: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
           objective: ObjectiveName = "score", lang: Lang = "en", reasons: bool = True,
           scores: Scores | None = None, solver: Solver = "auto") -> pd.DataFrame:
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
    df = result.to_frame(lang=lang, reasons=reasons)
    df.attrs.update({"method": result.method, "objective": result.objective,
                     "total": result.total, "n_matched": result.n_matched,
                     "stats": result.stats})
    return df


def solve(scores: Scores, method: Method = "optimal", *, objective: ObjectiveName = "score",
          quotas: Any = None, mentees: pd.DataFrame | None = None,
          pinned: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
          solver: Solver = "auto") -> Assignment:
    """The assignment on precomputed :class:`Scores` (see :func:`assign` for the options)."""
    if method not in METHODS:
        raise MatchingError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if objective not in OBJECTIVES:
        raise MatchingError(f"unknown objective {objective!r}; choose score or coverage")
    goal = OBJECTIVES[objective]
    if solver not in ("auto", "flow", "lsa"):
        raise MatchingError("solver must be auto, flow or lsa")
    started = time.perf_counter()
    forbidden = list(forbidden)
    if forbidden:
        scores = with_forbidden(scores, forbidden)
    p_rows, p_cols = pinned_positions(scores, pinned)
    sub = SubProblem.of(scores, pinned=(p_rows, p_cols))
    qs = quotas_of(quotas)
    if qs and method != "optimal":
        raise MatchingError(f"quotas need method='optimal' (not {method!r})")
    stats: dict[str, Any] = {"quotas": [q.label() for q in qs]} if qs else {}
    if method == "optimal":
        members = quota_members(qs, scores, mentees)
        rows, cols, found = _optimal(sub, goal, qs, members, p_rows, solver)
        stats.update(found)
    elif method == "stable":
        rows, cols = deferred_acceptance(scores, sub.active, sub.cap)
    else:
        rows, cols = sequential(scores, sub.active, sub.cap)
    rows = np.concatenate([p_rows, rows]).astype(np.int64)
    cols = np.concatenate([p_cols, cols]).astype(np.int64)
    is_pinned = np.arange(len(rows)) < len(p_rows)
    stats["seconds"] = round(time.perf_counter() - started, 4)
    result = Assignment(scores, rows, cols, is_pinned, method, goal, stats)
    problems = violations(result)
    if problems:  # a bug, never the user's fault: refuse to hand out a wrong proposal
        raise MatchingError("internal error, the proposal breaks: " + "; ".join(problems))
    return result


def _optimal(sub: SubProblem, objective: Objective, quotas: list[Quota], members: np.ndarray,
             pinned_rows: np.ndarray, solver: Solver) -> Found:
    """The exact optimum of ``sub``: chooses the solver (flow on all pairs, priced flow,
    linear_sum_assignment or, for overlapping quotas, the integer program)."""
    n, m = len(sub), sub.scores.shape[1]
    bonus = (n + 1) * SCALE if objective == "coverage" else 0
    groups = None
    if quotas:
        if solver == "lsa":
            raise MatchingError("quotas need the flow solver, not lsa")
        if not disjoint(members):
            return milp(sub, bonus, quotas, members, pinned_rows)
        groups = flow_groups(quotas, members, sub.rows, pinned_rows)
    if n == 0 or m == 0:
        return empty(), empty(), {"solver": "none"}
    if solver == "lsa":
        return lsa(sub, bonus)
    net = Network(n, sub.cap, groups)
    if solver == "flow" or sub.count() <= FULL_ARCS:
        return full_flow(sub, bonus, net, quotas, members)
    return priced(sub, net, bonus, quotas, members)

"""What the solvers work on: the mentees still to match, the places left, pinned and
forbidden pairs, read in chunks so no full pair matrix is copied.

:func:`~mentorkit.matching.assignment.solve` takes pinned pairs out first (their mentees are
no longer to be matched, their mentors have fewer places), blocks forbidden pairs, and
hands the rest to a solver as a :class:`SubProblem`.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.scoring import score
>>> s = score(*synthetic_pool(20, seed=3))
>>> rows, cols = pinned_positions(s, [(int(s.mentee_ids[0]), int(s.mentor_ids[0]))])
>>> sub = SubProblem.of(s, pinned=(rows, cols))
>>> len(sub) == s.shape[0] - 1, bool(sub.cap[0] == max(s.remaining[0] - 1, 0))
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np

from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.scoring import CHUNK_PAIRS, Scores, to_int

__all__ = ["SubProblem", "chunks", "empty", "pinned_positions", "with_forbidden"]


def empty() -> np.ndarray:
    """No positions (int64)."""
    return np.empty(0, dtype=np.int64)


def chunks(n: int, m: int) -> Iterator[slice]:
    """Row slices of an ``n × m`` matrix, each about :data:`CHUNK_PAIRS` cells."""
    step = max(1, CHUNK_PAIRS // max(m, 1))
    for lo in range(0, n, step):
        yield slice(lo, min(n, lo + step))


class SubProblem:
    """The active rows of the problem, read in chunks (a view when all rows are active).

    ``rows`` are the active mentees' row positions in ``scores`` (a solver's local row
    ``k`` is ``rows[k]``); ``cap`` the places each mentor has left (never below 0).
    """

    def __init__(self, scores: Scores, active: np.ndarray, cap: np.ndarray) -> None:
        self.scores = scores
        self.active = active
        self.rows = np.flatnonzero(active)
        self.all = len(self.rows) == scores.shape[0]
        self.col_ok = cap > 0
        self.cap = np.maximum(cap, 0)

    @classmethod
    def of(cls, scores: Scores, pinned: tuple[np.ndarray, np.ndarray] | None = None
           ) -> SubProblem:
        """The problem left once the pinned pairs (row and column positions) are made."""
        p_rows, p_cols = pinned if pinned is not None else (empty(), empty())
        active = np.ones(scores.shape[0], dtype=bool)
        active[p_rows] = False
        cap = scores.remaining - np.bincount(p_cols, minlength=scores.shape[1])
        return cls(scores, active, cap)

    def __len__(self) -> int:
        return len(self.rows)

    def index(self, part: slice) -> slice | np.ndarray:
        """Row positions in ``scores`` of the local rows ``part``."""
        return part if self.all else self.rows[part]

    def block(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """Scores (float32) and feasibility of the active rows in ``part``."""
        idx = self.index(part)
        feasible = self.scores.blocked[idx] == 0
        feasible &= self.col_ok[None, :]
        return self.scores.total[idx], feasible

    def count(self) -> int:
        """How many feasible pairs the sub-problem has."""
        return sum(int(self.block(p)[1].sum()) for p in chunks(len(self), self.scores.shape[1]))

    def arcs(self, bonus: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every feasible pair: local rows, columns and integer weights (score + ``bonus``)."""
        rows, cols, weight = [], [], []
        for part in chunks(len(self), self.scores.shape[1]):
            total, feasible = self.block(part)
            r, c = np.nonzero(feasible)
            rows.append(r + part.start)
            cols.append(c)
            weight.append(to_int(total[r, c]) + bonus)
        if not rows:
            return empty(), empty(), empty()
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(weight)


def with_forbidden(scores: Scores, pairs: Iterable[tuple[int, int]]) -> Scores:
    """A copy of ``scores`` in which ``(mentee_id, mentor_id)`` pairs are blocked.

    Example
    -------
    >>> from mentorkit.synth.pool import synthetic_pool
    >>> from mentorkit.matching.scoring import score
    >>> s = score(*synthetic_pool(10, seed=1))
    >>> pair = (int(s.mentee_ids[0]), int(s.mentor_ids[0]))
    >>> bool(with_forbidden(s, [pair]).blocked[0, 0] & st.FORBIDDEN)
    True
    """
    from mentorkit.matching.scoring import _mark_pairs

    blocked = scores.blocked.copy()
    _mark_pairs(blocked, scores.demand, scores.supply, pairs, st.FORBIDDEN)
    return replace(scores, blocked=blocked)


def pinned_positions(scores: Scores, pinned: Iterable[tuple[int, int]]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Row and column positions of ``(mentee_id, mentor_id)`` pairs that must be made.

    Raises :class:`~mentorkit.errors.MatchingError` when a mentee is pinned twice, a pinned
    pair breaks a rule (other than capacity) or a mentor is pinned beyond its places.
    """
    pairs = list(pinned)
    if not pairs:
        return empty(), empty()
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

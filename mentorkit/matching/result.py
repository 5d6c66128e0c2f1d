"""An assignment's result: who is matched to whom, how it was found, its table, its checker.

:class:`Assignment` holds the matched pairs as row and column positions in the
:class:`~mentorkit.matching.scoring.Scores` they were made from; :meth:`Assignment.to_frame`
turns it into the proposal's table, and :func:`violations` checks it (the pairing that
networkx's ``maximal_matching`` / ``is_maximal_matching`` has).

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching import score, solve
>>> result = solve(score(*synthetic_pool(20, seed=3)))
>>> violations(result), list(result.to_frame(reasons=False).columns)
([], ['mentee_id', 'mentor_id', 'score', 'pinned'])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from mentorkit.matching import settings as st
from mentorkit.matching.reasons import pair_points, pair_reasons
from mentorkit.matching.scoring import Scores, to_int
from mentorkit.vocab import Lang

__all__ = ["Assignment", "violations"]

#: How an assignment is found: the exact optimum, deferred acceptance, or first come first served.
Method = Literal["optimal", "stable", "greedy"]
#: What the optimum maximises: the total score, or first the number matched ("coverage").
Objective = Literal["score", "coverage"]


@dataclass
class Assignment:
    """Who is matched to whom (row and column positions in ``scores``), and how it was found."""

    scores: Scores
    rows: np.ndarray
    cols: np.ndarray
    pinned: np.ndarray
    method: Method
    objective: Objective
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

    def to_frame(self, lang: Lang = "en", reasons: bool = True) -> pd.DataFrame:
        """One row per match, in the mentees' waiting order: mentee_id, mentor_id, score,
        pinned, and with ``reasons`` the top reasons (da/en/nl) and the breakdown (points per
        criterion)."""
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
            df["breakdown"] = pd.Series(
                [{c: round(float(points[c][k]), 6) for c in points} for k in range(len(rows))],
                index=df.index, dtype=object)
        return df

    def frame(self, lang: Lang = "en", reasons: bool = True) -> pd.DataFrame:
        """Deprecated: use :meth:`to_frame`."""
        warnings.warn("Assignment.frame() is deprecated; use Assignment.to_frame()",
                      DeprecationWarning, stacklevel=2)
        return self.to_frame(lang=lang, reasons=reasons)


def violations(result: Assignment) -> list[str]:
    """What an assignment breaks (empty when capacities and every hard rule hold).

    Example
    -------
    >>> from mentorkit.synth.pool import synthetic_pool
    >>> from mentorkit.matching import score, solve
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
        flags = int(np.bitwise_or.reduce(bad))
        out.append("a pair breaks the rule(s) " + ", ".join(st.rule_names(flags)))
    return out

"""Matching mentees to mentors (or to any supply with places): scores, reasons, assignment.

The public API (see ``docs/matching.md``):

- :func:`score` — every mentee–mentor pair scored at once (numpy), hard rules marked;
  returns :class:`Scores`.
- :func:`suggest` — the k best mentors for one mentee, with a reason per criterion in
  da/en/nl (:func:`prepare` encodes the mentors once, for dashboards).
- :func:`assign` — a batch proposal: ``optimal`` (exact, capacities, quotas, pinned and
  forbidden pairs, objective "score" or "coverage"), ``stable`` or ``greedy``;
  :func:`solve` does the same on precomputed scores and returns an :class:`Assignment`.
- :func:`explain` and :func:`why_not` — why a pair scores what it does, or is not proposed.
- :func:`run`, :func:`save_run`, :func:`load_run`, :func:`rerun` — reproducible match runs.
- :class:`MatchSettings`, :class:`Weights`, :class:`Rules`, :func:`slider_spec` — the one
  settings object with documented defaults.

Example
-------
>>> from mentorkit.matching import assign
>>> from mentorkit.synth.pool import synthetic_pool
>>> proposal = assign(*synthetic_pool(30, seed=1), objective="coverage")
>>> proposal.attrs["method"], proposal["mentee_id"].is_unique
('optimal', True)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mentorkit.matching.assignment import METHODS, OBJECTIVES, Assignment, assign, solve, violations
from mentorkit.matching.explanation import WhyNot, explain, why_not
from mentorkit.matching.features import Encoded, History, encode
from mentorkit.matching.quotas import Quota
from mentorkit.matching.scoring import Scores, score
from mentorkit.matching.settings import (
    CRITERIA,
    CRITERION_LABELS,
    MatchSettings,
    Rules,
    Weights,
    slider_spec,
)
from mentorkit.matching.stable import blocking_pairs
from mentorkit.matching.suggestions import prepare, suggest

if TYPE_CHECKING:
    from mentorkit.matching.runs import MatchRun, load_run, proposals, rerun, run, save_run

#: Names imported when first used: match runs read and write the database, so they pull in
#: SQLAlchemy, which scoring, suggestions and assignment do not need.
_LAZY = {name: "mentorkit.matching.runs"
         for name in ("MatchRun", "load_run", "proposals", "rerun", "run", "save_run")}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # once imported, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CRITERIA", "CRITERION_LABELS", "METHODS", "OBJECTIVES", "Assignment", "Encoded",
    "History", "MatchRun", "MatchSettings", "Quota", "Rules", "Scores", "Weights", "WhyNot",
    "assign", "blocking_pairs", "encode", "explain", "load_run", "prepare", "proposals",
    "rerun", "run", "save_run", "score", "slider_spec", "solve", "suggest", "violations",
    "why_not",
]

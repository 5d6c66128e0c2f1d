"""Match runs: what was matched, with which settings, on which input — saved and re-runnable.

A :class:`MatchRun` records the method, objective, weights and rules, capacity, quotas,
pinned and forbidden pairs, a fingerprint of the input (SHA-256 of the encoded mentees and
mentors, the earlier matches that matter, and the settings) and the result (ids and
scores only, never names). :func:`save_run` writes it to the store's ``match_run`` table in
one audited transaction; :func:`rerun` solves again from the stored settings and says
whether the input and the result are the same.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> mentees, mentors = synthetic_pool(30, seed=8)
>>> record, _ = run(mentees, mentors, made_by="doctest")
>>> check = rerun(record, mentees, mentors)
>>> check.same_input, check.same_result
(True, True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching.assignment import Assignment, ObjectiveName, Solver, solve
from mentorkit.matching.features import History, Side, encode
from mentorkit.matching.quotas import quotas_of
from mentorkit.matching.result import Method, Objective
from mentorkit.matching.scoring import score
from mentorkit.matching.settings import MatchSettings

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["MatchRun", "Rerun", "fingerprint", "load_run", "proposals", "rerun", "run",
           "save_run"]


@dataclass
class MatchRun:
    """One matching run: settings, input fingerprint and result."""

    method: Method
    objective: Objective
    settings: dict[str, Any]
    input_fingerprint: str
    result: dict[str, list[Any]]
    total_score: float
    n_mentees: int
    n_mentors: int
    programme_id: int | None = None
    made_by: str | None = None
    created_at: dt.datetime | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    mentorkit_version: str | None = None
    id: int | None = None

    @property
    def n_matched(self) -> int:
        return len(self.result.get("mentee_id", []))

    def to_frame(self) -> pd.DataFrame:
        """The result as a table (mentee_id, mentor_id, score, pinned)."""
        return pd.DataFrame(self.result)

    def pairs(self) -> pd.DataFrame:
        """Deprecated: use :meth:`to_frame`."""
        import warnings

        warnings.warn("MatchRun.pairs() is deprecated; use MatchRun.to_frame()",
                      DeprecationWarning, stacklevel=2)
        return self.to_frame()


def _sorted_pairs(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    return sorted([int(a), int(b)] for a, b in pairs)


def run(mentees: pd.DataFrame, mentors: pd.DataFrame, matches: pd.DataFrame | None = None, *,
        weights: Any = None, rules: Any = None, method: Method = "optimal",
        objective: ObjectiveName = "score", quotas: Any = None,
        pinned: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
        capacity: str | int = "capacity", solver: Solver = "auto",
        programme_id: int | None = None, made_by: str | None = None
        ) -> tuple[MatchRun, Assignment]:
    """Score, assign and record: the run (to save) and the assignment (to show)."""
    if not isinstance(capacity, (str, int)):
        raise MatchingError("a recorded run needs capacity as a column name or one number")
    settings = MatchSettings.of(weights, rules)
    pinned_pairs, forbidden_pairs = _sorted_pairs(pinned), _sorted_pairs(forbidden)
    recorded = {
        **settings.to_dict(), "capacity": capacity, "solver": solver,
        "quotas": [q.to_dict() for q in quotas_of(quotas)],
        "pinned": pinned_pairs, "forbidden": forbidden_pairs,
    }
    scores = score(mentees, mentors, settings, matches=matches, capacity=capacity)
    result = solve(scores, method, objective=objective, quotas=quotas, mentees=mentees,
                   pinned=[(a, b) for a, b in pinned_pairs],
                   forbidden=[(a, b) for a, b in forbidden_pairs], solver=solver)
    frame = result.to_frame(reasons=False)
    from mentorkit import __version__

    record = MatchRun(
        method=method, objective=result.objective, settings=recorded,
        input_fingerprint=fingerprint(mentees, mentors, matches, recorded),
        result={"mentee_id": frame["mentee_id"].astype(int).tolist(),
                "mentor_id": frame["mentor_id"].astype(int).tolist(),
                "score": [round(float(x), 6) for x in frame["score"]],
                "pinned": frame["pinned"].astype(bool).tolist()},
        total_score=round(result.total, 6), n_mentees=len(mentees), n_mentors=len(mentors),
        programme_id=programme_id, made_by=made_by,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        stats={k: v for k, v in result.stats.items() if k != "seconds"},
        mentorkit_version=__version__,
    )
    return record, result


def fingerprint(mentees: pd.DataFrame, mentors: pd.DataFrame, matches: pd.DataFrame | None,
                settings: dict[str, Any]) -> str:
    """SHA-256 of everything a run's result depends on.

    The mentees and mentors enter in their encoded form (ids and every matching field,
    whatever the column order or dtype), the earlier matches as places taken, declined
    pairs and matched mentees, the quota columns as text, and the settings as JSON.
    """
    h = hashlib.sha256()
    capacity = settings.get("capacity", "capacity")
    sides: tuple[tuple[Side, pd.DataFrame], ...] = (("demand", mentees), ("supply", mentors))
    for side, frame in sides:
        e = encode(frame, side, capacity if side == "supply" else "capacity")
        for name in ("ids", "programme", "gender", "wants_gender", "sector", "education",
                     "birth_year", "postcode", "area", "neighbourhood", "languages",
                     "language_level", "goals", "availability", "capacity", "order"):
            h.update(name.encode())
            h.update(np.ascontiguousarray(getattr(e, name)).tobytes())
    rules = settings.get("rules", {})
    history = History.of(matches, rules.get("load_statuses", ("active", "proposed")))
    h.update(json.dumps({"load": sorted(history.load.items()),
                         "declined": sorted(history.declined),
                         "matched": sorted(history.matched)}).encode())
    for q in settings.get("quotas", []):
        column = mentees[q["field"]] if q["field"] in mentees.columns else pd.Series([], dtype=str)
        h.update(json.dumps(column.astype(object).astype(str).tolist()).encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return h.hexdigest()


@dataclass
class Rerun:
    """The outcome of running a recorded run again."""

    same_input: bool
    same_result: bool
    run: MatchRun


def rerun(record: MatchRun, mentees: pd.DataFrame, mentors: pd.DataFrame,
          matches: pd.DataFrame | None = None) -> Rerun:
    """Run again with the recorded settings; compare fingerprints and results.

    The input must be what the run saw (for the store: the same people, and the matches as
    they were then); ``same_input`` says whether it is.
    """
    s = record.settings
    # a run recorded before the local_language criterion existed had no such weight
    weights = {"local_language": 0.0, **s["weights"]}
    again, _ = run(mentees, mentors, matches, weights=weights, rules=s["rules"],
                   method=record.method, objective=record.objective, quotas=s["quotas"],
                   pinned=[tuple(p) for p in s["pinned"]],
                   forbidden=[tuple(p) for p in s["forbidden"]], capacity=s["capacity"],
                   solver=s.get("solver", "auto"), programme_id=record.programme_id,
                   made_by=record.made_by)
    return Rerun(again.input_fingerprint == record.input_fingerprint,
                 _same_result(again.result, record.result), again)


def _same_result(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> bool:
    pairs_a = sorted(zip(a["mentee_id"], a["mentor_id"]))
    pairs_b = sorted(zip(b["mentee_id"], b["mentor_id"]))
    return pairs_a == pairs_b


_COLUMNS = ("programme_id", "created_at", "made_by", "method", "objective", "settings",
            "input_fingerprint", "n_mentees", "n_mentors", "n_matched", "total_score", "result",
            "stats", "mentorkit_version")


def save_run(store: Store, record: MatchRun, actor: str | None = None) -> int:
    """Write the run to the ``match_run`` table in one transaction, audited; returns its id
    (:meth:`Store.add_match_run <mentorkit.store.Store.add_match_run>`)."""
    values = {c: getattr(record, c) for c in _COLUMNS if c != "n_matched"}
    values["n_matched"] = record.n_matched
    new_id = store.add_match_run(values, actor=actor or record.made_by)
    record.id = new_id
    return new_id


def load_run(store: Store, run_id: int) -> MatchRun:
    """A saved run by its id (:class:`NotFoundError` if there is none)."""
    data = store.get_match_run(run_id)
    data.pop("n_matched", None)
    return MatchRun(**data)


def proposals(result: Assignment | pd.DataFrame, programme_id: int, made_by: str,
              proposed_on: dt.date | None = None) -> pd.DataFrame:
    """Rows for the ``match`` table (status "proposed", score and breakdown) from a proposal.

    Example
    -------
    >>> from mentorkit.synth.pool import synthetic_pool
    >>> from mentorkit.matching import assign
    >>> df = proposals(assign(*synthetic_pool(10, seed=9)), programme_id=1, made_by="run 1")
    >>> sorted(set(df["status"]))
    ['proposed']
    """
    frame = result.to_frame() if isinstance(result, Assignment) else result
    day = proposed_on or dt.date.today()
    return pd.DataFrame({
        "programme_id": programme_id,
        "mentee_id": frame["mentee_id"].astype("Int64").to_numpy(),
        "mentor_id": frame["mentor_id"].astype("Int64").to_numpy(),
        "status": "proposed",
        "proposed_on": pd.Timestamp(day),
        "score": frame["score"].astype(float).round(6).to_numpy(),
        "score_breakdown": list(frame["breakdown"]) if "breakdown" in frame else None,
        "made_by": made_by,
    })

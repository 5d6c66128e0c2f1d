"""Tables for the matching study: optimal vs stable vs greedy on a programme's data.

Everything here takes DataFrames and returns DataFrames of counts, shares and scores by
method and group — ids at most, never names — with counts under ``min_cell`` suppressed
(shown as missing), as in published tables.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.2)
>>> mentees, mentors, history = pool(ds.person, ds.match, programme=5, waiting="cohort")
>>> summary, results = compare(mentees, mentors, history)
>>> summary["method"].tolist()
['optimal', 'stable', 'greedy']
>>> bool(summary.loc[0, "total_score"] >= summary["total_score"].max() - 1e-9)
True
"""

from __future__ import annotations

import time
from typing import Any, Iterable

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.assign import Assignment, solve
from mentorkit.matching.greedy import stretched
from mentorkit.matching.scoring import Scores, score

__all__ = ["blocked_shares", "compare", "example_pair", "greedy_pressure", "pool",
           "programme_id", "score_distribution", "unmatched_by_group", "unmatched_table"]

STARTED = ("active", "completed", "ended_early", "proposed")


def programme_id(programmes: pd.DataFrame, programme: int | str | None) -> int | None:
    """The id of a programme given by id or name ("" or None: all programmes)."""
    if programme is None or programme == "":
        return None
    if isinstance(programme, (int, np.integer)) or str(programme).isdigit():
        pid = int(programme)
        if pid not in set(programmes["id"].astype(int)):
            raise MatchingError(f"no programme with id {pid}")
        return pid
    found = programmes.loc[programmes["name"].str.casefold() == str(programme).casefold(), "id"]
    if found.empty:
        raise MatchingError(f"no programme called {programme!r}; known: "
                            f"{', '.join(programmes['name'])}")
    return int(found.iloc[0])


def pool(people: pd.DataFrame, matches: pd.DataFrame | None, programme: int | None = None,
         waiting: str = "waiting") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Mentees and mentors to match, and the match history the scoring should see.

    ``waiting="waiting"``: mentees who never had a match (proposed, active or finished)
    and the mentors with their places as they are now (history: all matches).
    ``waiting="cohort"``: every mentee and mentor as if all were matched at once
    (history: only the declined pairs), which gives a programme-sized study.
    """
    if waiting not in ("waiting", "cohort"):
        raise MatchingError("waiting must be 'waiting' or 'cohort'")
    people = people if programme is None else people[people["programme_id"] == programme]
    mentees = people[people["role"] == "mentee"].reset_index(drop=True)
    mentors = people[people["role"] == "mentor"].reset_index(drop=True)
    if matches is None or waiting == "cohort":
        history = None if matches is None else matches[matches["status"] == "declined"]
        return mentees, mentors, history
    started = matches.loc[matches["status"].isin(STARTED), "mentee_id"]
    mentees = mentees[~mentees["id"].isin(started)].reset_index(drop=True)
    return mentees, mentors, matches


def compare(mentees: pd.DataFrame, mentors: pd.DataFrame, matches: pd.DataFrame | None = None,
            weights: Any = None, methods: Iterable[str] = ("optimal", "stable", "greedy"),
            objective: str = "score", rules: Any = None
            ) -> tuple[pd.DataFrame, dict[str, Assignment]]:
    """Each method on the same scores: matched, share, total and mean score, gap to optimal."""
    s = score(mentees, mentors, weights, rules, matches)
    results: dict[str, Assignment] = {}
    rows = []
    for method in methods:
        started = time.perf_counter()
        result = solve(s, method, objective=objective if method == "optimal" else "score")
        results[method] = result
        rows.append({"method": method, "matched": result.n_matched,
                     "share_matched": result.n_matched / max(len(mentees), 1),
                     "total_score": result.total,
                     "mean_score": result.total / max(result.n_matched, 1),
                     "seconds": time.perf_counter() - started})
    summary = pd.DataFrame(rows)
    best = summary["total_score"].max()
    summary["gap_to_optimal_pct"] = (100 * (best - summary["total_score"]) / best
                                     if best > 0 else 0.0)
    could = int((s.blocked == 0).any(axis=1).sum())
    summary["could_be_matched"] = could
    return summary, results


def unmatched_by_group(mentees: pd.DataFrame, results: dict[str, Assignment],
                       by: Iterable[str] = ("gender", "country_of_origin", "language_level"),
                       min_cell: int = 5) -> pd.DataFrame:
    """Per method, grouping and group: mentees, unmatched, share unmatched.

    Groups with fewer than ``min_cell`` mentees, or fewer than ``min_cell`` unmatched (but
    some), show the count as missing (suppressed) and no share.
    """
    out = []
    ids = mentees.set_index(pd.to_numeric(mentees["id"]).astype("int64"))
    for method, result in results.items():
        matched = set(result.scores.mentee_ids[result.rows].tolist())
        left = ~ids.index.isin(list(matched))
        for field in by:
            if field not in ids.columns:
                continue
            values = ids[field].astype(object).fillna("unknown").astype(str)
            for value, members in values.groupby(values).groups.items():
                mask = ids.index.isin(members)
                n, k = int(mask.sum()), int((mask & left).sum())
                small = n < min_cell or 0 < k < min_cell
                out.append({"method": method, "grouping": field, "group": value,
                            "mentees": n if n >= min_cell else np.nan,
                            "unmatched": np.nan if small else k,
                            "share_unmatched": np.nan if small else k / n})
    return pd.DataFrame(out)


def unmatched_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`unmatched_by_group` as percent unmatched, one column per method."""
    wide = table.set_index(["grouping", "group", "method"])["share_unmatched"]
    return (100 * wide.unstack("method")).round(1)


def score_distribution(results: dict[str, Assignment]) -> pd.DataFrame:
    """Long table of the matched pairs' scores per method (no ids)."""
    frames = [pd.DataFrame({"method": method,
                            "score": r.scores.total[r.rows, r.cols].astype(float)})
              for method, r in results.items()]
    return pd.concat(frames, ignore_index=True)


def blocked_shares(scores: Scores, lang: str | None = None) -> pd.DataFrame:
    """How many pairs each hard rule blocks (a pair can be blocked by several)."""
    total = scores.blocked.size
    rows = [{"rule": st.rule_names(flag, lang)[0] if lang else name,
             "pairs": int(((scores.blocked & flag) != 0).sum())}
            for flag, (name, _) in st.RULE_LABELS.items()]
    rows.append({"rule": "any", "pairs": int((scores.blocked != 0).sum())})
    df = pd.DataFrame(rows)
    df["share"] = df["pairs"] / max(total, 1)
    df["percent"] = (100 * df["share"]).round(2)
    return df[df["pairs"] > 0].reset_index(drop=True)


def greedy_pressure(results: dict[str, Assignment], lang: str | None = None) -> pd.DataFrame:
    """What a coordinator filling every gap greedily is pushed into, next to the optimum.

    Rows: mentees matched by the optimum, by greedy, and by greedy when it then fills the
    gaps ignoring the rules; and how many of those extra pairs break a rule (by rule).
    """
    optimal, greedy = results["optimal"], results["greedy"]
    filled = stretched(optimal.scores, lang)
    broken = filled[filled["forbidden"]]
    rows = [
        {"measure": "matched by optimal", "value": optimal.n_matched},
        {"measure": "matched by greedy", "value": greedy.n_matched},
        {"measure": "greedy gap to optimal total score (%)",
         "value": round(100 * (optimal.total - greedy.total) / optimal.total, 2)
         if optimal.total > 0 else 0.0},
        {"measure": "greedy filling every gap: pairs", "value": len(filled)},
        {"measure": "… of which break a rule", "value": len(broken)},
    ]
    for rule, k in broken["rules"].str.split(", ").explode().value_counts().items():
        rows.append({"measure": f"… broken rule: {rule}", "value": int(k)})
    return pd.DataFrame(rows)


def example_pair(result: Assignment) -> tuple[int, int]:
    """A mentee (first in waiting order) whose best-scoring allowed mentor is not the one
    the proposal gives it, and that mentor: a good case for :func:`why_not`."""
    s = result.scores
    proposed = dict(zip(result.rows.tolist(), result.cols.tolist()))
    for i in np.argsort(s.demand.order, kind="stable"):
        allowed = np.flatnonzero(s.blocked[i] == 0)
        if len(allowed) == 0:
            continue
        best = int(allowed[np.argmax(s.total[i, allowed])])
        if proposed.get(int(i)) != best:
            return int(s.mentee_ids[i]), int(s.mentor_ids[best])
    raise MatchingError("every mentee got its best mentor: nothing to explain")

"""Tables for the matching study: optimal vs stable vs greedy on a programme's data.

Everything here takes DataFrames and returns DataFrames of counts, shares and scores by
method and group — ids at most, never names. The matching study is a coordinator's planning
tool and reads the case store (exact attributes, real ids: a proposal is acted on), but its
count tables are made to be copied into a report: every count goes through
:func:`mentorkit.privacy.suppress` (primary and secondary suppression with the totals the
table shows or implies), blanks are missing values, and shares built on a blank are blank.
``min_cell`` is the threshold; 0 takes the setting ``MENTORKIT_MIN_CELL``.

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
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.assignment import Assignment, ObjectiveName, solve
from mentorkit.matching.greedy import stretched
from mentorkit.matching.result import Method
from mentorkit.matching.scoring import Scores, score
from mentorkit.privacy.suppression import threshold
from mentorkit.programmes import programme_id
from mentorkit.vocab import Lang

__all__ = ["blocked_shares", "compare", "example_pair", "greedy_pressure", "method_summary",
           "pool", "pool_sizes", "programme_id", "score_distribution", "threshold",
           "unmatched_by_group", "unmatched_table"]

#: The statuses of a match that take a mentee off the waiting list: every match that began
#: (:data:`mentorkit.vocab.STARTED_MATCH_STATUSES`) and a proposal not yet answered.
NOT_WAITING: tuple[str, ...] = (*vocab.STARTED_MATCH_STATUSES, "proposed")


def __getattr__(name: str) -> Any:
    if name == "STARTED":  # the old name of NOT_WAITING, which is not the started statuses
        import warnings

        warnings.warn("mentorkit.matching.study.STARTED is now NOT_WAITING (it includes "
                      "'proposed'; the statuses of a match that began are "
                      "mentorkit.vocab.STARTED_MATCH_STATUSES)", DeprecationWarning,
                      stacklevel=2)
        return NOT_WAITING
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _parts(part: Iterable[int], whole: Iterable[int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``part`` and ``whole`` (part + rest = whole) through
    :func:`mentorkit.privacy.suppress` with the whole as the row's total: a count and what it
    leaves out of its whole are hidden together. Blanks are NaN."""
    from mentorkit.privacy import suppress

    shown_part, shown_whole = [], []
    for p, w in zip(part, whole):
        row = suppress(pd.DataFrame({"part": [int(p)], "rest": [int(w) - int(p)]}), k)
        shown_part.append(row.iat[0, 0])
        shown_whole.append(row.iat[0, 2])
    return (np.array([_number(x) for x in shown_part]),
            np.array([_number(x) for x in shown_whole]))


def _number(value: Any) -> float:
    """A published count as a float, NaN where it is blank."""
    return np.nan if pd.isna(value) else float(value)


def pool_sizes(pools: dict[str, tuple[pd.DataFrame, pd.DataFrame]], min_cell: int | None = 0
               ) -> pd.DataFrame:
    """Mentees and mentors of each pool (e.g. today's batch, the whole cohort), through
    :func:`mentorkit.privacy.suppress` (no totals: the pools overlap).

    Example
    -------
    >>> one = pd.DataFrame({"id": range(12)})
    >>> pool_sizes({"batch": (one.head(3), one)}, min_cell=5).iloc[0].tolist()
    [<NA>, 12]
    """
    from mentorkit.privacy import suppress

    counts = pd.DataFrame({"mentees": [len(a) for a, _ in pools.values()],
                           "mentors": [len(b) for _, b in pools.values()]},
                          index=list(pools))
    return suppress(counts, threshold(min_cell), margins=False)


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
    taken = matches.loc[matches["status"].isin(NOT_WAITING), "mentee_id"]
    mentees = mentees[~mentees["id"].isin(taken)].reset_index(drop=True)
    return mentees, mentors, matches


def compare(mentees: pd.DataFrame, mentors: pd.DataFrame, matches: pd.DataFrame | None = None,
            weights: Any = None, methods: Iterable[Method] = ("optimal", "stable", "greedy"),
            objective: ObjectiveName = "score", rules: Any = None
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


def method_summary(summary: pd.DataFrame, mentees: int, min_cell: int | None = 0
                   ) -> pd.DataFrame:
    """:func:`compare`'s summary as it may be shown: ``matched`` (and the mentees left out,
    ``mentees - matched``) and ``could_be_matched`` (and those no mentor is allowed for)
    through :func:`mentorkit.privacy.suppress` with the pool's mentees as their total; the
    shares built on them are blank with them. Scores, gaps and seconds are not counts.

    Example
    -------
    >>> s = pd.DataFrame({"method": ["optimal"], "matched": [37], "share_matched": [0.925],
    ...                   "total_score": [30.1], "could_be_matched": [40]})
    >>> method_summary(s, mentees=40, min_cell=5)[["matched", "share_matched"]].iloc[0].tolist()
    [nan, nan]
    """
    k = threshold(min_cell)
    out = summary.copy()
    matched, _ = _parts(summary["matched"], [mentees] * len(summary), k)
    out["matched"] = matched
    out["share_matched"] = np.where(np.isnan(matched), np.nan,
                                    matched / max(mentees, 1))
    if "could_be_matched" in summary:
        out["could_be_matched"] = _parts(summary["could_be_matched"], [mentees] * len(summary),
                                         k)[0]
    return out


def unmatched_by_group(mentees: pd.DataFrame, results: dict[str, Assignment],
                       by: Iterable[str] = ("gender", "country_of_origin", "language_level"),
                       min_cell: int | None = 0) -> pd.DataFrame:
    """Per method, grouping and group: mentees, unmatched, share unmatched.

    For each method and grouping, the groups by matched and unmatched go through
    :func:`mentorkit.privacy.suppress` with their totals (mentees per group, matched and
    unmatched in all, the pool): a group with fewer than ``min_cell`` mentees, or with a
    small number matched or left out, is blank, and so is whatever would give it back
    through a total. Blanks are NaN, and the share is blank where a count it is built on is.
    """
    from mentorkit.privacy import suppress

    k = threshold(min_cell)
    out = []
    ids = mentees.set_index(pd.to_numeric(mentees["id"]).astype("int64"))
    for method, result in results.items():
        matched = set(result.scores.mentee_ids[result.rows].tolist())
        left = pd.Series(np.where(ids.index.isin(list(matched)), "matched", "unmatched"),
                         index=ids.index)
        for field in by:
            if field not in ids.columns:
                continue
            values = ids[field].astype(object).fillna("unknown").astype(str)
            table = pd.crosstab(values, left).reindex(columns=["matched", "unmatched"],
                                                      fill_value=0)
            shown = suppress(table, k)
            for value in table.index:
                n, u = shown.at[value, "Total"], shown.at[value, "unmatched"]
                out.append({"method": method, "grouping": field, "group": value,
                            "mentees": _number(n), "unmatched": _number(u),
                            "share_unmatched": _number(u) / _number(n)})
    return pd.DataFrame(out, columns=["method", "grouping", "group", "mentees", "unmatched",
                                      "share_unmatched"])


def unmatched_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`unmatched_by_group` as percent unmatched, one column per method (blank where
    the suppressed table is)."""
    wide = table.set_index(["grouping", "group", "method"])["share_unmatched"]
    return (100 * wide.unstack("method")).round(1)


def score_distribution(results: dict[str, Assignment]) -> pd.DataFrame:
    """Long table of the matched pairs' scores per method (no ids).

    Not a count table: one score per proposed pair, for a histogram of how good the pairs
    are. It holds no ids and no attribute of anyone, so a bar of one pair tells nothing
    about a person.
    """
    frames = [pd.DataFrame({"method": method,
                            "score": r.scores.total[r.rows, r.cols].astype(float)})
              for method, r in results.items()]
    return pd.concat(frames, ignore_index=True)


def blocked_shares(scores: Scores, lang: Lang | None = None, min_cell: int | None = 0
                   ) -> pd.DataFrame:
    """How many pairs each hard rule blocks (a pair can be blocked by several).

    Each rule's pairs, and the pairs it leaves allowed, go through
    :func:`mentorkit.privacy.suppress` with all pairs (mentees times mentors) as their
    total; the share is blank with them.
    """
    total = scores.blocked.size
    rows = [{"rule": st.rule_names(flag, lang)[0] if lang else name,
             "pairs": int(((scores.blocked & flag) != 0).sum())}
            for flag, name in st.RULE_NAMES.items()]
    rows.append({"rule": "any", "pairs": int((scores.blocked != 0).sum())})
    df = pd.DataFrame(rows)
    df = df[df["pairs"] > 0].reset_index(drop=True)
    df["pairs"] = _parts(df["pairs"], [total] * len(df), threshold(min_cell))[0]
    df["share"] = df["pairs"] / max(total, 1)
    df["percent"] = (100 * df["share"]).round(2)
    return df


def greedy_pressure(results: dict[str, Assignment], lang: Lang | None = None,
                    min_cell: int | None = 0) -> pd.DataFrame:
    """What a coordinator filling every gap greedily is pushed into, next to the optimum.

    Rows: mentees matched by the optimum, by greedy, and by greedy when it then fills the
    gaps ignoring the rules; and how many of those extra pairs break a rule (by rule).
    The mentees matched go through :func:`mentorkit.privacy.suppress` with the pool's
    mentees as their total (as in :func:`method_summary`), the rule-breaking pairs with the
    pairs filled; the pairs per rule (a pair can break several) on their own. The gap in
    percent is not a count.
    """
    from mentorkit.privacy import suppress

    k = threshold(min_cell)
    optimal, greedy = results["optimal"], results["greedy"]
    mentees = len(optimal.scores.mentee_ids)
    filled = stretched(optimal.scores, lang)
    broken = filled[filled["forbidden"]]
    by_matched = _parts([optimal.n_matched, greedy.n_matched], [mentees, mentees], k)[0]
    broke, pairs = _parts([len(broken)], [len(filled)], k)
    rows = [
        {"measure": "matched by optimal", "value": by_matched[0]},
        {"measure": "matched by greedy", "value": by_matched[1]},
        {"measure": "greedy gap to optimal total score (%)",
         "value": round(100 * (optimal.total - greedy.total) / optimal.total, 2)
         if optimal.total > 0 else 0.0},
        {"measure": "greedy filling every gap: pairs", "value": pairs[0]},
        {"measure": "… of which break a rule", "value": broke[0]},
    ]
    per_rule = broken["rules"].str.split(", ").explode().value_counts()
    shown = suppress(per_rule.astype("int64"), k, margins=False) if len(per_rule) else per_rule
    for rule, n in shown.items():
        rows.append({"measure": f"… broken rule: {rule}",
                     "value": _number(n)})
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

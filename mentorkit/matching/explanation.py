"""Why a pair scores what it scores, in Danish, English and Dutch, and why a pair is not proposed.

Every pair's score is the sum of its points per criterion (:func:`explain` shows them with
a reason each); :func:`why_not` says which rule blocks a pair, or which criteria and which
other mentees keep it out of a proposal, and what forcing it would cost.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.scoring import score
>>> s = score(*synthetic_pool(20, seed=6))
>>> table = explain(s, int(s.mentee_ids[0]), int(s.mentor_ids[0]), lang="da")
>>> bool(abs(table["points"].sum() - float(s.total[0, 0])) < 1e-6)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.i18n import Catalogue
from mentorkit.matching import settings as st
from mentorkit.matching.assignment import solve
from mentorkit.matching.reasons import pair_points, pair_reasons, reason_texts
from mentorkit.matching.result import Assignment
from mentorkit.matching.scoring import Scores, coefficients
from mentorkit.matching.settings import CRITERIA, CRITERION_LABELS
from mentorkit.vocab import Lang

# pair_points, pair_reasons and reason_texts live in mentorkit.matching.reasons (what a
# proposal's table and these explanations both need); they stay importable from here.
__all__ = ["WhyNot", "explain", "pair_points", "pair_reasons", "reason_texts", "why_not"]

#: The texts of :func:`why_not` (the reasons per criterion are in
#: :data:`mentorkit.matching.reasons.TEXT`).
TEXT = Catalogue("matching.why_not", {
    "why.blocked": {"da": "Ikke tilladt: {r}", "en": "Not allowed: {r}",
                    "nl": "Niet toegestaan: {r}"},
    "why.in": {"da": "Parret er med i forslaget", "en": "The pair is in the proposal",
               "nl": "Het koppel zit in het voorstel"},
    "why.other_mentor": {"da": "Mentee får i stedet mentor {j} (score {s} mod {t}); bedre på: {c}",
                         "en": "The mentee gets mentor {j} instead (score {s} against {t}); "
                               "better on: {c}",
                         "nl": "De mentee krijgt mentor {j} (score {s} tegen {t}); beter op: {c}"},
    "why.unmatched": {"da": "Mentee står uden match i forslaget",
                      "en": "The mentee is left unmatched",
                      "nl": "De mentee blijft zonder match"},
    "why.full": {"da": "Mentorens pladser går til mentee {i}",
                 "en": "The mentor's places go to mentee(s) {i}",
                 "nl": "De plekken van de mentor gaan naar mentee(s) {i}"},
    "why.loss": {"da": "At tvinge parret sænker totalen med {d}",
                 "en": "Forcing this pair lowers the total by {d}",
                 "nl": "Dit koppel afdwingen verlaagt het totaal met {d}"},
    "why.gain": {"da": "At tvinge parret ændrer ikke totalen",
                 "en": "Forcing this pair costs nothing",
                 "nl": "Dit koppel afdwingen kost niets"},
    "why.best": {"da": "Mentorens score {t} mod mentees bedste {s} (mentor {j})",
                 "en": "This mentor scores {t} against the mentee's best {s} (mentor {j})",
                 "nl": "Deze mentor scoort {t} tegen de beste {s} (mentor {j})"},
})


def _t(key: str, lang: Lang, **kw: Any) -> str:
    return TEXT.text(key, lang, **kw)


def explain(scores: Scores, mentee_id: int, mentor_id: int, lang: Lang = "en") -> pd.DataFrame:
    """One row per criterion: label, weight, value (0–1), points and reason.

    The points add up to the pair's score.
    """
    i = int(scores.demand.position([mentee_id])[0])
    j = int(scores.supply.position([mentor_id])[0])
    return _explain_positions(scores, i, j, lang)


def _explain_positions(scores: Scores, i: int, j: int, lang: Lang) -> pd.DataFrame:
    values = scores.values(np.array([i]), np.array([j]))
    coef = coefficients(scores.settings)
    weights = scores.settings.weights.as_dict()
    v = {c: float(values[c][0, 0]) for c in CRITERIA}
    texts = reason_texts(scores.demand, scores.supply, i, j, v, lang,
                         scores.settings.rules.local_languages)
    return pd.DataFrame({
        "criterion": list(CRITERIA),
        "label": [CRITERION_LABELS.text(c, lang) for c in CRITERIA],
        "weight": [weights[c] for c in CRITERIA],
        "value": [v[c] for c in CRITERIA],
        "points": [float(coef[c] * values[c][0, 0]) for c in CRITERIA],
        "reason": [texts[c] for c in CRITERIA],
    })


@dataclass
class WhyNot:
    """Why a pair is not (or is) in a proposal."""

    mentee_id: int
    mentor_id: int
    score: float
    rules: list[str]
    in_proposal: bool
    proposed_mentor_id: int | None
    criteria: pd.DataFrame
    loss: float | None
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def why_not(scores: Scores, mentee_id: int, mentor_id: int, proposal: Assignment | None = None,
            lang: Lang = "en", cost: bool = True) -> WhyNot:
    """Which rule or criteria keep mentee ``mentee_id`` and mentor ``mentor_id`` apart.

    Parameters
    ----------
    scores : the scores the proposal was made from.
    proposal : an :class:`~mentorkit.matching.result.Assignment` (or None: then the pair is
        compared with the mentee's best allowed mentor).
    cost : with an optimal proposal, solve again with the pair pinned and report how much
        the total drops (skipped for problems over two million pairs).

    Example
    -------
    >>> from mentorkit.synth.pool import synthetic_pool
    >>> from mentorkit.matching.scoring import score
    >>> from mentorkit.matching.assignment import solve
    >>> s = score(*synthetic_pool(20, seed=6))
    >>> result = solve(s)
    >>> w = why_not(s, int(s.mentee_ids[0]), int(s.mentor_ids[3]), result)
    >>> isinstance(w.text, str) and len(w.lines) > 0
    True
    """
    i = int(scores.demand.position([mentee_id])[0])
    j = int(scores.supply.position([mentor_id])[0])
    flags = int(scores.blocked[i, j])
    this = _explain_positions(scores, i, j, lang)
    total = float(scores.total[i, j])
    lines: list[str] = []
    rules = st.rule_names(flags, lang)
    if flags:
        lines.append(_t("why.blocked", lang, r=", ".join(rules)))
    other: int | None = None
    in_proposal = False
    loss: float | None = None
    if proposal is not None:
        rows, cols = proposal.rows, proposal.cols
        in_proposal = bool(((rows == i) & (cols == j)).any())
        if in_proposal:
            lines.append(_t("why.in", lang))
        mine = np.flatnonzero(rows == i)
        if not in_proposal and len(mine):
            other = int(cols[mine[0]])
        elif not in_proposal:
            lines.append(_t("why.unmatched", lang))
        takers = rows[cols == j]
        load = len(takers)
        if not in_proposal and load >= scores.remaining[j] and load:
            lines.append(_t("why.full", lang, i=", ".join(
                str(int(scores.mentee_ids[r])) for r in takers)))
        if (cost and not flags and not in_proposal and proposal.method == "optimal"
                and scores.total.size <= 2_000_000 and not proposal.stats.get("quotas")):
            loss = _forcing_cost(scores, proposal, int(mentee_id), int(mentor_id))
            if loss == loss:  # not nan: the pair could be forced
                lines.append(_t("why.loss", lang, d=f"{loss:.3f}") if loss > 1e-9
                             else _t("why.gain", lang))
    elif not flags:
        feasible = np.flatnonzero(scores.blocked[i] == 0)
        if len(feasible):
            best = int(feasible[np.argmax(scores.total[i, feasible])])
            if best != j:
                other = best
    criteria = this.rename(columns={"points": "points_this", "reason": "reason_this"})
    if other is not None:
        that = _explain_positions(scores, i, other, lang)
        criteria["points_other"] = that["points"].to_numpy()
        criteria["reason_other"] = that["reason"].to_numpy()
        criteria["difference"] = criteria["points_this"] - criteria["points_other"]
        better = criteria.loc[criteria["difference"] < -1e-9].sort_values("difference")
        key = "why.other_mentor" if proposal is not None else "why.best"
        lines.append(_t(key, lang, j=int(scores.mentor_ids[other]),
                        s=f"{float(scores.total[i, other]):.3f}", t=f"{total:.3f}",
                        c=", ".join(better["label"].tolist()) or "-"))
    return WhyNot(int(mentee_id), int(mentor_id), total, rules, in_proposal,
                  None if other is None else int(scores.mentor_ids[other]), criteria, loss,
                  lines)


def _forcing_cost(scores: Scores, proposal: Assignment, mentee_id: int, mentor_id: int
                  ) -> float:
    pinned = [(int(scores.mentee_ids[r]), int(scores.mentor_ids[c]))
              for r, c, p in zip(proposal.rows, proposal.cols, proposal.pinned) if p]
    pinned = [p for p in pinned if p[0] != mentee_id] + [(mentee_id, mentor_id)]
    try:
        forced = solve(scores, "optimal", objective=proposal.objective, pinned=pinned)
    except MatchingError:
        return float("nan")
    return max(0.0, proposal.total - forced.total)

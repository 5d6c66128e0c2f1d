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

from mentorkit import vocab
from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.features import (
    AVAILABILITY_BITS, GOAL_BITS, LANGUAGE_BITS, N_EDUCATION, N_SECTORS, Encoded,
)
from mentorkit.matching.scoring import Scores, coefficients, criterion_values
from mentorkit.matching.settings import CRITERIA, CRITERION_LABELS

__all__ = ["WhyNot", "explain", "pair_points", "pair_reasons", "reason_texts", "why_not"]

LANG_INDEX = {"da": 0, "en": 1, "nl": 2}

TEXT: dict[str, tuple[str, str, str]] = {
    "sector.same": ("Samme branche: {m}", "Same sector: {m}", "Zelfde sector: {m}"),
    "sector.related": ("Beslægtet branche: {m} (mentee: {e})",
                       "Related sector: {m} (mentee aims for {e})",
                       "Verwante sector: {m} (mentee: {e})"),
    "sector.other": ("Anden branche: {m} (mentee: {e})", "Other sector: {m} (mentee aims for {e})",
                     "Andere sector: {m} (mentee: {e})"),
    "sector.unknown": ("Branche ukendt", "Sector unknown", "Sector onbekend"),
    "goals.some": ("Kan hjælpe med {k} af {n} mål: {g}", "Can help with {k} of {n} goals: {g}",
                   "Kan helpen met {k} van {n} doelen: {g}"),
    "goals.none": ("Kan ikke hjælpe med mentees mål", "Cannot help with the mentee's goals",
                   "Kan niet helpen met de doelen van de mentee"),
    "goals.unknown": ("Mentees mål er ukendte", "The mentee's goals are unknown",
                      "Doelen van de mentee onbekend"),
    "language.shared": ("Fælles sprog: {l}", "Shared language: {l}", "Gedeelde taal: {l}"),
    "language.english": ("Kun engelsk til fælles", "Only English in common",
                         "Alleen Engels gemeenschappelijk"),
    "language.none": ("Intet fælles sprog ud over dansk/nederlandsk",
                      "No shared language besides Danish/Dutch",
                      "Geen gedeelde taal naast Deens/Nederlands"),
    "availability.some": ("Fælles tidspunkter: {a}", "Common times: {a}",
                          "Gemeenschappelijke tijden: {a}"),
    "availability.none": ("Ingen fælles tidspunkter", "No common times",
                          "Geen gemeenschappelijke tijden"),
    "geography.neighbourhood": ("Samme boligområde", "Same neighbourhood", "Zelfde wijk"),
    "geography.postcode": ("Samme postnummer", "Same postcode", "Zelfde postcode"),
    "geography.area": ("Samme egn", "Same area", "Zelfde regio"),
    "geography.far": ("Bor ikke i samme område", "Not in the same area",
                      "Niet in hetzelfde gebied"),
    "education.same": ("Samme uddannelsesniveau: {e}", "Same education level: {e}",
                       "Zelfde opleidingsniveau: {e}"),
    "education.diff": ("Uddannelse: mentor {m}, mentee {e}", "Education: mentor {m}, mentee {e}",
                       "Opleiding: mentor {m}, mentee {e}"),
    "education.unknown": ("Uddannelse ukendt", "Education unknown", "Opleiding onbekend"),
    "age.gap": ("{k} års aldersforskel", "{k} years apart in age", "{k} jaar leeftijdsverschil"),
    "age.unknown": ("Alder ukendt", "Age unknown", "Leeftijd onbekend"),
    "why.blocked": ("Ikke tilladt: {r}", "Not allowed: {r}", "Niet toegestaan: {r}"),
    "why.in": ("Parret er med i forslaget", "The pair is in the proposal",
               "Het koppel zit in het voorstel"),
    "why.other_mentor": ("Mentee får i stedet mentor {j} (score {s} mod {t}); bedre på: {c}",
                         "The mentee gets mentor {j} instead (score {s} against {t}); "
                         "better on: {c}",
                         "De mentee krijgt mentor {j} (score {s} tegen {t}); beter op: {c}"),
    "why.unmatched": ("Mentee står uden match i forslaget", "The mentee is left unmatched",
                      "De mentee blijft zonder match"),
    "why.full": ("Mentorens pladser går til mentee {i}", "The mentor's places go to mentee(s) {i}",
                 "De plekken van de mentor gaan naar mentee(s) {i}"),
    "why.loss": ("At tvinge parret sænker totalen med {d}",
                 "Forcing this pair lowers the total by {d}",
                 "Dit koppel afdwingen verlaagt het totaal met {d}"),
    "why.gain": ("At tvinge parret ændrer ikke totalen", "Forcing this pair costs nothing",
                 "Dit koppel afdwingen kost niets"),
    "why.best": ("Mentorens score {t} mod mentees bedste {s} (mentor {j})",
                 "This mentor scores {t} against the mentee's best {s} (mentor {j})",
                 "Deze mentor scoort {t} tegen de beste {s} (mentor {j})"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    if lang not in LANG_INDEX:
        raise MatchingError(f"language must be da, en or nl (got {lang!r})")
    return TEXT[key][LANG_INDEX[lang]].format(**kw)


def _bits(mask: int, table: dict[str, int]) -> list[str]:
    return [code for code, bit in table.items() if mask & bit]


def _join(labels: list[str]) -> str:
    return ", ".join(labels)


def reason_texts(d: Encoded, s: Encoded, i: int, j: int, values: dict[str, float],
                 lang: str = "en", local: tuple[str, ...] = ("da", "nl")) -> dict[str, str]:
    """A readable reason per criterion for mentee row ``i`` of ``d`` and mentor row ``j``."""
    out: dict[str, str] = {}
    ms, es = int(s.sector[j]), int(d.sector[i])
    if ms == N_SECTORS or es == N_SECTORS:
        out["sector"] = _t("sector.unknown", lang)
    else:
        m_label = vocab.SECTORS.label(vocab.SECTORS.codes[ms], lang)  # type: ignore[arg-type]
        e_label = vocab.SECTORS.label(vocab.SECTORS.codes[es], lang)  # type: ignore[arg-type]
        key = ("sector.same" if ms == es else
               "sector.related" if values["sector"] > 0 else "sector.other")
        out["sector"] = _t(key, lang, m=m_label, e=e_label)
    wanted = _bits(int(d.goals[i]), GOAL_BITS)
    shared = [g for g in _bits(int(s.goals[j]), GOAL_BITS) if g in wanted]
    if not wanted:
        out["goals"] = _t("goals.unknown", lang)
    elif shared:
        out["goals"] = _t("goals.some", lang, k=len(shared), n=len(wanted),
                          g=_join([vocab.GOALS.label(g, lang) for g in shared]))  # type: ignore[arg-type]
    else:
        out["goals"] = _t("goals.none", lang)
    common = [c for c in _bits(int(d.languages[i]) & int(s.languages[j]), LANGUAGE_BITS)
              if c not in local]
    others = [c for c in common if c != "en"]
    if others:
        out["language"] = _t("language.shared", lang, l=_join(
            [vocab.LANGUAGES.label(c, lang) for c in others]))  # type: ignore[arg-type]
    elif common:
        out["language"] = _t("language.english", lang)
    else:
        out["language"] = _t("language.none", lang)
    slots = _bits(int(d.availability[i]) & int(s.availability[j]), AVAILABILITY_BITS)
    out["availability"] = (_t("availability.some", lang, a=_join(
        [vocab.AVAILABILITY.label(a, lang) for a in slots]))  # type: ignore[arg-type]
        if slots else _t("availability.none", lang))
    if d.neighbourhood[i] == s.neighbourhood[j]:
        out["geography"] = _t("geography.neighbourhood", lang)
    elif d.postcode[i] == s.postcode[j]:
        out["geography"] = _t("geography.postcode", lang)
    elif d.area[i] == s.area[j]:
        out["geography"] = _t("geography.area", lang)
    else:
        out["geography"] = _t("geography.far", lang)
    me, ee = int(s.education[j]), int(d.education[i])
    if me == N_EDUCATION or ee == N_EDUCATION:
        out["education"] = _t("education.unknown", lang)
    else:
        ml = vocab.EDUCATION_LEVELS.label(vocab.EDUCATION_LEVELS.codes[me], lang)  # type: ignore[arg-type]
        el = vocab.EDUCATION_LEVELS.label(vocab.EDUCATION_LEVELS.codes[ee], lang)  # type: ignore[arg-type]
        out["education"] = (_t("education.same", lang, e=el) if me == ee
                            else _t("education.diff", lang, m=ml, e=el))
    gap = abs(float(d.birth_year[i]) - float(s.birth_year[j]))
    out["age"] = _t("age.unknown", lang) if np.isnan(gap) else _t("age.gap", lang, k=int(gap))
    return out


def pair_points(scores: Scores, rows: np.ndarray, cols: np.ndarray,
                block: int = 256) -> dict[str, np.ndarray]:
    """Points per criterion of the pairs ``(rows[k], cols[k])`` (positions), float32.

    They are the same numbers that were added up into ``scores.total``.
    """
    coef = coefficients(scores.settings)
    out = {c: np.empty(len(rows), dtype=np.float32) for c in CRITERIA}
    for lo in range(0, len(rows), block):
        r, c = rows[lo:lo + block], cols[lo:lo + block]
        values = criterion_values(scores.demand.take(r), scores.supply.take(c), scores.settings)
        k = np.arange(len(r))
        for name in CRITERIA:
            out[name][lo:lo + block] = coef[name] * values[name][k, k]
    return out


def pair_reasons(scores: Scores, rows: np.ndarray, cols: np.ndarray, lang: str = "en",
                 top: int = 3) -> list[str]:
    """For each pair, its ``top`` criteria by points with their reasons, as one line."""
    points = pair_points(scores, rows, cols)
    coef = coefficients(scores.settings)
    local = scores.settings.rules.local_languages
    out = []
    for k, (i, j) in enumerate(zip(rows, cols)):
        pts = {c: float(points[c][k]) for c in CRITERIA}
        values = {c: pts[c] / float(coef[c]) if coef[c] > 0 else 0.0 for c in CRITERIA}
        texts = reason_texts(scores.demand, scores.supply, int(i), int(j), values, lang, local)
        best = sorted((c for c in CRITERIA if pts[c] > 0), key=lambda c: -pts[c])[:top]
        out.append("; ".join(f"{texts[c]} (+{pts[c]:.2f})" for c in best))
    return out


def explain(scores: Scores, mentee_id: int, mentor_id: int, lang: str = "en") -> pd.DataFrame:
    """One row per criterion: label, weight, value (0–1), points and reason.

    The points add up to the pair's score.
    """
    i = int(scores.demand.position([mentee_id])[0])
    j = int(scores.supply.position([mentor_id])[0])
    return _explain_positions(scores, i, j, lang)


def _explain_positions(scores: Scores, i: int, j: int, lang: str) -> pd.DataFrame:
    values = scores.values(np.array([i]), np.array([j]))
    coef = coefficients(scores.settings)
    weights = scores.settings.weights.as_dict()
    v = {c: float(values[c][0, 0]) for c in CRITERIA}
    texts = reason_texts(scores.demand, scores.supply, i, j, v, lang,
                         scores.settings.rules.local_languages)
    return pd.DataFrame({
        "criterion": list(CRITERIA),
        "label": [CRITERION_LABELS[c][LANG_INDEX[lang]] for c in CRITERIA],
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


def why_not(scores: Scores, mentee_id: int, mentor_id: int, proposal: Any = None,
            lang: str = "en", cost: bool = True) -> WhyNot:
    """Which rule or criteria keep mentee ``mentee_id`` and mentor ``mentor_id`` apart.

    Parameters
    ----------
    scores : the scores the proposal was made from.
    proposal : an :class:`~mentorkit.matching.assignment.Assignment` (or None: then the pair is
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


def _forcing_cost(scores: Scores, proposal: Any, mentee_id: int, mentor_id: int) -> float:
    from mentorkit.matching.assignment import solve

    pinned = [(int(scores.mentee_ids[r]), int(scores.mentor_ids[c]))
              for r, c, p in zip(proposal.rows, proposal.cols, proposal.pinned) if p]
    pinned = [p for p in pinned if p[0] != mentee_id] + [(mentee_id, mentor_id)]
    try:
        forced = solve(scores, "optimal", objective=proposal.objective, pinned=pinned)
    except MatchingError:
        return float("nan")
    return max(0.0, proposal.total - forced.total)

"""The reason behind each criterion's points for a pair, in Danish, English and Dutch.

What a proposal's table (:meth:`~mentorkit.matching.result.Assignment.to_frame`), the match
finder (:func:`~mentorkit.matching.suggest`) and the explanations
(:func:`~mentorkit.matching.explain`, :func:`~mentorkit.matching.why_not`) all show: the
points per criterion, recomputed bit for bit as in the total, and a sentence per criterion.

Example
-------
>>> import numpy as np
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.scoring import score
>>> s = score(*synthetic_pool(20, seed=6))
>>> points = pair_points(s, np.array([0]), np.array([0]))
>>> bool(abs(sum(float(p[0]) for p in points.values()) - float(s.total[0, 0])) < 1e-5)
True
>>> pair_reasons(s, np.array([0]), np.array([0]), lang="nl")[0].count("(+") <= 3
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mentorkit import vocab
from mentorkit.i18n import Catalogue
from mentorkit.matching.features import (
    AVAILABILITY_BITS,
    GOAL_BITS,
    LANGUAGE_BITS,
    N_EDUCATION,
    N_SECTORS,
    Encoded,
)
from mentorkit.matching.scoring import (
    Scores,
    coefficients,
    criterion_values,
    local_language_values,
)
from mentorkit.matching.settings import CRITERIA
from mentorkit.vocab import Lang

__all__ = ["TEXT", "pair_points", "pair_reasons", "reason_texts"]

TEXT = Catalogue("matching.reasons", {
    "sector.same": {"da": "Samme branche: {m}", "en": "Same sector: {m}",
                    "nl": "Zelfde sector: {m}"},
    "sector.related": {"da": "Beslægtet branche: {m} (mentee: {e})",
                       "en": "Related sector: {m} (mentee aims for {e})",
                       "nl": "Verwante sector: {m} (mentee: {e})"},
    "sector.other": {"da": "Anden branche: {m} (mentee: {e})",
                     "en": "Other sector: {m} (mentee aims for {e})",
                     "nl": "Andere sector: {m} (mentee: {e})"},
    "sector.unknown": {"da": "Branche ukendt", "en": "Sector unknown", "nl": "Sector onbekend"},
    "goals.some": {"da": "Kan hjælpe med {k} af {n} mål: {g}",
                   "en": "Can help with {k} of {n} goals: {g}",
                   "nl": "Kan helpen met {k} van {n} doelen: {g}"},
    "goals.none": {"da": "Kan ikke hjælpe med mentees mål",
                   "en": "Cannot help with the mentee's goals",
                   "nl": "Kan niet helpen met de doelen van de mentee"},
    "goals.unknown": {"da": "Mentees mål er ukendte", "en": "The mentee's goals are unknown",
                      "nl": "Doelen van de mentee onbekend"},
    "local_language.practice": {"da": "Kan tale dansk sammen (mentee: {e})",
                                "en": "Can work in Danish/Dutch together (mentee: {e})",
                                "nl": "Kunnen samen Nederlands spreken (mentee: {e})"},
    "local_language.partial": {"da": "Mentoren taler noget dansk ({m}); mentee: {e}",
                               "en": "The mentor speaks some Danish/Dutch ({m}); mentee: {e}",
                               "nl": "De mentor spreekt wat Nederlands ({m}); mentee: {e}"},
    "local_language.mentor": {"da": "Mentoren taler ikke dansk nok til at øve sammen",
                              "en": "The mentor's Danish/Dutch is not enough to practise",
                              "nl": "Het Nederlands van de mentor is niet genoeg om te oefenen"},
    "local_language.beginner": {"da": "Mentee taler endnu ikke dansk",
                                "en": "The mentee speaks no Danish/Dutch yet",
                                "nl": "Mentee spreekt nog geen Nederlands"},
    "local_language.unknown": {"da": "Mentees niveau i dansk er ukendt",
                               "en": "The mentee's Danish/Dutch level is unknown",
                               "nl": "Niveau Nederlands van de mentee onbekend"},
    "language.shared": {"da": "Fælles sprog: {l}", "en": "Shared language: {l}",
                        "nl": "Gedeelde taal: {l}"},
    "language.english": {"da": "Kun engelsk til fælles", "en": "Only English in common",
                         "nl": "Alleen Engels gemeenschappelijk"},
    "language.none": {"da": "Intet fælles sprog ud over dansk/nederlandsk",
                      "en": "No shared language besides Danish/Dutch",
                      "nl": "Geen gedeelde taal naast Deens/Nederlands"},
    "availability.some": {"da": "Fælles tidspunkter: {a}", "en": "Common times: {a}",
                          "nl": "Gemeenschappelijke tijden: {a}"},
    "availability.none": {"da": "Ingen fælles tidspunkter", "en": "No common times",
                          "nl": "Geen gemeenschappelijke tijden"},
    "geography.neighbourhood": {"da": "Samme boligområde", "en": "Same neighbourhood",
                                "nl": "Zelfde wijk"},
    "geography.postcode": {"da": "Samme postnummer", "en": "Same postcode",
                           "nl": "Zelfde postcode"},
    "geography.area": {"da": "Samme egn", "en": "Same area", "nl": "Zelfde regio"},
    "geography.far": {"da": "Bor ikke i samme område", "en": "Not in the same area",
                      "nl": "Niet in hetzelfde gebied"},
    "education.same": {"da": "Samme uddannelsesniveau: {e}", "en": "Same education level: {e}",
                       "nl": "Zelfde opleidingsniveau: {e}"},
    "education.diff": {"da": "Uddannelse: mentor {m}, mentee {e}",
                       "en": "Education: mentor {m}, mentee {e}",
                       "nl": "Opleiding: mentor {m}, mentee {e}"},
    "education.unknown": {"da": "Uddannelse ukendt", "en": "Education unknown",
                          "nl": "Opleiding onbekend"},
    "age.gap": {"da": "{k} års aldersforskel", "en": "{k} years apart in age",
                "nl": "{k} jaar leeftijdsverschil"},
    "age.unknown": {"da": "Alder ukendt", "en": "Age unknown", "nl": "Leeftijd onbekend"},
})
"""The reason texts per criterion, by key."""


def _t(key: str, lang: Lang, **kw: Any) -> str:
    return TEXT.text(key, lang, **kw)


def _bits(mask: int, table: dict[str, int]) -> list[str]:
    return [code for code, bit in table.items() if mask & bit]


def _join(labels: list[str]) -> str:
    return ", ".join(labels)


def reason_texts(d: Encoded, s: Encoded, i: int, j: int, values: dict[str, float],
                 lang: Lang = "en", local: tuple[str, ...] = ("da", "nl")) -> dict[str, str]:
    """A readable reason per criterion for mentee row ``i`` of ``d`` and mentor row ``j``."""
    out: dict[str, str] = {}
    ms, es = int(s.sector[j]), int(d.sector[i])
    if ms == N_SECTORS or es == N_SECTORS:
        out["sector"] = _t("sector.unknown", lang)
    else:
        m_label = vocab.SECTORS.label(vocab.SECTORS.codes[ms], lang)
        e_label = vocab.SECTORS.label(vocab.SECTORS.codes[es], lang)
        key = ("sector.same" if ms == es else
               "sector.related" if values["sector"] > 0 else "sector.other")
        out["sector"] = _t(key, lang, m=m_label, e=e_label)
    wanted = _bits(int(d.goals[i]), GOAL_BITS)
    shared = [g for g in _bits(int(s.goals[j]), GOAL_BITS) if g in wanted]
    if not wanted:
        out["goals"] = _t("goals.unknown", lang)
    elif shared:
        out["goals"] = _t("goals.some", lang, k=len(shared), n=len(wanted),
                          g=_join([vocab.GOALS.label(g, lang) for g in shared]))
    else:
        out["goals"] = _t("goals.none", lang)
    out["local_language"] = _local_reason(d, s, i, j, lang, local)
    common = [c for c in _bits(int(d.languages[i]) & int(s.languages[j]), LANGUAGE_BITS)
              if c not in local]
    others = [c for c in common if c != "en"]
    if others:
        out["language"] = _t("language.shared", lang, l=_join(
            [vocab.LANGUAGES.label(c, lang) for c in others]))
    elif common:
        out["language"] = _t("language.english", lang)
    else:
        out["language"] = _t("language.none", lang)
    slots = _bits(int(d.availability[i]) & int(s.availability[j]), AVAILABILITY_BITS)
    out["availability"] = (_t("availability.some", lang, a=_join(
        [vocab.AVAILABILITY.label(a, lang) for a in slots]))
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
        ml = vocab.EDUCATION_LEVELS.label(vocab.EDUCATION_LEVELS.codes[me], lang)
        el = vocab.EDUCATION_LEVELS.label(vocab.EDUCATION_LEVELS.codes[ee], lang)
        out["education"] = (_t("education.same", lang, e=el) if me == ee
                            else _t("education.diff", lang, m=ml, e=el))
    gap = abs(float(d.birth_year[i]) - float(s.birth_year[j]))
    out["age"] = _t("age.unknown", lang) if np.isnan(gap) else _t("age.gap", lang, k=int(gap))
    return out


def _level_label(rank: int, lang: Lang) -> str:
    return vocab.LANGUAGE_LEVELS.label(vocab.LANGUAGE_LEVELS.codes[rank], lang)


def _local_reason(d: Encoded, s: Encoded, i: int, j: int, lang: Lang,
                  local: tuple[str, ...]) -> str:
    """The reason of the ``local_language`` criterion for one pair."""
    mentee, mentor = local_language_values(d.take(np.array([i])), s.take(np.array([j])), local)
    level, m_level = int(d.language_level[i]), int(s.language_level[j])
    if level < 0 and mentee[0] == 0:
        return _t("local_language.unknown", lang)
    if mentee[0] == 0:
        return _t("local_language.beginner", lang)
    e = _level_label(level, lang) if level >= 0 else "?"
    if mentor[0] >= 1:
        return _t("local_language.practice", lang, e=e)
    if mentor[0] > 0:
        return _t("local_language.partial", lang, m=_level_label(m_level, lang), e=e)
    return _t("local_language.mentor", lang)


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


def pair_reasons(scores: Scores, rows: np.ndarray, cols: np.ndarray, lang: Lang = "en",
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

"""The headline of an outcome report: a design that respects time, in plain words.

"Ever matched" compares mentees who were ever matched with those never matched, counting
from registration: a mentee who finds a job while waiting is never matched and flatters the
comparison group. The default headline is therefore the landmark design
(:func:`mentorkit.outcomes.landmark_design.landmark`): at ``landmark_days`` after
registration, among those still without a job, the matched by then against the not yet
matched, a first job within ``horizon_days`` more. Beside it the Cox model with the match as
a time-varying exposure, and the "ever matched" estimate, labelled biased. When the numbers
do not allow an estimate, the headline says what the study could detect at its size
(:func:`mentorkit.outcomes.power.minimum_detectable_effect`).

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> h = headline(t, ["language_rank", "education_rank", "age"], lang="nl")
>>> h.result is not None and "procentpunt" in h.text
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorkit.i18n import Catalogue, check_lang
from mentorkit.outcomes._data import EstimationError, as_columns
from mentorkit.outcomes.design_text import explain
from mentorkit.outcomes.landmark_design import Landmark, landmark
from mentorkit.outcomes.power import minimum_detectable_effect
from mentorkit.outcomes.suppress import suppress_small
from mentorkit.outcomes.time_varying import TimeVaryingCox, time_varying_cox
from mentorkit.privacy.suppression import threshold
from mentorkit.vocab import Lang

if TYPE_CHECKING:
    from mentorkit.outcomes.effects import Effect

__all__ = ["Headline", "TEXT", "design_table", "headline"]

TEXT = Catalogue("outcomes.headline", {
    "result": {
        "da": "Blandt mentees, der stadig var uden job {days} dage efter indskrivningen, fik "
              "{share1} af dem, der havde fået en mentor inden da, et første job inden for "
              "de næste {horizon} dage, mod {share0} af dem, der endnu ikke havde en mentor. "
              "Justeret for baggrund er forskellen {est} procentpoint (95% KI {lo} til {hi}).",
        "en": "Among mentees still without a job {days} days after registration, {share1} of "
              "those matched by then found a first job within the next {horizon} days, against "
              "{share0} of those not yet matched. Adjusted for background, the difference is "
              "{est} percentage points (95% CI {lo} to {hi}).",
        "nl": "Onder mentees die {days} dagen na inschrijving nog geen werk hadden, vond "
              "{share1} van wie toen al een mentor had binnen {horizon} dagen een eerste baan, "
              "tegen {share0} van wie nog geen mentor had. Gecorrigeerd voor achtergrond is "
              "het verschil {est} procentpunt (95% BI {lo} tot {hi})."},
    "not_estimable": {
        "da": "Effekten kan ikke estimeres med disse tal ({why}).",
        "en": "The effect cannot be estimated from these numbers ({why}).",
        "nl": "Het effect kan met deze aantallen niet geschat worden ({why})."},
    "too_few": {"da": "for få i en af grupperne", "en": "too few in one of the groups",
                "nl": "te weinig in een van de groepen"},
    "design": {"da": "Design", "en": "Design", "nl": "Ontwerp"},
    "measure": {"da": "Mål", "en": "Measure", "nl": "Maat"},
    "estimate": {"da": "Estimat", "en": "Estimate", "nl": "Schatting"},
    "ci": {"da": "95% KI", "en": "95% CI", "nl": "95% BI"},
    "matched": {"da": "Med mentor", "en": "Matched", "nl": "Met mentor"},
    "not_matched": {"da": "Uden mentor (endnu)", "en": "Not (yet) matched",
                    "nl": "(Nog) zonder mentor"},
    "landmark": {"da": "Landmark ({days} dage)", "en": "Landmark ({days} days)",
                 "nl": "Landmark ({days} dagen)"},
    "time_varying_cox": {"da": "Cox, mentor fra forløbets start",
                         "en": "Cox, mentor from the match on",
                         "nl": "Cox, mentor vanaf de koppeling"},
    "ever_matched": {"da": "Nogensinde matchet (skævt)", "en": "Ever matched (biased)",
                     "nl": "Ooit gekoppeld (vertekend)"},
    "rd": {"da": "forskel, procentpoint", "en": "difference, percentage points",
           "nl": "verschil, procentpunt"},
    "hr": {"da": "hazard ratio (antal: første job med og uden mentor)",
           "en": "hazard ratio (counts: first jobs with and without a mentor)",
           "nl": "hazard ratio (aantallen: eerste banen met en zonder mentor)"},
    "to": {"da": "til", "en": "to", "nl": "tot"},
})
"""The words of the headline, by key."""


@dataclass(frozen=True)
class Headline:
    """The headline: the landmark result (None when not estimable), the time-varying Cox
    (None when it could not be fitted), the text in words, and the design table."""

    result: Landmark | None
    cox: TimeVaryingCox | None
    text: str
    design: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The design table: one row per time-aware design, with its estimate and interval."""
        return self.design

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:          # the plain-text output of a notebook cell
        return self.text


def _used(covariates: Sequence[str], notes: Sequence[str]) -> list[str]:
    dropped = {c.strip() for n in notes if "left out:" in n
               for c in n.split("left out:", 1)[1].split(",")}
    return [c for c in covariates if c not in dropped]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _pp(x: float, lang: str = "en") -> str:
    """Percentage points with a sign, the decimal mark of ``lang`` (a comma in da and nl)."""
    text = f"{100 * x:+.1f}"
    return text.replace(".", ",") if lang in ("da", "nl") else text


def _dec(x: float, lang: str) -> str:
    text = f"{x:.2f}"
    return text.replace(".", ",") if lang in ("da", "nl") else text


def design_table(result: Landmark | None, cox: TimeVaryingCox | None,
                 ever: Effect | None = None, lang: Lang = "en",
                 min_cell: int | None = 0) -> pd.DataFrame:
    """The designs side by side: landmark risk difference, time-varying Cox hazard ratio
    and, when given, the "ever matched" estimate labelled biased; counts under ``min_cell``
    (0: the setting) hidden with what rests on them.

    Example
    -------
    >>> design_table(None, None, lang="da").columns.tolist()[:2]
    ['Design', 'Mål']
    """
    lang = check_lang(lang)
    w = TEXT.in_lang(lang)
    rows = []
    if result is not None:
        rows.append({w["design"]: w["landmark"].format(days=", ".join(map(str,
                                                                          result.landmarks))),
                     w["measure"]: w["rd"], w["estimate"]: _pp(result.estimate, lang),
                     w["ci"]: f"{_pp(result.ci_low, lang)} {w['to']} "
                              f"{_pp(result.ci_high, lang)}",
                     w["matched"]: result.n_treated, w["not_matched"]: result.n_control})
    if cox is not None:
        hr, lo, hi = cox.hazard_ratio()
        rows.append({w["design"]: w["time_varying_cox"], w["measure"]: w["hr"],
                     w["estimate"]: _dec(hr, lang),
                     w["ci"]: f"{_dec(lo, lang)} {w['to']} {_dec(hi, lang)}",
                     w["matched"]: cox.events_exposed, w["not_matched"]:
                     cox.events - cox.events_exposed})
    if ever is not None:
        rows.append({w["design"]: w["ever_matched"], w["measure"]: w["rd"],
                     w["estimate"]: _pp(ever.estimate, lang),
                     w["ci"]: f"{_pp(ever.ci_low, lang)} {w['to']} {_pp(ever.ci_high, lang)}",
                     w["matched"]: ever.n_treated, w["not_matched"]: ever.n_control})
    columns = [w[c] for c in ("design", "measure", "estimate", "ci", "matched", "not_matched")]
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out
    shown = [w["estimate"], w["ci"]]
    return suppress_small(out, [w["matched"], w["not_matched"]], min_cell,
                          dependent={w["matched"]: shown, w["not_matched"]: shown})


def headline(table: pd.DataFrame, covariates: str | Sequence[str] = (),
             landmark_days: int = 180, horizon_days: int = 365, lang: Lang = "en",
             min_cell: int | None = 0, min_group: int = 0, ever: Effect | None = None,
             baseline_outcome: str = "employed_followup_12m") -> Headline:
    """The time-aware headline of an outcome report, in words and as a design table.

    Parameters
    ----------
    table : the analysis table (:func:`mentorkit.outcomes.analysis_table`).
    covariates : intake covariates for both designs.
    landmark_days, horizon_days : the landmark (days after registration) and the window
        for a first job after it (365: within 12 months).
    min_cell : the disclosure threshold (0: the setting); no estimate is given for groups
        smaller than it, or than ``min_group`` (the funder report's 30).
    ever : the "ever matched" estimate to show beside, labelled biased.
    baseline_outcome : for the planning sentence when no estimate can be made: the share
        with this outcome is the comparison level the detectable rise starts from.
    """
    lang = check_lang(lang)
    k = max(threshold(min_cell), int(min_group))
    covs = list(as_columns(covariates))
    parts: list[str] = []
    result: Landmark | None = None
    why = TEXT.text("too_few", lang)
    try:
        result = landmark(table, landmark_days, horizon_days, covariates=covs)
    except EstimationError as err:
        why = str(err)
    if result is not None and min(result.n_treated, result.n_control) < k:
        result = None
    cox: TimeVaryingCox | None = None
    try:
        cox = time_varying_cox(table, covariates=covs)
    except EstimationError:
        cox = None
    if result is not None:
        used = _used(covs, result.notes)
        parts.append(explain(result.design, lang, days=", ".join(map(str, result.landmarks)),
                             horizon=result.horizon, covariates=used))
        parts.append(TEXT.text("result", lang, days=", ".join(map(str, result.landmarks)),
                                  horizon=result.horizon, share1=_pct(result.share_treated),
                                  share0=_pct(result.share_control),
                                  est=_pp(result.estimate, lang),
                                  lo=_pp(result.ci_low, lang), hi=_pp(result.ci_high, lang)))
    else:
        n1 = int(table["matched"].sum()) if "matched" in table else 0
        n0 = int(len(table) - n1)
        parts.append(TEXT.text("not_estimable", lang, why=why))
        y = (pd.to_numeric(table[baseline_outcome], errors="coerce")
             if baseline_outcome in table.columns else pd.Series(dtype=float))
        base = float(np.clip(y.mean(), 0.05, 0.95)) if y.notna().any() else 0.5
        if n1 > 1 and n0 > 1:
            parts.append(minimum_detectable_effect(n1, n0, base).sentence(lang))
    if cox is not None:
        parts.append(cox.explain(lang))
    if ever is not None:
        parts.append(explain("ever_matched", lang))
    return Headline(result, cox, "\n\n".join(parts),
                    design_table(result, cox, ever, lang, min_cell))

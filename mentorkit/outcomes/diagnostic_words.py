"""Balance and overlap diagnostics of an estimate, and the warnings a report says in words.

A headline effect is only as good as the comparison behind it. :func:`diagnose` takes an
:class:`~mentorkit.outcomes.Effect` (ipw, psm or aipw) and measures what a referee looks at
first: covariates whose standardised mean difference stays above 0.1 after weighting or
matching, the treated people whose propensity score lies outside the comparison group's
range (no comparable person exists; their effect is extrapolated), the effective sample
size of the weighted comparison group (Kish: ``(sum w)^2 / sum w^2``) and the largest single
weight's share of it. :func:`warning_text` turns them into sentences in da/en/nl, naming
each problem, so that a report cannot show "+37.5 pp" without them.

The numbers are those of :mod:`mentorkit.outcomes.diagnostics` (one computation); this
module only puts them into words.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table, effect
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> e = effect(t, "matched", "employed_followup_12m", ["language_rank", "age"], n_boot=0)
>>> d = diagnose(e)
>>> 0 < d.ess_control <= d.n_control
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mentorkit.i18n import Catalogue, check_lang
from mentorkit.outcomes.balance import GOOD_BALANCE
from mentorkit.outcomes.effects import Effect
from mentorkit.privacy.suppression import threshold
from mentorkit.vocab import Lang

__all__ = ["Diagnostics", "ESS_SHARE", "LARGEST_WEIGHT", "OUTSIDE_SHARE", "TEXT", "diagnose",
           "warning_text"]

OUTSIDE_SHARE = 0.05
"""Warn when more than this share of the treated lies outside the comparison's range."""
ESS_SHARE = 0.3
"""Warn when the weighted comparison group counts as fewer than this share of its people."""
LARGEST_WEIGHT = 0.1
"""Warn when one comparison person carries more than this share of the total weight."""

TEXT = Catalogue("outcomes.diagnostic_words", {
    "imbalanced": {
        "da": "Advarsel: efter justering er grupperne stadig forskellige på {names} "
              "(standardiseret forskel over {limit}). Effekten kan skyldes disse forskelle.",
        "en": "Warning: after adjustment the groups still differ on {names} (standardised "
              "difference above {limit}). The effect may be due to these differences.",
        "nl": "Waarschuwing: na correctie verschillen de groepen nog op {names} "
              "(gestandaardiseerd verschil boven {limit}). Het effect kan door deze "
              "verschillen komen."},
    "outside": {
        "da": "Advarsel: {outside} af {n} med mentor har en sandsynlighed for at få en mentor, "
              "som ingen uden mentor har ({share}). For dem er der ingen sammenlignelig "
              "person; deres effekt er gættet ud fra de andre.",
        "en": "Warning: {outside} of {n} mentees with a mentor have a chance of getting one "
              "that no one without a mentor has ({share}). There is no comparable person for "
              "them; their effect is extrapolated from the others.",
        "nl": "Waarschuwing: {outside} van de {n} mentees met mentor hebben een kans op een "
              "mentor die niemand zonder mentor heeft ({share}). Voor hen is er geen "
              "vergelijkbaar persoon; hun effect is geëxtrapoleerd."},
    "ess": {
        "da": "Advarsel: efter vægtning tæller de {n} uden mentor kun som {ess} personer; "
              "den største vægt er {largest} af den samlede. Estimatet hviler på få personer.",
        "en": "Warning: after weighting the {n} mentees without a mentor count as only {ess} "
              "people; the largest weight is {largest} of the total. The estimate rests on "
              "few people.",
        "nl": "Waarschuwing: na weging tellen de {n} mentees zonder mentor als maar {ess} "
              "personen; het grootste gewicht is {largest} van het totaal. De schatting rust "
              "op weinig mensen."},
    "separated": {
        "da": "Advarsel: en af modellerne adskilte grupperne fuldstændigt (perfekt "
              "separation); estimatet hviler på forudsigelser tæt på 0 eller 1.",
        "en": "Warning: one of the models separated the groups perfectly (perfect "
              "separation); the estimate rests on predictions close to 0 or 1.",
        "nl": "Waarschuwing: een van de modellen scheidde de groepen volledig (perfecte "
              "scheiding); de schatting rust op voorspellingen dicht bij 0 of 1."},
    "fine": {
        "da": "Balance og overlap: efter justering er alle standardiserede forskelle under "
              "{limit}, {outside} af {n} med mentor ligger uden for de andres område, og de "
              "{n0} uden mentor tæller som {ess} personer.",
        "en": "Balance and overlap: after adjustment every standardised difference is below "
              "{limit}, {outside} of {n} mentees with a mentor lie outside the others' range, "
              "and the {n0} without a mentor count as {ess} people.",
        "nl": "Balans en overlap: na correctie is elk gestandaardiseerd verschil kleiner dan "
              "{limit}, {outside} van de {n} mentees met mentor liggen buiten het bereik van "
              "de anderen, en de {n0} zonder mentor tellen als {ess} personen."},
})
"""The sentences of the diagnostics, by key."""


@dataclass(frozen=True)
class Diagnostics:
    """What the balance and overlap of one estimate look like (see :func:`diagnose`)."""

    imbalanced: tuple[tuple[str, float], ...]   # (covariate, SMD after) with |SMD| >= 0.1
    n_treated: int
    n_control: int
    outside_treated: int        # treated outside the comparison group's score range
    ess_control: float          # effective sample size of the weighted comparison group
    largest_weight: float       # the largest comparison weight's share of the total

    @property
    def outside_share(self) -> float:
        """Share of the treated outside common support."""
        return self.outside_treated / self.n_treated if self.n_treated else 0.0

    @property
    def poor_overlap(self) -> bool:
        """Whether any overlap threshold is crossed."""
        return bool(self.outside_share > OUTSIDE_SHARE
                    or self.ess_control < ESS_SHARE * self.n_control
                    or self.largest_weight > LARGEST_WEIGHT)


def diagnose(e: Effect, limit: float = GOOD_BALANCE) -> Diagnostics:
    """The balance and overlap diagnostics of an estimate with a propensity score.

    The numbers come from :func:`mentorkit.outcomes.diagnostics.diagnose` (balance after
    weighting, common support, effective sample size and largest weight of the estimate's
    own balancing weights); an estimate without weights (matching) gets the ATT/ATE
    inverse-probability weights its propensity score implies.

    Example
    -------
    >>> import pandas as pd
    >>> from mentorkit.outcomes import effect
    >>> d = pd.DataFrame({"t": [0, 0, 0, 0, 1, 1, 1, 1], "x": [0., 1, 2, 3, 1, 2, 3, 5],
    ...                   "y": [0, 1, 0, 1, 1, 1, 0, 1]})
    >>> diagnose(effect(d, "t", "y", ["x"], n_boot=0)).outside_treated
    1
    """
    from mentorkit.outcomes import diagnostics

    if e.propensity is None or e.treated is None:
        raise ValueError("this estimate has no propensity score (use ipw, psm or aipw)")
    found = diagnostics.diagnose(e, max_smd=limit)
    imbalanced = tuple((str(c), float(v)) for c, v in zip(found.imbalanced["covariate"],
                                                           found.imbalanced["smd"]))
    t = e.treated.to_numpy(dtype=bool)
    outside = 0
    if found.support is not None:
        sup = found.support
        outside = int(np.asarray(sup.loc[sup["group"] == "treated", "outside"])[0])
    if found.weights is not None:
        wts = found.weights
        control = (wts["group"] == "control").to_numpy()
        ess = float(np.asarray(wts.loc[control, "ess"], dtype=float)[0])
        largest = float(np.asarray(wts.loc[control, "max_weight_share"], dtype=float)[0])
    else:
        p0 = np.clip(e.propensity.to_numpy(dtype=float)[~t], 1e-12, 1 - 1e-12)
        w = p0 / (1 - p0) if e.estimand == "ATT" else 1 / (1 - p0)
        ess = float(w.sum() ** 2 / np.sum(w ** 2)) if len(w) else 0.0
        largest = float(w.max() / w.sum()) if len(w) else 0.0
    return Diagnostics(imbalanced, int(t.sum()), int((~t).sum()), outside, ess, largest)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _count(n: int, k: int) -> str:
    return f"<{k}" if 0 < n < k else str(n)


def warning_text(e: Effect | Diagnostics, lang: Lang = "en", limit: float = GOOD_BALANCE,
                 min_cell: int | None = 0) -> str:
    """The diagnostics as sentences: a warning per problem, else one line that all is well.

    Counts of people below ``min_cell`` (0: the setting ``MENTORKIT_MIN_CELL``) read
    ``<5``; shares are of whole groups.

    Example
    -------
    >>> d = Diagnostics((("age", 0.43),), 73, 120, 34, 60.0, 0.02)
    >>> print(warning_text(d))  # doctest: +ELLIPSIS
    Warning: after adjustment the groups still differ on age (0.43)...
    Warning: 34 of 73 mentees with a mentor have a chance of getting one that no one...
    """
    lang = check_lang(lang)
    k = threshold(min_cell)
    d = e if isinstance(e, Diagnostics) else diagnose(e, limit)
    out = []
    if d.imbalanced:
        names = ", ".join(f"{c} ({abs(s):.2f})" for c, s in d.imbalanced)
        out.append(TEXT.text("imbalanced", lang, names=names, limit=f"{limit:g}"))
    if d.outside_share > OUTSIDE_SHARE:
        out.append(TEXT.text("outside", lang, outside=_count(d.outside_treated, k),
                             n=_count(d.n_treated, k), share=_pct(d.outside_share)))
    if d.ess_control < ESS_SHARE * d.n_control or d.largest_weight > LARGEST_WEIGHT:
        out.append(TEXT.text("ess", lang, n=_count(d.n_control, k), ess=f"{d.ess_control:.0f}",
                             largest=_pct(d.largest_weight)))
    if isinstance(e, Effect) and any("PerfectSeparation" in n for n in e.notes):
        out.append(TEXT.text("separated", lang))
    if not out:
        out.append(TEXT.text("fine", lang, limit=f"{limit:g}",
                             outside=_count(d.outside_treated, k), n=_count(d.n_treated, k),
                             n0=_count(d.n_control, k), ess=f"{d.ess_control:.0f}"))
    return "\n\n".join(out)

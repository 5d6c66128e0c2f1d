"""Sensitivity to unmeasured confounding: the E-value and Rosenbaum bounds, in plain words.

E-value (VanderWeele & Ding 2017, Annals of Internal Medicine 167: 268-274): the minimum
strength of association, on the risk-ratio scale, that an unmeasured confounder would need
with both the treatment and the outcome, beyond the measured covariates, to explain away
an observed risk ratio: ``RR + sqrt(RR (RR - 1))`` for ``RR >= 1`` (use ``1/RR`` below 1).
For the interval, the same formula on the limit nearer to 1 (1 if the interval contains 1).
Other scales are first turned into an approximate risk ratio (their Table 2):

* odds ratio: ``RR ≈ OR`` when the outcome is rare (< 15%), else ``RR ≈ sqrt(OR)``;
* hazard ratio: ``RR ≈ HR`` when rare, else ``RR ≈ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))``;
* risk difference (percentage points): ``RR = p1 / p0`` with ``p0 = p1 - RD``, the interval
  limits of the difference turned the same way with ``p0`` held fixed;
* a difference in means ``d`` in standard deviations: ``RR ≈ exp(0.91 d)``.

Rosenbaum bounds (Rosenbaum 2002, *Observational Studies*, ch. 4): in matched pairs, hidden
bias of at most ``gamma`` means two matched people's odds of treatment differ by at most that
factor. The upper bound on the one-sided p-value of Wilcoxon's signed-rank test (large-sample
normal approximation, average ranks for ties; a pair with no difference is ranked and then
left out, as Rosenbaum does for the lead example) grows with ``gamma``;
:func:`rosenbaum_gamma` finds the ``gamma`` at which it reaches ``alpha``. ``gamma = 1`` is
the ordinary Wilcoxon test (Pratt's treatment of zeros).

Example
-------
>>> e = evalue(3.9, 1.8, 8.7)
>>> round(e.point, 2), round(e.ci, 2)
(7.26, 3.0)
>>> e.sentence("en").startswith("To explain away")
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import optimize, stats

from mentorkit.i18n import Catalogue
from mentorkit.outcomes._data import EstimationError, as_columns, fit_logit, prepare

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mentorkit.outcomes.effects import Effect

__all__ = ["EValue", "Rosenbaum", "TEXT", "evalue", "evalue_hr", "evalue_mean_difference",
           "evalue_of", "evalue_or", "evalue_rd", "matched_differences", "rosenbaum_bounds",
           "rosenbaum_gamma", "rr_from_hr", "rr_from_or"]

TEXT = Catalogue("outcomes.sensitivity", {
    "evalue": {
        "en": ("To explain away this effect, a factor we did not measure would have to make "
               "people both {point} times as likely to get a mentor and {point} times as "
               "likely to have the outcome, over and above the background we took into "
               "account. To make the effect uncertain (the interval reach no effect) it "
               "would take {ci} times."),
        "da": ("For at bortforklare effekten skulle en faktor, vi ikke har målt, gøre folk "
               "både {point} gange så tilbøjelige til at få en mentor og {point} gange så "
               "tilbøjelige til at opnå resultatet, ud over den baggrund vi har taget højde "
               "for. For at gøre effekten usikker (intervallet når ingen effekt) skulle der "
               "{ci} gange til."),
        "nl": ("Om dit effect weg te verklaren zou een factor die we niet hebben gemeten "
               "mensen zowel {point} keer zo vaak een mentor moeten geven als {point} keer "
               "zo vaak de uitkomst, bovenop de achtergrond waarmee we rekening hielden. Om "
               "het effect onzeker te maken (het interval bereikt geen effect) zou {ci} keer "
               "nodig zijn."),
    },
    "evalue_null": {
        "en": ("The interval already includes no effect, so no unmeasured factor is needed "
               "to make the effect uncertain; to explain away the estimate itself a factor "
               "would have to make people {point} times as likely both to get a mentor and "
               "to have the outcome."),
        "da": ("Intervallet omfatter allerede ingen effekt, så der skal ingen umålt faktor "
               "til for at gøre effekten usikker; for at bortforklare selve estimatet skulle "
               "en faktor gøre folk {point} gange så tilbøjelige både til at få en mentor og "
               "til at opnå resultatet."),
        "nl": ("Het interval omvat al geen effect, dus er is geen ongemeten factor nodig om "
               "het effect onzeker te maken; om de schatting zelf weg te verklaren zou een "
               "factor mensen {point} keer zo vaak zowel een mentor als de uitkomst moeten "
               "geven."),
    },
    "rosenbaum": {
        "en": ("The finding holds (p below {alpha}) unless something we did not measure made "
               "one of two matched people up to {gamma} times as likely as the other to get "
               "a mentor."),
        "da": ("Resultatet holder (p under {alpha}), medmindre noget vi ikke har målt gjorde "
               "den ene af to matchede personer op til {gamma} gange så tilbøjelig som den "
               "anden til at få en mentor."),
        "nl": ("De uitkomst blijft overeind (p onder {alpha}), tenzij iets wat we niet hebben "
               "gemeten de ene van twee gekoppelde mensen tot {gamma} keer zo vaak als de "
               "andere een mentor gaf."),
    },
    "rosenbaum_none": {
        "en": ("Even without any unmeasured factor the matched pairs do not show a clear "
               "difference (p {p} at or above {alpha})."),
        "da": ("Selv uden nogen umålt faktor viser de matchede par ingen klar forskel "
               "(p {p} på eller over {alpha})."),
        "nl": ("Zelfs zonder ongemeten factor laten de gekoppelde paren geen duidelijk "
               "verschil zien (p {p} op of boven {alpha})."),
    },
})


def _fmt(x: float) -> str:
    return "∞" if not math.isfinite(x) else f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class EValue:
    """E-value of an estimate (``point``) and of its interval limit nearer no effect (``ci``).

    ``rr``, ``rr_low`` and ``rr_high`` are the risk ratios the E-values were computed from.
    """

    point: float
    ci: float
    rr: float
    rr_low: float
    rr_high: float
    scale: str

    def sentence(self, lang: str = "en") -> str:
        """What the E-value means, in words a funder understands (da/en/nl)."""
        if self.ci <= 1.0:
            return TEXT.text("evalue_null", lang, point=_fmt(self.point))
        return TEXT.text("evalue", lang, point=_fmt(self.point), ci=_fmt(self.ci))

    def to_frame(self) -> pd.DataFrame:
        """One row: scale, rr, rr_low, rr_high, evalue, evalue_ci."""
        return pd.DataFrame([{"scale": self.scale, "rr": self.rr, "rr_low": self.rr_low,
                              "rr_high": self.rr_high, "evalue": self.point,
                              "evalue_ci": self.ci}])


def _e(rr: float) -> float:
    if not (rr > 0 and math.isfinite(rr)):
        raise EstimationError(f"a risk ratio must be positive and finite (got {rr})")
    r = rr if rr >= 1 else 1 / rr
    return float(r + math.sqrt(r * (r - 1)))


def evalue(rr: float, ci_low: float | None = None, ci_high: float | None = None,
           scale: str = "risk ratio") -> EValue:
    """E-value of a risk ratio and of its confidence limit nearer 1.

    Example
    -------
    >>> round(evalue(0.80, 0.71, 0.91).ci, 3)
    1.429
    """
    lo = rr if ci_low is None else ci_low
    hi = rr if ci_high is None else ci_high
    if not lo <= rr <= hi:
        raise EstimationError(f"the interval ({lo}, {hi}) does not contain the estimate {rr}")
    point = _e(rr)
    if lo <= 1 <= hi:
        ci = 1.0
    else:
        ci = _e(lo if rr > 1 else hi)
    return EValue(point, ci, float(rr), float(lo), float(hi), scale)


def rr_from_or(odds_ratio: float, rare: bool) -> float:
    """An odds ratio as an approximate risk ratio (itself if rare, else its square root).

    Example
    -------
    >>> rr_from_or(4.0, rare=False)
    2.0
    """
    return float(odds_ratio if rare else math.sqrt(odds_ratio))


def rr_from_hr(hazard_ratio: float, rare: bool) -> float:
    """A hazard ratio as an approximate risk ratio (VanderWeele & Ding 2017, Table 2).

    Example
    -------
    >>> round(rr_from_hr(0.5, rare=False), 4)
    0.6201
    """
    if rare:
        return float(hazard_ratio)
    return float((1 - 0.5 ** math.sqrt(hazard_ratio))
                 / (1 - 0.5 ** math.sqrt(1 / hazard_ratio)))


def evalue_or(odds_ratio: float, ci_low: float, ci_high: float, rare: bool) -> EValue:
    """E-value of an odds ratio (``rare``: the outcome is below about 15%).

    Example
    -------
    >>> round(evalue_or(0.86, 0.75, 0.99, rare=False).point, 3)
    1.369
    """
    return evalue(rr_from_or(odds_ratio, rare), rr_from_or(ci_low, rare),
                  rr_from_or(ci_high, rare), "odds ratio")


def evalue_hr(hazard_ratio: float, ci_low: float, ci_high: float, rare: bool) -> EValue:
    """E-value of a hazard ratio (``rare``: the outcome is below about 15% by the end).

    A job is not rare: use ``rare=False`` for the time to a job.

    Example
    -------
    >>> evalue_hr(1.3, 1.1, 1.6, rare=False).point > 1
    True
    """
    return evalue(rr_from_hr(hazard_ratio, rare), rr_from_hr(ci_low, rare),
                  rr_from_hr(ci_high, rare), "hazard ratio")


def evalue_rd(p_treated: float, difference: float, ci_low: float, ci_high: float) -> EValue:
    """E-value of a risk difference, through the risk ratio ``p1 / (p1 - difference)``.

    ``p_treated`` is the treated group's proportion, ``difference`` the estimate (as a
    proportion, 0.10 for 10 points); the interval limits are turned into risk ratios with the
    comparison proportion held fixed.

    Example
    -------
    >>> round(evalue_rd(0.5, 0.25, 0.05, 0.45).rr, 3)
    2.0
    """
    p0 = p_treated - difference
    if not (0 < p0 < 1 and 0 < p_treated <= 1):
        raise EstimationError(f"proportions must lie in (0, 1) (treated {p_treated}, "
                              f"comparison {p0})")
    return evalue(p_treated / p0, (p0 + ci_low) / p0, (p0 + ci_high) / p0, "risk difference")


def evalue_mean_difference(d: float, se: float, level: float = 0.95) -> EValue:
    """E-value of a difference in means in standard deviations (``RR ≈ exp(0.91 d)``).

    Example
    -------
    >>> round(evalue_mean_difference(0.5, 0.1).rr, 3)
    1.576
    """
    z = stats.norm.ppf(0.5 + level / 2)
    return evalue(math.exp(0.91 * d), math.exp(0.91 * (d - z * se)),
                  math.exp(0.91 * (d + z * se)), "standardised mean difference")


@dataclass(frozen=True)
class Rosenbaum:
    """Rosenbaum bounds: upper-bound p-values per gamma, and the gamma where it reaches alpha."""

    bounds: pd.DataFrame     # gamma, p_upper
    gamma: float             # largest gamma with p_upper < alpha (1.0: not even then)
    alpha: float
    n_pairs: int
    p_value: float           # the ordinary one-sided Wilcoxon p (gamma = 1)

    def to_frame(self) -> pd.DataFrame:
        """The upper-bound p-value per gamma."""
        return self.bounds.copy()

    def sentence(self, lang: str = "en") -> str:
        """What the bound means, in words a funder understands (da/en/nl)."""
        if self.p_value >= self.alpha:
            return TEXT.text("rosenbaum_none", lang, p=f"{self.p_value:.3f}",
                             alpha=_fmt(self.alpha))
        return TEXT.text("rosenbaum", lang, gamma=_fmt(self.gamma), alpha=_fmt(self.alpha))


def _ranks(differences: np.ndarray | pd.Series) -> tuple[np.ndarray, float]:
    """Ranks of |d| over every pair (zeros ranked lowest, then left out: Pratt), and T."""
    d = np.asarray(differences, dtype=float)
    if np.isnan(d).any():
        raise EstimationError("the matched-pair differences contain missing values")
    if not (d != 0).any():
        raise EstimationError("every matched pair has the same outcome: nothing to test")
    r = stats.rankdata(np.abs(d))
    return r[d != 0], float(r[d > 0].sum())


def _p_upper(r: np.ndarray, t_obs: float, gamma: float) -> float:
    p = gamma / (1 + gamma)
    mean = p * r.sum()
    var = p * (1 - p) * np.sum(r ** 2)
    return float(stats.norm.sf((t_obs - mean) / math.sqrt(var)))


def rosenbaum_bounds(differences: np.ndarray | pd.Series,
                     gammas: tuple[float, ...] = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6),
                     alpha: float = 0.05) -> Rosenbaum:
    """Upper bounds on the Wilcoxon signed-rank p-value of treated-minus-match differences.

    Parameters
    ----------
    differences : one value per matched pair, treated minus its match (positive: the
        treated did better). Pairs with no difference carry no sign and are left out
        (after ranking, Pratt's way).
    gammas : the values of the sensitivity parameter to tabulate (each >= 1).
    alpha : the level at which the finding is said to hold.

    Example
    -------
    >>> r = rosenbaum_bounds(np.arange(1.0, 21))
    >>> bool(r.gamma > 3), r.n_pairs
    (True, 20)
    """
    if any(g < 1 for g in gammas):
        raise EstimationError("every gamma must be at least 1")
    r, t_obs = _ranks(differences)
    table = pd.DataFrame({"gamma": [float(g) for g in gammas],
                          "p_upper": [_p_upper(r, t_obs, g) for g in gammas]})
    return Rosenbaum(table, rosenbaum_gamma(differences, alpha), alpha, len(r),
                     _p_upper(r, t_obs, 1.0))


def rosenbaum_gamma(differences: np.ndarray | pd.Series, alpha: float = 0.05,
                    upper: float = 1000.0) -> float:
    """The gamma at which the upper-bound p-value reaches ``alpha`` (1.0 if it already does
    at gamma 1; ``upper`` if it never does below it).

    Example
    -------
    >>> round(rosenbaum_gamma(np.arange(1.0, 21)), 2) > 3
    True
    """
    r, t_obs = _ranks(differences)
    if _p_upper(r, t_obs, 1.0) >= alpha:
        return 1.0
    if _p_upper(r, t_obs, upper) < alpha:
        return float(upper)
    return float(optimize.brentq(lambda g: _p_upper(r, t_obs, g) - alpha, 1.0, upper,
                                 xtol=1e-10))


def evalue_of(e: Effect, sd: float | None = None) -> EValue:
    """The E-value of an :class:`~mentorkit.outcomes.effects.Effect`.

    A 0/1 outcome (a share) goes through the risk ratio of the treated share to the
    counterfactual one (:func:`evalue_rd`); a measured outcome needs ``sd``, the outcome's
    standard deviation in the comparison group, for :func:`evalue_mean_difference`.

    Example
    -------
    >>> import pandas as pd
    >>> from mentorkit.outcomes import effect
    >>> d = pd.DataFrame({"t": [0] * 10 + [1] * 10, "y": [0] * 7 + [1] * 3 + [0] * 4 + [1] * 6})
    >>> round(evalue_of(effect(d, "t", "y", method="difference")).rr, 2)
    2.0
    """
    p1, p0 = e.mean_treated, e.mean_control
    if sd is None:
        if not (0 <= p1 <= 1 and 0 <= p0 <= 1):
            raise EstimationError("for a measured (not 0/1) outcome give sd=, its standard "
                                  "deviation in the comparison group")
        return evalue_rd(p1, e.estimate, e.ci_low, e.ci_high)
    if not sd > 0:
        raise EstimationError(f"sd must be positive (got {sd})")
    z = stats.norm.ppf(0.5 + e.ci_level / 2)
    se = (e.ci_high - e.ci_low) / (2 * z) / sd
    return evalue_mean_difference(e.estimate / sd, se, e.ci_level)


def matched_differences(df: pd.DataFrame, treatment: str, outcome: str,
                        covariates: str | Sequence[str], caliper: float | None = 0.2
                        ) -> pd.DataFrame:
    """1:1 matched pairs (nearest neighbour on the logit of the propensity score, without
    replacement, within ``caliper`` SDs) and each pair's treated-minus-match difference.

    The input of :func:`rosenbaum_bounds` for a matched estimate: the same score and caliper
    as ``effect(method="psm", replace=False)``. Returns treated_row, control_row, difference
    (row labels of ``df``).

    Example
    -------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=300)})
    >>> d["t"] = (rng.random(300) < 1 / (1 + np.exp(1 - d.x))).astype(int)
    >>> d["y"] = d.x + d.t + rng.normal(size=300)
    >>> pairs = matched_differences(d, "t", "y", ["x"])
    >>> rosenbaum_bounds(pairs["difference"]).gamma > 1
    True
    """
    from mentorkit.outcomes._psm import match

    covs = as_columns(covariates)
    if not covs:
        raise EstimationError("matching needs covariates")
    data = prepare(df, treatment, outcome, covs)
    e = np.clip(fit_logit(data.t, data.Xps, []).p, 1e-12, 1 - 1e-12)
    score = np.log(e / (1 - e))
    t = data.t
    sd = math.sqrt((score[t].var(ddof=1) + score[~t].var(ddof=1)) / 2)
    radius = np.inf if caliper is None else caliper * sd
    m = match(score, np.flatnonzero(t), np.flatnonzero(~t), 1, radius, replace=False)
    if len(m.sources) == 0:
        raise EstimationError("no treated person has a comparison person within the caliper")
    treated_pos = m.sources[m.owner]
    return pd.DataFrame({"treated_row": data.index[treated_pos],
                         "control_row": data.index[m.targets],
                         "difference": data.y[treated_pos] - data.y[m.targets]})

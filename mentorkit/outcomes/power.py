"""Planning: the minimum detectable effect and the power for a programme's size.

Both use statsmodels' power tools for two independent groups under the normal
approximation (``NormalIndPower``). For a share (employed or not) the effect size is
Cohen's ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0))`` (``proportion_effectsize``), turned back
into percentage points from the comparison group's share; for a measured outcome it is in
standard deviations. ``design_effect`` (``1 + (m - 1) ICC`` for clusters of size ``m``, or
the loss from weighting) divides both group sizes.

Example
-------
>>> m = minimum_detectable_effect(90, 60, baseline=0.30)
>>> round(m.points, 1)
22.8
>>> m.sentence("en")[:40]
'With 90 mentees and 60 comparison people'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mentorkit.i18n import Catalogue
from mentorkit.outcomes._data import EstimationError

__all__ = ["MDE", "TEXT", "minimum_detectable_effect", "minimum_detectable_mean_difference",
           "power_for"]

TEXT = Catalogue("outcomes.power", {
    "mde": {
        "en": ("With {n_treated} mentees and {n_control} comparison people the study can "
               "detect a difference of {points} percentage points (from {p0}% to {p1}%) with "
               "{power}% power at the {alpha}% level; a smaller true effect would often go "
               "unnoticed."),
        "da": ("Med {n_treated} mentees og {n_control} i sammenligningsgruppen kan "
               "undersøgelsen påvise en forskel på {points} procentpoint (fra {p0}% til {p1}%) "
               "med {power}% styrke på {alpha}%-niveau; en mindre sand effekt vil ofte ikke "
               "blive opdaget."),
        "nl": ("Met {n_treated} mentees en {n_control} mensen in de vergelijkingsgroep kan "
               "het onderzoek een verschil van {points} procentpunt aantonen (van {p0}% naar "
               "{p1}%) met {power}% onderscheidingsvermogen op het {alpha}%-niveau; een "
               "kleiner werkelijk effect blijft vaak onopgemerkt."),
    },
    "mde_sd": {
        "en": ("With {n_treated} mentees and {n_control} comparison people the study can "
               "detect a difference of {sd} standard deviations with {power}% power at the "
               "{alpha}% level."),
        "da": ("Med {n_treated} mentees og {n_control} i sammenligningsgruppen kan "
               "undersøgelsen påvise en forskel på {sd} standardafvigelser med {power}% "
               "styrke på {alpha}%-niveau."),
        "nl": ("Met {n_treated} mentees en {n_control} mensen in de vergelijkingsgroep kan "
               "het onderzoek een verschil van {sd} standaarddeviaties aantonen met {power}% "
               "onderscheidingsvermogen op het {alpha}%-niveau."),
    },
})


def _num(x: float, digits: int = 1) -> str:
    """``x`` with at most ``digits`` decimals, trailing zeros of the decimals dropped."""
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class MDE:
    """A minimum detectable effect: in effect-size units (``h`` or SDs) and, for a share,
    as ``difference`` (a proportion) from ``baseline`` to ``detectable``."""

    n_treated: int
    n_control: int
    alpha: float
    power: float
    effect_size: float
    baseline: float | None = None
    detectable: float | None = None
    design_effect: float = 1.0

    @property
    def difference(self) -> float:
        """The detectable difference (a proportion for a share, SDs otherwise)."""
        if self.baseline is None or self.detectable is None:
            return self.effect_size
        return self.detectable - self.baseline

    @property
    def points(self) -> float:
        """The detectable difference in percentage points (shares only)."""
        if self.baseline is None:
            raise EstimationError("points are only defined for a share (give baseline=)")
        return 100 * self.difference

    def sentence(self, lang: str = "en", min_cell: int | None = 0) -> str:
        """"With 90 mentees and 60 comparison people the study can detect …" (da/en/nl).

        The two group sizes go through
        :func:`~mentorkit.outcomes.suppress.suppress_small` (``min_cell`` 0: the setting), so
        a group below the threshold reads ``<5``, as in the effect sentences.
        """
        from mentorkit.outcomes.suppress import suppress_small

        sizes = suppress_small(pd.DataFrame({"n1": [self.n_treated], "n0": [self.n_control]}),
                               ["n1", "n0"], min_cell).iloc[0]
        common = dict(n_treated=sizes["n1"], n_control=sizes["n0"],
                      power=_num(100 * self.power, 0), alpha=_num(100 * self.alpha))
        if self.baseline is None or self.detectable is None:
            return TEXT.text("mde_sd", lang, sd=_num(self.effect_size, 2), **common)
        return TEXT.text("mde", lang, points=_num(self.points), p0=_num(100 * self.baseline),
                         p1=_num(100 * self.detectable), **common)


def _check(n_treated: int, n_control: int, alpha: float, power: float | None,
           design_effect: float) -> tuple[float, float]:
    if n_treated < 2 or n_control < 2:
        raise EstimationError(f"need at least 2 people per group (got {n_treated} treated, "
                              f"{n_control} comparison)")
    if not 0 < alpha < 1 or (power is not None and not alpha < power < 1):
        raise EstimationError(f"alpha must be in (0, 1) and power in (alpha, 1) (got {alpha}, "
                              f"{power})")
    if design_effect < 1:
        raise EstimationError(f"design_effect must be at least 1 (got {design_effect})")
    return n_treated / design_effect, n_control / design_effect


def _solve_h(n1: float, n0: float, alpha: float, power: float, alternative: str) -> float:
    from statsmodels.stats.power import NormalIndPower

    return float(NormalIndPower().solve_power(effect_size=None, nobs1=n1, alpha=alpha,
                                              power=power, ratio=n0 / n1,
                                              alternative=alternative))


def minimum_detectable_effect(n_treated: int, n_control: int, baseline: float,
                              alpha: float = 0.05, power: float = 0.8,
                              alternative: str = "two-sided",
                              design_effect: float = 1.0) -> MDE:
    """The smallest rise in a share from ``baseline`` the study detects with ``power``.

    Parameters
    ----------
    n_treated, n_control : group sizes (mentees with the outcome recorded, comparisons).
    baseline : the comparison group's share (0 to 1), e.g. employed at 12 months.
    alpha, power : test level and the power wanted.
    alternative : "two-sided", "larger" or "smaller" (statsmodels' names).
    design_effect : the variance inflation from clustering or weighting (>= 1).

    Example
    -------
    >>> round(minimum_detectable_effect(200, 200, 0.5).points, 1)
    13.8
    """
    if not 0 < baseline < 1:
        raise EstimationError(f"baseline must be a share between 0 and 1 (got {baseline})")
    n1, n0 = _check(n_treated, n_control, alpha, power, design_effect)
    h = _solve_h(n1, n0, alpha, power, alternative)
    phi = 2 * math.asin(math.sqrt(baseline)) + h
    detectable = math.sin(min(phi, math.pi) / 2) ** 2
    return MDE(n_treated, n_control, alpha, power, h, baseline, detectable, design_effect)


def minimum_detectable_mean_difference(n_treated: int, n_control: int, alpha: float = 0.05,
                                       power: float = 0.8, alternative: str = "two-sided",
                                       design_effect: float = 1.0) -> MDE:
    """The smallest difference in means, in standard deviations, detected with ``power``.

    Example
    -------
    >>> round(minimum_detectable_mean_difference(64, 64).effect_size, 3)
    0.495
    """
    n1, n0 = _check(n_treated, n_control, alpha, power, design_effect)
    return MDE(n_treated, n_control, alpha, power, _solve_h(n1, n0, alpha, power, alternative),
               design_effect=design_effect)


def power_for(n_treated: int, n_control: int, baseline: float, effect: float,
              alpha: float = 0.05, alternative: str = "two-sided",
              design_effect: float = 1.0) -> float:
    """The power to detect a rise of ``effect`` (a proportion: 0.10 = 10 points) in a share.

    Example
    -------
    >>> round(power_for(90, 60, 0.30, 0.10), 2)
    0.24
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    if not 0 < baseline < 1 or not 0 < baseline + effect < 1:
        raise EstimationError(f"baseline and baseline + effect must be shares in (0, 1) (got "
                              f"{baseline}, {baseline + effect})")
    n1, n0 = _check(n_treated, n_control, alpha, None, design_effect)
    h = float(proportion_effectsize(baseline + effect, baseline))
    return float(NormalIndPower().power(effect_size=h, nobs1=n1, alpha=alpha, ratio=n0 / n1,
                                        alternative=alternative))

"""A placebo outcome: the same design on something measured before mentoring began.

Mentoring cannot change a mentee's situation at intake (employed at registration, language
level at registration). Estimating its "effect" on such an intake outcome with the same
design, covariates and comparison group as the headline estimate is a placebo test: an
interval far from zero says the comparison group differs in ways the covariates do not
capture (Imbens & Rubin 2015, ch. 21; Athey & Imbens 2017). The intake outcome must not
itself be among the covariates.

Example
-------
>>> from mentorkit.outcomes import analysis_table
>>> from mentorkit.synth import generate
>>> t = analysis_table(generate(seed=0, scale=0.3))
>>> p = placebo(t, "matched", "employed_intake", ["language_rank", "age"], method="ipw",
...             n_boot=0)
>>> p.effect.outcome
'employed_intake'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mentorkit.outcomes._data import EstimationError, as_columns
from mentorkit.outcomes.effects import Effect, effect

__all__ = ["Placebo", "placebo"]


@dataclass(frozen=True)
class Placebo:
    """The placebo estimate and whether its interval contains no effect."""

    effect: Effect

    @property
    def passed(self) -> bool:
        """True when the interval contains 0 (no "effect" before mentoring)."""
        return self.effect.covers(0.0)

    def to_frame(self) -> pd.DataFrame:
        """The estimate's row with ``placebo_outcome`` and ``passed``."""
        return self.effect.to_frame().assign(placebo_outcome=self.effect.outcome,
                                             passed=self.passed)


def placebo(df: pd.DataFrame, treatment: str, intake_outcome: str,
            covariates: str | Sequence[str] = (), method: str = "ipw",
            **kwargs: Any) -> Placebo:
    """The effect of ``treatment`` on ``intake_outcome`` with the headline's design.

    ``kwargs`` go to :func:`~mentorkit.outcomes.effect` (estimand, n_boot, cluster, weights
    …), so the placebo uses exactly the headline's settings.

    Example
    -------
    >>> d = pd.DataFrame({"t": [0, 0, 1, 1] * 5, "y0": [0, 1] * 10})
    >>> placebo(d, "t", "y0", method="difference").passed
    True
    """
    covs = as_columns(covariates)
    if intake_outcome in covs:
        raise EstimationError(f"the placebo outcome {intake_outcome!r} is among the "
                              "covariates: adjusting for it makes the test empty")
    if method == "did":
        raise EstimationError("a placebo outcome is for designs without pre=; for did use "
                              "event_study, whose leads are the placebo")
    return Placebo(effect(df, treatment, intake_outcome, covs, method=method, **kwargs))

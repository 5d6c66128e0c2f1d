"""Diagnostics that speak up, as numbers: balance after weighting, overlap, weights.

:func:`diagnose` turns an :class:`~mentorkit.outcomes.effects.Effect` into the figures a
referee checks before believing an estimate (the reports put them into words):

* balance: the covariates whose |SMD| after weighting or matching (before, for methods that
  do neither) is above ``max_smd`` (0.1, Austin 2009), largest first;
* overlap: per group, how many and what share lie outside the other group's propensity
  range (common support);
* weights: per group, the effective sample size ``(sum w)^2 / sum w^2`` (Kish), the largest
  weight and the largest one person's share of the group's total weight.

``problems`` lists short codes for what should stop a reader: ``imbalance`` (a covariate
above ``max_smd``), ``outside_support`` (more than ``max_outside`` of a group outside),
``few_effective`` (the comparison group's effective size below ``min_ess_share`` of its
size) and ``dominant_weight`` (one person carrying more than ``max_weight_share`` of a
group's weight, and more than twice an equal share).

Example
-------
>>> w = np.array([1.0, 1.0, 1.0, 3.0])
>>> round(effective_sample_size(w), 3)
3.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorkit.outcomes._data import EstimationError

if TYPE_CHECKING:
    from mentorkit.outcomes.effects import Effect

__all__ = ["Diagnostics", "diagnose", "effective_sample_size", "imbalanced", "support",
           "weight_summary"]

MAX_SMD = 0.1
"""|SMD| above this is named as imbalance (Austin 2009)."""


def effective_sample_size(weights: np.ndarray | pd.Series) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 weights drop out).

    Example
    -------
    >>> effective_sample_size(np.ones(10))
    10.0
    """
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or not np.isfinite(w).all():
        raise EstimationError("weights must be finite and not negative")
    s2 = float(np.sum(w ** 2))
    return float(np.sum(w) ** 2 / s2) if s2 > 0 else 0.0


def imbalanced(balance: pd.DataFrame, max_smd: float = MAX_SMD) -> pd.DataFrame:
    """The rows of a balance table whose |SMD| (after, else before) exceeds ``max_smd``.

    Returns covariate, smd (the one judged) and smd_before, largest |smd| first.

    Example
    -------
    >>> b = pd.DataFrame({"covariate": ["a", "b"], "smd_before": [.5, .3],
    ...                   "smd_after": [.02, -.25]})
    >>> imbalanced(b)["covariate"].tolist()
    ['b']
    """
    col = "smd_after" if "smd_after" in balance.columns else "smd_before"
    smd = pd.to_numeric(balance[col], errors="coerce")
    out = pd.DataFrame({"covariate": balance["covariate"], "smd": smd,
                        "smd_before": balance["smd_before"]})
    out = out[smd.abs() > max_smd]
    return out.reindex(out["smd"].abs().sort_values(ascending=False).index) \
        .reset_index(drop=True)


def support(propensity: np.ndarray | pd.Series, treated: np.ndarray | pd.Series
            ) -> pd.DataFrame:
    """Per group: n, how many lie outside the other group's propensity range, and the share.

    Example
    -------
    >>> support(np.array([.2, .5, .6, .9]), np.array([0, 0, 1, 1]))["outside"].tolist()
    [2, 2]
    """
    e = np.asarray(propensity, dtype=float)
    t = np.asarray(treated).astype(bool)
    rows = []
    for name, mine, other in (("treated", t, ~t), ("control", ~t, t)):
        x, o = e[mine], e[other]
        out = int(((x < o.min()) | (x > o.max())).sum()) if len(o) else int(len(x))
        rows.append({"group": name, "n": int(mine.sum()), "outside": out,
                     "share_outside": out / len(x) if len(x) else float("nan")})
    return pd.DataFrame(rows)


def weight_summary(weights: np.ndarray | pd.Series, treated: np.ndarray | pd.Series
                   ) -> pd.DataFrame:
    """Per group: n, effective sample size, largest weight, its share of the group's total.

    Example
    -------
    >>> weight_summary(np.array([1., 1, 1, 3]), np.array([1, 1, 0, 0]))["ess"].tolist()
    [2.0, 1.6]
    """
    w = np.asarray(weights, dtype=float)
    t = np.asarray(treated).astype(bool)
    rows = []
    for name, mine in (("treated", t), ("control", ~t)):
        x = w[mine]
        total = float(x.sum())
        rows.append({"group": name, "n": int(mine.sum()), "ess": effective_sample_size(x),
                     "max_weight": float(x.max()) if len(x) else float("nan"),
                     "max_weight_share": float(x.max()) / total if total > 0 else float("nan")})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Diagnostics:
    """The numbers behind "can this estimate be trusted"; ``problems`` names what is wrong."""

    max_smd: float
    imbalanced: pd.DataFrame
    support: pd.DataFrame | None
    weights: pd.DataFrame | None
    problems: tuple[str, ...] = field(default=())

    @property
    def imbalanced_covariates(self) -> list[str]:
        """Names of the covariates above ``max_smd``, largest first."""
        return [str(c) for c in self.imbalanced["covariate"]]

    def to_dict(self) -> dict[str, object]:
        """Plain numbers for a report's record."""
        out: dict[str, object] = {"max_smd": self.max_smd,
                                  "imbalanced": dict(zip(self.imbalanced["covariate"],
                                                         self.imbalanced["smd"].round(3))),
                                  "problems": list(self.problems)}
        if self.support is not None:
            out["outside_support"] = dict(zip(self.support["group"], self.support["outside"]))
        if self.weights is not None:
            out["ess"] = dict(zip(self.weights["group"], self.weights["ess"].round(1)))
            out["max_weight"] = dict(zip(self.weights["group"],
                                         self.weights["max_weight"].round(3)))
        return out


def diagnose(e: Effect, max_smd: float = MAX_SMD, max_outside: float = 0.05,
             min_ess_share: float = 0.5, max_weight_share: float = 0.1) -> Diagnostics:
    """Balance, overlap and weight diagnostics of an estimate, with the problems found.

    Example
    -------
    >>> from mentorkit.outcomes import effect
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=200)})
    >>> d["t"] = (rng.random(200) < 1 / (1 + np.exp(-d.x))).astype(int)
    >>> d["y"] = d.x + d.t + rng.normal(size=200)
    >>> diagnose(effect(d, "t", "y", ["x"], n_boot=0)).imbalanced_covariates
    []
    """
    bal = imbalanced(e.balance, max_smd) if e.balance is not None else \
        pd.DataFrame(columns=["covariate", "smd", "smd_before"])
    problems: list[str] = []
    if len(bal):
        problems.append("imbalance")
    sup = None
    if e.propensity is not None and e.treated is not None:
        sup = support(e.propensity.to_numpy(), e.treated.to_numpy())
        if (sup["share_outside"] > max_outside).any():
            problems.append("outside_support")
    wts = None
    if e.weights is not None and e.treated is not None:
        t = e.treated.reindex(e.weights.index).to_numpy()
        wts = weight_summary(e.weights.to_numpy(), t)
        control = wts.set_index("group").loc["control"]
        if control["n"] and control["ess"] < min_ess_share * control["n"]:
            problems.append("few_effective")
        share = wts["max_weight_share"]
        if ((share > max_weight_share) & (share > 2 / wts["n"].clip(lower=1))).any():
            problems.append("dominant_weight")
    return Diagnostics(max_smd, bal, sup, wts, tuple(problems))

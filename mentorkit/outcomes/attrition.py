"""Attrition: who answered the follow-up, weights for those who did, and Lee bounds.

When the 12-month outcome is missing for many mentees, complete cases are a selected group.
Three answers, each on one row per person with the outcome missing for non-respondents:

* :func:`response_balance`: respondents against non-respondents at intake (means and
  standardised differences, per arm if ``treatment`` is given), the table a referee asks
  for first;
* :func:`response_weights`: inverse probability of response from a logistic response model
  on intake covariates (fitted per arm), 0 for non-respondents. They are analysis weights:
  ``effect(..., weights=response_weights(...))`` multiplies them with the treatment weights
  (valid when response depends only on the covariates: missing at random);
* :func:`lee_bounds`: Lee (2009, Review of Economic Studies 76: 1071-1102) bounds, which
  need no model of response, only monotonicity (mentoring changes whether someone answers in
  one direction only). The arm that answered more often is trimmed by the excess share
  ``p = (q_more - q_less) / q_more`` from the top (lower bound) or the bottom (upper bound) of
  its outcomes; ties at the cut are trimmed fractionally, so 0/1 outcomes work. The interval
  is Imbens & Manski's (2004) for the effect, from bootstrap standard errors of the bounds.
  Lee's bounds are for a randomised comparison; in an observational one pass
  ``weights=treatment_weights(...)`` (propensity weights for everyone, answered or not), so
  that the bounds compare the same people as the weighted estimate beside them.

Example
-------
>>> d = pd.DataFrame({"t": [1, 1, 1, 1, 0, 0, 0, 0],
...                   "y": [1, 2, 3, None, 1, 2, None, None]})
>>> b = lee_bounds(d, "t", "y", n_boot=0)
>>> b.lower, b.upper, round(b.trim_share, 3)
(0.0, 1.0, 0.333)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from mentorkit.outcomes._data import EstimationError, as_columns, binary, design, fit_logit
from mentorkit.outcomes._inference import WeightsArg, analysis_weights
from mentorkit.outcomes.balance import balance_table

__all__ = ["LeeBounds", "lee_bounds", "responded", "response_balance", "response_weights",
           "treatment_weights"]


def responded(df: pd.DataFrame, outcome: str) -> pd.Series:
    """True where ``outcome`` is recorded.

    Example
    -------
    >>> responded(pd.DataFrame({"y": [1.0, None]}), "y").tolist()
    [True, False]
    """
    if outcome not in df.columns:
        raise EstimationError(f"no column {outcome!r} in the table")
    return df[outcome].notna().rename("responded")


def response_balance(df: pd.DataFrame, outcome: str, covariates: str | Sequence[str],
                     treatment: str | None = None) -> pd.DataFrame:
    """Intake means of respondents and non-respondents, and their SMD, per arm.

    Returns a balance table (``mean_treated`` = respondents, ``mean_control`` =
    non-respondents, ``smd_before``) with ``group`` ("all", or "treated"/"control") and
    ``n_respondents``, ``n_nonrespondents``.

    Example
    -------
    >>> d = pd.DataFrame({"y": [1, None, 0, None], "age": [30, 40, 32, 44]})
    >>> response_balance(d, "y", ["age"])["smd_before"].round(2).tolist()
    [-4.92]
    """
    covs = as_columns(covariates)
    frame = df.assign(__responded=responded(df, outcome).astype(int))
    groups: list[tuple[str, pd.Series]] = [("all", pd.Series(True, index=df.index))]
    if treatment is not None:
        t = binary(df[treatment], treatment)
        groups = [("treated", pd.Series(t, index=df.index)),
                  ("control", pd.Series(~t, index=df.index))]
    parts = []
    for name, rows in groups:
        sub = frame[rows.to_numpy()]
        r = sub["__responded"]
        if r.nunique() < 2:
            raise EstimationError(f"in group {name!r} everyone or no one has {outcome!r}: "
                                  "there is no one to compare")
        tab = balance_table(sub, "__responded", covs)
        tab.insert(0, "group", name)
        tab["n_respondents"] = int(r.sum())
        tab["n_nonrespondents"] = int((1 - r).sum())
        parts.append(tab)
    return pd.concat(parts, ignore_index=True)


def response_weights(df: pd.DataFrame, outcome: str, covariates: str | Sequence[str],
                     treatment: str | None = None, max_weight: float | None = None
                     ) -> pd.Series:
    """Inverse probability of response: ``1 / P(responded | covariates)`` for respondents.

    Parameters
    ----------
    df : one row per person, ``outcome`` missing for non-respondents.
    covariates : intake columns of the response model (must be complete for everyone).
    treatment : fit the response model separately in each arm.
    max_weight : cap the weights at this value (None: no cap).

    Returns
    -------
    Series aligned with ``df``: the weight for respondents, 0 for non-respondents.

    Example
    -------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"age": rng.normal(40, 10, 200)})
    >>> d["y"] = np.where(rng.random(200) < 0.6, 1.0, np.nan)
    >>> w = response_weights(d, "y", ["age"])
    >>> bool((w[d.y.isna()] == 0).all() and (w[d.y.notna()] > 1).all())
    True
    """
    covs = as_columns(covariates)
    X = design(df, covs)
    missing = X.isna().any(axis=1)
    if missing.any():
        row = df.index[int(np.flatnonzero(missing.to_numpy())[0])]
        raise EstimationError(f"the response model needs {', '.join(covs)} for everyone: "
                              f"{int(missing.sum())} rows lack one (first: row {row!r})")
    r = responded(df, outcome).to_numpy()
    arms: list[np.ndarray] = [np.ones(len(df), dtype=bool)]
    if treatment is not None:
        t = binary(df[treatment], treatment)
        arms = [t, ~t]
    w = np.zeros(len(df))
    for rows in arms:
        rr = r[rows]
        if rr.all():
            w[rows] = 1.0
            continue
        if not rr.any():
            raise EstimationError(f"no one in a group has {outcome!r} recorded")
        Xa = X[rows]
        Xa = Xa.loc[:, Xa.nunique() > 1]
        notes: list[str] = []
        p = fit_logit(rr, Xa, notes, "response model").p
        w[rows] = np.where(rr, 1 / np.clip(p, 1e-12, 1), 0.0)
    if max_weight is not None:
        w = np.minimum(w, max_weight)
    return pd.Series(w, index=df.index, name="response_weight")


def _trimmed_mean(y: np.ndarray, w: np.ndarray, share: float, from_top: bool) -> float:
    """Weighted mean after removing ``share`` of the weight from the top (or bottom); the
    person at the cut is removed fractionally."""
    order = np.argsort(-y if from_top else y, kind="stable")   # the ones to remove first
    x, wx = y[order], w[order]
    cut = share * wx.sum()
    before = np.concatenate([[0.0], np.cumsum(wx)[:-1]])      # weight ahead of each person
    removed = np.clip(cut - before, 0.0, wx)
    keep = wx - removed
    return float(np.sum(keep * x) / keep.sum())


def _wmean(y: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * y) / np.sum(w))


def _bounds(y: np.ndarray, t: np.ndarray, r: np.ndarray, w: np.ndarray
            ) -> tuple[float, float, float, str]:
    q1, q0 = _wmean(r[t], w[t]), _wmean(r[~t], w[~t])
    a, b = t & r, ~t & r
    if not a.any() or not b.any():
        raise EstimationError("need respondents in both groups for Lee bounds")
    if q1 >= q0:
        p = (q1 - q0) / q1
        m0 = _wmean(y[b], w[b])
        return (_trimmed_mean(y[a], w[a], p, True) - m0,
                _trimmed_mean(y[a], w[a], p, False) - m0, float(p), "treated")
    p = (q0 - q1) / q0
    m1 = _wmean(y[a], w[a])
    return (m1 - _trimmed_mean(y[b], w[b], p, False), m1 - _trimmed_mean(y[b], w[b], p, True),
            float(p), "control")


@dataclass(frozen=True)
class LeeBounds:
    """Lee (2009) bounds on the effect among those who would answer either way."""

    lower: float
    upper: float
    ci_low: float
    ci_high: float
    trim_share: float
    trimmed: str                  # which arm was trimmed: "treated" or "control"
    response_treated: float
    response_control: float
    complete_case: float          # difference in means among respondents
    n_treated: int
    n_control: int
    n_boot: int

    def to_frame(self) -> pd.DataFrame:
        """One row of every field."""
        return pd.DataFrame([self.__dict__])


def _im_ci(lo: float, hi: float, se_lo: float, se_hi: float, level: float
           ) -> tuple[float, float]:
    """Imbens & Manski (2004) interval for a partially identified effect."""
    s = max(se_lo, se_hi)
    if not np.isfinite(s) or s <= 0:
        return lo, hi
    width = (hi - lo) / s

    def f(c: float) -> float:
        return float(stats.norm.cdf(c + width) - stats.norm.cdf(-c) - level)

    c = optimize.brentq(f, 0.0, 10.0)
    return lo - c * se_lo, hi + c * se_hi


def lee_bounds(df: pd.DataFrame, treatment: str, outcome: str, level: float = 0.95,
               n_boot: int = 500, seed: int | None = 0, weights: WeightsArg = None
               ) -> LeeBounds:
    """Lee bounds on the effect of ``treatment`` on ``outcome`` missing for non-respondents.

    Parameters
    ----------
    df : one row per person; ``outcome`` missing for those who did not answer.
    treatment : 0/1 column (must be recorded for everyone).
    level : level of the Imbens–Manski interval.
    n_boot : bootstrap draws for the standard errors of the bounds (0: no interval, the
        interval equals the bounds).
    weights : weights for everyone, answered or not (a column or values): with
        :func:`treatment_weights` the bounds are about the same comparison as a weighted
        estimate (response shares, trimming and means all weighted). The bootstrap keeps
        the weights fixed (it does not re-fit the model behind them).

    Example
    -------
    >>> d = pd.DataFrame({"t": [1, 1, 0, 0], "y": [1.0, 0.0, 1.0, 0.0]})
    >>> lee_bounds(d, "t", "y", n_boot=0).lower
    0.0
    """
    for c in (treatment, outcome):
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
    if df[treatment].isna().any():
        raise EstimationError(f"{treatment!r} is missing for some rows: Lee bounds need the "
                              "treatment of everyone, answered or not")
    t = binary(df[treatment], treatment)
    y = pd.to_numeric(df[outcome], errors="coerce").to_numpy(dtype=float)
    r = ~np.isnan(y)
    if not t.any() or t.all():
        raise EstimationError("need both treated and untreated people")
    w = analysis_weights(df, weights, df.index)
    w = np.ones(len(y)) if w is None else w
    lo, hi, p, arm = _bounds(y, t, r, w)
    cc = _wmean(y[t & r], w[t & r]) - _wmean(y[~t & r], w[~t & r])
    ci_lo, ci_hi = lo, hi
    if n_boot and n_boot > 0:
        rng = np.random.default_rng(seed)
        draws = []
        n = len(y)
        for _ in range(int(n_boot)):
            idx = rng.integers(0, n, n)
            tb, rb, wb = t[idx], r[idx], w[idx]
            if not (tb & rb & (wb > 0)).any() or not (~tb & rb & (wb > 0)).any():
                continue
            draws.append(_bounds(y[idx], tb, rb, wb)[:2])
        if len(draws) < 10:
            raise EstimationError("too few bootstrap resamples had respondents in both groups")
        arr = np.asarray(draws)
        ci_lo, ci_hi = _im_ci(lo, hi, float(arr[:, 0].std(ddof=1)),
                              float(arr[:, 1].std(ddof=1)), level)
    return LeeBounds(lo, hi, ci_lo, ci_hi, p, arm, _wmean(r[t], w[t]), _wmean(r[~t], w[~t]),
                     cc, int(t.sum()), int((~t).sum()), int(n_boot))


def treatment_weights(df: pd.DataFrame, treatment: str, covariates: str | Sequence[str],
                      estimand: str = "ATT") -> pd.Series:
    """Propensity weights for everyone, answered or not (for :func:`lee_bounds`).

    A logistic propensity model on the intake ``covariates`` over every row; for the ATT the
    treated get 1 and the comparison people ``e / (1 - e)``, for the ATE ``1 / e`` and
    ``1 / (1 - e)``. The rows must have every covariate.

    Example
    -------
    >>> d = pd.DataFrame({"t": [0, 1, 0, 1, 0, 1], "x": [1., 2, 2, 3, 0, 1]})
    >>> treatment_weights(d, "t", ["x"])[d.t == 1].tolist()
    [1.0, 1.0, 1.0]
    """
    if estimand not in ("ATT", "ATE"):
        raise EstimationError(f"estimand must be 'ATT' or 'ATE' (got {estimand!r})")
    covs = as_columns(covariates)
    X = design(df, covs)
    missing = X.isna().any(axis=1)
    if missing.any():
        row = df.index[int(np.flatnonzero(missing.to_numpy())[0])]
        raise EstimationError(f"the propensity model needs {', '.join(covs)} for everyone: "
                              f"{int(missing.sum())} rows lack one (first: row {row!r})")
    t = binary(df[treatment], treatment)
    e = np.clip(fit_logit(t, X.loc[:, X.nunique() > 1], []).p, 1e-12, 1 - 1e-12)
    w = np.where(t, 1.0, e / (1 - e)) if estimand == "ATT" else np.where(t, 1 / e, 1 / (1 - e))
    return pd.Series(w, index=df.index, name="treatment_weight")

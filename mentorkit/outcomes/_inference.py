"""Analysis weights and clusters for the effect estimators (private to ``effects``).

``weights=`` are analysis weights (survey weights, inverse probability of response): every
mean, model fit and influence value is weighted, the weights being part of the data
(M-estimation), so the influence function ``psi`` of the estimate still satisfies
``estimate - truth ≈ mean(psi)``. ``cluster=`` groups people whose outcomes are not
independent (a mentor's mentees, a site): the standard error sums ``psi`` within clusters,

    Var = G / (G - 1) * sum_g (sum_{i in g} psi_i)^2 / n^2,

the same sandwich statsmodels' ``cov_type="cluster"`` uses for least squares (there with
the extra ``(n - 1) / (n - k)`` factor; for regression and the plain difference the
estimators call statsmodels directly). A bootstrap then redraws whole clusters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.outcomes._data import EstimationError, Logit, _caught, _standardised, is_binary

WeightsArg = str | pd.Series | np.ndarray | Sequence[float] | None
"""A column name, or values aligned with the input rows."""


def analysis_weights(df: pd.DataFrame, weights: WeightsArg, index: pd.Index,
                     what: str = "weights") -> np.ndarray | None:
    """The weights of the rows ``index`` of ``df`` as floats, checked; ``None`` for none.

    A negative, infinite or missing weight on a row that is used is an error naming the
    row; weights all zero are an error.
    """
    if weights is None:
        return None
    if isinstance(weights, str):
        if weights not in df.columns:
            raise EstimationError(f"no column {weights!r} in the table ({what}=)")
        values = pd.to_numeric(df[weights], errors="coerce")
        name = weights
    else:
        arr = weights if isinstance(weights, pd.Series) else pd.Series(
            np.asarray(weights, dtype=float), index=df.index)
        if len(arr) != len(df):
            raise EstimationError(f"{what}= has {len(arr)} values for {len(df)} rows")
        values = pd.to_numeric(pd.Series(arr.to_numpy(), index=df.index), errors="coerce")
        name = what
    v = values.loc[index].to_numpy(dtype=float)
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        row = index[int(np.flatnonzero(bad)[0])]
        raise EstimationError(f"{what} {name!r}: {int(bad.sum())} rows used have a missing, "
                              f"negative or infinite weight (first: row {row!r})")
    if v.sum() <= 0:
        raise EstimationError(f"{what} {name!r}: every weight is zero")
    return v


def cluster_codes(df: pd.DataFrame, cluster: str | None, index: pd.Index, notes: list[str]
                  ) -> np.ndarray | None:
    """Integer cluster codes of the rows ``index``; a row with no cluster is its own.

    People without a cluster (a comparison person has no mentor) each form a cluster of
    one, and a note counts them.
    """
    if cluster is None:
        return None
    if cluster not in df.columns:
        raise EstimationError(f"no column {cluster!r} in the table (cluster=)")
    values = df.loc[index, cluster]
    codes, _ = pd.factorize(values, sort=True)
    missing = codes < 0
    if missing.any():
        codes = codes.copy()
        codes[missing] = codes.max() + 1 + np.arange(int(missing.sum()))
        notes.append(f"{int(missing.sum())} people with no {cluster} each count as a "
                     "cluster of their own")
    n_clusters = len(np.unique(codes))
    if n_clusters < 2:
        raise EstimationError(f"cluster={cluster!r} needs at least two clusters (found "
                              f"{n_clusters})")
    return np.asarray(codes, dtype=np.int64)


def n_clusters(groups: np.ndarray) -> int:
    """How many clusters."""
    return int(len(np.unique(groups)))


def cluster_se(psi: np.ndarray, groups: np.ndarray) -> float:
    """Cluster-robust standard error of ``mean(psi)``, with the ``G / (G - 1)`` correction.

    Example
    -------
    >>> psi = np.array([1., -1, 2, -2])
    >>> round(cluster_se(psi, np.array([0, 1, 2, 3])), 4)
    0.9129
    """
    n = len(psi)
    centred = psi - psi.mean()
    sums = np.bincount(groups, weights=centred)
    g = len(np.unique(groups))
    return float(np.sqrt(g / (g - 1) * np.sum(sums ** 2)) / n)


def cluster_score_bootstrap(psi: np.ndarray, estimate: float, groups: np.ndarray,
                            n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``estimate + mean(psi)`` over ``n_boot`` redraws of whole clusters."""
    centred = psi - psi.mean()
    sums = np.bincount(groups, weights=centred)
    sizes = np.bincount(groups).astype(float)
    keep = sizes > 0
    sums, sizes = sums[keep], sizes[keep]
    g = len(sums)
    out = np.empty(n_boot)
    step = max(1, 4_000_000 // max(g, 1))
    for start in range(0, n_boot, step):
        b = min(step, n_boot - start)
        idx = rng.integers(0, g, size=(b, g))
        out[start:start + b] = estimate + sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)
    return out


def fit_logit_weighted(t: np.ndarray, X: pd.DataFrame, s: np.ndarray, notes: list[str],
                       what: str = "propensity model") -> Logit:
    """Weighted logistic regression (binomial GLM with ``var_weights``), as a :class:`Logit`.

    ``inv_info`` is the inverse of the weighted mean information ``mean(s e (1-e) Z Z')``.
    """
    import statsmodels.api as sm

    Z = _standardised(X)
    model = sm.GLM(t.astype(float), Z, family=sm.families.Binomial(), var_weights=s)
    found: list[str] = []
    try:
        res = _caught(lambda: model.fit(), found, what)
    except (np.linalg.LinAlgError, ValueError):
        raise EstimationError("the weighted propensity model cannot be fitted: the groups "
                              "do not overlap or some covariates are collinear") from None
    notes.extend(found)
    if any("PerfectSeparation" in n for n in found):
        raise EstimationError("the treated and comparison groups do not overlap on these "
                              "covariates (perfect separation in the propensity model); drop "
                              "or coarsen covariates, or study a narrower group")
    params = np.asarray(res.params, dtype=float)
    p = np.asarray(res.predict(Z), dtype=float)
    info = Z.T @ (Z * (s * p * (1 - p))[:, None]) / len(t)
    return Logit(p=p, Z=Z, inv_info=np.linalg.pinv(info), params=params)


def fit_outcome_weighted(y: np.ndarray, X: pd.DataFrame, rows: np.ndarray, s: np.ndarray,
                         notes: list[str], kind: str = "auto", what: str = "outcome model"
                         ) -> np.ndarray:
    """Predictions for every row from a weighted outcome model fitted on ``rows``."""
    import statsmodels.api as sm

    Z = _standardised(X)
    if kind == "auto":
        kind = "logit" if is_binary(y) else "linear"
    yr, Zr, sr = y[rows], Z[rows], s[rows]
    model: Any
    if kind in ("logit", "cloglog"):
        if yr.min() == yr.max():
            notes.append(f"{what}: outcome constant in the fitting group; predicted as such")
            return np.full(len(y), yr[0], dtype=float)
        link = sm.families.links.CLogLog() if kind == "cloglog" else sm.families.links.Logit()
        model = sm.GLM(yr, Zr, family=sm.families.Binomial(link=link), var_weights=sr)
    elif kind == "linear":
        model = sm.WLS(yr, Zr, weights=sr)
    else:
        raise EstimationError("outcome_model must be 'auto', 'logit', 'cloglog' or 'linear' "
                              f"(got {kind!r})")
    res = _caught(lambda: model.fit(), notes, what)
    return np.asarray(res.predict(Z), dtype=float)


def ols_cov(groups: np.ndarray | None, robust: str = "HC3") -> dict[str, Any]:
    """statsmodels ``fit`` arguments: cluster-robust when ``groups`` are given."""
    if groups is None:
        return {"cov_type": robust}
    return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}

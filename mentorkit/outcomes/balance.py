"""Covariate balance (standardised mean differences) and propensity overlap.

The standardised mean difference (SMD) of a covariate is the difference between the treated
and comparison means divided by ``sqrt((s1² + s0²) / 2)``, the variances taken in the
unweighted, unmatched sample, so that before and after share one yardstick (Austin 2009;
Austin & Stuart 2015). After weighting or matching, the means (and the variance ratio) use
the weights. |SMD| < 0.1 is the usual mark of good balance.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.3))
>>> b = balance_table(t, "matched", ["language_rank", "age"])
>>> b.columns.tolist()[:3]
['covariate', 'mean_treated', 'mean_control']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mentorkit.outcomes._data import as_columns, binary, design

__all__ = ["balance_table", "overlap_table", "smd"]

GOOD_BALANCE = 0.1
"""|SMD| below this is conventionally taken as balanced."""


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    s = w.sum()
    return float(np.sum(w * x) / s) if s > 0 else float("nan")


def _wvar(x: np.ndarray, w: np.ndarray) -> float:
    s = w.sum()
    if s <= 0:
        return float("nan")
    m = np.sum(w * x) / s
    return float(np.sum(w * (x - m) ** 2) / s)


def smd(x_treated: np.ndarray, x_control: np.ndarray, w_treated: np.ndarray | None = None,
        w_control: np.ndarray | None = None) -> float:
    """Standardised mean difference, the denominator from the unweighted groups.

    Example
    -------
    >>> round(smd(np.array([1., 2, 3]), np.array([0., 1, 2])), 3)
    1.0
    """
    x1, x0 = np.asarray(x_treated, float), np.asarray(x_control, float)
    w1 = np.ones(len(x1)) if w_treated is None else np.asarray(w_treated, float)
    w0 = np.ones(len(x0)) if w_control is None else np.asarray(w_control, float)
    sd = np.sqrt((x1.var(ddof=1) + x0.var(ddof=1)) / 2) if len(x1) > 1 and len(x0) > 1 else 0.0
    diff = _wmean(x1, w1) - _wmean(x0, w0)
    if sd == 0:
        return 0.0 if diff == 0 else float("inf") * np.sign(diff)
    return float(diff / sd)


def balance_table(df: pd.DataFrame, treatment: str, covariates: str | Sequence[str],
                  weights: np.ndarray | pd.Series | None = None) -> pd.DataFrame:
    """Means and SMDs per covariate, before and (if ``weights`` are given) after adjustment.

    Parameters
    ----------
    df : one row per person.
    treatment : 0/1 column.
    covariates : column names (text columns become one row per level but the first).
    weights : per-row weights after weighting or matching (0 drops a row), aligned with ``df``.

    Returns
    -------
    DataFrame with covariate, mean_treated, mean_control, smd_before and, with weights,
    mean_treated_after, mean_control_after, smd_after, variance_ratio_after.

    Example
    -------
    >>> d = pd.DataFrame({"t": [1, 1, 0, 0], "x": [1., 2, 0, 1]})
    >>> float(balance_table(d, "t", ["x"])["smd_before"].iloc[0])
    1.414...
    """
    cols = as_columns(covariates)
    X = design(df, cols)
    t = binary(df[treatment], treatment)
    w = None if weights is None else np.asarray(weights, dtype=float)
    rows = []
    for c in X.columns:
        x = X[c].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        x1, x0 = x[ok & t], x[ok & ~t]
        row = {"covariate": c, "mean_treated": float(x1.mean()) if len(x1) else np.nan,
               "mean_control": float(x0.mean()) if len(x0) else np.nan,
               "smd_before": smd(x1, x0)}
        if w is not None:
            w1, w0 = w[ok & t], w[ok & ~t]
            row.update({
                "mean_treated_after": _wmean(x1, w1), "mean_control_after": _wmean(x0, w0),
                "smd_after": smd(x1, x0, w1, w0),
                "variance_ratio_after": (_wvar(x1, w1) / _wvar(x0, w0)
                                         if _wvar(x0, w0) > 0 else np.nan),
            })
        rows.append(row)
    return pd.DataFrame(rows)


def overlap_table(propensity: np.ndarray | pd.Series, treated: np.ndarray | pd.Series
                  ) -> pd.DataFrame:
    """Distribution of the propensity score per group, and who lies outside common support.

    ``outside_support`` counts the group's people whose score is beyond the other group's
    range (below its minimum or above its maximum).

    Example
    -------
    >>> overlap_table(np.array([.2, .5, .6, .9]), np.array([0, 0, 1, 1]))["n"].tolist()
    [2, 2]
    """
    e = np.asarray(propensity, dtype=float)
    t = np.asarray(treated).astype(bool)
    rows = []
    for name, mine, other in (("treated", t, ~t), ("control", ~t, t)):
        x, o = e[mine], e[other]
        q = np.quantile(x, [0, .05, .25, .5, .75, .95, 1]) if len(x) else [np.nan] * 7
        rows.append({
            "group": name, "n": int(mine.sum()), "min": q[0], "p05": q[1], "p25": q[2],
            "median": q[3], "p75": q[4], "p95": q[5], "max": q[6],
            "outside_support": int(((x < o.min()) | (x > o.max())).sum()) if len(o) else 0,
        })
    return pd.DataFrame(rows)

"""The nonparametric bootstrap that re-fits every model on every resample (ipw, aipw, did).

Each draw resamples people with replacement, re-fits the propensity logit (statsmodels,
started from the full-sample estimate so Newton needs few steps) and, for aipw, the outcome
model, and recomputes the estimate. A draw where one group is empty or the propensity model
separates the groups perfectly is skipped and counted. It costs a few milliseconds per draw on
hundreds of rows, which is why :func:`~mentorkit.outcomes.effect` uses it by default only
for small data and the score bootstrap (``_boot``) for large data.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit

from mentorkit.outcomes._data import EstimationError, Logit, Prepared, _standardised, is_binary
from mentorkit.outcomes._weighting import aipw, ipw_point

REFIT_MAX_ROWS = 1_000
"""``bootstrap="auto"`` re-fits on data up to this many rows (a programme's mentees), and uses
the score bootstrap above it (a propensity logit with a dozen terms on 2,700 rows already takes
0.1-0.2 s per fit here, so 1,000 re-fits would take minutes)."""


def _fit(kind: str, y: np.ndarray, Z: np.ndarray, start: np.ndarray | None = None
         ) -> np.ndarray:
    import statsmodels.api as sm

    if kind == "linear":
        return np.asarray(sm.OLS(y, Z).fit().params)
    if kind == "propensity":
        return np.asarray(sm.Logit(y, Z).fit(disp=0, method="newton", maxiter=50,
                                             start_params=start).params)
    link = sm.families.links.CLogLog() if kind == "cloglog" else sm.families.links.Logit()
    return np.asarray(sm.GLM(y, Z, family=sm.families.Binomial(link=link)).fit().params)


def _predict(kind: str, Z: np.ndarray, params: np.ndarray) -> np.ndarray:
    eta = Z @ params
    if kind == "linear":
        return eta
    if kind == "cloglog":
        return 1 - np.exp(-np.exp(eta))
    return expit(eta)


def _outcome(kind: str, y: np.ndarray, Z: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Predictions for every row from an outcome model fitted on ``rows``."""
    yr = y[rows]
    if kind != "linear" and yr.min() == yr.max():
        return np.full(len(y), yr[0], dtype=float)
    return _predict(kind, Z, _fit(kind, yr, Z[rows]))


def refit_draws(data: Prepared, ps: Logit, method: str, estimand: str, outcome_model: str,
                n_boot: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Bootstrap estimates with all models re-fitted, and the number of draws skipped."""
    y, t = data.y, data.t
    n = len(y)
    Zps = ps.Z
    Zout = _standardised(data.X)
    kind = outcome_model
    if kind == "auto":
        kind = "logit" if is_binary(y) else "linear"
    draws = np.full(n_boot, np.nan)
    skipped = 0
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        tb, yb = t[idx], y[idx]
        if tb.all() or not tb.any():
            skipped += 1
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                beta = _fit("propensity", tb.astype(float), Zps[idx], ps.params)
                e = expit(Zps[idx] @ beta)
                if method == "ipw":
                    est = ipw_point(yb, tb, e, estimand)
                else:
                    Zb = Zout[idx]
                    m0 = _outcome(kind, yb, Zb, ~tb)
                    m1 = _outcome(kind, yb, Zb, tb) if estimand == "ATE" else None
                    est = aipw(yb, tb, e, m0, m1, estimand).estimate
            if any("PerfectSeparation" in type(w.message).__name__ for w in caught):
                skipped += 1
                continue
        except (EstimationError, np.linalg.LinAlgError, ValueError):
            skipped += 1
            continue
        draws[b] = est
    return draws[np.isfinite(draws)], skipped

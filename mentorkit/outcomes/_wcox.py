"""A weighted Cox model on counting-process data (entry, stop], for ``weights=``.

statsmodels' ``PHReg`` takes entry times, strata and cluster groups but no case weights,
so with weights the partial likelihood is maximised here: Breslow's handling of ties, each
row's contribution multiplied by its weight, Newton–Raphson with step halving, and the
robust (sandwich) covariance of Lin & Wei (1989) from the weighted score residuals, summed
within clusters (each row its own cluster when none are given), as R's
``coxph(weights=, robust=TRUE)`` does. With all weights 1 it equals ``PHReg(ties="breslow")``
to the last digits (tests/test_outcomes_time.py).

Example
-------
>>> import numpy as np
>>> x = np.array([[0.], [1.], [0.], [1.], [1.], [0.]])
>>> f = fit_weighted_cox(np.zeros(6), np.array([1., 2, 3, 4, 5, 6]), np.array([1, 1, 1, 0, 1, 1]),
...                      x, np.ones(6))
>>> bool(np.isfinite(f.params).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WeightedCox", "fit_weighted_cox"]


@dataclass(frozen=True)
class WeightedCox:
    """Coefficients, the model-based and the robust covariance, and the log partial
    likelihood."""

    params: np.ndarray
    cov_naive: np.ndarray
    cov_robust: np.ndarray
    loglik: float


def _pieces(entry: np.ndarray, stop: np.ndarray, event: np.ndarray, x: np.ndarray,
            w: np.ndarray, strata: np.ndarray, beta: np.ndarray, residuals: bool = False
            ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray | None]:
    """Log partial likelihood, score, information (and per-row score residuals)."""
    p = x.shape[1]
    ll, score, info = 0.0, np.zeros(p), np.zeros((p, p))
    resid = np.zeros_like(x) if residuals else None
    for s in np.unique(strata):
        rows = np.flatnonzero(strata == s)
        xs, ws, es = x[rows], w[rows], event[rows].astype(bool)
        times = np.unique(stop[rows][es])
        if len(times) == 0:
            continue
        eta = xs @ beta
        r = np.exp(eta - eta.max())
        at_risk = ((entry[rows][None, :] < times[:, None])
                   & (times[:, None] <= stop[rows][None, :])).astype(float)
        wr = at_risk * (ws * r)[None, :]
        s0 = wr.sum(axis=1)
        s1 = wr @ xs
        xbar = s1 / s0[:, None]
        which = np.searchsorted(times, stop[rows])
        d = np.zeros(len(times))
        np.add.at(d, which[es], ws[es])
        ll += float(np.sum(ws[es] * eta[es]) - np.sum(d * (np.log(s0) + eta.max())))
        score += (ws[es, None] * xs[es]).sum(axis=0) - (d[:, None] * xbar).sum(axis=0)
        s2 = np.einsum("ji,ik,il->jkl", wr, xs, xs)
        info += np.einsum("j,jkl->kl", d / s0, s2) - np.einsum("j,jk,jl->kl", d, xbar, xbar)
        if resid is not None:
            dlam = d / s0
            own = np.zeros_like(xs)
            own[es] = xs[es] - xbar[which[es]]
            # sum over event times j the row is at risk at: r_i (x_i - xbar_j) dLambda_j
            a = at_risk * dlam[:, None]                     # (times, rows)
            comp = r[:, None] * (xs * a.sum(axis=0)[:, None] - a.T @ xbar)
            resid[rows] = own - comp
    return ll, score, info, resid


def fit_weighted_cox(entry: np.ndarray, stop: np.ndarray, event: np.ndarray, x: np.ndarray,
                     weights: np.ndarray, strata: np.ndarray | None = None,
                     groups: np.ndarray | None = None, max_iter: int = 50,
                     tol: float = 1e-10) -> WeightedCox:
    """Maximise the weighted Breslow partial likelihood of rows at risk on (entry, stop].

    Parameters
    ----------
    entry, stop : each row's interval (entry < stop); event 1 when the event ends it.
    x : covariates (rows × terms); weights : case weights (> 0).
    strata : each stratum has its own baseline hazard; groups : cluster labels for the
        robust covariance (default: every row its own).

    Example
    -------
    >>> f = fit_weighted_cox(np.zeros(4), np.array([1., 2, 3, 4]), np.array([1, 1, 0, 1]),
    ...                      np.array([[1.], [0.], [1.], [0.]]), np.array([1., 2, 1, 2]))
    >>> f.cov_robust.shape
    (1, 1)
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    if (w <= 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be positive and finite")
    strata = np.zeros(len(x), int) if strata is None else np.asarray(strata)
    beta = np.zeros(x.shape[1])
    ll, score, info, _ = _pieces(entry, stop, event, x, w, strata, beta)
    for _ in range(max_iter):
        step = np.linalg.solve(info, score)
        for _half in range(30):
            new = beta + step
            ll_new, score_new, info_new, _ = _pieces(entry, stop, event, x, w, strata, new)
            if ll_new >= ll - 1e-12:
                break
            step = step / 2
        done = abs(ll_new - ll) < tol
        beta, ll, score, info = new, ll_new, score_new, info_new
        if done:
            break
    _, _, info, resid = _pieces(entry, stop, event, x, w, strata, beta, residuals=True)
    assert resid is not None
    inv = np.linalg.inv(info)
    u = resid * w[:, None]
    if groups is not None:
        labels, index = np.unique(np.asarray(groups), return_inverse=True)
        summed = np.zeros((len(labels), x.shape[1]))
        np.add.at(summed, index, u)
        u = summed
    robust = inv @ (u.T @ u) @ inv
    return WeightedCox(beta, inv, robust, ll)

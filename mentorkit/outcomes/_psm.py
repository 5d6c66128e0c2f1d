"""Nearest-neighbour matching on the propensity score, with the Abadie–Imbens variance.

Matching is on the logit of the propensity score (Rosenbaum & Rubin 1985), within a caliper
of ``caliper`` standard deviations of that logit (0.2 by default: Austin 2011). With
replacement (default), every treated person gets the ``n_neighbors`` nearest comparison
people and everyone tied with the last of them (Abadie & Imbens 2006); without
replacement, treated people are matched greedily, highest score first, to the nearest
comparison person still free.

The naive bootstrap is not valid for matching with replacement (Abadie & Imbens 2008), so
the interval uses the Abadie–Imbens (2006) variance. With ``w_i`` the number of times a
person is used as a match (each use counting ``1/|J(j)|``) and ``v_i`` the sum of the
squares of those shares, for the ATT::

    V = [ sum_treated (Y_j - Ŷ_j(0) - tau)^2 + sum_controls (w_i^2 - v_i) sigma_i^2 ] / N1^2

where ``sigma_i^2`` is estimated by matching each comparison person to the nearest other
one: ``(Y_i - Y_l)^2 / 2``. The ATE sums both directions. The variance treats the score as
known (Abadie & Imbens 2016 show the correction for an estimated score can go either way
for the ATT); the calibration benchmark measures the resulting coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from mentorkit.outcomes._data import EstimationError


@dataclass
class Matched:
    """Matches of one direction: sources (rows), their matches, and each match's share."""

    sources: np.ndarray      # indices (into the full arrays) of people who found matches
    targets: np.ndarray      # flat indices of their matches
    owner: np.ndarray        # for each entry of ``targets``, the position in ``sources``
    share: np.ndarray        # 1 / |J(j)| for each entry
    unmatched: int


def _match_with_replacement(x_src: np.ndarray, x_tgt: np.ndarray, k: int, caliper: float
                            ) -> tuple[list[np.ndarray], np.ndarray]:
    tree = cKDTree(x_tgt[:, None])
    k = min(k, len(x_tgt))
    dist, _ = tree.query(x_src[:, None], k=k)
    dk = dist if dist.ndim == 1 else dist[:, -1]
    radius = np.minimum(dk * (1 + 1e-9) + 1e-12, caliper)
    found = tree.query_ball_point(x_src[:, None], r=radius)
    return [np.asarray(f, dtype=np.int64) for f in found], dk


def _match_without_replacement(x_src: np.ndarray, x_tgt: np.ndarray, k: int, caliper: float
                               ) -> list[np.ndarray]:
    order_t = np.argsort(x_tgt, kind="stable")
    xs = x_tgt[order_t]
    free = np.ones(len(xs), dtype=bool)
    out: list[list[int]] = [[] for _ in range(len(x_src))]
    for _ in range(k):
        for j in np.argsort(-x_src, kind="stable"):
            pos = int(np.searchsorted(xs, x_src[j]))
            lo, hi = pos - 1, pos
            while lo >= 0 and not free[lo]:
                lo -= 1
            while hi < len(xs) and not free[hi]:
                hi += 1
            d_lo = x_src[j] - xs[lo] if lo >= 0 else np.inf
            d_hi = xs[hi] - x_src[j] if hi < len(xs) else np.inf
            best, d = (lo, d_lo) if d_lo <= d_hi else (hi, d_hi)
            if np.isfinite(d) and d <= caliper:
                free[best] = False
                out[j].append(int(order_t[best]))
    return [np.asarray(o, dtype=np.int64) for o in out]


def match(score: np.ndarray, src: np.ndarray, tgt: np.ndarray, k: int, caliper: float,
          replace: bool) -> Matched:
    """Match every row in ``src`` (indices) to rows in ``tgt`` (indices) on ``score``."""
    if len(tgt) == 0:
        raise EstimationError("no comparison people to match to")
    if replace:
        found, _ = _match_with_replacement(score[src], score[tgt], k, caliper)
    else:
        found = _match_without_replacement(score[src], score[tgt], k, caliper)
    sizes = np.array([len(f) for f in found])
    has = sizes > 0
    flat = np.concatenate([f for f in found if len(f)]) if has.any() else np.array([], int)
    owner = np.repeat(np.arange(int(has.sum())), sizes[has])
    share = np.repeat(1.0 / sizes[has], sizes[has]) if has.any() else np.array([])
    return Matched(src[has], tgt[flat], owner, share, int((~has).sum()))


def _match_weights(m: Matched, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row total share ``w`` and sum of squared shares ``v`` as a match."""
    w = np.bincount(m.targets, weights=m.share, minlength=n)
    v = np.bincount(m.targets, weights=m.share ** 2, minlength=n)
    return w, v


def _imputed(y: np.ndarray, m: Matched) -> np.ndarray:
    """Mean outcome of each source's matches."""
    sums = np.bincount(m.owner, weights=y[m.targets] * m.share, minlength=len(m.sources))
    return sums


def _sigma2(score: np.ndarray, y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Conditional outcome variance per row, from its nearest neighbour in its own group."""
    out = np.full(len(y), np.nan)
    idx = np.flatnonzero(group)
    if len(idx) < 2:
        return np.zeros(len(y))
    tree = cKDTree(score[idx][:, None])
    _, nn = tree.query(score[idx][:, None], k=2)
    own = np.arange(len(idx))
    other = np.where(nn[:, 0] == own, nn[:, 1], nn[:, 0])
    out[idx] = (y[idx] - y[idx[other]]) ** 2 / 2
    return out


@dataclass
class PSMResult:
    estimate: float
    se: float
    weights: np.ndarray
    n_treated: int
    n_control: int
    unmatched: int
    mean_treated: float
    mean_control: float


def psm(y: np.ndarray, t: np.ndarray, score: np.ndarray, estimand: str, k: int,
        caliper_sd: float | None, replace: bool) -> PSMResult:
    """Matching estimate of the ATT or ATE on ``score`` (usually the logit of e).

    In general each row enters the estimate with coefficient ``c_i = s_i + w_i`` (``s_i`` = 1
    if it found matches itself), so ``Var = [sum (d_j - tau)^2 + sum (c_i^2 - s_i - v_i)
    sigma_i^2] / N^2`` over the ``N`` matched differences ``d_j``; for the ATT this is the
    formula in the module docstring, for the ATE Abadie & Imbens's (2006) ``(K/M)^2 +
    (2M - 1)/M * K/M`` term.
    """
    if k < 1:
        raise EstimationError(f"n_neighbors must be at least 1 (got {k})")
    if estimand == "ATE" and not replace:
        raise EstimationError("matching for the ATE needs replace=True")
    n = len(y)
    treated, controls = np.flatnonzero(t), np.flatnonzero(~t)
    sd = np.sqrt((score[t].var(ddof=1) + score[~t].var(ddof=1)) / 2) if n > 3 else 1.0
    caliper = np.inf if caliper_sd is None else caliper_sd * sd
    m1 = match(score, treated, controls, k, caliper, replace)
    if len(m1.sources) == 0:
        raise EstimationError("no treated person has a comparison person within the caliper")
    w, v = _match_weights(m1, n)
    s = np.zeros(n)
    s[m1.sources] = 1.0
    diffs = y[m1.sources] - _imputed(y, m1)
    y1 = y[m1.sources]
    unmatched = m1.unmatched
    if estimand == "ATE":
        m0 = match(score, controls, treated, k, caliper, replace)
        w0, v0 = _match_weights(m0, n)
        w, v = w + w0, v + v0
        s[m0.sources] = 1.0
        y1_of_c = _imputed(y, m0)
        diffs = np.concatenate([diffs, y1_of_c - y[m0.sources]])
        y1 = np.concatenate([y1, y1_of_c])
        unmatched += m0.unmatched
    tau = float(diffs.mean())
    c = s + w
    used = c > 0
    sig = np.where(t, _sigma2(score, y, t), _sigma2(score, y, ~t))
    extra = (c[used] ** 2 - s[used] - v[used]) * sig[used]
    var = (np.sum((diffs - tau) ** 2) + np.sum(extra)) / len(diffs) ** 2
    return PSMResult(tau, float(np.sqrt(max(var, 0.0))), c, int(used[t].sum()),
                     int(used[~t].sum()), unmatched, float(y1.mean()), float(y1.mean()) - tau)

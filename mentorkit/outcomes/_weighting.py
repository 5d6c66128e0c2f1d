"""Inverse probability weighting and augmented IPW, with their influence functions.

Notation: ``t`` treated (bool), ``y`` outcome, ``e`` the fitted propensity, ``Z`` the
propensity design (constant + standardised covariates), ``A⁻¹`` the inverse of the mean
information of the logit. Weights are normalised within each arm (Hájek).

ATT, IPW: controls get ``e/(1-e)``. The influence function of the control mean carries
``G' A⁻¹ Z_i (t_i - e_i)``, the first-order effect of re-fitting the propensity model,
with ``G = mean[(1-t) w (y - mu0) Z]`` because ``dw/dbeta = w Z``.

ATE, IPW: treated ``1/e``, controls ``1/(1-e)``; derivatives ``-(1-e)/e Z`` and ``e/(1-e) Z``.

AIPW (doubly robust): ATT as in Sant'Anna & Zhao (2020, eq. 3.1 for a cross-section);
ATE as in Robins, Rotnitzky & Zhao (1994) / Bang & Robins (2005). Both are Neyman-orthogonal,
so their influence functions need no model-estimation terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mentorkit.outcomes._data import EstimationError, Logit


@dataclass
class Fitted:
    """An estimate, its influence values, per-row balancing weights, counterfactual mean."""

    estimate: float
    psi: np.ndarray
    weights: np.ndarray
    mean_treated: float
    mean_control: float


def trim_mask(e: np.ndarray, t: np.ndarray, trim: float | None, estimand: str) -> np.ndarray:
    """Rows kept after trimming: for ATE both tails, for ATT controls with e > 1 - trim.

    Trimming changes the population the estimate is about; the count is reported.
    """
    keep = np.ones(len(e), dtype=bool)
    if trim is None or trim <= 0:
        return keep
    if not 0 < trim < 0.5:
        raise EstimationError(f"trim must be between 0 and 0.5 (got {trim})")
    if estimand == "ATE":
        keep &= (e >= trim) & (e <= 1 - trim)
    else:
        keep &= t | (e <= 1 - trim)
    return keep


def _check_overlap(e: np.ndarray, t: np.ndarray, estimand: str) -> None:
    bad = (~t & (e >= 1 - 1e-8)) if estimand == "ATT" else ((e <= 1e-8) | (e >= 1 - 1e-8))
    if bad.any():
        raise EstimationError(
            f"{int(bad.sum())} people have a propensity score of 0 or 1: the groups do not "
            "overlap on these covariates; drop or coarsen covariates, or use trim=")


def ipw(y: np.ndarray, t: np.ndarray, ps: Logit, estimand: str,
        s: np.ndarray | None = None) -> Fitted:
    """Hájek IPW estimate of the ATT or ATE with the propensity-corrected influence function.

    ``s`` are analysis weights (default 1): they multiply every person's weight and score;
    ``ps`` must then be the propensity model fitted with the same weights.
    """
    e, Z, Ainv = ps.p, ps.Z, ps.inv_info
    _check_overlap(e, t, estimand)
    tf = t.astype(float)
    sw = np.ones(len(y)) if s is None else np.asarray(s, dtype=float)
    score = Z * (sw * (tf - e))[:, None]
    if estimand == "ATT":
        w = np.where(t, 1.0, e / (1 - e))
        a1 = sw * tf
        p = a1.mean()
        mu1 = float(np.sum(a1 * y) / np.sum(a1))
        w0 = sw * (1 - tf) * w
        D = w0.mean()
        mu0 = float(np.sum(w0 * y) / np.sum(w0))
        G = (w0 * (y - mu0)) @ Z / len(y)
        correction = score @ (Ainv @ G)
        psi = a1 * (y - mu1) / p - (w0 * (y - mu0) + correction) / D
    else:
        w = np.where(t, 1 / e, 1 / (1 - e))
        w1, w0 = sw * tf * w, sw * (1 - tf) * w
        mu1 = float(np.sum(w1 * y) / np.sum(w1))
        mu0 = float(np.sum(w0 * y) / np.sum(w0))
        G1 = (-w1 * (1 - e) * (y - mu1)) @ Z / len(y)
        G0 = (w0 * e * (y - mu0)) @ Z / len(y)
        psi1 = (w1 * (y - mu1) + score @ (Ainv @ G1)) / w1.mean()
        psi0 = (w0 * (y - mu0) + score @ (Ainv @ G0)) / w0.mean()
        psi = psi1 - psi0
    return Fitted(mu1 - mu0, psi, w * sw, mu1, mu0)


def ipw_point(y: np.ndarray, t: np.ndarray, e: np.ndarray, estimand: str) -> float:
    """The Hájek IPW estimate alone (for the re-fit bootstrap)."""
    _check_overlap(e, t, estimand)
    if estimand == "ATT":
        w0 = (~t) * e / (1 - e)
        return float(y[t].mean() - np.sum(w0 * y) / np.sum(w0))
    w1, w0 = t / e, (~t) / (1 - e)
    return float(np.sum(w1 * y) / np.sum(w1) - np.sum(w0 * y) / np.sum(w0))


def aipw(y: np.ndarray, t: np.ndarray, e: np.ndarray, m0: np.ndarray, m1: np.ndarray | None,
         estimand: str, s: np.ndarray | None = None) -> Fitted:
    """Doubly robust (augmented IPW) estimate with normalised weights and its influence.

    ``s`` are analysis weights (default 1), multiplying every person's weight.
    """
    _check_overlap(e, t, estimand)
    tf = t.astype(float)
    sw = np.ones(len(y)) if s is None else np.asarray(s, dtype=float)
    if estimand == "ATT":
        w = np.where(t, 1.0, e / (1 - e))
        r = y - m0
        w1, w0 = sw * tf, sw * (1 - tf) * w
        tau1 = float(np.sum(w1 * r) / w1.sum())
        tau0 = float(np.sum(w0 * r) / w0.sum())
        psi = w1 * (r - tau1) / w1.mean() - w0 * (r - tau0) / w0.mean()
        mu1 = float(np.sum(w1 * y) / w1.sum())
        return Fitted(tau1 - tau0, psi, w * sw, mu1, mu1 - (tau1 - tau0))
    if m1 is None:
        raise EstimationError("AIPW for the ATE needs an outcome model for the treated")
    w = np.where(t, 1 / e, 1 / (1 - e))
    w1, w0 = sw * tf * w, sw * (1 - tf) * w
    c1 = np.sum(w1 * (y - m1)) / w1.sum()
    c0 = np.sum(w0 * (y - m0)) / w0.sum()
    m1bar = float(np.sum(sw * m1) / sw.sum())
    m0bar = float(np.sum(sw * m0) / sw.sum())
    mu1 = float(m1bar + c1)
    mu0 = float(m0bar + c0)
    psi1 = sw * (m1 - m1bar) / sw.mean() + w1 * (y - m1 - c1) / w1.mean()
    psi0 = sw * (m0 - m0bar) / sw.mean() + w0 * (y - m0 - c0) / w0.mean()
    return Fitted(mu1 - mu0, psi1 - psi0, w * sw, mu1, mu0)

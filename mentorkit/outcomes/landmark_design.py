"""Landmark and sequential-trial designs for "a first job within 12 months".

At a landmark ``d`` days after registration, take everyone still without a first job and
still followed then. Those whose match started by day ``d`` are the treated, those not (yet)
matched the comparison; the outcome is a first job within ``horizon`` more days. Nothing
before ``d`` is credited to anyone, so neither the wait for a mentor nor a job found while
waiting can bias the comparison (unlike "ever matched"). Several landmarks can be stacked
("sequential trials"); a person then appears in several trials and the standard errors are
clustered by person (or by ``cluster=``, which must then nest persons).

The effect is the risk difference among the treated (ATT), by regression standardisation: a
logistic model of the outcome on the treatment, the covariates (plus landmark and ``strata=``
indicators), with ``weights=``; the standard error from the influence function (the logistic
scores and the spread of the treated's individual differences), summed within clusters.
People whose follow-up ends before the horizon without a job are left out and the others
weighted by the inverse probability of still being followed (``censoring="ipcw"``, a
Kaplan–Meier curve per trial and arm; the weights are taken as known in the SE). A
mentee of the comparison group matched later within the window dilutes the contrast: the
result counts them (``controls_matched_later``).

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0))
>>> r = landmark(t, 180, covariates=["language_rank", "education_rank", "age"])
>>> bool(r.ci_low < r.estimate < r.ci_high) and r.n_treated > 100
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from mentorkit.outcomes._data import (
    EstimationError,
    as_columns,
    design,
    drop_constant,
    used_columns,
)
from mentorkit.outcomes.design_text import explain

__all__ = ["Landmark", "landmark", "landmark_table"]


@dataclass(frozen=True)
class Landmark:
    """A landmark (or pooled sequential-trial) estimate of the risk difference among the
    treated: estimate, se, ci_low, ci_high, p_value, counts per arm, the raw shares, and
    how many of the comparison group were matched later within the window. ``covariates``
    are the ones really adjusted for: one constant among those at risk is left out (noted)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    landmarks: tuple[int, ...]
    horizon: int
    n_treated: int
    n_control: int
    n_people: int
    share_treated: float
    share_control: float
    controls_matched_later: int
    excluded_censored: int
    ci_level: float
    covariates: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def design(self) -> str:
        """"landmark" (one day) or "sequential" (several, pooled)."""
        return "landmark" if len(self.landmarks) == 1 else "sequential"

    @property
    def ci(self) -> tuple[float, float]:
        """(ci_low, ci_high)."""
        return self.ci_low, self.ci_high

    def covers(self, value: float) -> bool:
        """True when the interval contains ``value``."""
        return self.ci_low <= value <= self.ci_high

    def to_frame(self) -> pd.DataFrame:
        """One row: design, landmarks, horizon, estimate, se, ci_low, ci_high, p_value,
        n_treated, n_control, share_treated, share_control, controls_matched_later."""
        return pd.DataFrame([{
            "design": self.design, "landmarks": ", ".join(map(str, self.landmarks)),
            "horizon": self.horizon, "estimate": self.estimate, "se": self.se,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "p_value": self.p_value,
            "n_treated": self.n_treated, "n_control": self.n_control,
            "share_treated": self.share_treated, "share_control": self.share_control,
            "controls_matched_later": self.controls_matched_later,
        }])

    def explain(self, lang: object) -> str:
        """This design in plain words (da/en/nl)."""
        days = ", ".join(map(str, self.landmarks))
        return explain(self.design, lang, days=days, horizon=self.horizon,
                       covariates=list(self.covariates))


def landmark_table(df: pd.DataFrame, landmarks: int | Sequence[int], horizon: int = 365,
                   duration: str = "days_to_job", event: str = "job",
                   exposure_time: str = "days_to_match") -> pd.DataFrame:
    """The stacked trials: one row per landmark and person at risk then, with ``landmark``,
    ``treated`` (matched by the landmark), ``outcome`` (first job within the horizon; NaN
    when follow-up ended before it without a job), ``matched_later`` (a comparison
    matched within the window) and ``ipcw``: 1 / P(still followed when the outcome became
    known), from the Kaplan–Meier curve of the end of follow-up in the same trial and arm
    (NaN where the outcome is unknown). Other columns of ``df`` are kept.

    Example
    -------
    >>> d = pd.DataFrame({"days_to_job": [400.0, 50.0, 900.0, 300.0], "job": [1, 1, 0, 0],
    ...                   "days_to_match": [30.0, np.nan, np.nan, 200.0]})
    >>> landmark_table(d, 100)[["treated", "outcome", "matched_later"]].values.tolist()
    [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, nan, 1.0]]
    """
    days = _days(landmarks)
    if not days or min(days) < 0 or horizon <= 0:
        raise EstimationError("landmarks must be days >= 0 and the horizon > 0")
    for c in (duration, event, exposure_time):
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
    t = pd.to_numeric(df[duration], errors="coerce").astype(float)
    e = pd.to_numeric(df[event].astype(float), errors="coerce")
    m = pd.to_numeric(df[exposure_time], errors="coerce").astype(float)
    parts = []
    for d in sorted(set(days)):
        at_risk = (t > d) & e.notna()
        end = d + horizon
        outcome = np.where((e == 1) & (t <= end), 1.0, np.where(t >= end, 0.0, np.nan))
        treated = (m <= d).to_numpy()
        later = (~treated) & (m > d).to_numpy() & (m <= end).to_numpy()
        ipcw = np.full(len(df), np.nan)
        risk = at_risk.to_numpy()
        for arm in (True, False):
            rows = risk & (treated == arm)
            ipcw[rows] = _ipcw(t.to_numpy()[rows] - d, e.to_numpy()[rows], horizon,
                               outcome[rows])
        part = df.assign(landmark=d, treated=treated.astype(float), outcome=outcome,
                         matched_later=later.astype(float), ipcw=ipcw)
        parts.append(part[risk])
    return pd.concat(parts, ignore_index=True)


def _ipcw(u: np.ndarray, e: np.ndarray, horizon: int, outcome: np.ndarray) -> np.ndarray:
    """1 / G(min(u, horizon)-), G the Kaplan–Meier curve of censoring (a job censors it)."""
    censored = e == 0
    times = np.unique(u[censored])
    at_risk = len(u) - np.searchsorted(np.sort(u), times, side="left")
    counts = np.searchsorted(np.sort(u[censored]), times, side="right") - np.searchsorted(
        np.sort(u[censored]), times, side="left")
    g = np.cumprod(1 - counts / at_risk)
    known = np.minimum(u, horizon)
    before = np.searchsorted(times, known, side="left")       # censoring times < known
    value = np.where(before > 0, g[np.maximum(before - 1, 0)], 1.0) if len(times) else \
        np.ones(len(u))
    return np.where(np.isnan(outcome), np.nan, 1 / value)


def _days(landmarks: int | Sequence[int]) -> list[int]:
    if isinstance(landmarks, (int, np.integer)):
        return [int(landmarks)]
    return [int(v) for v in landmarks]


def _logit(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, list[str]]:
    import statsmodels.api as sm

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.GLM(y, x, family=sm.families.Binomial(), var_weights=w).fit()
    notes.extend(f"outcome model: {str(c.message).splitlines()[0]}" for c in caught)
    return np.asarray(res.params), notes


def landmark(df: pd.DataFrame, landmarks: int | Sequence[int] = 180, horizon: int = 365,
             covariates: str | Sequence[str] = (), strata: str | None = None,
             cluster: str | None = None, weights: str | None = None, ci: float = 0.95,
             duration: str = "days_to_job", event: str = "job",
             exposure_time: str = "days_to_match", id: str = "person_id",
             censoring: str = "ipcw") -> Landmark:
    """Risk difference in a first job within ``horizon`` days of a landmark, matched by the
    landmark against not yet matched, among those still without a job then.

    Parameters
    ----------
    df : one row per person (the analysis table: ``days_to_job``, ``job``,
        ``days_to_match``).
    landmarks : days after registration; several pool sequential trials.
    horizon : days after the landmark (365: "employed 12 months later").
    covariates : intake covariates for the outcome model.
    strata : a column (e.g. programme) entered as indicators.
    cluster : a column of cluster labels for the standard error (default: the person).
    weights : a column of analysis weights (> 0).
    ci : confidence level.
    censoring : "ipcw" (default): people whose follow-up ended before the horizon without a
        job are left out and the others weighted by the inverse probability of being still
        followed (Kaplan–Meier per trial and arm); "complete": left out, no weights (biased
        towards jobs when many are censored).

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> from mentorkit.outcomes import analysis_table
    >>> t = analysis_table(generate(seed=1))
    >>> landmark(t, [90, 180], covariates="age").design
    'sequential'
    """
    covs = list(as_columns(covariates))
    for c in (id, *covs, *(x for x in (strata, cluster, weights) if x)):
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
    stacked = landmark_table(df, landmarks, horizon, duration, event, exposure_time)
    known = stacked["outcome"].notna()
    excluded = int((~known).sum())
    s = stacked[known].reset_index(drop=True)
    terms: list[str] = [*covs, *([strata] if strata else [])]
    if s["landmark"].nunique() > 1:
        s["landmark_day"] = s["landmark"].astype(str)
        terms.append("landmark_day")
    X = design(s, terms) if terms else pd.DataFrame(index=s.index)
    ok = X.notna().all(axis=1).to_numpy()
    for extra in (cluster, weights):
        if extra:
            ok = ok & s[extra].notna().to_numpy()
    s, X = s[ok].reset_index(drop=True), X[ok].reset_index(drop=True)
    a = s["treated"].to_numpy(float)
    if a.sum() == 0 or a.sum() == len(a):
        raise EstimationError("at the landmark nobody (or everybody) at risk had a mentor")
    X, dropped = drop_constant(X)
    notes = [f"constant, left out: {', '.join(dropped)}"] if dropped else []
    y = s["outcome"].to_numpy(float)
    w = pd.to_numeric(s[weights], errors="coerce").to_numpy(float) if weights else \
        np.ones(len(s))
    if not (np.isfinite(w) & (w > 0)).all():
        raise EstimationError(f"weights {weights!r} must be positive numbers")
    if censoring == "ipcw":
        w = w * s["ipcw"].to_numpy(float)
    elif censoring != "complete":
        raise EstimationError(f"censoring must be 'ipcw' or 'complete' (got {censoring!r})")
    base = np.column_stack([np.ones(len(s)), X.to_numpy(float)])
    x = np.column_stack([base[:, :1], a, base[:, 1:]])
    beta, fit_notes = _logit(y, x, w)
    notes += fit_notes
    x1, x0 = x.copy(), x.copy()
    x1[:, 1], x0[:, 1] = 1.0, 0.0
    p, p1, p0 = (expit(m @ beta) for m in (x, x1, x0))
    tr = a == 1
    wt = w * tr
    att = float(np.sum(wt * (p1 - p0)) / wt.sum())
    # influence of each row: the treated's own difference, and the fitted model's scores
    grad = ((wt * p1 * (1 - p1))[:, None] * x1 - (wt * p0 * (1 - p0))[:, None] * x0).sum(0) \
        / wt.sum()
    hess = (x * (w * p * (1 - p))[:, None]).T @ x
    scores = x * (w * (y - p))[:, None]
    try:
        correction = scores @ np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError as err:
        raise EstimationError("the outcome model has no unique fit here (too few people for "
                              "its covariates): cannot be estimated") from err
    infl = wt * ((p1 - p0) - att) / wt.sum() + correction
    groups = (s[cluster] if cluster else s[id]).astype(str).to_numpy()
    _, idx = np.unique(groups, return_inverse=True)
    summed = np.zeros(idx.max() + 1)
    np.add.at(summed, idx, infl)
    g = len(summed)
    se = float(np.sqrt(np.sum(summed ** 2) * g / max(g - 1, 1)))
    z = stats.norm.ppf(0.5 + ci / 2)
    days = tuple(sorted(set(_days(landmarks))))

    def share(mask: np.ndarray) -> float:
        return float(np.sum(w[mask] * y[mask]) / w[mask].sum())

    return Landmark(
        estimate=att, se=se, ci_low=float(att - z * se), ci_high=float(att + z * se),
        p_value=float(2 * stats.norm.sf(abs(att / se))) if se > 0 else float("nan"),
        landmarks=days, horizon=int(horizon), n_treated=int(tr.sum()),
        n_control=int((~tr).sum()), n_people=int(s[id].nunique()),
        share_treated=share(tr), share_control=share(~tr),
        controls_matched_later=int(s.loc[~tr, "matched_later"].sum()),
        excluded_censored=excluded, ci_level=ci, covariates=used_columns(covs, X),
        notes=tuple(notes))

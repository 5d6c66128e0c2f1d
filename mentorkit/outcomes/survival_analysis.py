"""Time to first job: Kaplan–Meier curves, medians, log-rank test and Cox regression.

Everything is computed by statsmodels: ``SurvfuncRight`` (Kaplan–Meier, Greenwood standard
errors, median with a complementary log-log interval), ``survdiff`` (log-rank) and
``PHReg`` with Efron's handling of tied times. Pointwise intervals of the curves use the
log(-log) transform. The proportional-hazards check is the Grambsch & Therneau (1994)
score test: scaled Schoenfeld residuals against the rank of the event time (the
approximation used by R's ``cox.zph`` before survival 3.0); small p-values say a hazard
ratio changes over time.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> s = survival(t, "days_to_job", "job", group="matched")
>>> sorted(s.medians["group"].tolist())
['False', 'True']
>>> bool(s.logrank["p_value"] < 0.05)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mentorkit.outcomes._data import EstimationError, _caught, as_columns, design, drop_constant
from mentorkit.outcomes._wcox import fit_weighted_cox
from mentorkit.privacy.suppression import renamed_min_cell, threshold

__all__ = ["Cox", "Survival", "cox", "survival"]


@dataclass(frozen=True)
class Survival:
    """Kaplan–Meier results: ``curves`` (one row per group and event time), ``medians``
    (per group, with interval), ``logrank`` (statistic, df, p_value; None without groups)."""

    duration: str
    event: str
    group: str | None
    curves: pd.DataFrame
    medians: pd.DataFrame
    logrank: dict[str, float] | None
    ci_level: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cox:
    """Cox model: ``coefficients`` (term, coef, hazard_ratio, ci_low, ci_high, p_value; the
    model as a table is :meth:`to_frame`), ``ph_test`` (term, statistic, df, p_value, with a
    GLOBAL row), counts and notes."""

    coefficients: pd.DataFrame
    ph_test: pd.DataFrame
    n: int
    events: int
    ci_level: float
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per term: term, coef, hazard_ratio, ci_low, ci_high, p_value."""
        return self.coefficients

    @property
    def table(self) -> pd.DataFrame:
        """Deprecated: use :meth:`to_frame`."""
        import warnings

        warnings.warn("Cox.table is deprecated; use Cox.to_frame()", DeprecationWarning,
                      stacklevel=2)
        return self.coefficients

    def hazard_ratio(self, term: str) -> tuple[float, float, float]:
        """(hazard ratio, ci_low, ci_high) of ``term``."""
        row = self.coefficients.set_index("term").loc[term]
        if isinstance(row, pd.DataFrame):
            raise ValueError(f"term {term!r} has more than one row in the coefficients")
        return float(row["hazard_ratio"]), float(row["ci_low"]), float(row["ci_high"])


def _clean(df: pd.DataFrame, duration: str, event: str, extra: Sequence[str]) -> pd.DataFrame:
    for c in (duration, event, *extra):
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
    d = df.loc[df[duration].notna() & df[event].notna()].copy()
    d[duration] = pd.to_numeric(d[duration], errors="coerce").astype(float)
    d[event] = pd.to_numeric(d[event].astype(float), errors="coerce").astype(int)
    d = d[d[duration] >= 0]
    if d.empty:
        raise EstimationError(f"no rows with {duration!r} and {event!r} recorded")
    return d


@renamed_min_cell("min_at_risk")
def survival(df: pd.DataFrame, duration: str, event: str, group: str | None = None,
             ci: float = 0.95, min_cell: int | None = None,
             weights: str | None = None) -> Survival:
    """Kaplan–Meier curves per group, median times with intervals, and a log-rank test.

    Parameters
    ----------
    df : one row per person.
    duration : time to the event or to censoring (e.g. days).
    event : 1 if the event happened, 0 if censored.
    group : optional column to split by (its values become text labels).
    ci : confidence level for the curves and medians.
    min_cell : cut each curve where fewer people than this remain at risk (for
        publication: a step at 2 people at risk describes individuals); 0: the disclosure
        threshold ``MENTORKIT_MIN_CELL``; None (the default): the whole curves, for
        analysis only. Called ``min_at_risk`` before.
    weights : a column of analysis weights (> 0): weighted curves and medians (statsmodels'
        ``freq_weights``); ``at_risk``, ``events`` and ``n`` stay counts of people (so
        ``min_cell`` still counts people), and there is no log-rank test (a note says so).

    Example
    -------
    >>> d = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6], "e": [1, 1, 0, 1, 1, 0]})
    >>> float(survival(d, "t", "e").medians["median"].iloc[0])
    4.0
    """
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    d = _clean(df, duration, event, [c for c in (group, weights) if c])
    notes: list[str] = []
    if weights:
        d = d[d[weights].notna()]
        if not (pd.to_numeric(d[weights], errors="coerce") > 0).all():
            raise EstimationError(f"weights {weights!r} must be positive numbers")
    labels = d[group].astype(str) if group else pd.Series("all", index=d.index)
    z = stats.norm.ppf(0.5 + ci / 2)
    curves, medians = [], []
    for name in sorted(labels.unique()):
        g = d[labels == name]
        w = g[weights].to_numpy(float) if weights else None
        sf = SurvfuncRight(g[duration].to_numpy(), g[event].to_numpy(), freq_weights=w)
        s, se = sf.surv_prob, sf.surv_prob_se
        times = np.sort(g[duration].to_numpy())
        at_risk = len(times) - np.searchsorted(times, sf.surv_times, side="left")
        ev_times = np.sort(g.loc[g[event] == 1, duration].to_numpy())
        n_events = (np.searchsorted(ev_times, sf.surv_times, side="right")
                    - np.searchsorted(ev_times, sf.surv_times, side="left"))
        with np.errstate(divide="ignore", invalid="ignore"):
            theta_se = se / (s * np.abs(np.log(s)))
            lo = np.exp(-np.exp(np.log(-np.log(s)) + z * theta_se))
            hi = np.exp(-np.exp(np.log(-np.log(s)) - z * theta_se))
        lo = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, lo))
        hi = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, hi))
        c = pd.DataFrame({"group": name, "time": sf.surv_times, "survival": s,
                          "ci_low": lo, "ci_high": hi, "at_risk": at_risk.astype(int),
                          "events": n_events.astype(int)})
        if min_cell is not None:
            c = c[c["at_risk"] >= threshold(min_cell)]
        curves.append(c)
        med = float(sf.quantile(0.5))
        try:
            mlo, mhi = sf.quantile_ci(0.5, alpha=1 - ci, method="cloglog")
        except (ValueError, ZeroDivisionError):  # pragma: no cover - degenerate curve
            mlo, mhi = np.nan, np.nan
        medians.append({"group": name, "n": len(g), "events": int(g[event].sum()),
                        "median": med, "ci_low": _finite(mlo), "ci_high": _finite(mhi)})
    logrank = None
    if weights and group:
        notes.append("no log-rank test with weights")
    elif group and labels.nunique() > 1:
        chisq, p = survdiff(d[duration].to_numpy(), d[event].to_numpy(), labels.to_numpy())
        logrank = {"statistic": float(chisq), "df": float(labels.nunique() - 1),
                   "p_value": float(p)}
    return Survival(duration, event, group, pd.concat(curves, ignore_index=True),
                    pd.DataFrame(medians), logrank, ci, tuple(notes))


def _finite(v: float | None) -> float:
    return float(v) if v is not None and np.isfinite(v) else float("nan")


def cox(df: pd.DataFrame, duration: str, event: str, covariates: str | Sequence[str],
        ci: float = 0.95, ties: str = "efron", strata: str | None = None,
        cluster: str | None = None, weights: str | None = None) -> Cox:
    """Cox proportional-hazards regression with hazard ratios and the PH check.

    With a 0/1 "ever matched" treatment counted from registration this is the biased
    comparison (a job found while waiting keeps a mentee out of the treated group): for the
    programme effect use :func:`mentorkit.outcomes.time_varying.time_varying_cox`.

    Its ``table`` and ``ph_test`` hold coefficients, intervals and test statistics, not
    counts of people, so they are shown as they are.

    Parameters
    ----------
    df : one row per person (rows missing a named column are left out).
    duration, event : as in :func:`survival`.
    covariates : columns (a 0/1 treatment among them); text columns become indicators.
    ci : confidence level of the hazard ratios.
    ties : "efron" (default) or "breslow".
    strata : a column whose groups each get their own baseline hazard (e.g. programme).
    cluster : a column of cluster labels (mentor, site): robust (sandwich) standard errors
        summed within clusters, as ``PHReg(...).fit(groups=)``.
    weights : a column of analysis weights (> 0); the standard errors are then robust (each
        row its own cluster unless ``cluster`` is given). With cluster or weights the model
        is fitted by :mod:`mentorkit.outcomes._wcox` with Breslow ties.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> from mentorkit.outcomes import analysis_table
    >>> t = analysis_table(generate(seed=0, scale=0.5))
    >>> m = cox(t, "days_to_job", "job", ["matched", "language_rank", "age"])
    >>> hr, lo, hi = m.hazard_ratio("matched")
    >>> bool(lo < hr < hi)
    True
    """
    from statsmodels.duration.hazard_regression import PHReg

    covs = as_columns(covariates)
    extra = [c for c in (strata, cluster, weights) if c]
    d = _clean(df, duration, event, [*covs, *extra])
    X = design(d, covs)
    ok = X.notna().all(axis=1) & d[extra].notna().all(axis=1)
    d, X = d[ok], X[ok]
    X, dropped = drop_constant(X)
    notes: list[str] = [f"constant, left out: {', '.join(dropped)}"] if dropped else []
    if X.shape[1] == 0:
        raise EstimationError("cox needs at least one covariate that varies")
    codes = pd.factorize(d[strata].astype(str))[0] if strata else None
    if cluster or weights:
        ties = "breslow"
        notes.append("Breslow ties (with cluster or weights)")
    model = PHReg(d[duration].to_numpy(), X.to_numpy(dtype=float),
                  status=d[event].to_numpy(), ties=ties, strata=codes)
    res = _caught(lambda: model.fit(), notes, "Cox model")
    beta, se = np.asarray(res.params), np.asarray(res.bse)
    if cluster or weights:
        w = (pd.to_numeric(d[weights], errors="coerce").to_numpy(float) if weights
             else np.ones(len(d)))
        if not (np.isfinite(w) & (w > 0)).all():
            raise EstimationError(f"weights {weights!r} must be positive numbers")
        fit = fit_weighted_cox(np.full(len(d), -np.inf), d[duration].to_numpy(float),
                               d[event].to_numpy(int), X.to_numpy(dtype=float), w, codes,
                               d[cluster].astype(str).to_numpy() if cluster else None)
        beta, se = fit.params, np.sqrt(np.diag(fit.cov_robust))
    z = stats.norm.ppf(0.5 + ci / 2)
    table = pd.DataFrame({
        "term": X.columns, "coef": beta, "se": se, "hazard_ratio": np.exp(beta),
        "ci_low": np.exp(beta - z * se), "ci_high": np.exp(beta + z * se),
        "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
    })
    if weights:
        ph = pd.DataFrame(columns=["term", "statistic", "df", "p_value"])
        notes.append("no proportional-hazards test with weights")
    else:
        ph = _ph_test(res, d[duration].to_numpy(), d[event].to_numpy(), list(X.columns))
    return Cox(table, ph, len(d), int(d[event].sum()), ci, tuple(notes))


def _ph_test(res: Any, time: np.ndarray, status: np.ndarray, names: list[str]
             ) -> pd.DataFrame:
    """Grambsch–Therneau test of proportional hazards against the rank of event time."""
    r = np.asarray(res.schoenfeld_residuals)
    ev = status.astype(bool) & ~np.isnan(r).any(axis=1)
    r, t = r[ev], time[ev]
    n_ev = len(t)
    V = np.asarray(res.cov_params())
    g = stats.rankdata(t)
    g = g - g.mean()
    ss = float(np.sum(g ** 2))
    if n_ev < 3 or ss == 0:
        return pd.DataFrame(columns=["term", "statistic", "df", "p_value"])
    U = g @ r
    VU = V @ U
    rows = []
    for j, name in enumerate(names):
        stat = float(n_ev * VU[j] ** 2 / (V[j, j] * ss))
        rows.append({"term": name, "statistic": stat, "df": 1.0,
                     "p_value": float(stats.chi2.sf(stat, 1))})
    glob = float(n_ev * U @ VU / ss)
    rows.append({"term": "GLOBAL", "statistic": glob, "df": float(len(names)),
                 "p_value": float(stats.chi2.sf(glob, len(names)))})
    return pd.DataFrame(rows)

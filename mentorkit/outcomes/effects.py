"""Programme effects against a comparison group: one entry point, :func:`effect`.

Methods
-------
difference
    Unadjusted difference in means; for a 0/1 outcome a difference in proportions with the
    Newcombe (hybrid score) interval, otherwise Welch's interval.
regression
    Regression adjustment with treatment-by-covariate interactions, covariates centred on the
    treated (ATT) or everyone (ATE) (Lin 2013), heteroskedasticity-robust (HC3) interval.
ipw
    Inverse probability weighting, propensity by logistic regression, Hájek (normalised)
    weights; optional trimming.
psm
    Nearest-neighbour matching on the logit of the propensity score with a caliper, with or
    without replacement, Abadie–Imbens variance.
aipw
    Augmented IPW (doubly robust): propensity logit plus an outcome model (logistic for a
    0/1 outcome, linear otherwise).
did
    Difference in differences of ``outcome`` minus ``pre``; with covariates the doubly robust
    DiD of Sant'Anna & Zhao (2020) for panel data (AIPW on the change).

Analysis weights (``weights=``, e.g. survey weights or inverse probability of response from
:mod:`mentorkit.outcomes.attrition`) weight every mean and model; ``cluster=`` (a mentor or
site column) makes the standard error cluster-robust: statsmodels' ``cov_type="cluster"``
for difference and regression, the influence function summed within clusters for ipw, aipw
and did, whose bootstrap then redraws whole clusters (the score bootstrap: re-fitting is
used only without weights and clusters). psm takes neither (its Abadie–Imbens variance
assumes independent people).

Intervals for ipw, aipw and did with covariates come from a bootstrap (``n_boot > 0``) or
from the influence function (``n_boot == 0``). On small data (up to 1,000 rows: a
programme's few hundred mentees) the bootstrap re-fits every model on every resample
(``_refit``), the standard nonparametric bootstrap. On large data it is the score bootstrap
(``_boot``): the influence function of ipw includes the effect of re-estimating the
propensity model, and aipw needs none (it is Neyman-orthogonal), so redrawing people and
re-averaging it is valid without re-fits -- a statsmodels logit on 100,000 rows takes about
0.25 s, so 1,000 re-fits would take minutes, the score bootstrap a second or two. At a few
hundred rows the influence-function standard error of ipw runs some 7% below the re-fit
bootstrap's (calibration benchmark), which is why small data get the re-fit.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> e = effect(t, "matched", "employed_followup_12m",
...            ["language_rank", "education_rank", "age", "years_in_country", "male"],
...            method="aipw", n_boot=200, seed=1)
>>> e.method, e.estimand, e.ci_low < e.estimate < e.ci_high
('aipw', 'ATT', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mentorkit.outcomes import _boot
from mentorkit.outcomes import _inference as inf
from mentorkit.outcomes._data import (
    EstimationError,
    Logit,
    Prepared,
    as_columns,
    fit_logit,
    fit_outcome,
    is_binary,
    prepare,
)
from mentorkit.outcomes._psm import psm as _psm
from mentorkit.outcomes._refit import REFIT_MAX_ROWS, refit_draws
from mentorkit.outcomes._weighting import Fitted, trim_mask
from mentorkit.outcomes._weighting import aipw as _aipw
from mentorkit.outcomes._weighting import ipw as _ipw
from mentorkit.outcomes.balance import balance_table, overlap_table

__all__ = ["Effect", "METHODS", "check_same_measure", "effect"]

METHODS = ("difference", "regression", "ipw", "psm", "aipw", "did")


@dataclass(frozen=True)
class Effect:
    """An estimated effect with its interval, group sizes, balance and overlap.

    ``mean_treated`` and ``mean_control`` are the treated mean and the (adjusted)
    counterfactual mean the estimate compares it with. ``balance`` has standardised mean
    differences before and after weighting/matching (``smd_after`` missing for methods that
    do neither); ``overlap`` summarises the propensity score per group, ``propensity`` holds
    it per row and ``treated`` the treatment flag per row (both indexed like the input),
    ``weights`` the balancing weights per row (IPW/AIPW weights times any analysis weights,
    the number of times used for matching; missing for difference and regression).
    ``notes`` lists what was dropped and any model warnings.
    """

    method: str
    estimand: str
    treatment: str
    outcome: str
    covariates: tuple[str, ...]
    estimate: float
    ci_low: float
    ci_high: float
    se: float
    p_value: float
    ci_level: float
    ci_method: str
    n_treated: int
    n_control: int
    n_dropped: int
    mean_treated: float
    mean_control: float
    balance: pd.DataFrame | None = None
    overlap: pd.DataFrame | None = None
    propensity: pd.Series | None = None
    treated: pd.Series | None = None
    boot: np.ndarray | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    weights: pd.Series | None = field(default=None, repr=False)

    @property
    def ci(self) -> tuple[float, float]:
        """The interval as a pair."""
        return (self.ci_low, self.ci_high)

    def covers(self, value: float) -> bool:
        """Whether the interval contains ``value``."""
        return bool(self.ci_low <= value <= self.ci_high)

    def to_frame(self) -> pd.DataFrame:
        """One row: method, estimand, estimate, interval, se, p, group sizes."""
        return pd.DataFrame([{
            "method": self.method, "estimand": self.estimand, "estimate": self.estimate,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "se": self.se,
            "p_value": self.p_value, "n_treated": self.n_treated, "n_control": self.n_control,
            "mean_treated": self.mean_treated, "mean_control": self.mean_control,
            "ci_method": self.ci_method,
        }])

    def __str__(self) -> str:
        pct = int(round(self.ci_level * 100))
        return (f"{self.method} {self.estimand} of {self.treatment} on {self.outcome}: "
                f"{self.estimate:.4g} ({pct}% CI {self.ci_low:.4g} to {self.ci_high:.4g}); "
                f"{self.n_treated} treated, {self.n_control} comparison")


def effect(df: pd.DataFrame, treatment: str, outcome: str,
           covariates: str | Sequence[str] = (), method: str = "ipw", estimand: str = "ATT",
           ci: float = 0.95, n_boot: int = 1000, seed: int | None = 0, *,
           ps_covariates: str | Sequence[str] | None = None, pre: str | None = None,
           trim: float | None = None, caliper: float | None = 0.2, n_neighbors: int = 1,
           replace: bool = True, outcome_model: str = "auto",
           bootstrap: str = "auto", weights: inf.WeightsArg = None,
           cluster: str | None = None) -> Effect:
    """Estimate the effect of ``treatment`` on ``outcome``, adjusting for ``covariates``.

    Parameters
    ----------
    df : one row per person; rows missing any named column are left out (counted).
    treatment : 0/1 (or boolean) column.
    outcome : numeric column (0/1 for proportions).
    covariates : columns to adjust for (list or comma-separated); text columns become
        indicators. They drive the outcome model and the balance table.
    method : one of ``METHODS``.
    estimand : "ATT" (effect on those treated, default) or "ATE".
    ci : confidence level.
    n_boot : bootstrap draws for ipw/aipw/did with covariates (0: normal interval from the
        influence function). Not used by difference, regression and psm (analytic intervals).
    seed : seed of the numpy Generator used by the bootstrap.
    ps_covariates : propensity model columns if they differ from ``covariates`` (e.g.
        squares and interactions, as in Dehejia & Wahba 1999).
    pre : for ``did``, the outcome before treatment.
    trim : ipw/aipw: drop people with propensity beyond [trim, 1 - trim] (ATE) or controls
        above 1 - trim (ATT). Changes the population; counted in ``n_dropped``.
    caliper : psm: maximum distance in standard deviations of the logit score (None: none).
    n_neighbors, replace : psm: number of matches per person, with replacement or not.
    outcome_model : aipw/did: "auto" (logistic for a 0/1 outcome, else linear), "logit",
        "cloglog" (complementary log-log: employment by a fixed time under proportional
        hazards) or "linear".
    bootstrap : "refit" (re-fit every model on every resample), "score" (re-average the
        influence function; no re-fits) or "auto": refit up to 1,000 rows, score above
        (with ``weights`` or ``cluster`` always the score bootstrap).
    weights : analysis weights: a column name or values aligned with ``df`` (>= 0).
    cluster : column whose values group dependent people (mentor, site); people with no
        value each form their own cluster. Standard errors become cluster-robust.

    Example
    -------
    >>> d = pd.DataFrame({"t": [0, 0, 0, 1, 1, 1], "y": [0, 1, 0, 1, 1, 0]})
    >>> round(effect(d, "t", "y", method="difference").estimate, 3)
    0.333
    """
    if method not in METHODS:
        raise EstimationError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    if estimand not in ("ATT", "ATE"):
        raise EstimationError(f"estimand must be 'ATT' or 'ATE' (got {estimand!r})")
    if not 0 < ci < 1:
        raise EstimationError(f"ci must be between 0 and 1 (got {ci})")
    if bootstrap not in ("auto", "refit", "score"):
        raise EstimationError(f"bootstrap must be 'auto', 'refit' or 'score' (got {bootstrap!r})")
    covs = as_columns(covariates)
    ps_covs = None if ps_covariates is None else as_columns(ps_covariates)
    if method == "did" and pre is None:
        raise EstimationError("method='did' needs pre= (the outcome before treatment)")
    if method in ("ipw", "psm", "aipw") and not (covs or ps_covs):
        raise EstimationError(f"method={method!r} needs covariates")
    if method == "psm" and (weights is not None or cluster is not None):
        raise EstimationError("method='psm' takes no weights= or cluster= (its Abadie-Imbens "
                              "variance assumes independent, unweighted people); use ipw or "
                              "aipw")
    data = prepare(df, treatment, outcome, covs, ps_covs, extra=(pre,) if pre else ())
    sw = inf.analysis_weights(df, weights, data.index)
    groups = inf.cluster_codes(df, cluster, data.index, data.notes)
    if sw is not None:
        data.extra[_S] = sw
    if groups is not None:
        data.extra[_G] = groups.astype(float)
    base: dict[str, Any] = dict(method=method, estimand=estimand, treatment=treatment,
                                outcome=outcome, covariates=covs, ci_level=ci)
    rng = np.random.default_rng(seed)
    if method == "did":
        check_same_measure(data.extra[str(pre)], data.y, data.t, str(pre), outcome, treatment)
    if method == "difference":
        res = _difference(data, ci)
    elif method == "regression":
        res = _regression(data, estimand, ci)
    elif method == "did":
        res = _did(data, pre, estimand, ci, n_boot, rng, trim, outcome_model, bootstrap)
    else:
        res = _weighted(data, method, estimand, ci, n_boot, rng, trim, caliper, n_neighbors,
                        replace, outcome_model, bootstrap)
    return _finish(res, base, data)


_S, _G = "__weights", "__cluster"


def _sw(data: Prepared) -> np.ndarray | None:
    return data.extra.get(_S)


def _groups(data: Prepared) -> np.ndarray | None:
    g = data.extra.get(_G)
    return None if g is None else pd.factorize(g.astype(np.int64), sort=True)[0]


def _finish(partial: dict[str, Any], base: dict[str, Any], data: Prepared) -> Effect:
    notes = tuple(data.notes) + tuple(partial.pop("notes", ()))
    n_dropped = data.n_dropped + partial.pop("extra_dropped", 0)
    return Effect(**base, **partial, n_dropped=n_dropped, notes=notes)


def _balance(data: Prepared, weights: np.ndarray | None) -> pd.DataFrame:
    frame = data.X.copy()
    frame["__t"] = data.t.astype(int)
    return balance_table(frame, "__t", list(data.X.columns), weights)


def _difference(data: Prepared, level: float) -> dict[str, Any]:
    if _sw(data) is not None or _groups(data) is not None:
        return _regression(data, "ATE", level, adjust=False)
    y, t = data.y, data.t
    y1, y0 = y[t], y[~t]
    est = float(y1.mean() - y0.mean())
    if is_binary(y):
        from statsmodels.stats.proportion import confint_proportions_2indep

        lo, hi = confint_proportions_2indep(int(y1.sum()), len(y1), int(y0.sum()), len(y0),
                                            method="newcomb", compare="diff", alpha=1 - level)
        se = float(np.sqrt(y1.var(ddof=1) / len(y1) + y0.var(ddof=1) / len(y0)))
        how = "Newcombe hybrid score interval for a difference of proportions"
    else:
        res = stats.ttest_ind(y1, y0, equal_var=False)
        lo, hi = res.confidence_interval(confidence_level=level)
        se = float(np.sqrt(y1.var(ddof=1) / len(y1) + y0.var(ddof=1) / len(y0)))
        how = "Welch t interval"
    return dict(estimate=est, ci_low=float(lo), ci_high=float(hi), se=se,
                p_value=_boot.p_value(est, se), ci_method=how, n_treated=int(t.sum()),
                n_control=int((~t).sum()), mean_treated=float(y1.mean()),
                mean_control=float(y0.mean()), balance=_balance(data, None))


def _regression(data: Prepared, estimand: str, level: float, adjust: bool = True
                ) -> dict[str, Any]:
    """Lin's (2013) interacted regression; ``adjust=False``: the outcome on treatment alone."""
    import statsmodels.api as sm

    X = data.X.to_numpy(dtype=float) if adjust else np.empty((len(data.y), 0))
    t = data.t
    sw, groups = _sw(data), _groups(data)
    s = np.ones(len(t)) if sw is None else sw
    centre = (np.average(X[t], axis=0, weights=s[t]) if estimand == "ATT"
              else np.average(X, axis=0, weights=s)) if X.shape[1] else np.empty(0)
    Xc = X - centre
    tf = t.astype(float)[:, None]
    D = np.column_stack([np.ones(len(X)), tf, Xc, Xc * tf]) if X.shape[1] else \
        np.column_stack([np.ones(len(X)), tf])
    robust = "HC3" if sw is None else "HC1"
    fit = sm.WLS(data.y, D, weights=s).fit(**inf.ols_cov(groups, robust))
    est, se = float(fit.params[1]), float(fit.bse[1])
    lo, hi = (float(v) for v in fit.conf_int(alpha=1 - level)[1])
    y1 = (float(np.average(data.y[t], weights=s[t])) if estimand == "ATT"
          else float(fit.params[0] + est))
    what = ("OLS with treatment-covariate interactions (Lin 2013)" if adjust
            else "least squares of the outcome on treatment")
    if sw is not None:
        what = "weighted " + what
    what += (f", cluster-robust SE ({inf.n_clusters(groups)} clusters)" if groups is not None
             else f", {robust} robust SE")
    return dict(estimate=est, ci_low=lo, ci_high=hi, se=se, p_value=float(fit.pvalues[1]),
                ci_method=what, n_treated=int(t.sum()), n_control=int((~t).sum()),
                mean_treated=y1, mean_control=y1 - est, balance=_balance(data, sw))


def _interval(f: Fitted, data: Prepared, ps: Logit, method: str, estimand: str,
              outcome_model: str, level: float, n_boot: int, bootstrap: str,
              rng: np.random.Generator, notes: list[str]
              ) -> tuple[float, float, float, np.ndarray | None, str]:
    """(ci_low, ci_high, se, draws, how) for ipw/aipw: re-fit or score bootstrap, or normal."""
    groups = _groups(data)
    if groups is not None or _sw(data) is not None:
        return _clustered_interval(f, data, groups, level, n_boot, bootstrap, rng, notes)
    se = _boot.if_se(f.psi)
    if not n_boot or n_boot <= 0:
        lo, hi = _boot.normal_ci(f.estimate, se, level)
        return lo, hi, se, None, "normal interval from the influence function"
    chosen = bootstrap
    if bootstrap == "auto":
        bootstrap = "refit" if len(data.y) <= REFIT_MAX_ROWS else "score"
    if bootstrap == "refit":
        draws, skipped = refit_draws(data, ps, method, estimand, outcome_model, int(n_boot),
                                     rng)
        if skipped:
            notes.append(f"{skipped} of {n_boot} bootstrap resamples could not be fitted (one "
                         "group empty or separated) and were skipped")
        too_few = len(draws) < max(10, n_boot // 2)
        if too_few and chosen == "refit":
            raise EstimationError("most bootstrap resamples could not be fitted; use n_boot=0 "
                                  "or more data")
        if too_few:  # a small sample: fall back to the score bootstrap, and say so
            notes.append("most re-fitting resamples failed on this small sample, so the "
                         "interval comes from the score bootstrap instead")
            bootstrap = "score"
    if bootstrap == "refit":
        lo, hi = _boot.percentile_ci(draws, level)
        return (lo, hi, float(np.std(draws, ddof=1)), draws,
                f"nonparametric bootstrap re-fitting the models ({len(draws)} draws), "
                "percentile interval")
    draws = _boot.score_bootstrap(f.psi, f.estimate, int(n_boot), rng)
    lo, hi = _boot.percentile_ci(draws, level)
    return lo, hi, se, draws, f"score bootstrap of the influence function ({n_boot} draws)"


def _clustered_interval(f: Fitted, data: Prepared, groups: np.ndarray | None, level: float,
                        n_boot: int, bootstrap: str, rng: np.random.Generator,
                        notes: list[str]) -> tuple[float, float, float, np.ndarray | None, str]:
    """The interval with analysis weights and/or clusters: influence function, score bootstrap."""
    if bootstrap == "refit":
        raise EstimationError("bootstrap='refit' takes no weights= or cluster=; use 'score'")
    g = np.arange(len(f.psi)) if groups is None else groups
    se = inf.cluster_se(f.psi, g)
    label = (f"{inf.n_clusters(g)} clusters" if groups is not None else "weighted")
    if not n_boot or n_boot <= 0:
        lo, hi = _boot.normal_ci(f.estimate, se, level)
        return lo, hi, se, None, f"normal interval from the influence function ({label})"
    draws = inf.cluster_score_bootstrap(f.psi, f.estimate, g, int(n_boot), rng)
    lo, hi = _boot.percentile_ci(draws, level)
    what = "whole clusters" if groups is not None else "people"
    return (lo, hi, se, draws, f"score bootstrap of the influence function redrawing {what} "
            f"({n_boot} draws, {label})")


def _weighted(data: Prepared, method: str, estimand: str, level: float, n_boot: int,
              rng: np.random.Generator, trim: float | None, caliper: float | None,
              n_neighbors: int, replace: bool, outcome_model: str,
              bootstrap: str = "auto") -> dict[str, Any]:
    notes: list[str] = []
    ps = _fit_ps(data, notes)
    propensity = pd.Series(ps.p, index=data.index, name="propensity")
    treated = pd.Series(data.t, index=data.index, name="treated")
    overlap = overlap_table(ps.p, data.t)
    extra_dropped = 0
    if method == "psm":
        e = np.clip(ps.p, 1e-12, 1 - 1e-12)     # a score of exactly 0 or 1 matches no one
        score = np.log(e / (1 - e))
        r = _psm(data.y, data.t, score, estimand, n_neighbors, caliper, replace)
        lo, hi = (float(v) for v in _boot.normal_ci(r.estimate, r.se, level))
        if r.unmatched:
            notes.append(f"{r.unmatched} people found no match within the caliper and are "
                         "left out of the estimate")
        how = (f"Abadie-Imbens variance, {n_neighbors} neighbour(s) "
               f"{'with' if replace else 'without'} replacement, caliper "
               f"{caliper if caliper is not None else 'none'} SD of the logit score")
        return dict(estimate=r.estimate, ci_low=lo, ci_high=hi, se=r.se,
                    p_value=_boot.p_value(r.estimate, r.se), ci_method=how,
                    n_treated=r.n_treated, n_control=r.n_control, mean_treated=r.mean_treated,
                    mean_control=r.mean_control, balance=_balance(data, r.weights),
                    overlap=overlap, propensity=propensity, treated=treated, notes=notes,
                    extra_dropped=r.unmatched,
                    weights=pd.Series(r.weights, index=data.index, name="weight"))
    keep = trim_mask(ps.p, data.t, trim, estimand)
    if not keep.all():
        extra_dropped = int((~keep).sum())
        notes.append(f"trimming at {trim} left out {extra_dropped} people; the propensity "
                     "model was refitted on the rest")
        data = _subset(data, keep)
        ps = _fit_ps(data, notes)
    sw = _sw(data)
    if method == "ipw":
        f = _ipw(data.y, data.t, ps, estimand, sw)
    else:
        rows0 = ~data.t
        m0 = _fit_y(data, rows0, notes, outcome_model, "control outcome model")
        m1 = (_fit_y(data, data.t, notes, outcome_model, "treated outcome model")
              if estimand == "ATE" else None)
        f = _aipw(data.y, data.t, ps.p, m0, m1, estimand, sw)
    lo, hi, se, draws, how = _interval(f, data, ps, method, estimand, outcome_model, level,
                                       n_boot, bootstrap, rng, notes)
    return dict(estimate=f.estimate, ci_low=lo, ci_high=hi, se=se,
                p_value=_boot.p_value(f.estimate, se), ci_method=how,
                n_treated=int(data.t.sum()), n_control=int((~data.t).sum()),
                mean_treated=f.mean_treated, mean_control=f.mean_control,
                balance=_balance(data, f.weights), overlap=overlap,
                propensity=propensity, treated=treated, boot=draws, notes=notes,
                extra_dropped=extra_dropped,
                weights=pd.Series(f.weights, index=data.index, name="weight"))


def _fit_ps(data: Prepared, notes: list[str]) -> Logit:
    sw = _sw(data)
    if sw is None:
        return fit_logit(data.t, data.Xps, notes)
    return inf.fit_logit_weighted(data.t, data.Xps, sw, notes)


def _fit_y(data: Prepared, rows: np.ndarray, notes: list[str], kind: str, what: str
           ) -> np.ndarray:
    sw = _sw(data)
    if sw is None:
        return fit_outcome(data.y, data.X, rows, notes, kind, what)
    return inf.fit_outcome_weighted(data.y, data.X, rows, sw, notes, kind, what)


def _subset(data: Prepared, keep: np.ndarray) -> Prepared:
    return replace(data, index=data.index[keep], t=data.t[keep], y=data.y[keep],
                   X=data.X[keep], Xps=data.Xps[keep],
                   extra={k: v[keep] for k, v in data.extra.items()})


def check_same_measure(pre: np.ndarray, post: np.ndarray, t: np.ndarray, pre_name: str,
                       post_name: str, treatment: str) -> None:
    """Refuse a ``pre`` that cannot be the outcome measured before treatment.

    A 0/1 ``pre`` for a measured outcome (a year dummy: the classic slip) or the other way
    round, a constant ``pre``, a ``pre`` equal to the treatment, or a ``pre`` that looks like a
    calendar year are errors naming both columns.
    """
    def refuse(why: str) -> None:
        raise EstimationError(f"pre={pre_name!r} is not {post_name!r} measured before "
                              f"treatment: {why}; give the same outcome at the earlier "
                              "period (for more than two periods use event_study)")

    if np.unique(pre).size < 2:
        refuse("it takes a single value")
    if np.array_equal(pre.astype(float), t.astype(float)):
        refuse(f"it equals the treatment {treatment!r}")
    if is_binary(pre) != is_binary(post):
        kinds = ("0/1", "measured") if is_binary(pre) else ("measured", "0/1")
        refuse(f"it is {kinds[0]} while the outcome is {kinds[1]} (a year or group dummy?)")
    looks_like_year = bool(np.all((pre >= 1900) & (pre <= 2100) & (pre == np.round(pre))))
    if looks_like_year and not np.all((post >= 1900) & (post <= 2100)):
        refuse("its values are calendar years")


def _did(data: Prepared, pre: str | None, estimand: str, level: float,
         n_boot: int, rng: np.random.Generator, trim: float | None,
         outcome_model: str, bootstrap: str) -> dict[str, Any]:
    before = data.extra[str(pre)]
    change = replace(data, y=data.y - before)
    if data.X.shape[1] == 0:
        r = _difference(change, level)
        y1 = float(data.y[data.t].mean())
        weighted = _sw(data) is not None or _groups(data) is not None
        how = ("difference in mean changes, " + r["ci_method"] if weighted
               else "difference in mean changes, Welch t interval")
        r.update(ci_method=how, mean_treated=y1, mean_control=y1 - r["estimate"])
        return r
    kind = "linear" if outcome_model == "auto" else outcome_model
    r = _weighted(change, "aipw", estimand, level, n_boot, rng, trim, None, 1, True, kind,
                  bootstrap)
    r["ci_method"] = "doubly robust DiD (Sant'Anna & Zhao 2020), " + r["ci_method"]
    y1 = float(data.y[data.t].mean())
    r.update(mean_treated=y1, mean_control=y1 - r["estimate"])
    return r

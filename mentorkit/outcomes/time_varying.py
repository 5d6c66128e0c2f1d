"""Cox regression with the match as a time-varying exposure, on counting-process episodes.

"Ever matched" from registration credits the mentor with the time a mentee spent waiting
for one, and puts everyone who found a job while waiting in the comparison group. Here each
mentee is unexposed from registration to the day her match starts and exposed from then on
(:func:`episodes`: rows ``(start, stop]`` with ``event`` and ``matched``), and the Cox model
compares, at each time since registration, the hazard of a first job of those with and
without a mentor then. Fitted by statsmodels' ``PHReg`` with entry times (Efron ties) and
``strata=``; with ``cluster=`` or ``weights=`` by :mod:`mentorkit.outcomes._wcox` (Breslow
ties, Lin–Wei robust covariance summed within clusters, which ``PHReg(...).fit(groups=)``
gives too but as NaN when an episode is at risk at no event time).

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> m = time_varying_cox(t, covariates=["language_rank", "education_rank", "age"])
>>> hr, lo, hi = m.hazard_ratio()
>>> bool(lo < hr < hi)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from mentorkit.outcomes._data import (
    EstimationError,
    _caught,
    as_columns,
    design,
    drop_constant,
    used_columns,
)
from mentorkit.outcomes._wcox import fit_weighted_cox
from mentorkit.outcomes.design_text import explain

__all__ = ["EXPOSURE", "TimeVaryingCox", "episodes", "time_varying_cox"]

EXPOSURE = "matched"
"""The name of the time-varying exposure in the episodes and the coefficients."""


@dataclass(frozen=True)
class TimeVaryingCox:
    """Cox model with the match as a time-varying exposure.

    ``coefficients``: term, coef, se, hazard_ratio, ci_low, ci_high, p_value (the exposure's
    term is :data:`EXPOSURE`); counts of people, episodes and first jobs (all and while
    matched); ``se_kind`` "model" or "robust"; ``covariates`` the ones really adjusted for
    (one constant in the data, e.g. ``male`` among women only, is left out and noted); notes."""

    coefficients: pd.DataFrame
    n: int
    n_episodes: int
    events: int
    events_exposed: int
    ci_level: float
    se_kind: str
    covariates: tuple[str, ...]
    notes: tuple[str, ...] = ()
    design: str = "time_varying_cox"

    def to_frame(self) -> pd.DataFrame:
        """One row per term: term, coef, se, hazard_ratio, ci_low, ci_high, p_value."""
        return self.coefficients

    def hazard_ratio(self, term: str = EXPOSURE) -> tuple[float, float, float]:
        """(hazard ratio, ci_low, ci_high) of ``term`` (default: the match)."""
        rows = self.coefficients[self.coefficients["term"] == term]
        if len(rows) != 1:
            raise KeyError(f"no single term {term!r} in the coefficients")
        row = rows.iloc[0]
        return float(row["hazard_ratio"]), float(row["ci_low"]), float(row["ci_high"])

    def covers(self, value: float, term: str = EXPOSURE) -> bool:
        """True when the interval of ``term`` contains the hazard ratio ``value``."""
        _, lo, hi = self.hazard_ratio(term)
        return lo <= value <= hi

    def explain(self, lang: object) -> str:
        """This design in plain words (da/en/nl), with its counts."""
        return explain(self.design, lang, covariates=list(self.covariates), events=self.events,
                       people=self.n)


def episodes(df: pd.DataFrame, duration: str = "days_to_job", event: str = "job",
             exposure_time: str = "days_to_match", keep: str | Sequence[str] = (),
             id: str = "person_id") -> pd.DataFrame:
    """Counting-process episodes: one row per person and period with or without a mentor.

    Parameters
    ----------
    df : one row per person (the analysis table).
    duration, event : days from registration to the first job (``event`` 1) or to the
        last follow-up (0).
    exposure_time : days from registration to the match start (NaN: never matched).
    keep : columns copied to each of the person's episodes (covariates, strata, clusters,
        weights).
    id : the person column.

    Returns
    -------
    DataFrame with ``id``, ``start``, ``stop``, ``event`` (1 only on the last episode of a
    person with a job), :data:`EXPOSURE` (1 from the match start on), and ``keep``. A match
    on or after the job (or the end of follow-up) gives no exposed episode: exposure never
    comes before the match. People with no time at risk (duration 0 or missing) are left out.

    Example
    -------
    >>> d = pd.DataFrame({"person_id": [1, 2], "days_to_job": [100.0, 50.0], "job": [1, 0],
    ...                   "days_to_match": [30.0, np.nan]})
    >>> episodes(d)[["person_id", "start", "stop", "event", "matched"]].values.tolist()
    [[1.0, 0.0, 30.0, 0.0, 0.0], [1.0, 30.0, 100.0, 1.0, 1.0], [2.0, 0.0, 50.0, 0.0, 0.0]]
    """
    extra = list(as_columns(keep))
    for c in (id, duration, event, exposure_time, *extra):
        if c not in df.columns:
            raise EstimationError(f"no column {c!r} in the table")
    t = pd.to_numeric(df[duration], errors="coerce").astype(float).to_numpy()
    e = pd.to_numeric(df[event].astype(float), errors="coerce").to_numpy()
    m = pd.to_numeric(df[exposure_time], errors="coerce").astype(float).to_numpy()
    ok = np.isfinite(t) & np.isfinite(e) & (t > 0)
    base = df.loc[ok, [id, *extra]].reset_index(drop=True)
    t, e, m = t[ok], e[ok], m[ok]
    split = np.isfinite(m) & (m > 0) & (m < t)          # unexposed, then exposed
    from_start = np.isfinite(m) & (m <= 0) & (t > 0)    # matched on the day of registration
    first = base.assign(start=0.0, stop=np.where(split, m, t),
                        event=np.where(split, 0.0, e),
                        **{EXPOSURE: np.where(from_start, 1.0, 0.0)})
    second = base.loc[split].assign(start=m[split], stop=t[split], event=e[split],
                                    **{EXPOSURE: 1.0})
    out = pd.concat([first.assign(_order=0), second.assign(_order=1)], ignore_index=True)
    out = out.sort_values([id, "_order"], kind="stable").drop(columns="_order")
    return out[[id, "start", "stop", "event", EXPOSURE, *extra]].reset_index(drop=True)


def time_varying_cox(df: pd.DataFrame, duration: str = "days_to_job", event: str = "job",
                     exposure_time: str = "days_to_match",
                     covariates: str | Sequence[str] = (), strata: str | None = None,
                     cluster: str | None = None, weights: str | None = None,
                     ci: float = 0.95, ties: str = "efron", id: str = "person_id"
                     ) -> TimeVaryingCox:
    """Cox regression of the time to a first job on the match as a time-varying exposure.

    Parameters
    ----------
    df : one row per person (the analysis table); see :func:`episodes` for the columns.
    covariates : intake covariates (text columns become indicators).
    strata : a column whose groups (e.g. programme) each get their own baseline hazard.
    cluster : a column of cluster labels (mentor, site) for robust standard errors; each
        person's episodes are always one cluster when weights are given.
    weights : a column of analysis weights (> 0), e.g. inverse probability of response.
    ci : confidence level; ties : "efron" or "breslow" (Breslow with cluster or weights).

    Example
    -------
    >>> d = pd.DataFrame({"person_id": range(8), "days_to_job": [5., 8, 3, 9, 4, 7, 6, 2],
    ...                   "job": [1, 1, 1, 0, 1, 1, 0, 1],
    ...                   "days_to_match": [2., np.nan, 1, 3, np.nan, 2, np.nan, np.nan]})
    >>> time_varying_cox(d).n_episodes      # four matches before the job split in two
    12
    """
    from statsmodels.duration.hazard_regression import PHReg

    covs = list(as_columns(covariates))
    keep = [c for c in dict.fromkeys([*covs, *(x for x in (strata, cluster, weights) if x)])]
    ep = episodes(df, duration, event, exposure_time, keep=keep, id=id)
    X = design(ep, [EXPOSURE, *covs])
    ok = X.notna().all(axis=1) & ep[[c for c in (strata, cluster, weights) if c]].notna().all(
        axis=1)
    ep, X = ep[ok].reset_index(drop=True), X[ok].reset_index(drop=True)
    if ep.empty or ep["event"].sum() == 0:
        raise EstimationError("no first jobs in the episodes: nothing to estimate")
    X, dropped = drop_constant(X)
    notes: list[str] = [f"constant, left out: {', '.join(dropped)}"] if dropped else []
    if EXPOSURE not in X.columns:
        raise EstimationError("nobody (or everybody) has time with a mentor: no exposure "
                              "contrast")
    strata_codes = (pd.factorize(ep[strata].astype(str))[0] if strata else None)
    z = stats.norm.ppf(0.5 + ci / 2)
    x = X.to_numpy(dtype=float)
    if cluster or weights:
        w = pd.to_numeric(ep[weights], errors="coerce").to_numpy(float) if weights else \
            np.ones(len(ep))
        if not (np.isfinite(w) & (w > 0)).all():
            raise EstimationError(f"weights {weights!r} must be positive numbers")
        groups = ep[cluster].astype(str).to_numpy() if cluster else ep[id].astype(str).to_numpy()
        fit = fit_weighted_cox(ep["start"].to_numpy(float), ep["stop"].to_numpy(float),
                               ep["event"].to_numpy(int), x, w, strata_codes, groups)
        beta, se = fit.params, np.sqrt(np.diag(fit.cov_robust))
        se_kind = "robust"
        if ties != "breslow":
            notes.append("Breslow ties (with cluster or weights)")
    else:
        model = PHReg(ep["stop"].to_numpy(float), x, status=ep["event"].to_numpy(int),
                      entry=ep["start"].to_numpy(float), strata=strata_codes, ties=ties)
        res = _caught(lambda: model.fit(), notes, "time-varying Cox model")
        beta, se = np.asarray(res.params), np.asarray(res.bse)
        se_kind = "model"
    table = pd.DataFrame({
        "term": X.columns, "coef": beta, "se": se, "hazard_ratio": np.exp(beta),
        "ci_low": np.exp(beta - z * se), "ci_high": np.exp(beta + z * se),
        "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
    })
    events = ep["event"].to_numpy() == 1
    return TimeVaryingCox(table, int(ep[id].nunique()), len(ep), int(events.sum()),
                          int((events & (ep[EXPOSURE].to_numpy() == 1)).sum()), ci, se_kind,
                          used_columns(covs, X), tuple(notes))

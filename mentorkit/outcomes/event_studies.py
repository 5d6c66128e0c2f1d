"""Difference in differences over more than two periods: an event-study table.

One row per person (or unit) and period. Each unit's first treated period is in
``first_treated`` (missing for the never treated); the event time is ``period -
first_treated``. The estimates are Sun & Abraham's (2021) interaction-weighted ones: a
regression with unit and period fixed effects and one indicator per adoption cohort and event
time (the period before adoption, ``reference``, left out), the never treated as the
comparison; each event time's estimate is the average of the cohorts' coefficients weighted
by their share of the units observed at that event time. With a single adoption period this
is the usual two-way fixed-effects event study. Standard errors are cluster-robust by unit
(statsmodels ``cov_type="cluster"``), the averages' by the delta method.

Leads (event times before adoption) are placebo estimates: mentoring cannot change an
outcome before it starts, so leads far from zero warn of different trends. ``pretrend_p`` is
the p-value of the joint Wald test that every lead is zero.

Example
-------
>>> rng = np.random.default_rng(0)
>>> rows = [(u, p, 3 if u < 20 else np.nan) for u in range(40) for p in range(6)]
>>> d = pd.DataFrame(rows, columns=["unit", "period", "first"])
>>> d["y"] = rng.normal(size=len(d)) + np.where(d.period >= d["first"], 1.0, 0.0)
>>> es = event_study(d, "unit", "period", "y", "first")
>>> t = es.to_frame()
>>> t.loc[t.event_time == 0, "kind"].item()
'lag'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from mentorkit.outcomes._data import EstimationError, as_columns

__all__ = ["EventStudy", "event_study"]


@dataclass(frozen=True)
class EventStudy:
    """The event-study table and the joint test of the leads."""

    estimates: pd.DataFrame  # event_time, kind (lead/reference/lag), estimate, se, ci, p, n
    pretrend_p: float       # joint Wald test that every lead is 0 (nan without leads)
    pretrend_df: int
    n_units: int
    n_treated_units: int
    cohorts: tuple[float, ...]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The event-study table: one row per event time."""
        return self.estimates.copy()

    @property
    def leads(self) -> pd.DataFrame:
        """The placebo rows (event time < reference)."""
        return self.estimates[self.estimates["kind"] == "lead"]


def _check(panel: pd.DataFrame, unit: str, period: str, outcome: str, first: str,
           covs: Sequence[str]) -> pd.DataFrame:
    for c in (unit, period, outcome, first, *covs):
        if c not in panel.columns:
            raise EstimationError(f"no column {c!r} in the panel")
    d = panel[[unit, period, outcome, first, *covs]].copy()
    d[period] = pd.to_numeric(d[period], errors="coerce")
    d[outcome] = pd.to_numeric(d[outcome], errors="coerce")
    d[first] = pd.to_numeric(d[first], errors="coerce")
    bad = d[period].isna()
    if bad.any():
        raise EstimationError(f"{period!r} must be a number (row {d.index[bad][0]!r})")
    dup = d.duplicated([unit, period])
    if dup.any():
        raise EstimationError(f"unit {d.loc[dup, unit].iloc[0]!r} has two rows for "
                              f"{period} {d.loc[dup, period].iloc[0]!r}")
    varying = d.groupby(unit)[first].nunique(dropna=False) > 1
    if varying.any():
        raise EstimationError(f"{first!r} must be the same on every row of a unit (unit "
                              f"{varying[varying].index[0]!r} differs)")
    return d.dropna(subset=[outcome, *covs])


def event_study(panel: pd.DataFrame, unit: str, period: str, outcome: str,
                first_treated: str, covariates: str | Sequence[str] = (),
                reference: int = -1, window: tuple[int, int] | None = None,
                ci: float = 0.95) -> EventStudy:
    """Event-study estimates with leads as placebos (Sun & Abraham 2021).

    Parameters
    ----------
    panel : one row per unit and period (long).
    unit, period : columns naming the unit (person, site) and the period (a number: year,
        quarter index).
    outcome : the outcome, measured the same way in every period.
    first_treated : each unit's first treated period; missing for the never treated (the
        comparison).
    covariates : time-varying controls (optional).
    reference : the event time left out (the period before adoption).
    window : (first, last) event times to estimate; times outside are binned into the ends.
    ci : confidence level.

    Example
    -------
    >>> d = pd.DataFrame({"u": [1, 1, 2, 2, 3, 3], "p": [0, 1] * 3, "y": [1., 2, 1, 1, 2, 2],
    ...                   "f": [1, 1] + [np.nan] * 4})
    >>> t = event_study(d, "u", "p", "y", "f").to_frame().set_index("event_time")
    >>> round(float(t.loc[0, "estimate"]), 6)
    1.0
    """
    import statsmodels.api as sm

    covs = as_columns(covariates)
    d = _check(panel, unit, period, outcome, first_treated, covs)
    never = d[first_treated].isna()
    if not never.any():
        raise EstimationError("an event study needs never-treated units as the comparison "
                              f"(every unit has a {first_treated!r})")
    if never.all():
        raise EstimationError(f"no unit is ever treated ({first_treated!r} is empty)")
    notes: list[str] = []
    rel = (d[period] - d[first_treated]).round().astype("Int64")
    if window is not None:
        lo, hi = window
        if not lo <= reference <= hi:
            raise EstimationError(f"the reference {reference} must lie in the window {window}")
        binned = rel.notna() & ((rel < lo) | (rel > hi))
        if binned.any():
            notes.append(f"{int(binned.sum())} rows outside event times {lo} to {hi} are "
                         "binned into the end points")
        rel = rel.clip(lower=lo, upper=hi)
    d = d.assign(__rel=rel)
    at_ref = d.loc[~never & (d["__rel"] == reference), first_treated].unique()
    lacking = sorted(set(d.loc[~never, first_treated].unique()) - set(at_ref))
    if lacking:
        notes.append(f"{len(lacking)} adoption cohorts have no observation at event time "
                     f"{reference} and are left out: {', '.join(f'{c:g}' for c in lacking)}")
        d = d[~d[first_treated].isin(lacking)]
        never = d[first_treated].isna()
        if never.all():
            raise EstimationError(f"no treated unit is observed at event time {reference}")
    cohorts = tuple(sorted(float(c) for c in d.loc[~never, first_treated].unique()))
    cells = (d[~never].groupby([first_treated, "__rel"]).size()
             .rename("n").reset_index())
    cells = cells[cells["__rel"] != reference]
    cols = {}
    for _, c in cells.iterrows():
        name = f"g{c[first_treated]:g}_e{int(c['__rel'])}"
        cols[name] = ((d[first_treated] == c[first_treated]) & (d["__rel"] == c["__rel"])
                      ).astype(float).to_numpy()
    if not cols:
        raise EstimationError("no treated unit is observed outside the reference period")
    unit_fe = pd.get_dummies(d[unit].astype(str), prefix="u", drop_first=True, dtype=float)
    time_fe = pd.get_dummies(d[period].astype(str), prefix="t", drop_first=True, dtype=float)
    X = pd.concat([pd.DataFrame(cols, index=d.index), unit_fe, time_fe,
                   d[list(covs)].astype(float)], axis=1)
    X.insert(0, "const", 1.0)
    groups = pd.factorize(d[unit])[0]
    fit = sm.OLS(d[outcome].to_numpy(dtype=float), X).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    beta = fit.params
    V = fit.cov_params()
    z = stats.norm.ppf(0.5 + ci / 2)
    units_per_cohort = d[~never].groupby(first_treated)[unit].nunique()
    rows = []
    lead_names: list[list[str]] = []
    lead_weights: list[np.ndarray] = []
    for e in sorted(int(v) for v in cells["__rel"].unique()):
        here = cells[cells["__rel"] == e]
        names = [f"g{g:g}_e{e}" for g in here[first_treated]]
        w = units_per_cohort.loc[here[first_treated]].to_numpy(dtype=float)
        w = w / w.sum()
        est = float(w @ beta[names].to_numpy())
        se = float(np.sqrt(w @ V.loc[names, names].to_numpy() @ w))
        kind = "lead" if e < reference else "lag"
        if kind == "lead":
            lead_names.append(names)
            lead_weights.append(w)
        p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else float("nan")
        rows.append({"event_time": e, "kind": kind, "estimate": est, "se": se,
                     "ci_low": est - z * se, "ci_high": est + z * se, "p_value": p,
                     "n_units": int(units_per_cohort.loc[here[first_treated]].sum())})
    rows.append({"event_time": reference, "kind": "reference", "estimate": 0.0, "se": 0.0,
                 "ci_low": 0.0, "ci_high": 0.0, "p_value": float("nan"),
                 "n_units": int(d.loc[~never & (d["__rel"] == reference), unit].nunique())})
    table = pd.DataFrame(rows).sort_values("event_time").reset_index(drop=True)
    pre_p, pre_df = float("nan"), len(lead_names)
    if lead_names:
        R = np.zeros((len(lead_names), len(beta)))
        pos = {name: i for i, name in enumerate(beta.index)}
        for k, (names, w) in enumerate(zip(lead_names, lead_weights)):
            for name, wi in zip(names, w):
                R[k, pos[name]] = wi
        rb = R @ beta.to_numpy()
        stat = float(rb @ np.linalg.pinv(R @ V.to_numpy() @ R.T) @ rb)
        pre_p = float(stats.chi2.sf(stat, len(lead_names)))
    if len(cohorts) > 1:
        notes.append(f"{len(cohorts)} adoption cohorts: each event time averages the cohorts' "
                     "estimates (Sun & Abraham 2021), never-treated units the comparison")
    return EventStudy(table, pre_p, pre_df, int(d[unit].nunique()),
                      int(d.loc[~never, unit].nunique()), cohorts, tuple(notes))

"""The effect within subgroups, for a forest plot.

Each level of each ``by`` column gets its own :func:`~mentorkit.outcomes.effect` (covariates
that are constant inside a subgroup, such as gender within "women", drop out on their own).
Subgroups with fewer than ``min_cell`` treated or comparison people (with the outcome
recorded, or used after matching) get no estimate: too small to say anything, and too small
to publish. The heterogeneity test per ``by``
column is Cochran's Q over its subgroup estimates (independent samples).

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> s = subgroups(t, ["gender"], "matched", "employed_followup_12m",
...               ["language_rank", "education_rank", "age", "years_in_country", "male"],
...               method="ipw", n_boot=0)
>>> s["level"].tolist()
['all', 'female', 'male']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mentorkit.outcomes._data import EstimationError, as_columns
from mentorkit.outcomes.effects import Effect, effect
from mentorkit.privacy.suppression import renamed_min_cell, threshold

__all__ = ["COLUMNS", "NO_VARIATION", "SEPARATED", "SEPARATED_HEADLINE", "heterogeneity",
           "subgroups"]

SEPARATION = "PerfectSeparation"
"""What statsmodels' warning of a perfectly separated model is called (in an Effect's notes)."""
SEPARATED = "a model separated the groups perfectly: no trustworthy estimate, not shown"
"""The note of a subgroup left out because a model separated its groups perfectly."""
SEPARATED_HEADLINE = ("the estimate above (given as overall=); a model separated the groups "
                      "perfectly (see the warnings)")
"""The note of the "all" row when it is the headline and a model of it separated the groups
(the headline is shown, with the warning, so the row equals it)."""
NO_VARIATION = "no variation left to estimate from (a zero-width interval): not shown"
"""The note of a subgroup whose outcome is constant in a group, so its interval has no width."""


@renamed_min_cell("min_count")
def subgroups(df: pd.DataFrame, by: str | Sequence[str], treatment: str, outcome: str,
              covariates: str | Sequence[str] = (), method: str = "aipw",
              estimand: str = "ATT", ci: float = 0.95, n_boot: int = 1000, seed: int = 0,
              min_cell: int | None = 0, overall: Effect | None = None,
              **options: Any) -> pd.DataFrame:
    """The effect overall and within each level of each ``by`` column.

    Parameters
    ----------
    df, treatment, outcome, covariates, method, estimand, ci, n_boot, seed, options :
        as for :func:`~mentorkit.outcomes.effect`.
    by : columns to split by (list or comma-separated).
    min_cell : smallest number of treated and of comparison people (with the outcome
        recorded) to estimate and show a subgroup (0: the disclosure threshold,
        ``MENTORKIT_MIN_CELL``). Called ``min_count`` before.
    overall : the headline estimate, when the report has one: the "all" row is then that
        very estimate (same interval), not a second fit with other bootstrap settings.

    An estimate from a model that separated the groups perfectly (a propensity or outcome
    model with a perfect-separation warning), or one with an interval of no width (the
    outcome constant in a group), is left out, with a note saying so; the "all" row given
    as ``overall`` is kept (it is the headline) with a note.

    Returns
    -------
    DataFrame: by, level, n_treated, n_control, estimate, ci_low, ci_high, se, p_value,
    p_heterogeneity (same for every level of a ``by``), note. The first row is "all".
    """
    k = threshold(min_cell)
    rows = [_one(df, "all", "all", treatment, outcome, covariates, method, estimand, ci,
                 n_boot, seed, k, options, overall)]
    for col in as_columns(by):
        if col not in df.columns:
            raise EstimationError(f"no column {col!r} in the table")
        part = []
        for level in sorted(df[col].dropna().astype(str).unique()):
            sub = df[df[col].astype(str) == level]
            part.append(_one(sub, col, level, treatment, outcome, covariates, method,
                             estimand, ci, n_boot, seed, k, options))
        rows.extend(heterogeneity(part))
    return pd.DataFrame(rows)[list(COLUMNS)]


COLUMNS = ("by", "level", "n_treated", "n_control", "estimate", "ci_low", "ci_high", "se",
           "p_value", "p_heterogeneity", "note")
"""The columns of a subgroup table (what the forest plot and the report table read)."""


def heterogeneity(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of one ``by`` column with ``p_heterogeneity`` set: Cochran's Q over the
    shown estimates (NaN with fewer than two).

    Example
    -------
    >>> rows = heterogeneity([{"estimate": 0.1, "se": 0.05}, {"estimate": 0.3, "se": 0.05}])
    >>> round(rows[0]["p_heterogeneity"], 3)
    0.005
    """
    est = np.array([r["estimate"] for r in part], dtype=float)
    se = np.array([r["se"] for r in part], dtype=float)
    ok = np.isfinite(est) & np.isfinite(se) & (se > 0)
    p_het = float("nan")
    if ok.sum() >= 2:
        w = 1 / se[ok] ** 2
        pooled = np.sum(w * est[ok]) / w.sum()
        q = float(np.sum(w * (est[ok] - pooled) ** 2))
        p_het = float(stats.chi2.sf(q, ok.sum() - 1))
    for r in part:
        r["p_heterogeneity"] = p_het
    return part


def _one(sub: pd.DataFrame, by: str, level: str, treatment: str, outcome: str,
         covariates: Any, method: str, estimand: str, ci: float, n_boot: int, seed: int,
         k: int, options: dict[str, Any], given: Effect | None = None) -> dict[str, Any]:
    have = sub[outcome].notna() & sub[treatment].notna()
    t = sub.loc[have, treatment].astype(float)
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    row: dict[str, Any] = {"by": by, "level": level, "n_treated": n1, "n_control": n0,
                           "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                           "se": np.nan, "p_value": np.nan, "p_heterogeneity": np.nan,
                           "note": ""}
    if min(n1, n0) < k:
        row["note"] = f"fewer than {k} treated or comparison people: not estimated"
        return row
    try:
        e = given if given is not None else effect(
            sub, treatment, outcome, covariates, method=method, estimand=estimand, ci=ci,
            n_boot=n_boot, seed=seed, **options)
    except EstimationError as err:
        row["note"] = f"not estimated: {err}"
        return row
    separated = any(SEPARATION in n for n in e.notes)
    if given is None and separated:
        row.update(n_treated=e.n_treated, n_control=e.n_control, note=SEPARATED)
        return row
    if not (np.isfinite(e.se) and e.se > 0 and e.ci_high > e.ci_low):
        row.update(n_treated=e.n_treated, n_control=e.n_control, note=NO_VARIATION)
        return row
    if min(e.n_treated, e.n_control) < k:        # e.g. few people left after matching
        row.update(n_treated=e.n_treated, n_control=e.n_control,
                   note=f"fewer than {k} treated or comparison people used: not shown")
        return row
    row.update(estimate=e.estimate, ci_low=e.ci_low, ci_high=e.ci_high, se=e.se,
               p_value=e.p_value, n_treated=e.n_treated, n_control=e.n_control,
               note=SEPARATED_HEADLINE if separated else
               "; ".join(n for n in e.notes if "constant" not in n))
    return row

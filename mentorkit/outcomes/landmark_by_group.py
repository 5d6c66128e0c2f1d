"""The landmark design within subgroups: the same table and figure rules as "ever matched".

The report's headline is the landmark design (:func:`~mentorkit.outcomes.landmark`), so its
subgroup table must be too: each level of each ``by`` column gets its own landmark estimate
(matched by the landmark against not yet matched, among those still without a job then),
and the "all" row is the headline itself when it is given as ``overall``. The frame has the
columns of :func:`~mentorkit.outcomes.subgroups` (:data:`COLUMNS`), so
:func:`~mentorkit.outcomes.report.subgroup_table` and
:func:`~mentorkit.plots.outcomes.forest_plot` show it with the same suppression: a subgroup
with fewer than ``min_cell`` matched or not yet matched at the landmark has no estimate, and
a figure never shows what its table hides.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table, landmark
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> top = landmark(t, 180, covariates=["age"])
>>> s = landmark_subgroups(t, ["gender"], ["age"], 180, overall=top)
>>> s["level"].tolist(), bool(s["estimate"].iloc[0] == top.estimate)
(['all', 'female', 'male'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.outcomes._data import EstimationError, as_columns
from mentorkit.outcomes.landmark_design import Landmark, landmark
from mentorkit.outcomes.subgroup_effects import (
    COLUMNS,
    NO_VARIATION,
    SEPARATED,
    SEPARATED_HEADLINE,
    SEPARATION,
    heterogeneity,
)
from mentorkit.privacy.suppression import threshold

__all__ = ["landmark_subgroups"]


def landmark_subgroups(df: pd.DataFrame, by: str | Sequence[str],
                       covariates: str | Sequence[str] = (), landmarks: int = 180,
                       horizon: int = 365, min_cell: int | None = 0,
                       overall: Landmark | None = None) -> pd.DataFrame:
    """The landmark estimate overall and within each level of each ``by`` column.

    Parameters
    ----------
    df : the analysis table (one row per mentee).
    by : columns to split by (list or comma-separated).
    covariates, landmarks, horizon : as for :func:`~mentorkit.outcomes.landmark`.
    min_cell : smallest number matched and not yet matched at the landmark (outcome known)
        to estimate and show a subgroup (0: ``MENTORKIT_MIN_CELL``).
    overall : the headline estimate: the "all" row is then that very estimate.

    Returns
    -------
    DataFrame with the columns of :func:`~mentorkit.outcomes.subgroups`; first row "all".

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> from mentorkit.outcomes import analysis_table
    >>> t = analysis_table(generate(seed=0, scale=0.5))
    >>> list(landmark_subgroups(t, "gender", min_cell=5).columns)[:4]
    ['by', 'level', 'n_treated', 'n_control']
    """
    k = threshold(min_cell)
    covs = as_columns(covariates)
    rows = [_one(df, "all", "all", covs, landmarks, horizon, k, overall)]
    for col in as_columns(by):
        if col not in df.columns:
            raise EstimationError(f"no column {col!r} in the table")
        part = [_one(df[df[col].astype(str) == level], col, level, covs, landmarks, horizon,
                     k) for level in sorted(df[col].dropna().astype(str).unique())]
        rows.extend(heterogeneity(part))
    return pd.DataFrame(rows)[list(COLUMNS)]


def _one(sub: pd.DataFrame, by: str, level: str, covs: tuple[str, ...], landmarks: int,
         horizon: int, k: int, given: Landmark | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"by": by, "level": level, "n_treated": 0, "n_control": 0,
                           "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                           "se": np.nan, "p_value": np.nan, "p_heterogeneity": np.nan,
                           "note": ""}
    try:
        e = given if given is not None else landmark(sub, landmarks, horizon, covariates=covs)
    except EstimationError as err:
        row["note"] = f"not estimated: {err}"
        return row
    row.update(n_treated=e.n_treated, n_control=e.n_control)
    if min(e.n_treated, e.n_control) < k:
        row["note"] = f"fewer than {k} treated or comparison people: not estimated"
        return row
    separated = any(SEPARATION in n for n in e.notes)
    if given is None and separated:
        row["note"] = SEPARATED
        return row
    if not (np.isfinite(e.se) and e.se > 0 and e.ci_high > e.ci_low):
        row["note"] = NO_VARIATION
        return row
    row.update(estimate=e.estimate, ci_low=e.ci_low, ci_high=e.ci_high, se=e.se,
               p_value=e.p_value,
               note=SEPARATED_HEADLINE if separated else
               "; ".join(n for n in e.notes if "constant" not in n))
    return row

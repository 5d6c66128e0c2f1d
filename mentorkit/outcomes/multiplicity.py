"""Many estimates, one correction: Holm or Benjamini–Hochberg over a table of estimates.

When a report shows many outcomes × phases × subgroups, some will look significant by
chance. :func:`adjust_p_values` adds adjusted p-values (statsmodels' ``multipletests``) to a table
with a ``p_value`` column: ``holm`` controls the chance of any false finding (family-wise
error), ``fdr_bh`` (Benjamini–Hochberg) the expected share of false findings among those
called significant. Estimates flagged ``primary`` (the few named before looking) are
corrected among themselves; the rest, exploratory, among themselves, so the headline keeps
its power and the exploratory ones are read as such.

Example
-------
>>> t = pd.DataFrame({"outcome": ["a", "b", "c"], "p_value": [0.01, 0.04, 0.03]})
>>> adjust_p_values(t, primary=[True, False, False])["p_adjusted"].round(2).tolist()
[0.01, 0.06, 0.06]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mentorkit.outcomes._data import EstimationError

__all__ = ["METHODS", "adjust_p_values"]

METHODS = ("holm", "fdr_bh", "bonferroni")
"""Corrections offered (statsmodels' names)."""


def adjust_p_values(table: pd.DataFrame, method: str = "holm", alpha: float = 0.05,
           primary: str | Sequence[bool] | pd.Series | None = None,
           p_column: str = "p_value") -> pd.DataFrame:
    """A copy of ``table`` with ``primary``, ``p_adjusted``, ``significant`` and ``family``.

    Parameters
    ----------
    table : one row per estimate, with a p-value column (``Effect.to_frame()`` rows
        concatenated, a subgroup table …). Rows with a missing p-value are kept, unadjusted.
    method : one of ``METHODS``.
    alpha : the level for ``significant``.
    primary : a boolean column name or values (one per row); None: every row is primary.
        Primary and secondary rows are corrected as two separate families.
    p_column : the name of the p-value column.

    Example
    -------
    >>> t = pd.DataFrame({"p_value": [0.01, 0.02, 0.03, 0.04]})
    >>> adjust_p_values(t, "fdr_bh")["p_adjusted"].tolist()
    [0.04, 0.04, 0.04, 0.04]
    """
    from statsmodels.stats.multitest import multipletests

    if method not in METHODS:
        raise EstimationError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    if p_column not in table.columns:
        raise EstimationError(f"the table has no {p_column!r} column")
    out = table.copy()
    p = pd.to_numeric(out[p_column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isnan(p) & ((p < 0) | (p > 1))
    if bad.any():
        row = out.index[int(np.flatnonzero(bad)[0])]
        raise EstimationError(f"{p_column} must lie between 0 and 1 (row {row!r}: "
                              f"{p[bad][0]})")
    if primary is None:
        is_primary = np.ones(len(out), dtype=bool)
    elif isinstance(primary, str):
        if primary not in out.columns:
            raise EstimationError(f"the table has no {primary!r} column (primary=)")
        is_primary = out[primary].fillna(False).astype(bool).to_numpy()
    else:
        is_primary = np.asarray(primary, dtype=bool)
        if len(is_primary) != len(out):
            raise EstimationError(f"primary= has {len(is_primary)} values for {len(out)} rows")
    adjusted = np.full(len(out), np.nan)
    for family in (is_primary, ~is_primary):
        rows = family & ~np.isnan(p)
        if rows.any():
            adjusted[rows] = multipletests(p[rows], alpha=alpha, method=method)[1]
    out["primary"] = is_primary
    out["family"] = np.where(is_primary, "primary", "secondary")
    out["p_adjusted"] = adjusted
    out["significant"] = adjusted < alpha
    out.attrs["multiplicity"] = {"method": method, "alpha": alpha,
                                 "n_primary": int(is_primary.sum()),
                                 "n_secondary": int((~is_primary).sum())}
    return out

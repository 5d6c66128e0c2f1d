"""Small-cell suppression for published tables (interim, until ``mentorkit.privacy`` lands).

Counts from 1 to ``threshold - 1`` are replaced by the text ``"<threshold"``, and every
value computed from that cell (a share, a mean, an estimate) is blanked. With ``total``,
a row where exactly one part of the total is hidden also hides its smallest other part
(shown as ``..``), so the hidden one cannot be recovered by subtraction (secondary
suppression). The default
threshold is ``Settings.min_cell`` (5: Danish publications commonly blank cells under 5;
Statistics Denmark's own floor is 3).

Example
-------
>>> t = pd.DataFrame({"group": ["a", "b"], "n": [12, 3], "share": [0.5, 0.67]})
>>> suppress_small(t, ["n"], threshold=5, dependent={"n": ["share"]})["n"].tolist()
['12', '<5']
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["SECONDARY", "suppress_small", "min_cell"]

SECONDARY = ".."
"""Shown for a count hidden only so that a small one cannot be worked out from the total."""


def min_cell() -> int:
    """The disclosure threshold from the settings (``MENTORKIT_MIN_CELL``, default 5)."""
    from mentorkit.config import Settings

    return Settings.from_env().min_cell


def suppress_small(df: pd.DataFrame, counts: Sequence[str], threshold: int | None = None,
                   dependent: Mapping[str, Sequence[str]] | None = None,
                   total: str | None = None) -> pd.DataFrame:
    """A copy of ``df`` safe to publish: small counts hidden, with what they reveal.

    Parameters
    ----------
    df : a table of aggregates (never one row per person).
    counts : columns holding counts of people.
    threshold : smallest count that may be shown (default: :func:`min_cell`).
    dependent : for each count column, the columns derived from it, blanked with it.
    total : a column equal to the sum of ``counts``: hidden itself when small (and then all its
        parts), and enables secondary suppression of the parts.

    Returns
    -------
    DataFrame with the count columns as text ("12", "<5") and dependents as NaN where hidden.
    """
    k = min_cell() if threshold is None else int(threshold)
    dependent = dict(dependent or {})
    out = df.copy()
    cols = list(counts) + ([total] if total is not None else [])
    values = out[cols].apply(pd.to_numeric, errors="coerce")
    hide = (values > 0) & (values < k)
    second = pd.DataFrame(False, index=hide.index, columns=hide.columns)
    if total is not None:
        second.loc[hide[total], list(counts)] = True
        parts = hide[list(counts)] | second[list(counts)]
        for i in parts.index[parts.sum(axis=1) == 1]:
            others = values.loc[i, list(counts)][~parts.loc[i]]
            others = others[others > 0]
            if len(others):
                second.loc[i, others.idxmin()] = True
    second &= ~hide
    for c in cols:
        shown = values[c].map(lambda v: "" if pd.isna(v) else str(int(v)))
        shown = shown.where(~second[c], SECONDARY)
        out[c] = shown.where(~hide[c], f"<{k}").astype(object)
        hide[c] |= second[c]
        for dep in dependent.get(c, ()):
            out[dep] = out[dep].astype(object).where(~hide[c], np.nan)
    return out

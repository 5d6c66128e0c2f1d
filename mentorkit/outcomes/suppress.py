"""Small-cell suppression of outcome-study tables, decided by :func:`mentorkit.privacy.suppress`.

Which counts are blank is decided by :func:`mentorkit.privacy.suppression.suppression` alone:
counts from 1 to ``min_cell - 1`` (primary), and the further counts that would give one
back through a published total (secondary, checked by linear programming). This module does
what that function cannot do for a report table, and nothing else:

- it maps the table's own layout onto privacy's table with totals: a ``total`` column (the
  sum of ``counts`` in each row, e.g. mentees = matched + not matched), a ``total_row`` (the
  sum of the other rows, e.g. "All" programmes), or both; with ``groups``, each group of
  rows adds up to the total row on its own (subgroups by gender, by age, ...);
- it shows blanks as marks a reader can tell apart: ``"<5"`` for a small count and ``..``
  (:data:`SECONDARY`) for one hidden so that a small one cannot be worked out;
- it blanks every estimate computed from a blank count (``dependent``: a share, a median
  time to job, an effect and its interval), which privacy's suppression, knowing only
  counts, cannot. This is why it is kept beside :func:`mentorkit.privacy.suppress`.

The default threshold is ``Settings.min_cell`` (``MENTORKIT_MIN_CELL``, 5: Danish
publications commonly blank cells under 5; Statistics Denmark's own floor is 3).

Example
-------
>>> t = pd.DataFrame({"group": ["a", "b"], "n": [12, 3], "share": [0.5, 0.67]})
>>> suppress_small(t, ["n"], min_cell=5, dependent={"n": ["share"]})["n"].tolist()
['12', '<5']
>>> t = pd.DataFrame({"group": ["a", "b", "all"], "n": [12, 3, 15]})
>>> suppress_small(t, ["n"], min_cell=5, total_row=2)["n"].tolist()
['..', '<5', '15']
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.privacy.suppression import renamed_min_cell, threshold

__all__ = ["SECONDARY", "suppress_small", "min_cell", "threshold"]

SECONDARY = ".."
"""Shown for a count hidden only so that a small one cannot be worked out from the total."""


def min_cell() -> int:
    """The disclosure threshold from the settings (``MENTORKIT_MIN_CELL``, default 5)."""
    return threshold(0)


@renamed_min_cell("threshold")
def suppress_small(df: pd.DataFrame, counts: Sequence[str], min_cell: int | None = 0,
                   dependent: Mapping[str, Sequence[str]] | None = None,
                   total: str | None = None, total_row: Hashable | None = None,
                   groups: Sequence[Any] | None = None) -> pd.DataFrame:
    """A copy of ``df`` safe to publish: small counts hidden, with what they reveal.

    Parameters
    ----------
    df : a table of aggregates (never one row per person).
    counts : columns holding counts of people.
    min_cell : smallest count that may be shown (0 or None: the setting, :func:`min_cell`).
        Called ``threshold`` before.
    dependent : for each count column, the columns derived from it, blanked with it.
    total : a column equal to the sum of ``counts`` in each row; protected like them.
    total_row : the index label of a row holding, for each count column (and ``total``), the
        sum of the other rows; protected like them. Rows that add up to less than it (people
        in no row) are protected as if the rest were published too, which is safe.
    groups : with ``total_row``, a label per row of ``df``: the rows of each group add up to
        the total row on their own. A group whose rows add up to more than the total row
        (counts that reuse people) has no sum to protect and gets primary suppression only.

    Returns
    -------
    DataFrame with the count columns as text ("12", "<5", "..", "" where missing) and
    dependents as NaN where hidden.

    Raises
    ------
    ValueError
        When ``total`` is not the sum of ``counts``, the rows add up to more than
        ``total_row`` (without ``groups``), or counts are negative or not whole.

    Example
    -------
    >>> t = pd.DataFrame({"m": [17, 4, 15], "u": [3, 8, 15], "n": [20, 12, 30]})
    >>> s = suppress_small(t, ["m", "u"], 5, total="n")
    >>> s["m"].tolist(), s["u"].tolist()
    (['..', '<5', '15'], ['<5', '..', '15'])
    """
    k = threshold(min_cell)
    counts = list(counts)
    cols = counts + ([total] if total is not None else [])
    values = df[cols].apply(pd.to_numeric, errors="coerce")
    if total is not None and not np.allclose(values[counts].fillna(0).sum(axis=1),
                                             values[total].fillna(0)):
        raise ValueError(f"column {total!r} is not the sum of {', '.join(counts)}")
    pattern = _pattern(values.fillna(0), counts, total, total_row, groups, k)
    out = df.copy()
    hidden = pattern != ""
    for c in cols:
        shown = values[c].map(lambda v: "" if pd.isna(v) else str(int(v)))
        shown = shown.where(pattern[c] != "secondary", SECONDARY)
        out[c] = shown.where(pattern[c] != "primary", f"<{k}").astype(object)
        for dep in (dependent or {}).get(c, ()):
            out[dep] = out[dep].astype(object).where(~hidden[c], np.nan)
    return out


def _protect(frame: pd.DataFrame, k: int) -> np.ndarray:
    """privacy's pattern for ``frame`` with its totals: cells, then a last column of row
    totals and a last row of column totals (also where there is a single row or column)."""
    from mentorkit.privacy.suppression import suppression

    p = suppression(frame, k, margins=True).pattern.to_numpy()
    if frame.shape[1] == 1:
        p = np.hstack([p, p[:, :1]])
    if frame.shape[0] == 1:
        p = np.vstack([p, p[:1, :]])
    return p


def _pattern(values: pd.DataFrame, counts: list[str], total: str | None,
             total_row: Hashable | None, groups: Sequence[Any] | None,
             k: int) -> pd.DataFrame:
    """"", "primary" or "secondary" for every cell of ``values`` (counts, then total)."""
    from mentorkit.privacy.suppression import suppression

    pattern = np.full(values.shape, "", dtype=object)
    if total_row is None and total is None:     # no sums published: small counts only
        pattern[:] = suppression(values, k, margins=False).pattern.to_numpy()
    elif total_row is None:                     # each row with its own total
        for i in range(len(values)):
            pattern[i] = _protect(values.iloc[[i]][counts], k)[0]
    else:
        at = values.index.get_loc(total_row)
        if not isinstance(at, int):             # a slice or a mask: the label is not unique
            raise ValueError(f"total_row {total_row!r} labels more than one row")
        whole = values.iloc[at]
        pattern[at] = np.where((whole > 0) & (whole < k), "primary", "")
        labels = pd.Series(0 if groups is None else list(groups), index=range(len(values)))
        labels = labels.drop(index=at)
        for _, rows in labels.groupby(labels, sort=False, dropna=False):
            where = list(rows.index)
            body = values.iloc[where]
            rest = whole[counts] - body[counts].sum()
            if (rest < 0).any():
                if groups is None:
                    raise ValueError("the rows add up to more than the total row")
                pattern[where] = suppression(body, k, margins=False).pattern.to_numpy()
                continue
            frame = body[counts]
            if (rest > 0).any():                # people in no row: as if published
                frame = pd.concat([frame, rest.to_frame().T], ignore_index=True)
            if total is not None:
                p = _protect(frame, k)
            else:                               # each column with its total row alone
                p = np.column_stack([_protect(frame[[c]], k)[:, 0] for c in counts])
            m = p.shape[1]
            pattern[where, :m] = p[:len(body)]
            pattern[at, :m] = np.where(pattern[at, :m] == "", p[-1], pattern[at, :m])
    return pd.DataFrame(pattern, index=values.index, columns=values.columns)

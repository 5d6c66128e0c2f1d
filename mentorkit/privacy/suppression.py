"""Small-cell suppression for published counts: primary, then secondary until nothing leaks.

Primary suppression blanks counts from 1 to ``min_cell - 1`` (zeros stay: there is nobody to
identify; ``suppress_zeros=True`` blanks them too). Published row and column totals would give a
lone blank back by subtraction, so secondary suppression blanks more cells, chosen by the
well-known hypercube (rectangle) heuristic: for a cell that is not yet safe, the cheapest
rectangle of cells through it (in the table with its totals) whose blanking makes it safe.
Every candidate is checked by an attacker's linear programme (scipy's HiGHS): minimise and
maximise each blank subject to every published total, every blank at least 1 (0 with
``suppress_zeros``). The table is safe when

- no blank is determined (its minimum is below its maximum), and
- no primary blank is determined even by an attacker who knows it is below ``min_cell``: at
  least two whole numbers remain possible in ``[max(min, 1), min(max, min_cell - 1)]``.

If no choice makes a cell safe, everything is blanked (safe, if useless): it never returns a
table from which a small count can be worked out.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"female": [12, 3, 20], "male": [9, 8, 15]}, index=["A", "B", "C"])
>>> out = suppress(t, min_cell=5)
>>> out.loc["B", "female"] is pd.NA, int(out.loc["Total", "Total"])
(True, 67)
>>> int(out.isna().sum().sum()) >= 4   # the 3, and the cells that would give it away
True
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass
from itertools import product
from typing import Any, TypeVar, cast, overload

import numpy as np
import pandas as pd

from mentorkit.config import Settings

__all__ = ["OLD_THRESHOLD_NAMES", "Suppression", "intervals", "renamed_min_cell", "suppress",
           "suppression", "threshold"]

TOTAL = "Total"
Cell = tuple[int, int]


F = TypeVar("F", bound=Callable[..., Any])

#: What the small-cell threshold was called before it was ``min_cell`` everywhere.
OLD_THRESHOLD_NAMES: tuple[str, ...] = ("k", "threshold", "min_count", "min_at_risk")


def renamed_min_cell(*old: str) -> Callable[[F], F]:
    """Let a function whose small-cell threshold is now ``min_cell`` still take its old
    keyword (one of :data:`OLD_THRESHOLD_NAMES`), with a DeprecationWarning naming
    ``min_cell``.

    Example
    -------
    >>> @renamed_min_cell("k")
    ... def shown(count: int, min_cell: int | None = 0) -> bool:
    ...     return count >= threshold(min_cell)
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     shown(4, k=3), "min_cell" in str(seen[0].message)
    (True, True)
    """
    unknown = set(old) - set(OLD_THRESHOLD_NAMES)
    if unknown:
        raise ValueError(f"not an old name of min_cell: {', '.join(sorted(unknown))}")

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for name in old:
                if name in kwargs:
                    if "min_cell" in kwargs:
                        raise TypeError(f"{func.__qualname__}() got both min_cell and "
                                        f"{name}; give min_cell only")
                    warnings.warn(f"{func.__qualname__}({name}=...) is now "
                                  f"{func.__qualname__}(min_cell=...)", DeprecationWarning,
                                  stacklevel=2)
                    kwargs["min_cell"] = kwargs.pop(name)
            return func(*args, **kwargs)
        return cast(F, wrapper)
    return decorate


def threshold(min_cell: int | None = 0) -> int:
    """The disclosure threshold: ``min_cell`` when above 0, else the setting
    ``MENTORKIT_MIN_CELL`` (:attr:`Settings.min_cell`, default 5). Notebooks declare
    ``min_cell = 0`` and stay thin.

    Example
    -------
    >>> threshold(3), threshold(0) == Settings.from_env().min_cell
    (3, True)
    """
    if min_cell is not None and int(min_cell) > 0:
        return int(min_cell)
    return Settings.from_env().min_cell


@dataclass(frozen=True)
class Suppression:
    """A suppressed table: what to publish, and why each blank is blank."""

    published: pd.DataFrame | pd.Series
    pattern: pd.DataFrame  # "", "primary" or "secondary" for every cell, totals included
    min_cell: int

    @property
    def k(self) -> int:
        """Deprecated: use :attr:`min_cell`."""
        warnings.warn("Suppression.k is now Suppression.min_cell", DeprecationWarning,
                      stacklevel=2)
        return self.min_cell


class _Grid:
    """The table with its totals as one grid, and the sums that tie the cells together."""

    def __init__(self, values: np.ndarray, margins: bool) -> None:
        r, c = values.shape
        self.row_total = margins and c > 1
        self.col_total = margins and r > 1
        rr, cc = r + self.col_total, c + self.row_total
        grid = np.zeros((rr, cc), dtype=np.int64)
        grid[:r, :c] = values
        if self.row_total:
            grid[:r, c] = values.sum(axis=1)
        if self.col_total:
            grid[r, :] = grid[:r, :].sum(axis=0)
        self.values, self.r, self.c = grid, r, c
        self.equations: list[list[tuple[Cell, int]]] = []
        if self.row_total:
            for i in range(rr):
                self.equations.append([((i, j), 1) for j in range(c)] + [((i, c), -1)])
        if self.col_total:
            for j in range(cc):
                self.equations.append([((i, j), 1) for i in range(r)] + [((r, j), -1)])

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def is_total(self, cell: Cell) -> bool:
        return cell[0] >= self.r or cell[1] >= self.c


def intervals(grid: _Grid, hidden: set[Cell], lower: int,
              cells: list[Cell] | None = None) -> dict[Cell, tuple[float, float]]:
    """The attacker's [min, max] for each hidden cell, given every published value."""
    order = sorted(hidden)
    index = {cell: n for n, cell in enumerate(order)}
    a_eq, b_eq = [], []
    for eq in grid.equations:
        row = np.zeros(len(order))
        rhs = 0.0
        for cell, coef in eq:
            if cell in index:
                row[index[cell]] += coef
            else:
                rhs -= coef * grid.values[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    from scipy.optimize import linprog  # here: importing scipy costs pages a third of a second

    out = {}
    for cell in (order if cells is None else cells):
        if not a_eq:
            out[cell] = (float(lower), math.inf)
            continue
        bounds = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(order))
            objective[index[cell]] = sign
            res = linprog(objective, A_eq=np.array(a_eq), b_eq=np.array(b_eq),
                          bounds=[(lower, None)] * len(order), method="highs")
            if res.status == 3:  # unbounded
                bounds.append(math.inf if sign < 0 else -math.inf)
            elif res.status != 0:  # pragma: no cover - the true values are always feasible
                raise RuntimeError(f"suppression check failed: {res.message}")
            else:
                bounds.append(sign * res.fun)
        out[cell] = (math.ceil(bounds[0] - 1e-6), math.floor(bounds[1] + 1e-6)
                     if bounds[1] != math.inf else math.inf)
    return out


def _safe(cell: object, low: float, high: float, primary: Collection[object], k: int,
          lower: int) -> bool:
    if not low < high:
        return False
    if cell in primary:
        return min(high, k - 1) - max(low, lower) >= 1
    return True


def _candidates(grid: _Grid, cell: Cell) -> list[list[Cell]]:
    rows, cols = grid.shape
    i, j = cell
    line = [[(i, jj)] for jj in range(cols) if jj != j] + [[(ii, j)] for ii in range(rows)
                                                          if ii != i]
    boxes = [[(i, jj), (ii, j), (ii, jj)] for ii, jj in product(range(rows), range(cols))
             if ii != i and jj != j]
    return line + boxes


def _cost(grid: _Grid, cell: Cell) -> float:
    value = float(grid.values[cell])
    if cell[0] >= grid.r and cell[1] >= grid.c:
        return 100 * value + 100  # the grand total: almost never
    if grid.is_total(cell):
        return 3 * value + 3
    return value + 1


@renamed_min_cell("k")
def suppression(table: pd.DataFrame | pd.Series, min_cell: int | None = 0, *,
                margins: bool = True, suppress_zeros: bool = False) -> Suppression:
    """Suppress ``table`` (counts) and say which cells are primary and secondary blanks.

    Parameters
    ----------
    table:
        Counts: a DataFrame (rows by columns, e.g. from ``pd.crosstab``) or a Series.
    min_cell:
        Smallest count that may be published; 0 or None: the setting
        :attr:`Settings.min_cell` (``MENTORKIT_MIN_CELL``, 5). Called ``k`` before.
    margins:
        Publish row and column totals (and the grand total), protected like the cells.
    suppress_zeros:
        Blank zeros as well (when "nobody" is itself sensitive).
    """
    k = threshold(min_cell)
    lower = 0 if suppress_zeros else 1
    if k - 1 - lower < 1 and k > 1:
        raise ValueError(f"with min_cell={k} a blank could only be {k - 1}: use "
                         "suppress_zeros=True or a larger min_cell")
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    values = frame.to_numpy()
    if values.size and (pd.isna(values).any() or (values < 0).any()
                        or not np.allclose(values, np.round(values.astype(float)))):
        raise ValueError("suppress takes whole, non-negative counts")
    grid = _Grid(values.astype(np.int64).reshape(frame.shape), margins)
    small = (grid.values < k) if suppress_zeros else (grid.values > 0) & (grid.values < k)
    primary = {(int(i), int(j)) for i, j in zip(*np.nonzero(small))}
    hidden = set(primary)
    safe: set[Cell] = set()  # blanking more never makes a safe blank unsafe again
    while True:
        unsafe = None
        for cell in sorted(hidden - safe, key=lambda c: (c not in primary, c)):
            if _safe(cell, *intervals(grid, hidden, lower, [cell])[cell], primary, k, lower):
                safe.add(cell)
            else:
                unsafe = cell
                break
        if unsafe is None:
            break
        added = _repair(grid, hidden, unsafe, primary, k, lower)
        if not added:  # nothing helps: blank everything rather than leak
            hidden = {(i, j) for i in range(grid.shape[0]) for j in range(grid.shape[1])}
            break
        hidden |= added
    return _result(table, frame, grid, primary, hidden, k)


def _repair(grid: _Grid, hidden: set[Cell], cell: Cell, primary: set[Cell], k: int,
            lower: int) -> set[Cell]:
    """The cheapest set of further blanks that makes ``cell`` safe (or any that adds some)."""
    options: list[tuple[float, list[Cell]]] = []
    for cand in _candidates(grid, cell):
        new = {c for c in cand if c not in hidden}
        if not new or any(grid.values[c] < lower for c in new):
            continue
        options.append((sum(_cost(grid, c) for c in new), sorted(new)))
    options.sort()
    seen: set[tuple[Cell, ...]] = set()
    for _, extra in options:
        if tuple(extra) in seen:
            continue
        seen.add(tuple(extra))
        trial = hidden | set(extra)
        low, high = intervals(grid, trial, lower, cells=[cell])[cell]
        if _safe(cell, low, high, primary, k, lower):
            return set(extra)
    return set(options[0][1]) if options else set()


def _result(table: pd.DataFrame | pd.Series, frame: pd.DataFrame, grid: _Grid,
            primary: set[Cell], hidden: set[Cell], k: int) -> Suppression:
    index = list(frame.index) + ([TOTAL] if grid.col_total else [])
    columns = list(frame.columns) + ([TOTAL] if grid.row_total else [])
    published = pd.DataFrame(grid.values, index=index, columns=columns).astype("Int64")
    pattern = pd.DataFrame("", index=index, columns=columns)
    for i, j in hidden:
        published.iat[i, j] = pd.NA
        pattern.iat[i, j] = "primary" if (i, j) in primary else "secondary"
    published.index.name, published.columns.name = frame.index.name, frame.columns.name
    if isinstance(table, pd.Series):
        column = published.iloc[:, 0]
        column.name = table.name                # any hashable (rename() is typed for scalars)
        return Suppression(column, pattern, k)
    return Suppression(published, pattern, k)


@overload
def suppress(table: pd.DataFrame, min_cell: int | None = 0, *,
             margins: bool = True, suppress_zeros: bool = False) -> pd.DataFrame: ...
@overload
def suppress(table: pd.Series, min_cell: int | None = 0, *,
             margins: bool = True, suppress_zeros: bool = False) -> pd.Series: ...
@renamed_min_cell("k")
def suppress(table: pd.DataFrame | pd.Series, min_cell: int | None = 0, *,
             margins: bool = True, suppress_zeros: bool = False) -> pd.DataFrame | pd.Series:
    """``table`` with its totals, small counts and the cells that would reveal them blank.

    See :func:`suppression` for the parameters; blanks are ``pd.NA`` in ``Int64`` columns.

    Example
    -------
    >>> suppress(pd.Series([7, 2, 9], index=["a", "b", "c"]), min_cell=5).isna().tolist()
    [True, True, False, False]
    """
    return suppression(table, min_cell, margins=margins,
                       suppress_zeros=suppress_zeros).published

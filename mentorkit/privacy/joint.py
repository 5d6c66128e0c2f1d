"""Joint small-cell suppression: a set of published tables that share totals, protected together.

:func:`mentorkit.privacy.suppress` protects one table with its margins. Tables published side
by side are often linked: the matches of a programme by status and its started matches by
gender share the number of started matches (the sum of the started statuses is the gender
table's row total), so what one table hides the other gives back by subtraction. Here every
table is a cross-tabulation of one *population* (a frame with one row per person or match),
and the attacker's linear programme is written over the population's finest cells (every
combination of the classifying columns, the *atoms*, each at least 0): every published cell
and total of every table is an equation over the atoms it adds up, every blank is at least 1
(zeros are published), a category a table leaves out is zero. That attacker knows at least
as much as one who only relates the published tables, so what is safe against it is safe.

Suppression runs as in :func:`~mentorkit.privacy.suppression.suppression`: primary blanks
(1 to ``min_cell - 1``, totals included), then secondary blanks until every blank of every
table passes the joint audit (not determined; a small blank keeps two possible values below
``min_cell``). A blank that is unsafe is repaired first within its own table (the cheapest
rectangle of cells through it), then through the tables it is linked to; when nothing helps,
every table is blanked whole rather than leak.

Example
-------
>>> import pandas as pd
>>> m = pd.DataFrame({"programme": ["A"] * 14 + ["B"] * 12,
...                   "status": ["completed"] * 9 + ["ended_early"] * 2 + ["declined"] * 3
...                             + ["completed"] * 12,
...                   "gender": ["female"] * 7 + ["male"] * 7 + ["female"] * 12})
>>> started = {"status": ["completed", "ended_early"]}
>>> out = suppress_jointly({"match": m}, [
...     LinkedTable("by_status", "programme", "status", population="match"),
...     LinkedTable("by_gender", "programme", "gender", where=started, population="match")],
...     min_cell=5)
>>> out["by_status"].loc["A", "ended_early"] is pd.NA
True
>>> out["by_status"].loc["A", "completed"] is pd.NA  # 11 started = 9 + 2 gives the 2 back
True
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.privacy.suppression import (
    Suppression,
    _candidates,
    _cost,
    _Grid,
    _result,
    _safe,
    threshold,
)

__all__ = ["LinkedTable", "joint_intervals", "joint_suppression", "suppress_jointly"]

Key = tuple[str, tuple[int, int]]          # (table name, (row, column) in its grid)


@dataclass(frozen=True)
class LinkedTable:
    """One published table: counts of ``population`` rows by ``rows`` (and ``columns``).

    ``where`` keeps only population rows whose column holds one of the given values (e.g.
    the started matches); ``row_order`` / ``column_order`` fix the categories and their
    order (missing ones count 0), else they are the sorted values present, as
    :func:`pandas.crosstab` gives. ``columns=None`` gives counts by ``rows`` alone (a Series).
    A missing value is counted as the category ``"(missing)"`` (nobody is left out of a
    total).
    """

    name: str
    rows: str
    columns: str | None = None
    where: Mapping[str, Collection[Any]] = field(default_factory=dict)
    population: str = ""
    row_order: Sequence[Any] | None = None
    column_order: Sequence[Any] | None = None


class _Joint:
    """The tables as grids, and each grid cell as the set of atoms it adds up."""

    def __init__(self, populations: Mapping[str, pd.DataFrame],
                 tables: Sequence[LinkedTable], margins: bool) -> None:
        names = [t.name for t in tables]
        if len(set(names)) != len(names):
            raise ValueError(f"table names must be unique: {names}")
        self.tables = list(tables)
        self.frames: dict[str, pd.DataFrame | pd.Series] = {}
        self.grids: dict[str, _Grid] = {}
        self.cells: dict[Key, np.ndarray] = {}      # atom indices of each grid cell
        self.zero: list[np.ndarray] = []            # atoms a table says are 0
        self.counts = np.zeros(0)
        offset = 0
        for pop in dict.fromkeys(t.population for t in tables):
            if pop not in populations:
                raise ValueError(f"no population {pop!r} for tables "
                                 f"{[t.name for t in tables if t.population == pop]}")
            frame = populations[pop]
            mine = [t for t in tables if t.population == pop]
            offset = self._population(frame, mine, margins, offset)
        self.n = offset

    def _population(self, frame: pd.DataFrame, mine: list[LinkedTable], margins: bool,
                    offset: int) -> int:
        used = list(dict.fromkeys(c for t in mine for c in
                                  (t.rows, *([t.columns] if t.columns else []), *t.where)))
        missing = [c for c in used if c not in frame.columns]
        if missing:
            raise ValueError(f"the population has no column {', '.join(missing)}")
        data = frame[used].astype("object").where(frame[used].notna(), "(missing)")
        levels: dict[str, list[Any]] = {c: list(dict.fromkeys(data[c])) for c in used}
        for t in mine:
            for c, order in ((t.rows, t.row_order), (t.columns, t.column_order)):
                if c is not None and order is not None:
                    levels[c] += [v for v in order if v not in levels[c]]
            for c, values in t.where.items():
                levels[c] += [v for v in values if v not in levels[c]]
        atoms = pd.MultiIndex.from_tuples(list(product(*(levels[c] for c in used))),
                                          names=used)
        counts = data.value_counts(subset=used, dropna=False).reindex(atoms, fill_value=0)
        self.counts = np.concatenate([self.counts, counts.to_numpy(dtype=float)])
        index = atoms.to_frame(index=False)
        for t in mine:
            keep = np.ones(len(index), dtype=bool)
            for c, values in t.where.items():
                keep &= index[c].isin(list(values)).to_numpy()
            sub = data
            for c, values in t.where.items():
                sub = sub[sub[c].isin(list(values))]
            if t.columns is None:
                series = sub[t.rows].value_counts().sort_index()
                if t.row_order is not None:
                    series = series.reindex(list(t.row_order), fill_value=0)
                series.name = t.name
                table: pd.DataFrame | pd.Series = series.rename_axis(index=None)
                frame2 = series.to_frame()
                col_key: list[Any] = [None]
            else:
                table = pd.crosstab(sub[t.rows], sub[t.columns])
                if t.row_order is not None:
                    table = table.reindex(index=list(t.row_order), fill_value=0)
                if t.column_order is not None:
                    table = table.reindex(columns=list(t.column_order), fill_value=0)
                table = table.astype(int)
                frame2 = table
                col_key = list(table.columns)
            self.frames[t.name] = table
            grid = _Grid(frame2.to_numpy(dtype=np.int64), margins)
            self.grids[t.name] = grid
            rows, cols = list(frame2.index), col_key
            row_of = index[t.rows].to_numpy()
            col_of = index[t.columns].to_numpy() if t.columns else None
            in_rows = np.isin(row_of, np.array(rows, dtype=object))
            in_cols = (np.isin(col_of, np.array(cols, dtype=object)) if col_of is not None
                       else np.ones(len(index), dtype=bool))
            outside = np.nonzero(keep & ~(in_rows & in_cols))[0]
            if len(outside):
                self.zero.append(outside + offset)
            for i, j in product(range(grid.shape[0]), range(grid.shape[1])):
                mask = keep.copy()
                if i < grid.r:
                    mask &= row_of == rows[i]
                if j < grid.c and col_of is not None:
                    mask &= col_of == cols[j]
                self.cells[(t.name, (i, j))] = np.nonzero(mask)[0] + offset
        return offset + len(index)

    def value(self, key: Key) -> int:
        return int(self.grids[key[0]].values[key[1]])

    def all_cells(self) -> list[Key]:
        return list(self.cells)


def joint_intervals(joint: _Joint, hidden: set[Key], lower: int,
                    cells: list[Key] | None = None) -> dict[Key, tuple[float, float]]:
    """The attacker's [min, max] of each hidden cell, from every published cell of every
    table at once (atoms at least 0, blanks at least ``lower``)."""
    from scipy.optimize import linprog  # here: importing scipy costs pages a third of a second

    n = joint.n
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for key, atoms in joint.cells.items():
        row = np.zeros(n)
        row[atoms] = 1.0
        if key in hidden:
            if lower > 0:
                a_ub.append(-row)
                b_ub.append(-float(lower))
        else:
            a_eq.append(row)
            b_eq.append(float(joint.value(key)))
    for atoms in joint.zero:
        row = np.zeros(n)
        row[atoms] = 1.0
        a_eq.append(row)
        b_eq.append(0.0)
    eq = (np.array(a_eq), np.array(b_eq)) if a_eq else (None, None)
    ub = (np.array(a_ub), np.array(b_ub)) if a_ub else (None, None)
    out: dict[Key, tuple[float, float]] = {}
    for key in (sorted(hidden) if cells is None else cells):
        ends = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[joint.cells[key]] = sign
            res = linprog(cost, A_ub=ub[0], b_ub=ub[1], A_eq=eq[0], b_eq=eq[1],
                          bounds=[(0, None)] * n, method="highs")
            if res.status == 3:
                ends.append(-math.inf if sign > 0 else math.inf)
            elif res.status != 0:  # pragma: no cover - the true values are always feasible
                raise RuntimeError(f"joint suppression check failed: {res.message}")
            else:
                ends.append(sign * res.fun)
        out[key] = (math.ceil(ends[0] - 1e-6),
                    math.floor(ends[1] + 1e-6) if ends[1] != math.inf else math.inf)
    return out


def joint_suppression(populations: Mapping[str, pd.DataFrame] | pd.DataFrame,
                      tables: Sequence[LinkedTable], min_cell: int | None = 0, *,
                      margins: bool = True) -> dict[str, Suppression]:
    """Suppress ``tables`` together: no table, total or margin gives back what another hid.

    Parameters
    ----------
    populations:
        The frames the tables count, by the name a :class:`LinkedTable` gives as its
        ``population`` (a single frame: the population ``""``).
    tables:
        What is published; tables of one population are linked through it.
    min_cell:
        Smallest count that may be published; 0 or None: ``MENTORKIT_MIN_CELL``.
    margins:
        Publish row and column totals and the grand total with each table.

    Returns
    -------
    dict
        Table name -> :class:`~mentorkit.privacy.suppression.Suppression` (the published
        table, ``pd.NA`` for a blank, and which blanks are primary or secondary).

    Example
    -------
    >>> p = pd.DataFrame({"programme": ["A"] * 8 + ["B"] * 9, "role": ["mentee"] * 17})
    >>> out = joint_suppression(p, [LinkedTable("people", "programme", "role")], min_cell=5)
    >>> int(out["people"].published.loc["Total", "mentee"])
    17
    """
    k = threshold(min_cell)
    lower = 1
    if k - 1 - lower < 1 and k > 1:
        raise ValueError(f"with min_cell={k} a blank could only be {k - 1}: use a larger "
                         "min_cell")
    pops = {"": populations} if isinstance(populations, pd.DataFrame) else populations
    joint = _Joint(pops, tables, margins)
    primary = {key for key in joint.all_cells() if 0 < joint.value(key) < k}
    hidden = set(primary)
    safe: set[Key] = set()   # blanking more never makes a safe blank unsafe again
    while True:
        unsafe = None
        for key in sorted(hidden - safe, key=lambda c: (c not in primary, c)):
            low, high = joint_intervals(joint, hidden, lower, [key])[key]
            if _safe(key, low, high, primary, k, lower):
                safe.add(key)
            else:
                unsafe = key
                break
        if unsafe is None:
            break
        added = _repair(joint, hidden, unsafe, primary, k, lower)
        if not added:   # nothing helps: blank everything rather than leak
            hidden = set(joint.all_cells())
            break
        hidden |= added
    out = {}
    for t in tables:
        table = joint.frames[t.name]
        frame = table.to_frame() if isinstance(table, pd.Series) else table
        mine = {cell for name, cell in hidden if name == t.name}
        first = {cell for name, cell in primary if name == t.name}
        out[t.name] = _result(table, frame, joint.grids[t.name], first, mine, k)
    return out


def _options(joint: _Joint, hidden: set[Key], key: Key) -> list[tuple[float, list[Key]]]:
    """Sets of further blanks to try for ``key``: rectangles in its own table, then cells of
    linked tables that share atoms with it (alone or with a rectangle through them)."""
    name, cell = key
    grid = joint.grids[name]
    own = [[(name, c) for c in cand] for cand in _candidates(grid, cell)]
    mine = set(joint.cells[key])
    linked = []
    for other, (i, j) in joint.cells:
        if other == name or (other, (i, j)) in hidden:
            continue
        if not mine.intersection(joint.cells[(other, (i, j))]):
            continue
        g2 = joint.grids[other]
        linked.append([(other, (i, j))])
        linked += [[(other, (i, j))] + [(other, c) for c in cand]
                   for cand in _candidates(g2, (i, j))]
    options = []
    for group, penalty in ((own, 0.0), (linked, 0.5)):
        for cand in group:
            new = sorted({c for c in cand if c not in hidden})
            if not new or any(joint.value(c) < 1 for c in new):
                continue
            cost = sum(_cost(joint.grids[c[0]], c[1]) for c in new)
            options.append((cost + penalty, new))
    options.sort()
    return options


def _repair(joint: _Joint, hidden: set[Key], key: Key, primary: set[Key], k: int,
            lower: int) -> set[Key]:
    """The cheapest set of further blanks that makes ``key`` safe (or any that adds some)."""
    options = _options(joint, hidden, key)
    seen: set[tuple[Key, ...]] = set()
    for _, extra in options:
        if tuple(extra) in seen:
            continue
        seen.add(tuple(extra))
        low, high = joint_intervals(joint, hidden | set(extra), lower, [key])[key]
        if _safe(key, low, high, primary, k, lower):
            return set(extra)
    return set(options[0][1]) if options else set()


def suppress_jointly(populations: Mapping[str, pd.DataFrame] | pd.DataFrame,
                     tables: Sequence[LinkedTable], min_cell: int | None = 0, *,
                     margins: bool = True) -> dict[str, pd.DataFrame | pd.Series]:
    """The published tables of :func:`joint_suppression` (blanks ``pd.NA``), by name.

    Example
    -------
    >>> p = pd.DataFrame({"programme": ["A"] * 8 + ["B"] * 3, "role": ["mentee"] * 11})
    >>> out = suppress_jointly(p, [LinkedTable("people", "programme")], min_cell=5)
    >>> out["people"].isna().tolist()
    [True, True, False]
    """
    return {name: s.published for name, s in
            joint_suppression(populations, tables, min_cell, margins=margins).items()}

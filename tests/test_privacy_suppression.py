"""Small-cell suppression: no published table lets an attacker work out a small count.

The attacker here is written independently of the module: from the published table alone
(cells, row and column totals, blanks) it solves a linear programme for the smallest and
largest value each blank can take, knowing that every blank is at least 1 (zeros are
published) and, for the small cells, at most k-1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from mentorkit.model.dataset import Dataset
from mentorkit.privacy.suppression import suppress, suppression
from mentorkit.synth import generate

TOTAL = "Total"


def attack(published: pd.DataFrame, lower: int = 1) -> dict[tuple[int, int], tuple[float, float]]:
    """[min, max] of every blank of a published table with a Total row and/or column."""
    values = published.to_numpy(dtype=object)
    rows, cols = values.shape
    row_total = published.columns[-1] == TOTAL
    col_total = published.index[-1] == TOTAL
    blanks = [(i, j) for i in range(rows) for j in range(cols) if values[i, j] is pd.NA]
    index = {cell: n for n, cell in enumerate(blanks)}
    equations = []
    r = rows - col_total
    c = cols - row_total
    if row_total:
        for i in range(rows):
            equations.append([((i, j), 1) for j in range(c)] + [((i, c), -1)])
    if col_total:
        for j in range(cols):
            equations.append([((i, j), 1) for i in range(r)] + [((r, j), -1)])
    a_eq, b_eq = [], []
    for eq in equations:
        row = np.zeros(len(blanks))
        rhs = 0.0
        for cell, coef in eq:
            if cell in index:
                row[index[cell]] += coef
            else:
                rhs -= coef * float(values[cell])
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    out = {}
    for cell in blanks:
        ends = []
        for sign in (1, -1):
            cost = np.zeros(len(blanks))
            cost[index[cell]] = sign
            res = linprog(cost, A_eq=np.array(a_eq) if a_eq else None,
                          b_eq=np.array(b_eq) if b_eq else None,
                          bounds=[(lower, None)] * len(blanks), method="highs")
            ends.append(math.inf if res.status == 3 else sign * res.fun)
        out[cell] = (ends[0], ends[1])
    return out


def with_totals(table: pd.DataFrame) -> pd.DataFrame:
    full = table.copy()
    if table.shape[1] > 1:
        full[TOTAL] = table.sum(axis=1)
    if table.shape[0] > 1:
        full.loc[TOTAL] = full.sum(axis=0)
    return full


def assert_safe(table: pd.DataFrame, k: int) -> int:
    """No blank is determined, no small blank can be pinned; returns the number of blanks."""
    truth = with_totals(table).to_numpy()
    published = suppress(table, min_cell=k)
    shown = published.to_numpy(dtype=object)
    assert published.shape == truth.shape
    for (i, j), value in np.ndenumerate(truth):
        if shown[i, j] is not pd.NA:
            assert shown[i, j] == value
            assert not 0 < value < k, f"a count below {k} is published at {(i, j)}"
    for (i, j), (low, high) in attack(published).items():
        value = truth[i, j]
        assert low - 1e-6 <= value <= high + 1e-6, "the attacker's model is wrong"
        assert high - low >= 1 - 1e-6, f"blank {(i, j)} = {value} can be worked out"
        if 0 < value < k:  # an attacker who knows it is small still cannot pin it
            assert min(high, k - 1) - max(low, 1) >= 1 - 1e-6, f"small blank {(i, j)} pinned"
    return sum(v is pd.NA for v in shown.ravel())


def primary_only_leaks(table: pd.DataFrame, k: int) -> bool:
    full = with_totals(table).astype("Int64")
    small = (full > 0) & (full < k)
    published = full.mask(small)
    return any(high - low < 1 for low, high in attack(published).values())


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate(seed=0)


def _match_table(ds: Dataset, columns: list[str]) -> pd.DataFrame:
    gender = ds.match["mentee_id"].map(ds.person.set_index("id")["gender"])
    names = ds.match["programme_id"].map(ds.programme.set_index("id")["name"])
    m = ds.match.assign(programme=names, gender=gender)
    return pd.crosstab(m["programme"], [m[c] for c in columns])


def test_matches_by_programme_and_gender_are_safe(demo: Dataset) -> None:
    table = _match_table(demo, ["gender"])
    assert_safe(table, k=5)
    started = demo.match[demo.match["status"].isin(["active", "completed", "ended_early"])]
    t2 = pd.crosstab(started["programme_id"],
                     started["mentee_id"].map(demo.person.set_index("id")["gender"]))
    assert_safe(t2, k=5)


def test_matches_by_programme_gender_and_status_are_safe_where_primary_alone_leaks(
        demo: Dataset) -> None:
    table = _match_table(demo, ["gender", "status"])
    table.columns = [f"{g}/{s}" for g, s in table.columns]
    assert primary_only_leaks(table, 5)  # the test would catch a missing secondary step
    assert assert_safe(table, k=5) > int(((table > 0) & (table < 5)).sum().sum())


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_with_many_small_cells_are_safe(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 7)), int(rng.integers(2, 6)))
    values = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30], size=shape,
                        p=[.15, .12, .1, .08, .08, .12, .12, .12, .11])
    table = pd.DataFrame(values, index=[f"r{i}" for i in range(shape[0])],
                         columns=[f"c{j}" for j in range(shape[1])])
    assert_safe(table, k=5)


def test_random_tables_include_ones_primary_suppression_alone_would_leak() -> None:
    leaky = 0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        shape = (int(rng.integers(2, 7)), int(rng.integers(2, 6)))
        values = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30], size=shape,
                            p=[.15, .12, .1, .08, .08, .12, .12, .12, .11])
        leaky += primary_only_leaks(pd.DataFrame(values), 5)
    assert leaky >= 6


def test_one_dimensional_counts_and_a_lone_small_row() -> None:
    s = pd.Series([7, 2, 9], index=["a", "b", "c"], name="n")
    out = suppress(s, min_cell=5)
    assert out.index.tolist() == ["a", "b", "c", TOTAL] and int(out[TOTAL]) == 18
    assert out.isna().sum() >= 2  # 2 alone would be 18 - 7 - 9
    table = pd.DataFrame({"f": [3, 1], "m": [1, 0]}, index=["x", "y"])  # everything is small
    assert_safe(table, k=5)


def test_threshold_is_the_min_cell_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    table = pd.DataFrame({"f": [3, 20, 14], "m": [12, 8, 30]})
    assert suppression(table).min_cell == 5 and suppress(table).isna().any().any()
    monkeypatch.setenv("MENTORKIT_MIN_CELL", "3")
    assert suppression(table).min_cell == 3 and not suppress(table).isna().any().any()


def test_pattern_names_primary_and_secondary_blanks() -> None:
    table = pd.DataFrame({"f": [12, 3, 20], "m": [9, 8, 15]}, index=["A", "B", "C"])
    result = suppression(table, min_cell=5)
    assert result.pattern.loc["B", "f"] == "primary"
    assert (result.pattern == "secondary").sum().sum() >= 3
    assert result.published.isna().sum().sum() == (result.pattern != "").sum().sum()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        suppress(pd.DataFrame({"a": [1, -1]}), min_cell=5)
    with pytest.raises(ValueError, match="suppress_zeros"):
        suppress(pd.DataFrame({"a": [1, 4]}), min_cell=2)
    assert suppress(pd.DataFrame({"a": [1, 4], "b": [0, 7]}), min_cell=2, suppress_zeros=True) \
        .isna().any().any()

"""Joint suppression: tables published together give nothing away through each other.

The attacker is written independently of :mod:`mentorkit.privacy.joint`: from the published
tables alone it sets up one linear programme over every blank of every table, with each
table's row and column totals and the sums that link the tables (the funder summary's started
matches by gender add up, per programme and in total, to the started statuses of its matches
by status; the report's mentees by gender are the column totals of its mentees by origin),
every blank at least 1 (zeros are published), and asks for each blank's smallest and largest
value. A blank is recovered when both are equal; a small one is pinned when one whole number
in [1, k-1] remains.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from mentorkit.model.dataset import Dataset
from mentorkit.privacy.joint import LinkedTable, joint_suppression, suppress_jointly
from mentorkit.privacy.roles import aggregates
from mentorkit.privacy.suppression import TOTAL, suppress
from mentorkit.synth import generate
from mentorkit.vocab import STARTED_MATCH_STATUSES

K = 5
Cell = tuple[str, Any, Any]          # (table, row, column)


def attack(tables: dict[str, pd.DataFrame], links: list[tuple[list[Cell], list[Cell]]]
           ) -> dict[Cell, tuple[float, float]]:
    """[min, max] of every blank given every published table, its totals and ``links``
    (``left == right`` sums of cells across tables; a cell that is not published is 0)."""
    known: dict[Cell, float] = {}
    blanks: list[Cell] = []
    sums: list[tuple[list[Cell], list[Cell]]] = list(links)
    for name, t in tables.items():
        for r in t.index:
            for c in t.columns:
                value = t.at[r, c]
                (blanks.append((name, r, c)) if value is pd.NA
                 else known.__setitem__((name, r, c), float(value)))
        inner_r = [r for r in t.index if r != TOTAL]
        inner_c = [c for c in t.columns if c != TOTAL]
        if TOTAL in t.columns and inner_c:
            sums += [([(name, r, c) for c in inner_c], [(name, r, TOTAL)]) for r in t.index]
        if TOTAL in t.index and inner_r:
            sums += [([(name, r, c) for r in inner_r], [(name, TOTAL, c)]) for c in t.columns]
    index = {cell: n for n, cell in enumerate(blanks)}
    a_eq, b_eq = [], []
    for left, right in sums:
        row, rhs = np.zeros(len(blanks)), 0.0
        for cell, coef in [(c, 1.0) for c in left] + [(c, -1.0) for c in right]:
            if cell in index:
                row[index[cell]] += coef
            else:
                rhs -= coef * known.get(cell, 0.0)
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    out = {}
    for cell in blanks:
        ends = []
        for sign in (1.0, -1.0):
            cost = np.zeros(len(blanks))
            cost[index[cell]] = sign
            res = linprog(cost, A_eq=np.array(a_eq) if a_eq else None,
                          b_eq=np.array(b_eq) if b_eq else None,
                          bounds=[(1, None)] * len(blanks), method="highs")
            assert res.status in (0, 3), res.message
            ends.append(math.inf if res.status == 3 else sign * res.fun)
        out[cell] = (ends[0], ends[1])
    return out


def recovered(ranges: dict[Cell, tuple[float, float]], truth: dict[Cell, int],
              k: int = K) -> list[Cell]:
    """The blanks an attacker works out exactly, or pins to one small value."""
    out = []
    for cell, (low, high) in ranges.items():
        assert low - 1e-6 <= truth[cell] <= high + 1e-6, f"attacker's model wrong at {cell}"
        if high - low < 1 - 1e-6:
            out.append(cell)
        elif 0 < truth[cell] < k:
            possible = math.floor(min(high, k - 1) + 1e-6) - math.ceil(max(low, 1) - 1e-6) + 1
            if possible < 2:
                out.append(cell)
    return out


def with_totals(t: pd.DataFrame) -> pd.DataFrame:
    full = t.copy()
    full[TOTAL] = t.sum(axis=1)
    full.loc[TOTAL] = full.sum(axis=0)
    return full


def summary_links(tables: dict[str, pd.DataFrame]) -> list[tuple[list[Cell], list[Cell]]]:
    """Per programme (and in total), the started statuses add up to the gender table's total."""
    status = tables["matches_by_status"]
    started = [s for s in status.columns if s in STARTED_MATCH_STATUSES]
    return [([("matches_by_status", p, s) for s in started], [("matches_by_gender", p, TOTAL)])
            for p in status.index]


def summary_truth(ds: Dataset) -> dict[Cell, int]:
    names = ds.programme.set_index("id")["name"]
    gender = ds.match["mentee_id"].map(ds.person.set_index("id")["gender"]).fillna("unknown")
    m = ds.match.assign(programme=ds.match["programme_id"].map(names), gender=gender)
    s = m[m["status"].isin(STARTED_MATCH_STATUSES)]
    p = ds.person.assign(programme=ds.person["programme_id"].map(names))
    raw = {"people_by_role": pd.crosstab(p["programme"], p["role"]),
           "matches_by_status": pd.crosstab(m["programme"], m["status"]),
           "matches_by_gender": pd.crosstab(s["programme"], s["gender"])}
    return {(name, r, c): int(v) for name, t in raw.items()
            for (r, c), v in with_totals(t).stack().items()}


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate(seed=0)     # what `mentorkit demo` loads


def test_the_summary_suppressed_table_by_table_gave_every_hidden_cell_away(demo: Dataset
                                                                           ) -> None:
    """As the funder's summary was: each table suppressed alone, safe on its own."""
    truth = summary_truth(demo)
    names = demo.programme.set_index("id")["name"]
    gender = demo.match["mentee_id"].map(demo.person.set_index("id")["gender"])
    m = demo.match.assign(programme=demo.match["programme_id"].map(names),
                          gender=gender.fillna("unknown"))
    s = m[m["status"].isin(STARTED_MATCH_STATUSES)]
    old = {"matches_by_status": suppress(pd.crosstab(m["programme"], m["status"]), K),
           "matches_by_gender": suppress(pd.crosstab(s["programme"], s["gender"]), K)}
    alone = {c for name, t in old.items() for c in recovered(attack({name: t}, []), truth)}
    assert not alone                                    # each table is safe by itself
    ranges = attack(old, summary_links(old))
    gone = recovered(ranges, truth)
    assert len(gone) >= 2                  # together: hidden cells recovered exactly
    for cell in gone:
        low, high = ranges[cell]
        assert low == high == truth[cell]


def test_the_funder_summary_gives_no_hidden_cell_away_jointly(demo: Dataset) -> None:
    tables = aggregates(demo, min_cell=K)
    truth = summary_truth(demo)
    for name, t in tables.items():
        for (r, c), v in t.stack().dropna().items():
            assert int(v) == truth[(name, r, c)]          # what is shown is true
            assert not 0 < int(v) < K, f"{name} {r}/{c}: a small count is shown"
    ranges = attack(tables, summary_links(tables))
    assert len(ranges) >= 10
    assert recovered(ranges, truth) == []
    # and still useful: the people table and the gender table lose nothing
    assert not tables["people_by_role"].isna().any().any()
    assert int(tables["matches_by_gender"].loc[TOTAL, TOTAL]) == truth[
        ("matches_by_gender", TOTAL, TOTAL)]


def random_matches(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 160))
    return pd.DataFrame({
        "programme": rng.choice(list("ABCDE")[: int(rng.integers(2, 6))], n),
        "status": rng.choice(["active", "completed", "declined", "ended_early", "proposed"], n,
                             p=[.15, .45, .12, .2, .08]),
        "gender": rng.choice(["female", "male", "other"], n, p=[.65, .3, .05]),
    })


SPEC = [LinkedTable("matches_by_status", "programme", "status", population="match"),
        LinkedTable("matches_by_gender", "programme", "gender", population="match",
                    where={"status": sorted(STARTED_MATCH_STATUSES)})]


def random_truth(m: pd.DataFrame) -> dict[Cell, int]:
    s = m[m["status"].isin(STARTED_MATCH_STATUSES)]
    raw = {"matches_by_status": pd.crosstab(m["programme"], m["status"]),
           "matches_by_gender": pd.crosstab(s["programme"], s["gender"])}
    return {(name, r, c): int(v) for name, t in raw.items()
            for (r, c), v in with_totals(t).stack().items()}


@pytest.mark.parametrize("seed", range(8))
def test_random_linked_tables_give_nothing_away(seed: int) -> None:
    m = random_matches(seed)
    tables = suppress_jointly({"match": m}, SPEC, min_cell=K)
    truth = random_truth(m)
    for name, t in tables.items():
        for (r, c), v in t.stack().dropna().items():
            assert int(v) == truth[(name, r, c)] and not 0 < int(v) < K
    assert recovered(attack(tables, summary_links(tables)), truth) == []


def test_random_linked_tables_include_ones_single_table_suppression_leaks() -> None:
    leaky = 0
    for seed in range(8):
        m = random_matches(seed)
        s = m[m["status"].isin(STARTED_MATCH_STATUSES)]
        old = {"matches_by_status": suppress(pd.crosstab(m["programme"], m["status"]), K),
               "matches_by_gender": suppress(pd.crosstab(s["programme"], s["gender"]), K)}
        leaky += bool(recovered(attack(old, summary_links(old)), random_truth(m)))
    assert leaky >= 4   # the random test above would catch a missing joint step


def test_pattern_says_which_blanks_are_primary_and_secondary() -> None:
    m = random_matches(3)
    out = joint_suppression({"match": m}, SPEC, min_cell=K)
    for s in out.values():
        assert (s.published.isna().to_numpy() == (s.pattern != "").to_numpy()).all()
        shown = s.published.stack().dropna()
        assert ((shown >= K) | (shown == 0)).all()
    assert any((s.pattern == "secondary").any().any() for s in out.values())


def test_a_series_and_unlinked_populations() -> None:
    p = pd.DataFrame({"programme": ["A"] * 8 + ["B"] * 3, "role": "mentee"})
    out = suppress_jointly(p, [LinkedTable("people", "programme")], min_cell=K)
    assert out["people"].isna().tolist() == [True, True, False]
    assert int(out["people"][TOTAL]) == 11


def test_bad_specifications_are_refused_naming_what_is_wrong() -> None:
    m = random_matches(0)
    with pytest.raises(ValueError, match="no population 'people'"):
        suppress_jointly({"match": m}, [LinkedTable("t", "programme", population="people")])
    with pytest.raises(ValueError, match="no column region"):
        suppress_jointly({"match": m}, [LinkedTable("t", "region", population="match")])
    with pytest.raises(ValueError, match="unique"):
        suppress_jointly({"match": m}, [SPEC[0], SPEC[0]])


def report_links(gender: pd.DataFrame, origin: pd.DataFrame
                 ) -> list[tuple[list[Cell], list[Cell]]]:
    """The origin table's column totals are the mentees by gender (a gender it lacks: 0);
    shown without gender, its total is all mentees."""
    def column(c: Any) -> list[Cell]:   # its total, or its cells when shown without one
        if c not in origin.columns:
            return []
        if TOTAL in origin.index:
            return [("origin", TOTAL, c)]
        return [("origin", r, c) for r in origin.index]

    if list(origin.columns) == [TOTAL]:
        return [(column(TOTAL), [("gender", "mentee", TOTAL)])]
    return [(column(c), [("gender", "mentee", c)]) for c in gender.columns]


def report_truth(gender: pd.DataFrame, origin: pd.DataFrame) -> dict[Cell, int]:
    out = {}
    for name, t in (("gender", gender), ("origin", origin)):
        full = with_totals(t) if t.shape[1] > 1 else pd.concat(
            [t, t.sum().to_frame().T.set_axis([TOTAL])])
        out.update({(name, r, c): int(v) for (r, c), v in full.stack().items()})
    return out


REPORTS = [("Skovparken", "2021"), ("Langkærparken", "2022"), ("Vollsmose", "2020"),
           ("Skovparken", "2020Q3")]


@pytest.mark.parametrize(("programme", "period"), REPORTS)
def test_the_funder_reports_recruitment_tables_give_nothing_away_jointly(
        demo: Dataset, programme: str, period: str) -> None:
    """Mentees by gender (with mentors) and by origin: the origin table's column totals are
    the mentee row of the gender table."""
    from mentorkit.reports.funder_view import FunderReport

    people = FunderReport.build(demo, programme=programme, period=period, min_cell=K)._people()
    (gender, gender_shown), (origin, origin_shown) = people["gender"], people["origin"]
    if people["origin_no_gender"]:
        origin = origin.sum(axis=1).rename(TOTAL).to_frame()
    truth = report_truth(gender, origin)
    shown = {"gender": gender_shown, "origin": origin_shown}
    for name, t in shown.items():
        for (r, c), v in t.stack().dropna().items():
            assert int(v) == truth[(name, r, c)] and not 0 < int(v) < K
    assert recovered(attack(shown, report_links(gender_shown, origin_shown)), truth) == []


def test_the_recruitment_tables_suppressed_one_by_one_gave_cells_away(demo: Dataset) -> None:
    """As the report was: the gender and the origin table each suppressed alone."""
    from mentorkit.monitoring.funder import recruitment_by_gender, recruitment_by_origin
    from mentorkit.periods import parse_period

    leaks = 0
    for programme, period in REPORTS:
        person = demo.person[demo.person["programme_id"] == int(
            demo.programme.loc[demo.programme["name"] == programme, "id"].iloc[0])]
        start, end = parse_period(period)
        gender = recruitment_by_gender(person, start, end)
        origin = recruitment_by_origin(person, start, end, min_cell=K)
        old = {"gender": suppress(gender, K), "origin": suppress(origin, K)}
        leaks += len(recovered(attack(old, report_links(old["gender"], old["origin"])),
                               report_truth(gender, origin)))
    assert leaks >= 2


@pytest.mark.parametrize(("programme", "period"), [("Groningen", "2025Q1"),
                                                   ("Groningen", "2024")])
def test_a_participants_target_over_the_period_does_not_give_the_recruitment_away(
        demo: Dataset, programme: str, period: str) -> None:
    """A participants target counted over exactly the report's period is the mentee total of
    the recruitment table (or its gender's cell): published with that table, jointly."""
    from mentorkit.reports.funder_view import FunderReport

    report = FunderReport.build(demo, programme=programme, period=period, min_cell=K)
    progress = report._progress()
    shown_targets = report._target_actuals(progress)
    people = report._people()
    (gender, gender_shown), (origin, origin_shown) = people["gender"], people["origin"]
    linked = [i for i, r in progress.iterrows() if r["metric"] == "participants"
              and r["period_start"] == report.start and r["period_end"] == report.end]
    assert linked, "the demo has a participants target over this period"
    tables = {"gender": gender_shown, "origin": origin_shown}
    links = report_links(gender_shown, origin_shown)
    truth = report_truth(gender, origin.sum(axis=1).rename(TOTAL).to_frame()
                         if people["origin_no_gender"] else origin)
    for i in linked:
        r = progress.loc[i]
        column = r["group_value"] if isinstance(r["group_value"], str) else TOTAL
        name = f"target{i}"
        tables[name] = pd.DataFrame({"n": [shown_targets.at[i]]}, index=["n"])
        truth[(name, "n", "n")] = int(r["actual"])
        assert int(r["actual"]) == truth[("gender", "mentee", column)]
        links.append(([(name, "n", "n")], [("gender", "mentee", column)]))
    assert recovered(attack(tables, links), truth) == []
    if period == "2025Q1":      # as the report was, the target published alone gave back
        from mentorkit.monitoring.funder import recruitment_by_gender  # the hidden total

        pid = int(demo.programme.loc[demo.programme["name"] == programme, "id"].iloc[0])
        alone = suppress(recruitment_by_gender(
            demo.person[demo.person["programme_id"] == pid], report.start, report.end), K)
        old = report.publish(progress["actual"], margins=False)
        assert any(not pd.isna(old[i]) and alone.loc["mentee", TOTAL] is pd.NA
                   and int(old[i]) == truth[("gender", "mentee", TOTAL)] for i in linked)


def test_a_matches_target_for_women_does_not_give_the_men_away_with_the_started_count(
        demo: Dataset) -> None:
    """Without a target for everybody, the matches started (a key figure) is the whole: a
    target for women over the report's period would give the few men away by subtraction."""
    from dataclasses import replace

    from mentorkit.reports.funder_view import FunderReport

    overall = demo.target["metric"].eq("matches") & demo.target["group_field"].isna()
    ds = replace(demo, target=demo.target[~overall])
    checked = 0
    for period in ("2023Q3", "2024Q2", "2025Q2", "2025Q3"):
        report = FunderReport.build(ds, programme="Groningen", period=period, min_cell=K)
        progress = report._progress()
        shown = report._target_actuals(progress)
        started = report._matches()[0]
        for i, r in progress.iterrows():
            if r["metric"] != "matches" or r["period_start"] != report.start \
                    or r["period_end"] != report.end or pd.isna(started):
                continue
            rest = int(started) - int(r["actual"])
            if 0 < rest < K:
                checked += 1
                assert pd.isna(shown.at[i]), f"{period}: {rest} men = started - women"
    assert checked >= 2

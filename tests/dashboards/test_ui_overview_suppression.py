"""The overview publishes only suppressed counts: no hidden count can be worked out.

The attacker here is written independently of :mod:`mentorkit.privacy.suppression`: given
what the page shows and the sums that hold between the numbers (a table's cells add up to its
total; the matches per period add up to the matches target over the same window), it solves a
linear programme for the smallest and largest value of every hidden count, knowing that a
hidden count is at least 1 (zeros are shown). A hidden count is recovered when both are equal;
a small one (1 to k-1) is pinned when a single whole number in [1, k-1] remains.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from mentorkit.monitoring.progress import matches_over_time, readable_freq, target_progress
from mentorkit.privacy.suppression import TOTAL
from mentorkit.synth import PROGRAMMES
from mentorkit.ui import overview as overview_module
from mentorkit.ui.context import Context
from mentorkit.ui.overview import OverviewApp
from mentorkit.ui.published import figures

K = 5
Cell = Any


def attack(known: dict[Cell, int], hidden: list[Cell], sums: list[tuple[list[Cell], Cell]],
           lower: int = 1) -> dict[Cell, tuple[float, float]]:
    """[min, max] of each hidden cell given the known ones and ``parts -> whole`` sums."""
    index = {c: i for i, c in enumerate(hidden)}
    a_eq, b_eq = [], []
    for parts, whole in sums:
        row, rhs = np.zeros(len(hidden)), 0.0
        for cell, coef in [(p, 1.0) for p in parts] + [(whole, -1.0)]:
            if cell in index:
                row[index[cell]] += coef
            elif cell in known:
                rhs -= coef * known[cell]
            else:
                break  # a cell nobody shows: this sum tells nothing
        else:
            if row.any():
                a_eq.append(row)
                b_eq.append(rhs)
    out = {}
    for cell in hidden:
        ends = []
        for sign in (1.0, -1.0):
            cost = np.zeros(len(hidden))
            cost[index[cell]] = sign
            res = linprog(cost, A_eq=np.array(a_eq) if a_eq else None,
                          b_eq=np.array(b_eq) if b_eq else None,
                          bounds=[(lower, None)] * len(hidden), method="highs")
            assert res.status in (0, 3), res.message
            ends.append(math.inf if res.status == 3 else sign * res.fun)
        out[cell] = (ends[0], ends[1])
    return out


def assert_nothing_recovered(ranges: dict[Cell, tuple[float, float]], truth: dict[Cell, int],
                             k: int = K) -> None:
    for cell, (low, high) in ranges.items():
        assert low < high - 1e-6, f"{cell} is recovered: {low}..{high}"
        if 0 < truth[cell] < k:  # a small count keeps at least two possible values
            possible = math.floor(min(high, k - 1) + 1e-6) - math.ceil(max(low, 1) - 1e-6) + 1
            assert possible >= 2, f"small {cell} pinned in [{low}, {high}]"


def table_attack(published: pd.Series, truth: pd.Series) -> None:
    """One published table with its Total: nothing hidden can be worked out from it."""
    cells = [c for c in published.index if c != TOTAL]
    known = {c: int(v) for c, v in published.items() if not pd.isna(v)}
    hidden = [c for c, v in published.items() if pd.isna(v)]
    sums = [(cells, TOTAL)] if TOTAL in published.index else []
    assert_nothing_recovered(attack(known, hidden, sums), truth.to_dict())


@pytest.fixture
def groningen(db: Path, ui_env: Path) -> OverviewApp:
    return OverviewApp(Context.open(str(db), programme="Groningen", lang="en"))


def shown_targets(app: OverviewApp) -> list[str]:
    """The "Reached" column of the targets table as the page shows it."""
    html = next(x for x in overview_widgets(app) if "mk-targets" in x._dom_classes).value
    return [re.findall(r"<td[^>]*>(.*?)</td>", row)[4]
            for row in re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])]


def overview_widgets(app: OverviewApp) -> list[Any]:
    out, stack = [], [app.root]
    while stack:
        x = stack.pop()
        out.append(x)
        stack.extend(getattr(x, "children", ()) or ())
    return out


def test_a_hidden_month_cannot_be_worked_out_from_the_matches_target(
        groningen: OverviewApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Groningen, whole programme: matches per quarter and the "Matches" target over the same
    window add up to the same number. With small counts only blanked (primary suppression,
    as before), a small quarter is that target minus the other quarters."""
    app = groningen
    assert app.charts_ready.wait(60)
    over = matches_over_time(app.matches, app.start, app.end,
                             readable_freq(app.matches, app.start, app.end, K))
    truth = dict(enumerate(over["count"].astype(int)))
    total = int(over["count"].sum())
    prog = app.progress()
    assert total in prog.loc[prog["metric"].eq("matches") & prog["group_value"].isna(),
                             "actual"].tolist()
    # what the page shows: the targets table's "Reached", and the chart (as drawn)
    reached = shown_targets(app)
    assert str(total) in reached or "x" in reached
    drawn = app.shown.over_time["shown"]
    bins = list(truth)
    known = {b: int(v) for b, v in zip(bins, drawn) if not pd.isna(v)}
    hidden = [b for b, v in zip(bins, drawn) if pd.isna(v)]
    assert any(0 < truth[b] < K for b in hidden)  # the demo has a small quarter to protect
    if str(total) in reached:
        known["total"] = total
    assert_nothing_recovered(attack(known, hidden, [(bins, "total")]), truth)
    # the attacker is not toothless: against a page that blanks one small quarter only
    # (primary suppression, when no other count is small) it wins
    small = next(b for b in bins if 0 < truth[b] < K)
    rest = {b: v for b, v in truth.items() if b != small}
    low, high = attack({**rest, "total": total}, [small], [(bins, "total")])[small]
    assert low == high == truth[small]


def test_the_chart_draws_what_is_published_and_marks_every_hidden_bar(
        db: Path, ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    figs: list[Any] = []
    original = overview_module.png

    def keep(fig: Any) -> bytes:
        figs.append([[t.get_text() for t in ax.texts] for ax in fig.axes]
                    + [[(p.get_height(), p.get_width(), p.get_hatch()) for p in ax.patches]
                       for ax in fig.axes])
        return original(fig)
    monkeypatch.setattr(overview_module, "png", keep)
    found = None
    for programme in [p.name for p in PROGRAMMES]:  # a page whose funnel hides a stage
        figs.clear()
        app = OverviewApp(Context.open(str(db), programme=programme, lang="en"))
        assert app.charts_ready.wait(60)
        if app.shown.funnel["shown"].isna().any():
            found = programme, app.period.value
            break
        for _label, key in app.period.options:
            if key in ("custom", app.period.value):
                continue
            figs.clear()
            app.period.value = key   # chosen as she would, the page and its charts redrawn
            assert app.charts_ready.wait(60)
            if app.shown.funnel["shown"].isna().any():
                found = programme, key
                break
        if found:
            break
    assert found, "no page of the demo has a funnel stage to hide"
    shown = app.shown.funnel["shown"]
    funnel_texts = figs[1][0]
    assert funnel_texts == ["x" if pd.isna(v) else str(int(v)) for v in shown]
    assert not any(t.startswith("<") for texts in figs for t in texts[0])
    over = app.shown.over_time["shown"]
    heights = [h for h, _w, hatch in figs[3][1] if not hatch][:len(over)]
    assert heights == [0 if pd.isna(v) else int(v) for v in over]


@pytest.mark.parametrize("programme", [p.name for p in PROGRAMMES])
def test_every_published_table_is_safe_for_every_period(db: Path, ui_env: Path,
                                                        programme: str) -> None:
    app = OverviewApp(Context.open(str(db), programme=programme, lang="en"))
    assert app.charts_ready.wait(60)
    periods = [(app.start, app.end)] + [(dt.date(y, 1, 1), dt.date(y, 12, 31))
                                        for y in range(app.start.year, app.end.year + 1)]
    periods += [(pd.Timestamp(g.period_start).date(), pd.Timestamp(g.period_end).date())
                for g in app.grants.itertuples()]
    periods += [(dt.date(app.start.year, 3, 15), dt.date(app.start.year + 1, 8, 20))]
    checked = 0
    for start, end in periods:
        f = figures(app.targets, app.grants, app.people, app.matches, app.outcomes, app.events,
                    app.attendance, app.partners, start, end, K)
        over = matches_over_time(app.matches, start, end, f.freq)["count"].tolist()
        assert f.counts["matches over time"].drop(TOTAL, errors="ignore").tolist() == over
        for name, published in f.tables.items():
            truth = f.counts[name]
            assert (published.dropna() == truth[published.notna()]).all(), name
            table_attack(published, truth)
            checked += 1
        # every number shown is a published one
        assert f.over_time["shown"].isna().tolist() == (
            f.tables["matches over time"].drop(TOTAL, errors="ignore").isna().tolist())
        for r in f.targets.itertuples():
            if not pd.isna(r.shown):
                assert r.shown == r.actual  # shown counts are true counts, never rounded
        prog = target_progress(app.targets, app.grants, app.people, app.matches, app.outcomes,
                               app.events, app.attendance, start, end)
        small = prog["actual"].between(1, K - 1)
        assert f.targets.loc[small.to_numpy(), "shown"].isna().all()
        stages = [int(v) for v in f.funnel["shown"] if not pd.isna(v)] + [0]
        assert all(not 0 < a - b < K for a, b in zip(stages, stages[1:])), stages
        assert not f.referrals["shown"].between(1, K - 1).any()
    assert checked > len(periods)


# ---------------------------------------------------------------- differencing periods
def _overview(db: Path, monkeypatch: pytest.MonkeyPatch, role: str, lang: str) -> OverviewApp:
    monkeypatch.setenv("MENTORKIT_ROLE", role)
    app = OverviewApp(Context.open(str(db), programme="Groningen", lang=lang))
    assert app.charts_ready.wait(60)
    return app


def _pair(app: OverviewApp) -> tuple[dt.date, dt.date, dt.date]:
    """1 January of last year, and two ends a day apart (14 and 15 June)."""
    year = app.ctx.today.year - 1
    return dt.date(year, 1, 1), dt.date(year, 6, 14), dt.date(year, 6, 15)


def test_a_funders_period_chooser_offers_fixed_grains_only(
        db: Path, ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every option of the chooser is a period the library accepts for a funder; no dates
    of one's own, and no period that ends "today" (which moves every day)."""
    from mentorkit.privacy.period_grains import period_for

    app = _overview(db, monkeypatch, "funder", "nl")
    keys = [key for _, key in app.period.options]
    assert "custom" not in keys
    assert any(k.startswith("quarter:") for k in keys) and any(k.startswith("month:")
                                                               for k in keys)
    shown = overview_widgets(app)
    assert app.from_f.box not in shown and app.to_f.box not in shown
    app.render = lambda: None          # choose each option without drawing the page again
    for key in keys:
        app.period.value = key
        assert app.period_key == key, key
        period_for((app.start, app.end), "funder", "en", app.fixed())   # raises if not fixed
        assert app.end != app.ctx.today or key.startswith(("month:", "quarter:", "year:"))


def test_the_differencing_pair_is_refused_in_a_funders_overview(
        db: Path, ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _overview(db, monkeypatch, "funder", "nl")
    before = (app.start, app.end)
    first, *ends = _pair(app)
    for end in ends:
        app.from_in.set(first)
        app.to_in.set(end)
        app.apply_dates()
        assert (app.start, app.end) == before            # nothing was recomputed
        assert "gepubliceerde cijfers" in app.to_f.error.value   # in the reader's language


def test_a_coordinator_keeps_any_period_in_the_overview(
        db: Path, ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _overview(db, monkeypatch, "coordinator", "en")
    assert "custom" in [key for _, key in app.period.options]
    first, _, end = _pair(app)
    app.from_in.set(first)
    app.to_in.set(end)
    app.apply_dates()
    assert (app.start, app.end) == (first, end) and app.period_key == "custom"
    assert app.charts_ready.wait(60)

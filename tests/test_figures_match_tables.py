"""A figure never shows what its table hides: every figure of every report, checked.

Each report figure is drawn from the same data as the table beside it; these tests read the
numbers back out of the matplotlib artists and compare them with the published table: a
suppressed estimate or count has no point or bar (and never a bar of zero), and what is
drawn equals what the table shows.
"""

from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mentorkit import network  # noqa: E402
from mentorkit.network import published  # noqa: E402
from mentorkit.outcomes import analysis_table, effect, subgroups  # noqa: E402
from mentorkit.outcomes.report import (  # noqa: E402
    balance_summary,
    label,
    outcomes_by_phase,
    subgroup_table,
)
from mentorkit.outcomes.subgroup_effects import SEPARATED, SEPARATED_HEADLINE  # noqa: E402
from mentorkit.plots import matching as matching_plots  # noqa: E402
from mentorkit.plots import network as network_plots  # noqa: E402
from mentorkit.plots import outcomes as plots  # noqa: E402
from mentorkit.synth import generate  # noqa: E402

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
OUT = "employed_followup_12m"


@pytest.fixture(scope="module")
def dataset():
    return generate(seed=0, scale=0.5)


@pytest.fixture(scope="module")
def table(dataset):
    return analysis_table(dataset)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _points(ax) -> list[float]:
    """x of every point drawn by errorbar in ``ax``."""
    xs: list[float] = []
    for c in ax.containers:
        if hasattr(c, "lines") and c.lines and c.lines[0] is not None:
            xs.extend(float(v) for v in c.lines[0].get_xdata())
    return xs


def _shown_estimates(groups: pd.DataFrame, k: int) -> list[float]:
    shown = subgroup_table(groups, "en", min_cell=k)[label("estimate", "en")]
    return sorted(float(v) for v in groups["estimate"][shown.notna()])


def test_forest_plot_draws_no_estimate_the_table_hides():
    # "male" is too small to estimate; "female" then equals "all" minus it, so the table
    # blanks female too (complementary suppression): the figure must not draw it either
    groups = pd.DataFrame({
        "by": ["all", "gender", "gender", "age_group", "age_group"],
        "level": ["all", "female", "male", "under 40", "40+"],
        "n_treated": [60, 57, 3, 30, 30], "n_control": [50, 48, 2, 25, 25],
        "estimate": [0.10, 0.11, np.nan, 0.05, 0.15],
        "ci_low": [0.0, 0.0, np.nan, -0.1, 0.0], "ci_high": [0.2, 0.22, np.nan, 0.2, 0.3],
        "se": [0.05] * 5, "p_value": [0.05] * 5, "p_heterogeneity": [np.nan] * 5,
        "note": [""] * 5})
    table = subgroup_table(groups, "en", min_cell=5)
    assert pd.isna(table.loc[1, label("estimate", "en")])          # female hidden
    fig = plots.forest_plot(groups, "en", min_cell=5)
    drawn = sorted(_points(fig.axes[0]))
    assert drawn == _shown_estimates(groups, 5) == [0.05, 0.10, 0.15]
    assert 0.11 not in drawn


def test_forest_plot_on_real_subgroups_matches_the_table(table):
    groups = subgroups(table, ["gender", "programme", "age_group"], "matched", OUT, COVS,
                       method="ipw", n_boot=0, min_cell=5)
    fig = plots.forest_plot(groups, "da", min_cell=5)
    assert sorted(_points(fig.axes[0])) == pytest.approx(_shown_estimates(groups, 5))
    # every row is listed, drawn or not, and "all" is in Danish
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == len(groups) and "Alle" in labels


def test_the_all_row_is_the_headline(table):
    headline = effect(table, "matched", OUT, COVS, method="aipw", n_boot=40, seed=3)
    same = subgroups(table, ["gender"], "matched", OUT, COVS, method="aipw", n_boot=40,
                     seed=3).iloc[0]
    given = subgroups(table, ["gender"], "matched", OUT, COVS, method="aipw", n_boot=40,
                      seed=3, bootstrap="score", overall=headline).iloc[0]
    for row in (same, given):
        assert (row["estimate"], row["ci_low"], row["ci_high"]) == (
            headline.estimate, headline.ci_low, headline.ci_high)


# a separated logit has diverging coefficients: statsmodels' link overflows in exp when it
# predicts from them; that warning becomes a note of the estimate, like the fit's own
def test_a_perfectly_separated_estimate_is_left_out_with_a_note():
    rng = np.random.default_rng(4)
    n = 400
    x = rng.normal(size=n)
    g = np.where(np.arange(n) < n // 2, "a", "b")
    t = rng.random(n) < 1 / (1 + np.exp(-0.5 * x))
    y = np.where(g == "b", (x > 0).astype(int), rng.integers(0, 2, n))  # b: x decides y
    frame = pd.DataFrame({"t": t.astype(int), "x": x, "g": g, "y": y})
    groups = subgroups(frame, ["g"], "t", "y", ["x"], method="aipw", n_boot=0, min_cell=5)
    b = groups[groups["level"] == "b"].iloc[0]
    assert np.isnan(b["estimate"]) and b["note"] == SEPARATED
    assert np.isfinite(groups.loc[groups["level"] == "a", "estimate"]).all()
    fig = plots.forest_plot(groups, "en", min_cell=5)
    assert len(_points(fig.axes[0])) == int(groups["estimate"].notna().sum())
    shown = subgroup_table(groups, "da", min_cell=5)
    assert label("note_separated", "da") in set(shown[label("note", "da")])


def test_the_all_row_keeps_a_separated_headline_and_says_so(table):
    e = effect(table, "matched", OUT, COVS, method="ipw", n_boot=0)
    separated = dataclasses.replace(e, notes=e.notes + (
        "control outcome model: PerfectSeparationWarning: Perfect separation detected",))
    groups = subgroups(table, ["gender"], "matched", OUT, COVS, method="ipw", n_boot=0,
                       overall=separated)
    assert groups["estimate"].iloc[0] == e.estimate
    assert groups["note"].iloc[0] == SEPARATED_HEADLINE


def test_love_plot_draws_the_absolute_smds_of_the_table(table):
    e = effect(table, "matched", OUT, COVS, method="ipw", n_boot=0)
    shown = balance_summary(e, "nl")
    fig = plots.love_plot(e, "nl")
    ax = fig.axes[0]
    before, after = (np.sort(np.asarray(c.get_offsets())[:, 0]) for c in ax.collections[:2])
    assert before == pytest.approx(np.sort(shown.iloc[:, 1].abs().to_numpy()), abs=0.005)
    assert after == pytest.approx(np.sort(shown.iloc[:, 2].abs().to_numpy()), abs=0.005)
    assert "|SMD|" in ax.get_xlabel()


def test_overlap_plot_coarsens_bins_and_hides_no_one(table):
    e = effect(table, "matched", OUT, COVS, method="ipw", n_boot=0)
    k = 5
    fig = plots.overlap_plot(e, "en", bins=40, min_cell=k)
    n1, n0 = int(e.treated.sum()), int((~e.treated).sum())
    treated, control = (np.array([b.get_height() * b.get_width() for b in c])
                        for c in fig.axes[0].containers)
    # the two groups' bars: each group's bars hold everyone, each bar at least k people
    for n, c in ((n1, treated * n1), (n0, control * n0)):
        assert c.sum() == pytest.approx(n)
        assert (np.round(c) >= k).all()
    edges, cnt = plots.coarse_bins(e.propensity.to_numpy()[e.treated.to_numpy()],
                                   np.linspace(0, 1, 41), k)
    assert cnt.sum() == n1 and (cnt >= k).all() and len(edges) == len(cnt) + 1


def test_phase_plot_draws_the_rows_of_its_table(table):
    by_phase = outcomes_by_phase(table, "matched", "employed", min_cell=5)
    fig = plots.phase_plot(by_phase, "da")
    ys: list[float] = []
    for c in fig.axes[0].containers:
        ys.extend(float(v) for v in c.lines[0].get_ydata())
    assert sorted(ys) == pytest.approx(sorted(by_phase["value"]))


def test_growth_chart_shows_no_blank_as_zero(dataset):
    t = network.Tables.of(dataset)
    R = network.build("relationship", t)
    growth = published.published_growth(network.growth(R, "quarter"), 5)
    fig, (a, b) = network_plots.growth_lines(growth, lang="nl")
    new = growth["new_mentors"].astype("Float64")
    heights = [p.get_height() for p in b.patches if p.get_height() == p.get_height()
               and p.get_width() > 0 and p.get_facecolor()[3] > 0 and not p.get_hatch()]
    drawn = sorted(h for h in heights if h > 0)
    shown = sorted(float(v) for v in new.dropna() if v > 0) + sorted(
        float(v) for v in growth["returning_mentors"].astype("Float64").dropna() if v > 0)
    assert drawn == sorted(shown)
    # each quarter with a blank is marked as such, not drawn as zero
    if new.isna().any():
        names = [h.get_label() for h in b.get_legend().legend_handles]
        assert "kwartaal met verborgen aantallen" in names


def test_partner_flow_draws_no_bar_for_a_blank(dataset):
    flow = network.published_flow(network.Tables.of(dataset), min_cell=5)
    flow = flow.drop(index="Total", errors="ignore")
    fig, ax = network_plots.partner_flow(flow, lang="en", min_cell=5)
    widths = sorted(p.get_width() for p in ax.patches)
    shown = sorted(float(v) for c in ("referred", "matched", "employed")
                   for v in pd.to_numeric(flow[c], errors="coerce").dropna())
    assert widths == pytest.approx(shown)


def test_degree_distribution_draws_its_published_table(dataset):
    G = network.build("relationship", network.Tables.of(dataset))
    table = published.degree_table(G, 5)
    fig, ax = network_plots.degree_distribution(table, lang="en")
    drawn = sorted(float(v) for line in ax.lines for v in line.get_ydata() if v == v)
    shown = sorted(float(v) for v in table.astype("Float64").stack().dropna())
    assert drawn == pytest.approx(shown)


def test_method_comparison_bars_start_at_zero_and_equal_the_table():
    summary = pd.DataFrame({"method": ["optimal", "stable", "greedy"],
                            "total_score": [80.0, 78.0, 74.0], "share_matched": [0.9, 0.9, 0.85],
                            "gap_to_optimal_pct": [0.0, 2.5, 7.5]})
    fig = matching_plots.method_comparison(summary, "da")
    left = fig.axes[0]
    assert left.get_ylim()[0] == 0
    assert [p.get_height() for p in left.patches] == [80.0, 78.0, 74.0]


def test_forest_plot_draws_a_percentile_interval_that_misses_its_point():
    # a percentile bootstrap interval on few draws can lie beside the estimate
    groups = pd.DataFrame({
        "by": ["all"], "level": ["all"], "n_treated": [40], "n_control": [40],
        "estimate": [0.10], "ci_low": [0.12], "ci_high": [0.30], "se": [0.05],
        "p_value": [0.05], "p_heterogeneity": [np.nan], "note": [""]})
    fig = plots.forest_plot(groups, "en", min_cell=5)
    ax = fig.axes[0]
    assert _points(ax) == [0.10]
    segments = ax.collections[0].get_segments()
    assert [tuple(seg[:, 0]) for seg in segments] == [(0.12, 0.30)]


def test_phase_plot_draws_a_share_of_zero():
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(0, 7, method="wilson")     # lo is 2.8e-17, above the share
    by_phase = pd.DataFrame({"phase": ["intake", "intake"], "group": [False, True],
                             "n": [7, 9], "value": [0.0, 0.5], "ci_low": [lo, 0.2],
                             "ci_high": [hi, 0.8]})
    fig = plots.phase_plot(by_phase, "en")
    ys = sorted(float(v) for c in fig.axes[0].containers for v in c.lines[0].get_ydata())
    assert ys == [0.0, 0.5]

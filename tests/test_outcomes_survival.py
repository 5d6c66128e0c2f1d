"""survival(), cox() and subgroups()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mentorkit.outcomes import (
    EstimationError,
    analysis_table,
    cox,
    subgroups,
    survival,
    time_varying_cox,
)
from mentorkit.synth import generate

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]


@pytest.fixture(scope="module")
def demo():
    ds = generate(seed=0)
    return analysis_table(ds), ds.truth


def test_kaplan_meier_by_hand():
    d = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6], "e": [1, 1, 0, 1, 1, 0]})
    s = survival(d, "t", "e")
    c = s.curves.set_index("time")
    assert c.loc[1, "survival"] == pytest.approx(5 / 6)
    assert c.loc[2, "survival"] == pytest.approx(4 / 6)
    assert c.loc[4, "survival"] == pytest.approx(4 / 6 * 2 / 3)
    assert c.loc[5, "survival"] == pytest.approx(4 / 6 * 2 / 3 * 1 / 2)
    assert c.loc[1, "at_risk"] == 6 and c.loc[4, "at_risk"] == 3
    assert (c["ci_low"] <= c["survival"]).all() and (c["survival"] <= c["ci_high"]).all()
    m = s.medians.iloc[0]
    assert (m["n"], m["events"], m["median"]) == (6, 4, 4.0)
    assert s.logrank is None


def test_matched_mentees_find_jobs_sooner(demo):
    table, _ = demo
    s = survival(table, "days_to_job", "job", group="matched", min_cell=5)
    med = s.medians.set_index("group")
    assert med.loc["True", "median"] < 600
    assert np.isnan(med.loc["False", "median"]) or med.loc["False", "median"] > 600
    # the log-rank test equals statsmodels' survdiff, and the evidence is overwhelming
    from statsmodels.duration.survfunc import survdiff

    rows = table.dropna(subset=["days_to_job"])
    statistic, p_value = survdiff(rows["days_to_job"], rows["job"], rows["matched"])
    assert s.logrank["statistic"] == pytest.approx(statistic, rel=1e-12)
    assert s.logrank["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert s.logrank["p_value"] < 1e-5 and s.logrank["df"] == 1
    assert (s.curves["at_risk"] >= 5).all()
    for _, c in s.curves.groupby("group"):
        assert (np.diff(c["survival"].to_numpy()) <= 1e-12).all()


def test_ever_matched_cox_misses_the_planted_hazard_ratio_the_time_varying_finds_it(demo):
    # the effect starts at the match and a job while waiting ends the wait (synth), so
    # "ever matched" from registration is biased and breaks proportional hazards
    table, truth = demo
    naive = cox(table, "days_to_job", "job", ["matched"])
    adjusted = cox(table, "days_to_job", "job", ["matched"] + COVS)
    hr, lo, hi = adjusted.hazard_ratio("matched")
    assert hi < truth.hazard_ratio
    assert naive.hazard_ratio("matched")[0] > hr
    assert adjusted.ph_test.set_index("term").loc["GLOBAL", "p_value"] < 0.01
    assert time_varying_cox(table, covariates=COVS).covers(truth.hazard_ratio)
    assert adjusted.events == int(table["job"].sum())
    assert set(adjusted.to_frame()["term"]) == {"matched", *COVS}


def test_proportional_hazards_check_detects_a_violation():
    rng = np.random.default_rng(1)
    n = 1500
    x = rng.integers(0, 2, n)
    censor = rng.exponential(300, n)
    crossing = np.where(x == 1, rng.weibull(3, n) * 100, rng.exponential(100, n))
    proportional = rng.exponential(100, n) / np.where(x == 1, 2.0, 1.0)
    for times, violated in ((crossing, True), (proportional, False)):
        d = pd.DataFrame({"t": np.minimum(times, censor), "e": (times <= censor).astype(int),
                          "x": x})
        p = cox(d, "t", "e", ["x"]).ph_test.set_index("term").loc["x", "p_value"]
        assert (p < 1e-3) if violated else (p > 0.01)
    m = cox(d, "t", "e", ["x"], ci=0.99)
    assert m.hazard_ratio("x")[1] < 2.0 < m.hazard_ratio("x")[2]


def test_efron_and_breslow_differ_only_with_ties():
    rng = np.random.default_rng(2)
    x = rng.normal(size=300)
    t = np.ceil(rng.exponential(5, 300) / np.exp(0.5 * x))
    d = pd.DataFrame({"t": t, "e": 1, "x": x})
    efron = cox(d, "t", "e", ["x"]).to_frame()["coef"].iloc[0]
    breslow = cox(d, "t", "e", ["x"], ties="breslow").to_frame()["coef"].iloc[0]
    assert efron != pytest.approx(breslow, abs=1e-6)
    assert abs(efron - 0.5) < abs(breslow - 0.5) + 0.05


def test_survival_errors():
    d = pd.DataFrame({"t": [1.0, 2.0], "e": [1, 0], "g": ["a", "a"]})
    with pytest.raises(EstimationError, match="no column"):
        survival(d, "t", "missing")
    with pytest.raises(EstimationError, match="varies"):
        cox(d, "t", "e", ["g"])


def test_subgroups_forest_table(demo):
    table, truth = demo
    s = subgroups(table, ["gender", "programme"], "matched", "employed_followup_12m", COVS,
                  method="ipw", n_boot=0)
    assert s.iloc[0]["level"] == "all"
    assert set(s.loc[s["by"] == "programme", "level"]) == set(table["programme"])
    ok = s["estimate"].notna()
    assert ((s.loc[ok, "ci_low"] <= s.loc[ok, "estimate"])
            & (s.loc[ok, "estimate"] <= s.loc[ok, "ci_high"])).all()
    het = s.loc[s["by"] == "gender", "p_heterogeneity"]
    assert het.nunique() == 1 and 0 <= het.iloc[0] <= 1
    women = s[(s["by"] == "gender") & (s["level"] == "female")].iloc[0]
    assert women["n_treated"] + women["n_control"] == int(
        table.loc[table["gender"] == "female", "employed_followup_12m"].notna().sum())


def test_small_subgroups_are_not_estimated(demo):
    table, _ = demo
    t = table.copy()
    t["tiny"] = np.where(np.arange(len(t)) < 6, "few", "many")
    s = subgroups(t, "tiny", "matched", "employed_followup_12m", COVS, method="ipw", n_boot=0,
                  min_cell=5)
    few = s[s["level"] == "few"].iloc[0]
    assert np.isnan(few["estimate"]) and "fewer than 5" in few["note"]
    assert s[s["level"] == "many"]["estimate"].notna().all()

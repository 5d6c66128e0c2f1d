"""effect(): every method, its interval and balance, on synthetic data with a known answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit

from mentorkit.outcomes import EstimationError, analysis_table, balance_table, effect, smd
from mentorkit.outcomes.diagnostics import diagnose
from mentorkit.outcomes.landmark_design import landmark_table
from mentorkit.synth import generate
from mentorkit.synth.timing import landmark_effect

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
OUT = "employed_followup_12m"


@pytest.fixture(scope="module")
def demo():
    ds = generate(seed=0)
    return analysis_table(ds), ds


def confounded(n: int, seed: int, binary: bool = False) -> tuple[pd.DataFrame, float, float]:
    """x drives treatment and outcome; the effect grows with x (so ATT != ATE)."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.binomial(1, 0.4, n)
    e = expit(-0.3 + 0.9 * x1 + 0.6 * x2)
    t = rng.random(n) < e
    tau = 1.0 + 0.5 * x1
    if binary:
        p0 = expit(-0.5 + 0.8 * x1 + 0.5 * x2)
        p1 = expit(-0.5 + 0.8 * x1 + 0.5 * x2 + 0.7)
        y = (rng.random(n) < np.where(t, p1, p0)).astype(float)
        att, ate = float((p1 - p0)[t].mean()), float((p1 - p0).mean())
    else:
        y = 2 * x1 + x2 + t * tau + rng.normal(size=n)
        att, ate = float(tau[t].mean()), float(tau.mean())
    return pd.DataFrame({"t": t.astype(int), "y": y, "x1": x1, "x2": x2}), att, ate


def test_planted_effect_recovered_and_naive_visibly_biased(demo):
    """On the landmark design (180 days; the waiting-time bias of "ever matched" is
    tested in test_outcomes_time.py), every adjusted estimator covers the planted landmark
    effect and beats the unadjusted difference, which does not cover it."""
    table, ds = demo
    trial = landmark_table(table, 180).dropna(subset=["outcome"])
    treated = trial.loc[trial["treated"] == 1, "person_id"]
    truth = landmark_effect(ds, treated, 365)
    naive = effect(trial, "treated", "outcome", method="difference")
    assert not naive.covers(truth)
    assert naive.estimate > truth + 0.1
    for method in ("ipw", "psm", "aipw"):
        e = effect(trial, "treated", "outcome", COVS, method=method, n_boot=200, seed=3)
        assert e.covers(truth), (method, e.ci, truth)
        assert abs(e.estimate - truth) < abs(naive.estimate - truth)
        assert e.n_treated == len(treated) or method == "psm"


def test_weighting_balances_the_confounders():
    """With the propensity model right (confounded(): logistic in x1, x2), weighting
    balances every covariate and keeps the treated as they are."""
    d, _, _ = confounded(4000, 5)
    e = effect(d, "t", "y", ["x1", "x2"], method="ipw", n_boot=0)
    b = e.balance.set_index("covariate")
    assert b.loc["x1", "smd_before"] > 0.3
    assert (b["smd_after"].abs() < 0.1).all()
    assert np.allclose(b["mean_treated_after"], b["mean_treated"])
    assert e.overlap["n"].tolist() == [e.n_treated, e.n_control]
    assert e.propensity.between(0, 1).all() and len(e.propensity) == len(e.treated)


def test_imbalance_left_after_weighting_is_named(demo):
    """On the demo, where mentees wait and jobs end the wait, weighting on the intake
    covariates leaves some imbalance: it shrinks every large SMD, and whatever stays above
    0.1 is named by the diagnostics the reports print in words."""
    table, _ = demo
    e = effect(table, "matched", OUT, COVS, method="ipw", n_boot=0)
    b = e.balance.set_index("covariate")
    assert b.loc["language_rank", "smd_before"] > 0.5
    big = b["smd_before"].abs() > 0.3
    assert (b.loc[big, "smd_after"].abs() < b.loc[big, "smd_before"].abs() / 2).all()
    left = set(b.index[b["smd_after"].abs() > 0.1])
    assert left and set(diagnose(e).imbalanced_covariates) == left
    assert "imbalance" in diagnose(e).problems


def test_newcombe_interval_reproduces_published_example():
    # Newcombe (1998), Stat Med 17:873, Table II: 56/70 - 48/80, hybrid score 0.0524 to 0.3339.
    d = pd.DataFrame({"t": [1] * 70 + [0] * 80,
                      "y": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32})
    e = effect(d, "t", "y", method="difference")
    assert e.estimate == pytest.approx(0.2)
    assert (round(e.ci_low, 4), round(e.ci_high, 4)) == (0.0524, 0.3339)
    assert "Newcombe" in e.ci_method


def test_difference_of_means_uses_welch():
    d, _, _ = confounded(300, 1)
    e = effect(d, "t", "y", method="difference", ci=0.9)
    ref = stats.ttest_ind(d.y[d.t == 1], d.y[d.t == 0], equal_var=False)
    lo, hi = ref.confidence_interval(0.9)
    assert (e.ci_low, e.ci_high) == pytest.approx((lo, hi))
    assert e.ci_level == 0.9


@pytest.mark.parametrize("method", ["regression", "ipw", "aipw", "psm"])
def test_att_and_ate_recovered_on_a_large_sample(method):
    d, att, ate = confounded(20_000, 7)
    naive = effect(d, "t", "y", method="difference").estimate
    assert abs(naive - att) > 0.8
    for estimand, truth in (("ATT", att), ("ATE", ate)):
        e = effect(d, "t", "y", ["x1", "x2"], method=method, estimand=estimand, n_boot=200)
        tol = 0.08 if method == "psm" else 0.05
        assert e.estimate == pytest.approx(truth, abs=tol), (estimand, e.estimate, truth)
        assert e.covers(truth) or method == "psm"


def test_binary_outcome_aipw_uses_a_logistic_outcome_model():
    d, att, _ = confounded(20_000, 11, binary=True)
    e = effect(d, "t", "y", ["x1", "x2"], method="aipw", n_boot=0)
    assert e.estimate == pytest.approx(att, abs=0.02)
    linear = effect(d, "t", "y", ["x1", "x2"], method="aipw", n_boot=0, outcome_model="linear")
    assert linear.estimate == pytest.approx(att, abs=0.03)


@pytest.mark.parametrize("method,estimand", [("ipw", "ATT"), ("ipw", "ATE"), ("aipw", "ATT"),
                                             ("aipw", "ATE")])
def test_influence_function_and_refit_bootstrap_agree_with_resampling(method, estimand):
    d, _, _ = confounded(1000, 5)
    e = effect(d, "t", "y", ["x1", "x2"], method=method, estimand=estimand, n_boot=0)
    rng = np.random.default_rng(0)
    draws = [effect(d.iloc[rng.integers(0, len(d), len(d))], "t", "y", ["x1", "x2"],
                    method=method, estimand=estimand, n_boot=0).estimate for _ in range(100)]
    sd = np.std(draws, ddof=1)
    assert e.se == pytest.approx(sd, rel=0.25)
    refit = effect(d, "t", "y", ["x1", "x2"], method=method, estimand=estimand, n_boot=150,
                   bootstrap="refit", seed=2)
    assert refit.se == pytest.approx(sd, rel=0.25)
    assert refit.estimate == e.estimate and len(refit.boot) == 150
    assert "re-fitting" in refit.ci_method


def test_psm_variance_matches_repeated_sampling():
    ests, ses = [], []
    for seed in range(120):
        d, _, _ = confounded(400, 1000 + seed)
        e = effect(d, "t", "y", ["x1", "x2"], method="psm", caliper=None)
        ests.append(e.estimate)
        ses.append(e.se)
    assert np.mean(ses) == pytest.approx(np.std(ests, ddof=1), rel=0.25)


@pytest.mark.parametrize("kind", ["score", "refit"])
def test_bootstrap_is_seeded(kind):
    d, _, _ = confounded(500, 2)
    opts = dict(method="aipw", n_boot=200, bootstrap=kind)
    a = effect(d, "t", "y", ["x1", "x2"], seed=4, **opts)
    b = effect(d, "t", "y", ["x1", "x2"], seed=4, **opts)
    c = effect(d, "t", "y", ["x1", "x2"], seed=5, **opts)
    assert np.array_equal(a.boot, b.boot) and not np.array_equal(a.boot, c.boot)
    assert len(a.boot) == 200
    assert a.boot.std() == pytest.approx(a.se, rel=0.15)
    normal = effect(d, "t", "y", ["x1", "x2"], method="aipw", n_boot=0)
    assert normal.boot is None and normal.estimate == a.estimate


def test_auto_bootstrap_refits_small_data_and_scores_large_data():
    small, _, _ = confounded(400, 3)
    large, _, _ = confounded(5000, 3)
    assert "re-fitting" in effect(small, "t", "y", ["x1"], n_boot=100).ci_method
    assert "score bootstrap" in effect(large, "t", "y", ["x1"], n_boot=1000).ci_method
    with pytest.raises(EstimationError, match="bootstrap must be"):
        effect(small, "t", "y", ["x1"], bootstrap="jackknife")


def test_matching_on_exact_twins():
    # every treated person has a comparison twin with the same covariate and y 1 lower
    x = np.repeat(np.linspace(-1, 1, 40), 2)
    t = np.tile([1, 0], 40)
    y = 3 * x + t
    d = pd.DataFrame({"t": t, "y": y, "x": x})
    e = effect(d, "t", "y", ["x"], method="psm")
    assert e.estimate == pytest.approx(1.0)
    assert e.n_treated == 40 and e.n_control == 40
    b = e.balance.set_index("covariate")
    assert b.loc["x", "smd_after"] == pytest.approx(0.0, abs=1e-12)
    out = pd.concat([d, pd.DataFrame({"t": [1], "y": [0.0], "x": [8.0]})], ignore_index=True)
    e2 = effect(out, "t", "y", ["x"], method="psm", caliper=0.1)
    assert e2.n_treated == 40 and e2.n_dropped == 1
    assert any("no match within the caliper" in n for n in e2.notes)


def test_matching_without_replacement_uses_each_control_once():
    d, _, _ = confounded(600, 3)
    e = effect(d, "t", "y", ["x1", "x2"], method="psm", replace=False, caliper=None)
    n1, n0 = int(d.t.sum()), int((1 - d.t).sum())
    assert e.n_control == min(n1, n0)
    with pytest.raises(EstimationError, match="replace=True"):
        effect(d, "t", "y", ["x1", "x2"], method="psm", estimand="ATE", replace=False)


def test_difference_in_differences_reproduces_textbook_and_adjusts():
    from mentorkit.outcomes.public import jtrain_panel

    w = jtrain_panel()
    e = effect(w, "grant_1988", "lscrap_1988", method="did", pre="lscrap_1987")
    assert (len(w), e.n_treated) == (54, 19)
    assert round(e.estimate, 3) == -0.317          # Wooldridge, JTRAIN 1987-88, n = 54
    # trends that depend on x: plain DiD is biased, doubly robust DiD is not
    rng = np.random.default_rng(8)
    n = 8000
    x = rng.normal(size=n)
    t = rng.random(n) < expit(x)
    pre = x + rng.normal(size=n)
    post = pre + 0.8 * x + 0.5 * t + rng.normal(size=n)
    d = pd.DataFrame({"t": t.astype(int), "pre": pre, "post": post, "x": x})
    plain = effect(d, "t", "post", method="did", pre="pre")
    adjusted = effect(d, "t", "post", ["x"], method="did", pre="pre", n_boot=200,
                      bootstrap="score")
    assert abs(plain.estimate - 0.5) > 0.3
    assert adjusted.covers(0.5) and "Sant'Anna" in adjusted.ci_method


def test_missing_values_and_text_covariates():
    d, _, _ = confounded(800, 4)
    d["region"] = np.where(d.x2 == 1, "north", "south")
    d.loc[:9, "y"] = np.nan
    e = effect(d, "t", "y", ["x1", "region"], method="ipw", n_boot=0)
    assert e.n_dropped == 10 and e.n_treated + e.n_control == 790
    assert "region=south" in set(e.balance["covariate"])
    same = effect(d, "t", "y", "x1, region", method="ipw", n_boot=0)
    assert same.estimate == e.estimate


def test_trimming_is_counted():
    d, _, _ = confounded(2000, 6)
    e = effect(d, "t", "y", ["x1", "x2"], method="ipw", estimand="ATE", trim=0.1, n_boot=0)
    e0 = effect(d, "t", "y", ["x1", "x2"], method="ipw", estimand="ATE", n_boot=0)
    assert e.n_dropped > 0 and e.n_treated + e.n_control + e.n_dropped == len(d)
    assert e0.n_dropped == 0 and any("trimming" in n for n in e.notes)


def test_errors_name_the_problem():
    d, _, _ = confounded(200, 9)
    with pytest.raises(EstimationError, match="method must be one of"):
        effect(d, "t", "y", ["x1"], method="magic")
    with pytest.raises(EstimationError, match="needs covariates"):
        effect(d, "t", "y", method="ipw")
    with pytest.raises(EstimationError, match="no column 'nope'"):
        effect(d, "t", "nope", ["x1"])
    with pytest.raises(EstimationError, match="0 untreated"):
        effect(d[d.t == 1], "t", "y", ["x1"], method="regression")
    with pytest.raises(EstimationError, match="pre="):
        effect(d, "t", "y", method="did")
    with pytest.raises(EstimationError, match="0/1"):
        effect(d.assign(t=d.t * 2 + 1), "t", "y", method="difference")
    with pytest.raises(EstimationError, match="collinear.*drop x3"):
        effect(d.assign(x3=2 * d.x1 - d.x2), "t", "y", ["x1", "x2", "x3"], method="regression")
    sep = pd.DataFrame({"t": [0] * 20 + [1] * 20, "y": np.arange(40.0),
                        "x": np.r_[np.zeros(20), np.ones(20)] + np.linspace(0, .1, 40)})
    with pytest.raises(EstimationError, match="do not\\s+overlap"):
        effect(sep, "t", "y", ["x"], method="ipw", n_boot=0)


def test_smd_and_balance_table_by_hand():
    assert smd(np.array([1.0, 2, 3]), np.array([0.0, 1, 2])) == pytest.approx(1.0)
    d = pd.DataFrame({"t": [1, 1, 0, 0, 0], "x": [2.0, 4, 1, 3, 5]})
    w = np.array([1, 1, 1, 0, 1.0])
    b = balance_table(d, "t", ["x"], w).iloc[0]
    sd = np.sqrt((np.var([2, 4], ddof=1) + np.var([1, 3, 5], ddof=1)) / 2)
    assert b["smd_before"] == pytest.approx((3 - 3) / sd)
    assert b["smd_after"] == pytest.approx((3 - 3) / sd)
    assert b["mean_control_after"] == pytest.approx(3.0)
    assert b["variance_ratio_after"] == pytest.approx(1.0 / 4.0)

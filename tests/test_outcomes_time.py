"""Time-aware outcome designs: episodes, the time-varying Cox model, landmarks, and the
waiting-time bias they remove (on synthetic data that is honest about time)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.hazard_regression import PHReg

from mentorkit.errors import MissingTranslation
from mentorkit.outcomes import (
    EstimationError,
    analysis_table,
    cox,
    effect,
    episodes,
    explain,
    landmark,
    landmark_table,
    time_varying_cox,
)
from mentorkit.outcomes._wcox import fit_weighted_cox
from mentorkit.synth import generate
from mentorkit.synth.timing import landmark_effect

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
ROSSI = Path(__file__).resolve().parent / "fixtures" / "survival" / "rossi.csv"
FOX = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, object]:
    ds = generate(seed=0)
    return analysis_table(ds), ds


@pytest.fixture(scope="module")
def rossi() -> pd.DataFrame:
    return pd.read_csv(ROSSI)


def test_episodes_never_have_exposure_before_the_match(demo) -> None:
    table, _ = demo
    ep = episodes(table, keep=["days_to_match"])
    assert (ep["start"] < ep["stop"]).all()
    exposed = ep[ep["matched"] == 1]
    assert (exposed["start"] >= exposed["days_to_match"]).all()
    unexposed = ep[(ep["matched"] == 0) & ep["days_to_match"].notna()]
    assert (unexposed["stop"] <= unexposed["days_to_match"]).all()
    # one event at most per person, on the last episode; total time equals the follow-up
    per = ep.groupby("person_id")
    assert (per["event"].sum() <= 1).all()
    follow = table.set_index("person_id").loc[per.size().index]
    span = per["stop"].max() - per["start"].min()
    np.testing.assert_allclose(span.to_numpy(), follow["days_to_job"].to_numpy())
    assert (per["event"].sum().to_numpy() == follow["job"].to_numpy()).all()
    # the synthetic data is honest about time: every matched mentee's job came after the start
    matched = table[table["matched"] & (table["job"] == 1)]
    assert (matched["days_to_job"] > matched["days_to_match"]).all()
    assert len(exposed) > 200 and len(unexposed) > 200


def test_a_match_after_the_job_gives_no_exposure() -> None:
    d = pd.DataFrame({"person_id": [1, 2, 3], "days_to_job": [40.0, 40.0, 40.0],
                      "job": [1, 0, 1], "days_to_match": [60.0, 40.0, 0.0]})
    ep = episodes(d)
    assert ep["person_id"].tolist() == [1, 2, 3]
    assert ep["matched"].tolist() == [0.0, 0.0, 1.0]          # matched on day 0: all exposed
    assert ep["event"].tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(EstimationError, match="days_to_match"):
        episodes(d.drop(columns="days_to_match"))


def test_time_varying_cox_equals_phreg_with_entry_on_the_same_episodes(demo) -> None:
    table, _ = demo
    for strata in (None, "programme"):
        m = time_varying_cox(table, covariates=COVS, strata=strata)
        ep = episodes(table, keep=[*COVS, "programme"]).dropna(subset=COVS)
        x = ep[["matched", *COVS]].to_numpy(float)
        codes = pd.factorize(ep["programme"])[0] if strata else None
        res = PHReg(ep["stop"].to_numpy(), x, status=ep["event"].to_numpy(),
                    entry=ep["start"].to_numpy(), strata=codes, ties="efron").fit()
        f = m.to_frame()
        np.testing.assert_allclose(f["coef"].to_numpy(), res.params, rtol=1e-8)
        np.testing.assert_allclose(f["se"].to_numpy(), res.bse, rtol=1e-8)
        assert m.n_episodes == len(ep) and m.events == int(ep["event"].sum())
        assert m.se_kind == "model" and list(f["term"]) == ["matched", *COVS]


def test_weighted_breslow_fit_equals_phreg_and_frequency_weights_equal_copies() -> None:
    rng = np.random.default_rng(4)
    n = 300
    x = rng.normal(size=(n, 2))
    entry = rng.uniform(0, 1, n)
    stop = entry + np.round(rng.exponential(3, n) * np.exp(-x @ [0.4, -0.2]), 1) + 0.1
    event = (rng.random(n) < 0.75).astype(int)
    strata = rng.integers(0, 2, n)
    ones = fit_weighted_cox(entry, stop, event, x, np.ones(n), strata)
    res = PHReg(stop, x, status=event, entry=entry, strata=strata, ties="breslow").fit()
    np.testing.assert_allclose(ones.params, res.params, rtol=1e-8)
    np.testing.assert_allclose(ones.cov_naive, res.cov_params(), rtol=1e-6)
    w = rng.integers(1, 4, n)
    weighted = fit_weighted_cox(entry, stop, event, x, w.astype(float), strata)
    rows = np.repeat(np.arange(n), w)
    copies = PHReg(stop[rows], x[rows], status=event[rows], entry=entry[rows],
                   strata=strata[rows], ties="breslow").fit()
    np.testing.assert_allclose(weighted.params, copies.params, rtol=1e-8)
    with pytest.raises(ValueError, match="positive"):
        fit_weighted_cox(entry, stop, event, x, -np.ones(n))


def test_fox_rossi_results_still_hold(rossi) -> None:
    # Fox (2002), Table of coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro
    # + prio), Efron ties: coefficients and standard errors to four digits.
    published = {"fin": (-0.3794, 0.1914), "age": (-0.0574, 0.0220), "race": (0.3139, 0.3080),
                 "wexp": (-0.1498, 0.2122), "mar": (-0.4337, 0.3819),
                 "paro": (-0.0849, 0.1958), "prio": (0.0915, 0.0286)}
    f = cox(rossi, "week", "arrest", FOX).to_frame().set_index("term")
    for term, (coef, se) in published.items():
        assert f.loc[term, "coef"] == pytest.approx(coef, abs=6e-5), term
        assert f.loc[term, "se"] == pytest.approx(se, abs=6e-5), term
    # nobody exposed before time 0: the time-varying model with "financial aid from week 0"
    # is the same model
    d = rossi.assign(person_id=range(len(rossi)),
                     since=np.where(rossi["fin"] == 1, 0.0, np.nan))
    tv = time_varying_cox(d, "week", "arrest", "since", [c for c in FOX if c != "fin"])
    np.testing.assert_allclose(tv.to_frame()["coef"].to_numpy(), f["coef"].to_numpy(),
                               rtol=1e-8)


def test_cox_cluster_equals_statsmodels_robust_and_strata_equal_phreg(rossi) -> None:
    groups = np.arange(len(rossi)) % 40
    d = rossi.assign(site=groups)
    m = cox(d, "week", "arrest", FOX, cluster="site")
    res = PHReg(d["week"].to_numpy(float), d[FOX].to_numpy(float),
                status=d["arrest"].to_numpy(), ties="breslow").fit(groups=groups)
    np.testing.assert_allclose(m.to_frame()["coef"].to_numpy(), res.params, rtol=1e-8)
    np.testing.assert_allclose(m.to_frame()["se"].to_numpy(), res.bse, rtol=1e-6)
    assert any("Breslow" in n for n in m.notes)
    s = cox(d, "week", "arrest", [c for c in FOX if c != "race"], strata="race")
    ref = PHReg(d["week"].to_numpy(float), d[[c for c in FOX if c != "race"]].to_numpy(float),
                status=d["arrest"].to_numpy(), strata=d["race"].to_numpy(), ties="efron").fit()
    np.testing.assert_allclose(s.to_frame()["coef"].to_numpy(), ref.params, rtol=1e-8)
    # weights of 2 everywhere: the same coefficients as none (robust standard errors)
    w = cox(d.assign(w=2.0), "week", "arrest", FOX, weights="w")
    np.testing.assert_allclose(w.to_frame()["coef"].to_numpy(), res.params, rtol=1e-7)
    assert w.ph_test.empty


def test_naive_is_biased_and_time_aware_are_not_on_a_large_planted_null() -> None:
    ds = generate(seed=11, scale=4.0, hazard_ratio=1.0)
    assert ds.truth.hazard_ratio == 1.0 and ds.truth.att == 0.0 and ds.truth.landmark_rd == 0.0
    t = analysis_table(ds)
    naive_hr = cox(t, "days_to_job", "job", ["matched", *COVS]).hazard_ratio("matched")
    naive_rd = effect(t, "matched", "employed_followup_12m", COVS, method="aipw", n_boot=0)
    tv = time_varying_cox(t, covariates=COVS)
    lm = landmark(t, 180, covariates=COVS)
    # the ever-matched designs find an effect that is not there, and firmly
    assert naive_hr[2] < 0.8
    assert naive_rd.estimate < -0.04
    # the time-aware ones do not: within 0.15 on the log scale and 0.04 on the risk scale
    hr, lo, hi = tv.hazard_ratio()
    assert abs(np.log(hr)) < 0.15 and lo < 1.0 < hi
    assert abs(lm.estimate) < 0.04 and lm.covers(0.0)


def test_landmark_recovers_the_planted_effect_and_takes_strata_cluster_weights(demo) -> None:
    table, ds = demo
    lm = landmark(table, 180, covariates=COVS)
    stacked = landmark_table(table, 180)
    treated = stacked.loc[stacked["treated"] == 1, "person_id"]
    truth = landmark_effect(ds, treated, 365)
    assert truth == pytest.approx(ds.truth.landmark_rd, abs=0.01)
    assert lm.covers(truth)
    assert lm.n_treated == int(stacked.loc[stacked["treated"] == 1, "outcome"].notna().sum())
    assert lm.share_treated > lm.share_control
    # weights of 3 everywhere change nothing; a cluster of one person each is the default
    same = landmark(table.assign(w=3.0), 180, covariates=COVS, weights="w")
    assert same.estimate == pytest.approx(lm.estimate, rel=1e-9)
    assert same.se == pytest.approx(lm.se, rel=1e-9)
    alone = landmark(table.assign(c=table["person_id"]), 180, covariates=COVS, cluster="c")
    assert alone.se == pytest.approx(lm.se, rel=1e-12)
    by_site = landmark(table, 180, covariates=COVS, strata="programme", cluster="programme")
    assert by_site.se != pytest.approx(lm.se, rel=1e-3)
    pooled = landmark(table, [60, 120, 180], covariates=COVS)
    assert pooled.design == "sequential" and pooled.n_people < pooled.n_treated + \
        pooled.n_control
    assert pooled.controls_matched_later > 0
    with pytest.raises(EstimationError, match="nobody"):
        landmark(table, 0, covariates=COVS)


def test_landmark_se_equals_the_delta_method_of_a_saturated_model() -> None:
    # no covariates: the ATT is the difference of two shares, its SE the binomial one
    rng = np.random.default_rng(0)
    n = 2000
    m = np.where(rng.random(n) < 0.4, rng.uniform(0, 90, n), np.nan)
    job = rng.uniform(100, 900, n)
    d = pd.DataFrame({"person_id": range(n), "days_to_job": job, "job": 1,
                      "days_to_match": m})
    lm = landmark(d, 90, 365)
    y = (job <= 455).astype(float)
    a = np.isfinite(m)
    p1, p0 = y[a].mean(), y[~a].mean()
    assert lm.estimate == pytest.approx(p1 - p0, abs=1e-9)
    se = np.sqrt(p1 * (1 - p1) / a.sum() + p0 * (1 - p0) / (~a).sum())
    assert lm.se == pytest.approx(se, rel=2e-3)


def test_each_design_explains_itself_in_three_languages(demo) -> None:
    table, _ = demo
    tv = time_varying_cox(table, covariates=["age", "male"])
    lm = landmark(table, 180, covariates=["age"])
    texts = {lang: (tv.explain(lang), lm.explain(lang), explain("ever_matched", lang))
             for lang in ("da", "en", "nl")}
    assert len({t[0] for t in texts.values()}) == 3
    assert all(str(tv.events) in t[0] and "180" in t[1] for t in texts.values())
    assert "age and man (against woman)" in texts["en"][0]
    assert "alder og mand (mod kvinde)" in texts["da"][0]
    assert "leeftijd en man (tegenover vrouw)" in texts["nl"][0]
    assert texts["en"][2].startswith("Biased")
    with pytest.raises(MissingTranslation):
        explain("no_such_design", "en")


def test_a_covariate_dropped_as_constant_is_not_named_as_adjusted_for(demo) -> None:
    table, _ = demo
    women = table[~table["male"].astype(bool)]
    assert women["male"].nunique() == 1
    tv = time_varying_cox(women, covariates=["age", "male"])
    lm = landmark(women, 180, covariates=["age", "male"])
    for design in (tv, lm):
        assert design.covariates == ("age",)
        assert any("constant, left out: male" in n for n in design.notes)
        for lang, man in (("en", "man"), ("da", "mand"), ("nl", "man")):
            text = design.explain(lang)
            assert man not in text.split() and "male" not in text
            assert {"en": "age", "da": "alder", "nl": "leeftijd"}[lang] in text
    both = time_varying_cox(table, covariates=["age", "male"])
    assert both.covariates == ("age", "male") and "man (against woman)" in both.explain("en")


def test_weighted_kaplan_meier_equals_copies_and_counts_people(rossi) -> None:
    from mentorkit.outcomes import survival

    w = np.random.default_rng(0).integers(1, 4, len(rossi))
    weighted = survival(rossi.assign(w=w.astype(float)), "week", "arrest", group="fin",
                        weights="w")
    copies = survival(rossi.loc[rossi.index.repeat(w)], "week", "arrest", group="fin")
    np.testing.assert_allclose(weighted.curves["survival"], copies.curves["survival"],
                               rtol=1e-12)
    plain = survival(rossi, "week", "arrest", group="fin")
    assert (weighted.curves["at_risk"].to_numpy() == plain.curves["at_risk"].to_numpy()).all()
    assert weighted.logrank is None and weighted.notes == ("no log-rank test with weights",)
    assert weighted.medians["n"].tolist() == [216, 216]


def test_landmark_weights_for_censoring_are_the_kaplan_meier_of_follow_up(demo) -> None:
    from statsmodels.duration.survfunc import SurvfuncRight

    from mentorkit.synth.timing import job_hazard

    table, ds = demo
    stacked = landmark_table(table, 180, 365)
    arm = stacked[stacked["treated"] == 1]
    u, e = arm["days_to_job"].to_numpy() - 180, arm["job"].to_numpy()
    km = SurvfuncRight(u, 1 - e)                     # the end of follow-up as the "event"
    known = arm["outcome"].notna().to_numpy()
    at = np.minimum(u[known], 365)
    idx = np.searchsorted(km.surv_times, at, side="left")
    g = np.where(idx > 0, km.surv_prob[np.maximum(idx - 1, 0)], 1.0)
    np.testing.assert_allclose(arm.loc[known, "ipcw"].to_numpy(), 1 / g, rtol=1e-12)
    assert arm.loc[~known, "ipcw"].isna().all() and (arm.loc[known, "ipcw"] >= 1).all()
    # leaving out the censored without weights overstates the share with a job; the
    # weights bring the treated's share near its true expectation
    h = job_hazard(ds).reindex(arm["person_id"]).to_numpy()     # every treated at risk
    expected = float(np.mean(1 - np.exp(-h * ds.truth.hazard_ratio * 365)))
    ipcw = landmark(table, 180, covariates=COVS)
    complete = landmark(table, 180, covariates=COVS, censoring="complete")
    assert abs(ipcw.share_treated - expected) < 0.03 < complete.share_treated - expected
    with pytest.raises(EstimationError, match="censoring"):
        landmark(table, 180, censoring="drop")


def test_landmark_subgroups_all_row_is_the_headline_and_the_figure_shows_the_table(demo) -> None:
    import matplotlib.pyplot as plt

    from mentorkit.outcomes import landmark_subgroups
    from mentorkit.outcomes.report import label, subgroup_table
    from mentorkit.plots.outcomes import forest_plot

    table, _ = demo
    covs = ["language_rank", "education_rank", "age"]
    top = landmark(table, 180, covariates=covs)
    groups = landmark_subgroups(table, ["gender", "programme"], covs, 180, min_cell=30,
                                overall=top)
    first = groups.iloc[0]
    assert (first["by"], first["estimate"], first["ci_low"], first["ci_high"]) == (
        "all", top.estimate, top.ci_low, top.ci_high)
    women = table[table["gender"].astype(str) == "female"]
    row = groups[groups["level"] == "female"].iloc[0]
    assert row["estimate"] == landmark(women, 180, covariates=covs).estimate
    hidden = groups["estimate"].isna()
    assert hidden.any() and (~hidden).sum() >= 3      # min_cell=30 hides small programmes
    shown = subgroup_table(groups, "en", min_cell=30)
    published = shown[label("estimate", "en")].map(lambda v: isinstance(v, float) and v == v)
    fig = forest_plot(groups, "en", min_cell=30)
    xs = [float(v) for c in fig.axes[0].containers if hasattr(c, "lines") and c.lines
          and c.lines[0] is not None for v in c.lines[0].get_xdata()]
    plt.close(fig)
    assert len(xs) == int(published.sum())
    assert sorted(round(x, 3) for x in xs) == sorted(
        float(v) for v, ok in zip(shown[label("estimate", "en")], published) if ok)

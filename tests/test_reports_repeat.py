"""Same seed, same data: a report's numbers repeat to the last digit whatever the pseudonym key.

A research extract made in memory gets a random key, so the pseudonyms (and, before, the
order of the rows the bootstrap resamples) changed from run to run. The analysis table is
now in a content order (:func:`mentorkit.outcomes.table.stable_order`); these tests make two
extracts of the same data with different keys and compare the numbers exactly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mentorkit.outcomes import analysis_table, effect, subgroups
from mentorkit.outcomes.report import compare_methods
from mentorkit.privacy.classes import EXTRACT_TABLES
from mentorkit.privacy.extract import research_extract
from mentorkit.reports.provenance import fingerprint, provenance
from mentorkit.synth import generate

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
OUT = "employed_followup_12m"


@pytest.fixture(scope="module")
def two_extracts() -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    ds = generate(seed=3, scale=0.4)
    tables = {name: getattr(ds, name) for name in EXTRACT_TABLES}
    return research_extract(tables, key="1" * 64), research_extract(tables, key="2" * 64)


def test_the_keys_really_give_other_pseudonyms_and_another_id_order(two_extracts):
    a, b = (analysis_table(x) for x in two_extracts)
    assert set(a["person_id"]).isdisjoint(set(b["person_id"]))
    ids = ["person_id", "programme_id"]
    by_a = a.sort_values("person_id").drop(columns=ids).reset_index(drop=True)
    by_b = b.sort_values("person_id").drop(columns=ids).reset_index(drop=True)
    assert not by_a.equals(by_b)   # sorted by pseudonym, the rows come in another order


def test_analysis_table_has_the_same_rows_in_the_same_order(two_extracts):
    a, b = (analysis_table(x).drop(columns=["person_id", "programme_id"])
            for x in two_extracts)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("method", ["ipw", "aipw"])
def test_bootstrap_intervals_repeat_to_the_last_digit(two_extracts, method):
    a, b = (analysis_table(x) for x in two_extracts)
    ea = effect(a, "matched", OUT, COVS, method=method, n_boot=60, seed=5)
    eb = effect(b, "matched", OUT, COVS, method=method, n_boot=60, seed=5)
    assert ea.boot is not None and len(ea.boot) > 0
    assert (ea.estimate, ea.ci_low, ea.ci_high, ea.se) == (eb.estimate, eb.ci_low,
                                                          eb.ci_high, eb.se)


def test_report_tables_repeat(two_extracts):
    a, b = (analysis_table(x) for x in two_extracts)
    ca = compare_methods(a, "matched", OUT, COVS, methods=["ipw", "psm"], n_boot=40, seed=1)
    cb = compare_methods(b, "matched", OUT, COVS, methods=["ipw", "psm"], n_boot=40, seed=1)
    pd.testing.assert_frame_equal(ca, cb)
    sa = subgroups(a, ["gender"], "matched", OUT, COVS, method="ipw", n_boot=40, seed=2,
                   bootstrap="score")
    sb = subgroups(b, ["gender"], "matched", OUT, COVS, method="ipw", n_boot=40, seed=2,
                   bootstrap="score")
    pd.testing.assert_frame_equal(sa, sb)


def test_fingerprint_ignores_the_key_and_sees_a_changed_value(two_extracts):
    a, b = two_extracts
    assert fingerprint(a) == fingerprint(b)
    changed = {**a, "outcome": a["outcome"].copy()}
    changed["outcome"].loc[changed["outcome"].index[0], "hours_per_week"] = 99
    assert fingerprint(changed) != fingerprint(a)


def test_provenance_records_versions_parameters_seed_draws_and_fingerprint(two_extracts):
    a, _ = two_extracts
    p = provenance(a, {"db": "/private/place.db", "method": "aipw"}, seed=7, n_boot=300,
                   lang="nl")
    values = dict(zip(p.index, p.iloc[:, 0]))
    assert values["pandas"] == pd.__version__
    assert values["Parameter method"] == "aipw"
    assert values["Parameter db"] == "opgegeven"          # set, never the path
    assert values["Startwaarde toevalsgetallen (seed)"] == "7"
    assert values["Bootstrap-trekkingen"] == "300"
    assert values["Vingerafdruk van de invoer (SHA-256, zonder id's)"] == fingerprint(a)
    assert "/private" not in p.to_string()


def test_funder_effect_uses_the_refit_bootstrap_and_says_so(two_extracts):
    from mentorkit.monitoring import funder

    ds = generate(seed=3, scale=0.4)
    table = analysis_table(ds)                 # a few hundred rows: the re-fitting bootstrap
    summary = funder.employment_effect(table, min_group=10)
    e = effect(table, "matched", funder.EFFECT_OUTCOME, list(funder.EFFECT_COVARIATES),
               method="aipw", n_boot=funder.EFFECT_BOOT, seed=0)
    assert "re-fitting" in summary.ci_method
    assert (summary.ci_low, summary.ci_high) == (e.ci_low, e.ci_high)
    analytic = effect(table, "matched", funder.EFFECT_OUTCOME, list(funder.EFFECT_COVARIATES),
                      method="aipw", n_boot=0)
    assert (e.ci_high - e.ci_low) != (analytic.ci_high - analytic.ci_low)


def test_funder_report_leads_with_the_time_aware_effect():
    from mentorkit.reports.funder_design import time_aware_effect
    from mentorkit.reports.funder_view import FunderReport

    ds = generate(seed=3, scale=0.4)
    big = FunderReport.build(ds, lang="nl")
    text = time_aware_effect(big)
    assert "Het effect van een mentor, gerekend vanaf de koppeling" in text
    assert "Landmark (180 dagen)" in text
    small = FunderReport.build(ds, programme="Tingbjerg", lang="en")
    shown = time_aware_effect(small)
    assert "cannot be estimated" in shown and "can detect" in shown


def test_the_outcome_study_run_twice_with_random_keys_gives_the_same_report(
        tmp_path, monkeypatch):
    """Two papermill runs on the same database, each making a one-off extract with a new
    random pseudonym key (none is configured): every output, figures included, is equal."""
    import json

    import papermill

    from mentorkit.store import Store

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "outcome_study.ipynb"
    db = tmp_path / "demo.db"
    with Store.open(str(db), actor="test") as store:
        store.load(generate(seed=3, scale=0.25))
    for name in ("MENTORKIT_PSEUDONYM_KEY", "MENTORKIT_PSEUDONYM_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    shown = []
    for run in ("first", "second"):
        out = tmp_path / f"{run}.ipynb"
        papermill.execute_notebook(
            str(notebook), str(out), kernel_name="python3", progress_bar=False,
            cwd=str(tmp_path), parameters={"db": str(db), "programme": "",
                                           "n_boot": 20, "seed": 4})
        nb = json.loads(out.read_text(encoding="utf-8"))
        shown.append([c.get("outputs", []) for c in nb["cells"] if c["cell_type"] == "code"])
    assert "Landmark" in json.dumps(shown[0])
    assert shown[0] == shown[1]

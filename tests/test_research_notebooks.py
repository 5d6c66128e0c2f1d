"""Research notebooks work from extracts (issue 8), and give the store's answer there.

- outcome_study and network_analysis run under papermill from an extract folder (the database
  they are pointed at is never opened) and show no name, e-mail, phone or address, and no
  raw database id: every id they show is a pseudonym of the extract;
- analysis_table and the network functions on an extract give the same treatment, outcome
  and graph counts as on the store restricted to the people who consented to research
  (joined person by person through the pseudonyms of the same key);
- the outcome estimate from an extract of the full synthetic data still covers the planted
  effect;
- the matching study (which stays on the store) publishes no small count.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from mentorkit import network, vocab
from mentorkit.matching import study
from mentorkit.outcomes import analysis_table, effect, landmark
from mentorkit.outcomes.report import participation
from mentorkit.privacy.extract import research_extract
from mentorkit.privacy.extract_files import write_extract
from mentorkit.privacy.pseudonyms import load_key, pseudonymise
from mentorkit.store import Store
from mentorkit.synth import generate

ROOT = Path(__file__).resolve().parents[1]
OUTCOME = ROOT / "notebooks" / "outcome_study.ipynb"
NETWORK = ROOT / "notebooks" / "network_analysis.ipynb"
MATCHING = ROOT / "notebooks" / "matching_study.ipynb"
KEY = "a-test-key-for-the-research-notebooks"
COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
OUT = "employed_followup_12m"
K = 5
LABEL = re.compile(r"\b(mentor|mentee|person|resource_person|partner|event):([0-9A-Za-z]+)")


@pytest.fixture(scope="module")
def ds():
    return generate(seed=0, scale=0.3)


@pytest.fixture(scope="module")
def store(ds, tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store.open(str(tmp_path_factory.mktemp("research") / "demo.db"), actor="test")
    s.load(ds)
    return s


@pytest.fixture(scope="module")
def extract(store: Store) -> dict[str, pd.DataFrame]:
    return research_extract(store, key=KEY)


@pytest.fixture(scope="module")
def folder(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = research_extract(store, key=KEY, agreement="DSA test: research notebooks",
                              expires=dt.date(2099, 1, 1))
    return write_extract(tables, tmp_path_factory.mktemp("export") / "extract", key=KEY)


def consenting(person: pd.DataFrame) -> set[int]:
    """Ids of the people whose consent covers research and who are not erased."""
    scope = person["consent_scope"].map(lambda s: isinstance(s, (list, tuple))
                                        and "research" in s)
    return set(person.loc[scope.astype(bool) & person["erased_at"].isna(), "id"].astype(int))


def in_extract(store: Store, extract: dict[str, pd.DataFrame]) -> set[int]:
    """Ids of the research-consenting people the extract holds (k-anonymity leaves out the
    few who stay alone in their programme, role and gender even with everything blanked)."""
    shown = set(extract["person"]["id"])
    ids = consenting(store.table("person"))
    kept = {i for i, p in zip(sorted(ids), pseudonyms(pd.Series(sorted(ids)), "person"))
            if p in shown}
    assert len(ids) - len(kept) == int(extract["manifest"]["people_left_out"].iloc[0])
    return kept


def consenting_tables(store: Store, ids: set[int]) -> network.Tables:
    """The store restricted to research-consenting people ``ids``, as docs/data-protection.md
    says an extract is: their rows, their matches (a mentor who did not consent left empty),
    their outcomes and attendance; programmes, partners and events whole."""
    person = store.table("person")
    match = store.table("match")
    match = match[match["mentee_id"].isin(ids)].copy()
    match["mentor_id"] = match["mentor_id"].where(match["mentor_id"].isin(ids))
    outcome, attendance = store.table("outcome"), store.table("attendance")
    return network.Tables(person=person[person["id"].isin(ids)], match=match,
                          partner=store.table("partner"),
                          outcome=outcome[outcome["person_id"].isin(ids)],
                          event=store.table("event"),
                          attendance=attendance[attendance["person_id"].isin(ids)],
                          programme=store.table("programme"))


def pseudonyms(values: pd.Series, domain: str) -> pd.Series:
    return pseudonymise(values, load_key(KEY), domain=domain)


# --- analysis_table -------------------------------------------------------------------


def test_analysis_table_on_an_extract_gives_the_stores_answer(store: Store, extract) -> None:
    whole = analysis_table(store)
    ref = whole[whole["person_id"].isin(in_extract(store, extract))].copy()
    ref["person_id"] = pseudonyms(ref["person_id"], "person").to_numpy()
    got = analysis_table(extract)
    assert len(got) == len(ref) > 100 and got["person_id"].str.fullmatch("[0-9a-f]{16}").all()
    both = ref.merge(got, on="person_id", suffixes=("_store", "_extract"), validate="1:1")
    assert len(both) == len(ref)
    exact = ["programme", "gender", "male", "language_rank", "education_rank",
             "employment_status_intake", "matched", "completed", "ended_early"] + [
                 f"{m}_{p}" for m in ("employed", "job_or_education",
                                                         "hours", "confidence")
                                      for p in vocab.OUTCOME_PHASES.codes]
    for column in exact:
        pd.testing.assert_series_equal(both[f"{column}_store"], both[f"{column}_extract"],
                                       check_names=False, check_dtype=False, obj=column)
    # registration dates are the first day of their period (a year here); the other dates
    # moved back with them, so the days to a match and to a job above are exact
    grain = extract["manifest"]["registration_grain"].iloc[0]
    start = both["registered_on_store"].dt.to_period({"month": "M", "quarter": "Q",
                                                      "year": "Y"}[grain]).dt.start_time
    shown = both["registered_on_extract"].notna()  # else blanked by the k-anonymity
    assert shown.mean() > 0.7
    assert (both.loc[shown, "registered_on_extract"] == start[shown]).all()
    for column in ("days_to_match", "days_to_job", "job"):
        pd.testing.assert_series_equal(both.loc[shown, f"{column}_store"],
                                       both.loc[shown, f"{column}_extract"],
                                       check_names=False, check_dtype=False, obj=column)
    # from the middle of five-year bands, or of ten- or twenty-year bands where the
    # k-anonymity widened them; blank where it blanked them
    for column, most in (("age", 10), ("years_in_country", 2)):
        store_, extract_ = both[f"{column}_store"], both[f"{column}_extract"]
        off = (store_ - extract_).abs()
        assert off.max() <= most and off.gt(0).any(), column
        assert extract_.isna()[store_.isna()].all() and extract_.notna().mean() > 0.5
    # the counts a report publishes are the same
    pd.testing.assert_frame_equal(participation(ref, OUT, min_cell=K),
                                  participation(got, OUT, min_cell=K))


def test_a_programme_is_chosen_by_name_or_pseudonym_in_an_extract(extract) -> None:
    every = analysis_table(extract)
    by_name = analysis_table(extract, programme="groningen", period="2020:")
    assert set(by_name["programme"]) == {"Groningen"}
    assert len(by_name) == int(((every["programme"] == "Groningen")
                                & (every["registered_on"] >= "2020-01-01")).sum())
    pid = extract["programme"].set_index("name").at["Groningen", "id"]
    assert analysis_table(extract, programme=pid).equals(analysis_table(extract,
                                                                        programme="Groningen"))
    from mentorkit.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no programme called"):
        analysis_table(extract, programme="Atlantis")


def test_the_estimate_from_an_extract_still_covers_the_planted_effect() -> None:
    """Full synthetic data (seed 0): the extract keeps the mentees who consented to research
    (about four in five) with ages and years in the country from five-year bands and dates
    moved per person. The design respects time (a landmark: matched by day 180 against not
    yet matched, among those still without a job): "ever matched" at follow-up is not one,
    since a job found while waiting ends the wait."""
    full = generate(seed=0)
    truth = full.truth
    days, horizon = truth.landmark_days, truth.horizon_days
    from_store = landmark(analysis_table(full), days, horizon, covariates=COVS)
    extract = analysis_table(research_extract(full, key=KEY))
    from_extract = landmark(extract, days, horizon, covariates=COVS)
    assert from_store.covers(truth.landmark_rd) and from_extract.covers(truth.landmark_rd)
    assert from_extract.n_treated < from_store.n_treated
    assert abs(from_extract.estimate - from_store.estimate) < 0.05
    naive = effect(extract, "matched", OUT, method="difference")
    assert abs(from_extract.estimate - truth.landmark_rd) < abs(naive.estimate - truth.landmark_rd)


# --- network ----------------------------------------------------------------------------


# a period cuts the store's matches by their dates and the extract's by dates moved back with
# the registration date: only whole-history counts can agree exactly
@pytest.mark.parametrize("programme, period", [("", ""), ("Vollsmose", "")])
def test_network_on_an_extract_gives_the_stores_counts(store: Store, extract, programme: str,
                                                      period: str) -> None:
    ref = network.restrict(consenting_tables(store, in_extract(store, extract)),
                           programme=programme, period=period)
    got = network.restrict(network.Tables.of(extract), programme=programme, period=period)
    assert len(got.person) == len(ref.person) and len(got.match) == len(ref.match)
    R_ref, R_got = network.build("relationship", ref), network.build("relationship", got)
    assert network.summary(R_got).nodes_by_role == network.summary(R_ref).nodes_by_role
    assert R_got.number_of_edges() == R_ref.number_of_edges() > 0
    assert sorted(network.degrees(R_got)) == sorted(network.degrees(R_ref))
    growth_got, growth_ref = network.growth(R_got, "quarter"), network.growth(R_ref, "quarter")
    assert growth_got["new_pairs"].sum() == growth_ref["new_pairs"].sum()  # quarters moved
    flow_ref = network.partner_flow(ref.person, ref.partner, ref.match, ref.outcome)
    flow_got = network.partner_flow(got.person, got.partner, got.match, got.outcome)
    flow_ref.index = "partner:" + pseudonyms(pd.Series(flow_ref.index.str[8:].astype(int)),
                                             "partner")
    counts = ["referred", "matched", "outcome_known", "employed", "education"]
    pd.testing.assert_frame_equal(flow_got[counts].sort_index(), flow_ref[counts].sort_index(),
                                  check_names=False)
    E_ref, E_got = network.build("event", ref), network.build("event", got)
    assert E_got.number_of_edges() == E_ref.number_of_edges()
    assert network.summary(E_got).nodes_by_role == network.summary(E_ref).nodes_by_role
    text = network.findings(got, min_cell=K)
    assert not re.search(r"(mentor|partner):\d+\b(?![0-9a-f])", text)


def test_a_mentor_who_did_not_consent_leaves_the_mentee_matched(store: Store, extract) -> None:
    t = network.Tables.of(extract)
    assert t.match["mentor_id"].isna().any()       # the demo has such mentors
    lonely = t.match.loc[t.match["mentor_id"].isna() & t.match["started_on"].notna(),
                         "mentee_id"]
    kept = network.restrict(t, programme="", period="")
    assert lonely.isin(kept.match["mentee_id"]).all()
    flow = network.participant_outcomes(kept.person, kept.match, kept.outcome)
    assert flow.loc[flow["person_id"].isin(lonely), "matched"].all()


# --- the notebooks ----------------------------------------------------------------------


def _outputs(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)


def _personal(ds) -> set[str]:
    p = ds.person
    values = set((p["first_name"] + " " + p["last_name"]).dropna())
    values |= set(p["email"].dropna()) | set(p["phone"].dropna()) | set(p["address"].dropna())
    return {v for v in values if len(v) > 4}


def _extract_ids(folder: Path) -> set[str]:
    from mentorkit.privacy.extract_files import read_extract

    tables = read_extract(folder, key=KEY)
    return {v for name, df in tables.items() if name != "manifest" for c in df.columns
            if c == "id" or c.endswith("_id") or c == "referred_by" for v in df[c].dropna()}


def test_research_notebooks_declare_an_extract_and_read_no_store() -> None:
    for path in (OUTCOME, NETWORK):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        params = code[0].source
        assert re.search(r'^extract = ""\s+# folder written by `mentorkit extract`; "" makes a '
                         r"one-off extract of db in memory", params, re.M), path.name
        assert re.search(r"^min_cell = 0\s+#.*MENTORKIT_MIN_CELL", params, re.M), path.name
        source = "\n".join(c.source for c in code)
        assert "tables = research_tables(extract, db or None)" in source
        assert "Store" not in source and "store.table" not in source
    nb = nbformat.read(MATCHING, as_version=4)
    assert "Why this notebook reads the case store" in nb.cells[0].source
    assert re.search(r"^min_cell = 0\s+#.*MENTORKIT_MIN_CELL", nb.cells[1].source, re.M)


@pytest.mark.slow
def test_outcome_notebook_runs_from_an_extract_without_ids_or_names(ds, folder: Path,
                                                                   tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)  # verifies the extract's signature
    never = tmp_path / "never-opened.db"
    out = tmp_path / "outcome.ipynb"
    papermill.execute_notebook(
        str(OUTCOME), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
        parameters={"db": str(never), "extract": str(folder), "programme": "Groningen",
                    "lang": "da", "n_boot": 40})
    assert not never.exists()
    shown = _outputs(out)
    assert "Med mentor" in shown and "Groningen" in shown
    assert not [v for v in _personal(ds) if v in shown]
    assert not LABEL.search(shown)
    hexes = set(re.findall(r"\b[0-9a-f]{16}\b", shown))
    assert hexes <= _extract_ids(folder)


@pytest.mark.slow
def test_network_notebook_runs_from_an_extract_without_ids_or_names(ds, folder: Path,
                                                                   tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)  # verifies the extract's signature
    never = tmp_path / "never-opened.db"
    out = tmp_path / "network.ipynb"
    papermill.execute_notebook(
        str(NETWORK), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
        parameters={"db": str(never), "extract": str(folder), "programme": "Groningen",
                    "graph_kind": "referral", "lang": "en", "min_cell": K})
    assert not never.exists()
    shown = _outputs(out)
    assert "How many mentees a mentor has" in shown and shown.count("image/png") == 5
    assert not [v for v in _personal(ds) if v in shown]
    labels = LABEL.findall(shown)
    assert labels and {role for role, _ in labels} >= {"mentor", "partner"}
    ids = _extract_ids(folder)
    assert all(re.fullmatch("[0-9a-f]{16}", value) and value in ids for _, value in labels), \
        [v for _, v in labels if v not in ids][:5]


# --- the matching study's tables ------------------------------------------------------


def test_matching_study_tables_publish_no_small_count(store: Store) -> None:
    people, matches = store.table("person"), store.table("match")
    pid = study.programme_id(store.table("programme"), "Groningen")
    cohort, mentors, history = study.pool(people, matches, pid, waiting="cohort")
    summary, results = study.compare(cohort, mentors, history)

    def small(values) -> list:
        numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
        return [v for v in numbers.dropna() if 0 < v < K]

    left = study.unmatched_by_group(cohort, results, min_cell=K)
    assert not small(left["mentees"]) and not small(left["unmatched"])
    assert not small(left["mentees"] - left["unmatched"])          # the matched in a group
    assert left.loc[left["mentees"].isna() | left["unmatched"].isna(),
                    "share_unmatched"].isna().all()
    raw = study.unmatched_by_group(cohort, results, min_cell=1)
    assert raw["mentees"].notna().all() and left["mentees"].isna().any()
    shown = study.method_summary(summary, len(cohort), K)
    assert not small(shown["matched"]) and not small(len(cohort) - shown["matched"])
    pressure = study.greedy_pressure(results, min_cell=K)
    counts = pressure[~pressure["measure"].str.contains("%")]
    assert not small(counts["value"])
    blocked = study.blocked_shares(results["optimal"].scores, min_cell=K)
    assert not small(blocked["pairs"])
    sizes = study.pool_sizes({"cohort": (cohort, mentors), "none": (cohort.head(3), mentors)}, K)
    assert sizes.loc["none", "mentees"] is pd.NA and int(sizes.loc["cohort", "mentees"]) == len(
        cohort)
    assert np.isclose(float(shown["share_matched"].dropna().iloc[0]) * len(cohort),
                      float(shown["matched"].dropna().iloc[0]))

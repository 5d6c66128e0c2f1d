"""analysis_table: one row per mentee, built the same from a Store and a Dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mentorkit import vocab
from mentorkit.errors import NotFoundError, ValidationError
from mentorkit.outcomes import MEASURES, analysis_table
from mentorkit.store import Store
from mentorkit.synth import generate


@pytest.fixture(scope="module")
def ds():
    return generate(seed=0, scale=0.5)


@pytest.fixture(scope="module")
def table(ds):
    return analysis_table(ds)


def test_one_row_per_mentee_and_no_personal_data(ds, table):
    mentees = ds.person[ds.person["role"] == "mentee"]
    assert len(table) == len(mentees)
    assert table["person_id"].is_unique
    assert set(table["person_id"]) == set(mentees["id"].astype(int))
    personal = {"first_name", "last_name", "email", "phone", "address", "notes", "postcode",
                "birth_year"}
    assert not personal & set(table.columns)


def test_treatment_is_a_started_match(ds, table):
    started = set(ds.match.loc[ds.match["started_on"].notna(), "mentee_id"].astype(int))
    got = set(table.loc[table["matched"], "person_id"])
    assert got == started
    declined_only = (set(ds.match.loc[ds.match["status"] == "declined", "mentee_id"].astype(int))
                     - started)
    assert not declined_only & got
    completed = set(ds.match.loc[ds.match["status"] == "completed", "mentee_id"].astype(int))
    assert set(table.loc[table["completed"], "person_id"]) == completed
    assert (table.loc[table["matched"], "days_to_match"] > 0).all()
    assert table.loc[~table["matched"], "days_to_match"].isna().all()


def test_covariates_follow_the_confounder_definitions(ds, table):
    p = ds.person.set_index("id").loc[table["person_id"]]
    year = p["registered_on"].dt.year.to_numpy()
    assert np.array_equal(table["age"].to_numpy(), (year - p["birth_year"]).to_numpy(float))
    assert np.array_equal(table["years_in_country"].to_numpy(),
                          (year - p["arrival_year"]).to_numpy(float))
    assert np.array_equal(table["language_rank"].to_numpy(),
                          [vocab.LANGUAGE_LEVELS.rank(c) for c in p["language_level"]])
    assert np.array_equal(table["male"].to_numpy(), (p["gender"] == "male").to_numpy(int))
    assert set(ds.truth.confounders) <= set(table.columns)


def test_outcome_columns_match_outcome_rows(ds, table):
    o = ds.outcome[ds.outcome["phase"] == "followup_12m"].set_index("person_id")
    sub = table.set_index("person_id").loc[o.index]
    expected = o["employment_status"].isin(vocab.EMPLOYED).astype(float)
    assert np.array_equal(sub["employed_followup_12m"].to_numpy(), expected.to_numpy())
    assert np.array_equal(sub["hours_followup_12m"].to_numpy(), o["hours_per_week"].to_numpy())
    missing = set(table["person_id"]) - set(o.index)
    assert table.set_index("person_id").loc[sorted(missing), "employed_followup_12m"].isna().all()
    for m in MEASURES:
        for p in vocab.OUTCOME_PHASES.codes:
            assert f"{m}_{p}" in table.columns


def test_time_to_job_event_and_censoring(ds, table):
    reg = ds.person.set_index("id")["registered_on"]
    jobs = ds.outcome[ds.outcome["job_start_date"].notna()]
    first = jobs.groupby("person_id")["job_start_date"].min()
    t = table.set_index("person_id")
    had = t.loc[first.index]
    assert (had["job"] == 1).all()
    assert np.array_equal(had["days_to_job"].to_numpy(),
                          (first - reg.loc[first.index]).dt.days.to_numpy(float))
    later = ds.outcome[ds.outcome["phase"] != "intake"].groupby("person_id")["recorded_on"].max()
    cens = t[(t["job"] == 0)]
    expected = (later.loc[cens.index] - reg.loc[cens.index]).dt.days.to_numpy(float)
    assert np.array_equal(cens["days_to_job"].to_numpy(), expected)
    no_follow = t[~t.index.isin(later.index)]
    assert no_follow["days_to_job"].isna().all() and no_follow["job"].isna().all()


def test_programme_and_period_filters(ds, table):
    g = analysis_table(ds, programme="groningen")
    assert set(g["programme"]) == {"Groningen"}
    assert len(g) == (table["programme"] == "Groningen").sum()
    pid = int(ds.programme.loc[ds.programme["name"] == "Vollsmose", "id"].iloc[0])
    assert set(analysis_table(ds, programme=pid)["programme"]) == {"Vollsmose"}
    assert set(analysis_table(ds, programme=str(pid))["programme"]) == {"Vollsmose"}
    y = analysis_table(ds, period="2019")
    assert set(y["registered_on"].dt.year) == {2019}
    r = analysis_table(ds, period="2019-03-01:2020-06-30")
    assert r["registered_on"].min() >= pd.Timestamp("2019-03-01")
    assert r["registered_on"].max() <= pd.Timestamp("2020-06-30")
    both = analysis_table(ds, period=("2019", "2020"))
    assert set(both["registered_on"].dt.year) == {2019, 2020}
    assert len(analysis_table(ds, programme="", period="")) == len(table)


def test_bad_filters_say_what_is_wrong(ds):
    with pytest.raises(NotFoundError, match="no programme called"):
        analysis_table(ds, programme="Atlantis")
    with pytest.raises(NotFoundError):
        analysis_table(ds, programme=99)
    with pytest.raises(ValidationError, match="not a year or a date"):
        analysis_table(ds, period="soon")
    with pytest.raises(ValidationError, match="ends before"):
        analysis_table(ds, period="2021:2019")
    with pytest.raises(ValidationError, match="Store or a Dataset"):
        analysis_table(object())


def test_store_gives_the_same_table_as_the_dataset(ds, table):
    store = Store.open(":memory:")
    store.load(ds)
    from_store = analysis_table(store)
    pd.testing.assert_frame_equal(from_store, table, check_dtype=False)


def test_erased_people_are_left_out(ds):
    person = ds.person.copy()
    victim = int(person.loc[person["role"] == "mentee", "id"].iloc[0])
    person.loc[person["id"] == victim, "erased_at"] = pd.Timestamp("2026-01-01")
    from dataclasses import replace

    t = analysis_table(replace(ds, person=person))
    assert victim not in set(t["person_id"])

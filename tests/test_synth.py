"""Synthetic programme data: reproducible, plausible, valid, and the shipped CSVs match."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mentorkit import vocab
from mentorkit.model.dataset import Dataset
from mentorkit.model.dictionary import END, START, data_dictionary
from mentorkit.model.validation import validate_frame
from mentorkit.synth import PROGRAMMES, generate

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate(seed=0)


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = generate(seed=5, scale=0.3), generate(seed=5, scale=0.3), generate(seed=6, scale=0.3)
    for name in a.tables():
        pd.testing.assert_frame_equal(a.tables()[name], b.tables()[name])
    assert a.truth == b.truth
    assert not a.person["first_name"].equals(c.person["first_name"])


def test_shipped_csv_files_equal_generate_seed_0(demo: Dataset) -> None:
    shipped = Dataset.from_csv(DATA)
    for name, df in demo.tables().items():
        pd.testing.assert_frame_equal(shipped.tables()[name], df, check_exact=False, rtol=1e-9,
                                      obj=name)
    assert shipped.truth == demo.truth


def test_data_dictionary_is_up_to_date() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    block = text[text.index(START):text.index(END) + len(END)]
    assert block == data_dictionary(), "run `make data` to regenerate the dictionary"


def test_every_table_passes_the_import_rules(demo: Dataset) -> None:
    for name, df in demo.tables().items():
        assert validate_frame(name, df) == [], name


def test_programmes_are_the_real_ones(demo: Dataset) -> None:
    assert demo.programme["name"].tolist() == [
        "Vollsmose", "Skovparken", "Tingbjerg", "Langkærparken", "Groningen"]
    tingbjerg = demo.target.merge(demo.grant, left_on="grant_id", right_on="id")
    tingbjerg = tingbjerg[tingbjerg["programme_id"] == 3]
    assert sorted(zip(tingbjerg["group_value"], tingbjerg["value"])) == [("female", 12),
                                                                          ("male", 11)]
    groningen = demo.person[demo.person["programme_id"] == 5]
    assert groningen["email"].str.endswith("@example.nl").all()
    assert (demo.person["email"].str.contains("@example.")).all()


def test_every_mentee_has_an_intake_outcome(demo: Dataset) -> None:
    mentees = demo.person.loc[demo.person["role"] == "mentee", "id"]
    intake = demo.outcome.loc[demo.outcome["phase"] == "intake", "person_id"]
    assert set(mentees) == set(intake)
    assert not demo.outcome.duplicated(["person_id", "phase"]).any()


def test_match_dates_inside_programme_dates_and_ordered(demo: Dataset) -> None:
    m = demo.match.merge(demo.programme[["id", "start_date", "end_date"]],
                         left_on="programme_id", right_on="id", suffixes=("", "_p"))
    started = m[m["started_on"].notna()]
    assert (started["started_on"] >= started["start_date"]).all()
    assert (started["started_on"] <= started["end_date"]).all()
    ended = m[m["ended_on"].notna()]
    assert (ended["ended_on"] <= ended["end_date"]).all()
    assert (ended["ended_on"] >= ended["started_on"]).all()
    assert (started["proposed_on"] <= started["started_on"]).all()
    people = demo.person.set_index("id")
    assert (people.loc[m["mentee_id"], "role"] == "mentee").all()
    assert (people.loc[m["mentor_id"], "role"] == "mentor").all()
    assert (people.loc[m["mentee_id"], "programme_id"].to_numpy() == m["programme_id"]).all()


def test_mentor_capacity_is_respected_at_every_moment(demo: Dataset) -> None:
    as_of = pd.Timestamp("2026-10-31")
    m = demo.match[demo.match["status"].isin(["active", "completed", "ended_early",
                                              "proposed"])].copy()
    m["begin"] = m["started_on"].fillna(m["proposed_on"])
    m["finish"] = m["ended_on"].fillna(as_of)
    capacity = demo.person.set_index("id")["capacity"]
    events = pd.concat([m[["mentor_id", "begin"]].rename(columns={"begin": "day"}).assign(d=1),
                        m[["mentor_id", "finish"]].rename(columns={"finish": "day"})
                        .assign(day=lambda x: x["day"] + pd.Timedelta(days=1), d=-1)])
    events = events.sort_values(["mentor_id", "day", "d"])
    events["load"] = events.groupby("mentor_id")["d"].cumsum()
    peak = events.groupby("mentor_id")["load"].max()
    assert (peak <= capacity.loc[peak.index].to_numpy()).all()
    assert peak.max() >= 2  # the check has teeth: some mentors do take several mentees


def test_preferences_and_women_only_programmes(demo: Dataset) -> None:
    people = demo.person.set_index("id")
    started = demo.match[demo.match["status"] != "declined"]
    pref = people.loc[started["mentee_id"], "preferred_mentor_gender"].to_numpy()
    mentor_gender = people.loc[started["mentor_id"], "gender"].to_numpy()
    assert ((pref == "any") | (pref == mentor_gender)).all()
    for pid, spec in enumerate(PROGRAMMES, start=1):
        genders = set(demo.person.loc[demo.person["programme_id"] == pid, "gender"])
        if spec.share_men == 0:
            assert genders == {"female"} | ({"male"} & set(
                demo.person.loc[(demo.person["programme_id"] == pid)
                                & (demo.person["role"] == "resource_person"), "gender"]))


def test_distributions_are_plausible(demo: Dataset) -> None:
    p = demo.person
    mentees, mentors = p[p["role"] == "mentee"], p[p["role"] == "mentor"]
    age = mentees["registered_on"].dt.year - mentees["birth_year"]
    assert 30 <= age.mean() <= 45 and age.min() >= 18
    assert (mentees["arrival_year"] >= mentees["birth_year"]).all()
    assert (mentees["country_of_origin"] != "DK").all()
    assert mentees["goals"].map(lambda g: "job" in g).mean() > 0.6
    assert set(mentors["capacity"].dropna()) <= {1, 2, 3}
    assert mentees["employment_status"].isin(["unemployed", "outside_labour_force",
                                              "in_training", "employed_part_time"]).all()
    durations = (demo.match["ended_on"] - demo.match["started_on"]).dt.days.dropna()
    completed = demo.match["status"] == "completed"
    assert durations[completed].median() > 120
    share_early = (demo.match["status"] == "ended_early").sum() / demo.match[
        "status"].isin(["completed", "ended_early"]).sum()
    assert 0.1 < share_early < 0.3
    assert {"active", "proposed", "declined"} <= set(demo.match["status"])


def test_outcomes_near_what_programmes_publish(demo: Dataset) -> None:
    started = demo.match.loc[demo.match["started_on"].notna(), "mentee_id"]
    end = demo.outcome[demo.outcome["phase"] == "end"].copy()
    end["treated"] = end["person_id"].isin(started)
    share = end.assign(ok=end["employment_status"].isin(vocab.JOB_OR_EDUCATION)) \
        .groupby("treated")["ok"].mean()
    assert 0.35 <= share[True] <= 0.65      # KVINFO: 44-59% in job or education (2021)
    assert share[False] < share[True]


def test_planted_effect_is_confounded(demo: Dataset) -> None:
    truth = demo.truth
    assert 0.05 < truth.att < 0.3 and truth.hazard_ratio > 1
    started = demo.match.loc[demo.match["started_on"].notna(), "mentee_id"]
    o12 = demo.outcome[demo.outcome["phase"] == "followup_12m"]
    employed = o12["employment_status"].isin(vocab.EMPLOYED)
    treated = o12["person_id"].isin(started)
    naive = employed[treated].mean() - employed[~treated].mean()
    assert treated.sum() == truth.n_treated and (~treated).sum() == truth.n_control
    assert naive > truth.att + 0.1  # visibly biased upwards by confounding


def test_scale_changes_size() -> None:
    small, big = generate(seed=1, scale=0.2), generate(seed=1, scale=0.6)
    assert len(big.person) > 2.5 * len(small.person)
    for role, planned in (("mentee", sum(p.mentees for p in PROGRAMMES)),
                          ("mentor", sum(p.mentors for p in PROGRAMMES))):
        for ds, scale in ((small, 0.2), (big, 0.6)):
            assert np.isclose((ds.person["role"] == role).sum(), scale * planned, rtol=0.05)
        per_programme = small.person[small.person["role"] == role].groupby("programme_id").size()
        wanted = [getattr(p, role + "s") * 0.2 for p in PROGRAMMES]
        assert np.allclose(per_programme.to_numpy(), wanted, atol=1), role


def test_a_job_ends_the_wait_and_the_effect_starts_at_the_match() -> None:
    effect, null = generate(seed=2, scale=0.5), generate(seed=2, scale=0.5, hazard_ratio=1.0)
    # who is matched, and when, does not depend on the planted effect (a job while waiting
    # ends the wait in both worlds, and the effect only acts from the start)
    pd.testing.assert_frame_equal(effect.match, null.match)
    started = effect.match.dropna(subset=["started_on"]).groupby("mentee_id")["started_on"].min()

    def first_job(ds: Dataset) -> pd.Series:
        return ds.outcome.dropna(subset=["job_start_date"]).groupby("person_id")[
            "job_start_date"].min()

    a, b = first_job(effect), first_job(null)
    both = a.index.intersection(b.index)
    never = both.difference(started.index)
    assert len(never) > 20 and (a[never] == b[never]).all()
    matched = both.intersection(started.index)
    assert len(matched) > 20
    s = started[matched]
    assert (b[matched] >= s).all()                     # no matched mentee had a job before
    sooner = (a[matched] - s).dt.days
    expected = (b[matched] - s).dt.days / effect.truth.hazard_ratio
    assert (np.abs(sooner - expected) <= 1.0).all()
    assert effect.truth.effect_starts == "match_start"
    assert effect.truth.landmark_days == 180 and effect.truth.horizon_days == 365
    assert 0.05 < effect.truth.landmark_rd < 0.25


def test_planted_null_has_no_effect_on_any_scale() -> None:
    truth = generate(seed=1, scale=0.5, hazard_ratio=1.0).truth
    assert truth.hazard_ratio == 1.0
    assert truth.att == 0.0 and truth.ate == 0.0 and truth.landmark_rd == 0.0
    assert truth.landmark_n_treated > 20 and truth.landmark_n_control > 20

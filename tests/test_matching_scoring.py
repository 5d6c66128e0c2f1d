"""Scoring: vectorised scores equal the per-criterion reference, explanations add up, hard rules
block the right pairs, suggestions rank and explain in da/en/nl, settings round-trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mentorkit.errors import MatchingError
from mentorkit.matching import (
    CRITERIA,
    MatchSettings,
    Weights,
    explain,
    prepare,
    score,
    slider_spec,
    solve,
    suggest,
    why_not,
)
from mentorkit.matching import settings as st
from mentorkit.matching.explanation import pair_points
from mentorkit.matching.scoring import combine, criterion_values
from mentorkit.synth import generate
from mentorkit.synth.pool import random_instance, synthetic_pool


@pytest.fixture(scope="module")
def demo():
    ds = generate(seed=0, scale=0.3)
    people = ds.person
    return people[people.role == "mentee"], people[people.role == "mentor"], ds.match


def test_scores_equal_the_reference_bit_for_bit_and_lie_in_0_1(demo):
    mentees, mentors, matches = demo
    s = score(mentees, mentors, matches=matches)
    ref = combine(criterion_values(s.demand, s.supply, s.settings), s.settings)
    assert np.array_equal(ref, s.total)
    assert s.total.dtype == np.float32 and s.blocked.dtype == np.uint16
    assert s.total.min() >= 0 and s.total.max() <= 1


def test_explanations_sum_to_the_score(demo):
    mentees, mentors, matches = demo
    s = score(mentees, mentors, matches=matches, weights={"sector": 4, "age": 0})
    rng = np.random.default_rng(0)
    rows = rng.integers(0, s.shape[0], 300)
    cols = rng.integers(0, s.shape[1], 300)
    points = pair_points(s, rows, cols)
    summed = sum(points[c].astype(np.float64) for c in CRITERIA)
    assert np.allclose(summed, s.total[rows, cols], atol=1e-6)
    for lang in ("da", "en", "nl"):
        table = explain(s, int(s.mentee_ids[rows[0]]), int(s.mentor_ids[cols[0]]), lang=lang)
        assert table["points"].sum() == pytest.approx(float(s.total[rows[0], cols[0]]), abs=1e-6)
        assert table.loc[table.criterion == "age", "points"].item() == 0
        assert table["reason"].str.len().min() > 3


def test_each_criterion_scores_what_it_says():
    only = {c: 0.0 for c in CRITERIA}
    mentee = pd.DataFrame({"id": [1], "sector": ["health_care"], "goals": [["job", "network"]],
                           "languages": [["ar", "en"]], "availability": [["weekend"]],
                           "postcode": ["5240"], "neighbourhood": ["Bøgeparken"],
                           "education": ["primary"], "birth_year": [1980]})
    mentors = pd.DataFrame({
        "id": [2, 3, 4],
        "sector": ["health_care", "social_work", "it"],
        "goals": [["job", "network"], ["job"], []],
        "languages": [["ar"], ["en", "de"], ["da"]],
        "availability": [["weekend"], ["weekend", "weekday_evening"], ["weekday_daytime"]],
        "postcode": ["5240", "5240", "5700"],
        "neighbourhood": ["Bøgeparken", "Egeparken", "x"],
        "education": ["primary", "master", None],
        "birth_year": [1980, 1995, None],
        "capacity": [1, 1, 1],
    })
    expected = {"sector": [1, 0.5, 0], "goals": [1, 0.5, 0], "language": [1, 0.5, 0],
                "availability": [1, 1, 0], "geography": [1, 0.6, 0],
                "education": [1, 1 - 6 / 7, 0], "age": [1, 0.5, 0]}
    for criterion, values in expected.items():
        s = score(mentee, mentors, weights={**only, criterion: 1.0})
        assert s.total[0].tolist() == pytest.approx(values, abs=1e-6), criterion


def test_hard_rules_block_the_right_pairs():
    mentees = pd.DataFrame({"id": [1, 2, 3, 4], "programme_id": [1, 1, 2, 1],
                            "preferred_mentor_gender": ["female", "any", "any", "any"],
                            "availability": [["weekend"], [], [], []]})
    mentors = pd.DataFrame({"id": [10, 11, 12, 4], "programme_id": [1, 1, 1, 1],
                            "gender": ["male", "female", "female", "male"],
                            "availability": [["weekday_daytime"], [], [], []],
                            "capacity": [1, 2, 1, 1]})
    matches = pd.DataFrame({"mentee_id": [2, 50, 51], "mentor_id": [11, 12, 11],
                            "status": ["declined", "active", "proposed"]})
    s = score(mentees, mentors, matches=matches, rules={"require_shared_availability": True})

    def rules(a, b):
        i = int(np.flatnonzero(s.mentee_ids == a)[0])
        j = int(np.flatnonzero(s.mentor_ids == b)[0])
        return set(st.rule_names(int(s.blocked[i, j])))

    assert rules(1, 10) == {"gender", "availability"}
    assert rules(2, 11) == {"declined"}
    assert rules(3, 11) == {"programme"}
    assert "capacity" in rules(2, 12)             # its one place is taken by an active match
    assert rules(4, 4) == {"same_person"}
    assert rules(2, 10) == set() and rules(4, 11) == set()   # 11 has one place left
    relaxed = score(mentees, mentors, matches=matches,
                    rules={"same_programme": False, "respect_gender_preference": False,
                           "exclude_declined": False})
    assert relaxed.blocked[2, 1] == 0 and relaxed.blocked[1, 1] == 0


def test_mentees_already_matched_and_low_scores_are_left_out():
    mentees, mentors, matches = random_instance(3, 10, 5)
    matches = pd.concat([matches, pd.DataFrame({"mentee_id": [1], "mentor_id": [11],
                                                "status": ["active"]})])
    s = score(mentees, mentors, matches=matches, rules={"min_score": 0.4})
    assert (s.blocked[0] & st.ALREADY_MATCHED).all()
    low = s.total < 0.4
    assert ((s.blocked[low] & st.LOW_SCORE) != 0).all()
    assert ((s.blocked[~low] & st.LOW_SCORE) == 0).all()


def test_suggest_ranks_explains_and_agrees_with_score(demo):
    mentees, mentors, matches = demo
    s = score(mentees, mentors, matches=matches)
    row = mentees[mentees["id"] == int(s.mentee_ids[5])].iloc[0]
    encoded = prepare(mentors)
    for lang in ("da", "en", "nl"):
        top = suggest(row, encoded, k=5, matches=matches, lang=lang)
        assert top["score"].is_monotonic_decreasing and (top["blocked"] == "").all()
        i = 5
        allowed = np.flatnonzero(s.blocked[i] == 0)
        best = np.sort(s.total[i, allowed])[::-1][:5]
        assert top["score"].to_numpy() == pytest.approx(best.astype(float))
        for _, r in top.iterrows():
            assert sum(r["breakdown"].values()) == pytest.approx(r["score"], abs=1e-6)
    da = suggest(row, mentors, k=1, lang="da")["sector"].item()
    nl = suggest(row, mentors, k=1, lang="nl")["sector"].item()
    assert da != nl
    with_blocked = suggest(row, encoded, k=len(mentors), include_blocked=True, matches=matches)
    assert (with_blocked["blocked"] != "").any()
    assert with_blocked.iloc[-1]["blocked"] != ""            # blocked mentors come last


def test_slider_weights_change_the_ranking():
    mentees, mentors = synthetic_pool(30, seed=21)
    a = suggest(mentees.iloc[0], mentors, k=5)
    b = suggest(mentees.iloc[0], mentors, k=5, weights={c: (5 if c == "age" else 0.5)
                                                          for c in CRITERIA})
    assert a["mentor_id"].tolist() != b["mentor_id"].tolist()


def test_why_not_names_the_rule_or_the_better_alternative():
    mentees, mentors, matches = random_instance(5, 12, 5, max_capacity=1)
    s = score(mentees, mentors, matches=matches)
    result = solve(s)
    blocked = np.argwhere(s.blocked != 0)[0]
    w = why_not(s, int(s.mentee_ids[blocked[0]]), int(s.mentor_ids[blocked[1]]), result,
                lang="en")
    assert w.rules and w.lines[0].startswith("Not allowed")
    free = [(i, j) for i, j in np.argwhere(s.blocked == 0)
            if not ((result.rows == i) & (result.cols == j)).any()]
    i, j = free[0]
    w = why_not(s, int(s.mentee_ids[i]), int(s.mentor_ids[j]), result, lang="da")
    assert not w.rules and not w.in_proposal
    assert w.loss is not None and w.loss >= 0
    chosen = (int(s.mentee_ids[result.rows[0]]), int(s.mentor_ids[result.cols[0]]))
    assert why_not(s, *chosen, result).in_proposal


def test_settings_defaults_round_trip_and_validation():
    s = MatchSettings()
    assert MatchSettings.from_dict(s.to_dict()) == s
    assert [x["name"] for x in slider_spec("nl")] == list(CRITERIA)
    with pytest.raises(MatchingError, match="unknown criteria"):
        Weights.of({"height": 1})
    with pytest.raises(MatchingError, match="zero or more"):
        Weights(sector=-1)
    with pytest.raises(MatchingError, match="above zero"):
        Weights(**{c: 0 for c in CRITERIA})
    with pytest.raises(MatchingError, match="unknown rules"):
        MatchSettings.of(None, {"no_smokers": True})


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(MatchingError, match="'id'"):
        score(pd.DataFrame({"x": [1]}), pd.DataFrame({"id": [1]}))
    with pytest.raises(MatchingError, match="same id"):
        score(pd.DataFrame({"id": [1, 1]}), pd.DataFrame({"id": [2]}))
    with pytest.raises(MatchingError, match="one mentee"):
        suggest(pd.DataFrame({"id": [1, 2]}), pd.DataFrame({"id": [3]}))

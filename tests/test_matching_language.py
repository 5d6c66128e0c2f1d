"""The local-language criterion: the mentee's progress in Danish/Dutch is a criterion a
coordinator can weigh, with its own reason in da/en/nl (issue 16)."""

from __future__ import annotations

import pandas as pd
import pytest

from mentorkit.matching import explain, run, score, suggest
from mentorkit.matching.reasons import TEXT
from mentorkit.matching.settings import CRITERIA, CRITERION_LABELS, MatchSettings, slider_spec

ONLY = {c: 0.0 for c in CRITERIA}


def _mentors() -> pd.DataFrame:
    # 10: fluent Danish, no other language in common; 11: English only in common, B1 Danish;
    # 12: Danish only as a learner (A2), Arabic in common
    return pd.DataFrame({"id": [10, 11, 12], "languages": [[], ["en"], ["ar"]],
                         "language_level": ["C2", "B1", "A2"], "capacity": [1, 1, 1]})


def test_a_mentees_danish_at_a2_or_b2_now_counts() -> None:
    mentees = pd.DataFrame({"id": [1, 2, 3, 4, 5], "languages": [["en"]] * 5,
                            "language_level": ["none", "A1", "A2", "B2", None]})
    s = score(mentees, _mentors(), weights={**ONLY, "local_language": 1.0})
    # rows: mentee levels; columns: mentors C2 / B1 / A2
    assert s.total.ravel().tolist() == pytest.approx([0, 0, 0, 0.5, 0.25, 0, 0.75, 0.375, 0,
                                                      1, 0.5, 0, 0, 0, 0])


def test_a_mentor_who_lists_danish_supports_it_whatever_her_level() -> None:
    mentees = pd.DataFrame({"id": [1], "language_level": ["B1"]})
    mentors = pd.DataFrame({"id": [10, 11], "languages": [["da"], ["nl"]],
                            "language_level": [None, None]})
    s = score(mentees, mentors, weights={**ONLY, "local_language": 1.0})
    assert s.total.tolist() == [[1.0, 1.0]]
    s = score(mentees, mentors, weights={**ONLY, "local_language": 1.0},
              rules={"local_languages": ("da",)})
    assert s.total.tolist() == [[1.0, 0.0]]


def test_by_default_her_progress_in_danish_weighs_more_than_english_in_common() -> None:
    """A B2 mentee: a fluent Danish mentor with no other language in common ranks above a
    mentor with only English in common and weak Danish (before: the other way round)."""
    mentee = pd.DataFrame({"id": [1], "languages": [["en", "so"]], "language_level": ["B2"]})
    mentors = pd.DataFrame({"id": [10, 11], "languages": [[], ["en"]],
                            "language_level": ["C2", "A2"], "capacity": [1, 1]})
    s = score(mentee, mentors)
    assert s.total[0, 0] > s.total[0, 1]
    before = score(mentee, mentors, weights={"local_language": 0})
    assert before.total[0, 0] < before.total[0, 1]
    defaults = MatchSettings().weights
    assert defaults.local_language > defaults.language


def test_the_weight_is_a_slider_and_its_reasons_are_in_three_languages() -> None:
    spec = {d["name"]: d for d in slider_spec("da")}
    assert spec["local_language"]["label"] == "Dansk i praksis"
    assert spec["local_language"]["default"] == 2.0
    assert CRITERION_LABELS.text("local_language", "nl") == "Nederlands in de praktijk"
    assert not TEXT.problems() and not CRITERION_LABELS.problems()
    mentees = pd.DataFrame({"id": [1, 2, 3], "language_level": ["A2", "none", None]})
    mentors = _mentors()
    s = score(mentees, mentors)
    seen = {}
    for lang in ("da", "en", "nl"):
        table = explain(s, 1, 10, lang=lang).set_index("criterion")
        assert table.loc["local_language", "points"] > 0
        seen[lang] = table.loc["local_language", "reason"]
        assert table["points"].sum() == pytest.approx(float(s.total[0, 0]), abs=1e-6)
    assert seen == {"da": "Kan tale dansk sammen (mentee: A2 basis)",
                    "en": "Can work in Danish/Dutch together (mentee: A2 elementary)",
                    "nl": "Kunnen samen Nederlands spreken (mentee: A2 basis)"}
    assert explain(s, 1, 11, lang="en").set_index("criterion").loc[
        "local_language", "reason"] == "The mentor speaks some Danish/Dutch (B1 intermediate); " \
        "mentee: A2 elementary"
    assert explain(s, 1, 12, lang="da").set_index("criterion").loc[
        "local_language", "reason"] == "Mentoren taler ikke dansk nok til at øve sammen"
    assert explain(s, 2, 10, lang="nl").set_index("criterion").loc[
        "local_language", "reason"] == "Mentee spreekt nog geen Nederlands"
    assert explain(s, 3, 10, lang="en").set_index("criterion").loc[
        "local_language", "reason"] == "The mentee's Danish/Dutch level is unknown"
    found = suggest(mentees.iloc[:1], mentors, lang="da")
    assert found.iloc[0]["mentor_id"] == 10
    assert found.iloc[0]["local_language"].startswith("Kan tale dansk sammen")


def test_a_run_records_the_weight_and_a_level_change_changes_its_input() -> None:
    mentees = pd.DataFrame({"id": [1, 2], "language_level": ["A2", "B1"]})
    record, _ = run(mentees, _mentors(), weights={"local_language": 3})
    assert record.settings["weights"]["local_language"] == 3.0
    again, _ = run(mentees, _mentors(), weights={"local_language": 3})
    assert again.input_fingerprint == record.input_fingerprint
    moved, _ = run(mentees.assign(language_level=["B2", "B1"]), _mentors(),
                   weights={"local_language": 3})
    assert moved.input_fingerprint != record.input_fingerprint

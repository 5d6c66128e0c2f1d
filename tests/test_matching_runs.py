"""Match runs: saved to the store (audited), loaded back, and re-run to the same result."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mentorkit.errors import NotFoundError
from mentorkit.matching import load_run, proposals, rerun, run, save_run
from mentorkit.matching.study import pool
from mentorkit.store import Store
from mentorkit.synth import generate


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = Path(tmp_path_factory.mktemp("runs")) / "mentorkit.db"
    s = Store.open(str(path), actor="test")
    s.load(generate(seed=0, scale=0.2))
    return s


def test_a_saved_run_reruns_to_the_same_result(store: Store) -> None:
    people, matches = store.table("person"), store.table("match")
    mentees, mentors, history = pool(people, matches, programme=5, waiting="cohort")
    record, result = run(mentees, mentors, history, method="optimal", objective="coverage",
                         quotas={"gender=female": 3}, weights={"sector": 4},
                         forbidden=[(int(mentees.id.iloc[0]), int(mentors.id.iloc[0]))],
                         programme_id=5, made_by="coordinator anna")
    run_id = save_run(store, record)
    loaded = load_run(store, run_id)
    assert loaded.input_fingerprint == record.input_fingerprint
    assert loaded.result == record.result and loaded.n_matched == result.n_matched
    assert loaded.settings["weights"]["sector"] == 4.0
    audit = store.table("audit", table_name="match_run")
    assert audit["row_id"].tolist() == [run_id]
    assert audit["actor"].tolist() == ["coordinator anna"]
    assert "result" in audit["fields"].iloc[0]
    again = rerun(loaded, mentees, mentors, history)
    assert again.same_input and again.same_result
    changed = mentees.assign(sector="it")
    other = rerun(loaded, changed, mentors, history)
    assert not other.same_input


def test_a_run_record_holds_no_names(store: Store) -> None:
    people, matches = store.table("person"), store.table("match")
    mentees, mentors, history = pool(people, matches, programme=1, waiting="cohort")
    record, _ = run(mentees, mentors, history, programme_id=1)
    text = repr(record.settings) + repr(record.result)
    for name in people["first_name"].dropna().unique()[:50]:
        assert name not in text


def test_written_proposals_take_their_places_in_the_next_run(store: Store) -> None:
    people, matches = store.table("person"), store.table("match")
    mentees, mentors, history = pool(people, matches, programme=4, waiting="waiting")
    record, result = run(mentees, mentors, history, programme_id=4)
    rows = proposals(result, programme_id=4, made_by="run")
    assert len(rows) == result.n_matched >= 2
    written = rows.iloc[: len(rows) // 2]  # the coordinator keeps half of the proposal
    ids = store.matches.add_many(written, actor="test")
    assert len(ids) == len(written)
    saved = store.table("match", id=ids)
    assert (saved["status"] == "proposed").all()
    assert saved[["mentee_id", "mentor_id"]].values.tolist() == written[
        ["mentee_id", "mentor_id"]].values.tolist()
    assert saved["score_breakdown"].iloc[0].keys() == rows["score_breakdown"].iloc[0].keys()
    # the next run sees them: their mentees are not proposed again, their mentors' places
    # are taken, and the mentees not written still find mentors
    now = store.table("match")
    again, _ = run(mentees, mentors, now, programme_id=4)
    pairs = pd.DataFrame(again.result)
    assert again.n_matched > 0
    assert not set(pairs["mentee_id"]) & set(written["mentee_id"])
    taking = now.loc[now["status"].isin(["active", "proposed"]), "mentor_id"]
    load = pd.concat([taking, pairs["mentor_id"]]).value_counts()
    places = mentors.set_index("id")["capacity"]
    over = load.reindex(places.index, fill_value=0) - places
    assert not (over > 0).any(), f"mentors over capacity: {over[over > 0].to_dict()}"


def test_loading_an_unknown_run_fails_clearly(store: Store) -> None:
    with pytest.raises(NotFoundError, match="match_run"):
        load_run(store, 9999)


def test_rerun_detects_a_different_history() -> None:
    ds = generate(seed=1, scale=0.1)
    mentees, mentors, _ = pool(ds.person, ds.match, programme=5, waiting="cohort")
    record, _ = run(mentees, mentors, ds.match)
    fewer = ds.match[ds.match["status"] != "active"]
    assert not rerun(record, mentees, mentors, fewer).same_input
    assert rerun(record, mentees, mentors, ds.match).same_result
    assert isinstance(record.to_frame(), pd.DataFrame)

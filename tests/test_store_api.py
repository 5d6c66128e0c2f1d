"""The store's public API for everything outside it: match runs, consent, subject access,
erasure and its ledger, extracts, the one audit writer, the importer's look-ups, and the
one reader of "a Store, a Dataset or a mapping". Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from pathlib import Path

import pandas as pd
import pytest

from mentorkit.errors import NotFoundError, StoreError, ValidationError
from mentorkit.model.dataset import Dataset
from mentorkit.store import Store
from mentorkit.store.audit import DATABASE, write_audit
from mentorkit.store.lookups import columns, mentioning, rows_where

ROOT = Path(__file__).resolve().parents[1]

#: What the intake rules ask of a new person (mentorkit.casework.rules).
REGISTERED = {"registered_on": dt.date(2026, 1, 5), "consent_scope": ["casework"],
              "consent_given_at": dt.datetime(2026, 1, 5, 9)}


def _two_people(store: Store) -> tuple[int, int, int]:
    pid = store.programmes.add(name="Vollsmose")
    mentee = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
                              last_name="Hassan", email="amal@example.org", **REGISTERED)
    mentor = store.people.add(programme_id=pid, role="mentor", first_name="Bente",
                              last_name="Holm", email="bente@example.org", **REGISTERED)
    return pid, mentee, mentor


def test_only_the_audit_module_writes_audit_rows() -> None:
    """One audit writer: no other module builds an INSERT into the audit table."""
    writers = set()
    for path in sorted((ROOT / "mentorkit").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "insert" and "audit" in ast.unparse(node.func.value)):
                writers.add(path.relative_to(ROOT).as_posix())
    assert writers == {"mentorkit/store/audit.py"}


def test_the_audit_keeps_values_of_public_columns_only(store: Store) -> None:
    with store.transaction("anna") as conn:
        write_audit(conn, "anna", "update", "person", [1],
                    [{"id": 1, "email": "a@example.org", "role": "mentor"}],
                    [{"email": "b@example.org", "role": "mentee"}])
        write_audit(conn, "anna", "copy", DATABASE, [None], [{"person": 3}],
                    fields=["person", "audit"])
    row, event = store.table("audit").to_dict("records")
    assert row["fields"] == ["email", "role"]  # names of every field written, id not one
    assert row["after"] == {"role": "mentor"} and row["before"] == {"role": "mentee"}
    assert event["table_name"] == "*" and event["row_id"] is None
    assert event["after"] == {"person": 3} and event["fields"] == ["audit", "person"]


def test_transaction_state_and_actor(store: Store) -> None:
    assert not store.in_transaction and store.current_actor == "test"
    with store.transaction("anna"):
        assert store.in_transaction and store.current_actor == "anna"
        with store.transaction("bob"):  # joins the outer one, and its actor
            assert store.current_actor == "anna"
    assert not store.in_transaction and store.current_actor == "test"


def test_match_runs_are_saved_audited_and_read_back(store: Store) -> None:
    values = {"method": "optimal", "objective": "score", "settings": {"weights": {"a": 1}},
              "input_fingerprint": "f" * 64, "n_mentees": 2, "n_mentors": 1, "n_matched": 1,
              "total_score": 0.5, "result": {"mentee_id": [1], "mentor_id": [2]},
              "created_at": dt.datetime(2026, 2, 1, 12)}
    run_id = store.add_match_run(values, actor="coordinator")
    back = store.get_match_run(run_id)
    assert {k: back[k] for k in values} == values
    audit = store.table("audit", table_name="match_run")
    assert audit["row_id"].tolist() == [run_id] and audit["actor"].tolist() == ["coordinator"]
    with pytest.raises(NotFoundError, match="match_run: no row with id 999"):
        store.get_match_run(999)
    with pytest.raises(StoreError, match="unknown column"):
        store.add_match_run({**values, "colour": "red"})


def test_consent_changes_are_audited_recorded_and_refused_once_erased(store: Store) -> None:
    _, mentee, _ = _two_people(store)
    assert store.change_consent(mentee, "given", ["research"], actor="c") == ["casework",
                                                                            "research"]
    assert store.change_consent(mentee, "withdrawn", ["research"], actor="c") == ["casework"]
    records = store.table("consent", person_id=mentee)
    assert records["action"].tolist() == ["given", "withdrawn"]
    assert records["recorded_by"].tolist() == ["c", "c"]
    updates = store.table("audit", table_name="person", action="update")
    assert len(updates) == 2 and all("consent_scope" in f for f in updates["fields"])
    store.erase_person(mentee, reason="request")
    with pytest.raises(ValidationError, match="erased"):
        store.change_consent(mentee, "given", ["research"])


def test_person_record_holds_the_rows_and_audits_the_access(store: Store) -> None:
    pid, mentee, mentor = _two_people(store)
    match = store.matches.add(programme_id=pid, mentee_id=mentee, mentor_id=mentor,
                              status="active", proposed_on=dt.date(2026, 2, 1))
    other = store.people.add(programme_id=pid, role="mentor", first_name="Carl",
                             notes="Met Amal Hassan at the library", **REGISTERED)
    record = store.person_record(mentee, actor="coordinator")
    assert record["person"]["email"] == "amal@example.org"
    assert [m["id"] for m in record["matches"]] == [match]
    assert record["others"] == [{"first_name": "Bente", "last_name": "Holm",
                                 "email": "bente@example.org", "phone": None}]
    assert record["mentions"] == [{"table": "person", "row_id": other, "column": "notes"}]
    assert {(a["table_name"], a["row_id"]) for a in record["audit"]} == {
        ("person", mentee), ("match", match)}
    last = store.table("audit").iloc[-1]
    assert (last["action"], last["row_id"], last["actor"]) == ("access", mentee, "coordinator")
    with pytest.raises(NotFoundError):
        store.person_record(999)


def test_erasure_joins_an_open_transaction_and_rolls_back_with_it(store: Store) -> None:
    _, mentee, _ = _two_people(store)
    counts = store.counts()
    with pytest.raises(RuntimeError):
        with store.transaction("coordinator"):
            report = store.erase_person(mentee, reason="request")
            assert report.rows["person"] == 1 and store.people.get(mentee)["email"] is None
            raise RuntimeError("the outer work failed")
    assert store.people.get(mentee)["email"] == "amal@example.org"
    assert store.counts() == counts and store.erasure_ledger() == []


def test_the_ledger_file_is_written_and_reapplied(store: Store, tmp_path: Path) -> None:
    _, mentee, mentor = _two_people(store)
    ledger = tmp_path / "ledger.jsonl"
    report = store.erase_person(mentee, reason="request", ledger_file=ledger)
    assert not report.already_erased and report.mentions == 0
    from mentorkit.privacy.ledger import read_ledger_file

    entries = read_ledger_file(ledger)
    assert [e["person_id"] for e in entries] == [mentee] == [
        e["person_id"] for e in store.erasure_ledger()]
    assert store.erase_person(mentee, reason="request").already_erased
    again = store.reapply_erasures(
        [*entries, {"person_id": mentor, "person_created_at": "1999-01-01T00:00:00"},
         {"person_id": 999}], actor="restore")
    assert (again.already, again.reused, again.absent, again.erased) == ([mentee], [mentor],
                                                                         [999], [])
    assert store.people.get(mentor)["email"] == "bente@example.org"  # someone else's id


def test_record_extract_keeps_the_fact_not_the_content(store: Store) -> None:
    store.record_extract("DSA-7", dt.date(2099, 1, 1), {"person": 4, "match": 2}, actor="r")
    row = store.table("audit").iloc[-1]
    assert (row["action"], row["table_name"], row["actor"]) == ("extract", "*", "r")
    assert row["after"] == {"agreement": "DSA-7", "expires": "2099-01-01",
                            "rows": {"person": 4, "match": 2}}
    assert row["fields"] == ["match", "person"]


def test_lookups_read_columns_and_mentions(store: Store) -> None:
    pid, mentee, mentor = _two_people(store)
    assert columns(store, "person", ["id", "role"]).values.tolist() == [[mentee, "mentee"],
                                                                         [mentor, "mentor"]]
    found = rows_where(store, "person", ["email"], "id", [mentor, mentor, 999])
    assert found.to_dict("records") == [{"id": mentor, "email": "bente@example.org"}]
    store.people.update(mentor, notes="100% sure: AMAL HASSAN_x")
    with store.reading() as conn:
        assert mentioning(conn, "person", "notes", ["amal hassan"]) == [
            (mentor, "100% sure: AMAL HASSAN_x")]
        assert mentioning(conn, "person", "notes", ["%"]) == [(mentor, "100% sure: AMAL HASSAN_x")]
        assert mentioning(conn, "person", "notes", ["_"]) == [(mentor, "100% sure: AMAL HASSAN_x")]
        assert mentioning(conn, "person", "notes", ["1%0"]) == []  # % is no wildcard
        assert mentioning(conn, "person", "notes", []) == []


def test_research_tables_moved_to_the_store_and_the_old_path_names_it() -> None:
    from mentorkit.store.extracts import research_tables

    assert len(research_tables(db="sqlite://")["person"]) == 0
    with pytest.raises(ImportError, match=r"mentorkit\.store\.extracts"):
        from mentorkit.privacy.extract_files import research_tables as old  # noqa: F401
    with pytest.raises(AttributeError):
        importlib.import_module("mentorkit.privacy.extract_files").no_such_name  # noqa: B018


@pytest.mark.parametrize("reader", ["funder", "network", "outcomes", "extract", "roles"])
def test_every_reader_takes_a_store_a_dataset_or_a_mapping_alike(
        reader: str, small_dataset: Dataset, small_store: Store) -> None:
    from mentorkit.monitoring.funder import FunderData
    from mentorkit.network.interpret import Tables
    from mentorkit.outcomes.table import analysis_table
    from mentorkit.privacy.extract import research_extract
    from mentorkit.privacy.roles import view

    read = {
        "funder": lambda s: FunderData.load(s).person,
        "network": lambda s: Tables.of(s).match,
        "outcomes": lambda s: analysis_table(s),
        "extract": lambda s: research_extract(s, key="k" * 32)["person"],
        "roles": lambda s: view(s, "coordinator")["person"],
    }[reader]
    mapping = small_dataset.tables()
    stamps = ["created_at", "updated_at", "version"]  # the store's own, on insert
    frames = [read(source).drop(columns=stamps, errors="ignore").reset_index(drop=True)
              for source in (small_dataset, mapping, small_store)]
    assert len(frames[0]) > 0
    for other in frames[1:]:
        pd.testing.assert_frame_equal(other, frames[0], check_dtype=False)
    with pytest.raises(ValidationError):
        read({k: v for k, v in mapping.items() if k != "person"})
    with pytest.raises(ValidationError):
        read(object())

"""The case store on SQLite: round trips, audit, migrations, transactions, concurrency."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mentorkit.errors import ConflictError, NotFoundError, StoreError, ValidationError
from mentorkit.store import Store, migrate
from mentorkit.store.engine import make_engine
from mentorkit.store.schema import ENTITY_TABLES, metadata, privacy_class


def sample_rows(store: Store) -> dict[str, int]:
    """One valid row of every entity, added through the store; returns their ids."""
    ids = {}
    ids["programme"] = store.programmes.add(
        name="Tingbjerg", site="Tingbjerg", city="København", country="DK",
        start_date=dt.date(2009, 8, 1), end_date=dt.date(2011, 7, 31), language="da")
    ids["grant"] = store.grants.add(
        programme_id=ids["programme"], funder="Københavns Kommune", amount=1_095_000,
        currency="DKK", period_start=dt.date(2009, 8, 1), period_end=dt.date(2011, 7, 31))
    ids["target"] = store.targets.add(grant_id=ids["grant"], metric="matches",
                                      group_field="gender", group_value="male", value=11)
    ids["partner"] = store.partners.add(programme_id=ids["programme"], name="Jobcenter",
                                        kind="job_centre")
    ids["person"] = store.people.add(
        programme_id=ids["programme"], role="mentee", first_name="Amal", last_name="Hansen",
        email="amal@example.dk", phone="+45 20304050", postcode="0800", gender="female",
        birth_year=1984, country_of_origin="SO", arrival_year=2004, languages=["so", "en"],
        language_level="A2", education="primary", sector="health_care",
        employment_status="unemployed", availability=["weekday_daytime"],
        preferred_mentor_gender="female", goals=["job", "language"],
        referred_by=ids["partner"], registered_on=dt.date(2009, 9, 1),
        consent_given_at=dt.datetime(2009, 9, 1, 10), consent_scope=["casework"],
        notes="Prefers mornings.")
    mentor = store.people.add(
        programme_id=ids["programme"], role="mentor", first_name="Bente", last_name="Berg",
        gender="female", capacity=2, languages=["en"], goals=["job"], birth_year=1960)
    ids["match"] = store.matches.add(
        programme_id=ids["programme"], mentee_id=ids["person"], mentor_id=mentor,
        status="active", proposed_on=dt.date(2009, 9, 20), started_on=dt.date(2009, 10, 1),
        score=0.8, score_breakdown={"language": 0.5, "sector": 1.0}, made_by="coordinator")
    ids["followup"] = store.followups.add(match_id=ids["match"], date=dt.date(2009, 10, 15),
                                          kind="coordinator_call", notes="Going well.")
    ids["outcome"] = store.outcomes.add(person_id=ids["person"], phase="intake",
                                        recorded_on=dt.date(2009, 9, 1),
                                        employment_status="unemployed", hours_per_week=0)
    ids["event"] = store.events.add(programme_id=ids["programme"], kind="course",
                                    title="CV workshop", date=dt.date(2010, 1, 12))
    ids["attendance"] = store.attendance.add(event_id=ids["event"], person_id=ids["person"])
    return ids


def test_every_entity_round_trips(store: Store) -> None:
    ids = sample_rows(store)
    assert set(ids) == set(ENTITY_TABLES)
    person = store.people.get(ids["person"])
    assert person["languages"] == ["so", "en"]
    assert person["postcode"] == "0800"  # leading zero kept
    assert person["registered_on"] == dt.date(2009, 9, 1)
    assert store.matches.get(ids["match"])["score_breakdown"] == {"language": 0.5, "sector": 1.0}
    for name in ENTITY_TABLES:
        entity = store.entity(name)
        row = entity.get(ids[name])
        assert row["id"] == ids[name]
        listed = entity.list(id=ids[name])
        assert len(listed) == 1 and int(listed["id"].iloc[0]) == ids[name]
        assert list(store.table(name).columns) == [c.name for c in metadata.tables[name].c]


def test_update_changes_fields_stamps_and_version(store: Store) -> None:
    ids = sample_rows(store)
    before = store.people.get(ids["person"])
    after = store.people.update(ids["person"], language_level="B1", goals=["job"])
    assert after["language_level"] == "B1" and after["goals"] == ["job"]
    assert after["version"] == before["version"] + 1
    assert after["updated_at"] >= before["updated_at"]


def test_list_filters_and_dataframe_types(store: Store) -> None:
    sample_rows(store)
    mentees = store.people.list(role="mentee")
    assert mentees["role"].tolist() == ["mentee"]
    both = store.people.list(role=["mentee", "mentor"])
    assert len(both) == 2
    people = store.table("person")
    assert str(people["birth_year"].dtype) == "Int64"
    assert str(people["registered_on"].dtype).startswith("datetime64")
    assert isinstance(people["languages"].iloc[0], list)


def test_every_write_is_audited_without_personal_values(store: Store) -> None:
    ids = sample_rows(store)
    store.people.update(ids["person"], first_name="Amina", language_level="B1",
                        actor="coordinator:anna")
    store.attendance.delete(ids["attendance"], actor="coordinator:anna")
    audit = store.table("audit")
    inserts = audit[audit["action"] == "insert"]
    assert sorted(set(inserts["table_name"])) == sorted(ENTITY_TABLES)
    assert len(inserts) == 11  # one row per insert, the mentor included
    update = audit[audit["action"] == "update"].iloc[0]
    assert update["actor"] == "coordinator:anna"
    assert update["fields"] == ["first_name", "language_level"]
    # names and levels are personal data: the audit names the fields, never the values
    assert update["before"] == {} and update["after"] == {}
    delete = audit[audit["action"] == "delete"].iloc[0]
    assert (delete["table_name"], delete["row_id"]) == ("attendance", ids["attendance"])
    for row in audit.itertuples():
        for values in (row.before, row.after):
            for field in (values or {}):
                assert privacy_class(row.table_name, field) == "none", (row.table_name, field)
    text = audit.to_string()
    for secret in ("Amal", "Amina", "Hansen", "amal@example.dk", "20304050", "Prefers"):
        assert secret not in text


def test_audit_keeps_non_personal_before_and_after(store: Store) -> None:
    ids = sample_rows(store)
    store.matches.update(ids["match"], status="completed", ended_on=dt.date(2010, 6, 1),
                         end_reason="mentee_found_job")
    row = store.table("audit", action="update").iloc[0]
    assert row["before"] == {"status": "active", "ended_on": None, "end_reason": None}
    assert row["after"] == {"status": "completed", "ended_on": "2010-06-01",
                            "end_reason": "mentee_found_job"}


def test_stale_version_is_a_conflict_and_writes_nothing(store: Store) -> None:
    ids = sample_rows(store)
    version = store.people.get(ids["person"])["version"]
    store.people.update(ids["person"], expected_version=version, language_level="B1")
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.people.update(ids["person"], expected_version=version, language_level="C1")
    assert store.people.get(ids["person"])["language_level"] == "B1"


def test_invalid_values_are_refused_and_nothing_written(store: Store) -> None:
    ids = sample_rows(store)
    counts = store.counts()
    with pytest.raises(ValidationError, match="column 'gender'") as err:
        store.people.add(programme_id=ids["programme"], role="mentee", gender="f")
    assert "'f'" not in str(err.value)
    with pytest.raises(ValidationError, match="national id"):
        store.people.update(ids["person"], notes="cpr 120384-1234")
    with pytest.raises(ValidationError, match="column 'role'"):
        store.people.add(programme_id=ids["programme"])
    assert store.counts() == counts


def test_transaction_is_all_or_nothing(store: Store) -> None:
    ids = sample_rows(store)
    counts = store.counts()
    with pytest.raises(StoreError):
        with store.transaction(actor="batch"):
            store.outcomes.add(person_id=ids["person"], phase="end")
            store.outcomes.add(person_id=ids["person"], phase="end")  # unique (person, phase)
    assert store.counts() == counts
    with store.transaction(actor="batch"):
        store.outcomes.add(person_id=ids["person"], phase="end")
        store.outcomes.add(person_id=ids["person"], phase="followup_6m")
    assert store.counts()["outcome"] == counts["outcome"] + 2
    assert set(store.table("audit").tail(2)["actor"]) == {"batch"}


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(StoreError, match="FOREIGN KEY|fk_person_programme_id_programme"):
        store.people.add(programme_id=99, role="mentee")
    assert store.counts()["person"] == 0


def test_missing_rows_are_named(store: Store) -> None:
    with pytest.raises(NotFoundError, match="person: no row with id 7"):
        store.people.get(7)
    with pytest.raises(NotFoundError):
        store.people.update(7, gender="male")


def test_sqlite_connections_are_configured_to_lose_nothing(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_migrations_from_empty_match_the_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    migrate.downgrade(engine, "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert set(metadata.tables) <= set(sa.inspect(engine).get_table_names())
    engine.dispose()


def test_an_old_schema_is_not_upgraded_silently(db_url: str) -> None:
    path = db_url
    Store.open(path).close()
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ancient'")
    engine.dispose()
    with pytest.raises(StoreError, match="mentorkit db upgrade"):
        Store.open(path)


def test_load_keeps_ids_and_everything(demo_store: Store, small_dataset) -> None:
    for name, df in small_dataset.tables().items():
        got = demo_store.table(name)
        assert len(got) == len(df), name
        assert got["id"].tolist() == df["id"].tolist(), name
    people = demo_store.table("person")
    cols = [c for c in small_dataset.person.columns if c not in ("created_at", "updated_at",
                                                                 "version")]
    pd.testing.assert_frame_equal(people[cols], small_dataset.person[cols])


def _writer(path: str, worker: int, rows: int) -> None:
    store = Store.open(path, actor=f"worker-{worker}")
    for i in range(rows):
        # read, then write: the classic lost-update pattern under plain BEGIN
        with store.transaction() as conn:
            n = conn.execute(sa.text("SELECT COUNT(*) FROM event")).scalar()
            store.events.add(programme_id=1, kind="course", title=f"w{worker}-{i}-{n}",
                             date=dt.date(2020, 1, 1))
    store.close()


def test_concurrent_writers_lose_nothing(db_url: str) -> None:
    path = db_url
    store = Store.open(path)
    store.programmes.add(name="Vollsmose")
    workers, rows = 6, 60
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, rows)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0
    events = store.table("event")
    assert len(events) == workers * rows
    assert events["title"].nunique() == workers * rows
    assert len(store.table("audit", table_name="event")) == workers * rows
    store.close()


def test_an_erased_person_cannot_get_personal_data_back(store: Store) -> None:
    ids = sample_rows(store)
    store.people.update(ids["person"], erased_at=dt.datetime(2026, 1, 1), first_name=None)
    with pytest.raises(StoreError, match="was erased"):
        store.people.update(ids["person"], first_name="Amal")
    store.people.update(ids["person"], capacity=1)  # fields that are not personal still can
    assert store.people.get(ids["person"])["first_name"] is None

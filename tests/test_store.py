"""The case store on SQLite: round trips, audit, migrations, transactions, concurrency."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mentorkit.errors import ConflictError, NotFoundError, StoreError, ValidationError
from mentorkit.model.frames import conform, kind
from mentorkit.store import Store, migrate
from mentorkit.store.engine import make_engine
from mentorkit.store.schema import ENTITY_TABLES, metadata, privacy_class

#: What the intake rules ask of a new person (mentorkit.casework.rules), besides its values.
REGISTERED = {"first_name": "Testa", "registered_on": dt.date(2009, 9, 1),
              "consent_given_at": dt.datetime(2009, 9, 1, 10), "consent_scope": ["casework"]}


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
        **{**REGISTERED, "first_name": "Bente"}, programme_id=ids["programme"], role="mentor",
        last_name="Berg", gender="female", capacity=2, languages=["en"], goals=["job"],
        birth_year=1960)
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
        store.people.add(programme_id=99, role="mentee", **REGISTERED)
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


# --- store.table(): the exact DataFrame it returns, pinned before the column-wise reader ---

#: The dtype every column kind must have in a DataFrame read from the store.
DTYPE_OF_KIND = {"int": "Int64", "float": "float64", "date": "datetime64[us]",
                 "datetime": "datetime64[us]", "str": "str", "list": "object", "json": "object"}
STAMPS = ["created_at", "updated_at", "version"]


def reference_table(store: Store, name: str, **filters: object) -> pd.DataFrame:
    """``store.table`` as first written, row by row: fetch SQLAlchemy rows, then conform."""
    table = metadata.tables[name]
    query = store.scoped(sa.select(table).order_by(table.c.id), table)
    for column, value in filters.items():
        if isinstance(value, (list, tuple, set, frozenset)):
            query = query.where(table.c[column].in_(list(value)))
        elif value is None:
            query = query.where(table.c[column].is_(None))
        else:
            query = query.where(table.c[column] == value)
    with store.reading() as conn:
        result = conn.execute(query)
        df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return conform(name, df)


def assert_store_dtypes(name: str, df: pd.DataFrame) -> None:
    table = metadata.tables[name]
    assert list(df.columns) == [c.name for c in table.c], name
    assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0, name
    for column in table.c:
        assert str(df[column.name].dtype) == DTYPE_OF_KIND[kind(column)], (name, column.name)
        if kind(column) == "list":
            assert all(isinstance(v, list) for v in df[column.name]), (name, column.name)


def test_table_returns_every_entity_exactly_as_loaded(demo_store: Store, small_dataset) -> None:
    for name in ENTITY_TABLES:
        got = demo_store.table(name)
        expected = getattr(small_dataset, name)
        assert_store_dtypes(name, got)
        same = [c for c in expected.columns if c not in STAMPS]
        pd.testing.assert_frame_equal(got[same], expected[same], obj=name)
        assert got["created_at"].notna().all() and got["updated_at"].notna().all(), name
        if "version" in got:
            assert (got["version"] == 1).all(), name
        pd.testing.assert_frame_equal(got, reference_table(demo_store, name), obj=name)
    for name in set(metadata.tables) - set(ENTITY_TABLES):  # audit, match_run, consent, …
        got = demo_store.table(name)
        assert_store_dtypes(name, got)
        pd.testing.assert_frame_equal(got, reference_table(demo_store, name), obj=name)
    assert len(demo_store.table("audit")) == sum(len(getattr(small_dataset, n))
                                                 for n in ENTITY_TABLES)


def test_table_filters_read_the_same_rows_and_types(demo_store: Store) -> None:
    people = demo_store.table("person")
    cases = [("person", {"role": "mentee"}), ("person", {"programme_id": [1, 3]}),
             ("person", {"referred_by": None}), ("person", {"role": ["mentor"], "gender": "male"}),
             ("match", {"status": ["active", "completed"]}), ("person", {"role": "nobody"}),
             ("outcome", {"phase": "followup_12m"}), ("audit", {"table_name": "person"})]
    for name, filters in cases:
        got = demo_store.table(name, **filters)
        assert_store_dtypes(name, got)
        pd.testing.assert_frame_equal(got, reference_table(demo_store, name, **filters),
                                      obj=f"{name} {filters}")
    mentees = demo_store.table("person", role="mentee")
    assert len(mentees) == (people["role"] == "mentee").sum() > 0
    assert demo_store.table("person", role="nobody").empty


def test_table_of_an_empty_store_has_every_dtype(store: Store) -> None:
    for name in metadata.tables:
        got = store.table(name)
        assert len(got) == 0, name
        assert_store_dtypes(name, got)
        pd.testing.assert_frame_equal(got, reference_table(store, name), obj=name)


def test_table_keeps_nulls_unicode_and_empty_lists(store: Store) -> None:
    ids = sample_rows(store)
    bare_programme = store.programmes.add(name="Ærø—Ğüç 北京 😀")
    bare_grant = store.grants.add(programme_id=bare_programme, funder="Fonden «Ø»")
    # only the required columns (as an erased person's row): past the intake rules, which
    # ask a new person for a name, a registration day and consent
    bare = store.people.add_many([{"programme_id": ids["programme"], "role": "mentor"}],
                                 validate=False)[0]
    empty = store.people.add(programme_id=ids["programme"], role="mentee", languages=[],
                             goals=[], first_name="Zoë", last_name="Ñandú-Øster 北",
                             notes='line one\nline "two" — ½ 😀', postcode="0800",
                             registered_on=dt.date(2020, 2, 29), consent_scope=["casework"],
                             consent_given_at=dt.datetime(2020, 2, 29, 23, 59, 58, 123456))
    bare_match = store.matches.add(programme_id=ids["programme"], mentee_id=empty,
                                   mentor_id=bare, status="proposed")
    null_json = store.matches.add(programme_id=ids["programme"], mentee_id=empty,
                                  mentor_id=bare, status="declined", score_breakdown=None)
    people = store.table("person").set_index("id")
    for column in metadata.tables["person"].c:
        if column.name in ("id", "programme_id", "role", "version", *STAMPS[:2]):
            continue
        k, value = kind(column), people.at[bare, column.name]
        if k == "list":
            assert value == [], column.name
        else:
            assert pd.isna(value), column.name
    assert people.at[empty, "languages"] == [] and people.at[empty, "goals"] == []
    assert people.at[empty, "first_name"] == "Zoë"
    assert people.at[empty, "last_name"] == "Ñandú-Øster 北"
    assert people.at[empty, "notes"] == 'line one\nline "two" — ½ 😀'
    assert people.at[empty, "postcode"] == "0800"
    assert people.at[empty, "consent_given_at"] == pd.Timestamp("2020-02-29 23:59:58.123456")
    assert people.at[ids["person"], "languages"] == ["so", "en"]
    assert people.at[ids["person"], "registered_on"] == pd.Timestamp("2009-09-01")
    grants = store.table("grant").set_index("id")
    assert grants.at[ids["grant"], "amount"] == 1_095_000.0
    assert pd.isna(grants.at[bare_grant, "amount"]) and pd.isna(grants.at[bare_grant, "title"])
    assert pd.isna(grants.at[bare_grant, "period_start"])
    assert grants.at[bare_grant, "funder"] == "Fonden «Ø»"
    assert store.table("programme", id=bare_programme)["name"].tolist() == ["Ærø—Ğüç 北京 😀"]
    matches = store.table("match").set_index("id")
    assert matches.at[ids["match"], "score_breakdown"] == {"language": 0.5, "sector": 1.0}
    assert matches.at[bare_match, "score_breakdown"] is None
    assert matches.at[null_json, "score_breakdown"] is None
    assert pd.isna(matches.at[bare_match, "score"]) and pd.isna(matches.at[bare_match, "notes"])
    for name in metadata.tables:
        got = store.table(name)
        assert_store_dtypes(name, got)
        pd.testing.assert_frame_equal(got, reference_table(store, name), obj=name)


def test_table_shows_erased_people_blanked(demo_store: Store,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from mentorkit.privacy import erase

    monkeypatch.delenv("MENTORKIT_ERASURE_LEDGER", raising=False)
    before = demo_store.table("person")
    gone = int(before.loc[before["consent_scope"].map(len) > 0, "id"].iloc[0])
    erase(demo_store, gone, actor="test")
    people = demo_store.table("person").set_index("id")
    assert pd.notna(people.at[gone, "erased_at"])
    assert pd.isna(people.at[gone, "first_name"]) and pd.isna(people.at[gone, "email"])
    assert people.at[gone, "languages"] == [] and people.at[gone, "consent_scope"] == []
    assert len(people) == len(before)  # the row stays, blanked
    assert demo_store.table("erasure_ledger")["person_id"].tolist() == [gone]
    assert demo_store.table("consent", person_id=gone)["action"].tolist() == ["withdrawn"]
    for name in metadata.tables:
        got = demo_store.table(name)
        assert_store_dtypes(name, got)
        pd.testing.assert_frame_equal(got, reference_table(demo_store, name), obj=name)


def test_table_of_a_site_store_reads_only_its_programmes_the_same_way(demo_store: Store
                                                                       ) -> None:
    url = demo_store.engine.url.render_as_string(hide_password=False)
    site = Store.open(url, programmes=["Tingbjerg", "Vollsmose"])
    assert site.scope is not None and len(site.scope) == 2
    for name in metadata.tables:
        got = site.table(name)
        assert_store_dtypes(name, got)
        pd.testing.assert_frame_equal(got, reference_table(site, name), obj=name)
    people = site.table("person")
    assert set(people["programme_id"]) == set(site.scope)
    assert set(site.table("followup")["match_id"]) <= set(site.table("match")["id"])
    got = site.table("person", role="mentee", programme_id=sorted(site.scope))
    pd.testing.assert_frame_equal(got, reference_table(site, "person", role="mentee",
                                                       programme_id=sorted(site.scope)))
    site.close()


def test_table_reads_values_other_programs_wrote_like_sqlalchemy_does(store: Store) -> None:
    ids = sample_rows(store)
    sqlite = store.engine.dialect.name == "sqlite"
    json_cast = "" if sqlite else "::json"
    with store.engine.begin() as conn:  # as another program (or psql) might have written them
        conn.exec_driver_sql(f"UPDATE person SET languages = ' [\"ar\", \"en\"] '{json_cast}, "
                             f"goals = '\"job|language\"'{json_cast}, "
                             f"availability = 'null'{json_cast} WHERE id = {ids['person']}")
        conn.exec_driver_sql(f"UPDATE match SET score_breakdown = "
                             f"'{{\"language\": 1}}  '{json_cast} WHERE id = {ids['match']}")
        if sqlite:  # dates without the microseconds SQLAlchemy writes, a number in JSON
            conn.exec_driver_sql(f"UPDATE person SET consent_given_at = '2009-09-01 10:00:00', "
                                 f"created_at = '2009-09-01T08:30:00', "
                                 f"consent_scope = 5 WHERE id = {ids['person']}")
    people = store.table("person").set_index("id")
    assert people.at[ids["person"], "languages"] == ["ar", "en"]
    assert people.at[ids["person"], "goals"] == ["job", "language"]
    assert people.at[ids["person"], "availability"] == []
    assert store.table("match")["score_breakdown"].iloc[0] == {"language": 1}
    if sqlite:
        assert people.at[ids["person"], "consent_given_at"] == pd.Timestamp("2009-09-01 10:00")
        assert people.at[ids["person"], "created_at"] == pd.Timestamp("2009-09-01 08:30")
        # a bare number in a list column (SQLite keeps '5' as a number there): the code '5';
        # the row-wise reader said '5.0', after pandas had made the column float
        assert people.at[ids["person"], "consent_scope"] == ["5"]
    for name in ("person", "match"):
        got = store.table(name)
        assert_store_dtypes(name, got)
        expected = reference_table(store, name)
        if sqlite and name == "person":
            got, expected = (df.drop(columns="consent_scope") for df in (got, expected))
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_table_refuses_broken_stored_values_like_sqlalchemy_does(sqlite_store: Store) -> None:
    ids = sample_rows(sqlite_store)
    with sqlite_store.engine.begin() as conn:  # SQLite takes any text; PostgreSQL would not
        conn.exec_driver_sql(f"UPDATE person SET languages = '[\"ar\", ' "
                             f"WHERE id = {ids['person']}")
    with pytest.raises(ValueError):
        reference_table(sqlite_store, "person")
    with pytest.raises(ValueError):
        sqlite_store.table("person")
    with sqlite_store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE person SET languages = '[\"ar\"]', "
                             f"registered_on = '2009-13-01' WHERE id = {ids['person']}")
    with pytest.raises(ValueError):
        reference_table(sqlite_store, "person")
    with pytest.raises(ValueError):
        sqlite_store.table("person")

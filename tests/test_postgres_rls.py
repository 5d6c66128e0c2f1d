"""A site's scope held by PostgreSQL (issue 17): with one site's credentials, no SQL at all
reads another site's people, their matches, follow-ups, outcomes, notes or audit rows.

A PostgreSQL server of this module's own (``tests/postgres_server.py``; under ``CI=true`` a
missing server fails) checks passwords (SCRAM) for every role but its administrator. The
small synthetic dataset is loaded by the administrator; every note of every person, match and
follow-up of the other programmes is marked ``SECRET-B``, so a query that shows any of it is
caught whatever its shape. Site A is Vollsmose, site B Skovparken.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from postgres_server import PostgresServer, start_or_fail
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import NotFoundError, StoreError
from mentorkit.model import schema as model
from mentorkit.store import Store, migrate
from mentorkit.store.engine import make_engine
from mentorkit.store.reading import scoped
from mentorkit.store.schema import metadata
from mentorkit.store.site_roles import (
    GROUP,
    SCHEMA,
    audit_visible,
    create_site_role,
    enable_row_security,
    site_database_url,
    site_role_name,
    table_policies,
)
from mentorkit.synth import generate

SECRET = "SECRET-B"
A, B = "Vollsmose", "Skovparken"
REGISTERED = {"registered_on": dt.date(2026, 1, 5), "consent_scope": ["casework"],
              "consent_given_at": dt.datetime(2026, 1, 5, 10)}


@dataclass
class Shared:
    server: PostgresServer
    url: str           # the administrator's
    site_a: str        # site A's URL (with its password)
    site_b: str
    a_id: int
    folder: Path

    def conninfo(self, url: str) -> str:
        u = sa.make_url(url)
        return (f"host={u.host} port={u.port} dbname={u.database} user={u.username}"
                + (f" password={u.password}" if u.password else ""))


def _require_passwords(server: PostgresServer) -> None:
    """Trust only the administrator; every other role logs in with its SCRAM password."""
    (server.data / "pg_hba.conf").write_text(
        "local all all trust\n"
        "host all postgres 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n")
    engine = sa.create_engine(server.url())
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_reload_conf()").scalar() is True
    engine.dispose()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    server = start_or_fail()
    try:
        _require_passwords(server)
        url = server.new_database()
        folder = tmp_path_factory.mktemp("rls")
        with Store.open(url, actor="admin") as admin:
            admin.load(generate(seed=0, scale=0.2))
            ids = dict(zip(admin.table("programme")["name"], admin.table("programme")["id"]))
            with admin.transaction(actor="admin") as conn:  # mark every other site's text
                for table in ("person", "match"):
                    conn.exec_driver_sql(
                        f"UPDATE {table} SET notes = '{SECRET}-' || id "
                        f"WHERE programme_id <> {int(ids[A])}")
                conn.exec_driver_sql(
                    f"UPDATE followup SET notes = '{SECRET}-' || id WHERE match_id IN "
                    f"(SELECT id FROM match WHERE programme_id <> {int(ids[A])})")
                conn.exec_driver_sql(
                    f"UPDATE person SET email = 'secret-b-' || id || '@example.org' "
                    f"WHERE programme_id <> {int(ids[A])}")
            for site, programme in (("a", A), ("b", B)):
                (folder / site).write_text(f"pw-{site}-{os.urandom(4).hex()}\n")
                create_site_role(admin.engine, site, [programme],
                                 (folder / site).read_text().strip(), actor="admin")
            with admin.engine.connect() as conn:  # the planner's statistics, for pg_stats
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        yield Shared(server, url, site_database_url(url, "a", folder / "a"),
                     site_database_url(url, "b", folder / "b"), int(ids[A]), folder)
    finally:
        server.stop()


@pytest.fixture
def site_a(shared: Shared) -> Iterator[psycopg.Connection]:
    """A raw connection with site A's credentials (autocommit: a refusal spoils nothing)."""
    with psycopg.connect(shared.conninfo(shared.site_a), autocommit=True) as conn:
        yield conn


def _admin(shared: Shared, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(shared.conninfo(shared.url), autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def _own(shared: Shared, table: str) -> set[int]:
    """The ids of ``table`` that belong to site A, as the administrator finds them."""
    pid = shared.a_id
    where = {
        "person": f"programme_id = {pid}", "match": f"programme_id = {pid}",
        "event": f"programme_id = {pid}",
        "followup": f"match_id IN (SELECT id FROM match WHERE programme_id = {pid})",
        "outcome": f"person_id IN (SELECT id FROM person WHERE programme_id = {pid})",
        "consent": f"person_id IN (SELECT id FROM person WHERE programme_id = {pid})",
        "attendance": f"event_id IN (SELECT id FROM event WHERE programme_id = {pid})",
    }[table]
    return {r[0] for r in _admin(shared, f"SELECT id FROM {table} WHERE {where}")}


def _text(rows: Any) -> str:
    return repr(rows)


# --- what the policies cover ---------------------------------------------------------------

def test_every_table_with_a_path_to_a_programme_has_a_policy() -> None:
    policies = table_policies()
    assert {"programme", "grant", "target", "partner", "person", "match", "followup",
            "outcome", "event", "attendance", "consent", "erasure_ledger",
            "match_run"} <= set(policies)
    # every table of the model is covered; the audit (no reference) has its own policy
    assert set(model.TABLES) - set(policies) == {"audit"}
    for name in policies:
        assert f"table_name = '{name}'" in audit_visible()
    # a child follows every required reference to its parents; a new row refers to no
    # other site's row
    assert policies["attendance"].using == ('event_id IN (SELECT id FROM "event") AND '
                                            'person_id IN (SELECT id FROM "person")')
    assert "mentor_id IN (SELECT id FROM \"person\")" in policies["match"].check
    assert "(referred_by IS NULL OR referred_by IN" in policies["person"].check


def test_on_postgres_row_security_is_on_for_every_table_a_site_may_read(
        shared: Shared) -> None:
    on = {r[0] for r in _admin(shared, "SELECT relname FROM pg_class WHERE relrowsecurity "
                                       "AND relnamespace = 'public'::regnamespace")}
    assert on == set(model.TABLES), ("a migration that adds a table calls "
                                     "mentorkit.store.site_roles.enable_row_security again")
    granted = {r[0] for r in _admin(
        shared, "SELECT DISTINCT table_name FROM information_schema.role_table_grants "
                f"WHERE grantee = '{GROUP}' AND table_schema = 'public'")}
    assert granted - on == {"alembic_version"}
    # nothing a site may call or read runs with the owner's rights: no view (a view reads
    # as its owner), no SECURITY DEFINER function of the database's own
    assert _admin(shared, "SELECT count(*) FROM pg_class WHERE relkind IN ('v', 'm') AND "
                          f"relnamespace IN ('public'::regnamespace, '{SCHEMA}'::regnamespace)"
                  ) == [(0,)]
    assert _admin(shared, "SELECT count(*) FROM pg_proc WHERE prosecdef AND pronamespace IN "
                          f"('public'::regnamespace, '{SCHEMA}'::regnamespace)") == [(0,)]
    roles = _admin(shared, "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                           "FROM pg_roles WHERE rolname IN ('site_a', 'site_b')")
    assert roles == [(False, False, False, False)] * 2


def test_a_wrong_password_is_refused(shared: Shared) -> None:
    wrong = sa.make_url(shared.site_a).set(password="not-it")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(shared.conninfo(wrong.render_as_string(hide_password=False)))
    without = shared.conninfo(shared.site_a).rsplit(" password=", 1)[0]
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):
        psycopg.connect(without)
    with psycopg.connect(shared.conninfo(shared.site_a)) as conn:  # the right one
        assert conn.execute("SELECT current_user").fetchone() == ("site_a",)


# --- reading: whatever the SQL -----------------------------------------------------------

READS = [
    "SELECT * FROM person",
    "SELECT * FROM ONLY person",
    "SELECT * FROM person TABLESAMPLE SYSTEM (100)",
    "SELECT * FROM person FOR UPDATE",
    "SELECT p.* FROM match m JOIN person p ON p.id IN (m.mentee_id, m.mentor_id)",
    "SELECT f.notes, m.notes, p.notes, p.email FROM followup f JOIN match m ON m.id = "
    "f.match_id JOIN person p ON p.id = m.mentee_id",
    "SELECT p.*, m.* FROM person p FULL JOIN match m ON m.mentee_id = p.id",
    "SELECT a.*, p.notes FROM audit a LEFT JOIN person p ON a.table_name = 'person' "
    "AND p.id = a.row_id",
    "SELECT o.*, p.email FROM outcome o JOIN person p ON p.id = o.person_id",
    "SELECT * FROM attendance t JOIN person p ON p.id = t.person_id",
    "SELECT * FROM consent c RIGHT JOIN person p ON p.id = c.person_id",
    "SELECT * FROM erasure_ledger e JOIN person p ON p.id = e.person_id",
    "WITH x AS MATERIALIZED (SELECT * FROM person) SELECT * FROM x",
    "WITH RECURSIVE r(id) AS (SELECT min(id) FROM person UNION SELECT r.id + 1 FROM r "
    "WHERE r.id < 100000) SELECT p.notes FROM r JOIN person p USING (id)",
    "SELECT (SELECT string_agg(notes, ',') FROM person), (SELECT string_agg(email, ',') "
    "FROM person)",
    "SELECT json_agg(p) FROM person p",
    "SELECT row_to_json(m) FROM match m",
    "SELECT notes FROM person UNION ALL SELECT notes FROM match UNION ALL "
    "SELECT notes FROM followup",
    "SELECT * FROM person WHERE notes LIKE 'SECRET%' OR email LIKE 'secret%'",
    "SELECT * FROM person WHERE id = ANY (SELECT generate_series(1, 100000))",
    "SELECT * FROM pg_stats WHERE tablename IN ('person', 'match', 'followup')",
    "SELECT * FROM mentorkit_sites.site_access",
    "SELECT * FROM match_run",
    "SELECT * FROM \"grant\" g JOIN target t ON t.grant_id = g.id",
    "SELECT * FROM programme",
]


@pytest.mark.parametrize("sql", READS)
def test_no_read_shows_another_sites_rows(site_a: psycopg.Connection, sql: str) -> None:
    rows = site_a.execute(sql).fetchall()
    assert SECRET not in _text(rows) and "secret-b-" not in _text(rows)


def test_site_a_reads_all_of_its_own_rows_and_counts_only_them(
        shared: Shared, site_a: psycopg.Connection) -> None:
    for table in ("person", "match", "followup", "outcome", "attendance", "event"):
        seen = {r[0] for r in site_a.execute(f"SELECT id FROM {table}").fetchall()}
        assert seen == _own(shared, table), table
        assert seen, table  # the dataset has rows of each in site A
        count = site_a.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert count == (len(seen),)
    audit = site_a.execute("SELECT table_name, row_id FROM audit").fetchall()
    assert audit and {t for t, _ in audit} <= set(table_policies())
    people = {r[0] for r in audit if r[0] == "person"}
    assert people == {"person"}
    assert {i for t, i in audit if t == "person"} <= _own(shared, "person")
    assert site_a.execute("SELECT DISTINCT programme_id FROM person").fetchall() == [
        (shared.a_id,)]


def test_an_id_of_another_site_finds_nothing(shared: Shared,
                                              site_a: psycopg.Connection) -> None:
    theirs = [r[0] for r in _admin(shared, "SELECT id FROM person WHERE programme_id <> "
                                           f"{shared.a_id}")]
    assert theirs
    listed = ", ".join(map(str, theirs))
    assert site_a.execute(f"SELECT * FROM person WHERE id IN ({listed})").fetchall() == []
    assert site_a.execute(f"SELECT * FROM outcome WHERE person_id IN ({listed})").fetchall() == []
    assert site_a.execute("SELECT * FROM audit WHERE table_name = 'person' AND row_id IN "
                          f"({listed})").fetchall() == []


def test_copy_to_stdout_shows_only_the_sites_rows(site_a: psycopg.Connection) -> None:
    for sql in ("COPY person TO STDOUT", "COPY (SELECT * FROM person) TO STDOUT",
                "COPY followup TO STDOUT", "COPY audit TO STDOUT"):
        with site_a.cursor() as cur, cur.copy(sql) as copy:
            data = b"".join(bytes(block) for block in copy)
        assert data and SECRET.encode() not in data and b"secret-b-" not in data


def test_a_leaky_function_or_a_notice_sees_only_the_sites_rows(
        site_a: psycopg.Connection) -> None:
    notices: list[str] = []
    site_a.add_notice_handler(lambda d: notices.append(str(d.message_primary)))
    site_a.execute("CREATE FUNCTION pg_temp.peek(t text) RETURNS boolean LANGUAGE plpgsql "
                   "COST 0.0000001 AS $$ BEGIN RAISE NOTICE 'saw %', t; RETURN true; END $$")
    site_a.execute("SELECT * FROM person WHERE pg_temp.peek(email || notes)").fetchall()
    site_a.execute("DO $$ BEGIN RAISE NOTICE '%', (SELECT string_agg(notes, ',') "
                   "FROM person); END $$")
    site_a.execute("CREATE FUNCTION pg_temp.all_notes() RETURNS text LANGUAGE sql "
                   "SECURITY DEFINER AS $$ SELECT string_agg(notes, ',') FROM person $$")
    definer = site_a.execute("SELECT pg_temp.all_notes()").fetchone()
    assert notices and SECRET not in " ".join(notices) and "secret-b-" not in " ".join(notices)
    assert definer is not None and SECRET not in str(definer[0])
    site_a.execute("CREATE TEMP VIEW everyone AS SELECT * FROM person")
    assert SECRET not in _text(site_a.execute("SELECT * FROM everyone").fetchall())


REFUSED = [
    ("SET row_security = off; SELECT * FROM person", "row-level security"),
    ("SET ROLE postgres", "permission denied"),
    ("SET SESSION AUTHORIZATION postgres", "permission denied"),
    ("ALTER TABLE person DISABLE ROW LEVEL SECURITY", "must be owner"),
    ("ALTER TABLE person NO FORCE ROW LEVEL SECURITY", "must be owner"),
    ("DROP POLICY mentorkit_site_scope ON person", "must be owner"),
    ("ALTER POLICY mentorkit_site_scope ON person USING (true)", "must be owner"),
    ("CREATE POLICY open ON person USING (true)", "must be owner"),
    ("ALTER ROLE site_a BYPASSRLS", "must be superuser"),
    ("ALTER ROLE site_a SUPERUSER", "must be superuser"),
    ("CREATE FUNCTION public.everyone() RETURNS bigint LANGUAGE sql SECURITY DEFINER "
     "AS 'SELECT count(*) FROM person'", "permission denied for schema public"),
    ("CREATE VIEW public.everyone AS SELECT * FROM person", "permission denied for schema"),
    ("CREATE TABLE public.copy AS SELECT * FROM person", "permission denied for schema"),
    (f"INSERT INTO {SCHEMA}.site_access VALUES (current_user, 2)", "permission denied"),
    (f"UPDATE {SCHEMA}.site_access SET programme_id = 2", "permission denied"),
    (f"DELETE FROM {SCHEMA}.site_access", "permission denied"),
    (f"ALTER TABLE {SCHEMA}.site_access DISABLE ROW LEVEL SECURITY", "must be owner"),
    ("TRUNCATE person CASCADE", "permission denied"),
    ("SELECT pg_read_file('pg_hba.conf')", "permission denied"),
    ("COPY person FROM STDIN", "not supported with row-level security"),
    ("CREATE EXTENSION dblink", "permission denied"),
    ("GRANT mentorkit_site TO site_b", "must have admin option"),
    ("CREATE ROLE spy LOGIN", "permission denied to create role"),
    ("UPDATE audit SET actor = 'x'", "permission denied"),
    ("DELETE FROM audit", "permission denied"),
    ("INSERT INTO programme (name) VALUES ('mine now')", "permission denied"),
]


@pytest.mark.parametrize(("sql", "says"), REFUSED)
def test_widening_the_scope_is_refused(site_a: psycopg.Connection, sql: str,
                                       says: str) -> None:
    with pytest.raises(psycopg.Error, match=says):
        for statement in sql.split("; "):
            site_a.execute(statement).fetchall() if statement.startswith("SELECT") \
                else site_a.execute(statement)


def test_the_group_role_sees_nothing(site_a: psycopg.Connection) -> None:
    site_a.execute(f"SET ROLE {GROUP}")  # a member may: it has no programme of its own
    assert site_a.execute("SELECT count(*) FROM person").fetchone() == (0,)


# --- any query of a grammar over every table and reference -------------------------------

def _edges() -> list[tuple[str, str, str]]:
    """(from table, to table, join condition on aliases {l} and {r}) for every reference of
    the model, both ways, and the audit's ties to each table."""
    edges = []
    for table in model.TABLES.values():
        for c in table.columns:
            if c.references:
                parent, key = c.references.split(".")
                edges.append((table.name, parent, f"{{l}}.{c.name} = {{r}}.{key}"))
                edges.append((parent, table.name, f"{{r}}.{c.name} = {{l}}.{key}"))
    for name in table_policies():
        edges.append(("audit", name, f"{{l}}.table_name = '{name}' AND {{l}}.row_id = {{r}}.id"))
        edges.append((name, "audit", f"{{r}}.table_name = '{name}' AND {{r}}.row_id = {{l}}.id"))
    return edges


EDGES = _edges()


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A SELECT over up to three tables joined along the model's references (inner, left,
    right or full), each row tagged ``table:id`` per table, in one of several shapes."""
    aliases = [("t0", draw(st.sampled_from(sorted(model.TABLES))))]
    joins = []
    for i in range(1, draw(st.integers(0, 2)) + 1):
        left_alias, left = draw(st.sampled_from(aliases))
        _, right, on = draw(st.sampled_from([e for e in EDGES if e[0] == left]))
        kind = draw(st.sampled_from(["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"]))
        joins.append(f"{kind} \"{right}\" t{i} ON {on.format(l=left_alias, r=f't{i}')}")
        aliases.append((f"t{i}", right))
    tags = [f"'{t}:' || {a}.id AS tag{n}" for n, (a, t) in enumerate(aliases)]
    rows = draw(st.sampled_from(["*", "json"]))
    whole = [f"{a}.*" if rows == "*" else f"row_to_json({a})::text" for a, _ in aliases]
    where = draw(st.sampled_from(["", "WHERE t0.id % 2 = 0", "WHERE t0.id IS NOT NULL",
                                  "WHERE t0::text LIKE '%SECRET%'"]))
    body = (f"SELECT {', '.join(tags + whole)} FROM \"{aliases[0][1]}\" t0 "
            f"{' '.join(joins)} {where} LIMIT 3000")
    shape = draw(st.sampled_from(["plain", "cte", "subquery", "aggregate"]))
    if shape == "cte":
        return f"WITH q AS MATERIALIZED ({body}) SELECT * FROM q"
    if shape == "subquery":
        return f"SELECT * FROM ({body}) s"
    if shape == "aggregate":
        return f"SELECT string_agg(s::text, ',') FROM ({body}) s"
    return body


@pytest.fixture(scope="module")
def own_rows(shared: Shared) -> dict[str, set[int]]:
    """Site A's rows of every table as the app's scope finds them (``store.scoped``, an
    implementation of its own), read by the administrator."""
    engine = make_engine(shared.url)
    with engine.connect() as conn:
        found = {name: set(conn.execute(scoped(sa.select(t.c.id), t,
                                               frozenset({shared.a_id}))).scalars())
                 for name, t in metadata.tables.items()}
    engine.dispose()
    return found


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sql=queries())
def test_any_query_over_the_references_sees_only_the_sites_rows(
        shared: Shared, own_rows: dict[str, set[int]], sql: str) -> None:
    with psycopg.connect(shared.conninfo(shared.site_a), autocommit=True) as conn:
        text = _text(conn.execute(sql).fetchall())
    assert SECRET not in text and "secret-b-" not in text, sql
    for table, row_id in re.findall(r"([a-z_]+):(\d+)", text):
        if table in own_rows:
            assert int(row_id) in own_rows[table], (sql, table, row_id)


# --- writing ---------------------------------------------------------------------------------

def _their(shared: Shared, sql: str) -> int:
    return int(_admin(shared, sql)[0][0])


def test_writes_into_another_site_are_refused_or_touch_nothing(
        shared: Shared, site_a: psycopg.Connection) -> None:
    b = _their(shared, f"SELECT id FROM programme WHERE name = '{B}'")
    b_mentor = _their(shared, f"SELECT min(id) FROM person WHERE programme_id = {b} "
                              "AND role = 'mentor'")
    b_match = _their(shared, f"SELECT min(id) FROM match WHERE programme_id = {b}")
    own = min(_own(shared, "person"))
    own_mentee = _their(shared, f"SELECT min(id) FROM person WHERE programme_id = "
                                f"{shared.a_id} AND role = 'mentee'")
    before = _admin(shared, "SELECT md5(string_agg(p::text, '' ORDER BY id)) FROM person p")
    for sql in (
        f"INSERT INTO person (programme_id, role, version) VALUES ({b}, 'mentee', 1)",
        f"UPDATE person SET programme_id = {b} WHERE id = {own}",
        f"INSERT INTO match (programme_id, mentee_id, mentor_id, status, version) "
        f"VALUES ({shared.a_id}, {own_mentee}, {b_mentor}, 'proposed', 1)",
        f"INSERT INTO followup (match_id, date, kind) VALUES ({b_match}, '2026-01-01', 'meeting')",
        f"INSERT INTO outcome (person_id, phase) VALUES ({b_mentor}, 'intake')",
        f"INSERT INTO consent (person_id, at, action) VALUES ({b_mentor}, now(), 'given')",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege,
                           match="violates row-level security policy"):
            site_a.execute(sql)
    for sql in (f"UPDATE person SET notes = 'x' WHERE programme_id = {b}",
                f"DELETE FROM followup WHERE match_id = {b_match}",
                f"UPDATE programme SET name = 'taken' WHERE id = {b}",
                f"DELETE FROM person WHERE id = {b_mentor}"):
        assert site_a.execute(sql).rowcount == 0, sql
    after = _admin(shared, "SELECT md5(string_agg(p::text, '' ORDER BY id)) FROM person p")
    assert before == after


# --- the app's store under a site's credentials -------------------------------------------

def test_the_store_with_site_a_credentials_shows_and_edits_only_site_a(
        shared: Shared, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_PROGRAMMES", raising=False)  # the database alone limits
    with Store.open(shared.site_a, actor="anna") as store:
        assert store.scope is None
        for table in ("person", "match", "followup", "outcome", "attendance", "audit",
                      "programme", "event"):
            frame = store.table(table)
            assert not frame.empty and SECRET not in frame.to_string(), table
        assert set(store.table("person")["programme_id"]) == {shared.a_id}
        assert store.table("programme")["name"].tolist() == [A]
        assert store.counts()["person"] == len(_own(shared, "person"))
        theirs = _their(shared, f"SELECT min(id) FROM person WHERE programme_id <> "
                                f"{shared.a_id}")
        with pytest.raises(NotFoundError):
            store.people.get(theirs)
        # the dashboards' edits: a new person, a change, a match, a follow-up, consent
        mentee = store.people.add(programme_id=shared.a_id, role="mentee", first_name="Nour",
                                  email="nour.rls@example.org", **REGISTERED)
        mentor = store.people.add(programme_id=shared.a_id, role="mentor", first_name="Lis",
                                  email="lis.rls@example.org", capacity=1, **REGISTERED)
        store.people.update(mentee, notes="called", expected_version=1)
        match = store.matches.add(programme_id=shared.a_id, mentee_id=mentee,
                                  mentor_id=mentor, status="proposed")
        store.followups.add(match_id=match, date=dt.date(2026, 2, 1), kind="meeting")
        store.change_consent(mentee, "withdrawn", ["research"], actor="anna")
        assert store.table("consent")["person_id"].tolist() == [mentee]
        record = store.person_record(mentee, actor="anna")
        assert record["person"]["id"] == mentee and record["programme"]["name"] == A
        gone = store.people.add(programme_id=shared.a_id, role="mentee", first_name="Tmp",
                                **REGISTERED)
        store.people.delete(gone)
        audit = store.table("audit")
        mine = audit[audit["actor"] == "anna"]
        assert {"insert", "update", "access"} <= set(mine["action"])
        assert ((mine["table_name"] == "person") & (mine["row_id"] == mentee)).any()
        assert gone not in set(mine["row_id"])  # about a row no longer there: not shown
        # a row of another site cannot be written, and the refusal quotes no value
        with pytest.raises(StoreError, match="row-level security") as refused:
            store.people.add(programme_id=_their(shared, f"SELECT id FROM programme "
                                                         f"WHERE name = '{B}'"),
                             role="mentee", first_name="Hidden",
                             email="hidden.rls@example.org", **REGISTERED)
        assert "hidden.rls" not in str(refused.value) and "Hidden" not in str(refused.value)
    # the administrator sees the site's writes, audited under the coordinator's name
    written = _admin(shared, "SELECT action, table_name, row_id FROM audit WHERE actor = "
                             "'anna' ORDER BY id")
    assert [w for w in written if w[2] != gone] == list(
        mine[["action", "table_name", "row_id"]].itertuples(index=False, name=None))
    assert [w for w in written if w[2] == gone] == [("insert", "person", gone),
                                                     ("delete", "person", gone)]
    assert _admin(shared, "SELECT count(*) FROM person WHERE first_name = 'Hidden'") == [(0,)]


def test_each_site_sees_its_own_and_together_they_see_everything_once(
        shared: Shared) -> None:
    with Store.open(shared.site_a) as a, Store.open(shared.site_b) as b:
        ids_a, ids_b = set(a.table("person")["id"]), set(b.table("person")["id"])
        assert b.table("programme")["name"].tolist() == [B]
        assert SECRET in b.table("person")["notes"].str.cat()  # B reads its own notes
    assert ids_a and ids_b and not ids_a & ids_b
    b_ids = {r[0] for r in _admin(shared, f"SELECT id FROM person WHERE programme_id = "
                                           f"(SELECT id FROM programme WHERE name = '{B}')")}
    assert ids_b == b_ids


# --- the command, the URL, SQLite, the migration's way back -------------------------------

def test_the_command_creates_a_role_with_a_private_password_file(
        shared: Shared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_PROGRAMMES", raising=False)
    runner = CliRunner()
    pw = tmp_path / "tilst.pw"
    result = runner.invoke(app, ["db", "site-role", "Groningen", "--programme", "groningen",
                                 "--programme", "Tingbjerg", "--password-file", str(pw),
                                 "--db", shared.url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "role site_groningen sees programme(s)" in result.output
    assert stat.S_IMODE(pw.stat().st_mode) == 0o600
    assert pw.read_text().strip() not in result.output
    url = site_database_url(shared.url, "groningen", pw)
    with Store.open(url) as store:
        assert sorted(store.table("programme")["name"]) == ["Groningen", "Tingbjerg"]
    # run again with one programme: the role now sees only that one, same password
    result = runner.invoke(app, ["db", "site-role", "groningen", "--programme", "Tingbjerg",
                                 "--password-file", str(pw), "--db", shared.url])
    assert result.exit_code == 0 and "new password" not in result.output
    with Store.open(url) as store:
        assert store.table("programme")["name"].tolist() == ["Tingbjerg"]
    unknown = runner.invoke(app, ["db", "site-role", "x", "--programme", "Nowhere",
                                  "--password-file", str(tmp_path / "x.pw"), "--db",
                                  shared.url])
    assert unknown.exit_code == 1 and "no programme called 'Nowhere'" in unknown.output
    assert "Vollsmose" in unknown.output
    assert _admin(shared, "SELECT count(*) FROM pg_roles WHERE rolname = 'site_x'") == [(0,)]
    # any name becomes a plain identifier, the same in the hub and here; nothing else goes in
    assert site_role_name("a; DROP ROLE x --") == "site_a_drop_role_x"
    bad = runner.invoke(app, ["db", "site-role", "; 1", "--programme", A,
                              "--password-file", str(pw), "--db", shared.url])
    assert bad.exit_code == 1 and "a site's name needs a letter first" in bad.output


def test_on_sqlite_the_migration_changes_nothing_and_the_command_refuses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_PROGRAMMES", raising=False)
    path = tmp_path / "site.db"
    Store.open(str(path)).close()
    engine = make_engine(str(path))
    with engine.begin() as conn:
        enable_row_security(conn)
        assert {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")} == set(model.TABLES) | {
            "alembic_version"}
    with pytest.raises(StoreError, match="needs PostgreSQL"):
        create_site_role(engine, "a", [A], "pw")
    engine.dispose()
    result = CliRunner().invoke(app, ["db", "site-role", "a", "--programme", A,
                                      "--password-file", str(tmp_path / "a.pw"),
                                      "--db", str(path)])
    assert result.exit_code == 1 and "needs PostgreSQL" in result.output
    assert not (tmp_path / "a.pw").exists()
    with pytest.raises(StoreError, match="needs PostgreSQL"):
        site_database_url(str(path), "a", tmp_path / "a.pw")


def test_the_migration_goes_down_and_up_again(shared: Shared) -> None:
    url = shared.server.new_database()
    engine = make_engine(url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0006")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_class WHERE relrowsecurity "
                                    "AND relnamespace = 'public'::regnamespace").scalar() == 0
        assert conn.exec_driver_sql(f"SELECT to_regnamespace('{SCHEMA}')").scalar() is None
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_policies WHERE schemaname = "
                                    "'public'").scalar() == len(table_policies()) + 2
    engine.dispose()

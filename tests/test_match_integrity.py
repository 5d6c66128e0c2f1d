"""Casework rules held at write time, by the database (issue 15), written as the attacks.

- two coordinators pressing Confirm at once (processes, released together by a barrier): a
  mentor of capacity 3 never gets a fourth open match, a mentee never a second;
- two batch saves from the same state: one goes in whole, the other is refused whole;
- a matches file over a mentor's capacity is refused, its rows named, nothing written;
- the same file imported twice at once on PostgreSQL writes each person once;
- the database's own rules (migration 0004) refuse what bypasses the store's check, with the
  same ConflictError, and the migration refuses a database that already breaks them.

Every test runs on SQLite and on PostgreSQL (``db_url``), the last one on PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from mentorkit.errors import ConflictError, ImportFailed
from mentorkit.imports import import_file
from mentorkit.store import Store, migrate
from mentorkit.store.engine import make_engine
from mentorkit.store.schema import match as match_table
from mentorkit.vocab import OPEN_MATCH_STATUSES

DAY = dt.date(2026, 1, 5)
WHO = {"registered_on": DAY, "consent_given_at": dt.datetime(2026, 1, 5, 10),
       "consent_scope": ["casework"]}


def _people(store: Store, mentors: dict[str, int], mentees: int) -> dict[str, int]:
    """A programme, mentors by name with their capacities, mentees ``e0``…; ids by name."""
    pid = store.programmes.add(name="Vollsmose", country="DK")
    ids = {"programme": pid}
    for name, cap in mentors.items():
        ids[name] = store.people.add(programme_id=pid, role="mentor", first_name=name,
                                     capacity=cap, email=f"{name}@example.org", **WHO)
    for i in range(mentees):
        ids[f"e{i}"] = store.people.add(programme_id=pid, role="mentee", first_name=f"e{i}",
                                        email=f"e{i}@example.org", **WHO)
    return ids


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _assert_rules_hold(store: Store) -> pd.DataFrame:
    """No mentee with two open matches, no mentor over capacity; the open matches."""
    matches = store.table("match")
    people = store.table("person").set_index("id")
    open_ = matches[matches["status"].isin(list(OPEN_MATCH_STATUSES))]
    assert not open_["mentee_id"].duplicated().any(), "a mentee has two open matches"
    load = open_.groupby("mentor_id").size()
    cap = people["capacity"].reindex(load.index).fillna(1)
    assert (load <= cap).all(), f"mentors over capacity: {load[load > cap].to_dict()}"
    return open_


# --- two coordinators pressing Confirm at once ---------------------------------------------

def _confirm(url: str, barrier: Any, results: Any, values: dict[str, Any]) -> None:
    store = Store.open(url, actor=f"coordinator {values['mentee_id']}")
    try:
        barrier.wait(timeout=120)
        store.matches.add(**values)
        results.put(("saved", values["mentee_id"], values["mentor_id"], ""))
    except ConflictError as err:
        results.put(("refused", values["mentee_id"], values["mentor_id"], str(err)))
    finally:
        store.close()


def _race(target: Any, url: str, jobs: list[Any]) -> list[tuple]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=target, args=(url, barrier, results, job)) for job in jobs]
    for p in procs:
        p.start()
    out = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


def test_confirms_at_once_keep_capacity_and_one_open_match_per_mentee(store: Store) -> None:
    ids = _people(store, {"anna": 3, "bo": 2}, 4)
    pid, anna, bo = ids["programme"], ids["anna"], ids["bo"]
    # four mentees for anna (capacity 3), and mentee e3 for bo as well: five Confirms at once
    jobs = [{"programme_id": pid, "mentee_id": ids[f"e{i}"], "mentor_id": anna,
             "status": "active", "proposed_on": DAY, "started_on": DAY} for i in range(4)]
    jobs.append({**jobs[3], "mentor_id": bo})
    results = _race(_confirm, _url(store), jobs)
    open_ = _assert_rules_hold(store)
    saved = [r for r in results if r[0] == "saved"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(saved) == len(open_) and len(saved) in (3, 4) and len(refused) == 5 - len(saved)
    assert (open_["mentor_id"] == anna).sum() == 3
    for _, mentee, mentor, message in refused:  # the rule and the ids, never a name
        assert ("mentor capacity" in message and f"mentor {mentor}" in message) or \
            ("one open match per mentee" in message and f"mentee {mentee}" in message)
        assert "anna" not in message and "example.org" not in message


# --- two batch saves from the same state ----------------------------------------------------

def _save_batch(url: str, barrier: Any, results: Any, rows: list[dict[str, Any]]) -> None:
    store = Store.open(url, actor="batch")
    try:
        barrier.wait(timeout=120)
        with store.transaction():
            store.matches.add_many(pd.DataFrame(rows))
        results.put(("saved", len(rows), ""))
    except ConflictError as err:
        results.put(("refused", 0, str(err)))
    finally:
        store.close()


@pytest.mark.parametrize("mentees", ["same", "other"])
def test_two_batch_saves_from_the_same_state_write_one_whole(store: Store, mentees: str
                                                             ) -> None:
    """Both batches fill every mentor's places: for the same ten mentees (the index alone
    would refuse the second) or for ten other mentees each (only capacity refuses it)."""
    ids = _people(store, {f"m{j}": 2 for j in range(5)}, 20)
    pid = ids["programme"]

    def batch(run: int) -> list[dict[str, Any]]:  # each mentor gets two mentees
        first = 10 * run if mentees == "other" else 0
        return [{"programme_id": pid, "mentee_id": ids[f"e{first + i}"],
                 "mentor_id": ids[f"m{(i + run) % 5}"], "status": "proposed",
                 "proposed_on": DAY, "made_by": f"run {run}"} for i in range(10)]

    results = _race(_save_batch, _url(store), [batch(0), batch(1)])
    assert sorted(r[0] for r in results) == ["refused", "saved"]
    open_ = _assert_rules_hold(store)
    assert len(open_) == 10 and open_["made_by"].nunique() == 1  # one batch, whole
    assert len(store.table("audit", table_name="match")) == 10
    message = next(r[2] for r in results if r[0] == "refused")
    assert "nothing was written" in message and "e0@" not in message


# --- an import over capacity ----------------------------------------------------------------

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_over_capacity_is_refused_with_the_rows_named(store: Store, tmp_path: Path
                                                             ) -> None:
    ids = _people(store, {"anna": 1}, 5)
    ids["old"] = ids.pop("e4")
    store.matches.add(programme_id=ids["programme"], mentee_id=ids["e0"],
                      mentor_id=ids["anna"], status="declined")
    store.matches.add(programme_id=ids["programme"], mentee_id=ids["old"],
                      mentor_id=ids["anna"], status="completed")
    lines = "".join(f"e{i}@example.org;anna@example.org;active;05-01-2026\n" for i in range(4))
    path = _write(tmp_path / "matches.csv", "mentee_email;mentor_email;status;started_on\n"
                  + lines)
    before = len(store.table("match")), len(store.table("audit"))
    for dry_run in (True, False):
        with pytest.raises(ImportFailed) as caught:
            import_file(store, path, "matches", actor="import", dry_run=dry_run)
        problems = [(p.row, p.column, p.rule) for p in caught.value.report.problems]
        assert problems == [(r, "mentor_email", "mentor capacity") for r in (3, 4, 5)]
        assert (len(store.table("match")), len(store.table("audit"))) == before
    # one row is within capacity: it goes in; then the same file again is already present
    one = _write(tmp_path / "one.csv", "mentee_email;mentor_email;status;started_on\n"
                 "e1@example.org;anna@example.org;active;05-01-2026\n")
    assert import_file(store, one, "matches").inserted == 1
    assert import_file(store, one, "matches").already_present == 1
    # a second open match for e1 (with another mentor) is named by its row too
    other = store.people.add(programme_id=ids["programme"], role="mentor", first_name="bo",
                             capacity=3, email="bo@example.org", **WHO)
    assert other
    again = _write(tmp_path / "again.csv", "mentee_email;mentor_email;status\n"
                   "e2@example.org;bo@example.org;proposed\n"
                   "e1@example.org;bo@example.org;proposed\n")
    with pytest.raises(ImportFailed) as caught:
        import_file(store, again, "matches")
    assert [(p.row, p.column, p.rule) for p in caught.value.report.problems] == [
        (3, "mentee_email", "one open match per mentee")]
    _assert_rules_hold(store)


# --- an import twice at once ----------------------------------------------------------------

def _import(url: str, barrier: Any, results: Any, path: str) -> None:
    store = Store.open(url, actor="import")
    try:
        barrier.wait(timeout=120)
        report = import_file(store, path, "mentees", programme="Vollsmose", actor="import")
        results.put((report.inserted, report.already_present, ""))
    except Exception as err:  # noqa: BLE001 - the test reports what the child met
        results.put((-1, -1, f"{type(err).__name__}: {err}"))
    finally:
        store.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_import_twice_at_once_writes_each_row_once(store: Store, tmp_path: Path) -> None:
    store.programmes.add(name="Vollsmose", country="DK")
    rows = 2_000
    path = _write(tmp_path / "mentees.csv",
                  "first_name;email;registered_on;consent_given_at;consent_scope\n"
                  + "".join(f"P{i};p{i}@example.org;05-01-2026;05-01-2026;casework\n"
                            for i in range(rows)))
    results = _race(_import, _url(store), [str(path), str(path)])
    assert sorted(results) == [(0, rows, ""), (rows, 0, "")], results
    people = store.table("person")
    assert len(people) == rows and people["email"].is_unique


# --- the database's own rules ---------------------------------------------------------------

def test_the_index_refuses_a_second_open_match_that_bypasses_the_check(store: Store) -> None:
    ids = _people(store, {"anna": 5, "bo": 5}, 1)
    row = {"programme_id": ids["programme"], "mentee_id": ids["e0"], "status": "active",
           "version": 1}
    store.matches.add(**{**row, "mentor_id": ids["anna"]})
    with pytest.raises(ConflictError, match="one open match per mentee"):
        with store.transaction() as conn:  # straight to the table, past the store's check
            conn.execute(match_table.insert(), [{**row, "mentor_id": ids["bo"]}])
    declined = store.matches.add(**{**row, "mentor_id": ids["bo"], "status": "declined"})
    with pytest.raises(ConflictError, match=f"mentee {ids['e0']} already has an open match"):
        store.matches.update(declined, status="proposed")  # the update path
    assert Counter(store.table("match")["status"]) == {"active": 1, "declined": 1}


def test_the_email_key_is_a_database_rule(store: Store) -> None:
    ids = _people(store, {}, 1)
    with pytest.raises(ConflictError, match="one person per programme and e-mail"):
        store.people.add(programme_id=ids["programme"], role="mentee", first_name="again",
                         email="e0@example.org", **WHO)
    other = store.programmes.add(name="Tilst", country="DK")  # another programme: allowed
    assert store.people.add(programme_id=other, role="mentee", first_name="x",
                            email="e0@example.org", **WHO)


def test_migration_0004_refuses_a_database_that_breaks_the_rules(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO programme (id, name) VALUES (1, 'P')"))
        for pid, role in ((1, "mentor"), (2, "mentor"), (3, "mentee")):
            conn.execute(sa.text("INSERT INTO person (id, programme_id, role, email, version) "
                                 "VALUES (:i, 1, :r, :e, 1)"),
                         {"i": pid, "r": role, "e": f"p{pid}@example.org"})
        for mid, mentor in ((1, 1), (2, 2)):
            conn.execute(sa.text("INSERT INTO match (id, programme_id, mentee_id, mentor_id, "
                                 "status, version) VALUES (:i, 1, 3, :m, 'active', 1)"),
                         {"i": mid, "m": mentor})
    with pytest.raises(Exception, match=r"mentee 3 \(2 open matches\)") as caught:
        migrate.upgrade(engine)
    assert "p3@" not in str(caught.value)
    assert migrate.current_revision(engine) == "0003"  # nothing changed
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE match SET status = 'declined' WHERE id = 2"))
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()

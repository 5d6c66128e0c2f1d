"""Backups and restores: identical copies, consistent under writes, erasures re-applied."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import StoreError
from mentorkit.model.dataset import Dataset
from mentorkit.privacy.erasure import erase
from mentorkit.privacy.ledger import read_ledger_file
from mentorkit.store import Store
from mentorkit.store.backup import backup, restore
from mentorkit.store.engine import make_engine
from mentorkit.store.schema import metadata

#: What the intake rules ask of a new person (mentorkit.casework.rules), besides a name.
REGISTERED = {"registered_on": dt.date(2026, 1, 5), "consent_given_at": dt.datetime(2026, 1, 5, 9),
              "consent_scope": ["casework"]}


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the schema revision), in primary-key order."""
    engine = make_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = table.c.id if "id" in table.c else list(table.c)[0]
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(order))]
        out["alembic_version"] = conn.exec_driver_sql(
            "SELECT version_num FROM alembic_version").fetchall()
    engine.dispose()
    return out


@pytest.fixture
def live(tmp_path: Path, small_dataset: Dataset) -> Path:
    path = tmp_path / "live.db"
    with Store.open(str(path), actor="test") as s:
        s.load(small_dataset)
        pid = int(s.table("match")["mentee_id"].iloc[0])
        erase(s, pid, actor="coordinator")  # the privacy tables hold rows too
    return path


def test_restored_sqlite_backup_is_identical_in_every_table(live: Path, tmp_path: Path,
                                                            small_dataset: Dataset) -> None:
    info = backup(str(live), tmp_path / "backups" / "b.db")
    assert {name: info.counts[name] for name in small_dataset.tables()} == {
        name: len(df) for name, df in small_dataset.tables().items()}
    assert info.counts["erasure_ledger"] == 1
    with sqlite3.connect(info.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    restored = tmp_path / "restored.db"
    report = restore(info.path, str(restored))
    assert report.reerased == []
    original, copy = dump(str(live)), dump(str(restored))
    restore_row = copy["audit"].pop()  # the restore itself is audited, nothing else differs
    assert restore_row[3] == "restore"
    assert copy == original
    assert not list(tmp_path.glob("backups/*.partial"))


def test_backup_is_one_consistent_moment_while_others_write(live: Path, tmp_path: Path) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        with Store.open(str(live), actor="writer") as s:
            programme = int(s.table("programme")["id"].iloc[0])
            while not stop.is_set():
                try:
                    s.people.add_many([{"programme_id": programme, "role": "mentee",
                                        "first_name": f"W{i}", **REGISTERED}
                                       for i in range(20)])
                except BaseException as err:  # noqa: BLE001 - reported below
                    errors.append(err)
                    return

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        infos = [backup(str(live), tmp_path / f"b{i}.db") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    for info in infos:  # backup() checked counts against the source in the same snapshot
        with sqlite3.connect(info.path) as conn:
            people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
            audited = conn.execute("SELECT count(*) FROM audit WHERE table_name = 'person' "
                                   "AND action = 'insert'").fetchone()[0]
        assert people == info.counts["person"] == audited  # never half a batch
    assert infos[-1].counts["person"] >= infos[0].counts["person"]


def test_restore_reapplies_erasures_made_after_the_backup(live: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "elsewhere" / "erasures.jsonl"
    info = backup(str(live), tmp_path / "b.db")
    with Store.open(str(live)) as s:
        people = s.table("person")
        victim = int(people["id"][people["erased_at"].isna()].iloc[3])
        email = s.people.get(victim)["email"]
        assert email
        erase(s, victim, actor="coordinator", ledger=ledger)
    assert [e["person_id"] for e in read_ledger_file(ledger)] == [victim]
    # 1. restore over the live database: its own ledger says what to erase again
    report = restore(info.path, str(live))
    assert report.reerased == [victim]
    with Store.open(str(live)) as s:
        assert s.people.get(victim)["email"] is None
        assert victim in set(s.table("erasure_ledger")["person_id"])
    # 2. the live database is lost: only the ledger file remembers
    fresh = tmp_path / "new-disk" / "mentorkit.db"
    report = restore(info.path, str(fresh), ledger=ledger)
    assert report.reerased == [victim]
    with Store.open(str(fresh)) as s:
        assert s.people.get(victim)["email"] is None
        assert email.encode() not in fresh.read_bytes()
    # 3. without the ledger the backup would bring the person back: the test has teeth
    back = tmp_path / "no-ledger.db"
    restore(info.path, str(back), ledger=tmp_path / "missing.jsonl")
    with Store.open(str(back)) as s:
        assert s.people.get(victim)["email"] == email


def test_a_reused_id_is_not_erased_after_a_restore(live: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "erasures.jsonl"
    info = backup(str(live), tmp_path / "b.db")
    with Store.open(str(live)) as s:
        programme = int(s.table("programme")["id"].iloc[0])
        late = s.people.add(programme_id=programme, role="mentee", first_name="Late",
                            created_at=dt.datetime(2026, 1, 5, 9, 0), **REGISTERED)
        erase(s, late, actor="coordinator", ledger=ledger)
    restore(info.path, str(live), ledger=ledger)  # the late person is not in the backup
    with Store.open(str(live)) as s:
        newcomer = s.people.add(programme_id=programme, role="mentee", first_name="Newcomer",
                                **REGISTERED)
        assert newcomer == late  # SQLite hands the id out again
    report = restore(backup(str(live), tmp_path / "b2.db").path, str(live), ledger=ledger)
    assert report.reerased == []
    with Store.open(str(live)) as s:
        assert s.people.get(newcomer)["first_name"] == "Newcomer"


def test_damaged_backups_are_refused_and_the_database_is_untouched(live: Path,
                                                                   tmp_path: Path) -> None:
    before = dump(str(live))
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    with pytest.raises(StoreError):
        restore(bad, str(live))
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="not a mentorkit database"):
        restore(other, str(live))
    info = backup(str(live), tmp_path / "good.db")
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 4096] = b"\xff" * 4096  # a torn page
    torn = tmp_path / "torn.db"
    torn.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        restore(torn, str(live))
    assert dump(str(live)) == before


def test_backup_and_restore_commands(live: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["backup", str(tmp_path / "cli.db"), "--db", str(live)])
    assert out.exit_code == 0 and "backup written" in out.output
    target = tmp_path / "cli-restored.db"
    back = runner.invoke(app, ["restore", str(tmp_path / "cli.db"), "--yes", "--db", str(target)])
    assert back.exit_code == 0, back.output
    original, copy = dump(str(live)), dump(str(target))
    copy["audit"].pop()
    assert copy == original


@pytest.mark.postgres
def test_restored_postgresql_backup_is_identical(postgres: Any, small_dataset: Dataset,
                                                 tmp_path: Path) -> None:
    url = postgres.new_database()
    with Store.open(url, actor="test") as s:
        s.load(small_dataset)
        pid = int(s.table("match")["mentee_id"].iloc[0])
        erase(s, pid, actor="coordinator")
        victim = int(s.table("person")["id"][lambda x: x != pid].iloc[5])
    info = backup(url, tmp_path / "pg.dump")
    snapshot = dump(url)
    assert info.backend == "postgresql" and info.counts["erasure_ledger"] == 1
    target = postgres.new_database()
    restore(info.path, target)
    copy = dump(target)
    assert copy["audit"].pop()[3] == "restore"
    assert copy == snapshot
    with Store.open(url) as s:
        email = s.people.get(victim)["email"]
        erase(s, victim, actor="coordinator")
    report = restore(info.path, url)  # over the live database: its ledger re-applies
    assert report.reerased == [victim] and email
    with Store.open(url) as s:
        assert s.people.get(victim)["email"] is None
        assert s.people.get(pid)["erased_at"] is not None

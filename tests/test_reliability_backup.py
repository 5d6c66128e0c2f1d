"""Backups and restores: identical copies, consistent under writes, erasures re-applied."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import StoreError
from mentorkit.files import DiskFull
from mentorkit.model.dataset import Dataset
from mentorkit.privacy.erasure import erase
from mentorkit.privacy.ledger import read_ledger_file
from mentorkit.store import Store
from mentorkit.store.backup import KILL_AT_VARIABLE, RESTORE_STAGES, backup, restore
from mentorkit.store.engine import make_engine
from mentorkit.store.schema import metadata

#: What the intake rules ask of a new person (mentorkit.casework.rules), besides a name.
REGISTERED: dict[str, Any] = {"registered_on": dt.date(2026, 1, 5),
                              "consent_given_at": dt.datetime(2026, 1, 5, 9),
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
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == ["b.db"]  # no temp
    assert not list(tmp_path.glob(".*restoring*"))  # the staging copy is gone


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


# --- kill -9 during restore (issue 15): the old database or the whole re-erased one ------------

RESTORE = ("import sys; from mentorkit.store.backup import restore; "
           "restore(sys.argv[1], sys.argv[2])")


def _killed_restore(backup_file: Path, url: str, stage: str, env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-c", RESTORE, str(backup_file), url],
                          env={**env, KILL_AT_VARIABLE: stage}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == -9, (stage, done.returncode, done.stderr[-2000:])


def _erased_after_backup(url: str, tmp_path: Path, ledger: Path) -> tuple[Path, int, str]:
    info = backup(url, tmp_path / "before-erasure.backup")
    with Store.open(url) as s:
        people = s.table("person")
        victim = int(people["id"][people["erased_at"].isna()].iloc[7])
        email = s.people.get(victim)["email"]
        assert email
        erase(s, victim, actor="coordinator", ledger=ledger)
    return info.path, victim, email


def _holds(url: str, victim: int) -> tuple[str | None, set[int]]:
    with Store.open(url) as s:
        return s.people.get(victim)["email"], set(s.table("erasure_ledger")["person_id"])


@pytest.mark.parametrize("stage", RESTORE_STAGES)
def test_a_restore_killed_at_any_stage_never_brings_an_erased_person_back(
        live: Path, tmp_path: Path, stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGKILL at each named point of a restore over the live database (no ledger file: the
    database's own ledger is all there is) leaves the old database with its ledger, or the
    restored one with the erasure applied again; never the backup's copy of the person."""
    monkeypatch.delenv("MENTORKIT_ERASURE_LEDGER", raising=False)
    ledger = tmp_path / "erasures.jsonl"
    backup_file, victim, email = _erased_after_backup(str(live), tmp_path, ledger)
    ledger.unlink()  # only the database's ledger remembers
    before = dump(str(live))
    _killed_restore(backup_file, str(live), stage, dict(os.environ))
    with sqlite3.connect(live) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = dump(str(live))
    found, ledger_ids = _holds(str(live), victim)
    assert found is None and victim in ledger_ids  # erased, and the ledger still says so
    if stage == "replaced":
        assert after["audit"][-1][3] == "restore"  # the restored, re-erased copy
    else:
        assert after == before  # the old database, untouched
    assert email.encode() not in live.read_bytes()
    # the next restore removes what the killed one left and finishes the job
    report = restore(backup_file, str(live))
    assert report.reerased == [victim] and _holds(str(live), victim)[0] is None
    assert not list(tmp_path.glob(".live.db.restoring*"))


@pytest.mark.postgres
@pytest.mark.parametrize("stage", ["copied", "reerased", "replaced"])
def test_a_postgresql_restore_killed_at_any_stage_never_brings_an_erased_person_back(
        postgres: Any, small_dataset: Dataset, tmp_path: Path, stage: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_ERASURE_LEDGER", raising=False)
    url = postgres.new_database()
    with Store.open(url, actor="test") as s:
        s.load(small_dataset)
    ledger = tmp_path / "erasures.jsonl"
    backup_file, victim, _ = _erased_after_backup(url, tmp_path, ledger)
    before = dump(url)
    _killed_restore(backup_file, url, stage, dict(os.environ))
    after = dump(url)
    found, ledger_ids = _holds(url, victim)
    assert found is None and victim in ledger_ids
    if stage == "replaced":
        assert after["audit"][-1][3] == "restore"
    else:
        assert after == before
    report = restore(backup_file, url)  # drops the staging database a kill left behind
    assert report.reerased == [victim]


def test_the_ledger_file_keeps_refusing_someone_the_backup_never_held(
        live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person added and erased after the backup is not in the restored database, so its
    ledger table cannot name her; the ledger file outside still refuses her re-import."""
    from mentorkit.privacy.fingerprints import ErasedPerson

    ledger = tmp_path / "elsewhere" / "erasures.jsonl"
    monkeypatch.setenv("MENTORKIT_ERASURE_LEDGER", str(ledger))
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", "backup-test-key-of-the-installation")
    info = backup(str(live), tmp_path / "b.db")
    with Store.open(str(live)) as s:
        programme = int(s.table("programme")["id"].iloc[0])
        late: dict[str, Any] = dict(programme_id=programme, role="mentee", first_name="Late",
                                    last_name="Comer", email="late.comer@example.org",
                                    **REGISTERED)
        erase(s, s.people.add(**late), actor="coordinator")
    report = restore(info.path, str(live))
    assert report.absent and "ledger file" in report.to_text()
    with Store.open(str(live)) as s, pytest.raises(ErasedPerson):
        s.people.add(**late)


# --- a full disk, and who may read a backup ------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs, mounted for the test (mounting needs root; a machine where it cannot
    be mounted fails this test, it does not skip it); :func:`_fill` fills it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail("the full-disk tests need to mount a small tmpfs (run them as root, as "
                    f"CI does): mount said {done.stderr.strip()!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _fill(mount: Path, free: int = 64 * 1024) -> None:
    """Fill ``mount`` but for ``free`` bytes."""
    (mount / "filler").write_bytes(b"\0" * (shutil.disk_usage(mount).free - free))
    assert shutil.disk_usage(mount).free <= 2 * free


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


def test_a_backup_to_a_full_disk_says_so_and_leaves_nothing(live: Path,
                                                             small_disk: Path) -> None:
    _fill(small_disk)
    assert live.stat().st_size > 4 * 64 * 1024  # the backup cannot fit
    with pytest.raises(DiskFull, match="^the disk is full: "):
        backup(str(live), small_disk / "b.db")
    assert _left(small_disk) == []


@pytest.mark.parametrize("lang, text", [("da", "disken er fuld"), ("en", "the disk is full"),
                                        ("nl", "de schijf is vol")])
def test_the_backup_command_on_a_full_disk_says_so_in_the_users_language(
        live: Path, small_disk: Path, lang: str, text: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_LANG", lang)
    _fill(small_disk)
    with Store.open(str(live)) as s:
        emails = [e for e in s.table("person")["email"].dropna()]
    out = CliRunner().invoke(app, ["backup", str(small_disk / "b.db"), "--db", str(live)])
    assert out.exit_code != 0 and text in out.output
    assert "Traceback" not in out.output and not any(e in out.output for e in emails)
    assert _left(small_disk) == []


def test_a_restore_onto_a_full_disk_says_so_and_leaves_the_database_as_it_was(
        live: Path, tmp_path: Path, small_disk: Path) -> None:
    info = backup(str(live), tmp_path / "b.db")
    small = small_disk / "live.db"
    with Store.open(str(small), actor="test") as s:  # a small database on the full disk
        s.programmes.add(name="Tilst")
    _fill(small_disk)
    before = dump(str(small))
    with pytest.raises(DiskFull):
        restore(info.path, str(small))
    assert dump(str(small)) == before
    assert [n for n in _left(small_disk) if "restoring" in n] == []


def test_backups_are_readable_by_their_owner_only(live: Path, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        info = backup(str(live), tmp_path / "open" / "b.db")
    finally:
        os.umask(old)
    assert oct(info.path.stat().st_mode & 0o777) == "0o600"

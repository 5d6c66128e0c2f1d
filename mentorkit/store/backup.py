"""Backups and restores that lose nothing and forget nothing that was erased.

SQLite: :func:`backup` copies the database with SQLite's online backup API
(``sqlite3.Connection.backup``) inside one read transaction, so the copy is one consistent
moment even while others write; it is written to a temporary file, checked (``PRAGMA
integrity_check`` and row counts equal to the source's at that moment), flushed to disk and
only then renamed into place. PostgreSQL: ``pg_dump --format=custom`` of an exported snapshot,
with the same row counts taken in that snapshot.

:func:`restore` checks the backup, remembers the erasure ledger of the database it replaces
(and of ``MENTORKIT_ERASURE_LEDGER``, the ledger file), and replaces the database by a copy in
which everyone erased since the backup was taken is erased again, in one step that either
happens whole or not at all (:func:`restore`): a ``kill -9`` at any moment leaves the old
database with its ledger, or the restored and fully re-erased one.

Backups are written through :func:`mentorkit.files.atomic_write`: a temporary file in the same
folder, mode 600 from its creation, removed when anything fails; a full disk says "the disk is
full" in the user's language (``MENTORKIT_LANG``) instead of a traceback.

Example
-------
>>> import tempfile, pathlib
>>> from mentorkit.store import Store
>>> from mentorkit.synth import generate
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> store = Store.open(str(folder / "live.db")); store.load(generate(seed=0, scale=0.05))
>>> info = backup(store, folder / "copy.db")
>>> info.counts["person"] == len(store.table("person"))
True
>>> report = restore(folder / "copy.db", str(folder / "restored.db"))
>>> report.counts["person"] == info.counts["person"], report.reerased
(True, [])
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from mentorkit.config import Settings, database_url
from mentorkit.errors import StoreError
from mentorkit.files import DiskFull, atomic_write, create_private, is_disk_full
from mentorkit.store.audit import DATABASE, utcnow, write_audit
from mentorkit.store.engine import is_sqlite, make_engine
from mentorkit.store.schema import metadata
from mentorkit.store.store import Store

__all__ = ["KILL_AT_VARIABLE", "RESTORE_STAGES", "BackupInfo", "RestoreReport", "backup",
           "restore"]

KILL_AT_VARIABLE = "MENTORKIT_TEST_KILL_RESTORE_AT"
"""For the crash tests only: a restore kills itself (SIGKILL) at the stage this names."""

RESTORE_STAGES = ("copied", "reerased", "replacing", "replaced")
"""The named points of a restore: backup copied to the staging copy; erasures applied again
there and checked; half-way through the one write that replaces the database; replaced."""


@dataclass
class BackupInfo:
    """A finished, checked backup."""

    path: Path
    backend: str
    made_at: dt.datetime
    counts: dict[str, int]
    sha256: str

    def to_text(self) -> str:
        rows = sum(n for t, n in self.counts.items() if t != "audit")
        return (f"backup written to {self.path} ({self.backend}, {rows} rows and "
                f"{self.counts.get('audit', 0)} audit entries, sha256 {self.sha256[:12]}…)")


@dataclass
class RestoreReport:
    """What a restore did: rows per table, and the erasures it applied again."""

    url: str
    counts: dict[str, int]
    reerased: list[int] = field(default_factory=list)
    ledger_sources: list[str] = field(default_factory=list)
    absent: list[int] = field(default_factory=list)

    def to_text(self) -> str:
        rows = sum(n for t, n in self.counts.items() if t != "audit")
        sources = ", ".join(self.ledger_sources) or "none"
        text = (f"restored {rows} rows; erased again {len(self.reerased)} person(s) erased "
                f"after the backup was made (ledger from {sources})")
        if self.absent:
            text += (f"; {len(self.absent)} erased person(s) are not in the backup: only the "
                     "ledger file (MENTORKIT_ERASURE_LEDGER) keeps refusing their re-import")
        return text


def _stage(name: str) -> None:
    """A named point of a restore; the crash tests kill the process here."""
    if os.environ.get(KILL_AT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _counts(conn: Any) -> dict[str, int]:
    """Rows per table, on a DBAPI connection or cursor-like object."""
    names = [t.name for t in metadata.sorted_tables]
    existing = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table'").fetchall()}
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0])
            for n in names if n in existing}


def backup(store: Store | str, path: str | os.PathLike[str]) -> BackupInfo:
    """Write a checked backup of ``store`` (a Store, URL or SQLite path) to ``path``.

    The file is created mode 600 and appears whole or not at all; on a full disk
    :class:`~mentorkit.files.DiskFull` ("the disk is full", in ``MENTORKIT_LANG``) and
    nothing is left behind.
    """
    own = not isinstance(store, Store)
    engine = make_engine(store) if isinstance(store, str) else store.engine
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_write(path) as tmp, _sqlite_side_files(tmp):
            if is_sqlite(engine):
                counts = _sqlite_backup(engine, tmp)
            else:
                counts = _pg_dump(engine, tmp)
    finally:
        if own:
            engine.dispose()
    return BackupInfo(path, engine.dialect.name, utcnow(), counts, _sha256(path))


@contextlib.contextmanager
def _sqlite_side_files(path: Path) -> Iterator[None]:
    """Remove the journal files SQLite may leave next to ``path`` when writing it fails."""
    try:
        yield
    finally:
        for suffix in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()


def _sqlite_backup(engine: sa.Engine, tmp: Path) -> dict[str, int]:
    raw = engine.raw_connection()
    source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]  # sqlite3 here
    try:
        source.execute("BEGIN")  # one read transaction: counts and copy see the same moment
        try:
            counts = _counts(source)
            target = sqlite3.connect(tmp)  # the empty file atomic_write made, mode 600
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                _check(target, counts, "the backup")
            finally:
                target.close()
        finally:
            source.execute("COMMIT")
    finally:
        raw.close()
    return counts


def _check(conn: sqlite3.Connection, counts: dict[str, int] | None, what: str) -> dict[str, int]:
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{what} is not a readable SQLite database ({err}); nothing was "
                         "changed") from None
    if result != ["ok"]:
        raise StoreError(f"{what} failed its integrity check ({result[0]}); nothing was changed")
    found = _counts(conn)
    if counts is not None and found != counts:
        raise StoreError(f"{what} does not hold what the database held; nothing was changed")
    if "alembic_version" not in {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'").fetchall()}:
        raise StoreError(f"{what} is not a mentorkit database (no schema revision)")
    return found


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    exe = found[-1] if found else shutil.which(name)
    if exe is None:
        raise StoreError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return exe


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump(engine: sa.Engine, tmp: Path) -> dict[str, int]:
    uri, env = _libpq(engine.url)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        counts = {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                  for t in metadata.sorted_tables}
        run = subprocess.run([_pg_bin("pg_dump"), "--format=custom", "--no-owner",
                              "--no-privileges", f"--snapshot={snapshot}", f"--file={tmp}",
                              f"--dbname={uri}"], env=env, capture_output=True, text=True)
        conn.rollback()
    if run.returncode != 0:
        if "No space left" in run.stderr or "Disk quota" in run.stderr:
            raise DiskFull(tmp.name)
        raise StoreError(f"pg_dump failed: {run.stderr.strip().splitlines()[-1:]}")
    return counts


def restore(path: str | os.PathLike[str], url: str | None = None, *, actor: str = "restore",
            ledger: Path | None = None) -> RestoreReport:
    """Replace the database at ``url`` (default ``MENTORKIT_DB``) by the backup at ``path``,
    with everyone erased since the backup erased again, atomically.

    Erasures recorded in the replaced database's ledger and in the ledger file (``ledger``
    or ``MENTORKIT_ERASURE_LEDGER``) are applied to a staging copy of the backup (SQLite: a
    file next to the database; PostgreSQL: a database next to it), which is checked (no one
    the ledger names still holds a personal value) and then written over the database in
    one transaction (SQLite's backup API in one write transaction; ``pg_restore
    --single-transaction``). Killed at any moment, the database is the old one, ledger and
    all, or the restored, fully re-erased one; the staging copy is removed (or, after a
    kill, by the next restore).
    """
    from mentorkit.privacy.erasure import ledger_path
    from mentorkit.privacy.ledger import read_ledger_file

    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no backup file at {path}")
    target = database_url(url or Settings.from_env().database_url)
    entries, sources = _old_ledger(target)
    file = ledger if ledger is not None else ledger_path()
    if file is not None and Path(file).exists():
        entries += read_ledger_file(file)
        sources.append(str(file))
    if is_sqlite(target):
        report, counts = _sqlite_restore(path, target, entries, actor)
    else:
        report, counts = _pg_restore_atomic(path, target, entries, actor)
    return RestoreReport(target, counts, report.erased, sources, report.absent)


def _prepare(staging: str, entries: list[dict[str, Any]], actor: str,
             backup_name: str) -> tuple[Any, dict[str, int]]:
    """Erase again in the staging copy everyone in ``entries`` it holds, audit the restore,
    check that none of them holds a personal value; (ReapplyReport, counts)."""
    from mentorkit.privacy.ledger import reapply
    from mentorkit.store.erasure import still_held

    with Store.open(staging, actor=actor, upgrade=True, programmes=()) as store:
        report = reapply(store, entries, actor=actor)
        with store.transaction(actor) as conn:
            write_audit(conn, actor, "restore", DATABASE, [None],
                        [{"backup": backup_name, "erased_again": len(report.erased)}])
        with store.reading() as conn:
            left = still_held(conn, entries)
        if left:
            raise StoreError(f"the restored copy still holds personal data of {len(left)} "
                             "erased person(s); the database was not replaced")
        counts = store.counts()
    return report, counts


def _sqlite_restore(path: Path, target: str, entries: list[dict[str, Any]],
                    actor: str) -> tuple[Any, dict[str, int]]:
    file = sa.make_url(target).database
    if file in (None, "", ":memory:"):
        raise StoreError("cannot restore into an in-memory database")
    live = Path(file)
    live.parent.mkdir(parents=True, exist_ok=True)
    staging = live.with_name(f".{live.name}.restoring")
    _remove_sqlite(staging)  # left by a restore killed half-way
    source = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        _check(source, None, "the backup")
        create_private(staging)
        dest = sqlite3.connect(staging)
        try:
            source.backup(dest)
        finally:
            dest.close()
    except BaseException as err:
        _remove_sqlite(staging)
        if is_disk_full(err):
            raise DiskFull(live.name) from None
        raise
    finally:
        source.close()
    try:
        _stage("copied")
        report, counts = _prepare(database_url(staging), entries, actor, path.name)
        _stage("reerased")
        staged = sqlite3.connect(staging)
        try:
            staged.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _check(staged, counts, "the restored copy")
        finally:
            staged.close()
        if live.exists() and live.stat().st_size > 0:
            _write_over(staging, live)
        else:
            os.replace(staging, live)
            _fsync(live.parent)
        _stage("replaced")
    except BaseException as err:
        if is_disk_full(err):
            raise DiskFull(live.name) from None
        raise
    finally:
        _remove_sqlite(staging)
    return report, counts


def _write_over(staging: Path, live: Path) -> None:
    """Copy ``staging`` over ``live`` in one write transaction of ``live`` (SQLite's backup
    API keeps the destination's write transaction open until the last page: a crash before
    it ends leaves ``live`` as it was)."""
    source = sqlite3.connect(f"file:{staging}?mode=ro", uri=True)
    dest = sqlite3.connect(live, timeout=30)
    halfway = [False]

    def progress(status: int, remaining: int, total: int) -> None:
        if not halfway[0] and remaining <= total // 2:
            halfway[0] = True
            _stage("replacing")

    try:
        source.backup(dest, pages=16, progress=progress)
        _check(dest, None, "the restored database")
    finally:
        dest.close()
        source.close()


def _remove_sqlite(path: Path) -> None:
    for name in (str(path), f"{path}-journal", f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _old_ledger(target: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The erasure ledger of the database about to be replaced (if there is one)."""
    from mentorkit.store.erasure import ledger_rows

    if is_sqlite(target):
        file = sa.make_url(target).database
        if not file or not Path(file).exists():
            return [], []
    engine = make_engine(target)
    try:
        if "erasure_ledger" not in sa.inspect(engine).get_table_names():
            return [], []
        with engine.connect() as conn:
            return ledger_rows(conn), ["the replaced database"]
    except sa.exc.SQLAlchemyError:  # damaged: say so, restore anyway (that is why we are here)
        return [], ["(the replaced database's ledger could not be read)"]
    finally:
        engine.dispose()


def _pg_restore(path: Path, target: str) -> None:
    uri, env = _libpq(sa.make_url(target))
    run = subprocess.run([_pg_bin("pg_restore"), "--clean", "--if-exists", "--no-owner",
                          "--no-privileges", "--single-transaction", "--exit-on-error",
                          f"--dbname={uri}", str(path)], env=env, capture_output=True,
                         text=True)
    if run.returncode != 0:
        raise StoreError(f"pg_restore failed; the database is unchanged: "
                         f"{run.stderr.strip().splitlines()[-1:]}")


def _pg_restore_atomic(path: Path, target: str, entries: list[dict[str, Any]],
                       actor: str) -> tuple[Any, dict[str, int]]:
    """PostgreSQL: restore into a staging database next to the target, erase again there and
    check, dump it, and restore that dump over the target with ``--single-transaction``."""
    url = sa.make_url(target)
    staging = url.set(database=f"{url.database}_restoring")
    admin = make_engine(target).execution_options(isolation_level="AUTOCOMMIT")
    name = str(staging.database).replace('"', '""')
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')  # a killed restore's
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        staging_url = staging.render_as_string(hide_password=False)
        _pg_restore(path, staging_url)
        _stage("copied")
        report, counts = _prepare(staging_url, entries, actor, path.name)
        _stage("reerased")
        folder = Path(tempfile.mkdtemp(prefix="mentorkit-restore-"))
        try:
            dump = folder / "staged.dump"
            create_private(dump)
            engine = make_engine(staging_url)
            try:
                _pg_dump(engine, dump)
            finally:
                engine.dispose()
            _pg_restore(dump, target)  # one transaction: the old database or the new whole
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        _stage("replaced")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()
    return report, counts

"""Backups and restores that lose nothing and forget nothing that was erased.

SQLite: :func:`backup` copies the database with SQLite's online backup API
(``sqlite3.Connection.backup``) inside one read transaction, so the copy is one consistent
moment even while others write; it is written to a temporary file, checked (``PRAGMA
integrity_check`` and row counts equal to the source's at that moment), flushed to disk and
only then renamed into place. PostgreSQL: ``pg_dump --format=custom`` of an exported snapshot,
with the same row counts taken in that snapshot.

:func:`restore` checks the backup, remembers the erasure ledger of the database it replaces
(and of ``MENTORKIT_ERASURE_LEDGER``, the ledger file), copies the backup in (backup API, or
``pg_restore --clean --single-transaction``), brings the schema up to date and erases again
everyone erased since the backup was taken.

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

import datetime as dt
import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from mentorkit.config import Settings, database_url
from mentorkit.errors import StoreError
from mentorkit.store.audit import DATABASE, utcnow, write_audit
from mentorkit.store.engine import is_sqlite, make_engine
from mentorkit.store.schema import metadata
from mentorkit.store.store import Store

__all__ = ["BackupInfo", "RestoreReport", "backup", "restore"]


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

    def to_text(self) -> str:
        rows = sum(n for t, n in self.counts.items() if t != "audit")
        sources = ", ".join(self.ledger_sources) or "none"
        return (f"restored {rows} rows; erased again {len(self.reerased)} person(s) erased "
                f"after the backup was made (ledger from {sources})")


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
    """Write a checked backup of ``store`` (a Store, URL or SQLite path) to ``path``."""
    own = not isinstance(store, Store)
    engine = make_engine(store) if isinstance(store, str) else store.engine
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if is_sqlite(engine):
            counts = _sqlite_backup(engine, path)
        else:
            counts = _pg_dump(engine, path)
    finally:
        if own:
            engine.dispose()
    return BackupInfo(path, engine.dialect.name, utcnow(), counts, _sha256(path))


def _sqlite_backup(engine: sa.Engine, path: Path) -> dict[str, int]:
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]  # sqlite3 here
    try:
        source.execute("BEGIN")  # one read transaction: counts and copy see the same moment
        try:
            counts = _counts(source)
            target = sqlite3.connect(partial)
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
    _fsync(partial)
    os.replace(partial, path)
    _fsync(path.parent)
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


def _pg_dump(engine: sa.Engine, path: Path) -> dict[str, int]:
    uri, env = _libpq(engine.url)
    partial = path.with_name(path.name + ".partial")
    with engine.connect() as conn:
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        counts = {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                  for t in metadata.sorted_tables}
        run = subprocess.run([_pg_bin("pg_dump"), "--format=custom", "--no-owner",
                              "--no-privileges", f"--snapshot={snapshot}", f"--file={partial}",
                              f"--dbname={uri}"], env=env, capture_output=True, text=True)
        conn.rollback()
    if run.returncode != 0:
        partial.unlink(missing_ok=True)
        raise StoreError(f"pg_dump failed: {run.stderr.strip().splitlines()[-1:]}")
    _fsync(partial)
    os.replace(partial, path)
    return counts


def restore(path: str | os.PathLike[str], url: str | None = None, *, actor: str = "restore",
            ledger: Path | None = None) -> RestoreReport:
    """Replace the database at ``url`` (default ``MENTORKIT_DB``) by the backup at ``path``.

    Erasures recorded in the replaced database's ledger and in the ledger file
    (``ledger`` or ``MENTORKIT_ERASURE_LEDGER``) are applied again afterwards.
    """
    from mentorkit.privacy.erasure import ledger_path
    from mentorkit.privacy.ledger import read_ledger_file, reapply

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
        _sqlite_restore(path, target)
    else:
        _pg_restore(path, target)
    with Store.open(target, actor=actor, upgrade=True, programmes=()) as store:
        report = reapply(store, entries, actor=actor)
        with store.transaction(actor) as conn:
            write_audit(conn, actor, "restore", DATABASE, [None],
                        [{"backup": path.name, "erased_again": len(report.erased)}])
        counts = store.counts()
    return RestoreReport(target, counts, report.erased, sources)


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


def _sqlite_restore(path: Path, target: str) -> None:
    source = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        _check(source, None, "the backup")
        file = sa.make_url(target).database
        if file in (None, "", ":memory:"):
            raise StoreError("cannot restore into an in-memory database")
        Path(file).parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(file, timeout=30)
        try:
            source.backup(dest)
            _check(dest, None, "the restored database")
        finally:
            dest.close()
    finally:
        source.close()


def _pg_restore(path: Path, target: str) -> None:
    uri, env = _libpq(sa.make_url(target))
    run = subprocess.run([_pg_bin("pg_restore"), "--clean", "--if-exists", "--no-owner",
                          "--no-privileges", "--single-transaction", "--exit-on-error",
                          f"--dbname={uri}", str(path)], env=env, capture_output=True,
                         text=True)
    if run.returncode != 0:
        raise StoreError(f"pg_restore failed; the database is unchanged: "
                         f"{run.stderr.strip().splitlines()[-1:]}")

"""Database engines configured so that nothing is lost.

SQLite: WAL journal, ``synchronous=FULL``, foreign keys on, a busy timeout, secure delete
(old values of changed or deleted rows are overwritten, which erasure relies on), and write
transactions that take the write lock up front (``BEGIN IMMEDIATE``) so that concurrent
read-then-write transactions cannot lose updates. Read-only connections (execution option
``readonly=True``) begin with a plain deferred ``BEGIN`` and never block writers under WAL.
A new SQLite file is created mode 600 (owner only, whatever the umask) before SQLite opens
it; SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the database's mode.

Example
-------
>>> engine = make_engine("sqlite://")
>>> with engine.begin() as conn:
...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
1
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from mentorkit.config import database_url
from mentorkit.files import create_private

BUSY_TIMEOUT_MS = 30_000


def is_sqlite(engine_or_url: sa.Engine | str) -> bool:
    """True for a SQLite engine or URL."""
    url = engine_or_url.url if isinstance(engine_or_url, sa.Engine) else sa.make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def make_engine(url_or_path: str, **kwargs: Any) -> sa.Engine:
    """An engine for a SQLAlchemy URL or a SQLite file path."""
    url = database_url(url_or_path)
    if not is_sqlite(url):
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    database = sa.make_url(url).database
    if database in (None, "", ":memory:"):
        kwargs.setdefault("poolclass", sa.StaticPool)
    elif not database.startswith("file:") and Path(database).parent.is_dir():
        with contextlib.suppress(OSError):  # not allowed there: SQLite says so when it opens
            create_private(database)  # a new database is mode 600, and so its -wal and -shm
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                 "check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the "begin" hook below issues BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted and overwritten bytes are zeroed
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        readonly = conn.get_execution_options().get("readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine

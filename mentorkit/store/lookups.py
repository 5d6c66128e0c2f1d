"""Small reads by column: what the importer resolves references and duplicates against, and
the free text that mentions someone.

These read every programme's rows (a reference or a duplicate may be in another site's
programme; an erasure redacts mentions everywhere), with values as the database driver
returns them.

Example
-------
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> _ = store.programmes.add(name="Vollsmose"); _ = store.programmes.add(name="Tilst")
>>> columns(store, "programme", ["id", "name"])["name"].tolist()
['Vollsmose', 'Tilst']
>>> rows_where(store, "programme", ["name"], "id", [2]).to_dict("records")
[{'id': 2, 'name': 'Tilst'}]
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd
import sqlalchemy as sa

from mentorkit.store.audit import chunks
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["CHUNK", "columns", "lock_imports", "mentioning", "rows_where"]

CHUNK = 5_000
"""Values per ``IN (...)`` list."""


def columns(store: Store, table: str, names: Sequence[str], *, scoped: bool = False
            ) -> pd.DataFrame:
    """The columns ``names`` of every row of ``table``, in id order; with ``scoped``, only
    the rows of the store's programmes (what a site may refer to: another site's rows are
    answered as if they did not exist)."""
    t = metadata.tables[table]
    query = sa.select(*(t.c[c] for c in names)).order_by(t.c.id)
    if scoped:
        query = store.scoped(query, t)
    with store.reading() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=list(names))


def rows_where(store: Store, table: str, names: Sequence[str], column: str,
               values: Iterable[int]) -> pd.DataFrame:
    """``id`` and the columns ``names`` of the rows of ``table`` whose ``column`` is one of
    ``values`` (read in chunks of :data:`CHUNK`), each row once."""
    t = metadata.tables[table]
    wanted = sorted({int(v) for v in values})
    query = sa.select(t.c.id, *(t.c[c] for c in names))
    rows: list[sa.Row] = []
    with store.reading() as conn:
        for chunk in chunks(wanted, CHUNK):
            rows.extend(conn.execute(query.where(t.c[column].in_(list(chunk)))).all())
    return pd.DataFrame(rows, columns=["id", *names]).drop_duplicates("id")


def mentioning(conn: sa.Connection, table: str, column: str,
               needles: Sequence[str]) -> list[tuple[int, str]]:
    """(id, text) of the rows of ``table`` whose text ``column`` contains any of ``needles``
    (case ignored; ``%`` and ``_`` in a needle are plain text)."""
    if not needles:
        return []
    t = metadata.tables[table]
    col = t.c[column]
    like = sa.or_(*[sa.func.lower(col).contains(n.lower(), autoescape=True) for n in needles])
    return [(int(i), text) for i, text in conn.execute(sa.select(t.c.id, col).where(like))]


def lock_imports(conn: sa.Connection, table: str) -> None:
    """Let one import into ``table`` at a time read and write, until the transaction ``conn``
    ends: on PostgreSQL a transaction-level advisory lock, so a second import of the same
    file waits, then finds every row already present (the unique indexes of migration 0004
    hold even without it); on SQLite the write transaction's ``BEGIN IMMEDIATE`` does it."""
    if conn.dialect.name == "sqlite":
        return
    key = zlib.crc32(f"mentorkit.import.{table}".encode())
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key))).all()

"""Move a site's database into another (typically the shared PostgreSQL) without loss.

Every table is copied in one transaction on the target, in foreign-key order. Into an empty
target the ids are kept as they are; into a target that already holds other sites, every
id is shifted past the target's largest id of its table, and foreign keys and the audit
log's row ids are shifted with it, so nothing collides and every reference still holds.

Example
-------
>>> from mentorkit.store import Store
>>> from mentorkit.synth import generate
>>> source = Store.open(":memory:"); source.load(generate(seed=0, scale=0.05))
>>> target = Store.open(":memory:")
>>> copied = copy_database(source, target)
>>> copied["person"] == len(source.table("person")) == len(target.table("person"))
True
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mentorkit.errors import StoreError
from mentorkit.store.audit import DATABASE, write_audit
from mentorkit.store.bulk import reset_sequences
from mentorkit.store.schema import metadata
from mentorkit.store.store import Store

CHUNK = 5_000


def copy_database(source: Store, target: Store, *, actor: str = "db copy") -> dict[str, int]:
    """Copy every row (audit included) from ``source`` into ``target``; rows per table."""
    tables = [t for t in metadata.sorted_tables if "id" in t.c]
    with target.transaction(actor) as conn:
        offsets, before = {}, {}
        for t in tables:
            offsets[t.name] = int(conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0))).scalar_one())
            before[t.name] = _count(conn, t)
        copied: dict[str, int] = {}
        with source.reading() as src:
            for table in tables:
                copied[table.name] = 0
                result = src.execute(sa.select(table).order_by(table.c.id))
                while rows := result.mappings().fetchmany(CHUNK):
                    batch = [_shift(table, dict(r), offsets) for r in rows]
                    conn.execute(table.insert(), batch)
                    copied[table.name] += len(batch)
        for table in tables:
            if _count(conn, table) != before[table.name] + copied[table.name]:
                raise StoreError(f"the copy of {table.name} is incomplete; nothing was written")
        reset_sequences(conn)
        write_audit(conn, actor, "copy", DATABASE, [None],
                    [{name: n for name, n in copied.items() if name != "audit"}],
                    fields=sorted(copied))
    return copied


def _count(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _shift(table: sa.Table, row: dict[str, Any], offsets: dict[str, int]) -> dict[str, Any]:
    row["id"] = row["id"] + offsets[table.name]
    for fk in table.foreign_keys:
        column = fk.parent.name
        if row.get(column) is not None:
            row[column] = row[column] + offsets[fk.column.table.name]
    if table.name == "audit" and row.get("row_id") is not None:
        row["row_id"] = row["row_id"] + offsets.get(row["table_name"], 0)
    return row

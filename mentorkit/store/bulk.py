"""Bulk loading: a whole dataset in one transaction, ids kept, sequences moved past them.

Example
-------
>>> from mentorkit.store import Store
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.05)
>>> store = Store.open(":memory:")
>>> load_dataset(store, ds)
>>> len(store.table("person")) == len(ds.person)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from mentorkit.model.schema import ENTITY_TABLES
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.model.dataset import Dataset
    from mentorkit.store.store import Store

__all__ = ["load_dataset", "reset_sequences"]


def load_dataset(store: Store, dataset: Dataset, *, actor: str = "synth") -> None:
    """Insert every table of ``dataset`` (ids kept) in one transaction: all of it or nothing."""
    with store.transaction(actor) as conn:
        for name in ENTITY_TABLES:
            df = getattr(dataset, name)
            if len(df):
                store.entity(name).add_many(df, actor=actor, validate=False)
        reset_sequences(conn)


def reset_sequences(conn: sa.Connection) -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past them (in the open
    transaction ``conn``; nothing to do on SQLite)."""
    if conn.dialect.name == "sqlite":
        return
    for name in [t.name for t in metadata.sorted_tables if "id" in t.c]:
        conn.exec_driver_sql(  # identifiers of the schema, never values
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)")

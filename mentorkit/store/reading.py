"""Reading tables for analysis: a whole table (or the rows matching filters) as a DataFrame,
limited to the store's programmes, and the row counts.

Example
-------
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> _ = store.programmes.add(name="Tingbjerg", country="DK")
>>> read_table(store, "programme", country="DK")["name"].tolist()
['Tingbjerg']
>>> row_counts(store)["programme"]
1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from mentorkit.errors import StoreError
from mentorkit.store.frames import from_database, read_columns
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["VIA", "read_table", "row_counts", "scoped"]

#: Tables without a programme column, and the parent (column, table) that has one.
VIA: dict[str, tuple[str, str]] = {
    "followup": ("match_id", "match"), "outcome": ("person_id", "person"),
    "attendance": ("event_id", "event"), "target": ("grant_id", "grant"),
    "consent": ("person_id", "person"), "erasure_ledger": ("person_id", "person"),
}


def scoped(query: sa.Select, table: sa.Table, scope: frozenset[int] | None) -> sa.Select:
    """``query`` on ``table`` limited to the programmes ``scope`` (unchanged for None).

    The audit is limited to the rows about the scope's rows (see :func:`_audit_inside`).

    Example
    -------
    >>> person = metadata.tables["person"]
    >>> "programme_id IN" in str(scoped(sa.select(person.c.id), person, frozenset({1})))
    True
    """
    if scope is None:
        return query
    ids = sorted(scope)
    if table.name == "programme":
        return query.where(table.c.id.in_(ids))
    if "programme_id" in table.c:
        return query.where(table.c.programme_id.in_(ids))
    if table.name in VIA:
        column, parent_name = VIA[table.name]
        parent = metadata.tables[parent_name]
        inside = sa.select(parent.c.id).where(parent.c.programme_id.in_(ids))
        return query.where(table.c[column].in_(inside))
    if table.name == "audit":
        return query.where(_audit_inside(table, scope))
    return query


def _audit_inside(audit: sa.Table, scope: frozenset[int]) -> sa.ColumnElement[bool]:
    """The audit rows about a row of the programmes ``scope``: a row is tied to a site by
    its ``table_name`` and ``row_id`` (the row's programme, or its parent's, see
    :data:`VIA`). Rows about other programmes' rows, about rows no longer there, about
    tables of no programme and about the whole database (``*``) are left out."""
    about = []
    for name, t in metadata.tables.items():
        if name == "audit" or ("programme_id" not in t.c and name not in VIA
                               and name != "programme"):
            continue
        inside = scoped(sa.select(t.c.id), t, scope)
        about.append(sa.and_(audit.c.table_name == name, audit.c.row_id.in_(inside)))
    return sa.or_(*about)


def read_table(store: Store, name: str, /, **filters: Any) -> pd.DataFrame:
    """What :meth:`Store.table <mentorkit.store.Store.table>` gives: the table ``name`` (or
    its rows whose columns equal ``filters``; a list means any of), in the model's shape."""
    if name not in metadata.tables:
        raise StoreError(f"no table called {name!r}; known: {', '.join(sorted(metadata.tables))}")
    table = metadata.tables[name]
    dialect = store.engine.dialect
    query = store.scoped(sa.select(*read_columns(name, dialect)).order_by(table.c.id), table)
    for column, value in filters.items():
        if column not in table.c:
            raise StoreError(f"{name} has no column {column!r}")
        if isinstance(value, (list, tuple, set, frozenset)):
            query = query.where(table.c[column].in_(list(value)))
        elif value is None:
            query = query.where(table.c[column].is_(None))
        else:
            query = query.where(table.c[column] == value)
    with store.reading() as conn:
        result = conn.execute(query)
        try:  # the driver's tuples, without a Row object each: from_database converts
            cursor = result.cursor
            codes = [d[1] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            result.close()
    columns = list(zip(*rows)) if rows else [()] * len(table.c)
    return from_database(name, columns, dialect, codes)  # column-wise, no call per cell


def row_counts(store: Store) -> dict[str, int]:
    """Number of rows per table (every programme's)."""
    with store.reading() as conn:
        return {name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for name, t in metadata.tables.items()}

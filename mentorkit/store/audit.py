"""The audit log's one writer: every audit row of the package is built and written here.

An audit row says who did what to which row of which table, and when, with the names of the
fields it wrote. Before and after *values* are kept only for columns of privacy class
``none`` (:data:`PUBLIC_COLUMNS`), so the audit never holds what an erasure must remove.
An event about the whole database (a copy, a restore, a research extract) is one row with
table ``*``, no row id, and a summary (counts, a file or agreement name) as its after value.

Example
-------
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> with store.transaction(actor="anna") as conn:
...     write_audit(conn, "anna", "update", "person", [7],
...                 [{"first_name": "Amal", "role": "mentor"}], [{"role": "mentee"}])
>>> row = store.table("audit").iloc[0]
>>> row["fields"], row["after"], row["before"]
(['first_name', 'role'], {'role': 'mentor'}, {'role': 'mentee'})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from mentorkit.model.frames import jsonable
from mentorkit.store.schema import metadata

__all__ = ["AUDIT_CHUNK", "DATABASE", "PRIVACY_OF", "PUBLIC_COLUMNS", "chunks",
           "public_values", "utcnow", "write_audit"]

AUDIT_CHUNK = 5_000
"""Rows per INSERT statement (the audit of a large import goes in chunks)."""
DATABASE = "*"
"""The table name of an event about the whole database."""

#: Per table and column, the privacy class.
PRIVACY_OF: dict[str, dict[str, str]] = {
    t.name: {c.name: c.info.get("privacy", "none") for c in t.c} for t in metadata.tables.values()
}
#: Per table, the columns whose values the audit may keep (privacy class 'none').
PUBLIC_COLUMNS: dict[str, frozenset[str]] = {
    t.name: frozenset(c.name for c in t.c if c.info.get("privacy", "none") == "none")
    for t in metadata.tables.values()
}


def utcnow() -> dt.datetime:
    """Now, in UTC, without tzinfo and microseconds (as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size``.

    Example
    -------
    >>> [list(c) for c in chunks([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for start in range(0, len(items), size):
        yield items[start:start + size]


def public_values(table_name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose values the audit may keep (privacy class ``none``), as JSON values.

    Example
    -------
    >>> public_values("person", {"email": "a@example.org", "role": "mentee"})
    {'role': 'mentee'}
    """
    public = PUBLIC_COLUMNS[table_name]
    return {k: jsonable(v) for k, v in fields.items() if k in public}


def write_audit(conn: sa.Connection, actor: str, action: str, table_name: str,
                ids: Sequence[int | None], after: Sequence[Mapping[str, Any]],
                before: Sequence[Mapping[str, Any]] | None = None, *,
                fields: Sequence[str] | None = None, at: dt.datetime | None = None) -> None:
    """Write the audit rows of one action, inside the open transaction ``conn``.

    Parameters
    ----------
    conn:
        The transaction the audited write happens in (the audit commits with it or not at all).
    actor, action:
        Who did it and what (``insert``, ``update``, ``delete``, ``erase``, ``access``,
        ``copy``, ``restore``, ``extract``).
    table_name:
        The table written, or :data:`DATABASE` (``*``) for an event about the whole database.
    ids, after, before:
        Per row: its id, the fields written (their names become ``fields``; only values of
        privacy class ``none`` are kept) and, for an update, their values before. For
        :data:`DATABASE`: one ``None`` id and one summary, kept as given.
    fields:
        For :data:`DATABASE` only: what the event covers (e.g. the tables copied).
    """
    now = at or utcnow()
    rows = []
    for i, row_id in enumerate(ids):
        if table_name == DATABASE:
            rows.append({"at": now, "actor": actor, "action": action, "table_name": DATABASE,
                         "row_id": None, "fields": sorted(fields or ()), "before": None,
                         "after": {k: jsonable(v) for k, v in after[i].items()}})
            continue
        written = sorted(k for k in after[i] if k != "id")
        rows.append({
            "at": now, "actor": actor, "action": action, "table_name": table_name,
            "row_id": row_id, "fields": written,
            "before": public_values(table_name, before[i]) if before is not None else None,
            "after": (public_values(table_name, {k: after[i][k] for k in written})
                      if written else None),
        })
    for chunk in chunks(rows, AUDIT_CHUNK):
        # inline: no RETURNING, which a site's database role could not read back for a row
        # no longer there (a delete) or about the whole database (mentorkit.store.site_roles)
        conn.execute(metadata.tables["audit"].insert().inline(), list(chunk))

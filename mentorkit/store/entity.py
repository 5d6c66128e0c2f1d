"""One table's rows: add, update, get, list and delete, each write validated and audited.

Example
-------
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose", city="Odense")
>>> store.programmes.update(pid, city="Odense C")["city"]
'Odense C'
>>> store.table("audit")["action"].tolist()
['insert', 'update']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from mentorkit.errors import ConflictError, NotFoundError, StoreError
from mentorkit.model.frames import conform, to_python, to_records
from mentorkit.model.schema import TABLES
from mentorkit.privacy.fingerprints import IDENTITY
from mentorkit.store.audit import AUDIT_CHUNK, PRIVACY_OF, chunks, utcnow, write_audit
from mentorkit.store.match_guard import guard_matches
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["PLURAL", "Entity", "require_valid"]

#: The columns of a match the open-match and background-check rules read
#: (:mod:`mentorkit.store.match_guard`).
_GUARDED = ("mentee_id", "mentor_id", "status", "check_reason")

#: The Store's attribute for each entity table.
PLURAL: dict[str, str] = {
    "programme": "programmes", "grant": "grants", "target": "targets", "partner": "partners",
    "person": "people", "match": "matches", "followup": "followups", "outcome": "outcomes",
    "event": "events", "attendance": "attendance",
}


def require_valid(table: str, df: pd.DataFrame, partial: bool = False) -> None:
    """:func:`mentorkit.model.validation.require_valid`, imported on first use."""
    from mentorkit.model.validation import require_valid as check

    check(table, df, partial)


def check_new_rows(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The checks every new row passes before :meth:`Entity.add_many` inserts it; the rows
    to insert.

    The rules of its values (:mod:`mentorkit.model.validation`) and, the one place for them
    in the store, the coordinator's rules of a new record (``mentorkit.casework.rules``), so
    that the intake form, the importer and this API apply the same ones.
    """
    from mentorkit.casework.rules import require_rules

    require_valid(table, conform(table, df)[list(df.columns)])
    return require_rules(table, df, new=True)  # fields of other roles cleared, or refused


class Entity:
    """Add, update, get, list and delete rows of one table, each write audited."""

    def __init__(self, store: Store, name: str) -> None:
        self.store = store
        self.name = name
        self.table: sa.Table = metadata.tables[name]

    def __repr__(self) -> str:
        return f"<Entity {self.name}>"

    def add(self, *, actor: str | None = None, **fields: Any) -> int:
        """Insert one row and return its id.

        Example
        -------
        >>> from mentorkit.store import Store
        >>> s = Store.open(":memory:")
        >>> s.programmes.add(name="Tingbjerg")
        1
        """
        return self.add_many([fields], actor=actor)[0]

    def add_many(self, rows: pd.DataFrame | Sequence[Mapping[str, Any]], *,
                 actor: str | None = None, validate: bool = True) -> list[int]:
        """Insert many rows in one transaction (all or nothing) and return their ids.

        Rows that carry an ``id`` keep it (used when loading a dataset or a copy).
        ``validate=False`` skips :func:`check_new_rows` (for rows checked already: an
        import, a dataset, a copy).
        """
        df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        if df.empty:
            return []
        unknown = [c for c in df.columns if c not in self.table.c]
        if unknown:
            raise StoreError(f"{self.name}: unknown column(s) {', '.join(map(str, unknown))}")
        scope = self.store.scope
        if scope is not None and "programme_id" in df.columns:
            outside = set(pd.to_numeric(df["programme_id"]).dropna().astype(int)) - scope
            if outside:
                raise StoreError(f"{self.name}: programme id(s) {sorted(outside)} are outside "
                                 "the programmes this store works on (MENTORKIT_PROGRAMMES)")
        if validate:
            df = check_new_rows(self.name, df)
        now = utcnow()
        records = to_records(self.name, df)
        stamps = {"created_at", "updated_at"} & set(self.table.c.keys())
        versioned = "version" in self.table.c
        for record in records:
            for stamp in stamps:
                if record.get(stamp) is None:
                    record[stamp] = now
            if versioned and record.get("version") is None:
                record["version"] = 1
        with self.store.transaction(actor) as conn:
            if self.name == "match":  # one open match per mentee, capacity: after the locks
                guard_matches(conn, pd.DataFrame(records, columns=list(_GUARDED)))
            if self.name == "person":  # nobody erased comes back (keyed fingerprints)
                from mentorkit.store.erasure import refuse_erased

                refuse_erased(conn, records, self.store.scope)
            if "id" in df.columns and df["id"].notna().all():
                conn.execute(self.table.insert(), records)
                ids = [int(r["id"]) for r in records]
            else:
                ids = []
                for chunk in chunks(records, AUDIT_CHUNK):
                    insert = self.table.insert().returning(self.table.c.id,
                                                           sort_by_parameter_order=True)
                    result = conn.execute(insert, list(chunk))
                    ids.extend(int(i) for i in result.scalars())
            write_audit(conn, self.store.current_actor, "insert", self.name, ids, records)
        return ids

    def get(self, row_id: int) -> dict[str, Any]:
        """One row as a dict; :class:`NotFoundError` if there is none (in the store's scope).

        Example
        -------
        >>> from mentorkit.store import Store
        >>> s = Store.open(":memory:")
        >>> s.programmes.get(s.programmes.add(name="Tilst"))["name"]
        'Tilst'
        """
        query = self.store.scoped(sa.select(self.table).where(self.table.c.id == row_id),
                                  self.table)
        with self.store.reading() as conn:
            found = conn.execute(query).mappings().first()
        if found is None:
            raise NotFoundError(f"{self.name}: no row with id {row_id}")
        return dict(found)

    def update(self, row_id: int, *, actor: str | None = None,
               expected_version: int | None = None, **changes: Any) -> dict[str, Any]:
        """Change fields of one row; returns the row after the change.

        With ``expected_version`` (tables with a ``version`` column) the update only happens
        if nobody changed the row since it was read; otherwise :class:`ConflictError`.
        """
        unknown = [c for c in changes if c not in self.table.c or c == "id"]
        if unknown:
            raise StoreError(f"{self.name}: cannot update column(s) {', '.join(unknown)}")
        require_valid(self.name, conform(self.name, pd.DataFrame([changes]))[list(changes)],
                      partial=True)
        columns = TABLES[self.name].c
        values = {k: to_python(columns[k], v) for k, v in changes.items()}
        if self.store.scope is not None and "programme_id" in changes and \
                int(changes["programme_id"]) not in self.store.scope:
            raise StoreError(f"{self.name}: cannot move a row outside your programmes")
        with self.store.transaction(actor) as conn:
            before = conn.execute(self.store.scoped(
                sa.select(self.table).where(self.table.c.id == row_id), self.table)
                .with_for_update()).mappings().first()  # row lock on PostgreSQL
            if before is None:
                raise NotFoundError(f"{self.name}: no row with id {row_id}")
            versioned = "version" in self.table.c
            if versioned and expected_version is not None and before["version"] != expected_version:
                raise ConflictError(
                    f"{self.name} {row_id} was changed by someone else since you opened it "
                    f"(version {before['version']}, you had {expected_version}); reload and retry")
            if before.get("erased_at") is not None:
                personal = [k for k, v in values.items()
                            if PRIVACY_OF[self.name][k] != "none" and v not in (None, [])]
                if personal:
                    raise StoreError(f"{self.name} {row_id} was erased (GDPR Art. 17); its "
                                     f"personal fields cannot be written again")
            changed = {k: v for k, v in values.items() if before[k] != v}
            if not changed:
                return dict(before)
            if self.name == "person" and set(changed) & set(IDENTITY):  # no way back by edit
                from mentorkit.store.erasure import refuse_erased_change

                refuse_erased_change(conn, row_id, {k: changed.get(k, before[k])
                                                    for k in IDENTITY}, self.store.scope)
            if self.name == "match" and set(changed) & set(_GUARDED):
                pair = {k: changed.get(k, before[k]) for k in _GUARDED}
                guard_matches(conn, pd.DataFrame([pair], index=pd.Index([None])),
                              exclude=[row_id])
            stamp = {"updated_at": utcnow()} if "updated_at" in self.table.c else {}
            if versioned:
                stamp["version"] = before["version"] + 1
            where = [self.table.c.id == row_id]
            if versioned:  # compare-and-set: nobody may have changed it since it was read
                where.append(self.table.c.version == before["version"])
            if conn.execute(self.table.update().where(*where).values(**changed, **stamp)
                            ).rowcount != 1:
                raise ConflictError(f"{self.name} {row_id} was changed by someone else while "
                                    "you saved; reload and retry")
            write_audit(conn, self.store.current_actor, "update", self.name, [row_id],
                        [changed], [{k: before[k] for k in changed}])
            after = conn.execute(
                sa.select(self.table).where(self.table.c.id == row_id)).mappings().first()
        assert after is not None  # the row this transaction just updated
        return dict(after)

    def delete(self, row_id: int, *, actor: str | None = None) -> None:
        """Delete one row (the audit keeps that it happened, not what it held)."""
        self.get(row_id)  # NotFoundError, also for a row outside the store's programmes
        with self.store.transaction(actor) as conn:
            gone = conn.execute(self.table.delete().where(self.table.c.id == row_id)).rowcount
            if not gone:
                raise NotFoundError(f"{self.name}: no row with id {row_id}")
            write_audit(conn, self.store.current_actor, "delete", self.name, [row_id], [{}])

    def list(self, **filters: Any) -> pd.DataFrame:
        """Rows whose columns equal ``filters`` (a list value means any of), as a DataFrame.

        Example
        -------
        >>> from mentorkit.store import Store
        >>> s = Store.open(":memory:")
        >>> _ = s.programmes.add(name="Skovparken", country="DK")
        >>> s.programmes.list(country="DK")["name"].tolist()
        ['Skovparken']
        """
        return self.store.table(self.name, **filters)

"""The case store: add, update, get and list every entity, each write audited.

Example
-------
>>> store = Store.open(":memory:", actor="doctest")
>>> pid = store.programmes.add(name="Vollsmose", city="Odense", country="DK")
>>> store.programmes.get(pid)["city"]
'Odense'
>>> store.table("audit")[["action", "table_name"]].values.tolist()
[['insert', 'programme']]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from mentorkit.config import Settings
from mentorkit.errors import ConflictError, NotFoundError, StoreError
from mentorkit.store import migrate
from mentorkit.store.engine import is_sqlite, make_engine
from mentorkit.store.frames import (conform, from_database, jsonable, read_columns, to_python,
                                    to_records)
from mentorkit.store.schema import ENTITY_TABLES, metadata

if TYPE_CHECKING:
    from mentorkit.synth import Dataset

AUDIT_CHUNK = 5_000


def require_valid(table: str, df: pd.DataFrame, partial: bool = False) -> None:
    """:func:`mentorkit.model.validation.require_valid`, imported late (validation reads the
    store's schema and frames, so a top-level import would be circular)."""
    from mentorkit.model.validation import require_valid as check

    check(table, df, partial)


def utcnow() -> dt.datetime:
    """Now, in UTC, without tzinfo (as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


#: Per table and column, the privacy class.
PRIVACY_OF: dict[str, dict[str, str]] = {
    t.name: {c.name: c.info.get("privacy", "none") for c in t.c} for t in metadata.tables.values()
}
#: Per table, the columns whose values the audit may keep (privacy class 'none').
PUBLIC_COLUMNS: dict[str, frozenset[str]] = {
    t.name: frozenset(c.name for c in t.c if c.info.get("privacy", "none") == "none")
    for t in metadata.tables.values()
}


def _public(table: sa.Table, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose values the audit may keep (privacy class 'none')."""
    public = PUBLIC_COLUMNS[table.name]
    return {k: jsonable(v) for k, v in fields.items() if k in public}


class Entity:
    """Add, update, get, list and delete rows of one table, each write audited."""

    def __init__(self, store: "Store", name: str) -> None:
        self.store = store
        self.name = name
        self.table: sa.Table = metadata.tables[name]

    def __repr__(self) -> str:
        return f"<Entity {self.name}>"

    def add(self, *, actor: str | None = None, **fields: Any) -> int:
        """Insert one row and return its id.

        Example
        -------
        >>> s = Store.open(":memory:")
        >>> s.programmes.add(name="Tingbjerg")
        1
        """
        return self.add_many([fields], actor=actor)[0]

    def add_many(self, rows: pd.DataFrame | Sequence[Mapping[str, Any]], *,
                 actor: str | None = None, validate: bool = True) -> list[int]:
        """Insert many rows in one transaction (all or nothing) and return their ids.

        Rows that carry an ``id`` keep it (used when loading a dataset or a copy).
        """
        df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        if df.empty:
            return []
        unknown = [c for c in df.columns if c not in self.table.c]
        if unknown:
            raise StoreError(f"{self.name}: unknown column(s) {', '.join(map(str, unknown))}")
        if self.store.scope is not None and "programme_id" in df.columns:
            outside = set(pd.to_numeric(df["programme_id"]).dropna().astype(int)) - self.store.scope
            if outside:
                raise StoreError(f"{self.name}: programme id(s) {sorted(outside)} are outside "
                                 "the programmes this store works on (MENTORKIT_PROGRAMMES)")
        if validate:
            require_valid(self.name, conform(self.name, df)[list(df.columns)])
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
            if "id" in df.columns and df["id"].notna().all():
                conn.execute(self.table.insert(), records)
                ids = [int(r["id"]) for r in records]
            else:
                ids = []
                for chunk in _chunks(records, AUDIT_CHUNK):
                    insert = self.table.insert().returning(self.table.c.id,
                                                           sort_by_parameter_order=True)
                    result = conn.execute(insert, chunk)
                    ids.extend(int(i) for i in result.scalars())
            self.store._audit(conn, "insert", self.name, ids, records, None)
        return ids

    def get(self, row_id: int) -> dict[str, Any]:
        """One row as a dict; :class:`NotFoundError` if there is none."""
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
        values = {k: to_python(self.table.c[k], v) for k, v in changes.items()}
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
            self.store._audit(conn, "update", self.name, [row_id], [changed],
                              [{k: before[k] for k in changed}])
            after = conn.execute(
                sa.select(self.table).where(self.table.c.id == row_id)).mappings().first()
        return dict(after)  # type: ignore[arg-type]

    def delete(self, row_id: int, *, actor: str | None = None) -> None:
        """Delete one row (the audit keeps that it happened, not what it held)."""
        self.get(row_id)  # NotFoundError, also for a row outside the store's programmes
        with self.store.transaction(actor) as conn:
            gone = conn.execute(self.table.delete().where(self.table.c.id == row_id)).rowcount
            if not gone:
                raise NotFoundError(f"{self.name}: no row with id {row_id}")
            self.store._audit(conn, "delete", self.name, [row_id], [{}], None)

    def list(self, **filters: Any) -> pd.DataFrame:
        """Rows whose columns equal ``filters`` (a list value means any of), as a DataFrame.

        Example
        -------
        >>> s = Store.open(":memory:")
        >>> _ = s.programmes.add(name="Skovparken", country="DK")
        >>> s.programmes.list(country="DK")["name"].tolist()
        ['Skovparken']
        """
        return self.store.table(self.name, **filters)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Store:
    """A mentorkit database: one object per database, opened with :meth:`open`."""

    def __init__(self, engine: sa.Engine, actor: str = "mentorkit") -> None:
        self.engine = engine
        self.actor = actor
        self._conn: sa.Connection | None = None
        self._conn_actor: str | None = None
        self.scope: frozenset[int] | None = None  # programme ids; None: every programme
        for name in ENTITY_TABLES:
            setattr(self, _PLURAL[name], Entity(self, name))

    programmes: Entity
    grants: Entity
    targets: Entity
    partners: Entity
    people: Entity
    matches: Entity
    followups: Entity
    outcomes: Entity
    events: Entity
    attendance: Entity

    @classmethod
    def open(cls, url_or_path: str | None = None, *, actor: str | None = None,
             upgrade: bool = False, programmes: Sequence[str] | None = None) -> "Store":
        """Open (and, when empty, create) the database at a URL or SQLite path.

        ``None`` uses ``MENTORKIT_DB`` (default ``data/mentorkit.db``). An empty database
        is created by the migrations; an older one is upgraded only with ``upgrade=True``
        (or ``mentorkit db upgrade``). ``programmes`` (default ``MENTORKIT_PROGRAMMES``)
        limits what this store reads and writes to those programmes, as a site sharing a
        database with others works.
        """
        settings = Settings.from_env()
        engine = make_engine(url_or_path or settings.database_url)
        try:
            _bring_up_to_date(engine, upgrade)
            store = cls(engine, actor or settings.actor)
            names = settings.programmes if programmes is None else tuple(programmes)
            if names:
                store.scope = store._programme_ids(names)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def entity(self, name: str) -> Entity:
        """The accessor for a table by its name (``"person"``) or plural (``"people"``)."""
        attr = _PLURAL.get(name, name)
        if attr not in _PLURAL.values():
            raise StoreError(f"no table called {name!r}; known: {', '.join(ENTITY_TABLES)}")
        return getattr(self, attr)

    @contextlib.contextmanager
    def transaction(self, actor: str | None = None) -> Iterator[sa.Connection]:
        """One transaction around everything inside; nested calls join the outer one.

        Example
        -------
        >>> s = Store.open(":memory:")
        >>> with s.transaction(actor="anna"):
        ...     a = s.programmes.add(name="A")
        ...     b = s.programmes.add(name="B")
        >>> len(s.table("programme"))
        2
        """
        if self._conn is not None:
            yield self._conn
            return
        try:
            with self.engine.begin() as conn:
                self._conn, self._conn_actor = conn, actor
                try:
                    yield conn
                finally:
                    self._conn, self._conn_actor = None, None
        except (sa.exc.OperationalError, sa.exc.IntegrityError) as err:
            raise _friendly(err) from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A read-only connection (joins an open transaction, so it sees its writes)."""
        if self._conn is not None:
            yield self._conn
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(readonly=True)

    def _audit(self, conn: sa.Connection, action: str, table_name: str, ids: Sequence[int],
               after: Sequence[Mapping[str, Any]], before: Sequence[Mapping[str, Any]] | None
               ) -> None:
        table = metadata.tables[table_name]
        actor = self._conn_actor or self.actor
        now = utcnow()
        rows = []
        for i, row_id in enumerate(ids):
            fields = sorted(k for k in after[i] if k != "id")
            rows.append({
                "at": now, "actor": actor, "action": action, "table_name": table_name,
                "row_id": row_id, "fields": fields,
                "before": _public(table, before[i]) if before is not None else None,
                "after": _public(table, {k: after[i][k] for k in fields}) if fields else None,
            })
        for chunk in _chunks(rows, AUDIT_CHUNK):
            conn.execute(metadata.tables["audit"].insert(), chunk)

    def table(self, name: str, /, **filters: Any) -> pd.DataFrame:
        """A whole table (or the rows matching ``filters``) as a DataFrame, for analysis.

        Example
        -------
        >>> Store.open(":memory:").table("person").shape[0]
        0
        """
        if name not in metadata.tables:
            raise StoreError(f"no table called {name!r}; known: {', '.join(sorted(metadata.tables))}")
        table = metadata.tables[name]
        dialect = self.engine.dialect
        query = self.scoped(sa.select(*read_columns(name, dialect)).order_by(table.c.id), table)
        for column, value in filters.items():
            if column not in table.c:
                raise StoreError(f"{name} has no column {column!r}")
            if isinstance(value, (list, tuple, set, frozenset)):
                query = query.where(table.c[column].in_(list(value)))
            elif value is None:
                query = query.where(table.c[column].is_(None))
            else:
                query = query.where(table.c[column] == value)
        with self.reading() as conn:
            result = conn.execute(query)
            try:  # the driver's tuples, without a Row object each: from_database converts
                cursor = result.cursor
                codes = [d[1] for d in cursor.description]
                rows = cursor.fetchall()
            finally:
                result.close()
        columns = list(zip(*rows)) if rows else [()] * len(table.c)
        return from_database(name, columns, dialect, codes)  # column-wise, no call per cell

    def scoped(self, query: sa.Select, table: sa.Table) -> sa.Select:
        """``query`` limited to the store's programmes (unchanged when it sees them all)."""
        if self.scope is None:
            return query
        ids = sorted(self.scope)
        t = metadata.tables
        via = {"followup": ("match_id", t["match"]), "outcome": ("person_id", t["person"]),
               "attendance": ("event_id", t["event"]), "target": ("grant_id", t["grant"]),
               "consent": ("person_id", t["person"]),
               "erasure_ledger": ("person_id", t["person"])}
        if table.name == "programme":
            return query.where(table.c.id.in_(ids))
        if "programme_id" in table.c:
            return query.where(table.c.programme_id.in_(ids))
        if table.name in via:
            column, parent = via[table.name]
            inside = sa.select(parent.c.id).where(parent.c.programme_id.in_(ids))
            return query.where(table.c[column].in_(inside))
        return query

    def _programme_ids(self, names: Sequence[str]) -> frozenset[int]:
        known = self.table("programme")
        lookup = {str(n).lower(): int(i) for n, i in zip(known["name"], known["id"])}
        missing = [n for n in names if n.lower() not in lookup]
        if missing:
            raise StoreError(f"no programme called {', '.join(map(repr, missing))}; known: "
                             f"{', '.join(known['name'])}")
        return frozenset(lookup[n.lower()] for n in names)

    def counts(self) -> dict[str, int]:
        """Number of rows per table."""
        with self.reading() as conn:
            return {name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar())
                    for name, t in metadata.tables.items()}

    def load(self, dataset: "Dataset", *, actor: str = "synth") -> None:
        """Insert a whole dataset (ids kept) in one transaction: all of it or nothing."""
        with self.transaction(actor):
            for name in ENTITY_TABLES:
                df = getattr(dataset, name)
                if len(df):
                    self.entity(name).add_many(df, actor=actor, validate=False)
            self._reset_sequences()

    def _reset_sequences(self) -> None:
        """After inserts with explicit ids, move PostgreSQL's sequences past them."""
        if is_sqlite(self.engine) or self._conn is None:
            return
        for name in [t.name for t in metadata.sorted_tables if "id" in t.c]:
            self._conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)")


_PLURAL = {
    "programme": "programmes", "grant": "grants", "target": "targets", "partner": "partners",
    "person": "people", "match": "matches", "followup": "followups", "outcome": "outcomes",
    "event": "events", "attendance": "attendance",
}


def _bring_up_to_date(engine: sa.Engine, upgrade: bool) -> None:
    """Create an empty database; refuse (or, asked to, upgrade) an older schema."""
    try:
        current = migrate.current_revision(engine)
    except sa.exc.OperationalError as err:
        raise StoreError(f"cannot open the database: {err.orig}") from None
    if current is None and not _has_tables(engine):
        migrate.upgrade(engine)
    elif current != migrate.head_revision():
        if not upgrade:
            raise StoreError(
                f"the database schema is at revision {current}, this mentorkit needs "
                f"{migrate.head_revision()}: run `mentorkit db upgrade` (after a backup)")
        migrate.upgrade(engine)


def _has_tables(engine: sa.Engine) -> bool:
    return bool(sa.inspect(engine).get_table_names())


def _friendly(err: sa.exc.OperationalError | sa.exc.IntegrityError) -> StoreError:
    """A StoreError that says what went wrong without quoting any stored value."""
    text = str(err.orig)
    if isinstance(err, sa.exc.IntegrityError):
        diag = getattr(err.orig, "diag", None)  # PostgreSQL: name the constraint, not the row
        rule = diag.constraint_name if diag is not None else text
        return StoreError(f"the write breaks a database rule ({rule}); nothing was written")
    if isinstance(err.orig, sqlite3.OperationalError) and "full" in text:
        return StoreError("the disk is full: nothing was written; free space and try again")
    if "locked" in text or "busy" in text:
        return StoreError("the database is busy (another program holds a write lock); "
                          "nothing was written; try again")
    return StoreError(f"the database refused the write: {text}")

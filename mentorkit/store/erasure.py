"""Erasure in the database (GDPR Art. 17): the store's half of :mod:`mentorkit.privacy.erasure`.

What is erased comes from the privacy rules (:func:`~mentorkit.privacy.classes.erase_columns`,
:mod:`~mentorkit.privacy.mentions`, :data:`~mentorkit.privacy.erasure.FREE_TEXT`);
this module does it in one transaction, audited, and keeps the ``erasure_ledger`` table:

- :func:`erase_person`: blank the person's rows, redact mentions elsewhere, append the
  consent record and the ledger row (and, first, the ledger file's line);
- :func:`purge`: old row versions out of the files afterwards;
- :func:`ledger_rows` and :func:`reapply_erasures`: the ledger, and erasing again after a
  restore everyone it names whom the database still holds;
- :func:`refuse_erased` and :func:`erased_positions`: a new person who is someone erased
  (same keyed fingerprint, :mod:`mentorkit.privacy.fingerprints`) is refused on every path
  that adds people; :func:`readmit` registers her again deliberately, audited.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose")
>>> who, other = store.people.add_many(
...     [{"programme_id": pid, "role": role, "first_name": first, "last_name": last,
...       "registered_on": dt.date(2026, 1, 5), "consent_scope": ["casework"],
...       "consent_given_at": dt.datetime(2026, 1, 5, 12)}
...      for role, first, last in [("mentee", "Amal", "Hassan"), ("mentor", "Bente", "Holm")]])
>>> _ = store.people.update(other, notes="Knows Amal Hassan well")
>>> report = erase_person(store, who, reason="request")
>>> report.rows["person"], report.mentions, store.people.get(other)["notes"]
(1, 1, 'Knows [erased] well')
>>> [e["person_id"] for e in ledger_rows(store)]
[1]
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mentorkit.privacy.classes import erase_columns
from mentorkit.privacy.erasure import FREE_TEXT, ErasureReport
from mentorkit.privacy.fingerprints import ErasedPerson, entry, fingerprint_key, known_marks, marks
from mentorkit.privacy.ledger import ReapplyReport, append_ledger_file, read_ledger_file
from mentorkit.privacy.mentions import REDACTED, mentions, patterns, redact
from mentorkit.store.audit import utcnow, write_audit
from mentorkit.store.consent import lock_person, record_consent
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["ERASED_TABLES", "erase_person", "erased_positions", "ledger_rows", "purge",
           "readmit", "reapply_erasures", "refuse_erased", "refuse_erased_change", "still_held"]

ERASED_TABLES = ("person", "match", "followup", "outcome")
"""The tables an erasure blanks (and :func:`purge` vacuums on PostgreSQL)."""


def erase_person(store: Store, person_id: int, *, reason: str, actor: str | None = None,
                 ledger_file: Path | None = None) -> ErasureReport:
    """Erase one person in one transaction (joining an open one); what was done.

    ``ledger_file``: the erasure-ledger file to append the entry to before anything is
    written (None: none). :class:`NotFoundError` for a person outside the store's scope; a
    person erased already is left as is (``already_erased``).
    """
    with store.transaction(actor) as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        row = lock_person(store, conn, person_id)
        report = ErasureReport(person_id, reason)
        if row["erased_at"] is not None:
            report.already_erased = True
            return report
        now = report.at = utcnow()
        prints = entry(row, fingerprint_key())  # keyed marks of who she was, never a value
        if ledger_file is not None:
            append_ledger_file(ledger_file, {"person_id": person_id, "at": now, "reason": reason,
                                             "person_created_at": row["created_at"],
                                             "fingerprints": prints})
        _blank(store, conn, "person", [person_id], report,
               extra={"erased_at": now, "version": row["version"] + 1})
        match = metadata.tables["match"]
        match_ids = [int(i) for i in conn.execute(sa.select(match.c.id).where(
            (match.c.mentee_id == person_id) | (match.c.mentor_id == person_id))).scalars()]
        _blank(store, conn, "match", match_ids, report, versioned=True)
        followup = metadata.tables["followup"]
        _blank(store, conn, "followup", [int(i) for i in conn.execute(
            sa.select(followup.c.id).where(followup.c.match_id.in_(match_ids))).scalars()],
            report)
        outcome = metadata.tables["outcome"]
        _blank(store, conn, "outcome", [int(i) for i in conn.execute(
            sa.select(outcome.c.id).where(outcome.c.person_id == person_id)).scalars()], report)
        report.mentions = redact_mentions(store, conn, row)
        if row["consent_scope"]:
            record_consent(conn, person_id, "withdrawn", row["consent_scope"], at=now,
                           recorded_by=store.current_actor, reason=reason)
        _ledger_row(conn, person_id, row["created_at"], now, reason, prints)
    return report


def _blank(store: Store, conn: sa.Connection, name: str, ids: list[int],
           report: ErasureReport, extra: dict[str, Any] | None = None,
           versioned: bool = False) -> None:
    cols = erase_columns(name)
    report.rows[name] = len(ids)
    report.fields[name] = list(cols)
    if not ids:
        return
    table = metadata.tables[name]
    values: dict[str, Any] = {c: sa.null() for c in cols}
    if "updated_at" in table.c:
        values["updated_at"] = utcnow()
    if versioned and "version" in table.c:
        values["version"] = table.c.version + 1
    values.update(extra or {})
    conn.execute(table.update().where(table.c.id.in_(ids)).values(**values))
    stamp = {"erased_at": values["erased_at"]} if "erased_at" in values else {}
    write_audit(conn, store.current_actor, "erase", name, ids,
                [{**dict.fromkeys(cols), **stamp}] * len(ids))


def redact_mentions(store: Store, conn: sa.Connection,
                    person: Mapping[str, Any]) -> int:
    """Redact ``person``'s name (any order, case, accents, with a comma), e-mail, phone (any
    spacing) and address in every free-text field of every programme
    (:mod:`mentorkit.privacy.mentions`); rows changed.

    Every filled free-text cell is read: a mention in another spelling cannot be found by
    the database's ``LIKE``.
    """
    found = patterns(person)
    if not found:
        return 0
    changed = 0
    for name, column in FREE_TEXT:
        table = metadata.tables[name]
        col = table.c[column]
        for row_id, text in conn.execute(sa.select(table.c.id, col).where(
                col.is_not(None), col != "")).all():
            if not mentions(text, found):
                continue
            new = redact(text, person, REDACTED, found)
            if new != text:
                conn.execute(table.update().where(table.c.id == row_id).values({column: new}))
                write_audit(conn, store.current_actor, "erase", name, [row_id], [{column: None}])
                changed += 1
    return changed


def _ledger_row(conn: sa.Connection, person_id: int, created: dt.datetime | None,
                at: dt.datetime, reason: str, prints: Mapping[str, Any] | None) -> None:
    conn.execute(metadata.tables["erasure_ledger"].insert().values(
        person_id=person_id, person_created_at=created, at=at, reason=reason,
        fingerprints=dict(prints) if prints else None))


def ledger_rows(source: Store | sa.Connection) -> list[dict[str, Any]]:
    """The ``erasure_ledger`` table's rows (person_id, person_created_at, at, reason),
    oldest first, from a store or an open connection (a database about to be replaced)."""
    ledger = metadata.tables["erasure_ledger"]
    query = sa.select(ledger.c.person_id, ledger.c.person_created_at, ledger.c.at,
                      ledger.c.reason, ledger.c.fingerprints).order_by(ledger.c.id)
    if isinstance(source, sa.Connection):
        return [dict(r) for r in source.execute(query).mappings()]
    with source.reading() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def _stamp(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return dt.datetime.fromisoformat(str(value)).replace(microsecond=0)


def reapply_erasures(store: Store, entries: Sequence[Mapping[str, Any]], *,
                     actor: str = "restore") -> ReapplyReport:
    """Erase again, in one transaction, everyone in ``entries`` the database still holds
    (no ledger file line: they are in it already); a person erased already who is missing
    from the ledger table gets their row back in it."""
    report = ReapplyReport()
    person = metadata.tables["person"]
    seen: set[tuple[int, Any]] = set()
    with store.transaction(actor) as conn:
        recorded = {(e["person_id"], _stamp(e["person_created_at"])) for e in ledger_rows(conn)}
        for item in entries:
            pid, created = int(item["person_id"]), _stamp(item.get("person_created_at"))
            if (pid, created) in seen:
                continue
            seen.add((pid, created))
            row = conn.execute(sa.select(person.c.created_at, person.c.erased_at)
                               .where(person.c.id == pid)).first()
            if row is None:
                report.absent.append(pid)
                continue
            if created is not None and _stamp(row.created_at) not in (None, created):
                report.reused.append(pid)  # another person now has this id
                continue
            reason = str(item.get("reason") or "request")
            if row.erased_at is None:
                erase_person(store, pid, reason=reason)
                report.erased.append(pid)
            else:
                report.already.append(pid)
                if (pid, created) not in recorded:
                    _ledger_row(conn, pid, created, _stamp(item.get("at")) or row.erased_at,
                                reason, item.get("fingerprints"))
    return report


def still_held(conn: sa.Connection, entries: Sequence[Mapping[str, Any]]) -> list[int]:
    """The ids of people ``entries`` (ledger entries) name who are in the database, are the
    same person (creation stamp), and still hold a personal value or no erasure stamp: the
    check a restored copy passes before it replaces a database."""
    person = metadata.tables["person"]
    cols = [person.c[c] for c in erase_columns("person") if c in person.c]
    wanted = {int(e["person_id"]): _stamp(e.get("person_created_at")) for e in entries}
    held = []
    for start in range(0, len(wanted), 500):
        ids = sorted(wanted)[start:start + 500]
        for row in conn.execute(sa.select(person.c.id, person.c.created_at, person.c.erased_at,
                                          *cols).where(person.c.id.in_(ids))).mappings():
            created = wanted[int(row["id"])]
            if created is not None and _stamp(row["created_at"]) not in (None, created):
                continue  # someone else now has this id
            if row["erased_at"] is None or any(row[c.name] not in (None, [], "")
                                               for c in cols):
                held.append(int(row["id"]))
    return held


_READMITTING: contextvars.ContextVar[bool] = contextvars.ContextVar("readmitting",
                                                                  default=False)


def erased_marks(conn: sa.Connection, ledger_file: Path | None = None,
                 scope: frozenset[int] | None = None) -> set[str]:
    """Every mark of erased people the installation's key can compare: the ledger table's
    and, when there is one, the ledger file's (which outlives a restore of an older backup).

    Under a site scope (``scope``: programme ids) only the marks of people erased in those
    programmes count: whether someone was erased at another site is that site's business, so
    a scoped session's answer about a new person never depends on another site's data (a
    ledger-file entry whose person is not in this database cannot be placed and is left out
    there, too)."""
    from mentorkit.privacy.erasure import ledger_path

    key = fingerprint_key()
    ledger = metadata.tables["erasure_ledger"]
    person = metadata.tables["person"]
    query = sa.select(ledger.c.fingerprints)
    if scope is not None:
        query = query.join(person, person.c.id == ledger.c.person_id).where(
            person.c.programme_id.in_(sorted(scope)))
    stored = [r for r in conn.execute(query).scalars() if r]
    file = ledger_file if ledger_file is not None else ledger_path()
    if file is not None:
        entries = [e for e in read_ledger_file(file) if e.get("fingerprints")]
        if scope is not None:
            ids = {int(e["person_id"]) for e in entries if e.get("person_id") is not None}
            inside = set(conn.execute(sa.select(person.c.id).where(
                person.c.id.in_(sorted(ids)), person.c.programme_id.in_(sorted(scope))))
                .scalars()) if ids else set()
            entries = [e for e in entries if e.get("person_id") is not None
                       and int(e["person_id"]) in inside]
        stored += [e["fingerprints"] for e in entries]
    return known_marks(stored, key)


def erased_positions(conn: sa.Connection, rows: Sequence[Mapping[str, Any]],
                     scope: frozenset[int] | None = None) -> list[int]:
    """The positions in ``rows`` (new people) that are someone erased; [] while readmitting.
    ``scope``: the session's programme ids (see :func:`erased_marks`).

    Example
    -------
    >>> import datetime as dt
    >>> from mentorkit.store import Store
    >>> store = Store.open(":memory:")
    >>> pid = store.programmes.add(name="Tilst")
    >>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
    ...                        email="amal@example.org",
    ...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
    ...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
    >>> _ = erase_person(store, who, reason="request")
    >>> with store.reading() as conn:
    ...     erased_positions(conn, [{"email": "bo@example.org"}, {"email": "AMAL@example.org"}])
    [1]
    """
    if _READMITTING.get() or not rows:
        return []
    known = erased_marks(conn, scope=scope)
    if not known:
        return []
    key = fingerprint_key()
    return [i for i, row in enumerate(rows) if known.intersection(marks(row, key))]


def refuse_erased(conn: sa.Connection, rows: Sequence[Mapping[str, Any]],
                  scope: frozenset[int] | None = None) -> None:
    """:class:`~mentorkit.privacy.fingerprints.ErasedPerson` (positions, no value) when a
    new person in ``rows`` is someone erased; called by ``store.people.add_many``."""
    found = erased_positions(conn, rows, scope)
    if found:
        raise ErasedPerson(found)


def refuse_erased_change(conn: sa.Connection, person_id: int, row: Mapping[str, Any],
                         scope: frozenset[int] | None = None) -> None:
    """:class:`~mentorkit.privacy.fingerprints.ErasedPerson` when an edit of person
    ``person_id`` (``row``: her identity after the edit) makes her someone erased, unless
    she was readmitted (an audited ``readmit``); called by ``store.people.update``."""
    if not erased_positions(conn, [row], scope):
        return
    audit = metadata.tables["audit"]
    readmitted = conn.execute(sa.select(audit.c.id).where(
        audit.c.table_name == "person", audit.c.row_id == person_id,
        audit.c.action == "readmit").limit(1)).first()
    if readmitted is None:
        raise ErasedPerson([person_id], what="person")


@contextlib.contextmanager
def _readmitting() -> Iterator[None]:
    token = _READMITTING.set(True)
    try:
        yield
    finally:
        _READMITTING.reset(token)


def readmit(store: Store, *, new_consent: bool, actor: str | None = None,
            **fields: Any) -> int:
    """Register again, deliberately, a person who was erased and has come back and given
    new consent (``new_consent=True`` says so); the new person's id.

    The audit keeps a ``readmit`` row for the new id (who, when; no value), after the
    ``insert`` row; the refusal of :func:`refuse_erased` is lifted for this one call only.

    Example
    -------
    >>> import datetime as dt
    >>> from mentorkit.store import Store
    >>> store = Store.open(":memory:")
    >>> pid = store.programmes.add(name="Tilst")
    >>> person = dict(programme_id=pid, role="mentee", first_name="Amal",
    ...               email="amal@example.org",
    ...               registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
    ...               consent_given_at=dt.datetime(2026, 1, 5, 12))
    >>> _ = erase_person(store, store.people.add(**person), reason="request")
    >>> readmit(store, new_consent=True, **person)
    2
    """
    if new_consent is not True:
        raise ValueError("an erased person is registered again only with her new consent "
                         "(new_consent=True)")
    with _readmitting(), store.transaction(actor) as conn:
        new_id = store.people.add(**fields)
        write_audit(conn, store.current_actor, "readmit", "person", [new_id], [{}])
    return new_id


def purge(store: Store) -> bool:
    """Remove old row versions from the files after an erasure; False if a reader blocked it.

    SQLite: ``PRAGMA wal_checkpoint(TRUNCATE)`` (the freed bytes were already zeroed by
    ``secure_delete``). PostgreSQL: ``VACUUM`` of the tables an erasure touches.
    """
    engine = store.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # autocommit DBAPI connection: no BEGIN around it
        try:
            busy = raw.driver_connection.execute(  # type: ignore[union-attr]  # None only once closed
                "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        return busy is None or int(busy[0]) == 0
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in ERASED_TABLES:
            conn.exec_driver_sql(f'VACUUM "{name}"')  # identifiers of the schema, never values
    return True

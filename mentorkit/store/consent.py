"""Consent in the database: a person's current consent scope and the append-only records.

:func:`mentorkit.privacy.give_consent` and :func:`~mentorkit.privacy.withdraw_consent` call
:func:`change_consent` through :meth:`Store.change_consent
<mentorkit.store.Store.change_consent>`; an erasure appends its ``withdrawn`` record with
:func:`record_consent`.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose")
>>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
>>> change_consent(store, who, "given", ["research", "contact"], actor="coordinator")
['casework', 'research', 'contact']
>>> store.table("consent")[["action", "recorded_by"]].values.tolist()
[['given', 'coordinator']]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from mentorkit import vocab
from mentorkit.errors import NotFoundError, ValidationError
from mentorkit.store.audit import utcnow, write_audit
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["change_consent", "lock_person", "record_consent"]


def lock_person(store: Store, conn: sa.Connection, person_id: int) -> dict[str, Any]:
    """The person's row, locked for the rest of the transaction (row lock on PostgreSQL,
    the write lock on SQLite); :class:`NotFoundError` outside the store's programmes."""
    person = metadata.tables["person"]
    row = conn.execute(store.scoped(sa.select(person).where(person.c.id == person_id), person)
                       .with_for_update()).mappings().first()
    if row is None:
        raise NotFoundError(f"person: no row with id {person_id}")
    return dict(row)


def record_consent(conn: sa.Connection, person_id: int, action: str, scope: Sequence[str],
                   *, at: dt.datetime, recorded_by: str, reason: str) -> None:
    """Append one consent record (the table is append-only)."""
    conn.execute(metadata.tables["consent"].insert().values(
        person_id=person_id, at=at, action=action, scope=list(scope),
        recorded_by=recorded_by, reason=reason))


def change_consent(store: Store, person_id: int, action: Literal["given", "withdrawn"],
                   codes: Sequence[str], *, reason: str = "request",
                   actor: str | None = None) -> list[str]:
    """Add (``given``) or take away (``withdrawn``) the consent scopes ``codes`` of one
    person, in one audited transaction with its consent record; the scope after.

    An erased person has no consent to change (:class:`ValidationError`).
    """
    at = utcnow()
    person = metadata.tables["person"]
    with store.transaction(actor) as conn:
        row = lock_person(store, conn, person_id)
        if row["erased_at"] is not None:
            raise ValidationError(f"person {person_id} is erased: there is no consent to change")
        current = list(row["consent_scope"] or [])
        wanted = set(current) | set(codes) if action == "given" else set(current) - set(codes)
        new = [c for c in vocab.CONSENT_SCOPES.codes if c in wanted]
        changes: dict[str, Any] = {"consent_scope": new, "updated_at": at,
                                   "version": row["version"] + 1}
        if action == "given" and row["consent_given_at"] is None:
            changes["consent_given_at"] = at
        conn.execute(person.update().where(person.c.id == person_id).values(**changes))
        write_audit(conn, store.current_actor, "update", "person", [person_id], [changes],
                    [{k: row[k] for k in changes}])
        record_consent(conn, person_id, action, codes, at=at, recorded_by=store.current_actor,
                       reason=reason)
    return new

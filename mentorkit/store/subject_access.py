"""What the database holds about one person, for a subject access request (GDPR Art. 15).

:func:`person_record` reads, in one transaction that also records the access in the audit
log, the person's row, their programme and referrer, matches, follow-ups, outcomes,
attendance, consent records, erasures, the audit trail of all these rows, the identifiers of
the other parties of their matches (so that they can be redacted) and the other people's
notes that mention them. :func:`mentorkit.privacy.access` makes the export from it: nothing
about anyone else.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose")
>>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
>>> record = person_record(store, who, actor="coordinator")
>>> record["person"]["first_name"], record["programme"]["name"], len(record["audit"])
('Amal', 'Vollsmose', 1)
>>> store.table("audit")["action"].tolist()
['insert', 'insert', 'access']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mentorkit.errors import NotFoundError
from mentorkit.privacy.erasure import FREE_TEXT, identifiers
from mentorkit.store.audit import write_audit
from mentorkit.store.lookups import mentioning
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["person_record"]


def _rows(conn: sa.Connection, query: sa.Select) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings()]


def person_record(store: Store, person_id: int, *, actor: str | None = None
                  ) -> dict[str, Any]:
    """Everything stored about one person, as rows (dicts), and the access audited.

    Keys: ``person``, ``programme`` and ``referred_by`` (a row or None), ``matches``,
    ``followups``, ``outcomes``, ``attendance`` (with the event's kind, title and date),
    ``consent``, ``erasures``, ``audit`` (the audit rows of all of these, before this
    access), ``others`` (first and last name, e-mail and phone of the other parties of the
    matches) and ``mentions`` (table, row id and column of other rows' free text naming the
    person). :class:`NotFoundError` outside the store's programmes.
    """
    t = metadata.tables
    person, match, followup = t["person"], t["match"], t["followup"]
    with store.transaction(actor) as conn:
        found = conn.execute(store.scoped(sa.select(person).where(person.c.id == person_id),
                                          person)).mappings().first()
        if found is None:
            raise NotFoundError(f"person: no row with id {person_id}")
        row = dict(found)
        matches = _rows(conn, sa.select(match).where(
            (match.c.mentee_id == person_id) | (match.c.mentor_id == person_id))
            .order_by(match.c.id))
        match_ids = [m["id"] for m in matches]
        other_ids = {m["mentor_id"] if m["mentee_id"] == person_id else m["mentee_id"]
                     for m in matches}
        others = _rows(conn, sa.select(person.c.first_name, person.c.last_name, person.c.email,
                                       person.c.phone).where(person.c.id.in_(other_ids))
                       ) if other_ids else []
        followups = _rows(conn, sa.select(followup).where(followup.c.match_id.in_(match_ids))
                          .order_by(followup.c.id))
        outcomes = _rows(conn, sa.select(t["outcome"])
                         .where(t["outcome"].c.person_id == person_id))
        attendance = _rows(conn, sa.select(
            t["attendance"].c.id, t["attendance"].c.event_id, t["event"].c.kind,
            t["event"].c.title, t["event"].c.date)
            .join(t["event"], t["event"].c.id == t["attendance"].c.event_id)
            .where(t["attendance"].c.person_id == person_id))
        consent = _rows(conn, sa.select(t["consent"]).where(t["consent"].c.person_id == person_id))
        erasures = _rows(conn, sa.select(t["erasure_ledger"])
                         .where(t["erasure_ledger"].c.person_id == person_id))
        audit = _audit_of(conn, {
            "person": [person_id], "match": match_ids, "followup": [f["id"] for f in followups],
            "outcome": [o["id"] for o in outcomes], "attendance": [a["id"] for a in attendance],
        })
        programme = conn.execute(sa.select(t["programme"].c.id, t["programme"].c.name)
                                 .where(t["programme"].c.id == row["programme_id"])
                                 ).mappings().first()
        partner = None
        if row["referred_by"] is not None:
            partner = conn.execute(sa.select(t["partner"].c.id, t["partner"].c.name,
                                             t["partner"].c.kind)
                                   .where(t["partner"].c.id == row["referred_by"])
                                   ).mappings().first()
        own = {"person": {person_id}, "match": set(match_ids),
               "followup": {f["id"] for f in followups}}
        mentions = _mentions(conn, identifiers(row), own)
        write_audit(conn, store.current_actor, "access", "person", [person_id], [{}])
    return {
        "person": row, "programme": dict(programme) if programme else None,
        "referred_by": dict(partner) if partner else None,
        "matches": matches, "followups": followups, "outcomes": outcomes,
        "attendance": attendance, "consent": consent, "erasures": erasures, "audit": audit,
        "others": others, "mentions": mentions,
    }


def _audit_of(conn: sa.Connection, ids: dict[str, list[int]]) -> list[dict[str, Any]]:
    audit = metadata.tables["audit"]
    clauses = [(audit.c.table_name == name) & audit.c.row_id.in_(rows)
               for name, rows in ids.items() if rows]
    return _rows(conn, sa.select(audit).where(sa.or_(*clauses)).order_by(audit.c.id))


def _mentions(conn: sa.Connection, needles: Sequence[str],
              own: dict[str, set[int]]) -> list[dict[str, Any]]:
    """References (never text) to other rows' free text that names the person."""
    found: list[dict[str, Any]] = []
    for name, column in FREE_TEXT:
        found += [{"table": name, "row_id": row_id, "column": column}
                  for row_id, _ in mentioning(conn, name, column, needles)
                  if row_id not in own.get(name, set())]
    return found

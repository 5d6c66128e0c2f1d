"""A person's history, as the person view shows it: every row about her, by subject.

:func:`person_history` reads one person of the store's programmes and gathers, as
DataFrames in the store's shape: her consent records, her matches (each with the other
party's id and role), the follow-ups of those matches with their notes, the events she
attended, her outcomes, and the audit of changes to all these rows. The audit keeps who,
when, what was done and which fields: its ``before``/``after`` values are dropped here, so
no value of a personal field reaches the screen (the audit never stores those anyway, see
:mod:`mentorkit.store.audit`). Unlike :func:`mentorkit.store.subject_access.person_record`
(a subject access request, audited as such) this is a coordinator's reading, not a
disclosure, and writes nothing.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose")
>>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
>>> h = person_history(store, who)
>>> h.person["first_name"], len(h.matches), h.audit[["action", "table_name"]].values.tolist()
('Amal', 0, [['insert', 'person']])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from mentorkit.errors import NotFoundError

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["PersonHistory", "person_history", "AUDIT_COLUMNS"]

#: The audit columns the history shows: who, when, what, which row and which fields.
AUDIT_COLUMNS = ("id", "at", "actor", "action", "table_name", "row_id", "fields")


@dataclass(frozen=True)
class PersonHistory:
    """One person's rows by subject (see :func:`person_history`)."""

    person: dict[str, Any]
    programme: dict[str, Any]
    consent: pd.DataFrame
    matches: pd.DataFrame
    others: pd.DataFrame
    followups: pd.DataFrame
    attendance: pd.DataFrame
    outcomes: pd.DataFrame
    audit: pd.DataFrame


def _ids(frame: pd.DataFrame, column: str = "id") -> list[int]:
    return [int(x) for x in frame[column].dropna().unique()] if len(frame) else []


def person_history(store: Store, person_id: int) -> PersonHistory:
    """Everything the person view shows about ``person_id``; nothing is written.

    ``others`` holds the other parties of her matches (id, role, names, phone, erased_at) so
    the view can name them as the coordinator may see them; ``attendance`` has the event's
    kind, title and date; ``audit`` has :data:`AUDIT_COLUMNS` only, oldest first.
    :class:`~mentorkit.errors.NotFoundError` when the person is not in the store's programmes.

    Example
    -------
    >>> from mentorkit.store import Store
    >>> person_history(Store.open(":memory:"), 7)
    Traceback (most recent call last):
    ...
    mentorkit.errors.NotFoundError: person: no row with id 7 in this programme
    """
    found = store.table("person", id=int(person_id))  # scoped to the store's programmes
    if found.empty:
        raise NotFoundError(f"person: no row with id {int(person_id)} in this programme")
    person = {str(k): v for k, v in found.iloc[0].to_dict().items()}
    programme = store.table("programme", id=int(person["programme_id"]))
    as_mentee = store.table("match", mentee_id=int(person_id))
    as_mentor = store.table("match", mentor_id=int(person_id))
    matches = pd.concat([as_mentee, as_mentor]).sort_values("id", kind="stable") \
        if len(as_mentor) else as_mentee
    matches = matches.drop_duplicates("id").reset_index(drop=True)
    other_ids = sorted({int(m) if int(m) != int(person_id) else int(e)
                        for m, e in zip(matches["mentee_id"], matches["mentor_id"])})
    others = store.table("person", id=other_ids) if other_ids else found.iloc[0:0]
    others = others[["id", "role", "first_name", "last_name", "phone", "erased_at"]]
    followups = store.table("followup", match_id=_ids(matches)) if len(matches) \
        else store.table("followup", id=[])
    followups = followups.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    attended = store.table("attendance", person_id=int(person_id))
    events = store.table("event", id=_ids(attended, "event_id"))
    attendance = attended.merge(events[["id", "kind", "title", "date"]].rename(
        columns={"id": "event_id"}), on="event_id", how="left")
    attendance = attendance.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    outcomes = store.table("outcome", person_id=int(person_id))
    consent = store.table("consent", person_id=int(person_id))
    audit = _audit(store, {"person": [int(person_id)], "match": _ids(matches),
                           "followup": _ids(followups), "outcome": _ids(outcomes),
                           "attendance": _ids(attended)})
    return PersonHistory(
        person=person,
        programme={str(k): v for k, v in programme.iloc[0].to_dict().items()}
        if len(programme) else {},
        consent=consent.sort_values(["at", "id"], kind="stable").reset_index(drop=True),
        matches=matches, others=others.reset_index(drop=True), followups=followups,
        attendance=attendance, outcomes=outcomes.reset_index(drop=True), audit=audit)


def _audit(store: Store, rows: dict[str, list[int]]) -> pd.DataFrame:
    """The audit rows of ``rows`` (table -> ids), values dropped, oldest first."""
    parts = []
    for name, ids in rows.items():
        if not ids:
            continue
        found = store.table("audit", table_name=name, row_id=ids)
        parts.append(found[list(AUDIT_COLUMNS)])
    if not parts:
        return store.table("audit", id=[])[list(AUDIT_COLUMNS)]
    audit = pd.concat(parts, ignore_index=True)
    return audit.sort_values(["at", "id"], kind="stable").reset_index(drop=True)

"""Erasure (GDPR Art. 17): a person's personal data go, the counts and the fact remain.

One transaction blanks, in every row about the person, the columns
:func:`~mentorkit.privacy.classes.erase_columns` names (direct identifiers,
quasi-identifiers, special categories, free text; the person's gender stays for grant
targets), clears their consent, redacts their name (any order, case or accents), e-mail,
phone (any spacing) and address where free text elsewhere (:data:`FREE_TEXT`) mentions them
(:mod:`mentorkit.privacy.mentions`), appends a ``withdrawn`` consent record and an
erasure-ledger row (ids and keyed fingerprints, :mod:`mentorkit.privacy.fingerprints`, never
a value), and writes one audit row
per changed row with the field names and no values. The rows themselves stay, so the number
of people, matches, follow-ups and attendances per programme does not change.

This module holds those rules; the database work is the store's
(:meth:`Store.erase_person <mentorkit.store.Store.erase_person>`, in
:mod:`mentorkit.store.erasure`). On SQLite the transaction runs with ``secure_delete``
(freed bytes are zeroed) and is followed by a WAL checkpoint that truncates the log, so the
old values are gone from the files, not only from the tables (:func:`purge`). On PostgreSQL
the touched tables are vacuumed afterwards.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose")
>>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
...                        email="amal@example.org", gender="female",
...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
>>> report = erase(store, who, actor="coordinator")
>>> row = store.people.get(who)
>>> row["first_name"], row["email"], row["gender"], row["erased_at"] is not None
(None, None, 'female', True)
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentorkit.model.schema import TABLES
from mentorkit.privacy.mentions import REDACTED

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["ErasureReport", "FREE_TEXT", "LEDGER_VARIABLE", "REDACTED", "erase",
           "identifiers", "ledger_path", "mentions_pattern", "purge"]

LEDGER_VARIABLE = "MENTORKIT_ERASURE_LEDGER"
"""Environment variable naming the erasure-ledger file (keep it on another disk)."""

FREE_TEXT: tuple[tuple[str, str], ...] = tuple(
    (table.name, column.name) for table in TABLES.values() for column in table.columns
    if column.privacy == "free_text")
"""The (table, column) pairs of free text where a person may be mentioned by others: every
column of privacy class ``free_text`` in :mod:`mentorkit.model.schema`."""


@dataclass
class ErasureReport:
    """What an erasure did: counts and field names, never values."""

    person_id: int
    reason: str
    at: dt.datetime | None = None
    already_erased: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)
    mentions: int = 0
    purged: bool | None = None

    def to_text(self) -> str:
        """One line for the command line."""
        if self.already_erased:
            return f"person {self.person_id} was already erased; nothing to do"
        rows = ", ".join(f"{n} {t}" for t, n in self.rows.items() if n)
        return (f"erased person {self.person_id} ({self.reason}): {rows}; "
                f"{self.mentions} mention(s) elsewhere redacted; old values "
                f"{'purged from the files' if self.purged else 'not yet purged (busy)'}")


def ledger_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The erasure-ledger file from ``MENTORKIT_ERASURE_LEDGER`` (None when not set).

    Example
    -------
    >>> ledger_path({"MENTORKIT_ERASURE_LEDGER": "/safe/ledger.jsonl"})
    PosixPath('/safe/ledger.jsonl')
    """
    value = (os.environ if env is None else env).get(LEDGER_VARIABLE, "").strip()
    return Path(value).expanduser() if value else None


def identifiers(row: Mapping[str, Any]) -> list[str]:
    """A person's identifiers to look for in other people's free text: the full name, the
    e-mail and the phone, each when at least five characters long.

    Example
    -------
    >>> identifiers({"first_name": "Amal", "last_name": "Hassan", "email": "a@b",
    ...              "phone": "+45 12 34 56 78"})
    ['Amal Hassan', '+45 12 34 56 78']
    """
    first, last = (row.get("first_name") or "").strip(), (row.get("last_name") or "").strip()
    found = [f"{first} {last}".strip() if first and last else "", row.get("email") or "",
             row.get("phone") or ""]
    return [n for n in found if len(n.strip()) >= 5]


def mentions_pattern(needles: list[str]) -> re.Pattern[str] | None:
    """A pattern that finds any of ``needles`` (case ignored); None when there are none.

    Example
    -------
    >>> mentions_pattern(["Amal Hassan"]).sub(REDACTED, "Met amal hassan today")
    'Met [erased] today'
    """
    if not needles:
        return None
    return re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)


def erase(store: Store, person_id: int, actor: str | None = None, *, reason: str = "request",
          ledger: Path | None = None) -> ErasureReport:
    """Erase one person's personal data in one transaction (Art. 17).

    Parameters
    ----------
    store:
        The database.
    person_id:
        The person to erase; :class:`NotFoundError` if there is no such person (in the
        store's programmes).
    actor:
        Who erases (kept in the audit log).
    reason:
        ``request``, ``consent_withdrawn`` or ``retention`` (kept in the ledger).
    ledger:
        The erasure-ledger file; default ``MENTORKIT_ERASURE_LEDGER``.
    """
    outermost = not store.in_transaction
    report = store.erase_person(int(person_id), reason=reason, actor=actor,
                                ledger_file=ledger if ledger is not None else ledger_path())
    if outermost and not report.already_erased:
        report.purged = purge(store)
    return report


def purge(store: Store) -> bool:
    """Remove old row versions from the files after an erasure; False if a reader blocked it.

    SQLite: ``PRAGMA wal_checkpoint(TRUNCATE)`` (the freed bytes were already zeroed by
    ``secure_delete``). PostgreSQL: ``VACUUM`` of the tables an erasure touches. See
    :meth:`Store.purge <mentorkit.store.Store.purge>`.
    """
    return store.purge()

"""Transactions: one open transaction per store (nested calls join it), and what a refused
write says.

:class:`Transactions` keeps the store's open connection and who writes in it;
:meth:`Store.transaction <mentorkit.store.Store.transaction>` and
:meth:`Store.reading <mentorkit.store.Store.reading>` are its two doors.
:func:`friendly_error` turns the database's refusal into a :class:`StoreError` that names the
rule, never a stored value.

Example
-------
>>> from mentorkit.store.engine import make_engine
>>> tx = Transactions(make_engine("sqlite://"))
>>> with tx.begin("anna") as conn:
...     with tx.begin("bob") as inner:   # joins the outer transaction and its actor
...         (inner is conn, tx.actor, tx.active)
(True, 'anna', True)
>>> tx.active
False
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import sqlalchemy as sa

from mentorkit.errors import ConflictError, StoreError

__all__ = ["CASEWORK_CONSTRAINTS", "INSUFFICIENT_PRIVILEGE", "Transactions", "friendly_error",
           "refused"]

INSUFFICIENT_PRIVILEGE = "42501"
"""PostgreSQL's SQLSTATE for a write a role may not make (privileges, row-level security)."""

#: The database's casework rules (migration 0004): index name -> (what SQLite's refusal
#: says, what the refusal means). A refusal becomes a :class:`ConflictError`, as the store's
#: own check in the same transaction says it (:mod:`mentorkit.store.match_guard`).
CASEWORK_CONSTRAINTS: dict[str, tuple[str, str]] = {
    "uq_match_open_mentee": (
        "UNIQUE constraint failed: match.mentee_id",
        "match: one open match per mentee: the mentee has a proposed or active match already"),
    "uq_person_programme_email": (
        "UNIQUE constraint failed: person.programme_id, person.email",
        "person: one person per programme and e-mail, the import's key: "
        "the e-mail is registered in the programme already"),
}


class Transactions:
    """The one open transaction of a store, if any, and the actor it writes for."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.conn: sa.Connection | None = None
        self.actor: str | None = None

    @property
    def active(self) -> bool:
        """True inside a transaction."""
        return self.conn is not None

    @contextlib.contextmanager
    def begin(self, actor: str | None = None) -> Iterator[sa.Connection]:
        """A transaction around everything inside; nested calls join the outer one."""
        if self.conn is not None:
            yield self.conn
            return
        try:
            with self.engine.begin() as conn:
                self.conn, self.actor = conn, actor
                try:
                    yield conn
                finally:
                    self.conn, self.actor = None, None
        except (sa.exc.OperationalError, sa.exc.IntegrityError) as err:
            raise friendly_error(err) from None
        except sa.exc.ProgrammingError as err:  # a site's role refused by the database
            if getattr(err.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            raise refused(err) from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A read-only connection (joins an open transaction, so it sees its writes)."""
        if self.conn is not None:
            yield self.conn
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(readonly=True)


def refused(err: sa.exc.ProgrammingError) -> StoreError:
    """What a write refused by a site's database role says: the table, never the values
    (the driver's message quotes the statement's parameters).

    Example
    -------
    >>> class Refusal(Exception):
    ...     sqlstate = INSUFFICIENT_PRIVILEGE
    ...     diag = type("Diag", (), {"message_primary":
    ...         'new row violates row-level security policy for table "person"'})()
    >>> str(refused(sa.exc.ProgrammingError("INSERT", {"email": "a@b.c"}, Refusal())))[:60]
    'the database refused the write (new row violates row-level s'
    """
    diag = getattr(err.orig, "diag", None)
    says = getattr(diag, "message_primary", None) or "permission denied"
    return StoreError(f"the database refused the write ({says}): this site's database role "
                      "may not write there (another site's programme); nothing was written")


def friendly_error(err: sa.exc.OperationalError | sa.exc.IntegrityError) -> StoreError:
    """A StoreError that says what went wrong without quoting any stored value.

    Example
    -------
    >>> full = sqlite3.OperationalError("database or disk is full")
    >>> err = sa.exc.OperationalError("INSERT", {}, full)
    >>> str(friendly_error(err))
    'the disk is full: nothing was written; free space and try again'
    """
    text = str(err.orig)
    if isinstance(err, sa.exc.IntegrityError):
        diag = getattr(err.orig, "diag", None)  # PostgreSQL: name the constraint, not the row
        rule = diag.constraint_name if diag is not None else text
        for name, (sqlite_text, says) in CASEWORK_CONSTRAINTS.items():
            if rule == name or sqlite_text in text or f"index '{name}'" in text:
                return ConflictError(f"{says} (database rule {name}); nothing was written; "
                                     "reload and retry")
        return StoreError(f"the write breaks a database rule ({rule}); nothing was written")
    if isinstance(err.orig, sqlite3.OperationalError) and "full" in text:
        return StoreError("the disk is full: nothing was written; free space and try again")
    if "locked" in text or "busy" in text:
        return StoreError("the database is busy (another program holds a write lock); "
                          "nothing was written; try again")
    return StoreError(f"the database refused the write: {text}")

"""Erasure (GDPR Art. 17): a person's personal data go, the counts and the fact remain.

One transaction blanks, in every row about the person, the columns
:func:`~mentorkit.privacy.classes.erase_columns` names (direct identifiers,
quasi-identifiers, special categories, free text; the person's gender stays for grant
targets), clears their consent, redacts their full name, e-mail and phone where free text
elsewhere mentions them, appends a ``withdrawn`` consent record and an erasure-ledger row
(ids only), and writes one audit row per changed row with the field names and no values.
The rows themselves stay, so the number of people, matches, follow-ups and attendances per
programme does not change.

On SQLite the transaction runs with ``secure_delete`` (freed bytes are zeroed) and is followed
by a WAL checkpoint that truncates the log, so the old values are gone from the files, not
only from the tables. On PostgreSQL the touched tables are vacuumed afterwards.

Example
-------
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Vollsmose")
>>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
...                        email="amal@example.org", gender="female")
>>> report = erase(store, who, actor="coordinator")
>>> row = store.people.get(who)
>>> row["first_name"], row["email"], row["gender"], row["erased_at"] is not None
(None, None, 'female', True)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mentorkit.errors import NotFoundError
from mentorkit.privacy.classes import erase_columns
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["ErasureReport", "LEDGER_VARIABLE", "erase", "ledger_path", "purge"]

LEDGER_VARIABLE = "MENTORKIT_ERASURE_LEDGER"
"""Environment variable naming the erasure-ledger file (keep it on another disk)."""

REDACTED = "[erased]"
_FREE_TEXT = (("person", "notes"), ("match", "notes"), ("followup", "notes"))


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


def ledger_path(env: dict[str, str] | None = None) -> Path | None:
    """The erasure-ledger file from ``MENTORKIT_ERASURE_LEDGER`` (None when not set)."""
    value = (os.environ if env is None else env).get(LEDGER_VARIABLE, "").strip()
    return Path(value).expanduser() if value else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _append_ledger_file(path: Path, entry: dict[str, Any]) -> None:
    """Append one line (ids only) and make it durable before the erasure commits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, default=str, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        os.chmod(path, 0o600)


def erase(store: "Store", person_id: int, actor: str | None = None, *, reason: str = "request",
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
    outermost = store._conn is None
    with store.transaction(actor) as conn:
        report = erase_in(store, conn, int(person_id), reason, ledger=ledger)
    if outermost and not report.already_erased:
        report.purged = purge(store)
    return report


def erase_in(store: "Store", conn: sa.Connection, person_id: int, reason: str, *,
             ledger: Path | None = None, write_ledger_file: bool = True) -> ErasureReport:
    """The erasure inside an open transaction ``conn`` (see :func:`erase`)."""
    t = metadata.tables
    person = t["person"]
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
    row = conn.execute(store.scoped(sa.select(person).where(person.c.id == person_id), person)
                       .with_for_update()).mappings().first()
    if row is None:
        raise NotFoundError(f"person: no row with id {person_id}")
    report = ErasureReport(person_id, reason)
    if row["erased_at"] is not None:
        report.already_erased = True
        return report
    now = report.at = _now()
    path = ledger if ledger is not None else ledger_path()
    if path is not None and write_ledger_file:
        _append_ledger_file(path, {"person_id": person_id, "person_created_at": row["created_at"],
                                   "at": now, "reason": reason})
    needles = _needles(row)
    cols = erase_columns("person")
    _blank(store, conn, "person", [person_id], cols, report,
           extra={"erased_at": now, "version": row["version"] + 1})
    match = t["match"]
    match_ids = [int(i) for i in conn.execute(sa.select(match.c.id).where(
        (match.c.mentee_id == person_id) | (match.c.mentor_id == person_id))).scalars()]
    _blank(store, conn, "match", match_ids, erase_columns("match"), report, versioned=True)
    followup = t["followup"]
    followup_ids = [int(i) for i in conn.execute(
        sa.select(followup.c.id).where(followup.c.match_id.in_(match_ids))).scalars()]
    _blank(store, conn, "followup", followup_ids, erase_columns("followup"), report)
    outcome = t["outcome"]
    outcome_ids = [int(i) for i in conn.execute(
        sa.select(outcome.c.id).where(outcome.c.person_id == person_id)).scalars()]
    _blank(store, conn, "outcome", outcome_ids, erase_columns("outcome"), report)
    report.mentions = _redact_mentions(store, conn, needles)
    if row["consent_scope"]:
        conn.execute(t["consent"].insert().values(
            person_id=person_id, at=now, action="withdrawn", scope=list(row["consent_scope"]),
            recorded_by=store._conn_actor or store.actor, reason=reason))
    conn.execute(t["erasure_ledger"].insert().values(
        person_id=person_id, person_created_at=row["created_at"], at=now, reason=reason))
    return report


def _blank(store: "Store", conn: sa.Connection, name: str, ids: list[int], cols: list[str],
           report: ErasureReport, extra: dict[str, Any] | None = None,
           versioned: bool = False) -> None:
    report.rows[name] = len(ids)
    report.fields[name] = list(cols)
    if not ids:
        return
    table = metadata.tables[name]
    values: dict[str, Any] = {c: sa.null() for c in cols}
    if "updated_at" in table.c:
        values["updated_at"] = _now()
    if versioned and "version" in table.c:
        values["version"] = table.c.version + 1
    values.update(extra or {})
    conn.execute(table.update().where(table.c.id.in_(ids)).values(**values))
    stamp = {"erased_at": values["erased_at"]} if "erased_at" in values else {}
    store._audit(conn, "erase", name, ids, [{**dict.fromkeys(cols), **stamp}] * len(ids), None)


def _needles(row: Any) -> list[str]:
    """The person's identifiers to look for in other people's free text."""
    first, last = (row["first_name"] or "").strip(), (row["last_name"] or "").strip()
    found = [f"{first} {last}".strip() if first and last else "", row["email"] or "",
             row["phone"] or ""]
    return [n for n in found if len(n.strip()) >= 5]


def _redact_mentions(store: "Store", conn: sa.Connection, needles: list[str]) -> int:
    """Replace the needles in every free-text field (every programme); rows changed."""
    if not needles:
        return 0
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    changed = 0
    for name, column in _FREE_TEXT:
        table = metadata.tables[name]
        col = table.c[column]
        like = sa.or_(*[sa.func.lower(col).contains(n.lower(), autoescape=True)
                        for n in needles])
        for row_id, text in conn.execute(sa.select(table.c.id, col).where(like)).all():
            new = pattern.sub(REDACTED, text)
            if new != text:
                conn.execute(table.update().where(table.c.id == row_id).values({column: new}))
                store._audit(conn, "erase", name, [int(row_id)], [{column: None}], None)
                changed += 1
    return changed


def purge(store: "Store") -> bool:
    """Remove old row versions from the files after an erasure; False if a reader blocked it.

    SQLite: ``PRAGMA wal_checkpoint(TRUNCATE)`` (the freed bytes were already zeroed by
    ``secure_delete``). PostgreSQL: ``VACUUM`` of the tables an erasure touches.
    """
    engine = store.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # autocommit DBAPI connection: no BEGIN around it
        try:
            busy = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        return busy is None or int(busy[0]) == 0
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in ("person", "match", "followup", "outcome"):
            conn.exec_driver_sql(f'VACUUM "{name}"')
    return True

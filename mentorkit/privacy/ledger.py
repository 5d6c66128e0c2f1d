"""The erasure ledger: ids only, so that a restored backup forgets again what was erased.

Every erasure appends a row to the ``erasure_ledger`` table (person id, the creation stamp of
that person's row, when, why) and, when ``MENTORKIT_ERASURE_LEDGER`` names a file, a line to
that file before the erasure commits. A backup taken before an erasure still holds the
person; :func:`reapply` erases them again after a restore. The creation stamp guards against
a reused id: SQLite hands out the next free id again after a restore, and a different person
with the same id is left alone.

Example
-------
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Tingbjerg")
>>> who = store.people.add(programme_id=pid, role="mentor", first_name="Bente")
>>> from mentorkit.privacy.erasure import erase
>>> _ = erase(store, who)
>>> [e["person_id"] for e in ledger_entries(store)]
[1]
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mentorkit.errors import StoreError
from mentorkit.privacy.erasure import erase_in, purge
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["ReapplyReport", "ledger_entries", "read_ledger_file", "reapply"]


@dataclass
class ReapplyReport:
    """What re-applying the ledger did (ids only)."""

    erased: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    absent: list[int] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)


def _stamp(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return dt.datetime.fromisoformat(str(value)).replace(microsecond=0)


def ledger_entries(store_or_conn: "Store | sa.Connection") -> list[dict[str, Any]]:
    """The ledger table's rows (person_id, person_created_at, at, reason)."""
    ledger = metadata.tables["erasure_ledger"]
    query = sa.select(ledger.c.person_id, ledger.c.person_created_at, ledger.c.at,
                      ledger.c.reason).order_by(ledger.c.id)
    if isinstance(store_or_conn, sa.Connection):
        return [dict(r) for r in store_or_conn.execute(query).mappings()]
    with store_or_conn.reading() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def read_ledger_file(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a ledger file; a torn last line (a crash while writing) is skipped."""
    entries = []
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                continue
            raise StoreError(f"the erasure ledger {path} is damaged at line {number}") from None
        entries.append(entry)
    return entries


def reapply(store: "Store", entries: list[dict[str, Any]], *,
            actor: str = "restore") -> ReapplyReport:
    """Erase again, in one transaction, everyone in ``entries`` the database still holds."""
    report = ReapplyReport()
    person = metadata.tables["person"]
    ledger = metadata.tables["erasure_ledger"]
    seen: set[tuple[int, Any]] = set()
    with store.transaction(actor) as conn:
        recorded = {(e["person_id"], _stamp(e["person_created_at"]))
                    for e in ledger_entries(conn)}
        for entry in entries:
            pid, created = int(entry["person_id"]), _stamp(entry.get("person_created_at"))
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
            if row.erased_at is None:
                erase_in(store, conn, pid, str(entry.get("reason") or "request"),
                         write_ledger_file=False)
                report.erased.append(pid)
            else:
                report.already.append(pid)
                if (pid, created) not in recorded:
                    conn.execute(ledger.insert().values(
                        person_id=pid, person_created_at=created,
                        at=_stamp(entry.get("at")) or row.erased_at,
                        reason=str(entry.get("reason") or "request")))
    if report.erased:
        purge(store)
    return report

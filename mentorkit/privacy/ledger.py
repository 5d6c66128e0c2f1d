"""The erasure ledger: ids and keyed marks, so that what was erased stays erased.

Every erasure appends a row to the ``erasure_ledger`` table (person id, the creation stamp of
that person's row, when, why, and the keyed fingerprints of who she was, never a value:
:mod:`mentorkit.privacy.fingerprints`, which refuse her re-import) and, when
``MENTORKIT_ERASURE_LEDGER`` names a file, a line to
that file before the erasure commits (:func:`append_ledger_file`). A backup taken before an
erasure still holds the person; :func:`reapply` erases them again after a restore. The
creation stamp guards against a reused id: SQLite hands out the next free id again after a
restore, and a different person with the same id is left alone.

The file is this module's; the table is the store's (:mod:`mentorkit.store.erasure`).

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Tingbjerg")
>>> who = store.people.add(programme_id=pid, role="mentor", first_name="Bente",
...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
>>> from mentorkit.privacy.erasure import erase
>>> _ = erase(store, who)
>>> [e["person_id"] for e in ledger_entries(store)]
[1]
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentorkit.errors import StoreError
from mentorkit.privacy.erasure import purge

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["ReapplyReport", "append_ledger_file", "ledger_entries", "read_ledger_file",
           "reapply"]


@dataclass
class ReapplyReport:
    """What re-applying the ledger did (ids only)."""

    erased: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    absent: list[int] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)


def ledger_entries(store: Store) -> list[dict[str, Any]]:
    """The ledger table's rows (person_id, person_created_at, at, reason), oldest first."""
    return store.erasure_ledger()


def append_ledger_file(path: str | Path, entry: Mapping[str, Any]) -> None:
    """Append one line (ids only) and make it durable (the erasure commits after it).

    A new file is made readable by its owner only (mode 600).

    Example
    -------
    >>> import tempfile, datetime as dt
    >>> path = Path(tempfile.mkdtemp()) / "ledger.jsonl"
    >>> append_ledger_file(path, {"person_id": 3, "at": dt.datetime(2026, 1, 2)})
    >>> read_ledger_file(path)
    [{'at': '2026-01-02 00:00:00', 'person_id': 3}]
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(dict(entry), default=str, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        os.chmod(path, 0o600)


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


def reapply(store: Store, entries: list[dict[str, Any]], *,
            actor: str = "restore") -> ReapplyReport:
    """Erase again, in one transaction, everyone in ``entries`` the database still holds.

    A person whose row was made at another time than the entry says is someone else with
    the same id, and is left alone (``reused``); see
    :meth:`Store.reapply_erasures <mentorkit.store.Store.reapply_erasures>`.
    """
    report = store.reapply_erasures(entries, actor=actor)
    if report.erased:
        purge(store)
    return report

"""The ``match_run`` table: a matching run's settings, fingerprint and result, saved audited.

:func:`mentorkit.matching.save_run` and :func:`~mentorkit.matching.load_run` call these
through :meth:`Store.add_match_run <mentorkit.store.Store.add_match_run>` and
:meth:`Store.get_match_run <mentorkit.store.Store.get_match_run>`.

Example
-------
>>> from mentorkit.store import Store
>>> from mentorkit.store.audit import utcnow
>>> store = Store.open(":memory:")
>>> run_id = add_match_run(store, {"method": "optimal", "objective": "score", "settings": {},
...                                "input_fingerprint": "0" * 64, "n_mentees": 0,
...                                "n_mentors": 0, "n_matched": 0, "total_score": 0.0,
...                                "result": {}, "created_at": utcnow()}, actor="doctest")
>>> get_match_run(store, run_id)["method"], store.table("audit")["table_name"].tolist()
('optimal', ['match_run'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from mentorkit.errors import NotFoundError, StoreError
from mentorkit.model.frames import conform
from mentorkit.store.audit import write_audit
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["add_match_run", "get_match_run"]


def add_match_run(store: Store, values: Mapping[str, Any], *,
                  actor: str | None = None) -> int:
    """Insert one run in one transaction, audited; its id."""
    table = metadata.tables["match_run"]
    unknown = [c for c in values if c not in table.c or c == "id"]
    if unknown:
        raise StoreError(f"match_run: unknown column(s) {', '.join(unknown)}")
    row = dict(values)
    from mentorkit.store.entity import require_valid  # no CPR/BSN in settings or result

    frame = pd.DataFrame([{k: v for k, v in row.items() if k in ("settings", "result", "stats")}])
    if not frame.empty and len(frame.columns):
        require_valid("match_run", conform("match_run", frame)[list(frame.columns)], partial=True)
    with store.transaction(actor) as conn:
        new_id = int(conn.execute(table.insert().returning(table.c.id), [row]).scalar_one())
        write_audit(conn, store.current_actor, "insert", "match_run", [new_id], [row])
    return new_id


def get_match_run(store: Store, run_id: int) -> dict[str, Any]:
    """One saved run as a dict; :class:`NotFoundError` if there is none."""
    table = metadata.tables["match_run"]
    with store.reading() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == run_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"match_run: no row with id {run_id}")
    return dict(row)

"""Research extracts and the database: the fact of an extract in the audit log, and a
one-off extract of the database for a research notebook.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> record_extract(store, "DSA-2026-07", dt.date(2099, 1, 1), {"person": 0}, actor="anna")
>>> store.table("audit")[["action", "table_name", "actor"]].values.tolist()
[['extract', '*', 'anna']]
>>> sorted(research_tables(db="sqlite://"))[:3]  # an empty in-memory database
['attendance', 'event', 'followup']
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from mentorkit.store.audit import DATABASE, write_audit

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["record_extract", "research_tables"]


def record_extract(store: Store, agreement: str | None, expires: dt.date | None,
                   counts: dict[str, int], actor: str | None = None) -> None:
    """Keep the fact of an extract (not its content) in the audit log: the agreement, the
    expiry and the rows per table."""
    with store.transaction(actor) as conn:
        write_audit(conn, actor or store.current_actor, "extract", DATABASE, [None],
                    [{"agreement": agreement,
                      "expires": expires.isoformat() if expires else None, "rows": counts}],
                    fields=sorted(counts))


def research_tables(extract: str | Path = "", db: str | None = None) -> dict[str, pd.DataFrame]:
    """What a research notebook works from: an extract, never the case store's personal data.

    With ``extract`` (a folder written by ``mentorkit extract``) its tables are read (and
    refused once expired or when its signed manifest or files were changed; the configured
    pseudonym key verifies it, :func:`~mentorkit.privacy.extract_files.read_extract`). Without,
    a research extract (:func:`~mentorkit.privacy.extract.research_extract`) of the database
    ``db`` (default ``MENTORKIT_DB``) is made in memory: with the configured pseudonym key if
    there is one, else with a random key that lives only as long as the process, so its
    pseudonyms cannot be linked to anything. It is not written anywhere.

    Example
    -------
    >>> tables = research_tables(db="sqlite://")  # an empty in-memory database
    >>> sorted(tables)[:3], len(tables["person"])
    (['attendance', 'event', 'followup'], 0)
    """
    from mentorkit.config import Settings
    from mentorkit.privacy.classes import EXTRACT_TABLES
    from mentorkit.privacy.extract import research_extract
    from mentorkit.privacy.extract_files import read_extract
    from mentorkit.privacy.pseudonyms import KEY_FILE_VARIABLE
    from mentorkit.store import Store

    if str(extract).strip():
        return read_extract(extract)
    configured = Settings.from_env().pseudonym_key or os.environ.get(KEY_FILE_VARIABLE)
    key = None if configured else secrets.token_hex(32)
    with Store.open(db or None) as store:
        tables = {name: store.table(name) for name in EXTRACT_TABLES}
    return research_extract(tables, key=key)

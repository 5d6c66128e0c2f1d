"""The case store: one object per database, the only door to it.

:class:`Store` opens the database, hands out one :class:`~mentorkit.store.entity.Entity` per
table (``store.people.add(...)``), runs transactions and reads tables for analysis. The rest
of the package asks it, through the public methods below, for every other database operation
(match runs, consent, subject access, erasure and its ledger, extracts); each job lives in a
module of its own:

==========================  ===========================================================
:mod:`~.entity`             add, update, get, list, delete rows of one table
:mod:`~.transactions`       the open transaction, friendly errors
:mod:`~.audit`              the one audit writer
:mod:`~.reading`            tables as DataFrames, the programme scope, row counts
:mod:`~.bulk`               a whole dataset in one transaction
:mod:`~.opening`            create, refuse or upgrade a schema; programme names to ids
:mod:`~.match_runs`         saved matching runs
:mod:`~.consent`            consent scope and records
:mod:`~.subject_access`     what is held about one person
:mod:`~.erasure`            erasure, purge, the erasure ledger
:mod:`~.extracts`           research extracts and the audit
:mod:`~.lookups`            small reads by column (the importer, mentions in notes)
==========================  ===========================================================

Example
-------
>>> store = Store.open(":memory:", actor="doctest")
>>> pid = store.programmes.add(name="Vollsmose", city="Odense", country="DK")
>>> store.programmes.get(pid)["city"]
'Odense'
>>> store.table("audit")[["action", "table_name"]].values.tolist()
[['insert', 'programme']]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import sqlalchemy as sa

from mentorkit.config import Settings
from mentorkit.errors import StoreError
from mentorkit.model.schema import ENTITY_TABLES
from mentorkit.store import reading
from mentorkit.store.audit import AUDIT_CHUNK, PRIVACY_OF, PUBLIC_COLUMNS, utcnow  # noqa: F401
from mentorkit.store.bulk import load_dataset
from mentorkit.store.consent import change_consent
from mentorkit.store.engine import make_engine
from mentorkit.store.entity import PLURAL, Entity, require_valid  # noqa: F401
from mentorkit.store.match_runs import add_match_run, get_match_run
from mentorkit.store.opening import bring_up_to_date, programme_ids
from mentorkit.store.transactions import Transactions

if TYPE_CHECKING:
    from mentorkit.model.dataset import Dataset
    from mentorkit.privacy.erasure import ErasureReport
    from mentorkit.privacy.ledger import ReapplyReport

__all__ = ["Entity", "Store"]


class Store:
    """A mentorkit database: one object per database, opened with :meth:`open`."""

    def __init__(self, engine: sa.Engine, actor: str = "mentorkit") -> None:
        self.engine = engine
        self.actor = actor
        self._tx = Transactions(engine)
        self.scope: frozenset[int] | None = None  # programme ids; None: every programme
        for name in ENTITY_TABLES:
            setattr(self, PLURAL[name], Entity(self, name))

    programmes: Entity
    grants: Entity
    targets: Entity
    partners: Entity
    people: Entity
    matches: Entity
    followups: Entity
    outcomes: Entity
    events: Entity
    attendance: Entity

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, url_or_path: str | None = None, *, actor: str | None = None,
             upgrade: bool = False, programmes: Sequence[str] | None = None) -> Store:
        """Open (and, when empty, create) the database at a URL or SQLite path.

        ``None`` uses ``MENTORKIT_DB`` (default ``data/mentorkit.db``). An empty database
        is created by the migrations; an older one is upgraded only with ``upgrade=True``
        (or ``mentorkit db upgrade``). ``programmes`` (default ``MENTORKIT_PROGRAMMES``)
        limits what this store reads and writes to those programmes, as a site sharing a
        database with others works.
        """
        settings = Settings.from_env()
        engine = make_engine(url_or_path or settings.database_url)
        try:
            bring_up_to_date(engine, upgrade)
            store = cls(engine, actor or settings.actor)
            names = settings.programmes if programmes is None else tuple(programmes)
            if names:
                store.scope = programme_ids(store, names)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def entity(self, name: str) -> Entity:
        """The accessor for a table by its name (``"person"``) or plural (``"people"``)."""
        attr = PLURAL.get(name, name)
        if attr not in PLURAL.values():
            raise StoreError(f"no table called {name!r}; known: {', '.join(ENTITY_TABLES)}")
        accessor: Entity = getattr(self, attr)
        return accessor

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str | None = None) -> Iterator[sa.Connection]:
        """One transaction around everything inside; nested calls join the outer one.

        Example
        -------
        >>> s = Store.open(":memory:")
        >>> with s.transaction(actor="anna"):
        ...     a = s.programmes.add(name="A")
        ...     b = s.programmes.add(name="B")
        >>> len(s.table("programme")), s.table("audit")["actor"].unique().tolist()
        (2, ['anna'])
        """
        with self._tx.begin(actor) as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A read-only connection (joins an open transaction, so it sees its writes)."""
        with self._tx.reading() as conn:
            yield conn

    @property
    def in_transaction(self) -> bool:
        """True inside :meth:`transaction` (a write now joins it and commits with it)."""
        return self._tx.active

    @property
    def current_actor(self) -> str:
        """Who the audit names for a write now: the open transaction's actor, else the
        store's."""
        return self._tx.actor or self.actor

    # --- reading -------------------------------------------------------------------------

    def table(self, name: str, /, **filters: Any) -> pd.DataFrame:
        """A whole table (or the rows matching ``filters``) as a DataFrame, for analysis.

        Example
        -------
        >>> Store.open(":memory:").table("person").shape[0]
        0
        """
        return reading.read_table(self, name, **filters)

    def scoped(self, query: sa.Select, table: sa.Table) -> sa.Select:
        """``query`` limited to the store's programmes (unchanged when it sees them all)."""
        return reading.scoped(query, table, self.scope)

    def counts(self) -> dict[str, int]:
        """Number of rows per table."""
        return reading.row_counts(self)

    def load(self, dataset: Dataset, *, actor: str = "synth") -> None:
        """Insert a whole dataset (ids kept) in one transaction: all of it or nothing."""
        load_dataset(self, dataset, actor=actor)

    # --- match runs ----------------------------------------------------------------------

    def add_match_run(self, values: Mapping[str, Any], *, actor: str | None = None) -> int:
        """Save one matching run (``match_run`` columns) in one audited transaction; its id.
        See :func:`mentorkit.matching.save_run`."""
        return add_match_run(self, values, actor=actor)

    def get_match_run(self, run_id: int) -> dict[str, Any]:
        """A saved matching run's row; :class:`NotFoundError` if there is none."""
        return get_match_run(self, run_id)

    # --- the rights of the data subject --------------------------------------------------

    def change_consent(self, person_id: int, action: Literal["given", "withdrawn"],
                       scopes: Sequence[str], *, reason: str = "request",
                       actor: str | None = None) -> list[str]:
        """Give or withdraw consent scopes, audited, with a consent record; the scope after.
        See :func:`mentorkit.privacy.give_consent`."""
        return change_consent(self, person_id, action, scopes, reason=reason, actor=actor)

    def person_record(self, person_id: int, *, actor: str | None = None) -> dict[str, Any]:
        """Everything stored about one person, as rows; the access is audited. See
        :func:`mentorkit.privacy.access`, which makes the export from it."""
        from mentorkit.store.subject_access import person_record

        return person_record(self, person_id, actor=actor)

    def erase_person(self, person_id: int, *, reason: str = "request",
                     actor: str | None = None, ledger_file: Path | None = None
                     ) -> ErasureReport:
        """Erase one person's personal data in one transaction (joining an open one). See
        :func:`mentorkit.privacy.erase`, which also purges the files afterwards."""
        from mentorkit.store.erasure import erase_person

        return erase_person(self, person_id, reason=reason, actor=actor,
                            ledger_file=ledger_file)

    def purge(self) -> bool:
        """Old row versions out of the database files; False when a reader blocked it."""
        from mentorkit.store.erasure import purge

        return purge(self)

    def erasure_ledger(self) -> list[dict[str, Any]]:
        """The erasure ledger's rows (ids, stamps and reasons), oldest first."""
        from mentorkit.store.erasure import ledger_rows

        return ledger_rows(self)

    def reapply_erasures(self, entries: Sequence[Mapping[str, Any]], *,
                         actor: str = "restore") -> ReapplyReport:
        """Erase again everyone in the ledger ``entries`` whom the database still holds.
        See :func:`mentorkit.privacy.ledger.reapply`."""
        from mentorkit.store.erasure import reapply_erasures

        return reapply_erasures(self, entries, actor=actor)

    def record_extract(self, agreement: str | None, expires: dt.date | None,
                       counts: dict[str, int], *, actor: str | None = None) -> None:
        """Keep the fact of a research extract (agreement, expiry, rows) in the audit log."""
        from mentorkit.store.extracts import record_extract

        record_extract(self, agreement, expires, counts, actor)

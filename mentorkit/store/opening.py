"""Opening a database: create it when empty, refuse (or upgrade) an older schema, and find
the programmes a site's store is limited to.

Example
-------
>>> from mentorkit.store.engine import make_engine
>>> engine = make_engine("sqlite://")
>>> bring_up_to_date(engine, upgrade=False)   # empty: created by the migrations
>>> has_tables(engine)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa

from mentorkit.errors import StoreError
from mentorkit.store import migrate

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["bring_up_to_date", "has_tables", "programme_ids"]


def bring_up_to_date(engine: sa.Engine, upgrade: bool) -> None:
    """Create an empty database; refuse (or, asked to, upgrade) an older schema."""
    try:
        current = migrate.current_revision(engine)
    except sa.exc.OperationalError as err:
        raise StoreError(f"cannot open the database: {err.orig}") from None
    if current is None and not has_tables(engine):
        migrate.upgrade(engine)
    elif current != migrate.head_revision():
        if not upgrade:
            raise StoreError(
                f"the database schema is at revision {current}, this mentorkit needs "
                f"{migrate.head_revision()}: run `mentorkit db upgrade` (after a backup)")
        migrate.upgrade(engine)


def has_tables(engine: sa.Engine) -> bool:
    """True when the database holds any table."""
    return bool(sa.inspect(engine).get_table_names())


def programme_ids(store: Store, names: Sequence[str]) -> frozenset[int]:
    """The ids of the programmes called ``names`` (case ignored); :class:`StoreError` naming
    the unknown ones and the known ones.

    Example
    -------
    >>> from mentorkit.store import Store
    >>> s = Store.open(":memory:")
    >>> _ = s.programmes.add(name="Vollsmose")
    >>> sorted(programme_ids(s, ["vollsmose"]))
    [1]
    """
    known = store.table("programme")
    lookup = {str(n).lower(): int(i) for n, i in zip(known["name"], known["id"])}
    missing = [n for n in names if n.lower() not in lookup]
    if missing:
        raise StoreError(f"no programme called {', '.join(map(repr, missing))}; known: "
                         f"{', '.join(known['name'])}")
    return frozenset(lookup[n.lower()] for n in names)

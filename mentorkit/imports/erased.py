"""An import row that is a person who was erased is refused, named by its row, no value.

The store refuses such a person on every path (``store.people.add_many``, see
:func:`mentorkit.store.erasure.refuse_erased`); the importer asks first, so that the report
names each file row (also in a dry run) and nothing of the file is written.

Example
-------
>>> import datetime as dt
>>> import pandas as pd
>>> from mentorkit.store import Store
>>> from mentorkit.privacy.erasure import erase
>>> store = Store.open(":memory:")
>>> pid = store.programmes.add(name="Tilst")
>>> who = store.people.add(programme_id=pid, role="mentee", first_name="Amal",
...                        email="amal@example.org",
...                        registered_on=dt.date(2026, 1, 5), consent_scope=["casework"],
...                        consent_given_at=dt.datetime(2026, 1, 5, 12))
>>> _ = erase(store, who)
>>> new = pd.DataFrame({"email": ["bo@example.org", "Amal@example.org"]}, index=[2, 3])
>>> with store.reading() as conn:
...     [(p.row, p.rule) for p in erased_problems(conn, new)]
[(3, 'person erased')]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mentorkit.model.validation import Problem
from mentorkit.privacy.fingerprints import ERASED_RULE, ERASED_WHAT_TO_DO
from mentorkit.store.erasure import erased_positions

__all__ = ["erased_problems"]

_SHOWN = ("email", "first_name", "last_name", "birth_year", "phone")


def erased_problems(conn: Any, new: pd.DataFrame,
                    scope: frozenset[int] | None = None) -> list[Problem]:
    """One problem per row of ``new`` (people about to be written, indexed by file row)
    that is someone erased (at the session's sites, ``scope``); the column named is the
    first identity column the file has."""
    if new.empty:
        return []
    rows = [{k: v for k, v in r.items() if k in _SHOWN}
            for r in new.to_dict(orient="records")]
    column = next((c for c in _SHOWN if c in new.columns), "")
    return [Problem(int(new.index[i]), column, ERASED_RULE, ERASED_WHAT_TO_DO)
            for i in erased_positions(conn, rows, scope)]

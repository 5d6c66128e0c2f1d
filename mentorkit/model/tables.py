"""One way to get tables from wherever they are: a store, a data set or a mapping.

Analysis code takes "the tables" in any of three shapes: a :class:`~mentorkit.store.Store`
(anything with a ``table(name)`` method: it reads the database), a
:class:`~mentorkit.model.dataset.Dataset` (synthetic or read from CSV; also any object that
holds the tables as DataFrame attributes, such as the funder report's ``FunderData``) or a
mapping of DataFrames by table name (a research extract). :func:`read_tables` turns each of
them into the same dict, so the analysis core never needs to know which it was given and never
imports the store.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.1)
>>> t = read_tables(ds, ("person", "match"))
>>> sorted(t), len(t["person"]) == len(ds.person)
(['match', 'person'], True)
>>> read_tables({"person": ds.person}, ("match",))
Traceback (most recent call last):
...
mentorkit.errors.ValidationError: the tables given have no 'match' table (they have: person)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from mentorkit.errors import ValidationError


@runtime_checkable
class TableSource(Protocol):
    """Anything that reads a table by name, as :meth:`Store.table` does."""

    def table(self, name: str, /) -> pd.DataFrame:  # pragma: no cover - a protocol
        """The table ``name`` as a DataFrame in the model's shape."""
        ...


#: What :func:`read_tables` takes.
Tables = TableSource | Mapping[str, pd.DataFrame] | Any


def read_tables(source: Tables, names: Iterable[str], *, conformed: bool = False
                ) -> dict[str, pd.DataFrame]:
    """The tables ``names`` from a store, a data set or a mapping of DataFrames.

    ``conformed`` puts each table in the model's columns and dtypes
    (:func:`~mentorkit.model.frames.conform`), for mappings that may come from anywhere;
    a store and a data set give them in that shape already.

    Raises :class:`~mentorkit.errors.ValidationError` naming the missing table, or the kind
    of object that is none of the three.
    """
    names = tuple(names)
    if isinstance(source, Mapping):
        frames: Mapping[str, pd.DataFrame] = source
    elif callable(table := getattr(source, "table", None)):
        return {name: table(name) for name in names}
    elif callable(tables := getattr(source, "tables", None)):
        frames = tables()
    elif names and all(isinstance(getattr(source, n, None), pd.DataFrame) for n in names):
        frames = {n: getattr(source, n) for n in names}  # tables as attributes (FunderData)
    else:
        raise ValidationError(
            f"tables are read from a Store, a Dataset or a mapping of DataFrames by table "
            f"name, not from a {type(source).__name__}")
    missing = [name for name in names if name not in frames]
    if missing:
        raise ValidationError(f"the tables given have no {missing[0]!r} table "
                              f"(they have: {', '.join(sorted(frames)) or 'none'})")
    if conformed:
        from mentorkit.model.frames import conform

        return {name: conform(name, frames[name]) for name in names}
    return {name: frames[name] for name in names}

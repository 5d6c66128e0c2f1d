"""Reading a whole table from the database, column by column, into :func:`conform`'s shape.

Example
-------
>>> from sqlalchemy.dialects import postgresql
>>> str(read_columns("person", postgresql.dialect())[14])
'CAST(person.languages AS TEXT)'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

import pandas as pd
import sqlalchemy as sa

from mentorkit.model.frames import (  # noqa: F401  (conform and the rest: their names here)
    LIST_SEPARATOR,
    _as_json,
    _as_list,
    _conform_column,
    conform,
    jsonable,
    kind,
    to_python,
    to_records,
)
from mentorkit.store.schema import metadata

#: How SQLAlchemy writes dates and times into SQLite: always this layout, this many characters.
SQLITE_LAYOUT: dict[str, tuple[str, int]] = {"date": ("%Y-%m-%d", 10),
                                             "datetime": ("%Y-%m-%d %H:%M:%S.%f", 26)}
#: json.loads without its per-call Python layers (typeshed omits scan_once: __init__ sets it).
_SCAN_JSON: Callable[[str, int], tuple[Any, int]]
_SCAN_JSON = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__


def _plain_json(dialect: sa.Dialect) -> bool:
    """True when the dialect decodes JSON with plain :func:`json.loads` (no custom decoder)."""
    return getattr(dialect, "_json_deserializer", None) is None


def read_columns(table: str, dialect: sa.Dialect) -> tuple[sa.ColumnElement[Any], ...]:
    """What :meth:`Store.table <mentorkit.store.Store.table>` selects: every column of
    ``table``, JSON (and, on SQLite, dates) as the text stored, for :func:`from_database`.

    Example
    -------
    >>> from sqlalchemy.dialects import postgresql
    >>> str(read_columns("person", postgresql.dialect())[14])
    'CAST(person.languages AS TEXT)'
    """
    return _read_columns(table, dialect.name, _plain_json(dialect))


@functools.cache
def _read_columns(table: str, dialect_name: str, plain_json: bool
                  ) -> tuple[sa.ColumnElement[Any], ...]:
    sqlite = dialect_name == "sqlite"
    out: list[sa.ColumnElement[Any]] = []
    for column in metadata.tables[table].c:
        k = kind(column)
        if k in ("list", "json") and plain_json:
            raw = sa.type_coerce(column, sa.Text) if sqlite else sa.cast(column, sa.Text)
            out.append(raw.label(column.name))
        elif k in ("date", "datetime") and sqlite:
            out.append(sa.type_coerce(column, sa.Text).label(column.name))
        else:
            out.append(column)
    return tuple(out)


def _processor(column: sa.Column, dialect: sa.Dialect) -> Any:
    """SQLAlchemy's own conversion of one value of ``column`` as the driver returns it."""
    return column.type.dialect_impl(dialect).result_processor(dialect, None)


def _json_values(column: sa.Column, values: Sequence[Any], dialect: sa.Dialect) -> pd.Series:
    """A list or JSON column from its stored text, as :func:`conform` shapes it.

    Each text is decoded with the C scanner when it is one whole JSON value, otherwise
    (whitespace around it, an error, a number SQLite kept as a number) by SQLAlchemy's own
    processor, so values and errors are those of a row-by-row read. Lists that hold only
    strings (checked in one pass over the whole column) and JSON objects are taken as they
    are; anything else goes through what :func:`conform` does with it.
    """
    slow = _processor(column, dialect) or json.loads  # PostgreSQL: the text of a CAST
    scan = _SCAN_JSON
    decoded: list[Any] = []
    append = decoded.append
    for value in values:
        if type(value) is str:
            try:
                found, end = scan(value, 0)
                if end == len(value):
                    append(found)
                    continue
            except (StopIteration, ValueError):
                pass
        append(None if value is None else slow(value))
    if kind(column) == "json":
        return pd.Series([v if type(v) is dict or type(v) is list else _as_json(v)
                          for v in decoded], dtype=object)
    lists = [[] if v is None else v for v in decoded]  # SQL NULL: no codes
    if set(map(type, lists)) <= {list} and set(map(type, chain.from_iterable(lists))) <= {str}:
        return pd.Series(lists, dtype=object)  # lists of codes, as _as_list gives them
    return pd.Series([_as_list(v) for v in decoded], dtype=object)


def _sqlite_times(column: sa.Column, values: Sequence[Any], dialect: sa.Dialect) -> Any:
    """SQLite's date or datetime text parsed in one vectorised pass when every value has the
    layout SQLAlchemy writes; otherwise each value through SQLAlchemy's own parser."""
    layout, width = SQLITE_LAYOUT[kind(column)]
    present = [v for v in values if v is not None]
    if set(map(type, present)) <= {str} and set(map(len, present)) <= {width}:
        try:
            return pd.to_datetime(pd.Series(values, dtype=object), format=layout)
        except (ValueError, TypeError):
            pass
    parse = _processor(column, dialect)
    return pd.Series([parse(v) for v in values] if parse else values, dtype=object)


def from_database(table: str, values: Sequence[Sequence[Any]], dialect: sa.Dialect,
                  type_codes: Sequence[Any] | None = None) -> pd.DataFrame:
    """The rows of ``table`` selected with :func:`read_columns`, given column by column as
    the database driver returned them (``values[i]``: the i-th column), as :func:`conform`
    shapes them.

    The same DataFrame as conforming the rows SQLAlchemy returns, without a Python call per
    cell: JSON is decoded in one loop with the C scanner, SQLite's date text is parsed in
    one vectorised pass, every other column goes through SQLAlchemy's result processor for
    its type, if it has one (``type_codes``: the cursor description's, as SQLAlchemy passes
    them), and then through :func:`conform`'s conversion.

    Example
    -------
    >>> from sqlalchemy.dialects import sqlite
    >>> df = from_database("target", [(1,), (2,), ("matches",), ("gender",), ("female",),
    ...                               (12,), ("2026-01-02 03:04:05.000000",), (None,)],
    ...                    sqlite.dialect())
    >>> df[["value", "created_at"]].dtypes.astype(str).tolist()
    ['Int64', 'datetime64[us]']
    """
    sqlite = dialect.name == "sqlite"
    plain_json = _plain_json(dialect)
    selected = read_columns(table, dialect)
    codes = list(type_codes) if type_codes is not None else [None] * len(selected)
    data: dict[str, Any] = {}
    for column, expression, code, raw in zip(metadata.tables[table].c, selected, codes, values,
                                             strict=True):
        k = kind(column)
        if k in ("list", "json") and plain_json:
            data[column.name] = _json_values(column, raw, dialect)
        elif k in ("date", "datetime") and sqlite:
            data[column.name] = _conform_column(column, _sqlite_times(column, raw, dialect))
        else:
            process = expression.type.dialect_impl(dialect).result_processor(dialect, code)
            if process is not None:  # e.g. Numeric on SQLite: Decimal, as SQLAlchemy gives it
                raw = [process(v) for v in raw]
            data[column.name] = _conform_column(column, pd.Series(raw, dtype=object))
    return pd.DataFrame(data, index=pd.RangeIndex(len(values[0]) if values else 0))



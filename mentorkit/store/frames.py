"""One shape for a table as a DataFrame, wherever it comes from (store, synth, CSV).

Columns in schema order; ids and integers as nullable ``Int64``; dates and times as
``datetime64``; codes and text as strings; multi-valued fields as lists of codes; JSON
objects (a score breakdown) as dicts.

Example
-------
>>> import pandas as pd
>>> df = conform("target", pd.DataFrame({"id": [1], "grant_id": [1], "metric": ["matches"],
...                                      "value": [12]}))
>>> str(df["value"].dtype)
'Int64'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from mentorkit.store.schema import metadata

LIST_SEPARATOR = "|"


def kind(column: sa.Column) -> str:
    """The pandas-side kind of a column: int, float, date, datetime, list, json or str."""
    if column.info.get("multi"):
        return "list"
    t = column.type
    if isinstance(t, sa.JSON):
        return "json"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, (sa.Float, sa.Numeric)):
        return "float"
    return "str"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    text = str(value).strip()
    if not text:
        return []
    if text.startswith("["):
        return [str(v) for v in json.loads(text)]
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _as_json(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value.strip() else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _conform_column(column: sa.Column, values: pd.Series) -> Any:
    """One column of :func:`conform`: ``values`` in the dtype of its kind."""
    k = kind(column)
    if k == "int":
        return pd.array(pd.to_numeric(values, errors="raise"), dtype="Int64")
    if k == "float":
        return pd.to_numeric(values, errors="raise").astype("float64")
    if k in ("date", "datetime"):
        return pd.to_datetime(values, errors="raise").astype("datetime64[us]")
    if k == "list":
        return pd.Series([_as_list(v) for v in values], index=values.index, dtype=object)
    if k == "json":
        return pd.Series([_as_json(v) for v in values], index=values.index, dtype=object)
    return values.astype("str")


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the columns and dtypes of ``table`` (missing columns become empty)."""
    out = {}
    n = len(df)
    for column in metadata.tables[table].c:
        name = column.name
        values = df[name] if name in df.columns else pd.Series([None] * n, index=df.index)
        out[name] = _conform_column(column, values)
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


# --- Reading: a whole table from the database, column by column ---

#: How SQLAlchemy writes dates and times into SQLite: always this layout, this many characters.
SQLITE_LAYOUT: dict[str, tuple[str, int]] = {"date": ("%Y-%m-%d", 10),
                                             "datetime": ("%Y-%m-%d %H:%M:%S.%f", 26)}
_SCAN_JSON = json.JSONDecoder().scan_once  # json.loads without its per-call Python layers


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


def _is_missing(value: Any) -> bool:
    return (value is None or value is pd.NA or value is pd.NaT
            or (isinstance(value, float) and math.isnan(value)))


def _date(value: Any) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return pd.Timestamp(value).date()


_CONVERT: dict[str, Any] = {
    "int": int, "float": float, "date": _date, "str": str,
    "datetime": lambda v: pd.Timestamp(v).to_pydatetime(),
}


def to_python(column: sa.Column, value: Any) -> Any:
    """A DataFrame cell as the Python value the database driver takes."""
    k = kind(column)
    if k == "list":
        return _as_list(value)
    if k == "json":
        return _as_json(value)
    return None if _is_missing(value) else _CONVERT[k](value)


def _column_values(column: sa.Column, values: pd.Series) -> list[Any]:
    """A whole column as driver values, converted with one function chosen once."""
    k = kind(column)
    if k == "list":
        return [_as_list(v) for v in values]
    if k == "json":
        return [_as_json(v) for v in values]
    convert = _CONVERT[k]
    return [None if _is_missing(v) else convert(v) for v in values.astype(object)]


def to_records(table: str, df: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict]:
    """Rows of ``df`` as dicts of driver values, for the given (default: present) columns."""
    cols = metadata.tables[table].c
    names = [c for c in (columns or df.columns) if c in cols]
    converted = [_column_values(cols[name], df[name]) for name in names]
    return [dict(zip(names, row)) for row in zip(*converted)] if names else [{} for _ in
                                                                              range(len(df))]


def jsonable(value: Any) -> Any:
    """A value as something json.dumps takes (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value

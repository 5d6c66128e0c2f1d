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
import json
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorkit.model.schema import TABLES, Column, Kind

if TYPE_CHECKING:
    import sqlalchemy as sa

LIST_SEPARATOR = "|"


def kind(column: Column | sa.Column[Any]) -> Kind:
    """The pandas-side kind of a column: int, float, date, datetime, list, json or str.

    ``column`` is a model column, or a database column of the same name and table.

    Example
    -------
    >>> kind(TABLES["person"].c["languages"]), kind(TABLES["person"].c["birth_year"])
    ('list', 'int')
    """
    if isinstance(column, Column):
        return column.kind
    return TABLES[column.table.name].c[column.name].kind


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


def _conform_column(column: Column | sa.Column[Any], values: pd.Series) -> Any:
    """One column of :func:`conform`: ``values`` in the dtype of its kind."""
    k = kind(column)
    if k == "int":
        return pd.to_numeric(values, errors="raise").astype("Int64").array
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
    for column in TABLES[table].c:
        name = column.name
        values = df[name] if name in df.columns else pd.Series([None] * n, index=df.index)
        out[name] = _conform_column(column, values)
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


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


def to_python(column: Column, value: Any) -> Any:
    """A DataFrame cell as the Python value the database driver takes."""
    k = kind(column)
    if k == "list":
        return _as_list(value)
    if k == "json":
        return _as_json(value)
    return None if _is_missing(value) else _CONVERT[k](value)


def _column_values(column: Column, values: pd.Series) -> list[Any]:
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
    cols = TABLES[table].c
    names = [c for c in (columns or df.columns) if c in cols]
    converted = [_column_values(cols[name], df[name]) for name in names]
    return [dict(zip(names, row)) for row in zip(*converted)] if names else [{} for _ in
                                                                              range(len(df))]


def as_int(value: object) -> int:
    """A cell that holds an integer (an id, a count) as int; TypeError for anything else.

    pandas-stubs types a cell read with ``.at``, ``itertuples`` or ``groupby`` as any scalar;
    this is the check that narrows it.

    Example
    -------
    >>> as_int(pd.Series([3], dtype="Int64").iat[0])
    3
    """
    if isinstance(value, (int, np.integer)):
        return int(value)
    raise TypeError(f"{value!r} is not an integer")


def jsonable(value: Any) -> Any:
    """A value as something json.dumps takes (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value

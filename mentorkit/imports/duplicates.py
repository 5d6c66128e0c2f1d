"""Duplicates within a file and against the database; what is already there is skipped.

Each kind has a natural key, compared over the key columns the file has:

===========  ====================================================================
table        key
===========  ====================================================================
person       programme and e-mail (case ignored); without an e-mail, the whole row
match        mentee, mentor, proposed_on, started_on
followup     match, date, kind
outcome      person, phase (the database allows one outcome per person and phase)
===========  ====================================================================

Two rows of a file with the same key are a problem. A row whose key is in the database
with the same values in every column the file has is *already present* and skipped (so
importing a file twice changes nothing); with other values it is a problem (an import never
overwrites: change the row where it is kept, or remove it from the file).

Rows are compared as one canonical text per row, built column by column, so the whole
comparison is vectorised.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"match_id": pd.array([1, 1], dtype="Int64"),
...                    "date": pd.to_datetime(["2024-01-02"] * 2), "kind": ["meeting"] * 2})
>>> canonical("followup", df, ["match_id", "date", "kind"]).tolist()[0]
'1\\x1f2024-01-02T00:00:00\\x1fmeeting'
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorkit.model.frames import as_int, kind
from mentorkit.model.schema import TABLES
from mentorkit.model.validation import Problem
from mentorkit.store.lookups import rows_where

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["KEYS", "canonical", "check_duplicates", "existing_rows"]

KEYS: dict[str, tuple[str, ...]] = {
    "person": ("programme_id", "email"),
    "match": ("mentee_id", "mentor_id", "proposed_on", "started_on"),
    "followup": ("match_id", "date", "kind"),
    "outcome": ("person_id", "phase"),
}
# the column whose values select the rows of the database worth comparing with
SCOPE = {"person": "programme_id", "match": "mentee_id", "followup": "match_id",
         "outcome": "person_id"}
SEP = "\x1f"


def _cell_text(table: str, name: str, series: pd.Series) -> pd.Series[str]:
    k = kind(TABLES[table].c[name])
    if k == "list":
        out = series.map(lambda v: "|".join(v) if isinstance(v, (list, tuple)) else "")
    elif k == "json":
        out = series.map(lambda v: "" if v is None else json.dumps(v, sort_keys=True))
    elif k in ("date", "datetime"):
        out = pd.to_datetime(series).dt.strftime("%Y-%m-%dT%H:%M:%S")
    elif k == "float":
        numbers = pd.to_numeric(series).astype("float64").round(6)
        out = numbers.map(repr).where(numbers.notna())
    elif k == "int":
        out = pd.Series(series.astype("Int64").array, index=series.index).astype("str")
    else:
        out = series.astype("str")
    return out.astype("str").fillna("")


def canonical(table: str, df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One text per row of ``df`` made of ``columns`` (missing values as empty text)."""
    if not columns:
        return pd.Series("", index=df.index, dtype="str")
    parts = [_cell_text(table, c, df[c]).tolist() for c in columns]
    return pd.Series([SEP.join(cells) for cells in zip(*parts)], index=df.index, dtype="str")


def existing_rows(store: Store, table: str, df: pd.DataFrame, columns: list[str]
                  ) -> pd.DataFrame:
    """``columns`` of the rows of ``table`` that could match rows of ``df``, indexed by id.

    Values are as the database driver returns them (:func:`canonical` reads both shapes).
    """
    scope = SCOPE[table]
    values = df[scope].dropna().tolist() if scope in df else []
    frame = rows_where(store, table, columns, scope, values)
    return frame.set_index("id", drop=False)


def _keys(table: str, df: pd.DataFrame, columns: list[str], full: pd.Series) -> pd.Series:
    key_columns = [c for c in KEYS[table] if c in columns]
    keys = canonical(table, df, key_columns)
    if table == "person":
        if "email" not in columns:
            return "row" + SEP + full
        email = df["email"].astype("str").str.strip().str.casefold()
        with_email = email.notna() & (email != "")
        programme = (df["programme_id"].astype("str").fillna("") if "programme_id" in df
                     else pd.Series("", index=df.index, dtype="str"))
        keys = programme + SEP + email.fillna("")
        return keys.where(with_email, "row" + SEP + full)
    return keys


def check_duplicates(store: Store, table: str, df: pd.DataFrame, columns: list[str],
                     label: dict[str, str]) -> tuple[np.ndarray, list[Problem]]:
    """Which rows are already in the database, and the duplicate problems.

    ``df`` is the typed file (index = spreadsheet rows) and ``columns`` the database columns
    the file gives; ``label`` names them as the file does.
    """
    problems: list[Problem] = []
    full = canonical(table, df, columns)
    keys = _keys(table, df, columns, full)
    key_label = ", ".join(dict.fromkeys(label.get(c, c) for c in KEYS[table] if c in columns))
    first_row = pd.Series(df.index, index=df.index).groupby(keys.to_numpy()).transform("first")
    repeated = keys.duplicated(keep="first")
    for row in df.index[repeated.to_numpy()]:
        problems.append(Problem(int(row), key_label or "(whole row)", "duplicate in file",
                                f"each row once: the same {key_label or 'row'} as row "
                                f"{as_int(first_row.at[row])}", None))
    existing = existing_rows(store, table, df, columns)
    if existing.empty:
        return np.zeros(len(df), dtype=bool), problems
    old_full = canonical(table, existing, columns)
    old_keys = _keys(table, existing, columns, old_full)
    present = full.isin(set(old_full.tolist())).to_numpy()
    conflict = ~present & keys.isin(set(old_keys.tolist())).to_numpy() & ~repeated.to_numpy()
    if conflict.any():
        by_key = pd.Series(existing.index, index=old_keys.to_numpy())
        by_key = by_key[~by_key.index.duplicated()]
        for row in df.index[conflict]:
            old_id = as_int(by_key.at[keys.at[row]])
            differ = [label.get(c, c) for c in columns
                      if _cell_text(table, c, df.loc[[row], c]).iloc[0]
                      != _cell_text(table, c, existing.loc[[old_id], c]).iloc[0]]
            problems.append(Problem(
                int(row), key_label, "already in the database with other values",
                f"an import never overwrites: {table} id {old_id} differs in "
                f"{', '.join(differ)}; change it in mentorkit or remove this row", None))
    return present, problems


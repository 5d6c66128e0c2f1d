"""Likely duplicates of the new people of a file, by the intake form's rule.

The form scores a new registration against the programme's people on e-mail, phone, name
and birth year (:func:`mentorkit.casework.duplicates.score_duplicates`) and saves a likely
duplicate only when the coordinator says "save anyway". An import keeps the same rule: a
new row that is *likely* the same person as someone already registered in its programme
(same e-mail or phone, or same name and birth year) is a problem of its row, and nothing is
written, unless the import is told to go on
(``allow_duplicates=True``; ``mentorkit import --allow-duplicates``). The problem names the
row, the columns that matched and the id of the person already there, never a value.
Rows of one file are not scored against each other (a family often shares one phone);
two rows with one e-mail are already a "duplicate in file".

Only people who could be likely duplicates are scored: those sharing an e-mail, the last
eight digits of a phone number, or a name (accents, case and order ignored) with a new row;
a likely duplicate needs one of these, so nothing is missed.

Example
-------
>>> import pandas as pd
>>> people = pd.DataFrame({"id": [7], "programme_id": [1], "first_name": ["Amina"],
...     "last_name": ["Hassan"], "birth_year": [1985], "phone": ["+45 20 30 40 50"],
...     "email": [None], "erased_at": [None]})
>>> new = pd.DataFrame({"programme_id": [1, 1], "first_name": ["amina", "Sara"],
...     "last_name": ["Hasan", "Ali"], "birth_year": [1985, 1990],
...     "phone": ["20304050", None], "email": [None, None]}, index=[2, 3])
>>> [(p.row, p.column, p.rule) for p in likely_problems(new, people)]
[(2, 'phone, first_name, last_name, birth_year', 'likely duplicate')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from mentorkit.casework.duplicates import (
    LIKELY,
    normalise_name,
    normalise_phone,
    score_duplicates,
)
from mentorkit.model.validation import Problem
from mentorkit.store.lookups import rows_where

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["RULE", "likely_in_store", "likely_problems"]

#: The rule a likely duplicate's problem carries.
RULE = "likely duplicate"
_FIELDS = ("first_name", "last_name", "birth_year", "phone", "email")
_COLUMN = {"email": "email", "phone": "phone", "name": "first_name, last_name",
           "similar_name": "first_name, last_name", "birth_year": "birth_year"}


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Per row: folded e-mail, phone digits and normalised name ('' when missing)."""
    email = _column(frame, "email").map(
        lambda v: str(v).strip().casefold() if isinstance(v, str) and v.strip() else "")
    phone = _column(frame, "phone").map(normalise_phone)
    name = [normalise_name(f, la) for f, la in zip(_column(frame, "first_name"),
                                                    _column(frame, "last_name"))]
    return pd.DataFrame({"email": email, "phone": phone, "name": name}, index=frame.index)


def _pool(keys: pd.DataFrame, row_keys: pd.Series) -> pd.Series:
    hit = pd.Series(False, index=keys.index)
    for name in ("email", "phone", "name"):
        if row_keys[name]:
            hit |= keys[name] == row_keys[name]
    return hit


def _problem(row: int, hit: Mapping[Any, Any], label: dict[str, str], what: str) -> Problem:
    reasons = [r for r in hit["reasons"] if r in _COLUMN]
    columns = ", ".join(dict.fromkeys(label.get(c, c) for r in reasons
                                      for c in _COLUMN[r].split(", ")))
    return Problem(int(row), columns or "first_name, last_name", RULE,
                   f"a new person, not {what} (matched on {', '.join(reasons)}): check "
                   "the row, or import anyway (--allow-duplicates), as the intake form's "
                   "'save anyway'", None)


def likely_problems(new: pd.DataFrame, people: pd.DataFrame,
                    label: dict[str, str] | None = None) -> list[Problem]:
    """A problem for every row of ``new`` that is likely someone of its programme in
    ``people``. Rows of one file are not scored against each other: people of one family
    often share a phone number (two rows with one e-mail are a "duplicate in file").

    Parameters
    ----------
    new : the new rows of a person file (index = spreadsheet rows), typed, with
        ``programme_id``.
    people : the people already registered (id, programme_id and the compared fields).
    label : each database column by the file column it came from.

    Returns
    -------
    list of Problem, one per row, rule :data:`RULE`.
    """
    label = label or {}
    problems: list[Problem] = []
    if new.empty:
        return problems
    if "erased_at" in people.columns:
        people = people[people["erased_at"].isna()]
    new_keys = _keys(new)
    old_keys = _keys(people)
    programme = _column(new, "programme_id")
    for row in new.index:
        candidate = {f: new.at[row, f] if f in new.columns else None for f in _FIELDS}
        same = people["programme_id"] == programme.at[row] if "programme_id" in people \
            else pd.Series(True, index=people.index)
        pool = people[same & _pool(old_keys, new_keys.loc[row])]
        hits = score_duplicates(candidate, pool.reindex(columns=["id", *_FIELDS]))
        if len(pool) and (hits["score"] >= LIKELY).any():
            hit = hits[hits["score"] >= LIKELY].iloc[0].to_dict()
            problems.append(_problem(row, hit, label, f"person id {int(hit['person_id'])}"))
    return problems


def likely_in_store(store: Store, new: pd.DataFrame,
                    label: dict[str, str] | None = None) -> list[Problem]:
    """:func:`likely_problems` of ``new`` against the people of its programmes in ``store``."""
    programmes = new["programme_id"].dropna().tolist() if "programme_id" in new else []
    people = rows_where(store, "person", ["programme_id", *_FIELDS, "erased_at"],
                        "programme_id", programmes)
    return likely_problems(new, people, label)

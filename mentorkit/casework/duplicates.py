"""Possible duplicates of a person being registered: scored on name, birth year, phone, e-mail.

A coordinator registering someone sees the people already in the programme who may be the
same person before anything is saved. Evidence adds up:

=================  =====  =========================================================
evidence           score  when
=================  =====  =========================================================
``email``          0.6    same e-mail address (case and spaces ignored)
``phone``          0.6    same phone number (last 8 digits; spaces, +45/+31 ignored)
``name``           0.4    same first and last name (accents, case and order ignored)
``similar_name``   0.25   names alike (a typo, a second first name) but not the same
``birth_year``     0.2    same birth year, when the names are the same or alike
``other_year``     -0.3   birth years more than one year apart
=================  =====  =========================================================

``likely`` from 0.6 (same e-mail or phone, or same name and birth year), ``possible`` from
0.35 (same name without a birth year, or a similar name with the same birth year).

Example
-------
>>> import pandas as pd
>>> people = pd.DataFrame({"id": [1, 2], "first_name": ["Amina", "Sara"],
...     "last_name": ["Hassan", "Ali"], "birth_year": [1985, 1990],
...     "phone": ["+45 20 30 40 50", None], "email": [None, "sara@example.org"]})
>>> hits = score_duplicates({"first_name": "amina", "last_name": "Hasan", "birth_year": 1985,
...                          "phone": "20304050"}, people)
>>> hits[["person_id", "level", "reasons"]].values.tolist()
[[1, 'likely', ['phone', 'similar_name', 'birth_year']]]
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["score_duplicates", "normalise_name", "normalise_phone", "LIKELY", "POSSIBLE",
           "WEIGHTS"]

LIKELY = 0.6
POSSIBLE = 0.35
WEIGHTS: dict[str, float] = {"email": 0.6, "phone": 0.6, "name": 0.4, "similar_name": 0.25,
                             "birth_year": 0.2, "other_year": -0.3}
SIMILAR = 0.82
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "å": "aa", "ß": "ss", "ı": "i", "đ": "d",
                       "ł": "l"})


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value) \
        or (isinstance(value, str) and not value.strip())


def normalise_name(first: Any, last: Any) -> str:
    """A comparable form of a name: lower case, accents and hyphens gone, words sorted.

    Example
    -------
    >>> normalise_name("Søren-Åge", "Müller")
    'aage muller soren'
    """
    parts = [str(p) for p in (first, last) if not _blank(p)]
    text = " ".join(parts).casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(sorted(words))


def normalise_phone(phone: Any) -> str:
    """The last 8 digits of a phone number ('' when it has fewer than 8).

    Example
    -------
    >>> normalise_phone("+45 20 30 40 50"), normalise_phone("06-12345678"), normalise_phone("112")
    ('20304050', '12345678', '')
    """
    if _blank(phone):
        return ""
    digits = re.sub(r"\D", "", str(phone))
    return digits[-8:] if len(digits) >= 8 else ""


def _email(value: Any) -> str:
    return "" if _blank(value) else str(value).strip().casefold()


def score_duplicates(candidate: Mapping[str, Any], people: pd.DataFrame, *,
                     exclude_id: int | None = None) -> pd.DataFrame:
    """The people in ``people`` who may be ``candidate``, best first.

    Parameters
    ----------
    candidate : the fields typed in (first_name, last_name, birth_year, phone, email).
    people : the programme's people (columns id, first_name, last_name, birth_year, phone,
        email; rows with ``erased_at`` set are skipped when that column is there).
    exclude_id : the person being edited (never a duplicate of itself).

    Returns
    -------
    DataFrame with person_id, score, level (``likely`` or ``possible``) and reasons (list of
    the evidence names above), only rows scoring at least :data:`POSSIBLE`.
    """
    columns = ["person_id", "score", "level", "reasons"]
    pool = people
    if "erased_at" in pool.columns:
        pool = pool[pool["erased_at"].isna()]
    if exclude_id is not None:
        pool = pool[pool["id"] != exclude_id]
    if pool.empty:
        return pd.DataFrame(columns=columns)
    name = normalise_name(candidate.get("first_name"), candidate.get("last_name"))
    phone = normalise_phone(candidate.get("phone"))
    email = _email(candidate.get("email"))
    given: Any = candidate.get("birth_year")
    year = None if _blank(given) else int(given)

    names = [normalise_name(f, la) for f, la in zip(pool["first_name"], pool["last_name"])]
    same_email = pool["email"].map(_email).eq(email) & bool(email)
    same_phone = pool["phone"].map(normalise_phone).eq(phone) & bool(phone)
    same_name = pd.Series([bool(name) and n == name for n in names], index=pool.index)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(name)
    similar = []
    for n, exact in zip(names, same_name):
        if exact or not name or not n:
            similar.append(False)
            continue
        matcher.set_seq1(n)
        similar.append(matcher.real_quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR)
    similar_name = pd.Series(similar, index=pool.index)
    years = pd.to_numeric(pool["birth_year"], errors="coerce")
    named = same_name | similar_name
    same_year = named & years.eq(year).fillna(False) if year is not None else named & False
    other_year = ((years - year).abs() > 1).fillna(False) if year is not None else named & False

    evidence = {"email": same_email, "phone": same_phone, "name": same_name,
                "similar_name": similar_name, "birth_year": same_year,
                "other_year": other_year.astype(bool)}
    score = pd.Series(0.0, index=pool.index)
    for k, v in evidence.items():
        score += WEIGHTS[k] * v.astype(float)
    keep = score >= POSSIBLE
    if not keep.any():
        return pd.DataFrame(columns=columns)
    rows = pool.index[keep]
    out = pd.DataFrame({
        "person_id": pool.loc[rows, "id"].astype(int).to_numpy(),
        "score": score[keep].clip(upper=1.0).round(2).to_numpy(),
        "level": ["likely" if s >= LIKELY else "possible" for s in score[keep]],
        "reasons": [[k for k, v in evidence.items() if v.loc[i]] for i in rows],
    })
    return out.sort_values(["score", "person_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)

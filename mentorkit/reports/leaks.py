"""A last check before a report leaves the building: no names, emails or phone numbers.

:func:`find_personal_data` looks for the direct identifiers of the people in the database
in a report's text (styles, scripts and embedded images left out): email addresses, phone
numbers (by their digits, however they are spaced) and names (a first and last name next to
each other, or a last name of five letters or more on its own). Findings name the person
by id and the kind of data, never the value.

Example
-------
>>> import pandas as pd
>>> people = pd.DataFrame({"id": [7], "first_name": ["Gitte"], "last_name": ["Madsen"],
...                        "email": ["gitte@example.dk"], "phone": ["+45 83 51 83 05"]})
>>> find_personal_data("<p>Call 83518305 or write to Gitte Madsen</p>", people)
['phone of person 7', 'name of person 7']
>>> find_personal_data("<p>18 mentees recruited</p>", people)
[]
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["find_personal_data"]

_BLOCKS = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_TAG = re.compile(r"<[^>]+>")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d \u00a0\u202f().-]{6,}\d")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def _visible(document: str) -> str:
    text = _DATA_URI.sub(" ", _BLOCKS.sub(" ", document))
    alts = " ".join(re.findall(r"(?:alt|title)=\"([^\"]*)\"", text))
    import html

    return html.unescape(_TAG.sub(" ", text) + " " + alts)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def find_personal_data(document: str, people: pd.DataFrame) -> list[str]:
    """Kinds of personal data of ``people`` found in ``document`` (HTML or text), by id.

    ``people`` needs id and any of first_name, last_name, email, phone.
    """
    text = _visible(document)
    found: list[str] = []
    emails = {e.lower() for e in _EMAIL.findall(text)}
    phones = {_digits(p) for p in _PHONE.findall(text)}
    phones |= {p[-8:] for p in phones if len(p) >= 8}
    words = _WORD.findall(text)
    single = set(words)
    pairs = {f"{a} {b}" for a, b in zip(words, words[1:])}
    for row in people.itertuples(index=False):
        pid = int(row.id)
        email = getattr(row, "email", None)
        if isinstance(email, str) and email.strip().lower() in emails:
            found.append(f"email of person {pid}")
        phone = getattr(row, "phone", None)
        if isinstance(phone, str) and len(_digits(phone)) >= 6:
            d = _digits(phone)
            if d in phones or d[-8:] in phones:
                found.append(f"phone of person {pid}")
        first, last = getattr(row, "first_name", None), getattr(row, "last_name", None)
        if _name_in(first, last, single, pairs):
            found.append(f"name of person {pid}")
    return found


def _name_in(first: Any, last: Any, single: set[str], pairs: set[str]) -> bool:
    first_words = first.split() if isinstance(first, str) else []
    last_words = last.split() if isinstance(last, str) else []
    if first_words and last_words and f"{first_words[-1]} {last_words[0]}" in pairs:
        return True
    return any(len(w) >= 5 and w in single for w in last_words)

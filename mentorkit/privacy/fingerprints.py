"""Keyed fingerprints of an erased person's identity, so that she is not imported back.

An erasure keeps no value of the person, only HMAC-SHA256 fingerprints of three normalised
identities (:func:`identity_keys`): the e-mail (trimmed, case folded); the full name in any
order, case and accents together with the birth year; the phone's last eight digits (so
``+45 12 34 56 78`` and ``12345678`` agree, as do ``+31 6 1234 5678`` and ``0612345678``'s
last eight). A new person with any of them is refused (:func:`matches`), on every path that
adds people.

The key is the installation's pseudonym key (``MENTORKIT_PSEUDONYM_KEY`` or the file named
by ``MENTORKIT_PSEUDONYM_KEY_FILE``, :func:`~mentorkit.privacy.pseudonyms.load_key`), kept
outside the database: whoever holds only the database cannot test a guess against a
fingerprint. Without a configured key a fixed key of the package is used and the marks are
tagged with it (:data:`UNKEYED`): the re-import is still refused, but a guess *can* be tested
by whoever holds the database, so configure a key. Each ledger entry stores which key made
its marks (:func:`~mentorkit.privacy.pseudonyms.key_fingerprint`); marks of another key can
be checked only with that key.

Example
-------
>>> key = b"a-long-secret-for-the-example-only"
>>> one = marks({"first_name": "Valentijn", "last_name": "Bouwhuisen", "birth_year": 1990,
...              "email": "V.B@example.org", "phone": "+31 6 1234 5678"}, key)
>>> two = marks({"first_name": "BOUWHUISEN,", "last_name": "valentijn", "birth_year": 1990}, key)
>>> len(one), bool(set(one) & set(two))
(3, True)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from mentorkit.errors import ConfigError, ValidationError
from mentorkit.privacy.pseudonyms import key_fingerprint, load_key

__all__ = ["ERASED_RULE", "ERASED_WHAT_TO_DO", "IDENTITY", "UNKEYED", "ErasedPerson", "entry",
           "fingerprint_key", "fold", "identity_keys", "known_marks", "marks", "matches",
           "phone_digits"]

UNKEYED = b"mentorkit erased-identity fallback key (configure MENTORKIT_PSEUDONYM_KEY)"
"""The key used when the installation has none (documented as weaker)."""

_DOMAIN = "erased-identity"

IDENTITY = ("email", "first_name", "last_name", "birth_year", "phone")
"""The person columns the fingerprints are made of."""

ERASED_RULE = "person erased"
"""The rule an import row breaks when it is a person who was erased (no value named)."""

ERASED_WHAT_TO_DO = (
    "this person asked to be erased (GDPR Art. 17) and is not registered again by an import "
    "or a form; leave the row out. If she has come back and given new consent, register her "
    "deliberately with mentorkit.store.erasure.readmit (audited; docs/data-protection.md, "
    "'Erasure that stays erased')")
"""What the coordinator is told to do (the message names rows, never values)."""


class ErasedPerson(ValidationError):
    """A new person is someone who was erased; ``rows`` are the positions refused.

    Example
    -------
    >>> str(ErasedPerson([2])).startswith("person row(s) 2: this person asked to be erased")
    True
    """

    def __init__(self, rows: Iterable[int], what: str = "person row(s)") -> None:
        self.rows = sorted(int(r) for r in rows)
        super().__init__(f"{what} {', '.join(map(str, self.rows))}: {ERASED_WHAT_TO_DO}")


def fingerprint_key(key: str | bytes | None = None) -> bytes:
    """The installation's key for fingerprints: ``key``, else the pseudonym key, else
    :data:`UNKEYED`.

    Example
    -------
    >>> fingerprint_key("x" * 20) == b"x" * 20
    True
    """
    try:
        return load_key(key)
    except ConfigError:
        if key is not None:
            raise  # a key was given and is too weak: say so
        return UNKEYED


def fold(text: object) -> str:
    """Text folded for comparison: NFKD, accents dropped, case folded, spaces collapsed.

    Example
    -------
    >>> fold("  Zoë   ÅBERG ")
    'zoe aberg'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def phone_digits(phone: object) -> str:
    """The last eight digits of a phone number ('' when it has fewer than eight).

    Example
    -------
    >>> phone_digits("+45 12 34-56 78"), phone_digits("112")
    ('12345678', '')
    """
    digits = "".join(c for c in unicodedata.normalize("NFKC", str(phone or "")) if c.isdigit())
    return digits[-8:] if len(digits) >= 8 else ""


def _name_tokens(row: Mapping[str, Any]) -> list[str]:
    text = " ".join(str(row.get(k) or "") for k in ("first_name", "last_name"))
    return sorted(t for t in re.split(r"[^\w]+|_", fold(text)) if t)


def _present(value: Any) -> bool:
    try:
        return value is not None and value == value and str(value).strip() != ""
    except (TypeError, ValueError):  # pandas.NA compares to NA
        return False


def identity_keys(row: Mapping[str, Any]) -> list[str]:
    """The normalised identities of a person (before keying): e-mail, name + birth year,
    phone digits, each when present.

    Example
    -------
    >>> identity_keys({"first_name": "Amal", "last_name": "Hassan", "birth_year": 1990,
    ...                "email": " Amal@Example.org"})
    ['email:amal@example.org', 'name:amal hassan|1990']
    """
    keys = []
    if _present(row.get("email")):
        keys.append(f"email:{fold(row['email'])}")
    tokens = _name_tokens(row)
    year = row.get("birth_year")
    if len(tokens) >= 2 and _present(year):
        keys.append(f"name:{' '.join(tokens)}|{int(str(year).split('.')[0])}")
    digits = phone_digits(row.get("phone")) if _present(row.get("phone")) else ""
    if digits:
        keys.append(f"phone:{digits}")
    return keys


def marks(row: Mapping[str, Any], key: bytes) -> list[str]:
    """The keyed fingerprints of a person's identities (hex; never a value).

    Example
    -------
    >>> marks({"email": "a@example.org"}, b"k" * 16) == marks({"email": "A@EXAMPLE.ORG "},
    ...                                                      b"k" * 16)
    True
    """
    return [hmac.new(key, f"{_DOMAIN}:{k}".encode(), hashlib.sha256).hexdigest()[:32]
            for k in identity_keys(row)]


def entry(row: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """What the ledger keeps of a person: which key, and the marks (None when none).

    Example
    -------
    >>> sorted(entry({"email": "a@b.dk"}, b"k" * 16))
    ['key', 'marks']
    """
    return {"key": key_fingerprint(key), "marks": marks(row, key)}


def known_marks(erased: Iterable[Mapping[str, Any] | None], key: bytes) -> set[str]:
    """Every mark of the ledger's entries that ``key`` made (others are not comparable).

    Example
    -------
    >>> key = b"k" * 16
    >>> len(known_marks([entry({"email": "a@b.dk"}, key), None], key))
    1
    """
    tag = key_fingerprint(key)
    return {m for e in erased if e and e.get("key") == tag for m in e.get("marks") or []}


def matches(row: Mapping[str, Any], erased: Iterable[Mapping[str, Any]], key: bytes) -> bool:
    """True when ``row`` shares an identity with an erased person's entry.

    ``erased``: the ledger's ``fingerprints`` values (``{"key": ..., "marks": [...]}``);
    entries made with another key are not comparable and are passed over.

    Example
    -------
    >>> key = b"k" * 16
    >>> entry = {"key": key_fingerprint(key), "marks": marks({"email": "a@b.dk"}, key)}
    >>> matches({"email": "A@B.dk"}, [entry], key), matches({"email": "c@b.dk"}, [entry], key)
    (True, False)
    """
    return bool(set(marks(row, key)) & known_marks(erased, key))

"""Keyed pseudonyms: HMAC-SHA256 of an id with a secret key kept outside the database.

An unkeyed hash of an id is no pseudonym: anyone can hash every id from 1 to a million and
look the result up. With a secret key only its holder can link a pseudonym back to an id, the
same key gives the same pseudonyms (extracts made at different times can be joined), and
another key gives unrelated ones.

The key comes from, in this order: the ``key`` argument; ``MENTORKIT_PSEUDONYM_KEY``
(:attr:`Settings.pseudonym_key`); the file named by ``MENTORKIT_PSEUDONYM_KEY_FILE``, which
must lie outside the repository. There is no default: without a key nothing runs.

Example
-------
>>> key = load_key("a-long-secret-for-the-example-only")
>>> pseudonym(42, key) == pseudonym(42, key)
True
>>> pseudonym(42, key) != pseudonym(42, load_key("another-long-secret-for-the-example"))
True
>>> len(pseudonym(42, key))
16
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from mentorkit.config import Settings
from mentorkit.errors import ConfigError

__all__ = ["MIN_KEY_BYTES", "load_key", "pseudonym", "pseudonymise", "key_fingerprint"]

MIN_KEY_BYTES = 16
"""A key shorter than this is refused (guessable)."""

KEY_FILE_VARIABLE = "MENTORKIT_PSEUDONYM_KEY_FILE"
_REPOSITORY = Path(__file__).resolve().parents[2]


def load_key(key: str | bytes | None = None, *, env: Mapping[str, str] | None = None) -> bytes:
    """The pseudonym key as bytes; :class:`ConfigError` when there is none or it is weak.

    Example
    -------
    >>> load_key(None, env={})
    Traceback (most recent call last):
    ...
    mentorkit.errors.ConfigError: no pseudonym key: set MENTORKIT_PSEUDONYM_KEY or ...
    """
    env = os.environ if env is None else env
    if key is None:
        key = Settings.from_env(env).pseudonym_key or None
    if key is None and env.get(KEY_FILE_VARIABLE):
        key = _read_key_file(Path(env[KEY_FILE_VARIABLE]))
    if key is None:
        raise ConfigError("no pseudonym key: set MENTORKIT_PSEUDONYM_KEY or "
                          f"{KEY_FILE_VARIABLE} (a file outside the repository) to a secret "
                          f"of at least {MIN_KEY_BYTES} characters")
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    raw = raw.strip()
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigError(f"the pseudonym key is too short (fewer than {MIN_KEY_BYTES} "
                          "characters): use a long random secret")
    return raw


def _read_key_file(path: Path) -> bytes:
    resolved = path.expanduser().resolve()
    if resolved.is_relative_to(_REPOSITORY) and (_REPOSITORY / "pyproject.toml").exists():
        raise ConfigError(f"{KEY_FILE_VARIABLE} points inside the repository; keep the key "
                          "file outside it (it must never be committed)")
    try:
        return resolved.read_bytes()
    except OSError as err:
        raise ConfigError(f"cannot read the pseudonym key file named by {KEY_FILE_VARIABLE}: "
                          f"{err.strerror}") from None


def pseudonym(value: object, key: bytes, domain: str = "person") -> str:
    """The pseudonym of one id: 16 hex digits of HMAC-SHA256(key, "domain:value").

    ``domain`` keeps id spaces apart: person 7 and match 7 get unrelated pseudonyms.
    """
    message = f"{domain}:{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def pseudonymise(values: Iterable[object] | pd.Series, key: bytes,
                 domain: str = "person") -> pd.Series:
    """Pseudonyms of many ids (missing ids stay missing), as a string Series.

    Example
    -------
    >>> s = pseudonymise(pd.Series([1, None, 1], dtype="Int64"), load_key("x" * 16))
    >>> s.isna().tolist(), s[0] == s[2]
    ([False, True, False], True)
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    out = [None if pd.isna(v) else pseudonym(int(v) if _is_whole(v) else v, key, domain)
           for v in series]
    return pd.Series(out, index=series.index, dtype="str")


def _is_whole(value: Any) -> bool:
    """True for a value that float() and int() read as the same number (3, 3.0, "3")."""
    try:
        return float(value) == int(value)
    except (TypeError, ValueError):
        return False


def key_fingerprint(key: bytes) -> str:
    """A short fingerprint that tells keys apart without revealing them (for manifests)."""
    return hmac.new(key, b"mentorkit key fingerprint", hashlib.sha256).hexdigest()[:8]

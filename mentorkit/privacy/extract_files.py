"""Evaluator exports: a research extract written to a folder, and read back until it expires.

:func:`write_extract` writes the tables of :func:`~mentorkit.privacy.extract.research_extract`
as one CSV per table plus ``manifest.json`` (the data-sharing agreement, its expiry date, the
key fingerprint, the row counts, the column types, the k-anonymity it holds and the SHA-256 of
every file), signed with HMAC-SHA256 under a key derived from the pseudonym key. It refuses
an extract in which a combination of the quasi-identifiers occurs fewer than k times. The
folder appears whole or not at all: it is written beside its final name and renamed; its
files are mode 600 from their creation; a full disk raises
:class:`~mentorkit.files.DiskFull` ("the disk is full") and leaves nothing behind.
:func:`read_extract` checks the signature and the files' digests (an edited expiry, an edited
CSV or another key is refused, :class:`ExtractTampered`), gives the tables back with their
types, and refuses an extract whose agreement has expired: the researcher is told to delete
it, not to use it. What a research notebook reads (this folder, or an extract of
the database made in memory) is :func:`mentorkit.store.extracts.research_tables`.

Example
-------
>>> import datetime as dt, tempfile
>>> from mentorkit.synth import generate
>>> from mentorkit.privacy.extract import research_extract
>>> tables = research_extract(generate(seed=0, scale=0.1), key="an-example-key-not-a-real-one",
...                           agreement="DSA-2026-07 evaluation", expires=dt.date(2099, 1, 1))
>>> folder = write_extract(tables, tempfile.mkdtemp() + "/extract",
...                        key="an-example-key-not-a-real-one")
>>> back = read_extract(folder, key="an-example-key-not-a-real-one")
>>> back["manifest"]["agreement"].iloc[0], len(back["person"]) == len(tables["person"])
('DSA-2026-07 evaluation', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from mentorkit.errors import ConfigError, ValidationError
from mentorkit.files import create_private, is_disk_full, not_written
from mentorkit.privacy.pseudonyms import key_fingerprint, load_key

__all__ = ["MANIFEST", "ExtractExpired", "ExtractTampered", "read_extract", "sign",
           "write_extract"]

MANIFEST = "manifest.json"


class ExtractExpired(ValidationError):
    """The data-sharing agreement an extract was made under has run out."""


class ExtractTampered(ValidationError):
    """An extract whose manifest or files changed after it was written, or signed with
    another key."""


def _canonical(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def sign(manifest: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 of the canonical JSON of ``manifest`` (all but its ``signature``), under a
    key derived from the pseudonym key (so the signature never reveals that key).

    Example
    -------
    >>> key = load_key("an-example-key-not-a-real-one")
    >>> sign({"expires": "2099-01-01"}, key) == sign({"expires": "2099-01-01"}, key)
    True
    >>> sign({"expires": "2099-01-01"}, key) == sign({"expires": "2199-01-01"}, key)
    False
    """
    signing = hmac.new(key, b"mentorkit extract manifest signature", hashlib.sha256).digest()
    return hmac.new(signing, _canonical(manifest), hashlib.sha256).hexdigest()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_k(person: pd.DataFrame, manifest: dict[str, Any]) -> None:
    from mentorkit.privacy.extract import group_sizes

    try:
        k = int(manifest["k"])
        columns = tuple(c.split(".", 1)[1] for c in str(manifest["quasi_identifiers"]).split(","))
    except (KeyError, ValueError, IndexError):
        raise ValidationError("not a research extract of this version: its manifest states no "
                              "k or quasi-identifiers (make it again with research_extract)"
                              ) from None
    missing = [c for c in columns if c not in person.columns]
    if missing:
        raise ValidationError(f"person: quasi-identifier column(s) {', '.join(missing)} "
                              "missing; the k-anonymity cannot be checked")
    small = group_sizes(person, columns) < k
    if small.any():
        raise ValidationError(
            f"person: {int(small.sum())} row(s) share their combination of "
            f"{', '.join(columns)} with fewer than {k - 1} others (k={k} does not hold); "
            "the extract is not written (make it with research_extract, which suppresses)")


def _kinds(df: pd.DataFrame) -> dict[str, str]:
    kinds = {}
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            kinds[column] = "datetime"
        elif pd.api.types.is_bool_dtype(values):
            kinds[column] = "boolean"
        elif pd.api.types.is_integer_dtype(values):
            kinds[column] = "Int64"
        elif pd.api.types.is_float_dtype(values):
            kinds[column] = "float"
        elif values.map(lambda v: isinstance(v, (list, tuple)), na_action="ignore").any():
            kinds[column] = "list"
        else:
            kinds[column] = "str"
    return kinds


def _encode(df: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    out = df.copy()
    for column, kind in kinds.items():
        if kind == "list":
            out[column] = df[column].map(lambda v: json.dumps(list(v)), na_action="ignore")
    return out


def _decode(raw: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for column, kind in kinds.items():
        values = raw[column]
        if kind == "datetime":
            out[column] = pd.to_datetime(values, format="ISO8601").astype("datetime64[us]")
        elif kind == "boolean":
            out[column] = values.map({"True": True, "False": False}).astype("boolean")
        elif kind == "Int64":
            out[column] = pd.to_numeric(values).astype("Int64")
        elif kind == "float":
            out[column] = pd.to_numeric(values).astype("float64")
        elif kind == "list":
            out[column] = values.map(json.loads, na_action="ignore")
        else:
            out[column] = values.astype("str")
    return pd.DataFrame(out, index=raw.index)


def _manifest(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    if "manifest" not in tables or len(tables["manifest"]) != 1:
        raise ValidationError("not a research extract: it has no one-row manifest table "
                              "(make it with mentorkit.privacy.research_extract)")
    row = tables["manifest"].iloc[0]
    expires = row["expires"]
    if not str(row["agreement"] or "").strip() or expires is None or pd.isna(expires):
        raise ValidationError("an evaluator export needs the data-sharing agreement it is made "
                              "under and its expiry date (research_extract(agreement=..., "
                              "expires=...))")
    manifest = {str(key): (value.isoformat() if hasattr(value, "isoformat") else value)
                for key, value in row.items() if not (isinstance(value, float) and pd.isna(value))}
    manifest = {key: (int(value) if hasattr(value, "item") else value)
                for key, value in manifest.items()}
    manifest["expires"] = pd.Timestamp(expires).date().isoformat()
    return manifest


def write_extract(tables: dict[str, pd.DataFrame], folder: str | Path,
                  key: str | bytes | None = None) -> Path:
    """Write an extract (with its agreement and expiry) as CSV files and a signed
    ``manifest.json``.

    ``folder`` must not exist yet, or be empty. Nothing is left behind on failure. ``key`` is
    the pseudonym key the extract was made with (default from the configuration,
    :func:`~mentorkit.privacy.pseudonyms.load_key`); another key is refused. An extract in
    which k-anonymity (as its manifest states it) does not hold is refused.
    """
    folder = Path(folder)
    manifest = _manifest(tables)
    raw_key = load_key(key)
    if manifest.get("key_fingerprint") != key_fingerprint(raw_key):
        raise ExtractTampered("the key given is not the pseudonym key this extract was made "
                              f"with (fingerprint {manifest.get('key_fingerprint')})")
    _check_k(tables["person"], manifest)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValidationError(f"{folder}: already exists and is not an empty folder; "
                              "choose a new folder for the extract")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as err:
        raise not_written(err, folder.name) from None
    try:
        manifest["tables"] = {}
        for name, df in tables.items():
            if name == "manifest":
                continue
            kinds = _kinds(df)
            file = work / f"{name}.csv"
            create_private(file)  # mode 600 from its creation, whatever the umask
            _encode(df, kinds).to_csv(file, index=False, date_format="%Y-%m-%dT%H:%M:%S")
            _fsync(file)
            manifest["tables"][name] = {"file": f"{name}.csv", "columns": kinds,
                                        "sha256": _digest(file)}
        manifest["signature"] = sign(manifest, raw_key)
        create_private(work / MANIFEST)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                     encoding="utf-8")
        _fsync(work / MANIFEST)
        if folder.exists():
            folder.rmdir()
        work.rename(folder)
    except BaseException as err:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(err, OSError) or is_disk_full(err):
            # a full disk (or another system error) is said in one sentence, never a traceback
            raise not_written(err, folder.name) from None
        raise
    return folder


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_extract(folder: str | Path, today: dt.date | None = None,
                 key: str | bytes | None = None) -> dict[str, pd.DataFrame]:
    """The tables of an extract folder, typed as written, plus its ``manifest``.

    Raises :class:`ExtractTampered` when the manifest's signature (under ``key``, default
    the configured pseudonym key) or a file's SHA-256 does not match what was written, and
    :class:`ExtractExpired` once the agreement's expiry date has passed.
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ValidationError(f"{folder}: no {MANIFEST}; not an extract written by "
                              "`mentorkit extract`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        expires = dt.date.fromisoformat(manifest["expires"])
        listing = manifest["tables"]
    except (ValueError, KeyError, TypeError) as err:
        raise ValidationError(f"{path}: unreadable manifest ({type(err).__name__})") from None
    try:
        raw_key = load_key(key)
    except ConfigError as err:
        raise ConfigError(f"{folder}: reading an extract checks its signature with the "
                          "pseudonym key it was made with (fingerprint "
                          f"{manifest.get('key_fingerprint')!s:.8}); {err}") from None
    if manifest.get("key_fingerprint") != key_fingerprint(raw_key):
        raise ExtractTampered(f"{path}: signed with another key (fingerprint "
                              f"{manifest.get('key_fingerprint')!s:.8}); the key given is not "
                              "the one this extract was made with")
    if not hmac.compare_digest(str(manifest.get("signature", "")), sign(manifest, raw_key)):
        raise ExtractTampered(f"{path}: the manifest was changed after the extract was written "
                              "(its signature does not match); ask for a new extract")
    for entry in listing.values():
        file = folder / str(entry["file"])
        if file.parent != folder or not file.is_file() or \
                not hmac.compare_digest(_digest(file), str(entry.get("sha256", ""))):
            raise ExtractTampered(f"{file}: changed after the extract was written (its SHA-256 "
                                  "is not the one in the signed manifest); ask for a new extract")
    today = dt.date.today() if today is None else today
    if expires < today:
        raise ExtractExpired(
            f"{folder}: the data-sharing agreement {manifest.get('agreement', '')!r} expired on "
            f"{expires.isoformat()}; this extract must be deleted, not used")
    out: dict[str, pd.DataFrame] = {}
    for name, entry in listing.items():
        kinds = entry["columns"]
        raw = pd.read_csv(folder / entry["file"], dtype="str", keep_default_na=False,
                          na_values=[""])
        missing = set(kinds) - set(raw.columns)
        if missing:
            raise ValidationError(f"{folder / entry['file']}: column(s) "
                                  f"{', '.join(sorted(missing))} missing")
        out[name] = _decode(raw, kinds)
    out["manifest"] = pd.DataFrame([{k: v for k, v in manifest.items() if k != "tables"}])
    return out


def __getattr__(name: str) -> Any:
    if name == "research_tables":  # it opens the database, which the core never does
        raise ImportError("mentorkit.privacy.extract_files.research_tables opens the database "
                          "and has moved to mentorkit.store.extracts: use `from "
                          "mentorkit.store.extracts import research_tables`", name=name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

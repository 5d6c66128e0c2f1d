"""Evaluator exports: a research extract written to a folder, and read back until it expires.

:func:`write_extract` writes the tables of :func:`~mentorkit.privacy.extract.research_extract`
as one CSV per table plus ``manifest.json`` (the data-sharing agreement, its expiry date, the
key fingerprint, the row counts and the column types). The folder appears whole or not at all:
it is written beside its final name and renamed. :func:`read_extract` gives the tables back
with their types, and refuses an extract whose agreement has expired: the researcher is told
to delete it, not to use it. What a research notebook reads (this folder, or an extract of
the database made in memory) is :func:`mentorkit.store.extracts.research_tables`.

Example
-------
>>> import datetime as dt, tempfile
>>> from mentorkit.synth import generate
>>> from mentorkit.privacy.extract import research_extract
>>> tables = research_extract(generate(seed=0, scale=0.1), key="an-example-key-not-a-real-one",
...                           agreement="DSA-2026-07 evaluation", expires=dt.date(2099, 1, 1))
>>> folder = write_extract(tables, tempfile.mkdtemp() + "/extract")
>>> back = read_extract(folder)
>>> back["manifest"]["agreement"].iloc[0], len(back["person"]) == len(tables["person"])
('DSA-2026-07 evaluation', True)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from mentorkit.errors import ValidationError

__all__ = ["MANIFEST", "ExtractExpired", "read_extract", "write_extract"]

MANIFEST = "manifest.json"


class ExtractExpired(ValidationError):
    """The data-sharing agreement an extract was made under has run out."""


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


def write_extract(tables: dict[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write an extract (with its agreement and expiry) as CSV files and ``manifest.json``.

    ``folder`` must not exist yet, or be empty. Nothing is left behind on failure.
    """
    folder = Path(folder)
    manifest = _manifest(tables)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValidationError(f"{folder}: already exists and is not an empty folder; "
                              "choose a new folder for the extract")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        manifest["tables"] = {}
        for name, df in tables.items():
            if name == "manifest":
                continue
            kinds = _kinds(df)
            _encode(df, kinds).to_csv(work / f"{name}.csv", index=False,
                                      date_format="%Y-%m-%dT%H:%M:%S")
            manifest["tables"][name] = {"file": f"{name}.csv", "columns": kinds}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                     encoding="utf-8")
        for path in work.iterdir():
            os.chmod(path, 0o600)
        if folder.exists():
            folder.rmdir()
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def read_extract(folder: str | Path, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """The tables of an extract folder, typed as written, plus its ``manifest``.

    Raises :class:`ExtractExpired` once the agreement's expiry date has passed.
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

"""Report parameters: what a notebook declares, what it is given, and the report's name.

A notebook declares its parameters in the cell tagged ``parameters``. The runner passes a
notebook only the parameters it declares: ``--lang`` reaches a notebook as ``lang`` or as
``language``, whichever it declares, and ``-p key=value`` values take the type of the
declared default (``-p grant=7`` stays the text "7" when the default is ``grant = ""``).

Example
-------
>>> report_name("notebooks/funder_report.ipynb", "Langkærparken", "2019")
'funder_report-langkaerparken-2019'
>>> parse_assignment("n_boot=200")
('n_boot', 200)
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mentorkit.errors import ValidationError
from mentorkit.periods import SEPARATOR

__all__ = ["ALIASES", "declared_parameters", "parse_assignment", "coerce", "parameters_for",
           "report_name", "slug", "redact_url"]

ALIASES: dict[str, tuple[str, ...]] = {"lang": ("lang", "language")}
"""A standard option reaches the first of these names the notebook declares."""


def declared_parameters(notebook: str | Path) -> dict[str, Any]:
    """Name -> default value (Python literal, or its source text) of a notebook's parameters.

    Example
    -------
    >>> declared_parameters("notebooks/funder_report.ipynb")["lang"]
    'en'
    """
    import papermill

    found = papermill.inspect_notebook(str(notebook))
    out: dict[str, Any] = {}
    for name, info in found.items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = info["default"]
    return out


def parse_assignment(text: str) -> tuple[str, Any]:
    """``key=value`` as (key, value), the value read as a Python literal when it is one."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise ValidationError(f"-p {text!r}: write parameters as key=value, e.g. -p n_boot=200")
    try:
        return key, ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return key, value.strip()


def coerce(value: Any, default: Any, name: str = "parameter") -> Any:
    """``value`` converted to the type of the declared ``default`` (text stays text).

    Example
    -------
    >>> coerce(7, ""), coerce("0.5", 1.0), coerce("yes", False)
    ('7', 0.5, True)
    """
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "ja", "on"):
            return True
        if text in ("0", "false", "no", "nej", "nee", "off"):
            return False
        raise ValidationError(f"{name} must be true or false (got {value!r})")
    try:
        if isinstance(default, str):
            return str(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a {type(default).__name__} "
                              f"(got {value!r})") from None
    return value


def parameters_for(declared: Mapping[str, Any], standard: Mapping[str, Any],
                   extra: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters to inject into a notebook that declares ``declared``.

    ``standard`` (db, programme, period, lang) go only where declared (None means: leave the
    notebook's default); ``extra`` (``-p``) go where declared, converted to the declared type.
    """
    out: dict[str, Any] = {}
    for key, value in standard.items():
        if value is None:
            continue
        name = next((n for n in ALIASES.get(key, (key,)) if n in declared), None)
        if name is not None:
            out[name] = coerce(value, declared[name], name)
    for key, value in extra.items():
        if key in declared:
            out[key] = coerce(value, declared[key], key)
    return out


def slug(text: Any) -> str:
    """A file-name-safe, lower-case ASCII form of ``text`` (æ, ø, å spelled out).

    Example
    -------
    >>> slug("Skovparken og Byparken / Ærø")
    'skovparken-og-byparken-aeroe'
    """
    s = str(text).strip().lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9.]+", "-", s).strip("-.")
    return s or "x"


def report_name(notebook: str | Path, programme: Any = None, period: Any = None) -> str:
    """``<notebook>-<programme>-<period>`` ("all-programmes", "all-time" when not given)."""
    stem = Path(notebook).stem
    prog = slug(programme) if programme not in (None, "") else "all-programmes"
    per = str(period).strip() if period not in (None, "") else "all-time"
    per = SEPARATOR.sub("_", per)
    return f"{stem}-{prog}-{re.sub(r'[^0-9A-Za-z_-]+', '-', per)}"


def redact_url(value: Any) -> Any:
    """A database URL with its password replaced by ``***`` (anything else unchanged).

    Example
    -------
    >>> redact_url("postgresql+psycopg://mk:secret@127.0.0.1/mk")
    'postgresql+psycopg://mk:***@127.0.0.1/mk'
    """
    if not isinstance(value, str) or "://" not in value or "@" not in value:
        return value
    return re.sub(r"(://[^:/@\s\"']*:)[^@\s\"']*(@)", r"\1***\2", value)

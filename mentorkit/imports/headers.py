"""Column headers in Danish, English and Dutch: the words a coordinator's spreadsheet uses.

A file's header may name a column by its database name (``first_name``) or by the label the
dashboards show for it, in any of the three languages (``Fornavn``, ``First name``,
``Voornaam``; case, spaces, dashes and underscores ignored). The person fields' headers are
the dashboards' own labels (``field.*`` in ``mentorkit/ui/labels.toml``), the follow-up and
end-of-match fields those of the caseload's forms, so a file, a template and the intake form
say the same words; the columns no dashboard labels (references such as ``mentee_email``,
bookkeeping of a match) have theirs in ``headers.toml`` next to this module. Everything is
one catalogue, :data:`HEADERS`, looked up through :mod:`mentorkit.i18n`.

Example
-------
>>> header("person", "birth_year", "da"), header("person", "phone", "nl")
('Fødselsår', 'Telefoon')
>>> column_for("Achternaam"), column_for("FØDSELSÅR"), column_for("no such header")
('last_name', 'birth_year', None)
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import cast

from mentorkit.i18n import Catalogue, check_lang, load
from mentorkit.model.schema import user_columns

__all__ = ["HEADER_TABLES", "column_for", "fold", "header", "headers", "label_key"]

#: The tables whose files have headers in her language.
HEADER_TABLES: tuple[str, ...] = ("person", "match", "followup", "outcome")

# the dashboards' label of a column, where a dashboard shows one (ui/labels.toml)
_DASHBOARD: dict[str, dict[str, str]] = {
    "followup": {"date": "followup.date", "kind": "followup.kind",
                 "next_due": "followup.next_due", "notes": "followup.notes"},
    "match": {"ended_on": "end.ended_on", "end_reason": "end.end_reason",
              "notes": "field.notes"},
    "outcome": {c: f"end.{c}" for c in ("employment_status", "hours_per_week",
                                        "language_level", "network_size", "confidence")},
}
# reference columns every kind may have (headers.toml: "any.<column>")
_ANY = ("programme", "programme_id", "email", "person_id", "mentee_email", "mentor_email",
        "mentee_id", "mentor_id", "mentee_name", "mentor_name", "match_id")


def fold(text: object) -> str:
    """A header as compared: case folded, trimmed, spaces, dashes and underscores as one space.

    Example
    -------
    >>> fold("  Fødsels-ÅR "), fold("first_name")
    ('fødsels år', 'first name')
    """
    return re.sub(r"[\s_\-]+", " ", str(text).strip().strip('"').strip().casefold()).strip()


@functools.cache
def _dashboard_labels() -> dict[str, dict[str, str]]:
    text = resources.files("mentorkit.ui").joinpath("labels.toml").read_text(encoding="utf-8")
    return cast(dict[str, dict[str, str]], tomllib.loads(text))


def label_key(table: str, column: str) -> str:
    """The key of ``table.column``'s header in :data:`HEADERS` (``person.first_name``)."""
    return f"{table}.{column}"


@functools.cache
def _catalogue() -> Catalogue:
    own = load("imports.headers.own", __package__ or "mentorkit.imports", "headers.toml").texts
    dashboard = _dashboard_labels()
    texts: dict[str, dict[str, str]] = {}
    for table in HEADER_TABLES:
        keys = {c: f"field.{c}" for c in user_columns("person")} if table == "person" \
            else _DASHBOARD.get(table, {})
        for column, key in keys.items():
            if key in dashboard:
                texts[label_key(table, column)] = dict(dashboard[key])
        for column in (*user_columns(table), *_ANY):
            for source in (f"{table}.{column}", f"any.{column}"):
                if source in own and label_key(table, column) not in texts:
                    texts[label_key(table, column)] = dict(own[source])
    return Catalogue("imports.headers", texts)


def __getattr__(name: str) -> object:
    if name == "HEADERS":  # read on first use
        return _catalogue()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def header(table: str, column: str, lang: str) -> str:
    """The header of ``table.column`` in ``lang``; the column's own name when none is known.

    Example
    -------
    >>> header("followup", "kind", "en"), header("match", "mentee_email", "da")
    ('Kind of contact', 'Mentees e-mail')
    """
    code = check_lang(lang)
    key = label_key(table, column)
    return _catalogue().text(key, code) if key in _catalogue() else column


def headers(table: str, columns: list[str], lang: str) -> dict[str, str]:
    """Each of ``columns`` with its header in ``lang`` (for renaming a frame)."""
    return {c: header(table, c, lang) for c in columns}


@functools.cache
def _aliases() -> dict[str, str]:
    """Every folded header in every language to its column; a header that two different
    columns share is left out (the file must then use the column's name)."""
    found: dict[str, set[str]] = {}
    for key, texts in _catalogue().texts.items():
        column = key.split(".", 1)[1]
        for text in texts.values():
            if text and "{" not in text:
                found.setdefault(fold(text), set()).add(column)
    return {text: columns.pop() for text, columns in found.items() if len(columns) == 1}


def column_for(text: object) -> str | None:
    """The column a header names in Danish, English or Dutch, or ``None``."""
    return _aliases().get(fold(text))

"""Privacy classes, research-extract rules, erasure rules and retention: in one place.

Every column's privacy class comes from the schema (``Column.info["privacy"]``, see
:mod:`mentorkit.store.schema`); this module adds what is done with each class, and the few
columns that are treated differently from their class, with the reason. Everything else that
handles personal data reads its rules from here: :func:`extract_rule` (research extracts),
:func:`erase_columns` (Art. 17), :data:`RETENTION` (how long), :func:`processing_table` and
:func:`records_of_processing` (the GDPR Art. 30 record, generated so it cannot drift).

Example
-------
>>> extract_rule("person", "email"), extract_rule("person", "birth_year")
('drop', 'band5')
>>> extract_rule("match", "mentee_id")
'pseudonym:person'
>>> "email" in erase_columns("person") and "gender" not in erase_columns("person")
True
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mentorkit.model.schema import PRIVACY_CLASSES, TABLES, Column, sorted_tables

__all__ = [
    "EXTRACT_TABLES", "KEEP_ON_ERASE", "PERSONAL_CLASSES", "RETENTION", "RETENTION_YEARS",
    "Retention", "erase_columns", "extract_rule", "extract_rules", "privacy_class",
    "processing_table", "records_of_processing", "replace_in",
]

#: Classes that are personal data: blanked by an erasure, never kept in the audit log.
PERSONAL_CLASSES: frozenset[str] = frozenset({"direct", "quasi", "special", "free_text"})

#: What a research extract does with a column of each class, unless overridden below.
CLASS_EXTRACT_RULE: dict[str, str] = {
    "direct": "drop", "free_text": "drop", "quasi": "keep", "special": "keep", "none": "keep",
}

#: Columns whose extract rule differs from their class's, with the reason.
EXTRACT_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    ("person", "birth_year"): ("band5", "five-year bands: exact year of birth singles people out"),
    ("person", "arrival_year"): ("band5", "five-year bands: exact arrival year singles people out"),
    ("person", "postcode"): ("area", "first two digits only (postal area)"),
    ("person", "neighbourhood"): ("drop", "an estate is a small area; the postal area remains"),
    ("person", "profession"): ("drop", "free words; a rare profession identifies"),
    ("person", "country_of_origin"): ("region", "world region: small national groups identify"),
    ("person", "consent_given_at"): ("drop", "administrative; the extract holds consenters only"),
    ("person", "consent_scope"): ("drop", "administrative; the extract holds consenters only"),
    ("person", "background_check_date"): ("drop", "about criminal-record checks (Art. 10)"),
    ("match", "made_by"): ("drop", "identifies the coordinator"),
    ("match", "score_breakdown"): ("drop", "derived from the pair's personal data"),
}

#: Operational columns no research extract needs.
_OPERATIONAL = frozenset({"created_at", "updated_at", "erased_at", "version"})

#: Tables a research extract holds (grants, targets, the audit and the privacy tables do not).
EXTRACT_TABLES: tuple[str, ...] = (
    "programme", "partner", "event", "person", "match", "followup", "outcome", "attendance",
)

#: Personal columns an erasure keeps, with the reason (the rest of the personal data goes).
KEEP_ON_ERASE: dict[tuple[str, str], str] = {
    ("person", "gender"): "grant targets are set by gender (e.g. 11 male and 12 female "
                          "matches); kept so reported progress does not change. Alone with "
                          "programme and role it does not identify.",
}

#: Non-personal columns an erasure clears as well (consent ends with the erasure).
CLEAR_ON_ERASE: dict[str, tuple[str, ...]] = {
    "person": ("consent_scope", "consent_given_at", "background_check_date"),
}

RETENTION_YEARS = 5
"""Default: personal data are erased this many years after a person's last activity."""


@dataclass(frozen=True)
class Retention:
    """How long a table's rows keep personal data, and what happens then."""

    table: str
    keep: str
    then: str


RETENTION: dict[str, Retention] = {r.table: r for r in (
    Retention("person", f"{RETENTION_YEARS} years after the last activity (registration, "
              "match, follow-up, outcome) when no match is proposed or active",
              "erase (`mentorkit retention`); the row stays for counts"),
    Retention("match", "as long as both people's data", "notes erased with either person"),
    Retention("followup", "as long as the match's people", "notes erased with either person"),
    Retention("outcome", "as long as the person's data", "special-category values erased"),
    Retention("attendance", "as long as the event", "no personal values; kept for counts"),
    Retention("consent", "as long as the person row (proof of consent, Art. 7(1))",
              "append-only; ids and purposes only"),
    Retention("erasure_ledger", "indefinitely: it re-applies erasures after a restore",
              "append-only; ids only"),
    Retention("audit", "indefinitely: field names and non-personal values only",
              "append-only by convention; never holds personal values"),
    Retention("match_run", "as long as the programme's matches (ids, scores, settings; no "
              "names)", "kept; an erased person's id no longer leads to any personal data"),
    Retention("programme", "indefinitely (no personal data)", "-"),
    Retention("grant", "indefinitely (no personal data)", "-"),
    Retention("target", "indefinitely (no personal data)", "-"),
    Retention("partner", "indefinitely (organisations)", "-"),
    Retention("event", "indefinitely (no personal data)", "-"),
)}


def privacy_class(table: str, column: str) -> str:
    """The privacy class of ``table.column`` as the schema states it.

    Example
    -------
    >>> privacy_class("outcome", "employment_status")
    'special'
    """
    value = TABLES[table].c[column].info.get("privacy", "none")
    if value not in PRIVACY_CLASSES:  # pragma: no cover - the schema is checked by a test
        raise ValueError(f"{table}.{column}: unknown privacy class {value!r}")
    return str(value)


def _reference(column: Column) -> str | None:
    """The table an id column points at (its own table for a primary key)."""
    if column.primary_key and column.name == "id":
        return column.table
    if column.references:
        return column.references.split(".")[0]
    return None


def extract_rule(table: str, column: str) -> str:
    """What a research extract does with ``table.column``.

    One of ``drop``, ``keep``, ``band5`` (five-year bands), ``area`` (postal area),
    ``region`` (world region of a country) or ``pseudonym:<table>`` (a keyed pseudonym in
    the id space of that table).

    Example
    -------
    >>> extract_rule("person", "notes"), extract_rule("outcome", "employment_status")
    ('drop', 'keep')
    """
    c = TABLES[table].c[column]
    ref = _reference(c)
    if ref is not None:
        return f"pseudonym:{ref}"
    if (table, column) in EXTRACT_OVERRIDES:
        return EXTRACT_OVERRIDES[(table, column)][0]
    if column in _OPERATIONAL:
        return "drop"
    return CLASS_EXTRACT_RULE[privacy_class(table, column)]


def extract_rules(table: str) -> dict[str, str]:
    """The extract rule of every column of ``table``."""
    return {c.name: extract_rule(table, c.name) for c in TABLES[table].c}


def erase_columns(table: str) -> list[str]:
    """Columns of ``table`` an erasure sets to empty in the rows about the erased person.

    Example
    -------
    >>> erase_columns("followup")
    ['notes']
    """
    t = TABLES[table]
    personal = [c.name for c in t.c if privacy_class(table, c.name) in PERSONAL_CLASSES
                and (table, c.name) not in KEEP_ON_ERASE]
    return personal + [c for c in CLEAR_ON_ERASE.get(table, ()) if c in t.c]


def processing_table() -> pd.DataFrame:
    """One row per column of every table: class, extract rule, erasure and retention.

    Example
    -------
    >>> t = processing_table()
    >>> t.set_index(["table", "column"]).loc[("person", "phone"), "extract"]
    'drop'
    """
    rows = []
    for table in sorted_tables():
        for c in table.c:
            erase = ("blank" if c.name in erase_columns(table.name) else
                     "kept: " + KEEP_ON_ERASE[(table.name, c.name)].split(";")[0]
                     if (table.name, c.name) in KEEP_ON_ERASE else "")
            rows.append({
                "table": table.name, "column": c.name,
                "privacy": privacy_class(table.name, c.name),
                "extract": extract_rule(table.name, c.name)
                if table.name in EXTRACT_TABLES else "not extracted",
                "erase": erase,
                "retention": RETENTION[table.name].keep if table.name in RETENTION else "",
            })
    return pd.DataFrame(rows)


START = "<!-- art30:start (generated by mentorkit.privacy.classes; do not edit by hand) -->"
END = "<!-- art30:end -->"

_PURPOSES = (
    "Casework: registering mentors and mentees, matching them, following up matches, "
    "recording outcomes (Art. 6(1)(e)/(f); Art. 9(2)(a) explicit consent for special "
    "categories).",
    "Documentation to funders: counts against grant targets, published only as aggregates "
    "with small-cell suppression.",
    "Research and evaluation: pseudonymised extracts of people who consented to research, "
    "under a data-sharing agreement with an expiry date (Art. 89).",
)


def records_of_processing() -> str:
    """The GDPR Art. 30 record of processing as Markdown, generated from the schema.

    Example
    -------
    >>> text = records_of_processing()
    >>> "`person.email`" in text and "special" in text
    True
    """
    t = processing_table()
    lines = [START, "", "### Purposes", ""]
    lines += [f"- {p}" for p in _PURPOSES]
    lines += ["", "### Categories of data subjects", "",
              "- Mentees (immigrants and refugees far from the labour market)",
              "- Mentors (volunteers) and resource persons",
              "- Staff, only as the actor of a change (audit log) or of a match",
              "", "### Categories of personal data (from the schema)", ""]
    names = {"direct": "Direct identifiers", "quasi": "Quasi-identifiers",
             "special": "Special categories (Art. 9) and sensitive outcomes",
             "free_text": "Free text (may contain anything; never extracted)"}
    for klass, title in names.items():
        cols = t[t["privacy"] == klass]
        lines.append(f"- **{title}**: " + ", ".join(
            f"`{r.table}.{r.column}`" for r in cols.itertuples()))
    lines += ["", "### Recipients", "",
              "- Coordinators: the personal data of their own programmes.",
              "- Researchers: pseudonymised extracts only (rules below).",
              "- Funders: aggregates only, small cells suppressed.",
              "- No transfer outside the EU/EEA.",
              "", "### Retention", "", "| table | kept | then |", "| --- | --- | --- |"]
    lines += [f"| `{r.table}` | {r.keep} | {r.then} |" for r in RETENTION.values()]
    lines += ["", "### Research-extract and erasure rules", "",
              "| column | class | research extract | erasure |", "| --- | --- | --- | --- |"]
    personal = t[(t["privacy"] != "none") | (t["extract"].str.startswith("pseudonym"))
                 | (t["erase"] != "")]
    for r in personal.itertuples():
        lines.append(f"| `{r.table}.{r.column}` | {r.privacy} | {r.extract} | {r.erase} |")
    lines += ["", "### Security measures", "",
              "- Keyed pseudonyms (HMAC-SHA256, key outside the database and the repository).",
              "- Audit log of every write without personal values; erasure ledger of ids only.",
              "- SQLite in WAL mode with synchronous=FULL; every batch one transaction.",
              "- Backups through the SQLite backup API or pg_dump; restores re-apply erasures.",
              "- Dashboards bound to 127.0.0.1 unless a token is configured.",
              "", END]
    return "\n".join(lines)


def replace_in(text: str) -> str:
    """``text`` with its Art. 30 block (between the markers) regenerated."""
    if START not in text or END not in text:
        return text.rstrip() + "\n\n" + records_of_processing() + "\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + records_of_processing() + tail

"""The data model: every table and column, described once, without a database.

Each column says what the rest of the package needs to know about it, so nothing is said
twice: its pandas-side ``kind``, whether it is required, the row it references, and

- ``privacy``: one of :data:`PRIVACY_CLASSES`. The audit log keeps before/after values only
  for ``none``; research extracts drop ``direct`` and ``free_text`` and coarsen ``quasi``.
- ``vocab``: the controlled vocabulary (see :mod:`mentorkit.vocab`) the values come from.
- ``multi``: the column holds a list of codes (stored as JSON, which works on SQLite and
  PostgreSQL alike; written ``ar|en`` in CSV files).
- ``doc``: the meaning, used in the data dictionary.

The database tables are built from this description in :mod:`mentorkit.store.schema`;
everything else (conforming frames, validation, privacy classes, extracts, the analysis
core) reads it here and so never loads SQLAlchemy.

Example
-------
>>> from mentorkit.model.schema import TABLES, privacy_class
>>> {"person", "match", "audit"} <= set(TABLES)
True
>>> privacy_class("person", "email")
'direct'
>>> TABLES["match"].c["mentor_id"].references
'person.id'
"""
from __future__ import annotations

from typing import Any

from mentorkit.model.columns import (  # noqa: F401  (the model's vocabulary, named here too)
    DATE,
    DATETIME,
    DECIMAL,
    FLOAT,
    INT,
    JSON,
    PRIVACY_CLASSES,
    TEXT,
    Check,
    Column,
    Columns,
    Index,
    Kind,
    PrivacyClass,
    Str,
    Table,
    Type,
    Unique,
)
from mentorkit.vocab import OPEN_MATCH_STATUSES

#: Every table of the model by name, in the order they are declared.
TABLES: dict[str, Table] = {}


def col(name: str, type_: Type, *, fk: str | None = None, privacy: PrivacyClass = "none",
        vocab: str | None = None, multi: bool = False, doc: str = "", nullable: bool = True,
        primary_key: bool = False, unique: bool = False, autoincrement: bool = False,
        server_default: str | None = None) -> Column:
    """A column (its table is filled in by :func:`_table`)."""
    del autoincrement  # every integer primary key is assigned by the database
    return Column(name, type_, nullable=nullable, primary_key=primary_key, unique=unique,
                  references=fk, server_default=server_default, privacy=privacy,
                  vocab=vocab, multi=multi, doc=doc)


def _table(name: str, *parts: Column | Check | Unique | Index, comment: str | None = None,
           extra_indexes: tuple[Index, ...] = ()) -> Table:
    columns = tuple(Column(**{**_fields(p), "table": name}) for p in parts
                    if isinstance(p, Column))
    table = Table(name, columns,
                  checks=tuple(p for p in parts if isinstance(p, Check)),
                  uniques=tuple(p for p in parts if isinstance(p, Unique)),
                  indexes=tuple(p for p in parts if isinstance(p, Index)) + extra_indexes,
                  comment=comment)
    TABLES[name] = table
    return table


def _fields(column: Column) -> dict[str, Any]:
    return {f: getattr(column, f) for f in column.__dataclass_fields__}


def _id() -> Column:
    return col("id", INT, primary_key=True, autoincrement=True, nullable=False,
               doc="Row id, assigned by the database.")


def _stamps() -> list[Column]:
    return [
        col("created_at", DATETIME, doc="When the row was created (UTC)."),
        col("updated_at", DATETIME, doc="When the row was last changed (UTC)."),
    ]


programme = _table(
    "programme",
    _id(),
    col("name", Str(120), nullable=False, unique=True, doc="Short name, e.g. Vollsmose."),
    col("site", Str(120), doc="Housing estate or area the branch works in."),
    col("city", Str(80), doc="City."),
    col("country", Str(2), vocab="country", doc="ISO 3166 country code (DK, NL)."),
    col("start_date", DATE, doc="First day of the programme."),
    col("end_date", DATE, doc="Last day of the programme (empty while open-ended)."),
    col("language", Str(2), vocab="language", doc="Default language of the dashboards."),
    col("background_check", Str(20), vocab="background_check",
        doc="Background check mentors need (børneattest in DK, VOG in NL)."),
    col("check_rule", Str(10), vocab="check_rule",
        doc="What a mentor's missing or expired background check does to a match: off "
            "(empty), warn (confirmed only with a reason, audited) or block."),
    *_stamps(),
)

grant = _table(
    "grant",
    _id(),
    col("programme_id", INT, fk="programme.id", nullable=False,
        doc="Programme the grant pays for."),
    col("funder", Str(200), nullable=False, doc="Who gives the money."),
    col("title", Str(200), doc="Name of the grant or project."),
    col("amount", DECIMAL, doc="Amount granted."),
    col("currency", Str(3), vocab="currency", doc="DKK or EUR."),
    col("period_start", DATE, doc="First day the grant covers."),
    col("period_end", DATE, doc="Last day the grant covers."),
    *_stamps(),
)

target = _table(
    "target",
    _id(),
    col("grant_id", INT, fk="grant.id", nullable=False,
        doc="Grant the target belongs to."),
    col("metric", Str(40), nullable=False, vocab="target_metric", doc="What is counted."),
    col("group_field", Str(40), doc="Person field the target is split by (e.g. gender)."),
    col("group_value", Str(40), doc="Value of that field (e.g. female); empty for all."),
    col("value", INT, nullable=False, doc="The number promised."),
    *_stamps(),
)

partner = _table(
    "partner",
    _id(),
    col("programme_id", INT, fk="programme.id", doc="Programme it refers to."),
    col("name", Str(200), nullable=False, doc="Organisation name."),
    col("kind", Str(40), vocab="partner_kind", doc="Kind of organisation."),
    *_stamps(),
)

person = _table(
    "person",
    _id(),
    col("programme_id", INT, fk="programme.id", nullable=False,
        doc="Programme the person is registered in."),
    col("role", Str(20), nullable=False, vocab="role", doc="mentor, mentee or resource_person."),
    col("first_name", Str(100), privacy="direct", doc="First name."),
    col("last_name", Str(100), privacy="direct", doc="Last name."),
    col("email", Str(200), privacy="direct", doc="E-mail address."),
    col("phone", Str(40), privacy="direct", doc="Phone number, as text (leading zeros kept)."),
    col("address", Str(200), privacy="direct", doc="Street address."),
    col("postcode", Str(10), privacy="quasi", doc="Postcode, as text."),
    col("neighbourhood", Str(100), privacy="quasi", doc="Estate or neighbourhood."),
    col("gender", Str(10), vocab="gender", privacy="quasi", doc="Gender."),
    col("birth_year", INT, privacy="quasi", doc="Year of birth."),
    col("country_of_origin", Str(2), vocab="country", privacy="special",
        doc="Country of origin (ISO 3166); ethnic origin is special-category data."),
    col("arrival_year", INT, privacy="quasi", doc="Year of arrival in the country."),
    col("languages", JSON, vocab="language", multi=True, privacy="quasi",
        doc="Languages spoken (ISO 639-1), besides the local language level below."),
    col("language_level", Str(4), vocab="language_level", privacy="quasi",
        doc="Level of Danish (DK) or Dutch (NL), CEFR."),
    col("education", Str(20), vocab="education", privacy="quasi", doc="Highest education."),
    col("sector", Str(40), vocab="sector", privacy="quasi",
        doc="Mentor: sector of work or study. Mentee: sector aimed for."),
    col("profession", Str(120), privacy="quasi", doc="Profession or field of study, free words."),
    col("employment_status", Str(30), vocab="employment_status", privacy="quasi",
        doc="Employment status at registration."),
    col("availability", JSON, vocab="availability", multi=True, privacy="quasi",
        doc="When the person can meet."),
    col("capacity", INT, doc="Mentors: how many mentees at the same time."),
    col("preferred_mentor_gender", Str(10), vocab="preferred_mentor_gender", privacy="quasi",
        doc="Mentees: gender of mentor wished for."),
    col("goals", JSON, vocab="goal", multi=True, privacy="quasi",
        doc="Mentees: what the mentorship should help with. Mentors: what they can help with."),
    col("referred_by", INT, fk="partner.id", doc="Partner who referred."),
    col("registered_on", DATE, doc="Date of registration (intake)."),
    col("consent_given_at", DATETIME, doc="When consent was given."),
    col("consent_scope", JSON, vocab="consent_scope", multi=True,
        doc="What the consent covers."),
    col("background_check_date", DATE,
        doc="Mentors: date of the børneattest / VOG the programme requires."),
    col("notes", TEXT, privacy="free_text", doc="Coordinator's notes."),
    *_stamps(),
    col("erased_at", DATETIME, doc="When the personal data were erased (GDPR Art. 17)."),
    col("version", INT, nullable=False, server_default="1",
        doc="Row version, raised by every update (detects lost updates)."),
    Index("ix_person_programme_role", "programme_id", "role"),
    # the importer's key (imports.duplicates.KEYS, which also ignores case): two imports of
    # one file at once cannot both write a person
    Index("uq_person_programme_email", "programme_id", "email", unique=True,
          where="email IS NOT NULL"),
)

match = _table(
    "match",
    _id(),
    col("programme_id", INT, fk="programme.id", nullable=False,
        doc="Programme the match belongs to."),
    col("mentee_id", INT, fk="person.id", nullable=False, doc="Mentee."),
    col("mentor_id", INT, fk="person.id", nullable=False, doc="Mentor."),
    col("status", Str(20), nullable=False, vocab="match_status", doc="Where the match stands."),
    col("proposed_on", DATE, doc="Date the match was proposed."),
    col("started_on", DATE, doc="Date of the first meeting."),
    col("ended_on", DATE, doc="Date the match ended."),
    col("end_reason", Str(40), vocab="end_reason", doc="Why it ended."),
    col("score", FLOAT, doc="Matching score when proposed (0–1)."),
    col("score_breakdown", JSON, doc="Score per criterion when proposed."),
    col("made_by", Str(100), doc="Coordinator (or run) that made the match."),
    col("notes", TEXT, privacy="free_text", doc="Notes on the match."),
    col("check_reason", TEXT, privacy="free_text",
        doc="Why the match was confirmed though the mentor's background check was not "
            "valid (the programme's warn rule)."),
    col("reopen_reason", TEXT, privacy="free_text",
        doc="Why an ended match was reopened."),
    *_stamps(),
    col("version", INT, nullable=False, server_default="1",
        doc="Row version, raised by every update (detects lost updates)."),
    Check("mentee_id <> mentor_id", name="not_self"),
    Index("ix_match_mentee", "mentee_id"), Index("ix_match_mentor", "mentor_id"),
    # one open match per mentee (vocab.OPEN_MATCH_STATUSES; casework.match_rules)
    Index("uq_match_open_mentee", "mentee_id", unique=True,
          where=f"status IN ({', '.join(repr(s) for s in OPEN_MATCH_STATUSES)})"),
)

followup = _table(
    "followup",
    _id(),
    col("match_id", INT, fk="match.id", nullable=False, doc="The match."),
    col("date", DATE, nullable=False, doc="Date of the contact."),
    col("kind", Str(30), nullable=False, vocab="followup_kind", doc="Kind of contact."),
    col("notes", TEXT, privacy="free_text", doc="What was said or done."),
    col("next_due", DATE, doc="When the next follow-up is due."),
    *_stamps(),
    Index("ix_followup_match", "match_id"),
)

outcome = _table(
    "outcome",
    _id(),
    col("person_id", INT, fk="person.id", nullable=False, doc="The person."),
    col("phase", Str(20), nullable=False, vocab="phase",
        doc="intake, end, followup_6m or followup_12m."),
    col("recorded_on", DATE, doc="Date the outcome was recorded."),
    col("employment_status", Str(30), vocab="employment_status", privacy="special",
        doc="Employment status."),
    col("hours_per_week", FLOAT, privacy="special", doc="Paid hours per week."),
    col("job_start_date", DATE, privacy="special",
        doc="Start date of the current job, if employed."),
    col("language_level", Str(4), vocab="language_level", privacy="special",
        doc="Danish or Dutch level, CEFR."),
    col("network_size", INT, privacy="special",
        doc="Number of people in the labour market the person can ask for advice."),
    col("confidence", INT, privacy="special",
        doc="Self-reported confidence about finding work, 1 (low) to 5 (high)."),
    *_stamps(),
    Unique("person_id", "phase", name="uq_outcome_person_phase"),
)

event = _table(
    "event",
    _id(),
    col("programme_id", INT, fk="programme.id", nullable=False,
        doc="Programme holding the event."),
    col("kind", Str(30), nullable=False, vocab="event_kind", doc="Kind of event."),
    col("title", Str(200), doc="Title."),
    col("date", DATE, nullable=False, doc="Date held."),
    col("location", Str(200), doc="Where."),
    *_stamps(),
)

attendance = _table(
    "attendance",
    _id(),
    col("event_id", INT, fk="event.id", nullable=False, doc="Event."),
    col("person_id", INT, fk="person.id", nullable=False, doc="Person."),
    *_stamps(),
    Unique("event_id", "person_id", name="uq_attendance_event_person"),
    Index("ix_attendance_person", "person_id"),
)

audit = _table(
    "audit",
    col("id", INT, primary_key=True, autoincrement=True, nullable=False, doc="Row id."),
    col("at", DATETIME, nullable=False, doc="When (UTC)."),
    col("actor", Str(100), nullable=False, doc="Who wrote (coordinator, import, cli …)."),
    col("action", Str(10), nullable=False, doc="insert, update, delete or erase."),
    col("table_name", Str(40), nullable=False, doc="Table written."),
    col("row_id", INT, doc="Id of the row written."),
    col("fields", JSON, doc="Names of the fields written."),
    col("before", JSON, doc="Values before, for fields that are not personal data."),
    col("after", JSON, doc="Values after, for fields that are not personal data."),
    Index("ix_audit_table_row", "table_name", "row_id"),
)

match_run = _table(
    "match_run",
    _id(),
    col("programme_id", INT, fk="programme.id",
        doc="Programme whose mentees were matched (empty when several)."),
    col("created_at", DATETIME, nullable=False, doc="When the run was made (UTC)."),
    col("made_by", Str(100), doc="Coordinator (or job) that made the run."),
    col("method", Str(20), nullable=False, doc="optimal, stable or greedy."),
    col("objective", Str(20), nullable=False,
        doc="score (highest total score) or coverage (nobody left out, then score)."),
    col("settings", JSON,
        doc="Weights, rules, capacity, quotas, pinned and forbidden pairs, solver."),
    col("input_fingerprint", Str(64), nullable=False,
        doc="SHA-256 of the encoded mentees, mentors, earlier matches and settings."),
    col("n_mentees", INT, doc="Mentees the run considered."),
    col("n_mentors", INT, doc="Mentors the run considered."),
    col("n_matched", INT, doc="Mentees the run matched."),
    col("total_score", FLOAT, doc="Sum of the proposed pairs' scores."),
    col("result", JSON, doc="The proposal: mentee ids, mentor ids, scores, pinned flags."),
    col("stats", JSON, doc="Solver, rounds, optimality certificate, seconds."),
    col("mentorkit_version", Str(20), doc="mentorkit version that made the run."),
    Index("ix_match_run_programme", "programme_id"),
)



# --- Privacy (migration 0003): consent history and the erasure ledger, both append-only. ---

consent = _table(
    "consent",
    _id(),
    col("person_id", INT, fk="person.id", nullable=False,
        doc="The person who gave or withdrew consent."),
    col("at", DATETIME, nullable=False, doc="When consent was given or withdrawn (UTC)."),
    col("action", Str(10), nullable=False, doc="given or withdrawn."),
    col("scope", JSON, vocab="consent_scope", multi=True,
        doc="The purposes given or withdrawn."),
    col("recorded_by", Str(100), doc="Who recorded it (coordinator, import, cli …)."),
    col("reason", Str(40), doc="Why: request, erasure, retention, restore …"),
    Index("ix_consent_person", "person_id"),
    comment="Consent records, append-only (a trigger refuses updates and deletes).",
)

erasure_ledger = _table(
    "erasure_ledger",
    _id(),
    col("person_id", INT, fk="person.id", nullable=False,
        doc="Id of the person whose personal data were erased."),
    col("person_created_at", DATETIME,
        doc="Creation stamp of that person's row: an id reused after a restore is not erased."),
    col("at", DATETIME, nullable=False, doc="When the erasure was made (UTC)."),
    col("reason", Str(40), nullable=False,
        doc="request, consent_withdrawn or retention; ids only, never a value."),
    col("fingerprints", JSON,
        doc="Keyed HMAC marks of the erased identity (e-mail, name + birth year, phone) and "
            "the key's fingerprint, so a re-import is refused; never a value."),
    Index("ix_erasure_ledger_person", "person_id"),
    comment="Erasures (ids only), re-applied after a backup is restored; append-only.",
)

#: Tables a user writes to, in an order that respects foreign keys.
ENTITY_TABLES: tuple[str, ...] = (
    "programme", "grant", "target", "partner", "person", "match", "followup", "outcome",
    "event", "attendance",
)


def sorted_tables() -> list[Table]:
    """Every table, each after the tables it references (ties by name), as the database
    creates them.

    Example
    -------
    >>> names = [t.name for t in sorted_tables()]
    >>> names.index("programme") < names.index("person") < names.index("match")
    True
    """
    from graphlib import TopologicalSorter

    graph = {name: {c.references.split(".")[0] for c in t.columns if c.references}
             - {name} for name, t in sorted(TABLES.items())}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return [TABLES[name] for name in order]


def privacy_class(table: str, column: str) -> PrivacyClass:
    """The privacy class of ``table.column``.

    Example
    -------
    >>> privacy_class("match", "status")
    'none'
    """
    return TABLES[table].c[column].privacy


def user_columns(table: str) -> list[str]:
    """Columns a user or file may set (not id, stamps, version or erasure).

    Example
    -------
    >>> user_columns("target")
    ['grant_id', 'metric', 'group_field', 'group_value', 'value']
    """
    skip = {"id", "created_at", "updated_at", "version", "erased_at"}
    return [c.name for c in TABLES[table].c if c.name not in skip]

"""The data model as SQLAlchemy Core tables: the single description of every column.

Each column carries ``info`` the rest of the package reads, so nothing is said twice:

- ``privacy``: one of :data:`PRIVACY_CLASSES`. The audit log keeps before/after values only
  for ``none``; research extracts drop ``direct`` and ``free_text`` and coarsen ``quasi``.
- ``vocab``: the controlled vocabulary (see :mod:`mentorkit.vocab`) the values come from.
- ``multi``: the column holds a list of codes (stored as JSON, which works on SQLite and
  PostgreSQL alike; written ``ar|en`` in CSV files).
- ``doc``: the meaning, used in the data dictionary.

Example
-------
>>> from mentorkit.store.schema import metadata, privacy_class
>>> {"person", "match", "audit"} <= set(metadata.tables)
True
>>> privacy_class("person", "email")
'direct'
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa

PrivacyClass = Literal["direct", "quasi", "special", "free_text", "none"]
PRIVACY_CLASSES: tuple[PrivacyClass, ...] = ("direct", "quasi", "special", "free_text", "none")

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def col(
    name: str,
    type_: Any,
    *args: Any,
    privacy: PrivacyClass = "none",
    vocab: str | None = None,
    multi: bool = False,
    doc: str = "",
    **kwargs: Any,
) -> sa.Column:
    """A column with the package's metadata in ``Column.info``."""
    kwargs.setdefault("nullable", True)
    info = {"privacy": privacy, "vocab": vocab, "multi": multi, "doc": doc}
    return sa.Column(name, type_, *args, info=info, comment=doc or None, **kwargs)


def _id() -> sa.Column:
    return col("id", sa.Integer, primary_key=True, autoincrement=True, nullable=False,
               doc="Row id, assigned by the database.")


def _stamps() -> list[sa.Column]:
    return [
        col("created_at", sa.DateTime, doc="When the row was created (UTC)."),
        col("updated_at", sa.DateTime, doc="When the row was last changed (UTC)."),
    ]


Text = sa.String
JSON = sa.JSON

programme = sa.Table(
    "programme", metadata,
    _id(),
    col("name", Text(120), nullable=False, unique=True, doc="Short name, e.g. Vollsmose."),
    col("site", Text(120), doc="Housing estate or area the branch works in."),
    col("city", Text(80), doc="City."),
    col("country", Text(2), vocab="country", doc="ISO 3166 country code (DK, NL)."),
    col("start_date", sa.Date, doc="First day of the programme."),
    col("end_date", sa.Date, doc="Last day of the programme (empty while open-ended)."),
    col("language", Text(2), vocab="language", doc="Default language of the dashboards."),
    col("background_check", Text(20), vocab="background_check",
        doc="Background check mentors need (børneattest in DK, VOG in NL)."),
    *_stamps(),
)

grant = sa.Table(
    "grant", metadata,
    _id(),
    col("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=False,
        doc="Programme the grant pays for."),
    col("funder", Text(200), nullable=False, doc="Who gives the money."),
    col("title", Text(200), doc="Name of the grant or project."),
    col("amount", sa.Numeric(14, 2), doc="Amount granted."),
    col("currency", Text(3), vocab="currency", doc="DKK or EUR."),
    col("period_start", sa.Date, doc="First day the grant covers."),
    col("period_end", sa.Date, doc="Last day the grant covers."),
    *_stamps(),
)

target = sa.Table(
    "target", metadata,
    _id(),
    col("grant_id", sa.Integer, sa.ForeignKey("grant.id"), nullable=False,
        doc="Grant the target belongs to."),
    col("metric", Text(40), nullable=False, vocab="target_metric", doc="What is counted."),
    col("group_field", Text(40), doc="Person field the target is split by (e.g. gender)."),
    col("group_value", Text(40), doc="Value of that field (e.g. female); empty for all."),
    col("value", sa.Integer, nullable=False, doc="The number promised."),
    *_stamps(),
)

partner = sa.Table(
    "partner", metadata,
    _id(),
    col("programme_id", sa.Integer, sa.ForeignKey("programme.id"), doc="Programme it refers to."),
    col("name", Text(200), nullable=False, doc="Organisation name."),
    col("kind", Text(40), vocab="partner_kind", doc="Kind of organisation."),
    *_stamps(),
)

person = sa.Table(
    "person", metadata,
    _id(),
    col("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=False,
        doc="Programme the person is registered in."),
    col("role", Text(20), nullable=False, vocab="role", doc="mentor, mentee or resource_person."),
    col("first_name", Text(100), privacy="direct", doc="First name."),
    col("last_name", Text(100), privacy="direct", doc="Last name."),
    col("email", Text(200), privacy="direct", doc="E-mail address."),
    col("phone", Text(40), privacy="direct", doc="Phone number, as text (leading zeros kept)."),
    col("address", Text(200), privacy="direct", doc="Street address."),
    col("postcode", Text(10), privacy="quasi", doc="Postcode, as text."),
    col("neighbourhood", Text(100), privacy="quasi", doc="Estate or neighbourhood."),
    col("gender", Text(10), vocab="gender", privacy="quasi", doc="Gender."),
    col("birth_year", sa.Integer, privacy="quasi", doc="Year of birth."),
    col("country_of_origin", Text(2), vocab="country", privacy="special",
        doc="Country of origin (ISO 3166); ethnic origin is special-category data."),
    col("arrival_year", sa.Integer, privacy="quasi", doc="Year of arrival in the country."),
    col("languages", JSON, vocab="language", multi=True, privacy="quasi",
        doc="Languages spoken (ISO 639-1), besides the local language level below."),
    col("language_level", Text(4), vocab="language_level", privacy="quasi",
        doc="Level of Danish (DK) or Dutch (NL), CEFR."),
    col("education", Text(20), vocab="education", privacy="quasi", doc="Highest education."),
    col("sector", Text(40), vocab="sector", privacy="quasi",
        doc="Mentor: sector of work or study. Mentee: sector aimed for."),
    col("profession", Text(120), privacy="quasi", doc="Profession or field of study, free words."),
    col("employment_status", Text(30), vocab="employment_status", privacy="quasi",
        doc="Employment status at registration."),
    col("availability", JSON, vocab="availability", multi=True, privacy="quasi",
        doc="When the person can meet."),
    col("capacity", sa.Integer, doc="Mentors: how many mentees at the same time."),
    col("preferred_mentor_gender", Text(10), vocab="preferred_mentor_gender", privacy="quasi",
        doc="Mentees: gender of mentor wished for."),
    col("goals", JSON, vocab="goal", multi=True, privacy="quasi",
        doc="Mentees: what the mentorship should help with. Mentors: what they can help with."),
    col("referred_by", sa.Integer, sa.ForeignKey("partner.id"), doc="Partner who referred."),
    col("registered_on", sa.Date, doc="Date of registration (intake)."),
    col("consent_given_at", sa.DateTime, doc="When consent was given."),
    col("consent_scope", JSON, vocab="consent_scope", multi=True,
        doc="What the consent covers."),
    col("background_check_date", sa.Date,
        doc="Mentors: date of the børneattest / VOG the programme requires."),
    col("notes", sa.Text, privacy="free_text", doc="Coordinator's notes."),
    *_stamps(),
    col("erased_at", sa.DateTime, doc="When the personal data were erased (GDPR Art. 17)."),
    col("version", sa.Integer, nullable=False, server_default="1",
        doc="Row version, raised by every update (detects lost updates)."),
)

match = sa.Table(
    "match", metadata,
    _id(),
    col("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=False,
        doc="Programme the match belongs to."),
    col("mentee_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False, doc="Mentee."),
    col("mentor_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False, doc="Mentor."),
    col("status", Text(20), nullable=False, vocab="match_status", doc="Where the match stands."),
    col("proposed_on", sa.Date, doc="Date the match was proposed."),
    col("started_on", sa.Date, doc="Date of the first meeting."),
    col("ended_on", sa.Date, doc="Date the match ended."),
    col("end_reason", Text(40), vocab="end_reason", doc="Why it ended."),
    col("score", sa.Float, doc="Matching score when proposed (0–1)."),
    col("score_breakdown", JSON, doc="Score per criterion when proposed."),
    col("made_by", Text(100), doc="Coordinator (or run) that made the match."),
    col("notes", sa.Text, privacy="free_text", doc="Notes on the match."),
    *_stamps(),
    col("version", sa.Integer, nullable=False, server_default="1",
        doc="Row version, raised by every update (detects lost updates)."),
    sa.CheckConstraint("mentee_id <> mentor_id", name="not_self"),
)

followup = sa.Table(
    "followup", metadata,
    _id(),
    col("match_id", sa.Integer, sa.ForeignKey("match.id"), nullable=False, doc="The match."),
    col("date", sa.Date, nullable=False, doc="Date of the contact."),
    col("kind", Text(30), nullable=False, vocab="followup_kind", doc="Kind of contact."),
    col("notes", sa.Text, privacy="free_text", doc="What was said or done."),
    col("next_due", sa.Date, doc="When the next follow-up is due."),
    *_stamps(),
)

outcome = sa.Table(
    "outcome", metadata,
    _id(),
    col("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False, doc="The person."),
    col("phase", Text(20), nullable=False, vocab="phase",
        doc="intake, end, followup_6m or followup_12m."),
    col("recorded_on", sa.Date, doc="Date the outcome was recorded."),
    col("employment_status", Text(30), vocab="employment_status", privacy="special",
        doc="Employment status."),
    col("hours_per_week", sa.Float, privacy="special", doc="Paid hours per week."),
    col("job_start_date", sa.Date, privacy="special",
        doc="Start date of the current job, if employed."),
    col("language_level", Text(4), vocab="language_level", privacy="special",
        doc="Danish or Dutch level, CEFR."),
    col("network_size", sa.Integer, privacy="special",
        doc="Number of people in the labour market the person can ask for advice."),
    col("confidence", sa.Integer, privacy="special",
        doc="Self-reported confidence about finding work, 1 (low) to 5 (high)."),
    *_stamps(),
    sa.UniqueConstraint("person_id", "phase", name="uq_outcome_person_phase"),
)

event = sa.Table(
    "event", metadata,
    _id(),
    col("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=False,
        doc="Programme holding the event."),
    col("kind", Text(30), nullable=False, vocab="event_kind", doc="Kind of event."),
    col("title", Text(200), doc="Title."),
    col("date", sa.Date, nullable=False, doc="Date held."),
    col("location", Text(200), doc="Where."),
    *_stamps(),
)

attendance = sa.Table(
    "attendance", metadata,
    _id(),
    col("event_id", sa.Integer, sa.ForeignKey("event.id"), nullable=False, doc="Event."),
    col("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False, doc="Person."),
    *_stamps(),
    sa.UniqueConstraint("event_id", "person_id", name="uq_attendance_event_person"),
)

audit = sa.Table(
    "audit", metadata,
    col("id", sa.Integer, primary_key=True, autoincrement=True, nullable=False, doc="Row id."),
    col("at", sa.DateTime, nullable=False, doc="When (UTC)."),
    col("actor", Text(100), nullable=False, doc="Who wrote (coordinator, import, cli …)."),
    col("action", Text(10), nullable=False, doc="insert, update, delete or erase."),
    col("table_name", Text(40), nullable=False, doc="Table written."),
    col("row_id", sa.Integer, doc="Id of the row written."),
    col("fields", JSON, doc="Names of the fields written."),
    col("before", JSON, doc="Values before, for fields that are not personal data."),
    col("after", JSON, doc="Values after, for fields that are not personal data."),
    sa.Index("ix_audit_table_row", "table_name", "row_id"),
)

sa.Index("ix_person_programme_role", person.c.programme_id, person.c.role)
sa.Index("ix_match_mentee", match.c.mentee_id)
sa.Index("ix_match_mentor", match.c.mentor_id)
sa.Index("ix_followup_match", followup.c.match_id)
sa.Index("ix_attendance_person", attendance.c.person_id)

#: Tables a user writes to, in an order that respects foreign keys.
ENTITY_TABLES: tuple[str, ...] = (
    "programme", "grant", "target", "partner", "person", "match", "followup", "outcome",
    "event", "attendance",
)


def privacy_class(table: str, column: str) -> PrivacyClass:
    """The privacy class of ``table.column``.

    Example
    -------
    >>> privacy_class("match", "status")
    'none'
    """
    return metadata.tables[table].c[column].info.get("privacy", "none")


def user_columns(table: str) -> list[str]:
    """Columns a user or file may set (not id, stamps, version or erasure)."""
    skip = {"id", "created_at", "updated_at", "version", "erased_at"}
    return [c.name for c in metadata.tables[table].c if c.name not in skip]

match_run = sa.Table(
    "match_run", metadata,
    _id(),
    col("programme_id", sa.Integer, sa.ForeignKey("programme.id"),
        doc="Programme whose mentees were matched (empty when several)."),
    col("created_at", sa.DateTime, nullable=False, doc="When the run was made (UTC)."),
    col("made_by", Text(100), doc="Coordinator (or job) that made the run."),
    col("method", Text(20), nullable=False, doc="optimal, stable or greedy."),
    col("objective", Text(20), nullable=False,
        doc="score (highest total score) or coverage (nobody left out, then score)."),
    col("settings", JSON,
        doc="Weights, rules, capacity, quotas, pinned and forbidden pairs, solver."),
    col("input_fingerprint", Text(64), nullable=False,
        doc="SHA-256 of the encoded mentees, mentors, earlier matches and settings."),
    col("n_mentees", sa.Integer, doc="Mentees the run considered."),
    col("n_mentors", sa.Integer, doc="Mentors the run considered."),
    col("n_matched", sa.Integer, doc="Mentees the run matched."),
    col("total_score", sa.Float, doc="Sum of the proposed pairs' scores."),
    col("result", JSON, doc="The proposal: mentee ids, mentor ids, scores, pinned flags."),
    col("stats", JSON, doc="Solver, rounds, optimality certificate, seconds."),
    col("mentorkit_version", Text(20), doc="mentorkit version that made the run."),
)
sa.Index("ix_match_run_programme", match_run.c.programme_id)


# --- Privacy (migration 0003): consent history and the erasure ledger, both append-only. ---

consent = sa.Table(
    "consent", metadata,
    _id(),
    col("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False,
        doc="The person who gave or withdrew consent."),
    col("at", sa.DateTime, nullable=False, doc="When consent was given or withdrawn (UTC)."),
    col("action", Text(10), nullable=False, doc="given or withdrawn."),
    col("scope", JSON, vocab="consent_scope", multi=True,
        doc="The purposes given or withdrawn."),
    col("recorded_by", Text(100), doc="Who recorded it (coordinator, import, cli …)."),
    col("reason", Text(40), doc="Why: request, erasure, retention, restore …"),
    sa.Index("ix_consent_person", "person_id"),
    comment="Consent records, append-only (a trigger refuses updates and deletes).",
)

erasure_ledger = sa.Table(
    "erasure_ledger", metadata,
    _id(),
    col("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False,
        doc="Id of the person whose personal data were erased."),
    col("person_created_at", sa.DateTime,
        doc="Creation stamp of that person's row: an id reused after a restore is not erased."),
    col("at", sa.DateTime, nullable=False, doc="When the erasure was made (UTC)."),
    col("reason", Text(40), nullable=False,
        doc="request, consent_withdrawn or retention; ids only, never a value."),
    sa.Index("ix_erasure_ledger_person", "person_id"),
    comment="Erasures (ids only), re-applied after a backup is restored; append-only.",
)

"""The intake form's fields: each person column, its section, kind of input and vocabulary.

Which fields a role sees comes from the intake rules
(:data:`mentorkit.casework.rules.ROLE_ONLY`): a field that does not apply to the role chosen
is hidden and not read, and the rules clear it wherever the row comes from.

Example
-------
>>> [name for _s, name, _k, _v, only in FIELDS if only]
['preferred_mentor_gender', 'capacity', 'background_check_date']
>>> shown("capacity", "mentee"), shown("capacity", "mentor")
(False, True)
"""

from __future__ import annotations

from mentorkit import vocab
from mentorkit.casework.rules import ROLE_ONLY, applies

__all__ = ["FIELDS", "NOT_STORED", "SECTIONS", "shown"]

_ONLY = ROLE_ONLY["person"]

# (section, field, kind, vocabulary, the roles it applies to: None for everyone)
FIELDS: tuple[tuple[str, str, str, vocab.Vocabulary | None, tuple[str, ...] | None], ...] = tuple(
    (section, name, kind, v, _ONLY.get(name)) for section, name, kind, v in (
        ("person", "first_name", "text", None),
        ("person", "last_name", "text", None),
        ("person", "gender", "vocab", vocab.GENDERS),
        ("person", "birth_year", "year", None),
        ("person", "country_of_origin", "vocab", vocab.COUNTRIES),
        ("person", "arrival_year", "year", None),
        ("contact", "email", "text", None),
        ("contact", "phone", "text", None),
        ("contact", "address", "text", None),
        ("contact", "postcode", "text", None),
        ("contact", "neighbourhood", "text", None),
        ("background", "languages", "multi", vocab.LANGUAGES),
        ("background", "language_level", "vocab", vocab.LANGUAGE_LEVELS),
        ("background", "education", "vocab", vocab.EDUCATION_LEVELS),
        ("background", "sector", "vocab", vocab.SECTORS),
        ("background", "profession", "text", None),
        ("background", "employment_status", "vocab", vocab.EMPLOYMENT_STATUSES),
        ("mentorship", "goals", "checks", vocab.GOALS),
        ("mentorship", "availability", "checks", vocab.AVAILABILITY),
        ("mentorship", "preferred_mentor_gender", "vocab", vocab.MENTOR_GENDER_PREFERENCES),
        ("mentorship", "capacity", "int", None),
        ("mentorship", "referred_by", "choice", None),
        ("mentorship", "registered_on", "date", None),
        ("check", "background_check_date", "date", None),
        ("consent", "consent_given", "bool", None),
        ("consent", "consent_date", "date", None),
        ("consent", "consent_scope", "checks", vocab.CONSENT_SCOPES),
        ("notes", "notes", "textarea", None),
    ))
SECTIONS = ("person", "contact", "background", "mentorship", "check", "consent", "notes")
#: Form fields that are not columns: the consent tick and day become ``consent_given_at``.
NOT_STORED = frozenset({"consent_given", "consent_date"})


def shown(name: str, role: str) -> bool:
    """True when the form shows (and reads) field ``name`` for a person of ``role``."""
    return applies("person", name, role)

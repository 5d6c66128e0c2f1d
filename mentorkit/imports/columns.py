"""Which columns a file of each kind may have, and how they map onto the tables.

A coordinator's file does not know database ids, so references are written the way a
coordinator knows them:

============  ===========  =====================================================
kind          table        references (either column; an id wins when both are given)
============  ===========  =====================================================
mentors       person       ``programme`` (name) / ``programme_id``; ``referred_by`` (partner
mentees       person       name, or its id number)
people        person       same, and a ``role`` column
matches       match        ``mentee_email`` / ``mentee_id``, ``mentor_email`` / ``mentor_id``,
                           ``programme`` (optional: defaults to the mentee's programme)
followups     followup     ``match_id``, or the match's ``mentee_email``/``mentee_id`` and
                           ``mentor_email``/``mentor_id``
outcomes      outcome      ``email`` / ``person_id``
============  ===========  =====================================================

Every other column has the name of its database column (see ``data/README.md``) or its
header in Danish, English or Dutch (``Fornavn``, ``Voornaam``: :mod:`mentorkit.imports.headers`).
The columns an export writes for bookkeeping (``id``, ``created_at``, ``updated_at``,
``version``, ``erased_at``) and the names next to a match's e-mails (``mentee_name``,
``mentor_name``) are accepted and ignored, so an exported table imports again.

Example
-------
>>> spec = SPECS["mentees"]
>>> spec.table, spec.role
('person', 'mentee')
>>> "mentee_email" in SPECS["matches"].known
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mentorkit.imports.headers import column_for
from mentorkit.model.schema import user_columns

__all__ = ["IGNORED", "KINDS", "SPECS", "KindSpec", "Ref", "column_letter", "normalise_header"]

#: Columns an export writes that an import skips (bookkeeping, and the names of a match's
#: mentee and mentor that an export in her language shows next to their e-mails).
IGNORED: frozenset[str] = frozenset({"id", "created_at", "updated_at", "version", "erased_at",
                                     "mentee_name", "mentor_name"})


@dataclass(frozen=True)
class Ref:
    """A reference to a row of another table, given by a name/e-mail column or an id column.

    ``target`` is the database column it fills; ``by_name`` and ``by_id`` the file columns
    that may give it (``by_name`` may be ``None`` when only an id will do).
    """

    target: str
    by_name: str | None
    by_id: str
    what: str  # programme, partner, person, match

    @property
    def columns(self) -> tuple[str, ...]:
        """The file columns that can give this reference."""
        return tuple(dict.fromkeys(c for c in (self.by_name, self.by_id) if c))

    def label(self) -> str:
        """How the report names the reference (``mentee_email or mentee_id``)."""
        return " or ".join(self.columns)


@dataclass(frozen=True)
class KindSpec:
    """The file layout of one import kind."""

    kind: str
    table: str
    role: str | None = None
    refs: tuple[Ref, ...] = ()
    direct: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    optional_refs: tuple[str, ...] = ()  # targets of refs that may be absent
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> frozenset[str]:
        """Every column name a file of this kind may have."""
        names = set(self.direct) | IGNORED
        for ref in self.refs:
            names.update(ref.columns)
        return frozenset(names)

    def file_column(self, db_column: str) -> str:
        """The name a coordinator sees for a database column."""
        for ref in self.refs:
            if ref.target == db_column:
                return ref.label()
        return db_column


_PROGRAMME = Ref("programme_id", "programme", "programme_id", "programme")
_PARTNER = Ref("referred_by", "referred_by", "referred_by", "partner")
_MENTEE = Ref("mentee_id", "mentee_email", "mentee_id", "mentee")
_MENTOR = Ref("mentor_id", "mentor_email", "mentor_id", "mentor")
_MATCH = Ref("match_id", None, "match_id", "match")
_PERSON = Ref("person_id", "email", "person_id", "person")

_PERSON_DIRECT = tuple(c for c in user_columns("person")
                       if c not in ("programme_id", "referred_by"))


def _person(kind: str, role: str | None) -> KindSpec:
    required = ("role",) if role is None else ()
    return KindSpec(kind, "person", role, (_PROGRAMME, _PARTNER), _PERSON_DIRECT, required,
                    optional_refs=("referred_by",))


SPECS: dict[str, KindSpec] = {
    "mentors": _person("mentors", "mentor"),
    "mentees": _person("mentees", "mentee"),
    "people": _person("people", None),
    "matches": KindSpec(
        "matches", "match", None, (_PROGRAMME, _MENTEE, _MENTOR),
        tuple(c for c in user_columns("match")
              if c not in ("programme_id", "mentee_id", "mentor_id")),
        ("status",), optional_refs=("programme_id",)),
    "followups": KindSpec(
        "followups", "followup", None, (_MATCH, _MENTEE, _MENTOR),
        tuple(c for c in user_columns("followup") if c != "match_id"),
        ("date", "kind"), optional_refs=("match_id", "mentee_id", "mentor_id")),
    "outcomes": KindSpec(
        "outcomes", "outcome", None, (_PERSON,),
        tuple(c for c in user_columns("outcome") if c != "person_id"),
        ("phase",)),
}

KINDS: tuple[str, ...] = tuple(SPECS)

#: Every column name any kind knows (used to tell the separator of a CSV file).
ALL_KNOWN: frozenset[str] = frozenset().union(*(s.known for s in SPECS.values()))

_ALIASES = {"e_mail": "email", "mail": "email", "postal_code": "postcode", "zip": "postcode"}


def normalise_header(text: str) -> str:
    """A header cell as a column name: a header in Danish, English or Dutch as its column
    (:mod:`mentorkit.imports.headers`), else trimmed, lower case, spaces and dashes as ``_``.

    Example
    -------
    >>> normalise_header(" First name "), normalise_header("E-mail"), normalise_header("Fornavn")
    ('first_name', 'email', 'first_name')
    >>> normalise_header("Achternaam"), normalise_header("Fødselsår")
    ('last_name', 'birth_year')
    """
    alias = column_for(text)
    if alias is not None:
        return alias
    name = re.sub(r"[\s\-]+", "_", str(text).strip().strip('"').strip().lower())
    return _ALIASES.get(name, name)


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position.

    Example
    -------
    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    n = position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

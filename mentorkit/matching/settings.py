"""Weights and rules of the matching engine: one settings object with documented defaults.

Soft criteria each give a pair a value in [0, 1]; the score of a pair is the weighted mean
of those values, so it is in [0, 1] too and every criterion's share of it can be shown.
Hard rules make a pair infeasible whatever its score. A dashboard shows the weights as
sliders (:func:`slider_spec`) and the rules as switches.

Why the defaults are what they are (see ``docs/matching.md`` for the long version):

- ``sector`` 3: the programmes exist to bring mentees closer to work; a mentor who works in
  the sector the mentee aims for knows its jobs, its language and its people.
- ``goals`` 2: a mentor who says they can help with what the mentee wants (job, education,
  network, language, own business) is the next best predictor of a useful course.
- ``local_language`` 2: the mentee's progress in Danish/Dutch. A mentee who already speaks
  some (A1 and up) and a mentor fluent in it can work in it, and she practises at every
  meeting; this matters more than a shared working language.
- ``language`` 1.5 and ``availability`` 1.5: a shared language besides Danish/Dutch helps
  early on (English only gives half), and pairs who can meet at the same times actually
  meet; both matter, less than what the mentorship is for.
- ``geography`` 1 and ``education`` 1: branches work in one estate, so distances are short;
  education proximity helps mutual understanding, but a mentor far "above" is no harm.
- ``age`` 0.5: a weak preference, never a reason on its own.

Example
-------
>>> s = MatchSettings()
>>> round(sum(s.weights.as_dict().values()), 2)
12.5
>>> MatchSettings.from_dict(s.to_dict()) == s
True
>>> s.with_weights({"age": 0}).weights.age
0.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from mentorkit.errors import MatchingError
from mentorkit.i18n import Catalogue, check_lang
from mentorkit.vocab import Lang

#: The soft criteria, in the order they are shown.
CRITERIA: tuple[str, ...] = (
    "sector", "goals", "local_language", "language", "availability", "geography", "education",
    "age",
)

#: Labels of the criteria in da, en, nl.
CRITERION_LABELS = Catalogue("matching.criteria", {
    "sector": {"da": "Branche", "en": "Sector", "nl": "Sector"},
    "goals": {"da": "Mål", "en": "Goals", "nl": "Doelen"},
    "local_language": {"da": "Dansk i praksis", "en": "Danish/Dutch in practice",
                       "nl": "Nederlands in de praktijk"},
    "language": {"da": "Fælles sprog", "en": "Shared language", "nl": "Gedeelde taal"},
    "availability": {"da": "Tidspunkter", "en": "Availability", "nl": "Beschikbaarheid"},
    "geography": {"da": "Afstand", "en": "Location", "nl": "Locatie"},
    "education": {"da": "Uddannelse", "en": "Education", "nl": "Opleiding"},
    "age": {"da": "Alder", "en": "Age", "nl": "Leeftijd"},
})

# Hard rules as bit flags: ``Scores.blocked`` holds, per pair, the rules that block it.
PROGRAMME = 1
GENDER = 2
CAPACITY = 4
AVAILABILITY = 8
DECLINED = 16
SAME_PERSON = 32
FORBIDDEN = 64
ALREADY_MATCHED = 128
LOW_SCORE = 256

#: Rule flag -> the rule's name.
RULE_NAMES: dict[int, str] = {
    PROGRAMME: "programme", GENDER: "gender", CAPACITY: "capacity",
    AVAILABILITY: "availability", DECLINED: "declined", SAME_PERSON: "same_person",
    FORBIDDEN: "forbidden", ALREADY_MATCHED: "already_matched", LOW_SCORE: "low_score",
}

#: Labels of the rules, by name, in da, en, nl.
RULE_LABELS = Catalogue("matching.rules", {
    "programme": {"da": "Andet program", "en": "Other programme", "nl": "Ander programma"},
    "gender": {"da": "Mentees ønske om mentorens køn", "en": "Mentee's preferred mentor gender",
               "nl": "Voorkeur van de mentee voor het geslacht van de mentor"},
    "capacity": {"da": "Mentoren har ikke plads til flere", "en": "Mentor is at capacity",
                 "nl": "Mentor heeft geen plek meer"},
    "availability": {"da": "Ingen fælles tidspunkter", "en": "No shared availability",
                     "nl": "Geen gemeenschappelijke tijden"},
    "declined": {"da": "Parret er afvist før", "en": "Pair was declined before",
                 "nl": "Koppel is eerder afgewezen"},
    "same_person": {"da": "Samme person", "en": "Same person", "nl": "Dezelfde persoon"},
    "forbidden": {"da": "Udelukket af koordinator", "en": "Forbidden by the coordinator",
                  "nl": "Uitgesloten door de coördinator"},
    "already_matched": {"da": "Mentee har allerede et match", "en": "Mentee already has a match",
                        "nl": "Mentee heeft al een match"},
    "low_score": {"da": "Under mindste score", "en": "Below the minimum score",
                  "nl": "Onder de minimale score"},
})


@dataclass(frozen=True)
class Weights:
    """Weights of the soft criteria (any non-negative numbers; only their ratios matter)."""

    sector: float = 3.0
    goals: float = 2.0
    local_language: float = 2.0
    language: float = 1.5
    availability: float = 1.5
    geography: float = 1.0
    education: float = 1.0
    age: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = float(getattr(self, f.name))
            if not value >= 0:
                raise MatchingError(f"weight {f.name!r} must be zero or more")
            object.__setattr__(self, f.name, value)
        if sum(self.as_dict().values()) <= 0:
            raise MatchingError("at least one weight must be above zero")

    def as_dict(self) -> dict[str, float]:
        """The weights in :data:`CRITERIA` order."""
        return {c: float(getattr(self, c)) for c in CRITERIA}

    @classmethod
    def of(cls, weights: Weights | Mapping[str, float] | None) -> Weights:
        """Weights from an object, a (partial) mapping such as slider values, or None.

        Example
        -------
        >>> Weights.of({"sector": 5}).sector
        5.0
        """
        if weights is None:
            return cls()
        if isinstance(weights, Weights):
            return weights
        unknown = sorted(set(weights) - set(CRITERIA))
        if unknown:
            raise MatchingError(f"unknown criteria {unknown}; known: {', '.join(CRITERIA)}")
        return cls(**{k: float(v) for k, v in weights.items()})


@dataclass(frozen=True)
class Rules:
    """Hard rules (a pair that breaks one is never proposed) and criterion parameters.

    ``same_programme``: mentees and mentors only within one programme.
    ``respect_gender_preference``: a mentee wishing a female (male) mentor gets one.
    ``require_shared_availability``: at least one common time slot (empty lists = any time).
    ``exclude_declined``: a pair declined before is not proposed again.
    ``one_match_per_mentee``: mentees with an active or proposed match are left out.
    ``min_score``: pairs scoring below are not proposed (0 = no minimum).
    ``load_statuses``: match statuses that take a place of the mentor's capacity.
    """

    same_programme: bool = True
    respect_gender_preference: bool = True
    require_shared_availability: bool = False
    exclude_declined: bool = True
    one_match_per_mentee: bool = True
    min_score: float = 0.0
    load_statuses: tuple[str, ...] = ("active", "proposed")
    local_languages: tuple[str, ...] = ("da", "nl")
    related_sector_credit: float = 0.5
    postcode_credit: float = 0.6
    area_credit: float = 0.3
    english_only_credit: float = 0.5
    age_span_years: float = 30.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "load_statuses", tuple(self.load_statuses))
        object.__setattr__(self, "local_languages", tuple(self.local_languages))
        if not 0 <= self.min_score <= 1:
            raise MatchingError("min_score must be between 0 and 1")
        if self.age_span_years <= 0:
            raise MatchingError("age_span_years must be above zero")

    @classmethod
    def of(cls, rules: Rules | Mapping[str, Any] | None) -> Rules:
        """Rules from an object, a (partial) mapping, or None (the defaults)."""
        if rules is None:
            return cls()
        if isinstance(rules, Rules):
            return rules
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(rules) - known)
        if unknown:
            raise MatchingError(f"unknown rules {unknown}; known: {', '.join(sorted(known))}")
        return cls(**dict(rules))


@dataclass(frozen=True)
class MatchSettings:
    """Weights and rules together: what a match run records and a dashboard edits."""

    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored with a match run)."""
        out = {"weights": self.weights.as_dict(), "rules": asdict(self.rules)}
        out["rules"]["load_statuses"] = list(self.rules.load_statuses)
        out["rules"]["local_languages"] = list(self.rules.local_languages)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchSettings:
        """The inverse of :meth:`to_dict`."""
        return cls(Weights.of(data.get("weights")), Rules.of(data.get("rules")))

    @classmethod
    def of(cls, weights: Any = None, rules: Any = None) -> MatchSettings:
        """Settings from loose weights and rules (objects, mappings or None)."""
        if isinstance(weights, MatchSettings):
            return weights
        return cls(Weights.of(weights), Rules.of(rules))

    def with_weights(self, weights: Mapping[str, float]) -> MatchSettings:
        """A copy with some weights changed (slider moves)."""
        return replace(self, weights=replace(self.weights, **{k: float(v) for k, v in
                                                              weights.items()}))


def slider_spec(lang: Lang = "en") -> list[dict[str, Any]]:
    """What a dashboard needs to draw one slider per criterion.

    Example
    -------
    >>> slider_spec("da")[0]["label"]
    'Branche'
    """
    lang = check_lang(lang)
    defaults = Weights().as_dict()
    return [{"name": c, "label": CRITERION_LABELS.text(c, lang), "min": 0.0, "max": 5.0,
             "step": 0.5, "default": defaults[c]} for c in CRITERIA]


def rule_names(flags: int, lang: Lang | None = None) -> list[str]:
    """The rules set in a ``blocked`` bit mask, as names or (with ``lang``) labels.

    Example
    -------
    >>> rule_names(GENDER | CAPACITY)
    ['gender', 'capacity']
    """
    code = None if lang is None else check_lang(lang)
    return [name if code is None else RULE_LABELS.text(name, code)
            for flag, name in RULE_NAMES.items() if flags & flag]

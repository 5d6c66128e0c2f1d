"""Covariates and model terms in words, in Danish, English and Dutch.

The analysis table's columns (``language_rank``, ``years_in_country``, ``male`` …) are codes:
a report names them in its reader's language through :func:`covariate_label`, and a list of
them through :func:`covariate_list` (commas and "and"). A term of a fitted model is the
column, ``column=level`` for an indicator, or :data:`~mentorkit.outcomes.time_varying.EXPOSURE`
/ ``matched`` for the treatment: :func:`term_label` names each. A code the catalogue does not
know is shown as it is (a researcher's own column).

Example
-------
>>> covariate_label("language_rank", "da"), covariate_label("my_column", "nl")
('sprogniveau', 'my_column')
>>> covariate_list(["age", "years_in_country", "male"], "nl")
'leeftijd, jaren in het land en man (tegenover vrouw)'
>>> term_label("programme=Groningen", "da")
'program: Groningen'
"""

from __future__ import annotations

from collections.abc import Sequence

from mentorkit.i18n import Catalogue, check_lang

__all__ = ["COVARIATES", "covariate_label", "covariate_list", "term_label"]

COVARIATES = Catalogue("outcomes.covariates", {
    "language_rank": {"da": "sprogniveau", "en": "language level", "nl": "taalniveau"},
    "language_level": {"da": "sprogniveau", "en": "language level", "nl": "taalniveau"},
    "education_rank": {"da": "uddannelse", "en": "education", "nl": "opleiding"},
    "education": {"da": "uddannelse", "en": "education", "nl": "opleiding"},
    "age": {"da": "alder", "en": "age", "nl": "leeftijd"},
    "years_in_country": {"da": "år i landet", "en": "years in the country",
                         "nl": "jaren in het land"},
    "male": {"da": "mand (mod kvinde)", "en": "man (against woman)",
             "nl": "man (tegenover vrouw)"},
    "gender": {"da": "køn", "en": "gender", "nl": "geslacht"},
    "programme": {"da": "program", "en": "programme", "nl": "programma"},
    "registration_year": {"da": "indskrivningsår", "en": "year of registration",
                          "nl": "jaar van inschrijving"},
    "employed_at_registration": {"da": "i job ved indskrivning",
                                 "en": "employed at registration",
                                 "nl": "werk bij inschrijving"},
    "matched": {"da": "med mentor", "en": "with a mentor", "nl": "met mentor"},
    "and": {"da": "og", "en": "and", "nl": "en"},
    "nothing": {"da": "intet", "en": "nothing", "nl": "niets"},
})
"""The words for covariates and model terms, by column name."""


def covariate_label(code: str, lang: object) -> str:
    """The column ``code`` in words in ``lang`` (unknown columns as they are).

    Example
    -------
    >>> covariate_label("years_in_country", "da")
    'år i landet'
    """
    lang = check_lang(lang)
    return COVARIATES.text(code, lang) if code in COVARIATES and code not in ("and", "nothing") \
        else code


def term_label(term: str, lang: object) -> str:
    """A model term in words: a column, or ``column=level`` as "column: level".

    Example
    -------
    >>> term_label("gender=male", "en")
    'gender: male'
    """
    column, eq, level = str(term).partition("=")
    name = covariate_label(column, lang)
    return f"{name}: {level}" if eq else name


def covariate_list(codes: Sequence[str], lang: object) -> str:
    """Several columns in words, joined by commas and "and" ("nothing" when none).

    Example
    -------
    >>> covariate_list(["age", "male"], "da")
    'alder og mand (mod kvinde)'
    """
    lang = check_lang(lang)
    names = [covariate_label(str(c), lang) for c in codes]
    if not names:
        return COVARIATES.text("nothing", lang)
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {COVARIATES.text('and', lang)} {names[-1]}"

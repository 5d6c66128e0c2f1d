"""The exceptions mentorkit raises: one root, a short tree.

Messages say what was wrong, where (file, row, column) and how to fix it. They never carry
the personal data that was being handled: a value may appear only in the import report
shown to the coordinator who uploaded the file, never in an exception or a log.

Example
-------
>>> from mentorkit.errors import MentorkitError, NotFoundError
>>> issubclass(NotFoundError, MentorkitError)
True
"""

from __future__ import annotations


class MentorkitError(Exception):
    """Root of every error mentorkit raises on purpose."""


class ConfigError(MentorkitError):
    """A setting is missing or malformed."""


class StoreError(MentorkitError):
    """The database could not do what was asked (disk full, locked, schema too old …)."""


class NotFoundError(StoreError):
    """No row with that id."""


class ConflictError(StoreError):
    """Someone else changed the row since it was read (a lost update was prevented)."""


class ValidationError(MentorkitError):
    """Input broke a rule: a field, a vocabulary, a date, a national id, …"""


class ImportFailed(ValidationError):
    """A file had errors; nothing was written. ``report`` lists them all."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class MatchingError(MentorkitError):
    """A matching problem cannot be solved as posed (e.g. infeasible quotas)."""


class UnknownProgramme(NotFoundError, ValidationError):
    """A programme named (by id, pseudonym or name) in a command, notebook or report that
    the data does not have. Both not found and bad input, so either may catch it."""


class UnknownLanguage(ValidationError, ValueError):
    """A language that is none of the package's (``mentorkit.vocab.LANGS``: da, en, nl).

    Raised by :func:`mentorkit.i18n.check_lang` wherever a language is given (a function's
    ``lang``, ``MENTORKIT_LANG``, ``--lang``); the message names the language given, where
    it was given, and the allowed ones. Also a ``ValueError``, as the older checks were.

    Example
    -------
    >>> str(UnknownLanguage("fr", ("da", "en", "nl")))
    "lang must be da, en or nl (got 'fr')"
    """

    def __init__(self, lang: object, allowed: tuple[str, ...], name: str = "lang") -> None:
        self.lang, self.allowed, self.name = lang, tuple(allowed), name
        choices = " or ".join([", ".join(self.allowed[:-1]), self.allowed[-1]]
                              if len(self.allowed) > 1 else list(self.allowed))
        super().__init__(f"{name} must be {choices} (got {lang!r})")

    def __reduce__(self) -> tuple[type, tuple[object, tuple[str, ...], str]]:
        return (type(self), (self.lang, self.allowed, self.name))


class MissingTranslation(MentorkitError, KeyError):
    """A catalogue has no text under a key, or none in a language (a bug: the tests look
    for it in every catalogue). Also a ``KeyError``, as a missing key was before.

    Example
    -------
    >>> str(MissingTranslation("the texts of 'x' have no key 'y'"))
    "the texts of 'x' have no key 'y'"
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

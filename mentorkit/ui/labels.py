"""Every text the dashboards show, in Danish, English and Dutch: one catalogue, kept as data.

The texts live in ``labels.toml`` beside this module (shipped with the package), one table
per dotted key (``app.intake``, ``intake.save``) with its ``da``, ``en`` and ``nl`` text;
this module reads it on first use into a :class:`mentorkit.i18n.Catalogue`. Placeholders in
braces (``{n}``) are filled by :func:`t` and must be the same in every language. Coded
values (genders, statuses …) take their labels from :mod:`mentorkit.vocab`, not from here.
A test fails when a key lacks a language, when placeholders differ, or when the apps use a
key that is not here.

Example
-------
>>> t("app.caseload", "da")
'Sagsoversigt'
>>> t("caseload.tab.active", "nl", n=3)
'Actieve koppelingen (3)'
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from mentorkit import i18n
from mentorkit.i18n import Catalogue, placeholders
from mentorkit.vocab import LANGS

__all__ = ["CATALOGUE", "LABELS", "t", "placeholders", "problems", "LANGS"]

FILE = "labels.toml"
"""The catalogue's file, in this package."""

if TYPE_CHECKING:  # read on first use, by __getattr__
    CATALOGUE: Catalogue
    LABELS: dict[str, dict[str, str]]


@functools.cache
def _catalogue() -> Catalogue:
    return i18n.load("ui.labels", __package__ or "mentorkit.ui", FILE)


def __getattr__(name: str) -> Any:
    # CATALOGUE and LABELS (the catalogue's table, key -> {lang: text}) are read on first use
    if name == "CATALOGUE":
        return _catalogue()
    if name == "LABELS":
        return _catalogue().texts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def problems(catalogue: dict[str, dict[str, str]] | None = None) -> list[str]:
    """What is wrong with the catalogue (or with ``catalogue``): a language missing or empty,
    placeholders that differ (see :func:`mentorkit.i18n.problems`).

    Example
    -------
    >>> problems()
    []
    >>> problems({"a": {"da": "x {n}", "en": "y {n}"}})
    ["a: no 'nl' text"]
    """
    return i18n.problems(_catalogue().texts if catalogue is None else catalogue)


def t(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` with ``values`` filled in.

    An unknown language raises :class:`~mentorkit.errors.UnknownLanguage`, a key missing
    from the catalogue :class:`~mentorkit.errors.MissingTranslation` (the tests make sure
    every key the apps use is there).
    """
    return _catalogue().text(key, lang, **values)

"""One way to translate: catalogues of texts in every language, one lookup, one language check.

A :class:`Catalogue` maps a key to its text in each language of :data:`mentorkit.vocab.LANGS`
(``{"title": {"da": "Titel", "en": "Title", "nl": "Titel"}}``): the one shape every table of
words in the package has. :meth:`Catalogue.text` is the one lookup; it fills ``{placeholders}``
from keyword fields. :func:`check_lang` is the one check of a language: anything but da, en
or nl raises :class:`~mentorkit.errors.UnknownLanguage`, naming the language given and the
allowed ones. A count is said in the right form with
``{n:plural:one form|other form}`` (the other form
may hold ``{n}``): Danish, English and Dutch all use the first form for exactly 1 and the
second for any other number (:func:`plural`). A key or a translation a catalogue lacks raises
:class:`~mentorkit.errors.MissingTranslation`; :meth:`Catalogue.problems` finds those before
anyone does (a test runs it on every catalogue, see :func:`catalogues`). Coded values
(genders, statuses …) are labelled by their vocabulary in :mod:`mentorkit.vocab`.

Example
-------
>>> words = Catalogue("example", {"hello": {"da": "Hej {name}", "en": "Hello {name}",
...                                         "nl": "Hallo {name}"}})
>>> words.text("hello", "nl", name="Sara")
'Hallo Sara'
>>> words.text("hello", "fr", name="Sara")
Traceback (most recent call last):
...
mentorkit.errors.UnknownLanguage: lang must be da, en or nl (got 'fr')
"""

from __future__ import annotations

import functools
import re
import string
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeGuard, TypeVar, cast

from mentorkit.errors import MissingTranslation, UnknownLanguage
from mentorkit.vocab import LANGS, Lang

__all__ = ["Catalogue", "LANGS", "Lang", "catalogues", "check_lang", "is_lang", "load",
           "placeholders", "plural", "problems", "renamed_language"]

F = TypeVar("F", bound=Callable[..., Any])

_ALL: dict[str, Catalogue] = {}
_PLURAL = re.compile(r"\{(\w+):plural:((?:[^{}|]|\{\w+\})*)\|((?:[^{}|]|\{\w+\})*)\}")


def check_lang(lang: object, name: str = "lang") -> Lang:
    """``lang`` when it is one of :data:`~mentorkit.vocab.LANGS`, else
    :class:`~mentorkit.errors.UnknownLanguage` (``name`` says where it was given).

    Example
    -------
    >>> check_lang("da")
    'da'
    >>> check_lang("EN", name="MENTORKIT_LANG")
    Traceback (most recent call last):
    ...
    mentorkit.errors.UnknownLanguage: MENTORKIT_LANG must be da, en or nl (got 'EN')
    """
    if isinstance(lang, str) and lang in LANGS:
        return lang
    raise UnknownLanguage(lang, LANGS, name)


def is_lang(value: object) -> TypeGuard[Lang]:
    """True when ``value`` is a language of the package: for choosing among candidates
    (the page address, a remembered choice), where a wrong one is passed over, not an error.

    Example
    -------
    >>> is_lang("nl"), is_lang("fr"), is_lang(None)
    (True, False, False)
    """
    return isinstance(value, str) and value in LANGS


def placeholders(text: str) -> set[str]:
    """The ``{names}`` in a text.

    Example
    -------
    >>> sorted(placeholders("{n} of {total}"))
    ['n', 'total']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def plural(text: str, **fields: Any) -> str:
    """``text`` with each ``{name:plural:one|other}`` replaced by the form for
    ``fields[name]``: the first for exactly 1, the second otherwise (da, en and nl count
    alike). The chosen form's own ``{placeholders}`` are left for ``str.format``.

    Example
    -------
    >>> plural("ret {n:plural:det felt|de {n} felter}", n=1)
    'ret det felt'
    >>> plural("ret {n:plural:det felt|de {n} felter}", n=3).format(n=3)
    'ret de 3 felter'
    """
    def choose(m: re.Match[str]) -> str:
        value = fields.get(m.group(1))
        one = isinstance(value, (int, float)) and not isinstance(value, bool) and value == 1
        return m.group(2) if one else m.group(3)
    return _PLURAL.sub(choose, text)


class Catalogue(Mapping[str, Mapping[str, str]]):
    """Texts by key, each in every language: ``{key: {"da": …, "en": …, "nl": …}}``.

    ``name`` says where the texts belong (in messages, and in :func:`catalogues`). The
    mapping given is kept, not copied: it is the table.

    Example
    -------
    >>> c = Catalogue("example.count", {"n": {"da": "{n} i alt", "en": "{n} in all",
    ...                                       "nl": "{n} in totaal"}})
    >>> c.text("n", "da", n=3), c["n"]["en"], c.in_lang("nl")
    ('3 i alt', '{n} in all', {'n': '{n} in totaal'})
    >>> c.text("m", "en")
    Traceback (most recent call last):
    ...
    mentorkit.errors.MissingTranslation: the example.count texts have no key 'm'
    """

    def __init__(self, name: str, texts: dict[str, dict[str, str]]) -> None:
        self.name = name
        self.texts = texts
        _ALL[name] = self

    def __getitem__(self, key: str) -> Mapping[str, str]:
        return self.texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def __repr__(self) -> str:
        return f"Catalogue({self.name!r}, {len(self.texts)} texts)"

    def text(self, key: str, lang: object, /, **fields: Any) -> str:
        """The text ``key`` in ``lang``, its ``{placeholders}`` filled from ``fields``.

        An unknown language raises :class:`~mentorkit.errors.UnknownLanguage`; a key or a
        translation that is not there, :class:`~mentorkit.errors.MissingTranslation`.
        """
        code = check_lang(lang)
        try:
            entry = self.texts[key]
        except KeyError:
            raise MissingTranslation(f"the {self.name} texts have no key {key!r}") from None
        text = entry.get(code)
        if not text:
            raise MissingTranslation(f"the {self.name} text {key!r} has no {code!r} "
                                     "translation")
        return plural(text, **fields).format(**fields) if fields else text

    def in_lang(self, lang: object) -> dict[str, str]:
        """Every text in ``lang``, by key (for code that formats them itself)."""
        code = check_lang(lang)
        return {key: self.text(key, code) for key in self.texts}

    def problems(self) -> list[str]:
        """What is wrong with the texts (see :func:`problems`)."""
        return problems(self.texts)


def problems(texts: Mapping[str, Mapping[str, str]]) -> list[str]:
    """What is wrong with a table of texts: a language missing or empty, an unknown language,
    or placeholders that differ from the English text's.

    Example
    -------
    >>> problems({"a": {"da": "x {n}", "en": "y {n}"}})
    ["a: no 'nl' text"]
    >>> problems({"a": {"da": "{n}", "en": "{n}", "nl": "{count}"}})
    ["a: 'nl' has placeholders ['count'], 'en' has ['n']"]
    """
    out = []
    for key, entry in texts.items():
        for lang in LANGS:
            value = entry.get(lang)
            if not isinstance(value, str) or not value.strip():
                out.append(f"{key}: no {lang!r} text")
        extra = set(entry) - set(LANGS)
        if extra:
            out.append(f"{key}: unknown language(s) {sorted(extra)}")
        base = placeholders(str(entry.get("en", "")))
        for lang in LANGS:
            value = entry.get(lang)
            if lang != "en" and isinstance(value, str) and value.strip() \
                    and placeholders(value) != base:
                out.append(f"{key}: {lang!r} has placeholders {sorted(placeholders(value))}, "
                           f"'en' has {sorted(base)}")
    return out


def load(name: str, package: str, resource: str) -> Catalogue:
    """A catalogue read from a TOML file shipped in ``package``: one table per key, one
    string per language (``["app.home"]`` then ``da = "Forside"`` …).

    Example
    -------
    >>> load("ui.labels", "mentorkit.ui", "labels.toml").text("app.home", "da")
    'Forside'
    """
    import tomllib
    from importlib import resources

    text = resources.files(package).joinpath(resource).read_text(encoding="utf-8")
    return Catalogue(name, cast(dict[str, dict[str, str]], tomllib.loads(text)))


def catalogues() -> dict[str, Catalogue]:
    """Every catalogue made so far (those of the modules imported), by name."""
    return dict(_ALL)


def renamed_language(func: F) -> F:
    """Let ``func``, whose ``lang`` parameter was once called ``language``, still take
    ``language=`` (with a DeprecationWarning that names ``lang``).

    Example
    -------
    >>> @renamed_language
    ... def hello(lang: str = "en") -> str:
    ...     return lang
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     hello(language="da")
    'da'
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "language" in kwargs:
            if "lang" in kwargs:
                raise TypeError(f"{func.__qualname__}() got both lang and language; "
                                "give lang only")
            warnings.warn(f"{func.__qualname__}(language=...) is now "
                          f"{func.__qualname__}(lang=...)", DeprecationWarning, stacklevel=2)
            kwargs["lang"] = kwargs.pop("language")
        return func(*args, **kwargs)
    return cast(F, wrapper)

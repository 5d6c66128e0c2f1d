"""Find personal data where it must never be: logs, error messages, notebook outputs, reports.

:class:`Needles` holds what to look for, taken from the direct identifiers and free text of a
store or of tables (full names, last names, e-mail addresses, phone numbers, street
addresses, notes). :func:`scan_text` and :func:`scan_paths` report every place one occurs as
a :class:`Leak`: where (file and line) and what kind (``person.email``), never the value
itself, so the scan's own report is safe to print and keep.

Matching is by words, not characters, so line breaks, HTML markup and entities, JSON
escaping and extra spaces do not hide a name: ``Gitte   Madsen``, ``Gitte&nbsp;Madsen`` and
``"Gitte\\nMadsen"`` are all found. Phone numbers are compared on their last eight digits,
whatever the spacing or country prefix.

Example
-------
>>> import pandas as pd
>>> person = pd.DataFrame({"first_name": ["Gitte"], "last_name": ["Madsen"],
...                        "email": ["gitte.madsen@example.dk"], "phone": ["+45 8351 8305"],
...                        "address": ["Randersparken 46"], "notes": ["Talte om CV og job."]})
>>> needles = Needles.from_tables({"person": person})
>>> [leak.kind for leak in scan_text("saved <b>Gitte Madsen</b> (83 51 83 05)", needles)]
['person.name', 'person.phone']
>>> scan_text("12 mentees were matched in Tingbjerg", needles)
[]
"""

from __future__ import annotations

import bisect
import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Leak", "Needles", "TEXT_SUFFIXES", "columns_of_class", "scan_file", "scan_paths",
           "scan_text", "visible_text"]

TEXT_SUFFIXES = (".log", ".txt", ".html", ".htm", ".md", ".ipynb", ".err", ".out")
"""Files :func:`scan_paths` reads (notebooks: their outputs only)."""

_WORD = re.compile(r"\w+", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s\\n]+")
_BLOCKS = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_ALT = re.compile(r"(?:alt|title)=\"([^\"]*)\"")
_ESCAPES = re.compile(r"\\[nrt]")
_PHONE_DIGITS = 8
_MIN_LAST_NAME = 4
_MIN_NOTE_WORDS = 3
_NOTE_WINDOW = 6

_DIRECT = ("first_name", "last_name", "email", "phone", "address")
"""The direct identifiers looked for, each its own way (``person`` is the only table with
any; a test fails when the schema gets another, so that it is looked for too)."""


def columns_of_class(privacy: str) -> dict[str, tuple[str, ...]]:
    """The columns of each table with privacy class ``privacy``, from the schema.

    Example
    -------
    >>> columns_of_class("free_text")
    {'person': ('notes',), 'match': ('notes',), 'followup': ('notes',)}
    """
    from mentorkit.model.schema import sorted_tables

    out = {}
    for table in sorted_tables():
        names = tuple(c.name for c in table.columns if c.info.get("privacy") == privacy)
        if names:
            out[table.name] = names
    return out


@dataclass(frozen=True)
class Leak:
    """One place where personal data was found: file, line and kind, never the value."""

    source: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.kind}"


def _words(text: str) -> tuple[str, ...]:
    """The words of ``text``, case-folded (how names, addresses and notes are compared)."""
    return tuple(w.casefold() for w in _WORD.findall(text))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass
class Needles:
    """What counts as personal data in a scan.

    Build it with :meth:`from_tables` or :meth:`from_store`.
    """

    names: set[tuple[str, ...]] = field(default_factory=set)
    last_names: set[tuple[str, ...]] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    addresses: set[tuple[str, ...]] = field(default_factory=set)
    notes: dict[tuple[str, ...], str] = field(default_factory=dict)

    def __len__(self) -> int:
        return (len(self.names) + len(self.emails) + len(self.phones) + len(self.addresses)
                + len(self.notes))

    def add_person(self, person: pd.DataFrame) -> None:
        """Add the direct identifiers (and notes) of a ``person`` table."""
        for column in _DIRECT:
            if column not in person.columns:
                person = person.assign(**{column: None})  # as every missing cell is below
        rows = person[list(_DIRECT)].astype("object").where(person[list(_DIRECT)].notna(), None)
        for first, last, email, phone, address in rows.itertuples(index=False):
            if first and last:
                self.names.add(_words(f"{first} {last}"))
            if last and str(last)[:1].isupper() and len(str(last)) >= _MIN_LAST_NAME:
                self.last_names.add(tuple(_WORD.findall(str(last))))
            if email:
                self.emails.add(str(email).casefold())
            if phone and len(_digits(str(phone))) >= _PHONE_DIGITS:
                self.phones.add(_digits(str(phone))[-_PHONE_DIGITS:])
            if address and len(_words(str(address))) >= 2:
                self.addresses.add(_words(str(address)))

    def add_notes(self, table: str, notes: Iterable[Any]) -> None:
        """Add the free text of ``table``'s notes (each note's opening words)."""
        for note in notes:
            if note is None or (isinstance(note, float) and pd.isna(note)) or note is pd.NA:
                continue
            words = _words(str(note))
            if len(words) >= _MIN_NOTE_WORDS:
                self.notes[words[:_NOTE_WINDOW]] = f"{table}.notes"

    def update(self, other: Needles) -> None:
        """Add everything ``other`` looks for."""
        self.names |= other.names
        self.last_names |= other.last_names
        self.emails |= other.emails
        self.phones |= other.phones
        self.addresses |= other.addresses
        self.notes.update(other.notes)

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> Needles:
        """From DataFrames named like the store's tables (``person``, ``match``, ``followup``)."""
        needles = cls()
        if "person" in tables:
            needles.add_person(tables["person"])
        for table, columns in columns_of_class("free_text").items():
            for column in columns:
                if table in tables and column in tables[table].columns:
                    needles.add_notes(table, tables[table][column])
        return needles

    @classmethod
    def from_store(cls, store: Any) -> Needles:
        """From every person and note in a :class:`~mentorkit.store.Store`."""
        names = {"person", *columns_of_class("free_text")}
        return cls.from_tables({name: store.table(name) for name in sorted(names)})


def _sequences(tokens: list[str], wanted: set[tuple[str, ...]]) -> Iterator[int]:
    """Indices where one of the ``wanted`` word sequences starts in ``tokens``."""
    if not wanted:
        return
    firsts = {w[0] for w in wanted}
    lengths = sorted({len(w) for w in wanted})
    for i, token in enumerate(tokens):
        if token in firsts and any(tuple(tokens[i:i + n]) in wanted for n in lengths):
            yield i


def visible_text(document: str) -> str:
    """What a reader sees of an HTML document: no styles, scripts, tags or embedded images;
    the ``alt`` and ``title`` texts kept. Line breaks stay where they were.

    Example
    -------
    >>> " ".join(visible_text('<style>.Madsen{}</style><p title="a note">18 <b>mentees</b>'
    ...                       '</p>').split())
    '18 mentees a note'
    """
    text = _BLOCKS.sub(_blank, document)
    alts = " ".join(_ALT.findall(text))
    return _TAG.sub(_blank, text) + " " + alts


def _blank(match: re.Match[str]) -> str:
    """A removed piece of markup: as many line breaks as it had, or one space."""
    return "\n" * match.group(0).count("\n") or " "


def scan_text(text: str, needles: Needles, source: str = "<text>", *,
              markup: bool = False) -> list[Leak]:
    """Every line of ``text`` holding personal data, as :class:`Leak` (one per kind and line).

    Names, addresses and notes are found across line breaks too (reported at their first
    word's line). ``markup=True`` reads ``text`` as HTML: only what a reader sees is scanned
    (:func:`visible_text`).
    """
    text = _DATA_URI.sub(" ", text)
    if markup:
        text = visible_text(text)
    text = _ESCAPES.sub("  ", html.unescape(text))
    breaks = [m.start() for m in re.finditer("\n", text)]

    def line(offset: int) -> int:
        return bisect.bisect_right(breaks, offset) + 1

    found: set[tuple[int, str]] = set()
    matches = list(_WORD.finditer(text))
    tokens = [m.group(0).casefold() for m in matches]
    for i in _sequences(tokens, needles.names):
        found.add((line(matches[i].start()), "person.name"))
    named = {n for n, _ in found}
    for i in _sequences([m.group(0) for m in matches], needles.last_names):
        if line(matches[i].start()) not in named:  # case-sensitive: a name, not a word
            found.add((line(matches[i].start()), "person.last_name"))
    for i in _sequences(tokens, needles.addresses):
        found.add((line(matches[i].start()), "person.address"))
    for n in {len(k) for k in needles.notes}:
        for i in _sequences(tokens, {k for k in needles.notes if len(k) == n}):
            found.add((line(matches[i].start()), needles.notes[tuple(tokens[i:i + n])]))
    for m in _EMAIL.finditer(text):
        if m.group(0).casefold() in needles.emails:
            found.add((line(m.start()), "person.email"))
    for m in _PHONE.finditer(text):
        digits = _digits(m.group(0))
        if len(digits) >= _PHONE_DIGITS and digits[-_PHONE_DIGITS:] in needles.phones:
            found.add((line(m.start()), "person.phone"))
    return [Leak(source, number, kind) for number, kind in sorted(found)]


def _notebook_outputs(path: Path) -> Iterator[tuple[str, str]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            yield from _output_texts(output)


def _output_texts(output: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(mime type, text) of one Jupyter output (stream, result, display data, error)."""
    for key in ("text", "traceback", "evalue"):
        value = output.get(key)
        if value:
            yield "text/plain", "".join(value) if isinstance(value, list) else str(value)
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            yield mime, "".join(value) if isinstance(value, list) else json.dumps(value)


def scan_file(path: str | Path, needles: Needles) -> list[Leak]:
    """Scan one file; a notebook's outputs only (its code is not data)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return [Leak(f"{path} (output {i + 1})", leak.line, leak.kind)
                for i, (mime, text) in enumerate(_notebook_outputs(path))
                for leak in scan_text(text, needles, markup=mime == "text/html")]
    return scan_text(path.read_text(encoding="utf-8", errors="replace"), needles, str(path),
                     markup=path.suffix in (".html", ".htm"))


def scan_paths(paths: Iterable[str | Path], needles: Needles,
               suffixes: tuple[str, ...] = TEXT_SUFFIXES) -> tuple[list[Leak], int]:
    """Scan files and folders (recursively, files ending in ``suffixes``).

    Returns the leaks and the number of files read.
    """
    leaks: list[Leak] = []
    files = 0
    for root in map(Path, paths):
        found = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes)
        for path in found:
            leaks.extend(scan_file(path, needles))
            files += 1
    return leaks, files

"""Find personal data where it must never be: logs, error messages, notebook outputs, reports.

:class:`Needles` holds what to look for, taken from the direct identifiers and free text of a
store or of tables (full names, last names, e-mail addresses, phone numbers, street
addresses, notes). :func:`scan_text` and :func:`scan_paths` report every place one occurs as
a :class:`Leak`: where (file and line) and what kind (``person.email``), never the value
itself, so the scan's own report is safe to print and keep.

Matching is by words, not characters, so line breaks, HTML markup and entities, JSON
escaping and extra spaces do not hide a name: ``Gitte   Madsen``, ``Gitte&nbsp;Madsen`` and
``"Gitte\\nMadsen"`` are all found. Phone numbers are compared on their last eight digits,
whatever the spacing or country prefix. A national id (CPR, BSN) in any spelling is found
too (:func:`mentorkit.model.national_ids.find_national_id`, within one table cell: runs of
two spaces, tabs and bars separate cells, so a row of counts is not read as one id).

Encoded text is decoded and scanned as well, so an output cannot hide a name by encoding
it: base64 (standard and URL-safe, also wrapped over lines), ``data:`` URIs (base64 or
percent-encoded, in any attribute or script), quoted-printable (``=40`` for ``@``) and
percent-encoding (``%40``). Only what decodes to text is scanned (UTF-8 with no control
characters): PNG, JPEG, GIF, PDF and other binary payloads are left alone, and a random word
that happens to be valid base64 decodes to no text. A finding in decoded text says how it
was hidden: ``person.email (base64)``.

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

import base64
import binascii
import bisect
import html
import json
import quopri
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mentorkit.model.national_ids import find_national_id

__all__ = ["Leak", "Needles", "TEXT_SUFFIXES", "columns_of_class", "decoded_texts", "scan_file",
           "scan_paths", "scan_payload", "scan_text", "visible_text"]

TEXT_SUFFIXES = (".log", ".txt", ".html", ".htm", ".md", ".ipynb", ".err", ".out")
"""Files :func:`scan_paths` reads (notebooks: their outputs only)."""

_WORD = re.compile(r"\w+", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s\\n]+")
_BLOCKS = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_ALT = re.compile(r"(?:alt|title)=\"([^\"]*)\"")
_MARKUP = frozenset({"text/html", "image/svg+xml"})
_ESCAPES = re.compile(r"\\[nrt]")
_DATA_ANY = re.compile(r"data:([\w/+.-]{0,100})"
                       r"((?:;(?!base64[,;])[\w.+-]{1,40}(?:=[\w.+-]{0,60})?){0,5})"
                       r"(;base64)?,([^\s\"'<>)]*)", re.I)
_B64_RUN = re.compile(r"(?<![\w+/-])[A-Za-z0-9+/_-]{12,}(?:(?:\r?\n|\\n)[A-Za-z0-9+/_-]{4,})*"
                      r"={0,2}(?![\w+/=-])")
_PIECE = re.compile(r"[^\s<>\"']+(?:=\r?\n[^\s<>\"']+)*")
"""A run of text without spaces or quotes (a quoted-printable one may wrap with ``=``)."""
_QP = re.compile(r"=[0-9A-F]{2}|=\r?\n")
_ESCAPED = re.compile(r"=[0-9A-F]{2}|=\r?\n|%[0-9A-Fa-f]{2}")
_SEPARATORS = " \t\r\n\f\v<>\"'"
"""What ends a piece of text (as ``_PIECE`` reads it)."""
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_BINARY = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"RIFF", b"\x1f\x8b", b"PK\x03\x04",
           b"BM", b"\x00\x00\x01\x00", b"wOF")
_CELL = re.compile(r"[ \u00a0]{2,}|[|\t\n]")
_DECIMAL = re.compile(r"\d\.\d{5,}")
_MAX_DEPTH = 2
"""Encodings inside encodings decoded (base64 of a data: URI of ...)."""
_MAX_DECODED = 20_000_000
"""Characters of one encoded payload decoded at most."""
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
    >>> columns_of_class("free_text")["match"]
    ('notes', 'check_reason', 'reopen_reason')
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

    def add_notes(self, table: str, notes: Iterable[Any], column: str = "notes") -> None:
        """Add the free text of ``table``'s ``column`` (each text's opening words)."""
        for note in notes:
            if note is None or (isinstance(note, float) and pd.isna(note)) or note is pd.NA:
                continue
            words = _words(str(note))
            if len(words) >= _MIN_NOTE_WORDS:
                self.notes[words[:_NOTE_WINDOW]] = f"{table}.{column}"

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
                    needles.add_notes(table, tables[table][column], column)
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


def _as_text(data: bytes) -> str | None:
    """``data`` as text when it is text (UTF-8, no control characters), else None."""
    if not data or data.startswith(_BINARY):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else text


def _unbase64(payload: str) -> str | None:
    """The text a base64 (or URL-safe base64) payload encodes, or None."""
    compact = re.sub(r"\s|\\n", "", payload)
    if len(compact) > _MAX_DECODED:
        return None
    head = compact[:16].replace("-", "+").replace("_", "/")
    try:
        if base64.b64decode(head[:len(head) // 4 * 4]).startswith(_BINARY):
            return None  # a picture or another binary file: not decoded further
    except (binascii.Error, ValueError):
        return None
    compact = compact.rstrip("=")
    padded = compact + "=" * (-len(compact) % 4)
    try:
        if "-" in compact or "_" in compact:
            data = base64.urlsafe_b64decode(padded)
        else:
            data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return _as_text(data)


def decoded_texts(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, encoding, text) of every encoded piece of ``text`` that decodes to text.

    Example
    -------
    >>> [(how, out) for _, how, out in decoded_texts("id Z2l0dGUubWFkc2VuQGV4YW1wbGUuZGs=")]
    [('base64', 'gitte.madsen@example.dk')]
    >>> list(decoded_texts("<img src='data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=='>"))
    []
    """
    uris = []
    for m in _DATA_ANY.finditer(text):
        uris.append((m.start(), m.end()))
        mime, is_base64, payload = m.group(1).lower(), m.group(3), m.group(4)
        if is_base64:
            if mime.startswith("image/") and not mime.endswith("xml"):
                continue  # a picture: binary
            out = _unbase64(payload)
            if out is not None:
                yield m.start(), "data URI", out
        elif payload:
            yield m.start(), "data URI", urllib.parse.unquote(payload)
    parts: list[str] = []
    last = 0
    for start, end in uris:  # bare runs outside the data URIs already read (offsets kept)
        parts += [text[last:start], " " * (end - start)]
        last = end
    rest = "".join([*parts, text[last:]])
    for m in _B64_RUN.finditer(rest):
        run = m.group(0)
        if run.islower() or run.isupper() or run.isdigit():
            continue  # a word, a code or a number: base64 of text mixes cases
        out = _unbase64(run)
        if out is not None and out.strip():
            yield m.start(), "base64", out
    covered = -1
    for m in _ESCAPED.finditer(rest):
        if m.start() < covered:
            continue
        first = max(rest.rfind(c, 0, m.start()) for c in _SEPARATORS) + 1
        whole = _PIECE.match(rest, first)
        if whole is None:  # pragma: no cover - an escape is never a separator
            continue
        covered = whole.end()
        piece = whole.group(0)
        if _QP.search(piece):
            out = _as_text(quopri.decodestring(piece.encode("utf-8")))
            if out is not None and out != piece:
                yield first, "quoted-printable", out
        if _PERCENT.search(piece):
            try:
                out = urllib.parse.unquote(piece, errors="strict")
            except UnicodeDecodeError:
                continue
            if out != piece:
                yield first, "percent-encoded", out


def _national_ids(text: str) -> Iterator[tuple[int, str]]:
    """(offset, kind) of the national ids in ``text``, looked for cell by cell."""
    start = 0
    for m in [*_CELL.finditer(text), None]:
        end = len(text) if m is None else m.start()
        cell = text[start:end]
        if sum(map(str.isdigit, cell)) >= 9:
            kind = find_national_id(_DECIMAL.sub(" ", cell))
            if kind is not None:
                yield start, f"national_id.{kind}"
        if m is not None:
            start = m.end()


def _decoded_leaks(pieces: Iterable[tuple[int, str, str]], raw: str, needles: Needles,
                   source: str, depth: int) -> set[tuple[int, str]]:
    """(line, kind) of what the decoded ``pieces`` of ``raw`` hold, each kind saying how it
    was encoded (``person.email (base64)``). The pieces of one encoding are read together,
    one scan of their text (each distinct text once), and each finding goes back to the
    line of ``raw`` its piece came from."""
    breaks = [m.start() for m in re.finditer("\n", raw)]
    groups: dict[tuple[str, bool], dict[str, list[int]]] = {}
    for offset, how, decoded in pieces:
        html_like = "<" in decoded and ">" in decoded
        groups.setdefault((how, html_like), {}).setdefault(decoded, []).append(
            bisect.bisect_right(breaks, offset) + 1)
    found: set[tuple[int, str]] = set()
    for (how, html_like), texts in groups.items():
        firsts: list[int] = []
        line = 1
        for text in texts:
            firsts.append(line)
            line += text.count("\n") + 2  # a blank line between pieces: no word spans two
        combined = "\n\n".join(texts)
        owners = list(texts.values())
        for leak in scan_text(combined, needles, source, markup=html_like, _depth=depth + 1):
            kind, _, inner = leak.kind.partition(" (")
            label = f"{kind} ({how}{', ' + inner[:-1] if inner else ''})"
            for where in owners[bisect.bisect_right(firsts, leak.line) - 1]:
                found.add((where, label))
    return found


def scan_payload(payload: str, needles: Needles, source: str = "<payload>") -> list[Leak]:
    """What a base64 payload (a notebook output of a binary type: ``image/png``,
    ``application/pdf`` …) hides, when it decodes to text; a real picture is not decoded.

    Example
    -------
    >>> import base64, pandas as pd
    >>> needles = Needles.from_tables({"person": pd.DataFrame({"email": ["a.b@example.dk"]})})
    >>> [leak.kind for leak in scan_payload(base64.b64encode(b"a.b@example.dk").decode(),
    ...                                     needles)]
    ['person.email (base64)']
    """
    text = _unbase64(payload)
    pieces = [] if text is None else [(0, "base64", text)]
    return [Leak(source, line, kind)
            for line, kind in sorted(_decoded_leaks(pieces, "", needles, source, 0))]


def scan_text(text: str, needles: Needles, source: str = "<text>", *,
              markup: bool = False, ids: bool = True, _depth: int = 0) -> list[Leak]:
    """Every line of ``text`` holding personal data, as :class:`Leak` (one per kind and line).

    Names, addresses and notes are found across line breaks too (reported at their first
    word's line). ``markup=True`` reads ``text`` as HTML: only what a reader sees is scanned
    (:func:`visible_text`), and every encoded piece of the whole document
    (:func:`decoded_texts`).
    """
    found: set[tuple[int, str]] = set()
    if _depth <= _MAX_DEPTH:
        found |= _decoded_leaks(decoded_texts(text), text, needles, source, _depth)
    text = _DATA_URI.sub(" ", text)
    if markup:
        text = visible_text(text)
    text = _ESCAPES.sub("  ", html.unescape(text))
    breaks = [m.start() for m in re.finditer("\n", text)]

    def line(offset: int) -> int:
        return bisect.bisect_right(breaks, offset) + 1

    if ids:
        for offset, kind in _national_ids(text):
            found.add((line(offset), kind))
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
        if _is_text(mime):
            yield mime, "".join(value) if isinstance(value, list) else json.dumps(value)
        elif isinstance(value, (str, list)):  # base64 (a picture, a PDF ... or hidden text)
            yield mime, "".join(value) if isinstance(value, list) else value


def _is_text(mime: str) -> bool:
    """True for an output type Jupyter keeps as text (else it keeps base64)."""
    return mime.startswith("text/") or mime.endswith("json") or mime.endswith("xml") \
        or mime == "application/javascript"


def scan_file(path: str | Path, needles: Needles) -> list[Leak]:
    """Scan one file; a notebook's outputs only (its code is not data)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return [Leak(f"{path} (output {i + 1})", leak.line, leak.kind)
                for i, (mime, text) in enumerate(_notebook_outputs(path))
                for leak in (scan_text(text, needles, markup=mime in _MARKUP,
                                       ids=not mime.endswith("json"))
                             if _is_text(mime) else scan_payload(text, needles))]
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

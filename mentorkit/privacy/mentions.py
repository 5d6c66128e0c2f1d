"""Where other people's free text mentions a person, whatever the spelling: found and redacted.

An erased person's name may be written in another order, case or with a comma
("BOUWHUISEN, Valentijn"), with or without accents ("Zoe" for "Zoë"); her phone with any
spacing or country prefix ("+31 6-12 34 56 78" for "0612345678"); her address with other
spacing or commas. :func:`mention_spans` finds each on a folded copy of the text (accents
dropped, case folded) and maps the spans back to the original, so :func:`redact` replaces
exactly what was written.

- name: all of the person's name words, in any order, separated by spaces, commas, dots or
  hyphens (a lone first name is not looked for: too many people share it);
- e-mail: the address, case ignored;
- phone: its last eight digits with any non-digit separators between them, after an
  optional ``+``/``00`` country code or a leading ``0`` (fewer than six digits: not looked for);
- address: its words in order, any spacing or commas between them (five characters or more).

Example
-------
>>> person = {"first_name": "Valentijn", "last_name": "Bouwhuisen", "phone": "0612345678",
...           "address": "Kerkstraat 12", "email": "vb@example.org"}
>>> redact("BOUWHUISEN, Valentijn (06-12 34 56 78) lives at kerkstraat  12.", person)
'[erased] ([erased]) lives at [erased].'
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "mention_spans", "mentions", "patterns", "redact"]

REDACTED = "[erased]"
"""What replaces an erased person's name, e-mail, phone or address in other people's text."""

_SEP = r"[\s,.\-]+"
_PHONE_SEP = r"[\s\-./()]*"
_MAX_PERMUTED = 5  # name words permuted (5! = 120 orders); longer names: the written order


def _fold_char(c: str) -> str:
    decomposed = unicodedata.normalize("NFKD", c)
    return "".join(x for x in decomposed if not unicodedata.combining(x)).casefold()


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the original position."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


def _words(value: Any) -> list[str]:
    return [w for w in re.split(r"[\s,]+", _folded(str(value or ""))[0]) if w]


def patterns(person: Mapping[str, Any]) -> list[re.Pattern[str]]:
    """The patterns (on folded text) that find a mention of ``person``.

    Example
    -------
    >>> [bool(p.search("mail ab@cd.dk")) for p in patterns({"email": "AB@cd.dk"})]
    [True]
    """
    found: list[re.Pattern[str]] = []
    names = _words(person.get("first_name")) + _words(person.get("last_name"))
    names = [re.sub(r"[.,]+$", "", n) for n in names if len(n) > 1]
    if len(names) >= 2:
        orders = (itertools.permutations(names) if len(names) <= _MAX_PERMUTED
                  else [tuple(names), tuple(reversed(names))])
        alternatives = sorted({_SEP.join(map(re.escape, o)) for o in orders},
                              key=len, reverse=True)
        found.append(re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"))
    email = _folded(str(person.get("email") or "").strip())[0]
    if len(email) >= 5:
        found.append(re.compile(rf"(?<![\w.]){re.escape(email)}(?!\w)"))
    digits = "".join(c for c in unicodedata.normalize("NFKC", str(person.get("phone") or ""))
                     if c.isdigit())
    if len(digits) >= 6:
        core = digits[-8:]
        body = _PHONE_SEP.join(core)
        found.append(re.compile(rf"(?<![\d+])(?:(?:\+|00)\d{{1,3}}{_PHONE_SEP}|0{_PHONE_SEP})?"
                                rf"(?:\d{_PHONE_SEP})?{body}(?!\d)"))
    address = _words(person.get("address"))
    if len("".join(address)) >= 5:
        found.append(re.compile(rf"(?<!\w){_SEP.join(map(re.escape, address))}(?!\w)"))
    return found


def _fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(x for x in decomposed if not unicodedata.combining(x)).casefold()


def mentions(text: str | None, found: list[re.Pattern[str]]) -> bool:
    """True when ``text`` mentions the person ``found`` (:func:`patterns`) looks for: the
    quick test before :func:`redact`.

    Example
    -------
    >>> mentions("Spoke to ZOË ÅBERG", patterns({"first_name": "Zoe", "last_name": "Aberg"}))
    True
    """
    if not text or not found:
        return False
    folded = _fold_text(text)
    return any(p.search(folded) for p in found)


def mention_spans(text: str, person: Mapping[str, Any],
                  found: list[re.Pattern[str]] | None = None) -> list[tuple[int, int]]:
    """The (start, end) spans of ``text`` that mention ``person``, merged, in order.

    Example
    -------
    >>> mention_spans("Met ZOË Åberg", {"first_name": "Zoe", "last_name": "Aberg"})
    [(4, 13)]
    """
    if not text:
        return []
    folded, where = _folded(text)
    spans = []
    for pattern in patterns(person) if found is None else found:
        for m in pattern.finditer(folded):
            if m.end() > m.start():
                spans.append((where[m.start()], where[m.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, person: Mapping[str, Any], replacement: str = REDACTED,
           found: list[re.Pattern[str]] | None = None) -> str:
    """``text`` with every mention of ``person`` replaced.

    Example
    -------
    >>> redact("Ring +45 12 34 56 78 om Amal", {"first_name": "Amal", "last_name": "Hassan",
    ...                                          "phone": "12345678"})
    'Ring [erased] om Amal'
    """
    out = text
    for start, end in reversed(mention_spans(text, person, found)):
        out = out[:start] + replacement + out[end:]
    return out

"""National ids (Danish CPR, Dutch BSN) in any spelling, found without ever echoing them.

One normalisation and one detector, used by every column check (:mod:`.validation`), so the
store, the importer and the forms refuse the same spellings:

- **Normalise** (:func:`normalise`): NFKC (full-width digits and signs become ASCII), every
  other decimal digit (Arabic-Indic ``٠١٢``, Persian ``۰۱۲``, Devanagari …) mapped to 0–9,
  invisible format characters (zero-width spaces, soft hyphens, direction marks) removed,
  and every separator — hyphen-like characters (hyphen, non-breaking hyphen, minus sign,
  en/em dash …), slashes, dots, parentheses, underscores and spaces (incl. non-breaking and
  thin spaces) — turned into one space. Up to three separators in a row join digit groups.
- **Detect** (:func:`find_national_id`) on whole digit groups, never on digits cut out of a
  longer run:

  * CPR: ten digits ``ddmmyy xxxx`` with a real day and month, written bare (``0101901234``)
    or grouped as a CPR is (``010190 1234``, ``01.01.90-1234``), whatever the separator;
    and a value that is nothing but nine digits whose zero-padded form is such a CPR
    (``101901234``: Excel dropped the leading zero; only a whole cell, where Excel does it).
  * BSN: nine digits passing the Dutch eleven-test (elfproef), bare or grouped as a BSN
    (``111 222 333``, ``1112.22.333``). Nine digits that fail it are not flagged: that is
    what keeps ordinary numbers (orders, amounts) from being refused.

What is a phone, not an id (the trade-off): ``0612345678`` is day 06, month 12, so every
Dutch number is also shaped like a CPR of someone born on the 1st–9th. Context decides:

  * a number after ``+`` or ``00`` (``+31 6 12345678``, ``0045 20 12 34 56``) is a phone for
    its first 15 digits (E.164's longest); digits beyond them are checked;
  * a ten-digit number starting with 0 grouped like a phone (``06-12345678``,
    ``050 123 4567``, ``06 12 34 56 78``) is a phone; grouped like a CPR (6+4, 2+2+2+4) it
    is a CPR everywhere, the phone column too;
  * bare ten digits starting with ``06`` (a Dutch mobile) are a phone in free text; other
    bare ``0…`` ten-digit numbers are refused in free text (a Dutch landline written without
    a space, ``0501234567``, is the false positive: write ``050 123 4567``) and accepted in
    the phone column (where ``0101901234`` could be a Rotterdam number: the CPR of someone
    born on the 1st–9th written bare in the phone column is the miss);
  * a long code mixing letters and digits (16+ characters: a hash, an IBAN) is not a number.
  * a UUID (a kernel's or session's id in a server log) is not a number.

The answer is ``"CPR"``, ``"BSN"`` or ``None``, never the digits.

Example
-------
>>> find_national_id("born 010190\\u20111234"), find_national_id("tlf 0612345678")
('CPR', None)
>>> find_national_id("BSN １１１ ２２２ ３３３"), find_national_id("order 123456789")
('BSN', None)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any, Literal

__all__ = ["IdKind", "find_in_value", "find_national_id", "is_bsn", "normalise"]

IdKind = Literal["CPR", "BSN"]

#: Separators besides hyphen-like (Unicode Pd) and space-like (Zs) characters.
_SEPARATORS = frozenset("-/\\._()\t\n\r\u2212\u2044\u2215\u00b7\u2027\u2219\u22c5\u30fb\u2043")
_ASCII_SEPARATORS = re.compile(r"[-/\\._()\s]")
_CODE = re.compile(r"[0-9A-Za-z]{16,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TOKEN = re.compile(r"\d+(?: {1,3}\d+)*")
_GROUP = re.compile(r"\d+")
_EXCEL_FLOAT = re.compile(r"(\d{9,10})\.0+")
_CPR_GROUPINGS = {(10,), (6, 4), (2, 2, 2, 4)}
_BSN_GROUPINGS = {(9,), (3, 3, 3), (4, 2, 3)}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
E164_DIGITS = 15
"""The longest international phone number (digits after ``+``)."""


def normalise(text: str) -> str:
    """``text`` with ASCII digits, invisible characters removed, separators as one space each.

    Example
    -------
    >>> normalise("٠١٠١٩٠\\u2014１２３４ x")
    '010190 1234 x'
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        out = []
        for ch in text:
            if ch.isascii():
                out.append(ch)
                continue
            category = unicodedata.category(ch)
            if category == "Nd":
                out.append(str(unicodedata.decimal(ch)))
            elif category == "Cf":
                continue
            elif category in ("Pd", "Zs") or ch in _SEPARATORS:
                out.append(" ")
            else:
                out.append(ch)
        text = "".join(out)
    return _ASCII_SEPARATORS.sub(" ", text)


def is_bsn(digits: str) -> bool:
    """True when nine digits pass the Dutch BSN eleven-test.

    Example
    -------
    >>> is_bsn("111222333"), is_bsn("123456789")
    (True, False)
    """
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def _is_ddmm(digits: str) -> bool:
    day, month = int(digits[:2]), int(digits[2:4])
    return 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]


def _windows(groups: list[str]) -> Iterator[tuple[int, tuple[int, ...], str]]:
    """Each run of whole groups (up to four): the digits before it, its grouping, digits."""
    before = 0
    for i in range(len(groups)):
        for n in range(1, 5):
            if i + n > len(groups):
                break
            window = groups[i:i + n]
            yield before, tuple(len(g) for g in window), "".join(window)
        before += len(groups[i])


def find_national_id(text: str, phone: bool = False) -> IdKind | None:
    """``"CPR"`` or ``"BSN"`` when ``text`` holds one in any spelling, else ``None``.

    ``phone``: the text is a phone column's value, where bare ten digits starting with 0
    are a Dutch number. The digits are never returned. See the module for the rules.

    Example
    -------
    >>> find_national_id("010190 1234"), find_national_id("101901234")
    ('CPR', 'CPR')
    >>> find_national_id("0101901234", phone=True), find_national_id("06-12345678")
    (None, None)
    >>> find_national_id("session_id=6838493f-2014-4844-8043-732407254d14")  # a UUID
    """
    if sum(c.isdigit() for c in text) < 9:
        return None
    plain = normalise(_UUID.sub("#", text))  # a kernel's or session's id is no person's
    plain = _CODE.sub(lambda m: "#" if not m.group().isdigit() else m.group(), plain)
    whole = plain.strip()
    excel = _EXCEL_FLOAT.fullmatch(whole)
    if excel:
        whole = plain = excel.group(1)
    if len(whole) == 9 and whole.isdigit() and _is_ddmm("0" + whole):
        return "CPR"  # a whole cell of nine digits: a CPR whose leading zero Excel dropped
    for token in _TOKEN.finditer(plain):
        groups = _GROUP.findall(token.group())
        start = token.start()
        international = (start > 0 and plain[start - 1] == "+") or groups[0].startswith("00")
        phone_digits = E164_DIGITS + (2 if groups[0].startswith("00") else 0)
        for before, grouping, digits in _windows(groups):
            if international and before + len(digits) <= phone_digits:
                continue
            if grouping in _CPR_GROUPINGS and _is_ddmm(digits):
                if grouping == (10,) and digits[0] == "0" and (phone or digits[1] == "6"):
                    continue  # a Dutch number written bare (a mobile, or in the phone column)
                return "CPR"
            if grouping in _BSN_GROUPINGS and is_bsn(digits):
                return "BSN"
    return None


def find_in_value(value: Any, phone: bool = False) -> IdKind | None:
    """:func:`find_national_id` on a value of any column: text, a whole number, or JSON.

    JSON (dicts and lists, any depth, walked without recursion) is checked key by key and
    leaf by leaf; a whole number (an int, or a float without fraction) as its digits;
    fractions are never ids.

    Example
    -------
    >>> find_in_value({"language": 0.8, "note": ["ok", {"cpr": "010190/1234"}]})
    'CPR'
    >>> find_in_value(101901234), find_in_value(0.123456789)
    ('CPR', None)
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
            continue
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, float):
            if item != item or not item.is_integer() or abs(item) > 1e12:
                continue
            item = int(item)
        found = find_national_id(str(item), phone)
        if found:
            return found
    return None

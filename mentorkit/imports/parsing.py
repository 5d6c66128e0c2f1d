"""From text cells to typed columns: dates, numbers, codes and lists, column by column.

Every conversion is explicit and vectorised over a whole column:

- dates: ``dd-mm-yyyy``, ``dd.mm.yyyy`` or ``yyyy-mm-dd`` (day and month may have one
  digit), optionally followed by a time ``HH:MM[:SS]`` in date-and-time columns; nothing
  else is guessed (``03/04/2020`` is refused: April 3rd or March 4th?);
- whole numbers: digits only (``1984``; ``1984.0`` from Excel is accepted);
- decimal numbers: ``37.5`` or ``37,5``;
- codes: the code itself or its Danish, English or Dutch label, in any case (``Kvinde`` →
  ``female``); lists of codes are written ``ar|en`` or ``Arabisk, Engelsk``;
- text: kept as written, trimmed; ids, postcodes and phone numbers stay text (leading zeros
  kept). The ``'`` an export puts before ``=``, ``+``, ``-``, ``@`` (or before another
  ``'``) to stop formulas is removed again.

Example
-------
>>> import pandas as pd
>>> s = pd.Series(["31-12-2024", "1.2.2020", "2020-02-30", "03/04/2020", ""], index=range(2, 7))
>>> values, bad = parse_dates(s)
>>> values.dt.strftime("%Y-%m-%d").tolist()[:2]
['2024-12-31', '2020-02-01']
>>> {rule: mask[mask].index.tolist() for rule, (mask, allowed) in bad.items() if mask.any()}
{'unsupported date format': [5], 'not a real date': [4]}
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.imports.limits import LIMITS, json_depth
from mentorkit.model.frames import LIST_SEPARATOR, kind
from mentorkit.model.schema import TABLES
from mentorkit.model.validation import Problem

__all__ = ["DATE_FORMATS", "parse_column", "parse_dates", "parse_frame", "vocab_lookup"]

DATE_FORMATS = "dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd (e.g. 31-12-2024)"
YEARS = (1900, 2100)
_DAY_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_FORMATS = _DAY_FORMATS + tuple(f"{day}{sep}{clock}" for day in _DAY_FORMATS
                                for sep in (" ", "T") for clock in ("%H:%M:%S", "%H:%M"))
# the shape of a date in one of those formats, to tell "not a real date" from "unsupported"
_DATE = (r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})-(\d{1,2})-(\d{4})"
         r"|(\d{1,2})\.(\d{1,2})\.(\d{4}))(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_INT = r"[+-]?\d{1,12}(?:\.0*)?"
_FLOAT = r"[+-]?(?:\d{1,15}(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?"
_UNNEUTRALISE = r"^'(?=[=+\-@\t\r'])"

# Bad-cell masks by rule: {rule: (mask, allowed)}.
Bad = dict[str, tuple[pd.Series, str]]


@cache
def vocab_lookup(name: str) -> dict[str, str]:
    """Case-folded codes and labels (da, en, nl) of a vocabulary, each to its code.

    A label that two codes share is left out; a code always maps to itself.

    Example
    -------
    >>> vocab_lookup("gender")["kvinde"], vocab_lookup("country")["dk"]
    ('female', 'DK')
    """
    v = vocab.get(name)
    found: dict[str, set[str]] = {}
    for code, labels in v.entries.items():
        for text in labels:
            found.setdefault(text.strip().casefold(), set()).add(code)
    table = {key: codes.pop() for key, codes in found.items() if len(codes) == 1}
    table.update({code.casefold(): code for code in v.codes})
    return table


def _empty_to_na(raw: pd.Series) -> pd.Series:
    text = raw.astype("str")
    return text.mask(text == "")


def parse_text(raw: pd.Series) -> pd.Series:
    """Text cells, empty as missing, an export's formula guard (``'=``) removed."""
    text = _empty_to_na(raw)
    return text.str.replace(_UNNEUTRALISE, "", regex=True)


def parse_code(raw: pd.Series, vocabulary: str) -> pd.Series:
    """Codes from codes or labels in any case; unknown text is kept (validation names it)."""
    text = _empty_to_na(raw)
    mapped = text.str.casefold().map(vocab_lookup(vocabulary))
    return text.where(mapped.isna(), mapped).astype("str")


def _comma_parts(text: str, lookup: dict[str, str]) -> list[str]:
    """A part of a list cell that is no code or label split at its commas, the longest run of
    pieces that is a label taken first (``Weekdays, daytime`` is one label)."""
    if not lookup or text.casefold() in lookup or "," not in text:
        return [text]
    pieces = [p.strip() for p in text.split(",")]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joined = ", ".join(pieces[i:j])
            if j == i + 1 or joined.casefold() in lookup:
                out.append(joined)
                i = j
                break
    return out


def parse_list(raw: pd.Series, vocabulary: str | None) -> pd.Series:
    """``a|b`` or ``a, b`` cells as lists of codes (labels mapped, duplicates dropped).

    Commas separate values of a vocabulary as ``|`` does (``Arabisk, Engelsk``), except
    inside a label that has one (``Weekdays, daytime``).

    Example
    -------
    >>> parse_list(pd.Series(["Arabisk, Engelsk", "ar|da", "Weekdays, daytime, Evenings"]),
    ...            "language").tolist()[:2]
    [['ar', 'en'], ['ar', 'da']]
    >>> parse_list(pd.Series(["Weekdays, daytime, weekends"]), "availability").tolist()
    [['weekday_daytime', 'weekend']]
    """
    lookup = vocab_lookup(vocabulary) if vocabulary else {}

    def split(text: str) -> list[str]:
        parts = (p.strip() for p in text.split(LIST_SEPARATOR))
        pieces = (q for p in parts if p for q in _comma_parts(p, lookup) if q)
        codes = (lookup.get(q.casefold(), q) for q in pieces)
        return list(dict.fromkeys(codes))

    texts = raw.astype("str").tolist()
    lists = {text: split(text) for text in set(texts)}  # files repeat the same few values
    return pd.Series([list(lists[t]) for t in texts], index=raw.index, dtype=object)


def parse_ints(raw: pd.Series) -> tuple[pd.Series, Bad]:
    """Whole numbers (``Int64``) and the cells that are not one."""
    text = _empty_to_na(raw).str.strip()
    ok = text.str.fullmatch(_INT).fillna(False).astype(bool)
    bad = text.notna() & ~ok
    digits = text.where(ok).str.replace(r"\.0*$", "", regex=True)
    values = pd.to_numeric(digits, errors="coerce").astype("Int64").array
    return pd.Series(values, index=raw.index), {
        "not a whole number": (bad, "a whole number written with digits only, like 1984")}


def parse_floats(raw: pd.Series) -> tuple[pd.Series, Bad]:
    """Decimal numbers (``37.5`` or ``37,5``) and the cells that are not one."""
    text = _empty_to_na(raw).str.strip().str.replace(r"^([+-]?\d+),(\d+)$", r"\1.\2",
                                                       regex=True)
    ok = text.str.fullmatch(_FLOAT).fillna(False).astype(bool)
    values = pd.to_numeric(text.where(ok), errors="coerce").astype("float64")
    ok &= np.isfinite(values.fillna(0.0))
    bad = text.notna() & ~ok
    return values.where(ok), {"not a number": (bad, "a number like 37.5 or 37,5")}


def _formats_in_order(text: pd.Series) -> list[str]:
    """The accepted formats, those that read a sample of ``text`` first (for speed only:
    every format is still tried on what the others could not read)."""
    sample = text.dropna().head(200)
    if sample.empty:
        return list(_FORMATS)
    hits = {fmt: int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
            for fmt in _FORMATS}
    return sorted(_FORMATS, key=lambda fmt: -hits[fmt])


def parse_dates(raw: pd.Series, with_time: bool = False) -> tuple[pd.Series, Bad]:
    """Dates in the three accepted formats (``datetime64[us]``) and the cells that fail.

    Each format is tried with an explicit ``format=`` (never inferred) on the cells no
    earlier format read. Rules: ``unsupported date format`` (anything else, such as
    ``03/04/2020`` or a two-digit year), ``not a real date`` (``31-02-2024``), ``date out
    of range`` (before 1900 or after 2100) and, in date-only columns, ``time of day not
    allowed``.
    """
    text = _empty_to_na(raw).str.strip()
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    todo = text.notna().to_numpy().copy()
    for fmt in _formats_in_order(text):
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        read = parsed.notna().to_numpy()
        if read.any():
            rows = parsed.index[read]
            values.loc[rows] = parsed[read].astype("datetime64[us]")
            todo[raw.index.get_indexer(rows)] = False
    years = values.dt.year
    in_range = years.between(*YEARS) | values.isna()
    timed = values.notna() & (values != values.dt.normalize())
    failed = text.notna() & values.isna()
    shape = pd.Series(False, index=raw.index)
    year_ok = pd.Series(True, index=raw.index)
    if failed.any():
        parts = text[failed].str.extract(_DATE)
        shape.loc[failed] = parts.notna().any(axis=1).to_numpy()
        year = pd.to_numeric(parts[0].fillna(parts[5]).fillna(parts[8]), errors="coerce")
        year_ok.loc[failed] = year.between(*YEARS).to_numpy()
    bad: Bad = {
        "unsupported date format": (failed & ~shape, DATE_FORMATS),
        "date out of range": (~in_range | (failed & shape & ~year_ok),
                              "a year between 1900 and 2100"),
        "not a real date": (failed & shape & year_ok,
                            "a day that exists, day first: 28-02-2023 (not 30-02-2023, "
                            "not month first)"),
    }
    values = values.where(in_range)
    if not with_time:
        bad["time of day not allowed"] = (timed & in_range, "a date without a time of day")
        values = values.where(~timed)
    return values, bad


def parse_json(raw: pd.Series, max_depth: int = LIMITS.max_json_depth
               ) -> tuple[pd.Series, Bad]:
    """JSON objects (``{"language": 0.8}``), the cells that are not one, and those nested
    deeper than ``max_depth`` (refused, never parsed into a value that breaks the stack).

    Example
    -------
    >>> values, bad = parse_json(pd.Series(['{"a": 1}', "[" * 5000 + "]" * 5000]))
    >>> values.tolist()[0], [mask.tolist() for mask, _ in bad.values()]
    ({'a': 1}, [[False, False], [False, True]])
    """
    values: list[object] = []
    bad, deep = [], []
    for text in raw.astype("str").tolist():
        if not text:
            values.append(None)
            bad.append(False)
            deep.append(False)
            continue
        too_deep = False
        try:
            value = json.loads(text)
            too_deep = json_depth(value) > max_depth
        except RecursionError:  # nested thousands deep: the parser runs out of stack
            value, too_deep = None, True
        except ValueError:
            value = None
        if too_deep:
            value = None
        values.append(value if isinstance(value, dict) else None)
        bad.append(not too_deep and not isinstance(value, dict))
        deep.append(too_deep)
    return (pd.Series(values, index=raw.index, dtype=object),
            {"not a JSON object": (pd.Series(bad, index=raw.index),
                                   'an object like {"language": 0.8}'),
             "JSON nested too deeply": (pd.Series(deep, index=raw.index),
                                        f"an object nested at most {max_depth} levels deep, "
                                        'like {"language": 0.8}')})


def parse_column(table: str, name: str, raw: pd.Series) -> tuple[pd.Series, Bad]:
    """One file column as the typed database column ``table.name``."""
    column = TABLES[table].c[name]
    k = kind(column)
    voc = column.info.get("vocab")
    if k == "int":
        return parse_ints(raw)
    if k == "float":
        return parse_floats(raw)
    if k in ("date", "datetime"):
        return parse_dates(raw, with_time=k == "datetime")
    if k == "list":
        return parse_list(raw, voc), {}
    if k == "json":
        return parse_json(raw)
    if voc:
        return parse_code(raw, voc), {}
    return parse_text(raw), {}


def flag(problems: list[Problem], mask: pd.Series, raw: pd.Series, column: str, rule: str,
         allowed: str) -> None:
    """Append a problem for every row where ``mask`` is true (value from ``raw``)."""
    rows = mask.index[mask.fillna(False).astype(bool).to_numpy()]
    problems.extend(Problem(int(r), column, rule, allowed, raw.at[r]) for r in rows)


def parse_frame(table: str, raw: pd.DataFrame, columns: list[str]
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """The ``columns`` of ``raw`` (text) typed as in ``table``, and the cells that fail."""
    out: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for name in columns:
        values, bad = parse_column(table, name, raw[name])
        out[name] = values
        for rule, (mask, allowed) in bad.items():
            flag(problems, mask, raw[name], name, rule, allowed)
    return pd.DataFrame(out, index=raw.index), problems

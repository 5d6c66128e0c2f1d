"""The rules every row must keep, whether it comes from a file, a form or code.

Rules are derived from the schema (required columns, vocabularies, text lengths) plus a few
of their own: no national id (Danish CPR, Dutch BSN) in any field, no double-encoded text
("KÃ¸benhavn"), plausible years and ranges. They are checked with pandera, lazily, so one
pass reports every problem. A :class:`Problem` names row, column and rule; its ``value`` is
for the report shown to whoever entered the data and is never put in an exception message.

Example
-------
>>> import pandas as pd
>>> from mentorkit.model.frames import conform
>>> df = conform("person", pd.DataFrame({"programme_id": [1], "role": ["pilot"]}))
>>> [(p.column, p.rule) for p in validate_frame("person", df)]
[('role', 'allowed values')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from mentorkit import vocab
from mentorkit.errors import ValidationError
from mentorkit.model.frames import kind
from mentorkit.model.national_ids import find_in_value, find_national_id, is_bsn  # noqa: F401
from mentorkit.model.schema import TABLES, Column

if TYPE_CHECKING:
    import pandera.pandas as pa

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\s\-().]{6,20}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

NATIONAL_ID = "national id"
"""The rule's name; a Problem of this rule never keeps its value."""
NATIONAL_ID_ERROR = "a CPR/BSN-like number may never be stored; remove it"

THIS_YEAR = dt.date.today().year
RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("person", "birth_year"): (1920, THIS_YEAR - 14),
    ("person", "arrival_year"): (1950, THIS_YEAR),
    ("person", "capacity"): (0, 10),
    ("outcome", "hours_per_week"): (0, 80),
    ("outcome", "network_size"): (0, 500),
    ("outcome", "confidence"): (1, 5),
    ("target", "value"): (0, 1_000_000),
    ("grant", "amount"): (0, 1e12),
}


@dataclass(frozen=True)
class Problem:
    """One broken rule: where, which rule, what is allowed, and the offending value.

    The value is dropped (``None``) when it holds a CPR/BSN-like number, whatever the rule.
    """

    row: int | None
    column: str
    rule: str
    allowed: str
    value: Any = None

    def __post_init__(self) -> None:
        # A national id is never echoed, not even to its typist, whichever rule it broke.
        if self.value is not None and (
                self.rule == NATIONAL_ID or find_in_value(self.value, self.column == "phone")):
            object.__setattr__(self, "value", None)

    def describe(self, show_value: bool = False) -> str:
        """A readable line; the value only when ``show_value`` (reports to the uploader)."""
        where = f"row {self.row}, " if self.row is not None else ""
        shown = f" (got {self.value!r})" if show_value and self.value is not None else ""
        return f"{where}column {self.column!r}: {self.rule}{shown}; {self.allowed}"


def looks_like_national_id(text: str, phone_field: bool = False) -> bool:
    """True when ``text`` holds a CPR or BSN number in any spelling
    (:func:`mentorkit.model.national_ids.find_national_id`; ``phone_field`` for the phone
    column, where bare ten digits starting with 0 are a Dutch number).

    Example
    -------
    >>> looks_like_national_id("born 010190-1234"), looks_like_national_id("Nørregade 12")
    (True, False)
    """
    return find_national_id(text, phone_field) is not None


def is_mojibake(text: str) -> bool:
    """True for UTF-8 text that was decoded as cp1252/latin-1 once too often.

    Example
    -------
    >>> is_mojibake("KÃ¸benhavn"), is_mojibake("København")
    (True, False)
    """
    if text.isascii():
        return False
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return True
    return False


def _texts(series: pd.Series) -> pd.Series:
    return series.dropna().astype(str)


def _check_no_national_id(phone_field: bool) -> Callable[[pd.Series], pd.Series]:
    def check(series: pd.Series) -> pd.Series:
        ok = pd.Series(True, index=series.index)
        texts = _texts(series)
        digits = texts[texts.str.count(r"\d") >= 9]  # \d: every script's digits
        if len(digits):
            ok.loc[digits.index] = ~digits.map(lambda t: looks_like_national_id(t, phone_field))
        return ok
    return check


def _check_no_national_id_json(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is None or find_in_value(v) is None)


def _check_no_mojibake(series: pd.Series) -> pd.Series:
    ok = pd.Series(True, index=series.index)
    texts = _texts(series)
    odd = texts[~texts.map(str.isascii)]
    if len(odd):
        ok.loc[odd.index] = ~odd.map(is_mojibake)
    return ok


def _check_no_control(series: pd.Series) -> pd.Series:
    ok = pd.Series(True, index=series.index)
    texts = _texts(series)
    ok.loc[texts.index] = ~texts.str.contains(CONTROL, regex=True)
    return ok


def _check_codes(codes: frozenset[str]) -> Callable[[pd.Series], pd.Series]:
    def check(series: pd.Series) -> pd.Series:
        return series.map(lambda v: v is None or all(c in codes for c in v))
    return check


def _column_checks(table: str, column: Column) -> list[pa.Check]:
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    k = kind(column)
    name = column.name
    voc = column.info.get("vocab")
    if voc and k == "list":
        v = vocab.get(voc)
        checks.append(pa.Check(_check_codes(frozenset(v.codes)), name="allowed values",
                               error=f"allowed: {', '.join(v.codes)} (separate several with |)"))
    elif voc:
        v = vocab.get(voc)
        checks.append(pa.Check.isin(list(v.codes), name="allowed values",
                                    error=f"allowed: {', '.join(v.codes)}"))
    if k == "json" and not voc:
        checks.append(pa.Check(_check_no_national_id_json, name=NATIONAL_ID,
                               error=NATIONAL_ID_ERROR))
    if k == "str" and not voc:
        checks.append(pa.Check(_check_no_national_id(name == "phone"), name=NATIONAL_ID,
                               error=NATIONAL_ID_ERROR))
        checks.append(pa.Check(_check_no_mojibake, name="double-encoded text",
                               error="text was decoded twice (like 'KÃ¸benhavn'); "
                                     "save the file as UTF-8 and import again"))
        checks.append(pa.Check(_check_no_control, name="control characters",
                               error="remove control characters"))
        length = column.length
        if length:
            checks.append(pa.Check.str_length(max_value=length, name="too long",
                                              error=f"at most {length} characters"))
    if name == "email":
        checks.append(pa.Check.str_matches(EMAIL.pattern, name="e-mail address",
                                           error="an e-mail address like name@example.org"))
    if name == "phone":
        checks.append(pa.Check.str_matches(PHONE.pattern, name="phone number",
                                           error="digits, spaces, +, - and () only"))
    if (table, name) in RANGES:
        lo, hi = RANGES[(table, name)]
        checks.append(pa.Check.in_range(lo, hi, name="out of range",
                                        error=f"between {lo:g} and {hi:g}"))
    return checks


@cache
def schema_for(table: str) -> pa.DataFrameSchema:
    """The pandera schema of ``table``, built from the SQLAlchemy columns."""
    import pandera.pandas as pa

    columns = {}
    for column in TABLES[table].c:
        if column.name in ("id", "created_at", "updated_at", "version"):
            continue
        required = not column.nullable and not column.primary_key
        columns[column.name] = pa.Column(
            checks=_column_checks(table, column), nullable=not required, required=False,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False)


def _cross_field(table: str, df: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, rule: str, allowed: str) -> None:
        for idx in mask[mask.fillna(False).astype(bool)].index:
            problems.append(Problem(int(idx), column, rule, allowed, df.at[idx, column]))

    cols = df.columns
    if table == "person" and {"arrival_year", "birth_year"} <= set(cols):
        flag(df["arrival_year"] < df["birth_year"], "arrival_year", "before birth",
             "arrival year must not be before birth year")
    if table == "match" and {"started_on", "ended_on"} <= set(cols):
        flag(df["ended_on"] < df["started_on"], "ended_on", "before start",
             "a match cannot end before it started")
    if table == "match" and {"mentee_id", "mentor_id"} <= set(cols):
        flag(df["mentee_id"] == df["mentor_id"], "mentor_id", "same person",
             "mentor and mentee must be different people")
    if table in ("grant",) and {"period_start", "period_end"} <= set(cols):
        flag(df["period_end"] < df["period_start"], "period_end", "before start",
             "the period must end after it starts")
    return problems


def validate_frame(table: str, df: pd.DataFrame, partial: bool = False) -> list[Problem]:
    """Every rule ``df`` breaks, as Problems; rows are ``df``'s index labels.

    The columns present are checked; unless ``partial`` (an update of a few fields), a
    required column that is absent is a problem too.
    """
    import pandera.pandas as pa

    problems: list[Problem] = []
    for column in ([] if partial else TABLES[table].c):
        if (not column.nullable and not column.primary_key and column.server_default is None
                and column.name not in df.columns):
            problems.append(Problem(None, column.name, "missing column",
                                    f"the column {column.name!r} is required"))
    schema = schema_for(table)
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        for case in err.failure_cases.itertuples(index=False):
            field = str(case.column)
            if case.check_number is None or pd.isna(case.check_number):
                rule, text = "required", "a value is required"
            else:
                check = schema.columns[field].checks[int(case.check_number)]
                rule, text = check.name, check.error or check.name
            row = None if pd.isna(case.index) else int(case.index)
            problems.append(Problem(row, field, rule, text, case.failure_case))
    problems.extend(_cross_field(table, df))
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column))
    return problems


def require_valid(table: str, df: pd.DataFrame, partial: bool = False) -> None:
    """Raise :class:`ValidationError` naming the first problems (never their values)."""
    problems = validate_frame(table, df, partial)
    if problems:
        lines = "; ".join(p.describe() for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValidationError(f"{table}: {lines}{more}")


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with ' so it stays text.

    Example
    -------
    >>> neutralise_formula('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

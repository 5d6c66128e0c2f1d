"""The intake rules: what a person's record must keep, whether it comes from the form, a file
or code.

:mod:`mentorkit.model.validation` holds the rules of a value (vocabularies, ranges, national
ids); these are the coordinator's rules of a registration, the ones the intake form used to
keep to itself:

- **not in the future**: the registration, the consent and the background check happened
  on or before today (:data:`NOT_FUTURE`);
- **required**: a person has a first name and a registration date (:data:`REQUIRED`);
- **consent for a new person**: a person is registered only with consent (when it was given,
  ``consent_given_at``) that covers casework (``consent_scope``);
- **only for some roles**: a mentor's capacity and background check, a mentee's preferred
  mentor gender (:data:`ROLE_ONLY`) are cleared on anyone else's row.

:func:`apply_rules` returns the frame with the fields that do not apply cleared and every
problem found (a :class:`~mentorkit.model.validation.Problem` per row, column and rule);
:func:`require_rules` raises :class:`~mentorkit.errors.ValidationError` instead, naming row,
column and rule but never a value. The form shows the problems under its fields, the
importer reports them row by row, and ``store.people.add`` calls :func:`require_rules`.

Example
-------
>>> import datetime as dt
>>> import pandas as pd
>>> df = pd.DataFrame({"role": ["mentee", "mentor"], "first_name": ["Amal", "Bente"],
...                    "registered_on": [dt.date(2026, 1, 5), dt.date(2027, 1, 1)],
...                    "capacity": [2, 2],
...                    "consent_given_at": [dt.datetime(2026, 1, 5, 12), None],
...                    "consent_scope": [["casework"], ["research"]]})
>>> cleared, problems = apply_rules("person", df, new=True, today=dt.date(2026, 6, 1))
>>> cleared["capacity"].tolist()
[None, 2]
>>> for p in problems:
...     print(p.row, p.column, p.rule)
1 consent_given_at consent required
1 consent_scope casework consent
1 registered_on in the future
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

import pandas as pd

from mentorkit.errors import ConfigError, ValidationError
from mentorkit.model.frames import conform
from mentorkit.model.schema import TABLES
from mentorkit.model.validation import Problem

__all__ = ["CASEWORK", "CONSENT", "FUTURE", "NOT_FUTURE", "REQUIRED", "REQUIRED_RULE",
           "ROLE_ONLY", "RULES", "applies", "apply_rules", "require_rules", "today"]

#: Rule names, as a :class:`Problem` carries them.
FUTURE = "in the future"
REQUIRED_RULE = "required"
CONSENT = "consent required"
CASEWORK = "casework consent"
RULES: tuple[str, ...] = (FUTURE, REQUIRED_RULE, CONSENT, CASEWORK)

#: Per table, the dates (or times) that cannot lie after today.
NOT_FUTURE: Mapping[str, tuple[str, ...]] = {
    "person": ("registered_on", "consent_given_at", "background_check_date"),
}
#: Per table, the columns every row must fill (beyond the schema's required columns).
REQUIRED: Mapping[str, tuple[str, ...]] = {"person": ("first_name", "registered_on")}
#: Per table, the columns that apply to some roles only; anyone else's are cleared.
ROLE_ONLY: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "person": {"preferred_mentor_gender": ("mentee",), "capacity": ("mentor",),
               "background_check_date": ("mentor",)},
}

_ALLOWED = {
    REQUIRED_RULE: "a value is required",
    CONSENT: "a new person is registered only with consent: the day it was given",
    CASEWORK: "the consent of a new person must cover casework",
}


def today() -> dt.date:
    """Today, or the day ``MENTORKIT_TODAY`` (YYYY-MM-DD) fixes, for tests and demonstrations.

    Example
    -------
    >>> today() <= dt.date.today() or "MENTORKIT_TODAY" in os.environ
    True
    """
    fixed = os.environ.get("MENTORKIT_TODAY", "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise ConfigError("MENTORKIT_TODAY must be a date like 2026-11-23") from None


_default_today = today  # apply_rules' parameter of the same name hides the function


def applies(table: str, column: str, role: object) -> bool:
    """True when ``column`` applies to a row of ``role`` (False: it is cleared).

    Example
    -------
    >>> applies("person", "capacity", "mentee"), applies("person", "capacity", "mentor")
    (False, True)
    >>> applies("person", "first_name", "mentee")
    True
    """
    roles = ROLE_ONLY.get(table, {}).get(column)
    return roles is None or role in roles


def _clear(series: pd.Series, mask: pd.Series) -> pd.Series:
    """``series`` with the cells under ``mask`` emptied: None (NA, NaT for typed columns)."""
    typed = isinstance(series.dtype, pd.api.extensions.ExtensionDtype) \
        and str(series.dtype) != "str"
    if typed or series.dtype.kind in "fmM":
        return series.mask(mask.to_numpy())
    return series.astype(object).where(~mask.to_numpy(), None)


def _empty(typed: pd.DataFrame, table: str, column: str) -> pd.Series:
    """True where a conformed cell is empty: missing, blank text, or an empty list."""
    series = typed[column]
    k = TABLES[table].c[column].kind
    if k == "list":
        return series.map(len).eq(0)
    if k == "str":
        return series.isna() | series.fillna("x").str.strip().eq("")
    return series.isna()


def apply_rules(table: str, df: pd.DataFrame, *, new: bool,
                today: dt.date | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """``df`` with the fields that do not apply to a row's role cleared, and every problem.

    Parameters
    ----------
    table:
        The table the rows belong to (rules exist for ``person``; other tables pass as
        they are).
    df:
        Rows, raw or already in the store's dtypes; rows are named by ``df``'s index.
    new:
        True for rows being registered (a column that is absent counts as empty and the
        consent rules apply); False for edits of existing rows (only the columns given).
    today:
        The day dates may not lie after (default :func:`today`).

    Returns
    -------
    tuple
        A copy of ``df`` (cells of fields that do not apply set to None, nothing else
        changed) and the problems, sorted by row and column; a problem's value is the
        offending cell, for the report to whoever entered it, never for a message.

    Example
    -------
    >>> df = pd.DataFrame({"role": ["mentor"], "first_name": ["Bente"],
    ...                    "registered_on": ["2026-01-05"], "preferred_mentor_gender": ["female"]})
    >>> out, problems = apply_rules("person", df, new=False, today=dt.date(2026, 6, 1))
    >>> out["preferred_mentor_gender"].tolist(), problems
    ([None], [])
    """
    out = df.copy()
    if table not in NOT_FUTURE and table not in REQUIRED and table not in ROLE_ONLY:
        return out, []
    day = today or _default_today()
    typed = conform(table, df)
    typed.index = df.index
    present = set(df.columns)
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, rule: str, allowed: str) -> None:
        for idx in mask.index[mask.to_numpy(dtype=bool)]:
            value = df.at[idx, column] if column in present else None
            problems.append(Problem(int(idx), column, rule, allowed, value))

    if "role" in typed.columns:
        role = typed["role"]
        for column, roles in ROLE_ONLY.get(table, {}).items():
            if column not in present:
                continue
            wrong = role.notna() & ~role.isin(list(roles)) & ~_empty(typed, table, column)
            if wrong.any():
                out[column] = _clear(out[column], wrong)
                typed.loc[wrong, column] = None
    for column in REQUIRED.get(table, ()):
        if new or column in present:
            flag(_empty(typed, table, column), column, REQUIRED_RULE, _ALLOWED[REQUIRED_RULE])
    for column in NOT_FUTURE.get(table, ()):
        if column in present:
            dates = pd.to_datetime(typed[column]).dt.normalize()
            flag(dates.notna() & (dates > pd.Timestamp(day)), column, FUTURE,
                 f"a date on or before today ({day.isoformat()})")
    if table == "person" and new:
        flag(_empty(typed, table, "consent_given_at"), "consent_given_at", CONSENT,
             _ALLOWED[CONSENT])
        covers = typed["consent_scope"].map(lambda codes: "casework" in codes)
        flag(~covers.astype(bool), "consent_scope", CASEWORK, _ALLOWED[CASEWORK])
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column))
    return out, problems


def require_rules(table: str, df: pd.DataFrame, *, new: bool,
                  today: dt.date | None = None) -> pd.DataFrame:
    """:func:`apply_rules`'s frame; :class:`ValidationError` naming the first problems' rows,
    columns and rules (never their values) when there is any.

    Example
    -------
    >>> df = pd.DataFrame({"role": ["mentee"], "first_name": ["Amal"],
    ...                    "registered_on": ["2026-01-05"]})
    >>> try:
    ...     require_rules("person", df, new=True, today=dt.date(2026, 6, 1))
    ... except ValidationError as err:
    ...     print(*str(err).split("; "), sep="\\n")
    person: row 0, column 'consent_given_at': consent required
    a new person is registered only with consent: the day it was given
    row 0, column 'consent_scope': casework consent
    the consent of a new person must cover casework
    """
    out, problems = apply_rules(table, df, new=new, today=today)
    if problems:
        lines = "; ".join(p.describe() for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValidationError(f"{table}: {lines}{more}")
    return out

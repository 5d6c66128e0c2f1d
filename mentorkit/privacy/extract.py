"""Research extracts: pseudonymised, coarsened tables of the people who consented to research.

The rules for every column come from :mod:`mentorkit.privacy.classes`: direct identifiers and
free text are dropped, every id (and every reference to one) becomes a keyed pseudonym, so
tables still join and the same key gives the same pseudonyms in every extract; birth and
arrival years become five-year bands, postcodes postal areas, countries of origin world
regions. Only people whose current ``consent_scope`` includes ``research`` and who are not
erased are in it (a withdrawal takes effect in the next extract); their matches, follow-ups,
outcomes and attendance come with them. A mentor who did not consent appears in a consenting
mentee's match as an empty ``mentor_id``, so the mentee still counts as matched.

Dates and k-anonymity: registration dates become the first day of their month, quarter or
year, and every other date of the person (her matches, their follow-ups, her outcomes) moves
back by the same number of days, so no exact date of hers is in the extract and the durations
from registration (days to a match, to a job) stay exact. Each combination of
:data:`QUASI_IDENTIFIERS` (programme, role, gender, birth band, registration period, region,
postal area) then occurs at least k times (:func:`extract_k`, default 5): the rows of rarer
combinations lose their postal area, then region, birth band and registration period (local
suppression), and the few still alone are left out like people who did not consent. On the
demo data (``generate(seed=0)``) 91% of people are unique on programme, role, gender and
registration date; months would need 3,376 blanked cells, quarters 2,905 and years 2,202, so
years are chosen there (and 12 people are left out).

Example
-------
>>> from mentorkit.synth import generate
>>> tables = research_extract(generate(seed=0, scale=0.1), key="an-example-key-not-a-real-one")
>>> "first_name" in tables["person"].columns, tables["person"]["birth_year"].dropna().iloc[0][4]
(False, '-')
>>> int(tables["manifest"]["k"].iloc[0]), int(tables["manifest"]["rows_below_k"].iloc[0])
(5, 0)
>>> sorted(tables)[:3]
['attendance', 'event', 'followup']
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pandas as pd

from mentorkit.errors import ConfigError
from mentorkit.model.tables import read_tables
from mentorkit.privacy.classes import EXTRACT_TABLES, extract_rules
from mentorkit.privacy.pseudonyms import key_fingerprint, load_key, pseudonym, pseudonymise

__all__ = ["DATE_SHIFTED", "DEFAULT_K", "GRAINS", "K_VARIABLE", "QUASI_IDENTIFIERS",
           "SUPPRESSION_ORDER", "REGIONS", "area", "band5", "consenting", "extract_k",
           "group_sizes", "record_extract", "region", "research_extract"]

K_VARIABLE = "MENTORKIT_EXTRACT_K"
DEFAULT_K = 5
"""Every combination of :data:`QUASI_IDENTIFIERS` occurs at least this often in an extract."""

#: Columns of the extract's ``person`` table an attacker may know about someone.
QUASI_IDENTIFIERS: tuple[str, ...] = ("programme_id", "role", "gender", "birth_year",
                                      "registered_on", "country_of_origin", "postcode")

#: Blanked, in this order, in the rows of a combination seen fewer than k times; the birth
#: band is first widened to ten, then twenty years (an age stays usable) before it goes.
SUPPRESSION_ORDER: tuple[str, ...] = ("postcode", "country_of_origin", "birth_year",
                                      "registered_on")
_STEPS: tuple[tuple[str, int | None], ...] = (
    ("postcode", None), ("country_of_origin", None), ("birth_year", 10), ("birth_year", 20),
    ("birth_year", None), ("registered_on", None))

#: Registration periods tried, finest first; the one needing the fewest blanked cells wins.
GRAINS: tuple[str, ...] = ("month", "quarter", "year")

#: A person's other dates, moved back by as much as her registration date was (so that
#: durations from registration stay exact and no exact date of hers is in the extract).
DATE_SHIFTED: dict[str, tuple[str, ...]] = {
    "match": ("proposed_on", "started_on", "ended_on"),
    "followup": ("date", "next_due"),
    "outcome": ("recorded_on", "job_start_date"),
}

REGIONS: dict[str, str] = {
    **dict.fromkeys(["DK", "NL", "DE", "GB", "PL", "UA", "BA"], "Europe"),
    **dict.fromkeys(["SY", "IQ", "IR", "TR", "LB", "PS", "MA"],
                    "Middle East and North Africa"),
    **dict.fromkeys(["SO", "ER", "ET"], "Sub-Saharan Africa"),
    **dict.fromkeys(["AF", "PK", "LK"], "South Asia"),
    **dict.fromkeys(["VN", "TH", "PH", "CN"], "East and South-East Asia"),
    **dict.fromkeys(["SR"], "Latin America and the Caribbean"),
}
"""World region of each country code of :data:`mentorkit.vocab.COUNTRIES` (else ``other``)."""


def band5(years: pd.Series) -> pd.Series:
    """Years as five-year bands (``1980-1984``); missing stays missing.

    Example
    -------
    >>> band5(pd.Series([1984, None, 1985], dtype="Int64")).tolist()
    ['1980-1984', nan, '1985-1989']
    """
    y = pd.to_numeric(years, errors="coerce")
    start = (y // 5) * 5
    text = start.astype("Int64").astype("str") + "-" + (start + 4).astype("Int64").astype("str")
    return text.where(y.notna()).astype("str")


def area(postcodes: pd.Series) -> pd.Series:
    """Postcodes as postal areas: the first two digits (``5220`` -> ``52xx``).

    Example
    -------
    >>> area(pd.Series(["5220", "9711 AB", None])).tolist()
    ['52xx', '97xx', nan]
    """
    digits = postcodes.astype("str").str.replace(r"\D", "", regex=True).str[:2]
    return (digits + "xx").where(digits.str.len() == 2).astype("str")


def region(countries: pd.Series) -> pd.Series:
    """Country codes as world regions (``SY`` -> ``Middle East and North Africa``)."""
    text = countries.astype("str")
    return text.map(lambda c: REGIONS.get(c, "other"), na_action="ignore").astype("str")


def extract_k(k_anonymity: int | None = None, env: Any = None) -> int:
    """The k of the extract's k-anonymity: ``k_anonymity``, else ``MENTORKIT_EXTRACT_K``,
    else 5.

    Example
    -------
    >>> extract_k(), extract_k(10), extract_k(env={"MENTORKIT_EXTRACT_K": "3"})
    (5, 10, 3)
    """
    env = os.environ if env is None else env
    k = k_anonymity
    if k is None:
        text = str(env.get(K_VARIABLE, "") or "").strip()
        try:
            k = int(text) if text else DEFAULT_K
        except ValueError:
            raise ConfigError(f"{K_VARIABLE} must be a whole number (at least 2)") from None
    if int(k) < 2:
        raise ConfigError(f"k must be at least 2 (got {k}); {K_VARIABLE} or --k-anonymity")
    return int(k)


def group_sizes(person: pd.DataFrame, columns: tuple[str, ...] = QUASI_IDENTIFIERS
                ) -> pd.Series:
    """For every row, how many rows share its values of ``columns`` (a blank is a value).

    Example
    -------
    >>> group_sizes(pd.DataFrame({"a": ["x", "x", None], "b": [1, 1, 2]}), ("a", "b")).tolist()
    [2, 2, 1]
    """
    if person.empty:
        return pd.Series([], dtype="int64", index=person.index)
    key = person[list(columns)].astype(object).where(person[list(columns)].notna(), "\0")
    key = key.astype(str)
    return key.groupby(list(columns), dropna=False)[columns[0]].transform("size").astype("int64")


def _period_start(dates: pd.Series, grain: str) -> pd.Series:
    d = pd.to_datetime(dates)
    code = {"month": "M", "quarter": "Q", "year": "Y"}[grain]
    return d.dt.to_period(code).dt.start_time.astype(d.dtype).where(d.notna())


def _widen(bands: pd.Series, width: int) -> pd.Series:
    low = pd.to_numeric(bands.astype("str").str[:4], errors="coerce")
    start = (low // width) * width
    text = start.astype("Int64").astype("str") + "-" + (start + width - 1).astype("Int64").astype(
        "str")
    return text.where(low.notna()).astype("str")


def _suppress(person: pd.DataFrame, k: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """Local suppression: in the rows whose combination of quasi-identifiers occurs fewer
    than ``k`` times, blank (or widen, for birth bands) the next column of :data:`_STEPS`.
    Returns the cells blanked per column (a widened band counts once, when it is blanked or
    at its first widening)."""
    person = person.copy()
    cells = dict.fromkeys(SUPPRESSION_ORDER, 0)
    touched = pd.Series(False, index=person.index)
    for column, width in _STEPS:
        small = (group_sizes(person) < k) & person[column].notna()
        if not small.any():
            continue
        if width is None:
            cells[column] += int((small & ~touched).sum()) if column == "birth_year" else \
                int(small.sum())
            person[column] = person[column].where(~small)
        else:
            cells[column] += int((small & ~touched).sum())
            touched |= small
            person[column] = person[column].where(~small, _widen(person[column], width))
    return person, cells


def _coarsen_dates(rows: dict[str, pd.DataFrame], grain: str) -> dict[str, pd.DataFrame]:
    """Registration dates to the start of their period; the person's other dates moved back
    by the same number of days."""
    rows = dict(rows)
    person = rows["person"].copy()
    reg = pd.to_datetime(person["registered_on"])
    start = _period_start(reg, grain)
    days = (reg - start).dt.days.astype("float64").fillna(0.0)
    person["registered_on"] = start.astype(person["registered_on"].dtype)
    rows["person"] = person
    by_id = pd.Series(days.to_numpy(), index=person["id"].astype("int64").to_numpy())

    def moved(df: pd.DataFrame, columns: tuple[str, ...], lag: pd.Series) -> pd.DataFrame:
        df = df.copy()
        delta = pd.to_timedelta(lag.astype("float64").fillna(0.0).to_numpy(), unit="D")
        for column in columns:
            df[column] = (pd.to_datetime(df[column]) - delta).astype(df[column].dtype)
        return df

    match = rows["match"]
    match_lag = match["mentee_id"].map(by_id)
    rows["match"] = moved(match, DATE_SHIFTED["match"], match_lag)
    followup = rows["followup"]
    rows["followup"] = moved(followup, DATE_SHIFTED["followup"], followup["match_id"].map(
        pd.Series(match_lag.to_numpy(), index=match["id"].to_numpy())))
    outcome = rows["outcome"]
    rows["outcome"] = moved(outcome, DATE_SHIFTED["outcome"], outcome["person_id"].map(by_id))
    return rows


def consenting(person: pd.DataFrame, purpose: str = "research") -> pd.Series:
    """Boolean mask: not erased and ``purpose`` in the current consent scope."""
    scope = person["consent_scope"].map(
        lambda s: isinstance(s, (list, tuple)) and purpose in s)
    erased = person["erased_at"].notna() if "erased_at" in person else False
    return scope.astype(bool) & ~erased


def _tables(source: Any) -> dict[str, pd.DataFrame]:
    """The tables an extract is made of, in the model's shape, from a store, a data set or
    a mapping (:func:`~mentorkit.model.tables.read_tables`)."""
    return read_tables(source, EXTRACT_TABLES, conformed=True)


def _apply(name: str, df: pd.DataFrame, key: bytes) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for column, rule in extract_rules(name).items():
        if rule == "drop" or column not in df.columns:
            continue
        values = df[column]
        if rule.startswith("pseudonym:"):
            out[column] = pseudonymise(values, key, domain=rule.split(":", 1)[1])
        elif rule == "band5":
            out[column] = band5(values)
        elif rule == "area":
            out[column] = area(values)
        elif rule == "region":
            out[column] = region(values)
        elif rule == "keep":
            out[column] = values
        else:  # pragma: no cover - classes.py and this list are tested together
            raise ValueError(f"unknown extract rule {rule!r} for {name}.{column}")
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def _made(tables: dict[str, pd.DataFrame], ids: set[int], grain: str, k: int, key: bytes
          ) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The extract of the people ``ids``: dates coarsened to ``grain``, then suppressed."""
    person = tables["person"]
    match = tables["match"]
    match = match[match["mentee_id"].isin(ids)].copy()
    match["mentor_id"] = match["mentor_id"].where(match["mentor_id"].isin(ids))
    rows = {
        "programme": tables["programme"], "partner": tables["partner"], "event": tables["event"],
        "person": person[person["id"].isin(ids)], "match": match,
        "followup": tables["followup"][tables["followup"]["match_id"].isin(set(match["id"]))],
        "outcome": tables["outcome"][tables["outcome"]["person_id"].isin(ids)],
        "attendance": tables["attendance"][tables["attendance"]["person_id"].isin(ids)],
    }
    made = {name: _apply(name, df, key) for name, df in _coarsen_dates(rows, grain).items()}
    made["person"], cells = _suppress(made["person"], k)
    return made, cells


def research_extract(source: Any, key: str | bytes | None = None, *,
                     agreement: str | None = None, expires: dt.date | None = None,
                     actor: str | None = None, k_anonymity: int | None = None,
                     grain: str | None = None) -> dict[str, pd.DataFrame]:
    """Pseudonymised, coarsened tables of the people who consented to research.

    Parameters
    ----------
    source:
        A :class:`~mentorkit.store.Store` (its programme scope applies), a
        :class:`~mentorkit.model.dataset.Dataset` or a mapping of table name to DataFrame.
    key:
        The pseudonym key; default from the configuration (see
        :func:`~mentorkit.privacy.pseudonyms.load_key`). Without one this refuses to run.
    agreement, expires:
        The data-sharing agreement the extract is made under and the day it must be
        deleted; recorded in the ``manifest`` table and, for a store, in its audit log.
    k_anonymity:
        Every combination of :data:`QUASI_IDENTIFIERS` is to occur at least ``k`` times
        (default :func:`extract_k`: ``MENTORKIT_EXTRACT_K`` or 5). Registration dates become
        the first day of their month, quarter or year (``grain``; by default the one that
        needs the fewest blanked cells), the person's other dates move back with them, and
        the rows of combinations still rarer than ``k`` lose their postal area, then region,
        then birth band, then registration period. The manifest states k, the
        quasi-identifiers, the grain, the blanked cells and whether k holds;
        :func:`~mentorkit.privacy.extract_files.write_extract` refuses an extract where it
        does not.

    Returns
    -------
    dict
        One DataFrame per table of :data:`~mentorkit.privacy.classes.EXTRACT_TABLES`, plus
        ``manifest`` (one row: when, agreement, expiry, key fingerprint, counts).
    """
    raw_key = load_key(key)
    k = extract_k(k_anonymity)
    if grain is not None and grain not in GRAINS:
        raise ConfigError(f"grain must be one of {', '.join(GRAINS)} (got {grain!r})")
    tables = _tables(source)
    person = tables["person"]
    ids = set(person.loc[consenting(person), "id"].dropna().astype(int))
    best: tuple[int, str, dict[str, int], dict[str, pd.DataFrame]] | None = None
    for g in (grain,) if grain else GRAINS:
        made, cells = _made(tables, ids, g, k, raw_key)
        if best is None or sum(cells.values()) < best[0]:
            best = (sum(cells.values()), g, cells, made)
    assert best is not None
    _, grain, cells, out = best
    left_out = 0
    while len(out["person"]) and (small := group_sizes(out["person"]) < k).any():
        # record suppression: the few still alone even with every other column blank are
        # left out like people who did not consent (their matches lose them as mentors)
        gone = set(out["person"].loc[small, "id"])
        before = len(ids)
        ids = {i for i in ids if pseudonym(i, raw_key, "person") not in gone}
        left_out += before - len(ids)
        out, cells = _made(tables, ids, grain, k, raw_key)
    below = int((group_sizes(out["person"]) < k).sum())
    made_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    counts = {name: len(df) for name, df in out.items()}
    out["manifest"] = pd.DataFrame([{
        "made_at": made_at, "agreement": agreement or "", "expires": expires,
        "key_fingerprint": key_fingerprint(raw_key), "rules": "mentorkit.privacy.classes",
        "k": k, "quasi_identifiers": ",".join(f"person.{c}" for c in QUASI_IDENTIFIERS),
        "registration_grain": grain, "other_dates": "moved back with the registration date",
        "suppressed_cells": sum(cells.values()),
        **{f"suppressed_{c}": n for c, n in cells.items()},
        "people_left_out": left_out, "rows_below_k": below,
        **{f"rows_{n}": c for n, c in counts.items()},
    }])
    if callable(getattr(source, "record_extract", None)):  # a Store: its audit log
        record_extract(source, agreement, expires, counts, actor)
    return out


def record_extract(store: Any, agreement: str | None, expires: dt.date | None,
                   counts: dict[str, int], actor: str | None) -> None:
    """Keep the fact of the extract (not its content) in the store's audit log
    (:meth:`Store.record_extract <mentorkit.store.Store.record_extract>`)."""
    store.record_extract(agreement, expires, counts, actor=actor)

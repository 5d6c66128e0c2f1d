"""Research extracts: pseudonymised, coarsened tables of the people who consented to research.

The rules for every column come from :mod:`mentorkit.privacy.classes`: direct identifiers and
free text are dropped, every id (and every reference to one) becomes a keyed pseudonym, so
tables still join and the same key gives the same pseudonyms in every extract; birth and
arrival years become five-year bands, postcodes postal areas, countries of origin world
regions. Only people whose current ``consent_scope`` includes ``research`` and who are not
erased are in it (a withdrawal takes effect in the next extract); their matches, follow-ups,
outcomes and attendance come with them. A mentor who did not consent appears in a consenting
mentee's match as an empty ``mentor_id``, so the mentee still counts as matched.

Example
-------
>>> from mentorkit.synth import generate
>>> tables = research_extract(generate(seed=0, scale=0.1), key="an-example-key-not-a-real-one")
>>> "first_name" in tables["person"].columns, tables["person"]["birth_year"].iloc[0][-5:-4]
(False, '-')
>>> sorted(tables)[:3]
['attendance', 'event', 'followup']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from mentorkit.model.tables import read_tables
from mentorkit.privacy.classes import EXTRACT_TABLES, extract_rules
from mentorkit.privacy.pseudonyms import key_fingerprint, load_key, pseudonymise

__all__ = ["REGIONS", "area", "band5", "consenting", "record_extract", "region",
           "research_extract"]

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


def research_extract(source: Any, key: str | bytes | None = None, *,
                     agreement: str | None = None, expires: dt.date | None = None,
                     actor: str | None = None) -> dict[str, pd.DataFrame]:
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

    Returns
    -------
    dict
        One DataFrame per table of :data:`~mentorkit.privacy.classes.EXTRACT_TABLES`, plus
        ``manifest`` (one row: when, agreement, expiry, key fingerprint, counts).
    """
    raw_key = load_key(key)
    tables = _tables(source)
    person = tables["person"]
    keep = person[consenting(person)]
    ids = set(keep["id"].dropna().astype(int))
    match = tables["match"]
    match = match[match["mentee_id"].isin(ids)].copy()
    match["mentor_id"] = match["mentor_id"].where(match["mentor_id"].isin(ids))
    rows = {
        "programme": tables["programme"], "partner": tables["partner"], "event": tables["event"],
        "person": keep, "match": match,
        "followup": tables["followup"][tables["followup"]["match_id"].isin(set(match["id"]))],
        "outcome": tables["outcome"][tables["outcome"]["person_id"].isin(ids)],
        "attendance": tables["attendance"][tables["attendance"]["person_id"].isin(ids)],
    }
    out = {name: _apply(name, df, raw_key) for name, df in rows.items()}
    made_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    counts = {name: len(df) for name, df in out.items()}
    out["manifest"] = pd.DataFrame([{
        "made_at": made_at, "agreement": agreement or "", "expires": expires,
        "key_fingerprint": key_fingerprint(raw_key), "rules": "mentorkit.privacy.classes",
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

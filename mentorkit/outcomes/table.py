"""The analysis table: one row per mentee with intake covariates, treatment and outcomes.

No names, contact details or free text travel into it: people are identified by their
database id only, or, from a research extract, by its pseudonym.

It reads the case store, a synthetic :class:`~mentorkit.model.dataset.Dataset`, or the tables of a
research extract (:func:`mentorkit.store.extracts.research_tables`), where ids are
16-hex-digit pseudonyms and birth and arrival years are five-year bands (``"1980-1984"``).
From a band, ``age`` and ``years_in_country`` are counted from the band's middle year (1982):
each is then up to two years off (up to ten where the extract's k-anonymity widened a band
to ten or twenty years; missing where it blanked it), and ``age_group`` can put someone born
near a band edge in the neighbouring group. Coarsening is what makes an extract safe to hand to a
researcher; what it costs is the precision of these two confounders (see
``docs/reports.md``, "Outcome studies from an extract").

Columns
-------
person_id, programme_id, programme, registered_on, registration_year
    who and where (ids only).
gender, male, age, age_group, years_in_country, language_level, language_rank,
language_group, education, education_rank, education_group, employment_status_intake,
employed_at_registration
    intake covariates (age and years in the country in the year of registration; ranks
    follow the ordered vocabularies; the ``_group`` columns are coarse bands for subgroups).
matched, completed, ended_early, days_to_match
    treatment: a match that started (``started_on`` set), one that was completed, one that
    ended early; days from registration to the first start.
<measure>_<phase>
    outcomes for every phase in ``vocab.OUTCOME_PHASES`` (intake, end, followup_6m,
    followup_12m): ``employed`` (status in ``vocab.EMPLOYED``), ``job_or_education``,
    ``hours``, ``network_size``, ``confidence``, ``language_rank``; NaN when not recorded.
days_to_job, job
    time from registration to the first job start (``job`` = 1), or to the last recorded
    outcome (``job`` = 0, censored); NaN when nothing after intake was recorded.

Example
-------
>>> from mentorkit.synth import generate
>>> t = analysis_table(generate(seed=0, scale=0.2))
>>> {"matched", "employed_followup_12m", "days_to_job", "job"} <= set(t.columns)
True
>>> t["person_id"].is_unique
True
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.errors import ValidationError
from mentorkit.model.tables import read_tables
from mentorkit.periods import parse_period, within
from mentorkit.programmes import programme_id

__all__ = ["ID_COLUMNS", "analysis_table", "ids", "MEASURES", "programme_id", "stable_order",
           "years"]

MEASURES = ("employed", "job_or_education", "hours", "network_size", "confidence",
            "language_rank")
"""Outcome measures per phase; columns are named ``<measure>_<phase>``."""

_PERSON_COLUMNS = ["id", "programme_id", "role", "gender", "birth_year", "arrival_year",
                   "language_level", "education", "employment_status", "registered_on",
                   "erased_at"]


def _tables(source: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    try:
        t = read_tables(source, ("person", "match", "outcome", "programme"))
    except ValidationError as err:
        raise ValidationError(f"analysis_table needs a Store or a Dataset, or the tables of a "
                              f"research extract (research_tables()): {err}") from None
    person = t["person"]
    return person[person["role"] == "mentee"], t["match"], t["outcome"], t["programme"]


def ids(values: pd.Series) -> pd.Series:
    """Ids as the table has them: whole numbers (store, data set) as int64, pseudonyms as
    text.

    Example
    -------
    >>> ids(pd.Series([3, 4], dtype="Int64")).dtype, ids(pd.Series(["a1f0"])).tolist()
    (dtype('int64'), ['a1f0'])
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("int64")
    return values.astype("str")


def years(values: pd.Series) -> pd.Series:
    """Years as numbers: a year stays itself, a band ``"1980-1984"`` becomes its middle year.

    Research extracts give birth and arrival years as five-year bands; the middle year is
    at most two years from the true one. Missing (or unreadable) values are NaN.

    Example
    -------
    >>> years(pd.Series(["1980-1984", None, "1985-1989"])).tolist()
    [1982.0, nan, 1987.0]
    >>> years(pd.Series([1984, None], dtype="Int64")).tolist()
    [1984.0, nan]
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    parts = values.astype("str").str.extract(r"^\s*(\d{3,4})\s*(?:-\s*(\d{3,4}))?\s*$")
    low = pd.to_numeric(parts[0], errors="coerce")
    high = pd.to_numeric(parts[1], errors="coerce").fillna(low)
    return ((low + high) / 2).astype("float64")


def _bands(values: pd.Series, edges: list[float], labels: list[str]) -> pd.Series:
    out = pd.cut(values.astype("float64"), bins=edges, labels=labels, right=False)
    return out.astype("str").where(values.notna())


def _rank(codes: pd.Series, vocabulary: vocab.Vocabulary) -> pd.Series:
    return codes.map(lambda c: vocabulary.rank(c) if isinstance(c, str) and c in vocabulary
                     else np.nan).astype("float64")


def analysis_table(store_or_dataset: Any, programme: int | str | None = None,
                   period: Any = None) -> pd.DataFrame:
    """One row per mentee: intake covariates, treatment flags, outcomes per phase, time to job.

    Parameters
    ----------
    store_or_dataset : a :class:`mentorkit.store.Store` (read with ``store.table``), a
        :class:`mentorkit.model.dataset.Dataset`, or the tables of a research extract
        (:func:`mentorkit.store.extracts.research_tables`: pseudonyms for ids, ages
        and years in the country from the middle of five-year bands).
    programme : programme id (or pseudonym) or name (case-insensitive); None or "" for all.
    period : mentees registered in this period (inclusive days), in any form
        :func:`mentorkit.periods.parse_period` reads: a year ("2019"), a quarter
        ("2019Q3"), a month, a range ("2019:2021", "2019-03-01:2020-02-28", "2019:") or a
        (start, end) pair; None or "" for all.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=1, scale=0.2)
    >>> len(analysis_table(ds, programme="Groningen", period="2024")) > 0
    True
    """
    person, match, outcome, programmes = _tables(store_or_dataset)
    person = person.loc[person["erased_at"].isna() if "erased_at" in person else
                        slice(None), [c for c in _PERSON_COLUMNS if c in person.columns]]
    pid = programme_id(programmes, programme)
    if pid is not None:
        person = person[ids(person["programme_id"]) == pid]
    span = parse_period(period)
    if span.bounded:
        person = person[within(person["registered_on"], span)]
    out = _intake(person, programmes)
    out = out.merge(_treatment(match, out), on="person_id", how="left")
    for c in ("matched", "completed", "ended_early"):
        out[c] = out[c].fillna(False).astype(bool)
    wide, job = _outcomes(outcome, out)
    out = out.merge(wide, on="person_id", how="left").merge(job, on="person_id", how="left")
    return stable_order(out)


ID_COLUMNS = ("person_id", "programme_id")
"""Columns that hold ids or pseudonyms: never part of the order (a key changes them)."""


def stable_order(table: pd.DataFrame) -> pd.DataFrame:
    """The rows in an order that depends on their content only, not on ids or pseudonyms.

    Rows are sorted by every column but the ids (``ID_COLUMNS``), programme and
    registration date first; the id breaks the remaining ties, which are rows equal in
    every analysed column, so swapping them changes no estimate. A bootstrap or any other
    resampling by row position therefore draws the same people whatever the pseudonym key
    of the extract: same seed, same data, same numbers to the last digit.

    Example
    -------
    >>> t = pd.DataFrame({"person_id": ["f0", "a1"], "programme": ["X", "X"], "age": [30, 40]})
    >>> stable_order(t)["age"].tolist()
    [30, 40]
    """
    first = [c for c in ("programme", "registered_on") if c in table.columns]
    rest = [c for c in table.columns if c not in (*ID_COLUMNS, *first)
            and not table[c].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any()]
    ties = [c for c in ID_COLUMNS if c in table.columns]
    return (table.sort_values([*first, *rest, *ties], kind="stable", na_position="last")
            .reset_index(drop=True))


def _intake(person: pd.DataFrame, programmes: pd.DataFrame) -> pd.DataFrame:
    reg = person["registered_on"]
    year = reg.dt.year.astype("Int64")
    age = year.astype("float64") - years(person["birth_year"])
    years_here = year.astype("float64") - years(person["arrival_year"])
    names = dict(zip(ids(programmes["id"]), programmes["name"].astype(str)))
    lang_rank = _rank(person["language_level"], vocab.LANGUAGE_LEVELS)
    edu_rank = _rank(person["education"], vocab.EDUCATION_LEVELS)
    return pd.DataFrame({
        "person_id": ids(person["id"]).to_numpy(),
        "programme_id": ids(person["programme_id"]).to_numpy(),
        "programme": ids(person["programme_id"]).map(names).astype("str").to_numpy(),
        "registered_on": reg.to_numpy(),
        "registration_year": year.astype("float64").to_numpy(),
        "gender": person["gender"].astype("str").to_numpy(),
        "male": (person["gender"] == "male").astype(int).to_numpy(),
        "age": age.to_numpy(),
        "age_group": _bands(age, [0, 30, 40, 50, 200],
                            ["under 30", "30-39", "40-49", "50+"]).to_numpy(),
        "years_in_country": years_here.to_numpy(),
        "language_level": person["language_level"].astype("str").to_numpy(),
        "language_rank": lang_rank.to_numpy(),
        "language_group": _bands(lang_rank, [0, 2, 4, 10],
                                 ["none-A1", "A2-B1", "B2+"]).to_numpy(),
        "education": person["education"].astype("str").to_numpy(),
        "education_rank": edu_rank.to_numpy(),
        "education_group": _bands(edu_rank, [0, 3, 5, 10],
                                  ["basic", "secondary", "tertiary"]).to_numpy(),
        "employment_status_intake": person["employment_status"].astype("str").to_numpy(),
        "employed_at_registration": person["employment_status"].isin(vocab.EMPLOYED)
        .astype(int).to_numpy(),
    })


def _treatment(match: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    m = match[match["mentee_id"].isin(people["person_id"])]
    started = m[m["started_on"].notna()]
    g = started.groupby("mentee_id")
    res = pd.DataFrame({
        "first_start": g["started_on"].min(),
        "completed": g["status"].apply(lambda s: bool((s == "completed").any())),
        "ended_early": g["status"].apply(lambda s: bool((s == "ended_early").any())),
    })
    res["matched"] = True
    res.index = pd.Index(ids(pd.Series(res.index, dtype=people["person_id"].dtype)),
                         name="person_id")
    res = res.reset_index()
    reg = people.set_index("person_id")["registered_on"]
    res["days_to_match"] = ((res["first_start"] - res["person_id"].map(reg)).dt.days
                            .astype("float64"))
    return res.drop(columns="first_start")


def _outcomes(outcome: pd.DataFrame, people: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    o = outcome[outcome["person_id"].isin(people["person_id"])].copy()
    o["person_id"] = ids(o["person_id"])
    status = o["employment_status"]
    o["employed"] = np.where(status.isna(), np.nan, status.isin(vocab.EMPLOYED).astype(float))
    o["job_or_education"] = np.where(status.isna(), np.nan,
                                     status.isin(vocab.JOB_OR_EDUCATION).astype(float))
    o["hours"] = o["hours_per_week"].astype("float64")
    o["network_size"] = o["network_size"].astype("float64")
    o["confidence"] = o["confidence"].astype("float64")
    o["language_rank"] = _rank(o["language_level"], vocab.LANGUAGE_LEVELS)
    o = o.sort_values(["person_id", "recorded_on"], kind="stable")
    last = o.drop_duplicates(["person_id", "phase"], keep="last")
    wide = last.pivot(index="person_id", columns="phase", values=list(MEASURES))
    columns = [f"{m}_{p}" for m in MEASURES for p in vocab.OUTCOME_PHASES.codes]
    # pivot on a list of values: (measure, phase) pairs; the stubs type columns as Index[str]
    wide.columns = [f"{m}_{p}" for m, p in cast(pd.MultiIndex, wide.columns)]
    wide = wide.reindex(columns=columns).astype("float64").reset_index()

    reg = people.set_index("person_id")["registered_on"]
    after = o[o["phase"] != "intake"]
    first_job = (o.loc[o["job_start_date"].notna()].groupby("person_id")["job_start_date"].min())
    last_seen = after.groupby("person_id")["recorded_on"].max()
    who = people["person_id"]
    job_day = who.map(first_job)
    seen_day = who.map(last_seen)
    r = who.map(reg)
    event = job_day.notna()
    days = np.where(event, (job_day - r).dt.days, (seen_day - r).dt.days).astype("float64")
    days = np.where(event | seen_day.notna(), days, np.nan)
    job = pd.DataFrame({"person_id": who.to_numpy(), "days_to_job": days,
                        "job": np.where(np.isnan(days), np.nan, event.astype(float))})
    return wide, job

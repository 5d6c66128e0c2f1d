"""What a funder report counts: recruitment, matches against targets, endings, outcomes, events.

Tables in, tables out: every function takes the programme's DataFrames (as the store and
:mod:`mentorkit.synth` give them) and returns a small table of counts with codes, not labels,
and without suppression; the report (``notebooks/funder_report.ipynb`` through
:mod:`mentorkit.reports.funder_view`) labels them and suppresses small counts before anything
is shown. Nothing here opens the database.

What is counted for a period (the bounds are inclusive days, read by
:func:`mentorkit.periods.parse_period`, which this module re-exports; ``start`` and ``end``
of the functions below are its two days, None for an open end):

- recruitment: people registered in the period;
- targets: :func:`mentorkit.monitoring.progress.target_progress` for each grant target (so that the
  dashboards and the report agree);
- matches: matches that started in the period and how they stood at its end (completed,
  ended early, with the reason, or still running);
- outcomes: the mentees whose first match started in the period, at each outcome phase
  (the last record per phase); follow-ups may lie after the period;
- events: events held in the period, their attendances and distinct participants.

Example
-------
>>> from mentorkit.synth import generate
>>> data = FunderData.load(generate(seed=0, scale=0.3), programme="Vollsmose")
>>> start, end = parse_period("2019")
>>> by_gender = recruitment_by_gender(data.person, start, end)
>>> list(by_gender.index)
['mentee', 'mentor']
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from mentorkit import vocab
from mentorkit.errors import NotFoundError
from mentorkit.model.tables import read_tables
from mentorkit.periods import parse_period, within
from mentorkit.privacy.suppression import renamed_min_cell, threshold
from mentorkit.programmes import programme_id

__all__ = ["FunderData", "STARTED", "parse_period", "recruitment_by_gender",
           "recruitment_by_origin", "origin_groups", "grant_targets", "matches_started",
           "outcomes_by_phase", "events_held", "effect_groups",
           "EffectSummary", "employment_effect", "MIN_GROUP", "REGIONS"]

#: The statuses of a match that began (the one definition is in :mod:`mentorkit.vocab`).
STARTED = vocab.STARTED_MATCH_STATUSES
"""Match statuses of a match that started."""

@dataclass(frozen=True)
class FunderData:
    """The tables a funder report reads, limited to one programme (or all of them)."""

    programme: pd.DataFrame
    grant: pd.DataFrame
    target: pd.DataFrame
    person: pd.DataFrame
    match: pd.DataFrame
    outcome: pd.DataFrame
    event: pd.DataFrame
    attendance: pd.DataFrame

    @classmethod
    def load(cls, source: Any, programme: int | str | None = None) -> FunderData:
        """Read the tables from a Store, a Dataset or a mapping of DataFrames
        (:func:`~mentorkit.model.tables.read_tables`), then :meth:`restrict`."""
        return cls(**read_tables(source, [f.name for f in fields(cls)])).restrict(programme)

    def programme_id(self, programme: int | str | None) -> int | None:
        """The id of a programme given by id or name (case-insensitive); None for all."""
        return programme_id(self.programme, programme)

    def restrict(self, programme: int | str | None) -> FunderData:
        """Only the rows of one programme (unchanged for None or "")."""
        pid = self.programme_id(programme)
        if pid is None:
            return self
        grant = self.grant[self.grant["programme_id"] == pid]
        person = self.person[self.person["programme_id"] == pid]
        event = self.event[self.event["programme_id"] == pid]
        return replace(
            self, programme=self.programme[self.programme["id"] == pid], grant=grant,
            target=self.target[self.target["grant_id"].isin(grant["id"])], person=person,
            match=self.match[self.match["programme_id"] == pid],
            outcome=self.outcome[self.outcome["person_id"].isin(person["id"])], event=event,
            attendance=self.attendance[self.attendance["event_id"].isin(event["id"])])

    def grant_rows(self, grant: int | str | None) -> pd.DataFrame:
        """The grants asked for: all (None or ""), or one by id or title (case-insensitive)."""
        if grant is None or (isinstance(grant, str) and not grant.strip()):
            return self.grant
        if isinstance(grant, int) or str(grant).strip().isdigit():
            hit = self.grant[self.grant["id"].astype(int) == int(grant)]
        else:
            hit = self.grant[self.grant["title"].str.casefold() == str(grant).strip().casefold()]
        if hit.empty:
            known = "; ".join(f"{i}: {t}" for i, t in zip(self.grant["id"], self.grant["title"]))
            raise NotFoundError(f"no grant {grant!r} for this programme; known: {known or 'none'}")
        return hit


def recruitment_by_gender(person: pd.DataFrame, start: pd.Timestamp | None = None,
                          end: pd.Timestamp | None = None,
                          roles: tuple[str, ...] = ("mentee", "mentor")) -> pd.DataFrame:
    """People registered in the period: one row per role, one column per gender code.

    Columns follow ``vocab.GENDERS``; a gender nobody has is left out; unknown is ``unknown``.
    """
    p = person[within(person["registered_on"], (start, end)) & person["role"].isin(roles)]
    gender = p["gender"].astype("object").where(p["gender"].notna(), "unknown")
    table = pd.crosstab(p["role"], gender).reindex(list(roles), fill_value=0)
    order = [g for g in (*vocab.GENDERS.codes, "unknown") if g in table.columns]
    return table.reindex(columns=order).fillna(0).astype(int).rename_axis(index=None,
                                                                          columns=None)


REGIONS: dict[str, tuple[str, ...]] = {
    "mena": ("SY", "IQ", "IR", "TR", "LB", "PS", "MA"),
    "africa": ("SO", "ER", "ET"),
    "asia": ("AF", "PK", "LK", "VN", "TH", "PH", "CN"),
    "europe": ("DK", "NL", "BA", "PL", "UA", "DE", "GB"),
    "americas": ("SR",),
}
"""World regions of the countries in ``vocab.COUNTRIES``, for pooling small countries."""

_REGION_OF = {c: r for r, countries in REGIONS.items() for c in countries}


@renamed_min_cell("min_count")
def recruitment_by_origin(person: pd.DataFrame, start: pd.Timestamp | None = None,
                          end: pd.Timestamp | None = None, role: str = "mentee",
                          min_cell: int | None = 0) -> pd.DataFrame:
    """People registered in the period by country of origin (rows) and gender (columns).

    A country with fewer than ``min_cell`` people (0: the setting ``MENTORKIT_MIN_CELL``) is
    pooled into its world region (row ``region:<code>``, see :data:`REGIONS`), and a region
    still under ``min_cell`` into ``other``, so that few cells need suppressing. Rows:
    countries by size, then regions, then ``other``.

    Example
    -------
    >>> p = pd.DataFrame({"role": ["mentee"] * 8, "gender": ["female"] * 8,
    ...                   "country_of_origin": ["SY"] * 5 + ["IQ", "LB", "SO"],
    ...                   "registered_on": pd.Timestamp("2019-05-01")})
    >>> recruitment_by_origin(p, min_cell=2)["female"].to_dict()
    {'SY': 5, 'region:mena': 2, 'other': 1}
    """
    p = person[within(person["registered_on"], (start, end)) & (person["role"] == role)]
    origin = origin_groups(p, min_cell)
    gender = p["gender"].astype("object").where(p["gender"].notna(), "unknown")
    table = pd.crosstab(origin, gender)
    order = [g for g in (*vocab.GENDERS.codes, "unknown") if g in table.columns]
    table = table.reindex(columns=order)
    size = table.sum(axis=1)
    rows = sorted(table.index, key=lambda r: (r == "other", r.startswith("region:"),
                                              -int(size[r]), r))
    return table.reindex(rows).astype(int).rename_axis(index=None, columns=None)


def origin_groups(person: pd.DataFrame, min_cell: int | None = 0) -> pd.Series:
    """Each person's country of origin as :func:`recruitment_by_origin` counts it: a country
    with fewer than ``min_cell`` of ``person`` pooled into its region, a small region into
    ``other`` (the rows of ``person`` are the people counted).

    Example
    -------
    >>> p = pd.DataFrame({"country_of_origin": ["SY"] * 5 + ["IQ", "LB", "SO"]})
    >>> origin_groups(p, min_cell=2).tolist()[4:]
    ['SY', 'region:mena', 'region:mena', 'other']
    """
    min_count = threshold(min_cell)
    origin = person["country_of_origin"].astype("object").where(
        person["country_of_origin"].notna(), "other")
    small = origin.map(origin.value_counts()) < min_count
    origin = origin.where(~small, origin.map(lambda c: "region:" + _REGION_OF.get(c, "other")))
    small = origin.str.startswith("region:") & (origin.map(origin.value_counts()) < min_count)
    return origin.where(~small, "other").replace("region:other", "other")


def grant_targets(data: FunderData, start: pd.Timestamp | None = None,
                  end: pd.Timestamp | None = None, grant: int | str | None = None
                  ) -> pd.DataFrame:
    """Actual against target for each target of the grants overlapping the period.

    The counting window of a target is its grant's period cut to the report's period;
    see :func:`mentorkit.monitoring.progress.target_progress` for what each metric counts.
    """
    from mentorkit.monitoring.progress import target_progress

    grants = data.grant_rows(grant)
    return target_progress(data.target[data.target["grant_id"].isin(grants["id"])], grants,
                           data.person, data.match, data.outcome, data.event,
                           data.attendance, start=start, end=end)


def matches_started(match: pd.DataFrame, start: pd.Timestamp | None = None,
                    end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The matches that started in the period and how they stood at its end, by end reason.

    One additive table (so that suppression with totals protects every count): columns
    ``completed``, ``ended_early`` (ended by the period's last day) and ``running``; rows the
    end reasons in ``vocab.END_REASONS`` order (``other`` for a missing reason; reasons
    nobody gave are left out) and a last row ``running``. Its grand total is the matches
    started in the period.

    Example
    -------
    >>> m = pd.DataFrame({"status": ["completed", "ended_early", "active", "declined"],
    ...                   "started_on": pd.to_datetime(["2019-02-01", "2019-03-01",
    ...                                                 "2019-05-01", None]),
    ...                   "ended_on": pd.to_datetime(["2019-10-01", "2019-06-01", None, None]),
    ...                   "end_reason": ["plan_completed", "lost_contact", None, None]})
    >>> matches_started(m, *parse_period("2019")).to_dict("index")["running"]
    {'completed': 0, 'ended_early': 0, 'running': 1}
    """
    m = match[match["status"].isin(STARTED) & within(match["started_on"], (start, end))]
    last = end if end is not None else pd.Timestamp.max.normalize()
    ended = pd.to_datetime(m["ended_on"]).dt.normalize() <= last
    ended &= m["status"].isin({"completed", "ended_early"})
    how = m["status"].where(ended, "running").astype("object")
    reason = m["end_reason"].astype("object").where(m["end_reason"].notna(), "other")
    reason = reason.where(ended, "running")
    table = pd.crosstab(reason, how).reindex(columns=["completed", "ended_early", "running"],
                                             fill_value=0)
    rows = [r for r in (*vocab.END_REASONS.codes, "running") if r in table.index]
    return table.reindex(rows).fillna(0).astype(int).rename_axis(index=None, columns=None)


def outcomes_by_phase(person: pd.DataFrame, match: pd.DataFrame, outcome: pd.DataFrame,
                      start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
                      ) -> pd.DataFrame:
    """Where the mentees matched in the period stood at each outcome phase.

    Rows: phases (``vocab.OUTCOME_PHASES``). Columns: ``cohort`` (mentees whose first
    match started in the period), ``recorded`` (of them, with an outcome at that phase),
    which splits into ``employed`` (a job, ``vocab.EMPLOYED``), ``in_education`` and
    ``other`` (neither); ``job_or_education`` is employed plus in education.
    """
    mentees = set(person.loc[person["role"] == "mentee", "id"])
    started = match[match["status"].isin(STARTED) & match["mentee_id"].isin(mentees)]
    first = started.groupby("mentee_id")["started_on"].min()
    cohort = set(first.index[within(first, (start, end)).to_numpy()])
    o = outcome[outcome["person_id"].isin(cohort)].sort_values(["person_id", "recorded_on"])
    last = o.drop_duplicates(["person_id", "phase"], keep="last")
    rows = []
    for phase in vocab.OUTCOME_PHASES.codes:
        status = last.loc[last["phase"] == phase, "employment_status"]
        recorded = int(status.notna().sum())
        employed = int(status.isin(vocab.EMPLOYED).sum())
        education = int((status == "in_education").sum())
        rows.append({"cohort": len(cohort), "recorded": recorded, "employed": employed,
                     "in_education": education, "other": recorded - employed - education,
                     "job_or_education": employed + education})
    return pd.DataFrame(rows, index=list(vocab.OUTCOME_PHASES.codes))


def events_held(event: pd.DataFrame, attendance: pd.DataFrame,
                start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
                ) -> pd.DataFrame:
    """Events held in the period per kind: ``events``, ``attendances``, ``participants``.

    Rows follow ``vocab.EVENT_KINDS``; kinds with no event are left out.
    """
    e = event[within(event["date"], (start, end))]
    a = attendance[attendance["event_id"].isin(e["id"])].merge(
        e[["id", "kind"]], left_on="event_id", right_on="id")
    table = pd.DataFrame({
        "events": e.groupby("kind").size(),
        "attendances": a.groupby("kind").size(),
        "participants": a.groupby("kind")["person_id"].nunique(),
    })
    rows = [k for k in vocab.EVENT_KINDS.codes if k in table.index]
    return table.reindex(rows).fillna(0).astype(int).rename_axis(index=None)


def effect_groups(person: pd.DataFrame, match: pd.DataFrame, outcome: pd.DataFrame,
                  start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
                  ) -> tuple[int, int, int]:
    """Mentees registered in the period, and of those with a 12-month follow-up: how many
    were matched and how many not (the groups :func:`employment_effect` compares).

    A cheap look before the estimate: it reads no model library.
    """
    keep = (person["role"] == "mentee") & within(person["registered_on"], (start, end))
    if "erased_at" in person:
        keep &= person["erased_at"].isna()
    ids = set(person.loc[keep, "id"])
    matched = set(match.loc[match["started_on"].notna(), "mentee_id"]) & ids
    o = outcome[outcome["person_id"].isin(ids) & (outcome["phase"] == "followup_12m")]
    last = o.sort_values(["person_id", "recorded_on"], kind="stable").drop_duplicates(
        "person_id", keep="last")
    seen = set(last.loc[last["employment_status"].notna(), "person_id"])
    return len(ids), len(seen & matched), len(seen - matched)


EFFECT_OUTCOME = "employed_followup_12m"
EFFECT_COVARIATES = ("language_rank", "education_rank", "age", "years_in_country", "male")
MIN_GROUP = 30
EFFECT_BOOT = 1000
"""Bootstrap draws of the funder report's interval: a programme's few hundred mentees get
the bootstrap that re-fits every model (``effect(bootstrap="auto")``), whose coverage the
calibration supports at that size; the analytic interval ran too narrow there (Groningen
in the demo data: SE 0.090 analytic against 0.102 re-fitted; 0.087 against 0.132 in the
report of issue 19). Seeded, and rows are in a content order, so the same
data give the same interval."""
"""Fewest matched and unmatched mentees with a 12-month follow-up for an effect estimate."""


@dataclass(frozen=True)
class EffectSummary:
    """A short effect estimate, or why the numbers do not allow one (``reason``).

    ``reason`` is a code: ``no_mentees``, ``too_few`` (fewer than ``MIN_GROUP`` in a group)
    or ``not_estimable`` (the model could not be fitted); None when ``estimate`` is set.
    """

    n_treated: int
    n_control: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mean_treated: float | None = None
    mean_control: float | None = None
    reason: str | None = None
    ci_method: str = ""

    @property
    def ok(self) -> bool:
        """Whether an estimate is given."""
        return self.reason is None


def employment_effect(table: pd.DataFrame | None, min_group: int = MIN_GROUP) -> EffectSummary:
    """Effect of being matched on having a job 12 months after, where the numbers allow it.

    ``table`` is :func:`mentorkit.outcomes.analysis_table` for the programme and period
    (None when nobody registered). The estimate is doubly robust (AIPW, the effect on
    those matched), adjusted for language level, education, age, years in the country and
    gender, with a 95% interval from the re-fitting bootstrap (``EFFECT_BOOT`` draws, seed
    0; ``ci_method`` says which interval was used), so that the same data give the same
    numbers.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> from mentorkit.outcomes import analysis_table
    >>> employment_effect(analysis_table(generate(seed=0, scale=0.5))).ok
    True
    >>> employment_effect(None).reason
    'no_mentees'
    """
    if table is None or table.empty:
        return EffectSummary(0, 0, reason="no_mentees")
    from mentorkit.outcomes import EstimationError, effect

    seen = table[table[EFFECT_OUTCOME].notna()]
    n_t, n_c = int(seen["matched"].sum()), int((~seen["matched"]).sum())
    if min(n_t, n_c) < min_group:
        return EffectSummary(n_t, n_c, reason="too_few")
    try:
        e = effect(table, "matched", EFFECT_OUTCOME, list(EFFECT_COVARIATES), method="aipw",
                   n_boot=EFFECT_BOOT, seed=0)
    except EstimationError:
        return EffectSummary(n_t, n_c, reason="not_estimable")
    return EffectSummary(e.n_treated, e.n_control, e.estimate, e.ci_low, e.ci_high,
                         e.mean_treated, e.mean_control, ci_method=e.ci_method)

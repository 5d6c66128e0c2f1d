"""Tables and sentences for an outcome study report, in Danish, English or Dutch.

These turn the analysis table and estimates into what a funder report shows: who took part,
the effect beside the naive comparison, outcomes by phase, and a plain-words summary. Every
count table goes through :func:`~mentorkit.outcomes.suppress.suppress_small`, which lets
:func:`mentorkit.privacy.suppress` decide the blanks (with the table's totals) and blanks the
estimates built on them.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> participation(t).columns[0]
'Programme'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.i18n import Catalogue, check_lang, renamed_language
from mentorkit.outcomes._data import as_columns, is_binary
from mentorkit.outcomes.effects import METHODS, Effect, effect
from mentorkit.outcomes.suppress import suppress_small
from mentorkit.privacy.suppression import renamed_min_cell, threshold
from mentorkit.vocab import Lang

if TYPE_CHECKING:
    from mentorkit.outcomes.survival_analysis import Survival

__all__ = ["TEXT", "balance_summary", "compare_methods", "describe_effect", "label",
           "measure_of", "outcomes_by_phase", "participation", "subgroup_table",
           "note_text", "subgroup_name", "survival_summary", "used_covariates"]

TEXT = Catalogue("outcomes.report", {
    "programme": {"da": "Program", "en": "Programme", "nl": "Programma"},
    "all": {"da": "Alle", "en": "All", "nl": "Alle"},
    "mentees": {"da": "Mentees", "en": "Mentees", "nl": "Mentees"},
    "matched": {"da": "Med mentor", "en": "Matched", "nl": "Met mentor"},
    "not_matched": {"da": "Uden mentor", "en": "Not matched", "nl": "Zonder mentor"},
    "completed": {"da": "Gennemført", "en": "Completed", "nl": "Afgerond"},
    "ended_early": {"da": "Afbrudt", "en": "Ended early", "nl": "Voortijdig gestopt"},
    "outcome_matched": {"da": "Resultat målt, med mentor", "en": "Outcome recorded, matched",
                        "nl": "Uitkomst gemeten, met mentor"},
    "outcome_not_matched": {"da": "Resultat målt, uden mentor",
                            "en": "Outcome recorded, not matched",
                            "nl": "Uitkomst gemeten, zonder mentor"},
    "method": {"da": "Metode", "en": "Method", "nl": "Methode"},
    "estimate": {"da": "Estimat", "en": "Estimate", "nl": "Schatting"},
    "ci": {"da": "95% KI", "en": "95% CI", "nl": "95% BI"},
    "covariate": {"da": "Baggrundsvariabel", "en": "Covariate", "nl": "Achtergrondkenmerk"},
    "smd_before": {"da": "SMD før", "en": "SMD before", "nl": "SMD voor"},
    "smd_after": {"da": "SMD efter", "en": "SMD after", "nl": "SMD na"},
    "phase": {"da": "Tidspunkt", "en": "Phase", "nl": "Moment"},
    "group": {"da": "Gruppe", "en": "Group", "nl": "Groep"},
    "n": {"da": "Antal", "en": "Number", "nl": "Aantal"},
    "share": {"da": "Andel", "en": "Share", "nl": "Aandeel"},
    "days": {"da": "Dage siden indskrivning", "en": "Days since registration",
             "nl": "Dagen sinds inschrijving"},
    "no_job_yet": {"da": "Andel endnu uden job", "en": "Share without a job yet",
                   "nl": "Aandeel nog zonder werk"},
    "effect": {"da": "Effekt", "en": "Effect", "nl": "Effect"},
    "difference": {"da": "Rå forskel", "en": "Raw difference", "nl": "Ruw verschil"},
    "regression": {"da": "Regression", "en": "Regression", "nl": "Regressie"},
    "ipw": {"da": "Vægtning (IPW)", "en": "Weighting (IPW)", "nl": "Weging (IPW)"},
    "psm": {"da": "Matchning på propensity score", "en": "Propensity score matching",
            "nl": "Matching op propensityscore"},
    "aipw": {"da": "Dobbelt robust (AIPW)", "en": "Doubly robust (AIPW)",
             "nl": "Dubbel robuust (AIPW)"},
    "did": {"da": "Forskel i forskelle", "en": "Difference in differences",
            "nl": "Verschil in verschillen"},
    "median_days": {"da": "Median dage til job", "en": "Median days to job",
                    "nl": "Mediaan dagen tot werk"},
    "jobs": {"da": "Fik job", "en": "Found a job", "nl": "Vond werk"},
    "subgroup": {"da": "Undergruppe", "en": "Subgroup", "nl": "Subgroep"},
    "note": {"da": "Bemærkning", "en": "Note", "nl": "Opmerking"},
    "not_reached": {"da": "ikke nået", "en": "not reached", "nl": "niet bereikt"},
    "to": {"da": "til", "en": "to", "nl": "tot"},
    "by_gender": {"da": "Køn", "en": "Gender", "nl": "Geslacht"},
    "by_age_group": {"da": "Alder", "en": "Age", "nl": "Leeftijd"},
    "by_education_group": {"da": "Uddannelse", "en": "Education", "nl": "Opleiding"},
    "by_language_group": {"da": "Sprogniveau", "en": "Language level", "nl": "Taalniveau"},
    "by_programme": {"da": "Program", "en": "Programme", "nl": "Programma"},
    "level_under 30": {"da": "under 30", "en": "under 30", "nl": "onder 30"},
    "level_basic": {"da": "grundlæggende", "en": "basic", "nl": "basis"},
    "level_secondary": {"da": "ungdomsuddannelse", "en": "secondary", "nl": "middelbaar"},
    "level_tertiary": {"da": "videregående", "en": "tertiary", "nl": "hoger"},
    "p_heterogeneity": {"da": "p (heterogenitet)", "en": "p (heterogeneity)",
                        "nl": "p (heterogeniteit)"},
    "note_small": {"da": "for få med eller uden mentor: ikke estimeret",
                   "en": "too few with or without a mentor: not estimated",
                   "nl": "te weinig met of zonder mentor: niet geschat"},
    "note_separated": {"da": "en model adskilte grupperne fuldstændigt: ikke vist",
                       "en": "a model separated the groups perfectly: not shown",
                       "nl": "een model scheidde de groepen volledig: niet getoond"},
    "note_headline": {"da": "estimatet ovenfor; en model adskilte grupperne (se advarslerne)",
                      "en": "the estimate above; a model separated the groups (see the "
                            "warnings)",
                      "nl": "de schatting hierboven; een model scheidde de groepen (zie de "
                            "waarschuwingen)"},
    "note_constant": {"da": "ingen variation at estimere ud fra: ikke vist",
                      "en": "no variation to estimate from: not shown",
                      "nl": "geen variatie om uit te schatten: niet getoond"},
    "note_not_estimated": {"da": "kunne ikke estimeres (for lidt overlap eller data)",
                           "en": "could not be estimated (too little overlap or data)",
                           "nl": "kon niet geschat worden (te weinig overlap of gegevens)"},
    "effect_sentence": {"da": "{n1} mentees med mentor og {n0} uden har dette resultat "
                              "registreret. Rå forskel: {naive}. De der fik en mentor, var "
                              "anderledes end de andre allerede fra start, så den rå forskel "
                              "blander programmets effekt med hvem der deltog. Justeret for "
                              "{covs} ({method}) er den estimerede effekt for dem med mentor "
                              "{est} (95% KI {lo} til {hi}).",
                        "en": "{n1} mentees with a mentor and {n0} without one have this outcome "
                              "recorded. Raw difference: {naive}. Those who got a mentor "
                              "differed from the others before they started, so the raw "
                              "difference mixes the programme's effect with who took part. "
                              "Adjusted for {covs} ({method}), the estimated effect on those "
                              "with a mentor is {est} (95% CI {lo} to {hi}).",
                        "nl": "{n1} mentees met mentor en {n0} zonder hebben deze uitkomst "
                              "geregistreerd. Ruw verschil: {naive}. Wie een mentor kreeg, "
                              "verschilde al bij de start van de anderen, dus het ruwe verschil "
                              "mengt het effect van het programma met wie er meedeed. "
                              "Gecorrigeerd voor {covs} ({method}) is het geschatte effect voor "
                              "wie een mentor had {est} (95% BI {lo} tot {hi})."},
    "percentage_points": {"da": "procentpoint", "en": "percentage points", "nl": "procentpunt"},
})
"""The words and sentences of the report, by key (see :func:`label`)."""


@renamed_language
def label(key: str, lang: Lang = "en") -> str:
    """A word or phrase of the report in ``lang`` (da, en, nl); unknown keys pass through.

    Example
    -------
    >>> label("matched", "da")
    'Med mentor'
    """
    lang = check_lang(lang)
    return TEXT.text(key, lang) if key in TEXT else key


@renamed_language
@renamed_min_cell("threshold")
def participation(table: pd.DataFrame, outcome: str = "employed_followup_12m",
                  lang: Lang = "en", min_cell: int | None = 0) -> pd.DataFrame:
    """Who took part, per programme and in all: counts with small cells suppressed.

    The "all" row is the sum of the programmes, and mentees the sum of matched and not
    matched: both totals are protected, so that no blank can be worked out by subtraction.
    ``min_cell`` is the smallest count shown (0: the setting ``MENTORKIT_MIN_CELL``).
    """
    k = threshold(min_cell)
    t = table.copy()
    t["_has"] = t[outcome].notna() if outcome in t.columns else False
    rows = []
    groups = [(p, g) for p, g in t.groupby("programme", sort=True)] + [(label("all", lang), t)]
    for name, g in groups:
        rows.append({"programme": name, "mentees": len(g), "matched": int(g["matched"].sum()),
                     "not_matched": int((~g["matched"]).sum()),
                     "completed": int(g["completed"].sum()),
                     "ended_early": int(g["ended_early"].sum()),
                     "outcome_matched": int((g["_has"] & g["matched"]).sum()),
                     "outcome_not_matched": int((g["_has"] & ~g["matched"]).sum())})
    out = pd.DataFrame(rows)
    everyone = out.index[-1]
    out = suppress_small(out, ["matched", "not_matched"], k, total="mentees",
                         total_row=everyone)
    out = suppress_small(out, ["completed", "ended_early", "outcome_matched",
                               "outcome_not_matched"], k, total_row=everyone)
    return out.rename(columns={c: label(c, lang) for c in out.columns})


@renamed_language
@renamed_min_cell("threshold")
def compare_methods(table: pd.DataFrame, treatment: str, outcome: str,
                    covariates: str | Sequence[str], methods: Sequence[str] = METHODS[:5],
                    n_boot: int = 1000, seed: int = 0, lang: Lang = "en",
                    min_cell: int | None = 0) -> pd.DataFrame:
    """The effect by several methods side by side (estimate, interval, group sizes).

    Group sizes are those each method used (matching counts distinct comparison people);
    they are counts, suppressed below ``min_cell`` (0: the setting).
    """
    rows = []
    for m in methods:
        e = effect(table, treatment, outcome, covariates, method=m, n_boot=n_boot, seed=seed)
        rows.append({label("method", lang): label(m, lang),
                     label("estimate", lang): round(e.estimate, 3),
                     label("ci", lang): f"{e.ci_low:.3f} {label('to', lang)} {e.ci_high:.3f}",
                     label("matched", lang): e.n_treated,
                     label("not_matched", lang): e.n_control})
    out = pd.DataFrame(rows)
    return suppress_small(out, [label("matched", lang), label("not_matched", lang)],
                          min_cell)


@renamed_language
def balance_summary(e: Effect, lang: Lang = "en") -> pd.DataFrame:
    """Covariate, SMD before and after, rounded to two decimals, for display.

    Not a count table: standardised mean differences of whole groups, no counts.
    """
    if e.balance is None:
        raise ValueError("this estimate has no balance table")
    b = e.balance
    cols = {"covariate": label("covariate", lang),
            "smd_before": label("smd_before", lang)}
    if "smd_after" in b.columns:
        cols["smd_after"] = label("smd_after", lang)
    return b[list(cols)].rename(columns=cols).round(2)


def used_covariates(e: Effect) -> tuple[str, ...]:
    """The covariates an estimate really adjusted for: those constant in its rows (left out
    by the fit, e.g. ``male`` among women only) are not named.

    Example
    -------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"t": [0, 1, 0, 1, 0, 1], "y": [0, 1, 1, 1, 0, 0],
    ...                   "age": [30, 41, 52, 33, 44, 35], "male": 0})
    >>> used_covariates(effect(d, "t", "y", ["age", "male"], method="regression"))
    ('age',)
    """
    if e.balance is None:
        return as_columns(e.covariates)
    shown = [str(c) for c in e.balance["covariate"]]
    return tuple(c for c in as_columns(e.covariates)
                 if any(s == c or s.startswith(c + "=") for s in shown))


def measure_of(outcome: str) -> str:
    """The measure in an outcome column name: ``employed_followup_12m`` -> ``employed``.

    Example
    -------
    >>> measure_of("job_or_education_end")
    'job_or_education'
    """
    for phase in vocab.OUTCOME_PHASES.codes:
        if outcome.endswith("_" + phase):
            return outcome[: -len(phase) - 1]
    return outcome


@renamed_language
@renamed_min_cell("threshold")
def survival_summary(surv: Survival, lang: Lang = "en", min_cell: int | None = 0
                     ) -> pd.DataFrame:
    """Median time to job per group with interval; counts under ``min_cell`` (0: the
    setting) hidden.

    A group's median and interval are blanked with its count of people or of jobs: with few
    jobs the median is one person's time to a job. An interval whose upper end the data do
    not reach (the curve stays above one half) reads "338 to not reached".
    """
    m = surv.medians.copy()
    reached = label("not_reached", lang)
    to = label("to", lang)
    ci = ["" if np.isnan(a) and np.isnan(b) else
          f"{reached if np.isnan(a) else f'{a:.0f}'} {to} {reached if np.isnan(b) else f'{b:.0f}'}"
          for a, b in zip(m["ci_low"], m["ci_high"])]
    out = pd.DataFrame({
        label("group", lang): [label("matched" if g == "True" else "not_matched", lang)
                                   if g in ("True", "False") else g for g in m["group"]],
        label("n", lang): m["n"], label("jobs", lang): m["events"],
        label("median_days", lang): [label("not_reached", lang) if np.isnan(v)
                                         else f"{v:.0f}" for v in m["median"]],
        label("ci", lang): ci})
    derived = [label("median_days", lang), label("ci", lang)]
    return suppress_small(out, [label("n", lang), label("jobs", lang)], min_cell,
                          dependent={label("n", lang): derived,
                                     label("jobs", lang): derived})


@renamed_language
@renamed_min_cell("threshold")
def subgroup_table(groups: pd.DataFrame, lang: Lang = "en", min_cell: int | None = 0
                   ) -> pd.DataFrame:
    """The subgroup estimates for display: rounded, counts under ``min_cell`` (0: the
    setting) hidden.

    The levels of each ``by`` column add up to the "all" row (when they do), so each group
    of levels is protected with it as their total: a hidden count cannot be worked out as
    "all" minus the other levels.
    """
    out = pd.DataFrame({
        label("subgroup", lang): [subgroup_name(by, lvl, lang)
                                      for by, lvl in zip(groups["by"], groups["level"])],
        label("matched", lang): groups["n_treated"],
        label("not_matched", lang): groups["n_control"],
        label("estimate", lang): groups["estimate"].round(3),
        label("ci", lang): [("" if np.isnan(a) else f"{a:.3f} {label('to', lang)} {b:.3f}")
                                for a, b in zip(groups["ci_low"], groups["ci_high"])],
        label("p_heterogeneity", lang): groups["p_heterogeneity"].round(3),
        label("note", lang): [note_text(n, lang) for n in groups["note"]]})
    shown = [label("estimate", lang), label("ci", lang)]
    by = groups["by"].to_numpy()
    overall = np.flatnonzero(by == "all")
    tied = {"total_row": out.index[overall[0]], "groups": by} if len(overall) else {}
    return suppress_small(out, [label("matched", lang), label("not_matched", lang)],
                          min_cell, dependent={label("matched", lang): shown,
                                                label("not_matched", lang): shown},
                          **tied)


def subgroup_name(by: str, level: str, lang: Lang = "en") -> str:
    """A subgroup's name for a table or figure: "all", or the column and the level, in
    ``lang`` where the report knows them (genders by their vocabulary).

    Example
    -------
    >>> subgroup_name("gender", "female", "da"), subgroup_name("all", "all", "nl")
    ('Køn: Kvinde', 'Alle')
    """
    lang = check_lang(lang)
    if by == "all":
        return label("all", lang)
    name = label(f"by_{by}", lang) if f"by_{by}" in TEXT else by
    if by == "gender" and level in vocab.GENDERS:
        shown = vocab.GENDERS.label(level, lang)
    else:
        shown = label(f"level_{level}", lang) if f"level_{level}" in TEXT else str(level)
    return f"{name}: {shown}"


_NOTES = (("fewer than", "note_small"), ("a model separated", "note_separated"),
          ("the estimate above", "note_headline"), ("no variation", "note_constant"),
          ("not estimated", "note_not_estimated"))


def note_text(note: str, lang: Lang = "en") -> str:
    """A subgroup's note in ``lang``: the known reasons translated, model messages shortened.

    Example
    -------
    >>> note_text("fewer than 5 treated or comparison people: not estimated", "nl")
    'te weinig met of zonder mentor: niet geschat'
    """
    for start, key in _NOTES:
        if str(note).startswith(start):
            return label(key, lang)
    return str(note)


@renamed_min_cell("threshold")
def outcomes_by_phase(table: pd.DataFrame, treatment: str = "matched",
                      measure: str = "employed", min_cell: int | None = 0
                      ) -> pd.DataFrame:
    """Share (0/1 measures, with Wilson interval) or mean per phase and group.

    Groups with fewer than ``min_cell`` (0: the setting) people in a phase are left out. The
    notebook shows this only as a figure of shares and intervals
    (:func:`mentorkit.plots.outcomes.phase_plot`), not its ``n`` column; no total is shown
    beside it.
    """
    from statsmodels.stats.proportion import proportion_confint

    k = threshold(min_cell)
    rows = []
    for phase in vocab.OUTCOME_PHASES.codes:
        col = f"{measure}_{phase}"
        if col not in table.columns:
            continue
        for grp, g in table.groupby(treatment):
            y = g[col].dropna().to_numpy(dtype=float)
            if len(y) < k:
                continue
            if is_binary(y):
                lo, hi = proportion_confint(int(y.sum()), len(y), method="wilson")
            else:
                se = y.std(ddof=1) / np.sqrt(len(y))
                lo, hi = y.mean() - 1.96 * se, y.mean() + 1.96 * se
            rows.append({"phase": phase, "group": bool(grp), "n": len(y), "value": y.mean(),
                         "ci_low": float(lo), "ci_high": float(hi)})
    return pd.DataFrame(rows, columns=["phase", "group", "n", "value", "ci_low", "ci_high"])


@renamed_language
@renamed_min_cell("threshold")
def describe_effect(adjusted: Effect, naive: Effect, lang: Lang = "en",
                    min_cell: int | None = 0) -> str:
    """A short paragraph in plain words: naive vs adjusted effect, with the interval.

    The two group sizes it quotes are counts: each goes through
    :func:`~mentorkit.outcomes.suppress.suppress_small` (no total is quoted), so a group
    smaller than ``min_cell`` (0: the setting) reads ``<5``.
    """
    lang = check_lang(lang)
    scale = 100.0 if 0 <= naive.mean_treated <= 1 and 0 <= naive.mean_control <= 1 else 1.0
    unit = f" {TEXT.text('percentage_points', lang)}" if scale == 100 else ""

    def fmt(v: float, with_unit: bool = True) -> str:
        if scale == 100:
            return f"{v * scale:+.1f}" + (unit if with_unit else "")
        return f"{v:+.4g}"

    sizes = suppress_small(pd.DataFrame({"n1": [naive.n_treated], "n0": [naive.n_control]}),
                           ["n1", "n0"], min_cell).iloc[0]
    return TEXT.text(
        "effect_sentence", lang,
        n1=sizes["n1"], n0=sizes["n0"], naive=fmt(naive.estimate),
        covs=", ".join(used_covariates(adjusted)) or "-",
        method=label(adjusted.method, lang),
        est=fmt(adjusted.estimate), lo=fmt(adjusted.ci_low, False), hi=fmt(adjusted.ci_high, False))

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

from typing import Sequence

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.outcomes._data import as_columns, is_binary
from mentorkit.outcomes.effects import METHODS, Effect, effect
from mentorkit.outcomes.suppress import min_cell, suppress_small

__all__ = ["TEXT", "balance_summary", "compare_methods", "describe_effect", "label",
           "measure_of", "outcomes_by_phase", "participation", "subgroup_table",
           "survival_summary"]

TEXT: dict[str, tuple[str, str, str]] = {          # da, en, nl
    "programme": ("Program", "Programme", "Programma"),
    "all": ("Alle", "All", "Alle"),
    "mentees": ("Mentees", "Mentees", "Mentees"),
    "matched": ("Med mentor", "Matched", "Met mentor"),
    "not_matched": ("Uden mentor", "Not matched", "Zonder mentor"),
    "completed": ("Gennemført", "Completed", "Afgerond"),
    "ended_early": ("Afbrudt", "Ended early", "Voortijdig gestopt"),
    "outcome_matched": ("Resultat målt, med mentor", "Outcome recorded, matched",
                        "Uitkomst gemeten, met mentor"),
    "outcome_not_matched": ("Resultat målt, uden mentor", "Outcome recorded, not matched",
                            "Uitkomst gemeten, zonder mentor"),
    "method": ("Metode", "Method", "Methode"),
    "estimate": ("Estimat", "Estimate", "Schatting"),
    "ci": ("95% KI", "95% CI", "95% BI"),
    "covariate": ("Baggrundsvariabel", "Covariate", "Achtergrondkenmerk"),
    "smd_before": ("SMD før", "SMD before", "SMD voor"),
    "smd_after": ("SMD efter", "SMD after", "SMD na"),
    "phase": ("Tidspunkt", "Phase", "Moment"),
    "group": ("Gruppe", "Group", "Groep"),
    "n": ("Antal", "Number", "Aantal"),
    "share": ("Andel", "Share", "Aandeel"),
    "days": ("Dage siden indskrivning", "Days since registration", "Dagen sinds inschrijving"),
    "no_job_yet": ("Andel endnu uden job", "Share without a job yet", "Aandeel nog zonder werk"),
    "effect": ("Effekt", "Effect", "Effect"),
    "difference": ("Rå forskel", "Raw difference", "Ruw verschil"),
    "regression": ("Regression", "Regression", "Regressie"),
    "ipw": ("Vægtning (IPW)", "Weighting (IPW)", "Weging (IPW)"),
    "psm": ("Matchning på propensity score", "Propensity score matching",
            "Matching op propensityscore"),
    "aipw": ("Dobbelt robust (AIPW)", "Doubly robust (AIPW)", "Dubbel robuust (AIPW)"),
    "did": ("Forskel i forskelle", "Difference in differences", "Verschil in verschillen"),
    "median_days": ("Median dage til job", "Median days to job", "Mediaan dagen tot werk"),
    "jobs": ("Fik job", "Found a job", "Vond werk"),
    "subgroup": ("Undergruppe", "Subgroup", "Subgroep"),
    "note": ("Bemærkning", "Note", "Opmerking"),
    "not_reached": ("ikke nået", "not reached", "niet bereikt"),
}


def label(key: str, language: str = "en") -> str:
    """A word or phrase of the report in ``language`` (da, en, nl); unknown keys pass through.

    Example
    -------
    >>> label("matched", "da")
    'Med mentor'
    """
    if language not in vocab.LANGS:
        raise ValueError(f"language must be one of {', '.join(vocab.LANGS)} (got {language!r})")
    entry = TEXT.get(key)
    return key if entry is None else entry[vocab.LANGS.index(language)]


def participation(table: pd.DataFrame, outcome: str = "employed_followup_12m",
                  language: str = "en", threshold: int | None = None) -> pd.DataFrame:
    """Who took part, per programme and in all: counts with small cells suppressed.

    The "all" row is the sum of the programmes, and mentees the sum of matched and not
    matched: both totals are protected, so that no blank can be worked out by subtraction.
    """
    k = min_cell() if threshold is None else threshold
    t = table.copy()
    t["_has"] = t[outcome].notna() if outcome in t.columns else False
    rows = []
    groups = [(p, g) for p, g in t.groupby("programme", sort=True)] + [(label("all", language), t)]
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
    return out.rename(columns={c: label(c, language) for c in out.columns})


def compare_methods(table: pd.DataFrame, treatment: str, outcome: str,
                    covariates: str | Sequence[str], methods: Sequence[str] = METHODS[:5],
                    n_boot: int = 1000, seed: int = 0, language: str = "en",
                    threshold: int | None = None) -> pd.DataFrame:
    """The effect by several methods side by side (estimate, interval, group sizes).

    Group sizes are those each method used (matching counts distinct comparison people);
    they are counts, suppressed below ``threshold`` (default: the setting).
    """
    rows = []
    for m in methods:
        e = effect(table, treatment, outcome, covariates, method=m, n_boot=n_boot, seed=seed)
        rows.append({label("method", language): label(m, language),
                     label("estimate", language): round(e.estimate, 3),
                     label("ci", language): f"{e.ci_low:.3f} to {e.ci_high:.3f}",
                     label("matched", language): e.n_treated,
                     label("not_matched", language): e.n_control})
    out = pd.DataFrame(rows)
    return suppress_small(out, [label("matched", language), label("not_matched", language)],
                          threshold)


def balance_summary(e: Effect, language: str = "en") -> pd.DataFrame:
    """Covariate, SMD before and after, rounded to two decimals, for display.

    Not a count table: standardised mean differences of whole groups, no counts.
    """
    if e.balance is None:
        raise ValueError("this estimate has no balance table")
    b = e.balance
    cols = {"covariate": label("covariate", language),
            "smd_before": label("smd_before", language)}
    if "smd_after" in b.columns:
        cols["smd_after"] = label("smd_after", language)
    return b[list(cols)].rename(columns=cols).round(2)


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


def survival_summary(surv: object, language: str = "en", threshold: int | None = None
                     ) -> pd.DataFrame:
    """Median time to job per group with interval; counts under the threshold hidden.

    A group's median and interval are blanked with its count of people or of jobs: with few
    jobs the median is one person's time to a job.
    """
    m = surv.medians.copy()                                     # type: ignore[attr-defined]
    ci = ["" if np.isnan(a) and np.isnan(b) else
          ("?" if np.isnan(a) else f"{a:.0f}") + " - " + ("?" if np.isnan(b) else f"{b:.0f}")
          for a, b in zip(m["ci_low"], m["ci_high"])]
    out = pd.DataFrame({
        label("group", language): [label("matched" if g == "True" else "not_matched", language)
                                   if g in ("True", "False") else g for g in m["group"]],
        label("n", language): m["n"], label("jobs", language): m["events"],
        label("median_days", language): [label("not_reached", language) if np.isnan(v)
                                         else f"{v:.0f}" for v in m["median"]],
        label("ci", language): ci})
    derived = [label("median_days", language), label("ci", language)]
    return suppress_small(out, [label("n", language), label("jobs", language)], threshold,
                          dependent={label("n", language): derived,
                                     label("jobs", language): derived})


def subgroup_table(groups: pd.DataFrame, language: str = "en", threshold: int | None = None
                   ) -> pd.DataFrame:
    """The subgroup estimates for display: rounded, counts under the threshold hidden.

    The levels of each ``by`` column add up to the "all" row (when they do), so each group
    of levels is protected with it as their total: a hidden count cannot be worked out as
    "all" minus the other levels.
    """
    out = pd.DataFrame({
        label("subgroup", language): [lvl if by == "all" else f"{by}: {lvl}"
                                      for by, lvl in zip(groups["by"], groups["level"])],
        label("matched", language): groups["n_treated"],
        label("not_matched", language): groups["n_control"],
        label("estimate", language): groups["estimate"].round(3),
        label("ci", language): [("" if np.isnan(a) else f"{a:.3f} to {b:.3f}")
                                for a, b in zip(groups["ci_low"], groups["ci_high"])],
        "p (heterogeneity)": groups["p_heterogeneity"].round(3),
        label("note", language): groups["note"]})
    shown = [label("estimate", language), label("ci", language)]
    by = groups["by"].to_numpy()
    overall = np.flatnonzero(by == "all")
    tied = {"total_row": out.index[overall[0]], "groups": by} if len(overall) else {}
    return suppress_small(out, [label("matched", language), label("not_matched", language)],
                          threshold, dependent={label("matched", language): shown,
                                                label("not_matched", language): shown},
                          **tied)


def outcomes_by_phase(table: pd.DataFrame, treatment: str = "matched",
                      measure: str = "employed", threshold: int | None = None
                      ) -> pd.DataFrame:
    """Share (0/1 measures, with Wilson interval) or mean per phase and group.

    Groups with fewer than ``threshold`` people in a phase are left out. The notebook shows
    this only as a figure of shares and intervals (:func:`mentorkit.plots.outcomes.phase_plot`),
    not its ``n`` column; no total is shown beside it.
    """
    from statsmodels.stats.proportion import proportion_confint

    k = min_cell() if threshold is None else threshold
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


_SENTENCES = {
    "en": ("{n1} mentees with a mentor and {n0} without one have this outcome recorded. "
           "Raw difference: {naive}. Those who got a mentor differed from the others before "
           "they started, so the raw difference mixes the programme's effect with who took "
           "part. Adjusted for {covs} ({method}), the estimated effect on those with a mentor "
           "is {est} (95% CI {lo} to {hi})."),
    "da": ("{n1} mentees med mentor og {n0} uden har dette resultat registreret. Rå forskel: "
           "{naive}. De der fik en mentor, var anderledes end de andre allerede fra start, så "
           "den rå forskel blander programmets effekt med hvem der deltog. Justeret for {covs} "
           "({method}) er den estimerede effekt for dem med mentor {est} (95% KI {lo} til {hi})."),
    "nl": ("{n1} mentees met mentor en {n0} zonder hebben deze uitkomst geregistreerd. Ruw "
           "verschil: {naive}. Wie een mentor kreeg, verschilde al bij de start van de anderen, "
           "dus het ruwe verschil mengt het effect van het programma met wie er meedeed. "
           "Gecorrigeerd voor {covs} ({method}) is het geschatte effect voor wie een mentor had "
           "{est} (95% BI {lo} tot {hi})."),
}
_PP = {"en": "percentage points", "da": "procentpoint", "nl": "procentpunt"}


def describe_effect(adjusted: Effect, naive: Effect, language: str = "en",
                    threshold: int | None = None) -> str:
    """A short paragraph in plain words: naive vs adjusted effect, with the interval.

    The two group sizes it quotes are counts: each goes through
    :func:`~mentorkit.outcomes.suppress.suppress_small` (no total is quoted), so a group
    smaller than ``threshold`` (default: the setting) reads ``<5``.
    """
    if language not in _SENTENCES:
        raise ValueError(f"language must be one of {', '.join(_SENTENCES)} (got {language!r})")
    scale = 100.0 if 0 <= naive.mean_treated <= 1 and 0 <= naive.mean_control <= 1 else 1.0
    unit = f" {_PP[language]}" if scale == 100 else ""

    def fmt(v: float, with_unit: bool = True) -> str:
        if scale == 100:
            return f"{v * scale:+.1f}" + (unit if with_unit else "")
        return f"{v:+.4g}"

    sizes = suppress_small(pd.DataFrame({"n1": [naive.n_treated], "n0": [naive.n_control]}),
                           ["n1", "n0"], threshold).iloc[0]
    return _SENTENCES[language].format(
        n1=sizes["n1"], n0=sizes["n0"], naive=fmt(naive.estimate),
        covs=", ".join(as_columns(adjusted.covariates)) or "-", method=label(adjusted.method,
                                                                            language),
        est=fmt(adjusted.estimate), lo=fmt(adjusted.ci_low, False), hi=fmt(adjusted.ci_high, False))

"""Figures for outcome studies: balance, propensity overlap, time to job, subgroups, phases.

Every function returns a matplotlib Figure built with :func:`mentorkit.plots.figure`, shows
only aggregates (no row is a person), and takes a ``lang`` (da, en or nl;
once called ``language``) for its labels.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.outcomes import analysis_table, effect
>>> t = analysis_table(generate(seed=0, scale=0.5))
>>> e = effect(t, "matched", "employed_followup_12m", ["language_rank", "age"], n_boot=0)
>>> fig = love_plot(e)
>>> fig.axes[0].get_xlabel()
'Standardised mean difference'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit.i18n import Catalogue, check_lang, renamed_language
from mentorkit.plots import PALETTE, figure
from mentorkit.privacy.suppression import renamed_min_cell, threshold

__all__ = ["forest_plot", "km_plot", "love_plot", "overlap_plot", "phase_plot"]

WORDS = Catalogue("plots.outcomes", {
    "smd": {"da": "Standardiseret forskel i gennemsnit",
            "en": "Standardised mean difference",
            "nl": "Gestandaardiseerd verschil in gemiddelden"},
    "before": {"da": "Før justering", "en": "Before adjustment", "nl": "Voor correctie"},
    "after": {"da": "Efter justering", "en": "After adjustment", "nl": "Na correctie"},
    "balance": {"da": "Balance i baggrundsvariable",
                "en": "Covariate balance",
                "nl": "Balans in achtergrond"},
    "propensity": {"da": "Sandsynlighed for at få en mentor (propensity score)",
                   "en": "Probability of getting a mentor (propensity score)",
                   "nl": "Kans op een mentor (propensityscore)"},
    "density": {"da": "Tæthed", "en": "Density", "nl": "Dichtheid"},
    "overlap": {"da": "Overlap mellem grupperne",
                "en": "Overlap between the groups",
                "nl": "Overlap tussen de groepen"},
    "matched": {"da": "Med mentor", "en": "Matched", "nl": "Met mentor"},
    "not_matched": {"da": "Uden mentor", "en": "Not matched", "nl": "Zonder mentor"},
    "days": {"da": "Dage siden indskrivning",
             "en": "Days since registration",
             "nl": "Dagen sinds inschrijving"},
    "no_job": {"da": "Andel endnu uden job",
               "en": "Share without a job yet",
               "nl": "Aandeel nog zonder werk"},
    "time_to_job": {"da": "Tid til første job",
                    "en": "Time to first job",
                    "nl": "Tijd tot eerste baan"},
    "effect": {"da": "Effekt (95% KI)", "en": "Effect (95% CI)", "nl": "Effect (95% BI)"},
    "subgroups": {"da": "Effekt i undergrupper",
                  "en": "Effect in subgroups",
                  "nl": "Effect in subgroepen"},
    "phase": {"da": "Tidspunkt", "en": "Phase", "nl": "Moment"},
    "share": {"da": "Andel", "en": "Share", "nl": "Aandeel"},
    "by_phase": {"da": "Resultat over tid",
                 "en": "Outcome over time",
                 "nl": "Uitkomst door de tijd"},
})
"""The words of the figures, by key."""


def _w(key: str, lang: str) -> str:
    return WORDS.text(key, lang)


def _group_label(value: Any, lang: str) -> str:
    truthy = str(value).lower() in ("true", "1", "1.0")
    return _w("matched" if truthy else "not_matched", lang)


@renamed_language
def love_plot(effect_or_balance: Any, lang: str = "en", threshold: float = 0.1) -> Any:
    """Absolute SMD per covariate before and after adjustment, with the 0.1 line."""
    lang = check_lang(lang)
    b = getattr(effect_or_balance, "balance", effect_or_balance)
    if b is None:
        raise ValueError("no balance table to plot")
    b = b.iloc[::-1]
    fig, ax = figure(6.5, 0.45 * len(b) + 1.6)
    y = np.arange(len(b))
    ax.scatter(b["smd_before"].abs(), y, color=PALETTE["control"], label=_w("before", lang),
               zorder=3)
    if "smd_after" in b.columns:
        ax.scatter(b["smd_after"].abs(), y, color=PALETTE["treated"], marker="D",
                   label=_w("after", lang), zorder=3)
    ax.axvline(threshold, color=PALETTE["neutral"], linestyle="--", linewidth=1)
    ax.set_yticks(y, b["covariate"])
    ax.set_xlabel(_w("smd", lang))
    ax.set_title(_w("balance", lang))
    ax.legend(loc="lower right")
    return fig


@renamed_language
@renamed_min_cell("min_count")
def overlap_plot(effect: Any, lang: str = "en", bins: int = 20,
                 min_cell: int | None = 0) -> Any:
    """Histograms of the propensity score in the two groups (density scale).

    Bins holding fewer than ``min_cell`` people of a group (0: the disclosure threshold,
    ``MENTORKIT_MIN_CELL``) are not drawn, so no bar stands for one or two people.
    """
    lang = check_lang(lang)
    if effect.propensity is None:
        raise ValueError("this estimate has no propensity score (use ipw, psm or aipw)")
    k = threshold(min_cell)
    e = effect.propensity.to_numpy()
    treated = effect.treated.to_numpy(dtype=bool)
    fig, ax = figure(6.5, 3.6)
    edges = np.linspace(0, 1, bins + 1)
    width = edges[1] - edges[0]
    for mask, colour, key in ((treated, PALETTE["treated"], "matched"),
                              (~treated, PALETTE["control"], "not_matched")):
        counts, _ = np.histogram(e[mask], bins=edges)
        shown = np.where(counts >= k, counts, 0)
        density = shown / max(mask.sum(), 1) / width
        ax.bar(edges[:-1], density, width=width, align="edge", alpha=0.55, color=colour,
               label=_w(key, lang))
    ax.set_xlabel(_w("propensity", lang))
    ax.set_ylabel(_w("density", lang))
    ax.set_title(_w("overlap", lang))
    ax.legend()
    return fig


@renamed_language
def km_plot(surv: Any, lang: str = "en") -> Any:
    """Kaplan–Meier curves (share without a job yet) with pointwise intervals."""
    lang = check_lang(lang)
    fig, ax = figure(6.5, 4.0)
    colours = [PALETTE["control"], PALETTE["treated"], PALETTE["mentor"], PALETTE["partner"]]
    for i, (name, c) in enumerate(surv.curves.groupby("group", sort=True)):
        colour = colours[i % len(colours)]
        t = np.concatenate([[0.0], c["time"].to_numpy()])
        s = np.concatenate([[1.0], c["survival"].to_numpy()])
        lo = np.concatenate([[1.0], c["ci_low"].to_numpy()])
        hi = np.concatenate([[1.0], c["ci_high"].to_numpy()])
        text = _group_label(name, lang) if surv.group == "matched" else str(name)
        ax.step(t, s, where="post", color=colour, label=text)
        ax.fill_between(t, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_w("days", lang))
    ax.set_ylabel(_w("no_job", lang))
    ax.set_title(_w("time_to_job", lang))
    ax.legend()
    return fig


@renamed_language
def forest_plot(table: pd.DataFrame, lang: str = "en", reference: float = 0.0) -> Any:
    """Estimates with intervals per subgroup (rows without an estimate are listed, empty)."""
    lang = check_lang(lang)
    t = table.iloc[::-1].reset_index(drop=True)
    fig, ax = figure(6.5, 0.4 * len(t) + 1.4)
    y = np.arange(len(t))
    ok = t["estimate"].notna().to_numpy()
    est = t["estimate"].to_numpy(dtype=float)
    lo = t["ci_low"].to_numpy(dtype=float)
    hi = t["ci_high"].to_numpy(dtype=float)
    ax.errorbar(est[ok], y[ok], xerr=[est[ok] - lo[ok], hi[ok] - est[ok]], fmt="o",
                color=PALETTE["treated"], ecolor=PALETTE["neutral"], capsize=3)
    overall = (t["by"] == "all").to_numpy()
    ax.scatter(est[ok & overall], y[ok & overall], marker="D", s=60, color=PALETTE["mentee"],
               zorder=4)
    ax.axvline(reference, color=PALETTE["neutral"], linewidth=1)
    names = [lvl if by == "all" else f"{by}: {lvl}" for by, lvl in zip(t["by"], t["level"])]
    ax.set_yticks(y, names)
    ax.set_xlabel(_w("effect", lang))
    ax.set_title(_w("subgroups", lang))
    return fig


@renamed_language
def phase_plot(by_phase: pd.DataFrame, lang: str = "en") -> Any:
    """Outcome share (or mean) at each phase for the two groups, with intervals."""
    lang = check_lang(lang)
    from mentorkit import vocab

    fig, ax = figure(6.5, 3.8)
    phases = [p for p in vocab.OUTCOME_PHASES.codes if p in set(by_phase["phase"])]
    x = {p: i for i, p in enumerate(phases)}
    for grp, colour in ((False, PALETTE["control"]), (True, PALETTE["treated"])):
        g = by_phase[by_phase["group"] == grp]
        if g.empty:
            continue
        xs = g["phase"].map(x).to_numpy()
        v = g["value"].to_numpy()
        ax.errorbar(xs + (0.06 if grp else -0.06), v,
                    yerr=[v - g["ci_low"].to_numpy(), g["ci_high"].to_numpy() - v],
                    fmt="o-", color=colour, capsize=3, label=_group_label(grp, lang))
    ax.set_xticks(range(len(phases)), [vocab.OUTCOME_PHASES.label(p, lang) for p in phases])
    ax.set_xlabel(_w("phase", lang))
    ax.set_ylabel(_w("share", lang))
    ax.set_title(_w("by_phase", lang))
    ax.legend()
    return fig

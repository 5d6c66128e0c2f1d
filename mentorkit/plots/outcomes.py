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
'Absolute standardised mean difference, |SMD|'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit.i18n import Catalogue, check_lang, renamed_language
from mentorkit.plots import PALETTE, figure
from mentorkit.privacy.suppression import renamed_min_cell, threshold

__all__ = ["coarse_bins", "forest_plot", "km_plot", "love_plot", "overlap_plot", "phase_plot"]

WORDS = Catalogue("plots.outcomes", {
    "smd": {"da": "Absolut standardiseret forskel i gennemsnit, |SMD|",
            "en": "Absolute standardised mean difference, |SMD|",
            "nl": "Absoluut gestandaardiseerd verschil in gemiddelden, |SMD|"},
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
    "all": {"da": "Alle", "en": "All", "nl": "Alle"},
    "not_shown": {"da": "Undergrupper uden punkt: for små, skjult i tabellen eller ikke "
                        "estimerbare (se tabellens bemærkning)",
                  "en": "Subgroups without a point: too small, hidden in the table, or not "
                        "estimable (see the table's note)",
                  "nl": "Subgroepen zonder punt: te klein, verborgen in de tabel of niet "
                        "te schatten (zie de opmerking in de tabel)"},
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


def coarse_bins(values: np.ndarray, edges: np.ndarray,
                min_cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Adjacent bins merged until each holds at least ``min_cell`` values: (edges, counts).

    Nobody is dropped: bins are joined left to right until they reach ``min_cell``, and a
    short remainder at the right joins the last bin. Fewer than ``min_cell`` values in all
    give no bins.

    Example
    -------
    >>> e, c = coarse_bins(np.array([.05, .1, .12, .5, .55, .6, .9]), np.linspace(0, 1, 11), 3)
    >>> c.tolist(), int(c.sum())
    ([3, 4], 7)
    """
    counts, _ = np.histogram(values, bins=edges)
    if counts.sum() < min_cell:
        return np.array([edges[0]]), np.array([], dtype=int)
    out_edges, out_counts, run = [float(edges[0])], [], 0
    for i, c in enumerate(counts):
        run += int(c)
        if run >= min_cell:
            out_edges.append(float(edges[i + 1]))
            out_counts.append(run)
            run = 0
    if run:
        out_edges[-1] = float(edges[-1])
        out_counts[-1] += run
    return np.array(out_edges), np.array(out_counts, dtype=int)


@renamed_language
@renamed_min_cell("min_count")
def overlap_plot(effect: Any, lang: str = "en", bins: int = 20,
                 min_cell: int | None = 0) -> Any:
    """Histograms of the propensity score in the two groups (density scale).

    No bar stands for fewer than ``min_cell`` people of a group (0: the disclosure
    threshold, ``MENTORKIT_MIN_CELL``): thin bins are merged with their neighbours into wider
    ones (:func:`coarse_bins`), so everyone is drawn and the areas add up to one per group.
    """
    lang = check_lang(lang)
    if effect.propensity is None:
        raise ValueError("this estimate has no propensity score (use ipw, psm or aipw)")
    k = threshold(min_cell)
    e = effect.propensity.to_numpy()
    treated = effect.treated.to_numpy(dtype=bool)
    fig, ax = figure(6.5, 3.6)
    fine = np.linspace(0, 1, bins + 1)
    for mask, colour, key in ((treated, PALETTE["treated"], "matched"),
                              (~treated, PALETTE["control"], "not_matched")):
        edges, counts = coarse_bins(e[mask], fine, k)
        widths = np.diff(edges)
        density = counts / max(int(counts.sum()), 1) / np.where(widths > 0, widths, 1)
        ax.bar(edges[:-1], density, width=widths, align="edge", alpha=0.55, color=colour,
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
@renamed_min_cell("min_count")
def forest_plot(table: pd.DataFrame, lang: str = "en", reference: float = 0.0,
                min_cell: int | None = 0) -> Any:
    """Estimates with intervals per subgroup, exactly those the subgroup table shows.

    ``table`` is :func:`mentorkit.outcomes.subgroups`' result. What is drawn is what
    :func:`mentorkit.outcomes.report.subgroup_table` shows with the same ``min_cell`` (0:
    the setting): a subgroup whose estimate the table blanks (a small count, or one that
    would give a small count away through the "all" row) is listed with no point, as are
    those not estimated (too small, or a model separated the groups perfectly).
    """
    from mentorkit.outcomes.report import label, subgroup_table

    lang = check_lang(lang)
    shown = subgroup_table(table, lang, min_cell=min_cell)
    visible = (shown[label("estimate", lang)].notna().to_numpy()
               & table["estimate"].notna().to_numpy())
    t = table.assign(_visible=visible).iloc[::-1].reset_index(drop=True)
    fig, ax = figure(6.5, 0.4 * len(t) + 1.4)
    y = np.arange(len(t))
    ok = t["_visible"].to_numpy(dtype=bool)
    est = t["estimate"].to_numpy(dtype=float)
    lo = t["ci_low"].to_numpy(dtype=float)
    hi = t["ci_high"].to_numpy(dtype=float)
    # the interval as a line from its ends: a percentile interval need not contain the point
    ax.hlines(y[ok], lo[ok], hi[ok], color=PALETTE["neutral"], linewidth=1.2)
    ax.errorbar(est[ok], y[ok], fmt="o", color=PALETTE["treated"])
    overall = (t["by"] == "all").to_numpy()
    ax.scatter(est[ok & overall], y[ok & overall], marker="D", s=60, color=PALETTE["mentee"],
               zorder=4)
    ax.axvline(reference, color=PALETTE["neutral"], linewidth=1)
    from mentorkit.outcomes.report import subgroup_name

    names = [subgroup_name(by, lvl, lang) for by, lvl in zip(t["by"], t["level"])]
    ax.set_yticks(y, names)
    ax.set_xlabel(_w("effect", lang))
    ax.set_title(_w("subgroups", lang))
    if not ok.all():
        ax.annotate(_w("not_shown", lang), (0, 0), xycoords="figure fraction",
                    xytext=(6, 4), textcoords="offset points", fontsize=8,
                    color=PALETTE["neutral"])
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
                    # a Wilson bound at a share of 0 or 1 can sit a rounding error beyond it
                    yerr=[np.maximum(v - g["ci_low"].to_numpy(), 0),
                          np.maximum(g["ci_high"].to_numpy() - v, 0)],
                    fmt="o-", color=colour, capsize=3, label=_group_label(grp, lang))
    ax.set_xticks(range(len(phases)), [vocab.OUTCOME_PHASES.label(p, lang) for p in phases])
    ax.set_xlabel(_w("phase", lang))
    ax.set_ylabel(_w("share", lang))
    ax.set_title(_w("by_phase", lang))
    ax.legend()
    return fig

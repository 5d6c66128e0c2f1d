"""Figures for outcome studies: balance, propensity overlap, time to job, subgroups, phases.

Every function returns a matplotlib Figure built with :func:`mentorkit.plots.figure`, shows
only aggregates (no row is a person), and takes a ``language`` for its labels.

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

from mentorkit.plots import PALETTE, figure

__all__ = ["forest_plot", "km_plot", "love_plot", "overlap_plot", "phase_plot"]

_WORDS: dict[str, tuple[str, str, str]] = {      # da, en, nl
    "smd": ("Standardiseret forskel i gennemsnit", "Standardised mean difference",
            "Gestandaardiseerd verschil in gemiddelden"),
    "before": ("Før justering", "Before adjustment", "Voor correctie"),
    "after": ("Efter justering", "After adjustment", "Na correctie"),
    "balance": ("Balance i baggrundsvariable", "Covariate balance", "Balans in achtergrond"),
    "propensity": ("Sandsynlighed for at få en mentor (propensity score)",
                   "Probability of getting a mentor (propensity score)",
                   "Kans op een mentor (propensityscore)"),
    "density": ("Tæthed", "Density", "Dichtheid"),
    "overlap": ("Overlap mellem grupperne", "Overlap between the groups",
                "Overlap tussen de groepen"),
    "matched": ("Med mentor", "Matched", "Met mentor"),
    "not_matched": ("Uden mentor", "Not matched", "Zonder mentor"),
    "days": ("Dage siden indskrivning", "Days since registration",
             "Dagen sinds inschrijving"),
    "no_job": ("Andel endnu uden job", "Share without a job yet", "Aandeel nog zonder werk"),
    "time_to_job": ("Tid til første job", "Time to first job", "Tijd tot eerste baan"),
    "effect": ("Effekt (95% KI)", "Effect (95% CI)", "Effect (95% BI)"),
    "subgroups": ("Effekt i undergrupper", "Effect in subgroups", "Effect in subgroepen"),
    "phase": ("Tidspunkt", "Phase", "Moment"),
    "share": ("Andel", "Share", "Aandeel"),
    "by_phase": ("Resultat over tid", "Outcome over time", "Uitkomst door de tijd"),
}
_LANGS = ("da", "en", "nl")


def _w(key: str, language: str) -> str:
    return _WORDS[key][_LANGS.index(language)] if language in _LANGS else _WORDS[key][1]


def _group_label(value: Any, language: str) -> str:
    truthy = str(value).lower() in ("true", "1", "1.0")
    return _w("matched" if truthy else "not_matched", language)


def love_plot(effect_or_balance: Any, language: str = "en", threshold: float = 0.1) -> Any:
    """Absolute SMD per covariate before and after adjustment, with the 0.1 line."""
    b = getattr(effect_or_balance, "balance", effect_or_balance)
    if b is None:
        raise ValueError("no balance table to plot")
    b = b.iloc[::-1]
    fig, ax = figure(6.5, 0.45 * len(b) + 1.6)
    y = np.arange(len(b))
    ax.scatter(b["smd_before"].abs(), y, color=PALETTE["control"], label=_w("before", language),
               zorder=3)
    if "smd_after" in b.columns:
        ax.scatter(b["smd_after"].abs(), y, color=PALETTE["treated"], marker="D",
                   label=_w("after", language), zorder=3)
    ax.axvline(threshold, color=PALETTE["neutral"], linestyle="--", linewidth=1)
    ax.set_yticks(y, b["covariate"])
    ax.set_xlabel(_w("smd", language))
    ax.set_title(_w("balance", language))
    ax.legend(loc="lower right")
    return fig


def overlap_plot(effect: Any, language: str = "en", bins: int = 20,
                 min_count: int | None = None) -> Any:
    """Histograms of the propensity score in the two groups (density scale).

    Bins holding fewer than ``min_count`` people of a group (default: the disclosure
    threshold) are not drawn, so no bar stands for one or two people.
    """
    from mentorkit.outcomes.suppress import min_cell

    if effect.propensity is None:
        raise ValueError("this estimate has no propensity score (use ipw, psm or aipw)")
    k = min_cell() if min_count is None else int(min_count)
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
               label=_w(key, language))
    ax.set_xlabel(_w("propensity", language))
    ax.set_ylabel(_w("density", language))
    ax.set_title(_w("overlap", language))
    ax.legend()
    return fig


def km_plot(surv: Any, language: str = "en") -> Any:
    """Kaplan–Meier curves (share without a job yet) with pointwise intervals."""
    fig, ax = figure(6.5, 4.0)
    colours = [PALETTE["control"], PALETTE["treated"], PALETTE["mentor"], PALETTE["partner"]]
    for i, (name, c) in enumerate(surv.curves.groupby("group", sort=True)):
        colour = colours[i % len(colours)]
        t = np.concatenate([[0.0], c["time"].to_numpy()])
        s = np.concatenate([[1.0], c["survival"].to_numpy()])
        lo = np.concatenate([[1.0], c["ci_low"].to_numpy()])
        hi = np.concatenate([[1.0], c["ci_high"].to_numpy()])
        text = _group_label(name, language) if surv.group == "matched" else str(name)
        ax.step(t, s, where="post", color=colour, label=text)
        ax.fill_between(t, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_w("days", language))
    ax.set_ylabel(_w("no_job", language))
    ax.set_title(_w("time_to_job", language))
    ax.legend()
    return fig


def forest_plot(table: pd.DataFrame, language: str = "en", reference: float = 0.0) -> Any:
    """Estimates with intervals per subgroup (rows without an estimate are listed, empty)."""
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
    ax.set_xlabel(_w("effect", language))
    ax.set_title(_w("subgroups", language))
    return fig


def phase_plot(by_phase: pd.DataFrame, language: str = "en") -> Any:
    """Outcome share (or mean) at each phase for the two groups, with intervals."""
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
                    fmt="o-", color=colour, capsize=3, label=_group_label(grp, language))
    ax.set_xticks(range(len(phases)), [vocab.OUTCOME_PHASES.label(p, language) if language
                                       in vocab.LANGS else p for p in phases])
    ax.set_xlabel(_w("phase", language))
    ax.set_ylabel(_w("share", language))
    ax.set_title(_w("by_phase", language))
    ax.legend()
    return fig

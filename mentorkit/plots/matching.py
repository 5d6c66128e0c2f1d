"""Figures of the matching study: methods compared, who is left out, scores, blocked pairs.

Every figure starts from :func:`mentorkit.plots.figure` and shows groups, methods and
rules, never people.

Example
-------
>>> import pandas as pd
>>> summary = pd.DataFrame({"method": ["optimal", "greedy"], "total_score": [10.0, 9.5],
...                         "share_matched": [0.9, 0.85], "gap_to_optimal_pct": [0.0, 5.0]})
>>> fig = method_comparison(summary)
>>> len(fig.axes)
2
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mentorkit.i18n import Catalogue, check_lang
from mentorkit.plots import PALETTE, SEQUENCE, figure

__all__ = ["blocked_pairs", "method_comparison", "score_distributions", "unmatched_by_group"]

TITLES = Catalogue("plots.matching", {
    "total": {"da": "Samlet score", "en": "Total score", "nl": "Totale score"},
    "share": {"da": "Andel matchet", "en": "Share matched", "nl": "Aandeel gematcht"},
    "unmatched": {"da": "Andel uden match", "en": "Share left unmatched",
                  "nl": "Aandeel zonder match"},
    "scores": {"da": "Score for de matchede par", "en": "Scores of the matched pairs",
               "nl": "Scores van de gematchte koppels"},
    "blocked": {"da": "Par udelukket af en regel", "en": "Pairs a rule rules out",
                "nl": "Koppels uitgesloten door een regel"},
    "gap": {"da": "under optimum", "en": "below optimal", "nl": "onder optimaal"},
    "score": {"da": "Score", "en": "Score", "nl": "Score"},
    "pairs": {"da": "Par", "en": "Pairs", "nl": "Koppels"},
})
METHOD_COLOURS = {"optimal": SEQUENCE[0], "stable": SEQUENCE[2], "greedy": SEQUENCE[1]}


def method_comparison(summary: pd.DataFrame, lang: str = "en") -> Any:
    """Total score and share matched per method, the gap to the optimum written on the bars.

    Both axes start at zero: a bar's length is its value, so a gap of a few percent looks
    like one (the percentage is written on the bar).
    """
    lang = check_lang(lang)
    fig, (left, right) = figure(9, 3.6, ncols=2)
    colours = [METHOD_COLOURS.get(m, PALETTE["neutral"]) for m in summary["method"]]
    bars = left.bar(summary["method"], summary["total_score"], color=colours)
    left.set_ylim(0, float(np.nanmax(summary["total_score"].to_numpy(dtype=float),
                                     initial=0.0)) * 1.12 + 1e-9)
    for bar, gap in zip(bars, summary.get("gap_to_optimal_pct", [0] * len(summary))):
        if gap > 0:
            left.annotate(f"−{gap:.2f}% {TITLES.text('gap', lang)}",
                          (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=8)
    left.set_title(TITLES.text("total", lang))
    right.bar(summary["method"], summary["share_matched"], color=colours)
    right.set_ylim(0, 1)
    right.set_title(TITLES.text("share", lang))
    return fig


def unmatched_by_group(table: pd.DataFrame, grouping: str, lang: str = "en") -> Any:
    """Share left unmatched per group (one grouping) and method; suppressed cells are gaps."""
    lang = check_lang(lang)
    sub = table[table["grouping"] == grouping]
    wide = sub.pivot_table(index="group", columns="method", values="share_unmatched",
                           aggfunc="first", dropna=False)
    methods = [m for m in ("optimal", "stable", "greedy") if m in wide.columns]
    fig, ax = figure(8, 3.6)
    x = np.arange(len(wide.index))
    width = 0.8 / max(len(methods), 1)
    for k, method in enumerate(methods):
        ax.bar(x + k * width - 0.4 + width / 2, wide[method].to_numpy(dtype=float), width,
               label=method, color=METHOD_COLOURS[method])
    ax.set_xticks(x, [str(g) for g in wide.index], rotation=45 if len(x) > 6 else 0,
                  ha="right" if len(x) > 6 else "center")
    ax.set_title(f"{TITLES.text('unmatched', lang)}: {grouping}")
    ax.legend()
    return fig


def score_distributions(distribution: pd.DataFrame, lang: str = "en") -> Any:
    """Histogram of the matched pairs' scores per method."""
    lang = check_lang(lang)
    fig, ax = figure(7, 3.6)
    bins = np.linspace(0, 1, 41)
    for method, group in distribution.groupby("method", sort=False):
        ax.hist(group["score"], bins=bins, histtype="step", linewidth=1.6, label=str(method),
                color=METHOD_COLOURS.get(str(method), PALETTE["neutral"]))
    ax.set_title(TITLES.text("scores", lang))
    ax.set_xlabel(TITLES.text("score", lang))
    ax.set_ylabel(TITLES.text("pairs", lang))
    ax.legend()
    return fig


def blocked_pairs(shares: pd.DataFrame, lang: str = "en") -> Any:
    """Share of all mentee–mentor pairs each hard rule blocks."""
    lang = check_lang(lang)
    fig, ax = figure(7, 3.2)
    ax.barh(shares["rule"], shares["share"], color=PALETTE["neutral"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(TITLES.text("blocked", lang))
    return fig

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

from mentorkit.plots import PALETTE, SEQUENCE, figure

__all__ = ["blocked_pairs", "method_comparison", "score_distributions", "unmatched_by_group"]

TITLES: dict[str, tuple[str, str, str]] = {
    "total": ("Samlet score", "Total score", "Totale score"),
    "share": ("Andel matchet", "Share matched", "Aandeel gematcht"),
    "unmatched": ("Andel uden match", "Share left unmatched", "Aandeel zonder match"),
    "scores": ("Score for de matchede par", "Scores of the matched pairs",
               "Scores van de gematchte koppels"),
    "blocked": ("Par udelukket af en regel", "Pairs a rule rules out",
                "Koppels uitgesloten door een regel"),
    "gap": ("under optimum", "below optimal", "onder optimaal"),
}
METHOD_COLOURS = {"optimal": SEQUENCE[0], "stable": SEQUENCE[2], "greedy": SEQUENCE[1]}


def _title(key: str, lang: str) -> str:
    return TITLES[key][("da", "en", "nl").index(lang)]


def method_comparison(summary: pd.DataFrame, lang: str = "en") -> Any:
    """Total score and share matched per method, the gap to the optimum written on the bars."""
    fig, (left, right) = figure(9, 3.6, ncols=2)
    colours = [METHOD_COLOURS.get(m, PALETTE["neutral"]) for m in summary["method"]]
    bars = left.bar(summary["method"], summary["total_score"], color=colours)
    low = float(summary["total_score"].min())
    left.set_ylim(low * 0.97 if low > 0 else 0, float(summary["total_score"].max()) * 1.01 + 1e-9)
    for bar, gap in zip(bars, summary.get("gap_to_optimal_pct", [0] * len(summary))):
        if gap > 0:
            left.annotate(f"−{gap:.2f}% {_title('gap', lang)}",
                          (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=8)
    left.set_title(_title("total", lang))
    right.bar(summary["method"], summary["share_matched"], color=colours)
    right.set_ylim(0, 1)
    right.set_title(_title("share", lang))
    return fig


def unmatched_by_group(table: pd.DataFrame, grouping: str, lang: str = "en") -> Any:
    """Share left unmatched per group (one grouping) and method; suppressed cells are gaps."""
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
    ax.set_title(f"{_title('unmatched', lang)}: {grouping}")
    ax.legend()
    return fig


def score_distributions(distribution: pd.DataFrame, lang: str = "en") -> Any:
    """Histogram of the matched pairs' scores per method."""
    fig, ax = figure(7, 3.6)
    bins = np.linspace(0, 1, 41)
    for method, group in distribution.groupby("method", sort=False):
        ax.hist(group["score"], bins=bins, histtype="step", linewidth=1.6, label=str(method),
                color=METHOD_COLOURS.get(str(method), PALETTE["neutral"]))
    ax.set_title(_title("scores", lang))
    ax.set_xlabel("score")
    ax.legend()
    return fig


def blocked_pairs(shares: pd.DataFrame, lang: str = "en") -> Any:
    """Share of all mentee–mentor pairs each hard rule blocks."""
    fig, ax = figure(7, 3.2)
    ax.barh(shares["rule"], shares["share"], color=PALETTE["neutral"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(_title("blocked", lang))
    return fig

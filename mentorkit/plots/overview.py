"""Figures of a programme's progress: targets, funnel, matches over time, referring partners.

Texts (titles, stage and group names) are passed in, so the same figures serve every language.
Counts from 1 to ``min_cell - 1`` are not drawn: their bar is left out and marked ``<k``.

Example
-------
>>> import pandas as pd
>>> fig = funnel_chart(pd.DataFrame({"stage": ["registered", "matched"], "count": [40, 3]}),
...                    {"registered": "Registered", "matched": "Matched"}, "Funnel")
>>> [t.get_text() for t in fig.axes[0].texts]
['40', '<5']
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from mentorkit.plots import PALETTE, SEQUENCE, figure

__all__ = ["target_chart", "funnel_chart", "matches_chart", "referrals_chart", "png"]


def png(fig: Any) -> bytes:
    """The figure as PNG bytes; the figure is closed (nothing left for a notebook to show)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


HIDDEN = "x"
"""The label of a count hidden by suppression (it may be small or large: it does not say)."""


def _shown(value: Any, min_cell: int) -> tuple[float, str]:
    """(bar length, label) of one count: a hidden count (``pd.NA``) gets no bar and ``x``."""
    if value is None or pd.isna(value):
        return 0.0, HIDDEN
    if 0 < int(value) < min_cell:  # not suppressed upstream: still never drawn
        return 0.0, f"<{min_cell}"
    return float(value), f"{int(value)}"


def _hbars(ax: Any, labels: Sequence[str], values: Sequence[Any], min_cell: int,
           color: str) -> None:
    shown = [_shown(v, min_cell) for v in values]
    y = list(range(len(labels)))[::-1]
    ax.barh(y, [s[0] for s in shown], color=color, height=0.6)
    top = max([s[0] for s in shown] + [1.0])
    for yi, (v, text) in zip(y, shown):
        ax.text(v + top * 0.01, yi, text, va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, top * 1.15)
    ax.grid(axis="y", visible=False)


def target_chart(progress: pd.DataFrame, row_labels: Sequence[str], title: str,
                 target_label: str, min_cell: int = 5) -> Any:
    """Actual (bars) against target (ticks) for each target row; ``actual`` may hold hidden
    counts (``pd.NA``), drawn without a bar and labelled ``x``."""
    height = 1.2 + 0.45 * max(len(progress), 1)
    fig, ax = figure(7.5, height)
    _hbars(ax, row_labels, progress["actual"].tolist(), min_cell, PALETTE["treated"])
    actual = [int(v) for v in progress["actual"].dropna()]
    y = list(range(len(progress)))[::-1]
    ax.scatter(progress["target"].astype(float), y, marker="|", s=400, color=PALETTE["control"],
               linewidths=2.5, label=target_label, zorder=3)
    top = max(progress["target"].max() if len(progress) else 1, max(actual + [1]))
    ax.set_xlim(0, top * 1.2)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title, loc="left")
    return fig


def funnel_chart(funnel: pd.DataFrame, stage_labels: Mapping[str, str], title: str,
                 min_cell: int = 5) -> Any:
    """The participant funnel as horizontal bars, first stage on top (hidden counts: ``x``)."""
    fig, ax = figure(5.2, 2.6)
    labels = [stage_labels.get(s, s) for s in funnel["stage"]]
    _hbars(ax, labels, funnel["count"].tolist(), min_cell, PALETTE["mentee"])
    ax.set_title(title, loc="left")
    return fig


def matches_chart(over_time: pd.DataFrame, title: str, freq: str = "MS", min_cell: int = 5,
                  hidden_label: str | None = None) -> Any:
    """Matches started per period (``freq`` MS, QS or YS); periods whose count is hidden
    (``pd.NA``) or under ``min_cell`` are drawn as hatched stubs without their height."""
    import matplotlib.dates as dates

    fig, ax = figure(7.5, 2.8)
    if over_time.empty:
        ax.set_title(title, loc="left")
        return fig
    hidden = over_time["count"].isna()
    counts = over_time["count"].fillna(0).astype(int)
    small = hidden | ((counts > 0) & (counts < min_cell))
    width = {"MS": 24, "QS": 70, "YS": 280}.get(freq, 24)
    ax.bar(over_time["period"], counts.where(~small, 0), width=width, color=SEQUENCE[0],
           align="edge")
    if small.any():
        ax.bar(over_time.loc[small, "period"], [min_cell * 0.5] * int(small.sum()), width=width,
               color="none", edgecolor=SEQUENCE[0], hatch="///", linewidth=0.6, align="edge",
               label=hidden_label or f"<{min_cell}")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title, loc="left")
    if freq == "MS":
        ax.xaxis.set_major_locator(dates.AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(dates.DateFormatter("%m-%Y"))
    else:
        ax.xaxis.set_major_locator(dates.YearLocator(base=1 if len(over_time) < 40 else 2))
        ax.xaxis.set_major_formatter(dates.DateFormatter("%Y"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def referrals_chart(referrals: pd.DataFrame, title: str, min_cell: int = 5, top: int = 8) -> Any:
    """The partners that referred most mentees (hidden counts: ``x``)."""
    r = referrals.head(top)
    fig, ax = figure(5.2, 1.0 + 0.38 * max(len(r), 1))
    _hbars(ax, r["name"].astype(str).tolist(), r["count"].tolist(), min_cell,
           PALETTE["partner"])
    ax.set_title(title, loc="left")
    return fig

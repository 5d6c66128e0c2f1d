"""The matplotlib figures, one look for all of them.

Each analysis area keeps its figures in a module of its own (``plots.outcomes``,
``plots.network``, ``plots.matching``); all of them start from :func:`figure` so that
colours, fonts and sizes agree. Figures never carry names of people: labels are ids,
pseudonyms or group names.

Example
-------
>>> fig, ax = figure()
>>> ax.plot([0, 1], [0, 1], color=PALETTE["mentee"])  # doctest: +ELLIPSIS
[<matplotlib.lines.Line2D object at ...>]
"""

from __future__ import annotations

from typing import Any

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.rcsetup import cycler
from matplotlib.typing import RcKeyType

PALETTE: dict[str, str] = {
    "mentor": "#1b7837",
    "mentee": "#762a83",
    "partner": "#e08214",
    "treated": "#2166ac",
    "control": "#b2182b",
    "neutral": "#4d4d4d",
    "highlight": "#fdb863",
    "female": "#c51b7d",
    "male": "#4d9221",
    "other": "#8073ac",
}
SEQUENCE: list[str] = ["#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#4d4d4d",
                       "#35978f", "#c51b7d"]

STYLE: dict[RcKeyType, Any] = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": cycler(color=SEQUENCE),
    "legend.frameon": False,
}


def figure(width: float = 7.0, height: float = 4.2, **kwargs: Any) -> tuple[Any, Any]:
    """A new figure and axes in the house style (``plt.subplots`` arguments pass through).

    Example
    -------
    >>> fig, axes = figure(8, 3, ncols=2)
    >>> len(axes)
    2
    """
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height), **kwargs)
        # leaving rc_context restores interactive mode as it was before the first figure,
        # which turns Jupyter's inline display off for every later figure; keep it
        interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)
    fig.set_layout_engine("constrained")
    for a in (ax if hasattr(ax, "__len__") else [ax]):
        _style(a)
    return fig, ax


def _style(ax: Any) -> None:
    if hasattr(ax, "flat"):
        for a in ax.flat:
            _style(a)
        return
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)

"""Small HTML pieces for published tables: counts with blanks, percentages, totals.

Example
-------
>>> import pandas as pd
>>> count_text(1234), count_text(pd.NA), percent_text(3, 4, "da")
('1\u202f234', 'x', '75\u00a0%')
>>> "mk-total" in html_table(["", "n"], [["a", "1"]], ["Total", "1"])
True
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from mentorkit.i18n import Catalogue, check_lang

__all__ = ["Html", "MARK", "NUMBERS", "TOTAL", "cell", "count_text", "html_table",
           "percent_text", "published"]

MARK = "x"
"""Shown for a suppressed count."""
TOTAL = "Total"
"""The name :func:`mentorkit.privacy.suppress` gives its total row and column."""

NUMBERS = Catalogue("reports.numbers", {
    "percent": {"da": "{value}\u00a0%", "en": "{value}%", "nl": "{value}%"},
})
"""How a number is written in each language (Danish puts a space before the % sign)."""


class Html(str):
    """A piece of HTML that Jupyter displays as such (and prints as its source)."""

    def _repr_html_(self) -> str:
        return str(self)


def count_text(value: Any) -> str:
    """A count for a table: thin-space thousands, ``x`` when blank, text escaped."""
    if isinstance(value, str):
        return html.escape(value)
    if value is None or pd.isna(value):
        return MARK
    return f"{int(value):,}".replace(",", "\u202f")


def percent_text(part: Any, whole: Any, lang: str) -> str:
    """``part`` as a whole percentage of ``whole`` ("" when either is blank or zero)."""
    lang = check_lang(lang)
    ok = all(isinstance(v, (int, float)) and not pd.isna(v) for v in (part, whole))
    if not ok or not whole:
        return ""
    return NUMBERS.text("percent", lang, value=f"{100 * part / whole:.0f}")


def published(value: Any) -> Any:
    """A published cell as int, or None when suppressed (NA or a text mark)."""
    if isinstance(value, str) or value is None or pd.isna(value):
        return None
    return int(value)


def cell(shown: pd.DataFrame, row: str, col: str) -> Any:
    """A published cell; the Total of a table with one row or column is that row or column."""
    if shown.empty:
        return 0
    if row not in shown.index and row == TOTAL and len(shown.index) == 1:
        row = shown.index[0]
    if col not in shown.columns and col == TOTAL and len(shown.columns) == 1:
        col = shown.columns[0]
    return shown.at[row, col] if row in shown.index and col in shown.columns else 0


def html_table(header: list[str], rows: list[list[str]], total: list[str] | None = None,
               align_first: bool = True) -> str:
    """An HTML table: the first column left-aligned, numbers right, ``total`` in bold."""
    def cells(tag: str, values: list[str]) -> str:
        side = ["left" if i == 0 and align_first else "right" for i in range(len(values))]
        return "".join(f"<{tag} style=\"text-align:{a}\">{v}</{tag}>"
                       for a, v in zip(side, values))
    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    if total is not None:
        body += f"<tr class=\"mk-total\">{cells('td', total)}</tr>"
    return f"<table><thead><tr>{cells('th', header)}</tr></thead><tbody>{body}</tbody></table>"

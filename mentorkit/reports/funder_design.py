"""The funder report's effect, by a design that respects time (the default), in plain words.

:meth:`mentorkit.reports.funder_view.FunderReport.effect` compares mentees ever matched with
those never matched, which flatters the comparison group (a mentee who finds work while
waiting is never matched). :func:`time_aware_effect` comes first in the funder report: the
landmark design of :func:`mentorkit.outcomes.time_aware_report.headline` on the report's
programme and period, with the same covariates and the same smallest group (30 per side) as
the funder effect, and, where the numbers do not allow an estimate, what a study of this
size could detect. The "ever matched" section that follows is introduced as biased.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit.reports.funder_view import FunderReport
>>> r = FunderReport.build(generate(seed=0, scale=0.5), programme="Vollsmose", lang="nl")
>>> "<h2>" in time_aware_effect(r)
True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from mentorkit.i18n import Catalogue
from mentorkit.monitoring import funder
from mentorkit.outcomes.design_text import explain
from mentorkit.outcomes.time_aware_report import headline
from mentorkit.reports.tables import Html, count_text, html_table

if TYPE_CHECKING:
    from mentorkit.reports.funder_view import FunderReport

__all__ = ["LANDMARK_DAYS", "HORIZON_DAYS", "TEXT", "ever_matched_note", "time_aware_effect"]

LANDMARK_DAYS = 180
"""The landmark: matched by this many days after registration against not yet matched."""
HORIZON_DAYS = 365
"""A first job within this many days after the landmark ("within 12 months")."""

TEXT = Catalogue("reports.funder_design", {
    "title": {"da": "Virkning af at få en mentor, regnet fra forløbets start",
              "en": "The effect of having a mentor, counted from the match",
              "nl": "Het effect van een mentor, gerekend vanaf de koppeling"},
    "ever": {"da": "Til sammenligning: »nogensinde matchet« (skævt)",
             "en": "For comparison: 'ever matched' (biased)",
             "nl": "Ter vergelijking: 'ooit gekoppeld' (vertekend)"},
})
"""The headings of the funder report's effect sections."""


def time_aware_effect(report: FunderReport) -> Html:
    """The time-aware effect section of a funder report (heading, words, design table).

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> from mentorkit.reports.funder_view import FunderReport
    >>> r = FunderReport.build(generate(seed=0, scale=0.5), programme="Tingbjerg")
    >>> "Landmark" in time_aware_effect(r) or "detect" in time_aware_effect(r)
    True
    """
    from mentorkit.outcomes import analysis_table

    lang = report.lang
    table = analysis_table(report.data, report.programme or None, (report.start, report.end))
    top = headline(table, list(funder.EFFECT_COVARIATES), LANDMARK_DAYS, HORIZON_DAYS, lang,
                   min_cell=report.min_cell, min_group=funder.MIN_GROUP)
    out = f"<h2>{html.escape(TEXT.text('title', lang))}</h2>"
    out += "".join(f"<p>{html.escape(p)}</p>" for p in top.text.split("\n\n"))
    if not top.to_frame().empty:
        rows = [[html.escape(str(v)) if isinstance(v, str) else count_text(v) for v in row]
                for row in top.to_frame().itertuples(index=False)]
        out += html_table([html.escape(str(c)) for c in top.to_frame().columns], rows)
    return Html(out)


def ever_matched_note(report: FunderReport) -> Html:
    """The heading and the words that introduce the "ever matched" section as biased."""
    lang = report.lang
    return Html(f"<h3>{html.escape(TEXT.text('ever', lang))}</h3>"
                f"<p class=\"mk-note\">{html.escape(explain('ever_matched', lang))}</p>")

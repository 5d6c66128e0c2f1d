"""The best mentors for one mentee, with a reason per criterion: what a match finder shows.

Fast enough to re-rank on every slider move: one mentee against 5,000 mentors is one
vectorised row of the score matrix. Encode the mentors once with :func:`prepare` and pass
the result instead of the DataFrame to save the encoding on every call.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> mentees, mentors = synthetic_pool(30, seed=7)
>>> top = suggest(mentees.iloc[0], prepare(mentors), k=3, lang="nl")
>>> len(top), list(top.columns[:3])
(3, ['rank', 'mentor_id', 'score'])
>>> bool(top["score"].is_monotonic_decreasing)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.features import Encoded, History, encode
from mentorkit.matching.reasons import reason_texts
from mentorkit.matching.scoring import coefficients, combine, criterion_values
from mentorkit.matching.settings import CRITERIA, MatchSettings
from mentorkit.vocab import Lang

__all__ = ["prepare", "suggest"]


def prepare(mentors: pd.DataFrame, capacity: str | int | Any = "capacity") -> Encoded:
    """Encode the mentors once (keep it while the sliders move)."""
    return encode(mentors, "supply", capacity)


def suggest(mentee: pd.Series | Mapping[str, Any] | pd.DataFrame,
            mentors: pd.DataFrame | Encoded, k: int = 5, weights: Any = None,
            rules: Any = None, matches: pd.DataFrame | None = None, lang: Lang = "en",
            capacity: str | int | Any = "capacity", include_blocked: bool = False
            ) -> pd.DataFrame:
    """The ``k`` best mentors for one mentee, best first.

    Returns rank, mentor_id, score, then one column per criterion with its reason
    ("Same sector: IT (+0.29)"), ``blocked`` (the rules that block the pair, empty when
    allowed; blocked mentors only appear with ``include_blocked``) and ``breakdown``
    (points per criterion, adding up to the score).
    """
    settings = MatchSettings.of(weights, rules)
    frame = _one_row(mentee)
    d = encode(frame, "demand")
    s = mentors if isinstance(mentors, Encoded) else encode(mentors, "supply", capacity)
    history = History.of(matches, settings.rules.load_statuses)
    values = criterion_values(d, s, settings)
    total = combine(values, settings)[0]
    blocked = _blocked(d, s, total, settings, history)
    candidates = np.arange(len(s)) if include_blocked else np.flatnonzero(blocked == 0)
    if len(candidates) > k:
        part = np.argpartition(-total[candidates], k - 1)[:k]
        candidates = candidates[part]
    order = np.lexsort((candidates, blocked[candidates] != 0, -total[candidates]))
    top = candidates[order][:k]
    coef = coefficients(settings)
    rows = []
    for rank, j in enumerate(top, start=1):
        v = {c: float(values[c][0, j]) for c in CRITERIA}
        texts = reason_texts(d, s, 0, int(j), v, lang, settings.rules.local_languages)
        points = {c: float(coef[c] * values[c][0, j]) for c in CRITERIA}
        row: dict[str, Any] = {"rank": rank, "mentor_id": int(s.ids[j]),
                               "score": float(total[j])}
        row.update({c: f"{texts[c]} (+{points[c]:.2f})" for c in CRITERIA})
        row["blocked"] = ", ".join(st.rule_names(int(blocked[j]), lang))
        row["breakdown"] = points
        rows.append(row)
    columns = ["rank", "mentor_id", "score", *CRITERIA, "blocked", "breakdown"]
    return pd.DataFrame(rows, columns=columns)


def _one_row(mentee: Any) -> pd.DataFrame:
    if isinstance(mentee, pd.DataFrame):
        if len(mentee) != 1:
            raise MatchingError("suggest takes one mentee (a row, a dict or a one-row table)")
        return mentee.reset_index(drop=True)
    if isinstance(mentee, pd.Series):
        return mentee.to_frame().T.reset_index(drop=True)
    return pd.DataFrame([dict(mentee)])


def _blocked(d: Encoded, s: Encoded, total: np.ndarray, settings: MatchSettings,
             history: History) -> np.ndarray:
    """The rule flags of one mentee against every mentor (as :func:`score` sets them)."""
    from mentorkit.matching.scoring import _line_flags, _rule_table

    codes, table = _rule_table(d, s, settings)
    out = table[codes[0]].copy()
    row_flags, col_flags = _line_flags(d, history.remaining(s), settings, history)
    out |= col_flags
    out |= row_flags[0]
    if settings.rules.min_score > 0:
        out[total < np.float32(settings.rules.min_score)] |= np.uint16(st.LOW_SCORE)
    mentee_id = int(d.ids[0])
    out[s.ids == mentee_id] |= np.uint16(st.SAME_PERSON)
    if settings.rules.exclude_declined:
        for a, b in history.declined:
            if a == mentee_id:
                out[s.ids == b] |= np.uint16(st.DECLINED)
    return out

"""The greedy baseline: mentees in waiting order, each takes the best mentor still free.

This is what a coordinator does by hand with a list: first come, first served, the best
fit that is left. It never breaks a rule or a capacity, but an early mentee can take the
only mentor a later one could have had; :func:`stretched` shows what happens when the
coordinator then fills the gaps anyway (the pairs it is pushed into break rules).

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.scoring import score
>>> s = score(*synthetic_pool(30, seed=4))
>>> rows, cols = sequential(s)
>>> bool((s.blocked[rows, cols] == 0).all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mentorkit.matching import settings as st
from mentorkit.matching.scoring import Scores
from mentorkit.vocab import Lang

__all__ = ["sequential", "stretched", "take_in_turn"]


def sequential(scores: Scores, active: np.ndarray | None = None, cap: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Greedy in waiting order (registration date, then id); ties go to the earlier mentor.

    ``active`` marks the mentees still to be matched (default: all), ``cap`` the places each
    mentor has (default: ``scores.remaining``). Returns the row and column positions of the
    pairs made. The method ``greedy`` of :func:`~mentorkit.matching.assign` and the first
    candidates of :mod:`mentorkit.matching.pricing` are this pass.
    """
    n, _ = scores.shape
    active = np.ones(n, dtype=bool) if active is None else active
    free = (scores.remaining if cap is None else cap).astype(np.int64).copy()
    rows = np.flatnonzero(active)
    order = rows[np.argsort(scores.demand.order[rows], kind="stable")]
    return take_in_turn(scores, order, free)


def take_in_turn(scores: Scores, order: np.ndarray, free: np.ndarray, rules: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The greedy pass: each mentee row in ``order`` takes the best-scoring mentor that still
    has a place in ``free`` (counted down in place) and that no rule blocks.

    ``rules`` limits which rules block (a bit mask of :mod:`~mentorkit.matching.settings`
    rules; None: all of them). A mentee with no such mentor is left out.
    """
    out_r: list[int] = []
    out_c: list[int] = []
    if scores.shape[1] == 0:
        order = order[:0]
    for i in order:
        allowed = (scores.blocked[i] == 0 if rules is None
                   else (scores.blocked[i] & rules) == 0)
        options = np.where(allowed & (free > 0), scores.total[i], np.float32(-1))
        j = int(options.argmax())
        if options[j] >= 0:
            free[j] -= 1
            out_r.append(int(i))
            out_c.append(j)
    return np.array(out_r, dtype=np.int64), np.array(out_c, dtype=np.int64)


def stretched(scores: Scores, lang: Lang | None = None) -> pd.DataFrame:
    """Greedy, then every mentee still waiting put with the best mentor who has a place,
    whatever the rules say (only capacity and "same person" still hold).

    Returns one row per pair with ``forbidden`` (True when a rule is broken) and ``rules``
    (which), so a study can count the pairs a hand-made greedy list is pushed into.
    """
    rows, cols = sequential(scores)
    free = (scores.remaining - np.bincount(cols, minlength=scores.shape[1])).astype(np.int64)
    waiting = np.setdiff1d(np.arange(scores.shape[0]), rows)
    waiting = waiting[np.argsort(scores.demand.order[waiting], kind="stable")]
    extra_r, extra_c = take_in_turn(scores, waiting, free, rules=st.CAPACITY | st.SAME_PERSON)
    r = np.concatenate([rows, extra_r])
    c = np.concatenate([cols, extra_c])
    flags = scores.blocked[r, c].astype(int)
    return pd.DataFrame({
        "mentee_id": scores.mentee_ids[r], "mentor_id": scores.mentor_ids[c],
        "score": scores.total[r, c].astype(float), "forbidden": flags != 0,
        "rules": [", ".join(st.rule_names(f, lang)) for f in flags],
    })

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

__all__ = ["sequential", "stretched"]


def sequential(scores: Scores, active: np.ndarray | None = None, cap: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Greedy in waiting order (registration date, then id); ties go to the earlier mentor.

    Returns the row and column positions of the pairs made.
    """
    n, m = scores.shape
    active = np.ones(n, dtype=bool) if active is None else active
    free = (scores.remaining if cap is None else cap).astype(np.int64).copy()
    rows = np.flatnonzero(active)
    order = rows[np.argsort(scores.demand.order[rows], kind="stable")]
    out_r: list[int] = []
    out_c: list[int] = []
    if m == 0:
        order = order[:0]
    for i in order:
        options = np.where((scores.blocked[i] == 0) & (free > 0), scores.total[i],
                           np.float32(-1))
        j = int(options.argmax())
        if options[j] >= 0:
            free[j] -= 1
            out_r.append(int(i))
            out_c.append(j)
    return np.array(out_r, dtype=np.int64), np.array(out_c, dtype=np.int64)


def stretched(scores: Scores, lang: str | None = None) -> pd.DataFrame:
    """Greedy, then every mentee still waiting put with the best mentor who has a place,
    whatever the rules say (only capacity and "same person" still hold).

    Returns one row per pair with ``forbidden`` (True when a rule is broken) and ``rules``
    (which), so a study can count the pairs a hand-made greedy list is pushed into.
    """
    rows, cols = sequential(scores)
    free = scores.remaining - np.bincount(cols, minlength=scores.shape[1])
    waiting = np.setdiff1d(np.arange(scores.shape[0]), rows)
    waiting = waiting[np.argsort(scores.demand.order[waiting], kind="stable")]
    extra_r: list[int] = []
    extra_c: list[int] = []
    hard = st.CAPACITY | st.SAME_PERSON
    if scores.shape[1] == 0:
        waiting = waiting[:0]
    for i in waiting:
        options = np.where(((scores.blocked[i] & hard) == 0) & (free > 0), scores.total[i],
                           np.float32(-1))
        j = int(options.argmax())
        if options[j] >= 0:
            free[j] -= 1
            extra_r.append(int(i))
            extra_c.append(j)
    r = np.concatenate([rows, np.array(extra_r, dtype=np.int64)])
    c = np.concatenate([cols, np.array(extra_c, dtype=np.int64)])
    flags = scores.blocked[r, c].astype(int)
    return pd.DataFrame({
        "mentee_id": scores.mentee_ids[r], "mentor_id": scores.mentor_ids[c],
        "score": scores.total[r, c].astype(float), "forbidden": flags != 0,
        "rules": [", ".join(st.rule_names(f, lang)) for f in flags],
    })

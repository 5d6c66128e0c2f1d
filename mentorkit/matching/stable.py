"""Stable matching: mentee-proposing deferred acceptance with mentor capacities.

Mentees rank the mentors they may be matched with by score (ties: the earlier mentor in
the table first); mentors rank mentees by score (ties: the one waiting longest first).
Deferred acceptance (Gale and Shapley; the hospital–resident form) gives the matching no
mentee can improve on by a mentor who would rather have them: it has no *blocking pair*,
which :func:`blocking_pairs` checks. It is the fairness baseline next to the optimum.

Example
-------
>>> from mentorkit.synth.pool import synthetic_pool
>>> from mentorkit.matching.scoring import score
>>> s = score(*synthetic_pool(40, seed=5))
>>> rows, cols = deferred_acceptance(s)
>>> blocking_pairs(s, rows, cols)
[]
"""

from __future__ import annotations

import numpy as np

from mentorkit.matching.scoring import CHUNK_PAIRS, Scores

__all__ = ["blocking_pairs", "deferred_acceptance"]


def _preferences(scores: Scores, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per active mentee, mentor columns best first (feasible ones only), and how many."""
    m = scores.shape[1]
    dtype = np.int16 if m < 2**15 else np.int32
    prefs = np.empty((len(rows), m), dtype=dtype)
    count = np.empty(len(rows), dtype=np.int64)
    step = max(1, CHUNK_PAIRS // max(m, 1))
    for lo in range(0, len(rows), step):
        idx = rows[lo:lo + step]
        feasible = scores.blocked[idx] == 0
        key = np.where(feasible, -scores.total[idx], np.float32(np.inf))
        prefs[lo:lo + step] = np.argsort(key, axis=1, kind="stable")
        count[lo:lo + step] = feasible.sum(axis=1)
    return prefs, count


def deferred_acceptance(scores: Scores, active: np.ndarray | None = None,
                        cap: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mentee-proposing deferred acceptance; returns row and column positions of the pairs.

    Each round every free mentee proposes to the next mentor on its list; each mentor
    keeps its best proposals up to its capacity and turns the others away.
    """
    n, m = scores.shape
    active = np.ones(n, dtype=bool) if active is None else active
    cap = (scores.remaining if cap is None else cap).astype(np.int64)
    rows = np.flatnonzero(active)
    if len(rows) == 0 or m == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    prefs, count = _preferences(scores, rows)
    wait = scores.demand.order[rows]
    pointer = np.zeros(len(rows), dtype=np.int64)
    held_by = np.full(len(rows), -1, dtype=np.int64)   # mentor column each mentee holds
    free = np.flatnonzero(count > 0)
    while len(free):
        proposal = prefs[free, pointer[free]].astype(np.int64)
        pointer[free] += 1
        held = np.flatnonzero(held_by >= 0)
        who = np.concatenate([held, free])
        to = np.concatenate([held_by[held], proposal])
        value = scores.total[rows[who], to]
        order = np.lexsort((wait[who], -value, to))
        who, to = who[order], to[order]
        first = np.searchsorted(to, to, side="left")
        keep = (np.arange(len(to)) - first) < cap[to]
        held_by[who] = np.where(keep, to, -1)
        rejected = who[~keep]
        free = rejected[pointer[rejected] < count[rejected]]
    matched = np.flatnonzero(held_by >= 0)
    return rows[matched], held_by[matched]


def blocking_pairs(scores: Scores, rows: np.ndarray, cols: np.ndarray,
                   strict_scores: bool = False) -> list[tuple[int, int]]:
    """Feasible pairs (mentee_id, mentor_id) who would both rather be together.

    A mentee prefers a mentor with a higher score than its own (or any, when unmatched);
    a mentor prefers a mentee with a higher score than its worst (or any, with a free
    place). Ties are broken as in :func:`deferred_acceptance`, unless ``strict_scores``:
    then only strictly higher scores count (weak stability).
    """
    n, m = scores.shape
    total = scores.total
    cur_score = np.full(n, -np.inf, dtype=np.float64)
    cur_col = np.full(n, m, dtype=np.int64)
    cur_score[rows] = total[rows, cols]
    cur_col[rows] = cols
    load = np.bincount(cols, minlength=m)
    worst_score = np.full(m, -np.inf)
    worst_wait = np.full(m, -1, dtype=np.int64)
    wait = scores.demand.order
    if len(rows):
        order = np.lexsort((-wait[rows], total[rows, cols], cols))  # worst first per mentor
        c_sorted = cols[order]
        first = np.unique(c_sorted, return_index=True)[1]
        worst_score[c_sorted[first]] = total[rows[order][first], c_sorted[first]]
        worst_wait[c_sorted[first]] = wait[rows[order][first]]
    has_room = load < scores.remaining
    out: list[tuple[int, int]] = []
    step = max(1, CHUNK_PAIRS // max(m, 1))
    col_index = np.arange(m)
    for lo in range(0, n, step):
        sl = slice(lo, min(n, lo + step))
        t = total[sl].astype(np.float64)
        cs = cur_score[sl, None]
        mentee_wants = t > cs
        mentor_wants = (t > worst_score[None, :]) | has_room[None, :]
        if not strict_scores:
            mentee_wants |= (t == cs) & (col_index[None, :] < cur_col[sl, None])
            mentor_wants |= (t == worst_score[None, :]) & (wait[sl, None] < worst_wait[None, :])
        block = mentee_wants & mentor_wants & (scores.blocked[sl] == 0)
        block[rows[(rows >= lo) & (rows < sl.stop)] - lo,
              cols[(rows >= lo) & (rows < sl.stop)]] = False
        r, c = np.nonzero(block)
        out.extend(zip(scores.mentee_ids[r + lo].tolist(), scores.mentor_ids[c].tolist()))
    return out

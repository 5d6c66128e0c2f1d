"""Score every mentee–mentor pair at once, vectorised, and mark the pairs a rule blocks.

Each soft criterion gives a pair a value in [0, 1] (see :func:`criterion_values`); the score
is the weighted mean, so every pair's score is in [0, 1] and equals the sum of its
per-criterion points (``weight / total weight * value``). Rows are scored in chunks with
numpy broadcasting (no Python loop over pairs), so 10,000 × 5,000 pairs fit in memory:
the score matrix is float32 and the rule matrix a uint16 bit mask (see
:mod:`mentorkit.matching.settings` for the flags).

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.1)
>>> people = ds.person
>>> s = score(people[people.role == "mentee"], people[people.role == "mentor"],
...           matches=ds.match)
>>> s.total.shape == (len(s.mentee_ids), len(s.mentor_ids))
True
>>> bool(((s.total >= 0) & (s.total <= 1)).all())
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching import settings as st
from mentorkit.matching.features import (
    LANGUAGE_BITS,
    LEVEL_RANKS,
    N_EDUCATION,
    N_SECTORS,
    Encoded,
    History,
    encode,
)
from mentorkit.matching.settings import CRITERIA, MatchSettings, Rules
from mentorkit.vocab import Lang

__all__ = ["LOCAL_LEVEL_CREDIT", "MENTOR_LEVEL_CREDIT", "SCALE", "Scores", "coefficients",
           "combine", "criterion_values", "local_language_values", "score", "to_int"]

#: Scores are compared and summed as integers ``round(score * SCALE)`` by the solvers.
SCALE = 1_000_000
#: Pairs per chunk when scoring (rows per chunk = CHUNK_PAIRS // number of mentors).
CHUNK_PAIRS = 1 << 21

RELATED_SECTORS: tuple[tuple[str, str], ...] = (
    ("health_care", "social_work"), ("education", "social_work"), ("education", "culture_media"),
    ("business", "retail"), ("business", "public_admin"), ("business", "law"),
    ("public_admin", "law"), ("public_admin", "social_work"), ("it", "engineering"),
    ("it", "science"), ("engineering", "science"), ("engineering", "construction"),
    ("engineering", "manufacturing"), ("construction", "manufacturing"),
    ("manufacturing", "transport"), ("retail", "hospitality"), ("hospitality", "cleaning"),
    ("cleaning", "health_care"), ("retail", "transport"),
)


def _popcount_table(bits: int) -> np.ndarray:
    """t[a, b] = |a & b| / |a| over all bit masks a, b of ``bits`` bits (0 when a is empty)."""
    size = 1 << bits
    a = np.arange(size)[:, None]
    b = np.arange(size)[None, :]
    both = np.bitwise_count(a & b).astype(np.float32)
    own = np.bitwise_count(a).astype(np.float32)
    return np.divide(both, own, out=np.zeros_like(both), where=own > 0)


_GOALS = _popcount_table(6)
_AVAIL = _popcount_table(3)


def _sector_table(related_credit: float) -> np.ndarray:
    from mentorkit import vocab

    codes = {c: i for i, c in enumerate(vocab.SECTORS.codes)}
    t = np.zeros((N_SECTORS + 1, N_SECTORS + 1), dtype=np.float32)
    for a, b in RELATED_SECTORS:
        t[codes[a], codes[b]] = t[codes[b], codes[a]] = related_credit
    np.fill_diagonal(t, 1.0)
    t[codes["other"], codes["other"]] = 0.5 * related_credit  # "other" says little
    t[N_SECTORS, N_SECTORS] = 0.0
    return t


def _education_table() -> np.ndarray:
    r = np.arange(N_EDUCATION + 1)
    t = 1.0 - np.abs(r[:, None] - r[None, :]) / (N_EDUCATION - 1)
    t[N_EDUCATION, :] = t[:, N_EDUCATION] = 0.0
    return t.astype(np.float32)


_EDUCATION = _education_table()


def _sector(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    return _sector_table(r.related_sector_credit)[d.sector[:, None], s.sector[None, :]]


def _goals(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    return _GOALS[d.goals[:, None], s.goals[None, :]]


def _language(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    local = sum(LANGUAGE_BITS.get(c, 0) for c in r.local_languages)
    english = LANGUAGE_BITS["en"]
    shared = (d.languages & np.uint32(~local & 0xFFFFFFFF))[:, None] & s.languages[None, :]
    lang = np.zeros(shared.shape, dtype=np.float32)
    lang[shared != 0] = r.english_only_credit
    lang[(shared & np.uint32(~english & 0xFFFFFFFF)) != 0] = 1.0
    return lang


#: The mentee's Danish/Dutch level -> what working in it with her mentor is worth: nothing
#: without any, half at A1, three quarters at A2, all from B1 (she can hold a conversation).
LOCAL_LEVEL_CREDIT: dict[str, float] = {"none": 0.0, "A1": 0.5, "A2": 0.75, "B1": 1.0,
                                        "B2": 1.0, "C1": 1.0, "C2": 1.0}
#: The mentor's Danish/Dutch level -> how well she can support it: fully from C1 (or when
#: the local language is among her languages), half at B1/B2, not below.
MENTOR_LEVEL_CREDIT: dict[str, float] = {"none": 0.0, "A1": 0.0, "A2": 0.0, "B1": 0.5,
                                         "B2": 0.5, "C1": 1.0, "C2": 1.0}


def _level_table(credit: Mapping[str, float]) -> np.ndarray:
    """Credit by rank; the last entry (index -1) is the unknown level: 0."""
    t = np.zeros(len(LEVEL_RANKS) + 1, dtype=np.float32)
    for code, rank in LEVEL_RANKS.items():
        t[rank] = credit[code]
    return t


_MENTEE_LEVEL = _level_table(LOCAL_LEVEL_CREDIT)
_MENTOR_LEVEL = _level_table(MENTOR_LEVEL_CREDIT)


def local_language_values(d: Encoded, s: Encoded, local_languages: Iterable[str] = ("da", "nl")
                          ) -> tuple[np.ndarray, np.ndarray]:
    """The two sides of the ``local_language`` criterion: the mentee's readiness (by her
    Danish/Dutch level, :data:`LOCAL_LEVEL_CREDIT`) and the mentor's support (by hers,
    :data:`MENTOR_LEVEL_CREDIT`, or 1 when a local language is among her languages).

    A mentee without a level who lists a local language among hers counts as B1. Unknown
    levels give 0, as every unknown value does.

    Example
    -------
    >>> from mentorkit.matching.features import encode
    >>> d = encode(pd.DataFrame({"id": [1, 2], "language_level": ["A2", "none"]}), "demand")
    >>> s = encode(pd.DataFrame({"id": [9], "language_level": ["C2"]}), "supply")
    >>> [float(x) for x in local_language_values(d, s)[0]]
    [0.75, 0.0]
    """
    local = np.uint32(sum(LANGUAGE_BITS.get(c, 0) for c in local_languages))
    mentee = _MENTEE_LEVEL[d.language_level.astype(np.int64)]
    mentee = np.where((d.language_level < 0) & ((d.languages & local) != 0), 1.0, mentee)
    mentor = _MENTOR_LEVEL[s.language_level.astype(np.int64)]
    mentor = np.where((s.languages & local) != 0, 1.0, mentor)
    return mentee.astype(np.float32), mentor.astype(np.float32)


def _local_language(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    mentee, mentor = local_language_values(d, s, r.local_languages)
    return (mentee[:, None] * mentor[None, :]).astype(np.float32, copy=False)


def _availability(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    return _AVAIL[d.availability[:, None], s.availability[None, :]]


def _geography(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    geo = np.zeros((len(d), len(s)), dtype=np.float32)
    geo[d.area[:, None] == s.area[None, :]] = r.area_credit
    geo[d.postcode[:, None] == s.postcode[None, :]] = r.postcode_credit
    geo[d.neighbourhood[:, None] == s.neighbourhood[None, :]] = 1.0
    return geo


def _education(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    return _EDUCATION[d.education[:, None], s.education[None, :]]


def _age(d: Encoded, s: Encoded, r: Rules) -> np.ndarray:
    gap = np.abs(d.birth_year.astype(np.float32)[:, None]
                 - s.birth_year.astype(np.float32)[None, :])
    age = np.clip(np.float32(1.0) - gap / np.float32(r.age_span_years), 0.0, 1.0)
    return np.nan_to_num(age, nan=0.0).astype(np.float32, copy=False)


#: criterion -> (function of two encoded sides, the encoded fields it reads)
CRITERION_FUNCTIONS: dict[str, tuple[Callable[[Encoded, Encoded, Rules], np.ndarray],
                                     tuple[str, ...]]] = {
    "sector": (_sector, ("sector",)),
    "goals": (_goals, ("goals",)),
    "local_language": (_local_language, ("language_level", "languages")),
    "language": (_language, ("languages",)),
    "availability": (_availability, ("availability",)),
    "geography": (_geography, ("area", "postcode", "neighbourhood")),
    "education": (_education, ("education",)),
    "age": (_age, ("birth_year",)),
}


def criterion_values(d: Encoded, s: Encoded, settings: MatchSettings
                     ) -> dict[str, np.ndarray]:
    """Each criterion's value in [0, 1] for every pair of ``d`` rows × ``s`` rows (float32).

    sector: 1 same sector as the mentee aims for, ``related_sector_credit`` for a related one.
    goals: share of the mentee's goals the mentor can help with.
    local_language: the mentee's readiness to work in Danish/Dutch (by her level: 0 without
    any, 0.5 at A1, 0.75 at A2, 1 from B1) times the mentor's support of it (1 from C1 or
    when she lists it, 0.5 at B1/B2); see :func:`local_language_values`.
    language: 1 a shared language besides Danish/Dutch and English, ``english_only_credit``
    when English is the only one. availability: share of the mentee's time slots the mentor
    also has. geography: 1 same neighbourhood, ``postcode_credit`` same postcode,
    ``area_credit`` same first two postcode digits. education: 1 − rank distance / 7.
    age: 1 − |age difference| / ``age_span_years`` (at least 0). Unknown values give 0.
    """
    return {c: f(d, s, settings.rules) for c, (f, _) in CRITERION_FUNCTIONS.items()}


def coefficients(settings: MatchSettings) -> dict[str, np.float32]:
    """Per criterion, the factor that turns its value into points (weights summing to 1)."""
    w = settings.weights.as_dict()
    total = sum(w.values())
    return {c: np.float32(w[c] / total) for c in CRITERIA}


def combine(values: Mapping[str, np.ndarray], settings: MatchSettings) -> np.ndarray:
    """The score: the sum of the points of all criteria, added in :data:`CRITERIA` order."""
    coef = coefficients(settings)
    total: np.ndarray | None = None
    for c in CRITERIA:
        points = coef[c] * values[c]
        total = points if total is None else total + points
    assert total is not None
    return np.clip(total, 0.0, 1.0).astype(np.float32, copy=False)


@dataclass
class Scores:
    """All pairs' scores and what blocks them, plus what is needed to explain any cell.

    ``total[i, j]`` is the score of mentee row ``i`` with mentor row ``j`` (float32, also for
    blocked pairs, so :func:`why_not` can say what a blocked pair would have scored);
    ``blocked[i, j]`` the rules that block it (0: feasible); ``remaining[j]`` the places the
    mentor still has after active and proposed matches. Per-criterion points are
    recomputed on demand (:meth:`points`), bit for bit as in the total, instead of being
    stored seven times over.
    """

    demand: Encoded
    supply: Encoded
    settings: MatchSettings
    total: np.ndarray
    blocked: np.ndarray
    remaining: np.ndarray
    history: History

    @property
    def mentee_ids(self) -> np.ndarray:
        return self.demand.ids

    @property
    def mentor_ids(self) -> np.ndarray:
        return self.supply.ids

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.total.shape
        return int(n), int(m)

    @property
    def feasible(self) -> np.ndarray:
        """Boolean matrix: no rule blocks the pair."""
        return self.blocked == 0

    def masked(self) -> np.ndarray:
        """The score matrix with blocked pairs as NaN."""
        return np.where(self.blocked == 0, self.total, np.float32(np.nan))

    def values(self, rows: np.ndarray | slice, cols: np.ndarray | slice = slice(None)
               ) -> dict[str, np.ndarray]:
        """Criterion values in [0, 1] for the given row and column positions."""
        return criterion_values(self.demand.take(rows), self.supply.take(cols), self.settings)

    def points(self, i: int, j: int) -> dict[str, float]:
        """Points per criterion of one pair (positions); they add up to ``total[i, j]``."""
        values = self.values(np.array([i]), np.array([j]))
        coef = coefficients(self.settings)
        return {c: float(coef[c] * values[c][0, 0]) for c in CRITERIA}

    def integer(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Scores of the pairs ``(rows[k], cols[k])`` as integers (``round(score * SCALE)``)."""
        return to_int(self.total[rows, cols])

    def restrict(self, rows: np.ndarray | None = None, cols: np.ndarray | None = None
                 ) -> Scores:
        """The scores of a subset of mentee rows and mentor columns (positions)."""
        r = np.arange(self.shape[0]) if rows is None else np.asarray(rows)
        c = np.arange(self.shape[1]) if cols is None else np.asarray(cols)
        return Scores(self.demand.take(r), self.supply.take(c), self.settings,
                      self.total[np.ix_(r, c)], self.blocked[np.ix_(r, c)],
                      self.remaining[c], self.history)

    def to_frame(self, lang: Lang | None = None) -> pd.DataFrame:
        """Long table (mentee_id, mentor_id, score, feasible, rules): for small problems."""
        i, j = np.indices(self.shape)
        df = pd.DataFrame({"mentee_id": self.mentee_ids[i.ravel()],
                           "mentor_id": self.mentor_ids[j.ravel()],
                           "score": self.total.ravel().astype(float),
                           "feasible": self.blocked.ravel() == 0})
        df["rules"] = [", ".join(st.rule_names(int(b), lang)) for b in self.blocked.ravel()]
        return df

    def frame(self, lang: Lang | None = None) -> pd.DataFrame:
        """Deprecated: use :meth:`to_frame`."""
        import warnings

        warnings.warn("Scores.frame() is deprecated; use Scores.to_frame()",
                      DeprecationWarning, stacklevel=2)
        return self.to_frame(lang)


def to_int(x: np.ndarray) -> np.ndarray:
    """Scores as the integers the solvers use."""
    return np.rint(np.asarray(x, dtype=np.float64) * SCALE).astype(np.int64)


def score(mentees: pd.DataFrame | Encoded, mentors: pd.DataFrame | Encoded,
          weights: Any = None, rules: Any = None, matches: pd.DataFrame | None = None, *,
          capacity: str | int | Any = "capacity",
          forbidden: Iterable[tuple[int, int]] = ()) -> Scores:
    """Score every mentee–mentor pair and mark the pairs a hard rule blocks.

    Parameters
    ----------
    mentees, mentors : the two sides (``person`` rows, or any demand/supply tables with the
        columns listed in :mod:`mentorkit.matching.features`), or their :func:`encode`\\ d form.
    weights : :class:`Weights`, a mapping of criterion -> weight (slider values), a whole
        :class:`MatchSettings`, or None for the defaults.
    rules : :class:`Rules`, a mapping, or None.
    matches : the ``match`` table: active and proposed matches take mentor places, declined
        pairs are blocked, mentees already matched are left out (see :class:`Rules`).
    capacity : column with each mentor's places (or one number for all).
    forbidden : (mentee_id, mentor_id) pairs the coordinator rules out.

    Example
    -------
    >>> import pandas as pd
    >>> mentees = pd.DataFrame({"id": [1], "sector": ["it"], "goals": [["job"]]})
    >>> mentors = pd.DataFrame({"id": [2, 3], "sector": ["it", "law"], "goals": [["job"], []],
    ...                         "capacity": [1, 1]})
    >>> s = score(mentees, mentors, weights={"sector": 1, "goals": 1, "local_language": 0,
    ...           "language": 0, "availability": 0, "geography": 0, "education": 0, "age": 0})
    >>> s.total.round(2).tolist()
    [[1.0, 0.0]]
    """
    settings = MatchSettings.of(weights, rules)
    d = mentees if isinstance(mentees, Encoded) else encode(mentees, "demand")
    s = mentors if isinstance(mentors, Encoded) else encode(mentors, "supply", capacity)
    if d.side != "demand" or s.side != "supply":
        raise MatchingError("pass mentees (demand) first and mentors (supply) second")
    history = History.of(matches, settings.rules.load_statuses)
    remaining = history.remaining(s)
    n, m = len(d), len(s)
    total = np.empty((n, m), dtype=np.float32)
    blocked = np.empty((n, m), dtype=np.uint16)
    plan = _Plan(d, s, settings)
    row_flags, col_flags = _line_flags(d, remaining, settings, history)
    step = max(1, CHUNK_PAIRS // max(m, 1))
    buffer = np.empty((min(step, n), m), dtype=np.float32)
    for start in range(0, n, step):
        rows = slice(start, min(n, start + step))
        out = total[rows]
        plan.total(rows, out, buffer[: out.shape[0]])
        np.take(plan.rule_table, plan.rule_codes[rows], axis=0, out=blocked[rows])
        blocked[rows] |= col_flags[None, :]
        blocked[rows] |= row_flags[rows, None]
        if settings.rules.min_score > 0:
            np.bitwise_or(blocked[rows], np.uint16(st.LOW_SCORE), out=blocked[rows],
                          where=out < np.float32(settings.rules.min_score))
    same = np.intersect1d(d.ids, s.ids)
    _mark_pairs(blocked, d, s, zip(same, same), st.SAME_PERSON)
    _mark_pairs(blocked, d, s, history.declined if settings.rules.exclude_declined else (),
                st.DECLINED)
    _mark_pairs(blocked, d, s, forbidden, st.FORBIDDEN)
    return Scores(d, s, settings, total, blocked, remaining, history)


def _factorize(e: Encoded, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of ``names`` per row, and a row of each."""
    key = np.zeros(len(e), dtype=np.int64)
    for name in names:
        codes, uniques = pd.factorize(getattr(e, name), use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
    return _unique(key)


def _unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    return codes.astype(np.intp), first


class _Plan:
    """Per criterion, the points of every distinct mentee profile against every mentor.

    Mentees and mentors come in few distinct profiles per criterion (18 sectors, 64 goal
    sets, some 60 birth years …). The criterion is computed once per pair of profiles and
    the rows of the mentee × mentor table are then gathered: the same float32 numbers as
    :func:`criterion_values`, several times faster than broadcasting each pair.
    """

    def __init__(self, d: Encoded, s: Encoded, settings: MatchSettings) -> None:
        coef = coefficients(settings)
        self.codes: list[np.ndarray] = []
        self.tables: list[np.ndarray] = []
        for c in CRITERIA:
            func, names = CRITERION_FUNCTIONS[c]
            d_codes, d_first = _factorize(d, names)
            s_codes, s_first = _factorize(s, names)
            values = func(d.take(d_first), s.take(s_first), settings.rules)
            self.tables.append(np.ascontiguousarray((coef[c] * values)[:, s_codes]))
            self.codes.append(d_codes)
        self.rule_codes, self.rule_table = _rule_table(d, s, settings)

    def total(self, rows: slice, out: np.ndarray, buffer: np.ndarray) -> None:
        for k, (table, codes) in enumerate(zip(self.tables, self.codes)):
            if k == 0:
                np.take(table, codes[rows], axis=0, out=out)
            else:
                np.take(table, codes[rows], axis=0, out=buffer)
                out += buffer
        np.clip(out, 0.0, 1.0, out=out)


def _rule_table(d: Encoded, s: Encoded, settings: MatchSettings
                ) -> tuple[np.ndarray, np.ndarray]:
    """Flags of the rules that depend on both sides, per distinct mentee profile × mentor."""
    d_codes, d_first = _factorize(d, ("programme", "wants_gender", "availability"))
    s_codes, s_first = _factorize(s, ("programme", "gender", "availability"))
    du, su = d.take(d_first), s.take(s_first)
    r = settings.rules
    b = np.zeros((len(du), len(su)), dtype=np.uint16)

    def mark(flag: int, where: np.ndarray) -> None:
        np.bitwise_or(b, np.uint16(flag), out=b, where=where)

    if r.same_programme:
        mark(st.PROGRAMME, (du.programme[:, None] != su.programme[None, :])
             & (du.programme >= 0)[:, None] & (su.programme >= 0)[None, :])
    if r.respect_gender_preference:
        mark(st.GENDER, (du.wants_gender >= 0)[:, None]
             & (du.wants_gender[:, None] != su.gender[None, :]))
    if r.require_shared_availability:
        mark(st.AVAILABILITY, (du.availability[:, None] & su.availability[None, :]) == 0)
    return d_codes, np.ascontiguousarray(b[:, s_codes])


def _line_flags(d: Encoded, remaining: np.ndarray, settings: MatchSettings,
                history: History) -> tuple[np.ndarray, np.ndarray]:
    """Flags that depend on one side only: mentee already matched, mentor at capacity."""
    rows = np.zeros(len(d), dtype=np.uint16)
    if settings.rules.one_match_per_mentee and history.matched:
        matched = np.isin(d.ids, np.fromiter(history.matched, dtype=np.int64))
        rows[matched] |= np.uint16(st.ALREADY_MATCHED)
    cols = np.where(remaining <= 0, np.uint16(st.CAPACITY), np.uint16(0)).astype(np.uint16)
    return rows, cols


def _mark_pairs(blocked: np.ndarray, d: Encoded, s: Encoded,
                pairs: Iterable[tuple[int, int]], flag: int) -> None:
    pairs = list(pairs)
    if not pairs:
        return
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    ri = pd.Index(d.ids).get_indexer(a)
    ci = pd.Index(s.ids).get_indexer(b)
    ok = (ri >= 0) & (ci >= 0)
    blocked[ri[ok], ci[ok]] |= np.uint16(flag)


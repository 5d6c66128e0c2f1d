"""Turn mentee and mentor DataFrames into numpy feature arrays the scorer can broadcast.

The engine is generic over *demand* (mentees; later participants looking for volunteer work)
and *supply* (mentors; later volunteer positions or course seats): both sides are encoded
the same way from whichever of these columns they have (a missing column means unknown):

``id, programme_id, gender, preferred_mentor_gender, languages, language_level, education,
sector, postcode, neighbourhood, birth_year, goals, availability, capacity, registered_on``.

Categorical codes become small integers (unknown: an extra code that matches nothing),
multi-valued fields (languages, goals, availability) become bit masks, and places
(postcode, neighbourhood) a stable 64-bit hash, so that a supply table can be encoded once
and reused (a dashboard keeps it while sliders move).

Example
-------
>>> import pandas as pd
>>> e = encode(pd.DataFrame({"id": [7], "languages": [["ar", "en"]], "sector": ["it"]}),
...            side="supply")
>>> int(e.ids[0]), bool(e.languages[0] & LANGUAGE_BITS["ar"])
(7, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.errors import MatchingError

Side = Literal["demand", "supply"]

LANGUAGE_BITS: dict[str, int] = {c: 1 << i for i, c in enumerate(vocab.LANGUAGES.codes)}
GOAL_BITS: dict[str, int] = {c: 1 << i for i, c in enumerate(vocab.GOALS.codes)}
AVAILABILITY_BITS: dict[str, int] = {c: 1 << i for i, c in enumerate(vocab.AVAILABILITY.codes)}
ALL_AVAILABILITY = sum(AVAILABILITY_BITS.values())
N_SECTORS = len(vocab.SECTORS)
N_EDUCATION = len(vocab.EDUCATION_LEVELS)
#: The rank of each Danish/Dutch level (``none`` 0 … ``C2`` 6); unknown is -1.
LEVEL_RANKS: dict[str, int] = {c: i for i, c in enumerate(vocab.LANGUAGE_LEVELS.codes)}
GENDER_CODES = {c: i for i, c in enumerate(vocab.GENDERS.codes)}


@dataclass(frozen=True)
class Encoded:
    """One side of the matching problem as arrays (one entry per row of the frame)."""

    side: Side
    ids: np.ndarray            # int64
    programme: np.ndarray      # int64; unknown: -1 (demand) / -2 (supply)
    gender: np.ndarray         # int8 index in vocab.GENDERS; -1 unknown
    wants_gender: np.ndarray   # int8 index in vocab.GENDERS; -1 no preference
    sector: np.ndarray         # int16 index in vocab.SECTORS; N_SECTORS unknown
    education: np.ndarray      # int16 rank; N_EDUCATION unknown
    birth_year: np.ndarray     # float64; nan unknown
    postcode: np.ndarray       # int64 hash; unknown: -1 / -2
    area: np.ndarray           # int64 hash of the first two postcode digits
    neighbourhood: np.ndarray  # int64 hash
    languages: np.ndarray      # uint32 bit mask over vocab.LANGUAGES
    language_level: np.ndarray  # int8 rank in vocab.LANGUAGE_LEVELS (Danish/Dutch); -1 unknown
    goals: np.ndarray          # uint8 bit mask over vocab.GOALS
    availability: np.ndarray   # uint8 bit mask over vocab.AVAILABILITY (empty: all)
    capacity: np.ndarray       # int64 places (supply); 1 for demand
    order: np.ndarray          # int64 waiting order (registration date, then id)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index: np.ndarray | slice) -> Encoded:
        """The rows at ``index`` (positions), as a new :class:`Encoded`."""
        return Encoded(self.side, *(getattr(self, f)[index] for f in _ARRAYS))

    def position(self, ids: Iterable[int]) -> np.ndarray:
        """Row positions of ``ids``; :class:`MatchingError` for an unknown id."""
        lookup = pd.Index(self.ids)
        ids = np.asarray(list(ids), dtype=np.int64)
        pos = lookup.get_indexer(ids)
        if (pos < 0).any():
            raise MatchingError(f"unknown {self.side} id {int(ids[pos < 0][0])}")
        return pos


_ARRAYS = ("ids", "programme", "gender", "wants_gender", "sector", "education", "birth_year",
           "postcode", "area", "neighbourhood", "languages", "language_level", "goals",
           "availability", "capacity", "order")


def encode(frame: pd.DataFrame, side: Side, capacity: str | int | Any = "capacity"
           ) -> Encoded:
    """Encode a mentee (``side="demand"``) or mentor (``side="supply"``) table.

    Parameters
    ----------
    frame : one row per mentee or mentor, in the store's DataFrame shape.
    side : which side the rows are on (decides what "unknown" matches).
    capacity : supply only: the column with the number of places, a number for all,
        or an array. Missing capacities count as 1.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> people = generate(seed=0, scale=0.1).person
    >>> mentors = encode(people[people["role"] == "mentor"], "supply")
    >>> bool((mentors.capacity >= 1).all())
    True
    """
    if side not in ("demand", "supply"):
        raise MatchingError("side must be 'demand' or 'supply'")
    n = len(frame)
    missing = -1 if side == "demand" else -2
    if "id" not in frame.columns:
        raise MatchingError(f"the {side} table needs an 'id' column")
    ids = pd.to_numeric(frame["id"], errors="raise").to_numpy(dtype=np.int64)
    if len(np.unique(ids)) != n:
        raise MatchingError(f"the {side} table has the same id more than once")

    def column(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name].reset_index(drop=True)
        return pd.Series([None] * n, dtype=object)

    programme = pd.to_numeric(column("programme_id"), errors="coerce")
    wants = column("preferred_mentor_gender").map(GENDER_CODES)
    registered = pd.to_datetime(column("registered_on"), errors="coerce")
    when = registered.to_numpy(dtype="datetime64[ns]").view(np.int64)
    when = np.where(when == np.iinfo(np.int64).min, np.iinfo(np.int64).max, when)  # NaT last
    order = np.empty(n, dtype=np.int64)
    order[np.lexsort((ids, when))] = np.arange(n)
    if side == "supply":
        cap: np.ndarray
        if isinstance(capacity, str):
            cap = pd.to_numeric(column(capacity), errors="coerce").fillna(1).to_numpy(
                dtype=np.int64)
        else:
            cap = np.broadcast_to(np.asarray(capacity, dtype=np.int64), (n,)).copy()
        if (cap < 0).any():
            raise MatchingError("capacity must be zero or more")
    else:
        cap = np.ones(n, dtype=np.int64)
    postcode = column("postcode")
    return Encoded(
        side=side,
        ids=ids,
        programme=programme.fillna(missing).to_numpy(dtype=np.int64),
        gender=_codes(column("gender"), GENDER_CODES, -1, np.int8),
        wants_gender=wants.fillna(-1).to_numpy(dtype=np.int8),
        sector=_codes(column("sector"), {c: i for i, c in enumerate(vocab.SECTORS.codes)},
                      N_SECTORS, np.int16),
        education=_codes(column("education"),
                         {c: i for i, c in enumerate(vocab.EDUCATION_LEVELS.codes)},
                         N_EDUCATION, np.int16),
        birth_year=pd.to_numeric(column("birth_year"), errors="coerce")
        .to_numpy(dtype=np.float64, na_value=np.nan),
        postcode=_hashes(postcode, missing),
        area=_hashes(_area(postcode), missing),
        neighbourhood=_hashes(column("neighbourhood"), missing),
        languages=_bits(column("languages"), LANGUAGE_BITS, np.uint32, 0),
        language_level=_codes(column("language_level"), LEVEL_RANKS, -1, np.int8),
        goals=_bits(column("goals"), GOAL_BITS, np.uint8, 0),
        availability=_bits(column("availability"), AVAILABILITY_BITS, np.uint8,
                           ALL_AVAILABILITY),
        capacity=cap,
        order=order,
    )


def _area(postcode: pd.Series) -> pd.Series:
    """The first two characters of a postcode (the area), when it has at least two."""
    codes, uniques = pd.factorize(postcode.astype(object), use_na_sentinel=True)
    areas = [str(u).strip()[:2] if len(str(u).strip()) >= 2 else None for u in uniques]
    return pd.Series(np.array(areas + [None], dtype=object)[np.where(codes < 0, len(areas),
                                                                      codes)])


def _codes(values: pd.Series, table: dict[str, int], unknown: int, dtype: Any) -> np.ndarray:
    return values.map(table).fillna(unknown).to_numpy(dtype=dtype)


def _hashes(values: pd.Series, missing: int) -> np.ndarray:
    """A stable 64-bit hash per text value (trimmed, case-folded); ``missing`` when empty."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    clean = np.array([str(u).strip().casefold() for u in uniques], dtype=object)
    hashed = np.full(len(clean) + 1, missing, dtype=np.int64)    # last: missing values
    known = np.array([c != "" for c in clean], dtype=bool)
    if known.any():
        hashed[:-1][known] = (pd.util.hash_array(clean[known], categorize=False)
                              .view(np.int64) & (2**62 - 1))
    return hashed[np.where(codes < 0, len(clean), codes)]


def _as_list(value: Any) -> Iterable[str]:
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return value
    if isinstance(value, str):
        return [v.strip() for v in value.split("|")]
    return ()


def _bits(values: pd.Series, table: dict[str, int], dtype: Any, empty: int) -> np.ndarray:
    """Bit masks of multi-valued cells (lists of codes, or ``a|b`` text); unknown codes ignored."""
    values = values.reset_index(drop=True)
    if values.map(lambda v: isinstance(v, str)).any():
        values = values.map(lambda v: list(_as_list(v)))
    exploded = values.explode()
    bits = exploded.map(table).fillna(0).astype(np.int64)
    arr = np.zeros(len(values), dtype=np.int64)
    np.bitwise_or.at(arr, bits.index.to_numpy(), bits.to_numpy())
    arr[arr == 0] = empty
    return arr.astype(dtype)


@dataclass(frozen=True)
class History:
    """What earlier matches mean for a new run: places taken, declined pairs, matched mentees.

    Example
    -------
    >>> m = pd.DataFrame({"mentee_id": [1, 2, 3], "mentor_id": [9, 9, 8],
    ...                   "status": ["active", "declined", "completed"]})
    >>> h = History.of(m)
    >>> h.load, sorted(h.declined), sorted(h.matched)
    ({9: 1}, [(2, 9)], [1])
    """

    load: dict[int, int]
    declined: frozenset[tuple[int, int]]
    matched: frozenset[int]

    @classmethod
    def of(cls, matches: pd.DataFrame | None, statuses: Iterable[str] = ("active", "proposed"),
           demand_key: str = "mentee_id", supply_key: str = "mentor_id") -> History:
        """From a ``match`` table (None or empty: nothing happened before)."""
        if matches is None or len(matches) == 0:
            return cls({}, frozenset(), frozenset())
        for col in (demand_key, supply_key, "status"):
            if col not in matches.columns:
                raise MatchingError(f"the matches table needs a {col!r} column")
        status = matches["status"].astype(str)
        taking = matches[status.isin(list(statuses))]
        load = taking.groupby(supply_key).size()
        declined = matches[status == "declined"]
        return cls(
            {int(k): int(v) for k, v in zip(load.index, load)},
            frozenset((int(a), int(b)) for a, b in zip(declined[demand_key],
                                                       declined[supply_key])),
            frozenset(int(i) for i in taking[demand_key]),
        )

    def remaining(self, supply: Encoded) -> np.ndarray:
        """Places still free per supply row (never below zero)."""
        taken = pd.Series(supply.ids).map(self.load).fillna(0).to_numpy(dtype=np.int64)
        return np.maximum(supply.capacity - taken, 0)

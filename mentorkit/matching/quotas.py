"""Quotas on groups of mentees ("at least 12 female and 11 male mentees matched").

A quota names a mentee column and a value (``gender == "female"``) and bounds how many of
those mentees are matched. Quotas on one column are disjoint groups, which a min-cost flow
solves exactly (:mod:`mentorkit.matching.flow`, with the bounds :func:`flow_groups` gives);
quotas on several columns overlap and go to the MILP fallback in :mod:`mentorkit.matching.exact`.

Example
-------
>>> [q.label() for q in quotas_of({"gender=female": 12, ("gender", "male"): 11})]
['gender=female ≥ 12', 'gender=male ≥ 11']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mentorkit.errors import MatchingError
from mentorkit.matching.flow import Groups
from mentorkit.matching.scoring import Scores

__all__ = ["Quota", "disjoint", "flow_groups", "group_members", "quota_members", "quotas_of"]


@dataclass(frozen=True)
class Quota:
    """At least ``at_least`` and at most ``at_most`` mentees with ``field == value`` matched."""

    field: str
    value: str
    at_least: int = 0
    at_most: int | None = None

    def __post_init__(self) -> None:
        if self.at_least < 0 or (self.at_most is not None and self.at_most < self.at_least):
            raise MatchingError(f"quota {self.label()}: bounds must be 0 ≤ at_least ≤ at_most")

    def label(self) -> str:
        """E.g. ``gender=female ≥ 12`` (or ``… ≤ 20``, ``… 12–20``)."""
        name = f"{self.field}={self.value}"
        if self.at_most is None:
            return f"{name} ≥ {self.at_least}"
        if self.at_least == 0:
            return f"{name} ≤ {self.at_most}"
        return f"{name} {self.at_least}–{self.at_most}"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "at_least": self.at_least,
                "at_most": self.at_most}


def quotas_of(quotas: Any) -> list[Quota]:
    """Quotas from a list of :class:`Quota` (or dicts), a mapping ``"field=value"`` or
    ``(field, value)`` -> at least, or a ``target`` table (group_field, group_value, value).
    """
    if quotas is None:
        return []
    if isinstance(quotas, pd.DataFrame):
        rows = quotas.dropna(subset=["group_field", "group_value"])
        return [Quota(str(f), str(v), int(n)) for f, v, n in zip(
            rows["group_field"], rows["group_value"], pd.to_numeric(rows["value"]))]
    if isinstance(quotas, Mapping):
        out = []
        for key, bound in quotas.items():
            if isinstance(key, str):
                if "=" not in key:
                    raise MatchingError(f"quota {key!r}: write it as field=value")
                field, value = key.split("=", 1)
            else:
                field, value = key
            out.append(Quota(field.strip(), str(value).strip(), int(bound)))
        return out
    out = []
    for q in quotas:
        out.append(q if isinstance(q, Quota) else Quota(**q))
    return out


def group_members(quotas: Iterable[Quota], mentees: pd.DataFrame) -> np.ndarray:
    """Boolean matrix (quota × mentee row): who each quota counts."""
    quotas = list(quotas)
    out = np.zeros((len(quotas), len(mentees)), dtype=bool)
    for k, q in enumerate(quotas):
        if q.field not in mentees.columns:
            raise MatchingError(f"quota {q.label()}: the mentees have no column {q.field!r}")
        out[k] = (mentees[q.field].astype(object).astype(str) == q.value).to_numpy()
    return out


def disjoint(members: np.ndarray) -> bool:
    """True when no mentee is counted by two quotas (a network flow can take them)."""
    return bool((members.sum(axis=0) <= 1).all())


def quota_members(quotas: list[Quota], scores: Scores, mentees: pd.DataFrame | None
                  ) -> np.ndarray:
    """Boolean matrix (quota × row of ``scores``): who each quota counts.

    ``mentees`` is the table the scores were made from (matched on ``id``).
    """
    if not quotas:
        return np.zeros((0, scores.shape[0]), dtype=bool)
    if mentees is None or "id" not in getattr(mentees, "columns", ()):
        raise MatchingError("quotas need the mentees table (with the columns they name)")
    aligned = mentees.set_index(pd.to_numeric(mentees["id"]).astype("int64"))
    aligned = aligned.reindex(scores.mentee_ids)
    return group_members(quotas, aligned.reset_index(drop=True))


def flow_groups(quotas: list[Quota], members: np.ndarray, rows: np.ndarray,
                pinned_rows: np.ndarray) -> Groups:
    """Disjoint quotas as the flow's groups: each active row's quota and the bounds left
    once the pinned mentees (``pinned_rows``) are counted.

    ``rows`` are the row positions still to be matched; raises
    :class:`~mentorkit.errors.MatchingError` when a quota cannot be met by counting alone.
    """
    of_row = np.full(len(rows), -1, dtype=np.int64)
    local = members[:, rows]
    for k in range(len(quotas)):
        of_row[local[k]] = k
    pinned_in = (members[:, pinned_rows].sum(axis=1) if len(pinned_rows)
                 else np.zeros(len(quotas)))
    lower = np.array([max(0, q.at_least - int(p)) for q, p in zip(quotas, pinned_in)])
    sizes = local.sum(axis=1)
    for q, low, size in zip(quotas, lower, sizes):
        if low > size:
            raise MatchingError(f"quota {q.label()} cannot be met: only {int(size)} mentees "
                                f"with {q.field}={q.value} are waiting to be matched")
    big = len(rows) + 1
    upper = np.array([big if q.at_most is None else q.at_most - int(p)
                      for q, p in zip(quotas, pinned_in)])
    for q, u in zip(quotas, upper):
        if u < 0:
            raise MatchingError(f"quota {q.label()} cannot be met: more pinned pairs than it "
                                "allows")
    return Groups(of_row, lower.astype(np.int64), upper.astype(np.int64))

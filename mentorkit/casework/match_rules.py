"""The rules of open matches: one per mentee, and no more per mentor than their capacity.

A match is *open* while it is proposed or active (:data:`mentorkit.vocab.OPEN_MATCH_STATUSES`):
a proposal holds the mentor's place until it is confirmed or declined, as matching's
``load_statuses`` count it.

- **one open match per mentee** (:data:`ONE_OPEN`): a mentee with an open match gets no
  second one until the first is ended or declined;
- **mentor capacity** (:data:`CAPACITY`): a mentor has at most ``capacity`` open matches (a
  mentor without a capacity has one place, as in matching).

:func:`open_match_problems` checks new or changed matches against the open matches already
there and returns a :class:`~mentorkit.model.validation.Problem` per row, naming ids only
(never a name). The store calls it inside the writing transaction on every path (form,
batch, import, API) and the database backs the first rule with a partial unique index.

Example
-------
>>> import pandas as pd
>>> new = pd.DataFrame({"mentee_id": [11, 12, 13], "mentor_id": [7, 7, 8],
...                     "status": ["proposed", "active", "active"]})
>>> there = pd.DataFrame({"id": [1], "mentee_id": [13], "mentor_id": [9]})
>>> for p in open_match_problems(new, there, {7: 1, 8: 2}):
...     print(p.row, p.column, p.rule, "|", p.allowed.split(":")[0])
1 mentor_id mentor capacity | mentor 7 has 1 place(s) and 1 open match(es) already
2 mentee_id one open match per mentee | mentee 13 already has an open match (match 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd

from mentorkit.errors import ConflictError
from mentorkit.model.validation import Problem
from mentorkit.vocab import OPEN_MATCH_STATUSES

__all__ = ["CAPACITY", "MatchRuleError", "ONE_OPEN", "OPEN_MATCH_STATUSES", "describe_problems",
           "is_open", "open_match_problems", "places", "require_open_match_rules"]

ONE_OPEN = "one open match per mentee"
CAPACITY = "mentor capacity"


class MatchRuleError(ConflictError):
    """A match rule refused a write; ``problems`` says which rows and rules (ids only), so a
    dashboard can say it in the coordinator's language.

    Example
    -------
    >>> err = MatchRuleError([Problem(0, "mentor_id", CAPACITY, "mentor 7 is full")])
    >>> err.problems[0].rule, isinstance(err, ConflictError)
    ('mentor capacity', True)
    """

    def __init__(self, problems: list[Problem], table: str = "match") -> None:
        super().__init__(describe_problems(table, problems))
        self.problems = list(problems)


def is_open(status: object) -> bool:
    """True for a proposed or active match.

    Example
    -------
    >>> is_open("proposed"), is_open("completed")
    (True, False)
    """
    return status in OPEN_MATCH_STATUSES


def places(capacity: Any) -> int:
    """A mentor's places: the capacity, or one when none is recorded (as matching counts).

    Example
    -------
    >>> places(3), places(None)
    (3, 1)
    """
    if capacity is None or pd.isna(capacity):
        return 1
    return int(capacity)


def open_match_problems(new: pd.DataFrame, open_matches: pd.DataFrame,
                        capacity: Mapping[int, object]) -> list[Problem]:
    """The rows of ``new`` that would break :data:`ONE_OPEN` or :data:`CAPACITY`.

    Parameters
    ----------
    new:
        Matches being written (``mentee_id``, ``mentor_id``, ``status``), rows named by the
        index; rows that are not open are never a problem.
    open_matches:
        The open matches already stored (``id``, ``mentee_id``, ``mentor_id``), without the
        rows being changed.
    capacity:
        Each mentor's capacity by id (missing or None: one place).

    Returns
    -------
    list of Problem
        In row order; the message names mentee, mentor and match ids, never a person.
    """
    problems: list[Problem] = []
    holder = {int(m): int(i) for i, m in zip(open_matches["id"], open_matches["mentee_id"])}
    load = Counter(int(m) for m in open_matches["mentor_id"])
    seen: dict[int, object] = {}
    for row, mentee, mentor, status in zip(new.index, new["mentee_id"], new["mentor_id"],
                                           new["status"]):
        if not is_open(status):
            continue
        mentee, mentor = int(mentee), int(mentor)
        if mentee in holder:
            problems.append(Problem(_row(row), "mentee_id", ONE_OPEN,
                                    f"mentee {mentee} already has an open match (match "
                                    f"{holder[mentee]}): end or decline it first"))
            continue
        if mentee in seen:
            problems.append(Problem(_row(row), "mentee_id", ONE_OPEN,
                                    f"mentee {mentee} is given an open match in row "
                                    f"{seen[mentee]} already"))
            continue
        room = places(capacity.get(mentor))
        if load[mentor] >= room:
            problems.append(Problem(_row(row), "mentor_id", CAPACITY,
                                    f"mentor {mentor} has {room} place(s) and "
                                    f"{load[mentor]} open match(es) already"))
            continue
        seen[mentee] = row
        load[mentor] += 1
    return problems


def _row(label: object) -> int | None:
    try:
        return int(label)  # type: ignore[call-overload]  # an index label
    except (TypeError, ValueError):
        return None


def describe_problems(table: str, problems: list[Problem]) -> str:
    """One message for the first problems (ids and rules, never a value).

    Example
    -------
    >>> describe_problems("match", [Problem(0, "mentor_id", CAPACITY, "mentor 7 is full")])
    "match: row 0, column 'mentor_id': mentor capacity; mentor 7 is full; nothing was written"
    """
    lines = "; ".join(p.describe() for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"{table}: {lines}{more}; nothing was written"


def require_open_match_rules(new: pd.DataFrame, open_matches: pd.DataFrame,
                             capacity: Mapping[int, object]) -> None:
    """:func:`open_match_problems`, raised as :class:`ConflictError` when there is any.

    Example
    -------
    >>> new = pd.DataFrame({"mentee_id": [1], "mentor_id": [2], "status": ["active"]})
    >>> there = pd.DataFrame({"id": [5], "mentee_id": [1], "mentor_id": [3]})
    >>> try:
    ...     require_open_match_rules(new, there, {})
    ... except ConflictError as err:
    ...     print(*str(err).split("; "), sep="\\n")
    match: row 0, column 'mentee_id': one open match per mentee
    mentee 1 already has an open match (match 5): end or decline it first
    nothing was written
    """
    problems = open_match_problems(new, open_matches, capacity)
    if problems:
        raise MatchRuleError(problems)

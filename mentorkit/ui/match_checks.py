"""The background check and the match rules as the dashboards say them, in her language.

The status comes from :mod:`mentorkit.casework.screening` (the one place it is computed) and
the rule from the programme (``programme.check_rule``); the store holds the same rule in the
writing transaction (:mod:`mentorkit.store.match_guard`), so what is shown here and what is
refused there agree. :func:`say_problems` turns the store's refusal
(:class:`~mentorkit.casework.match_rules.MatchRuleError`) into sentences that name the
people, never an id or a developer's word.

Example
-------
>>> import datetime as dt, pandas as pd
>>> people = pd.DataFrame({"id": [7], "role": ["mentor"],
...                        "background_check_date": [pd.Timestamp("2020-01-01")]})
>>> checks = MentorChecks(people, {"background_check": "vog", "check_rule": "block"},
...                       dt.date(2026, 1, 1))
>>> checks.status(7), checks.blocked(7)
('expired', True)
>>> checks.says(7, "en", "Ann").split(". ")[0]
'Ann: the check has expired'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from mentorkit.casework.match_rules import CAPACITY, ONE_OPEN
from mentorkit.casework.screening import (
    BLOCKED,
    INVALID,
    REASON_NEEDED,
    check_table,
    gate,
    rule_of,
)
from mentorkit.model.validation import Problem
from mentorkit.ui.labels import t

__all__ = ["LABEL_KEYS", "MentorChecks", "say_problems"]

#: Label keys built at run time (for the catalogue's completeness test).
LABEL_KEYS = ("check.word.missing", "check.word.expired")


class MentorChecks:
    """Every mentor's check status in one programme, and what its rule says about a match."""

    def __init__(self, people: pd.DataFrame, programme: Mapping[str, Any], today: dt.date) -> None:
        mentors = people[people["role"] == "mentor"]
        kind = programme.get("background_check")
        kind = None if kind is None or (not isinstance(kind, str) and pd.isna(kind)) else kind
        table = check_table(mentors, kind, today)
        self.statuses: dict[int, str] = dict(zip(table["person_id"].astype(int),
                                                 table["status"]))
        self.until: dict[int, Any] = dict(zip(table["person_id"].astype(int),
                                              table["valid_until"]))
        try:
            self.rule = rule_of(programme.get("check_rule"))
        except ValueError:
            self.rule = "off"

    def status(self, mentor_id: int) -> str:
        """missing, expired, expiring or valid."""
        return self.statuses.get(int(mentor_id), "missing")

    def valid(self, mentor_id: int) -> bool:
        """True unless the check is missing or expired."""
        return self.status(mentor_id) not in INVALID

    def blocked(self, mentor_id: int) -> bool:
        """True when the programme's rule refuses any open match with this mentor."""
        return gate(self.rule, self.status(mentor_id), "proposed") == BLOCKED

    def needs_reason(self, mentor_id: int) -> bool:
        """True when confirming a match with this mentor needs a reason (the warn rule)."""
        return gate(self.rule, self.status(mentor_id), "active") == REASON_NEEDED

    def says(self, mentor_id: int, lang: str, name: str, match_status: str = "active") -> str:
        """What to tell the coordinator about this mentor's check ('' when it is valid)."""
        status = self.status(mentor_id)
        if status not in INVALID:
            return ""
        word = t(f"check.word.{status}", lang)
        found = gate(self.rule, status, match_status)
        key = {BLOCKED: "rule.check_blocked", REASON_NEEDED: "rule.check_reason"}.get(
            found or "", "rule.check_reason" if self.rule == "warn" else
            "rule.check_blocked" if self.rule == "block" else "rule.check_shown")
        return t(key, lang, mentor=name, status=word)


def say_problems(problems: list[Problem], lang: str, pairs: Mapping[Any, tuple[int, int]],
                 name_of: Callable[[int], str], checks: MentorChecks) -> list[str]:
    """Each problem as a sentence naming the people: ``pairs`` gives the (mentee, mentor) of
    each row the store was given (by its index label).

    Example
    -------
    >>> import datetime as dt, pandas as pd
    >>> checks = MentorChecks(pd.DataFrame({"id": [], "role": [], "background_check_date": []}),
    ...                       {}, dt.date(2026, 1, 1))
    >>> say_problems([Problem(0, "mentee_id", ONE_OPEN, "")], "da", {0: (3, 7)},
    ...              {3: "Amal", 7: "Bo"}.get, checks)
    ['Amal har allerede et åbent match.']
    """
    out = []
    for p in problems:
        mentee, mentor = pairs.get(p.row, pairs.get(None, (0, 0)))
        if p.rule == ONE_OPEN:
            out.append(t("rule.one_open", lang, mentee=name_of(mentee)))
        elif p.rule == CAPACITY:
            out.append(t("rule.capacity", lang, mentor=name_of(mentor)))
        elif p.rule in (BLOCKED, REASON_NEEDED):
            status = checks.status(mentor)
            word = t(f"check.word.{status if status in INVALID else 'expired'}", lang)
            key = "rule.check_blocked" if p.rule == BLOCKED else "rule.check_reason"
            out.append(t(key, lang, mentor=name_of(mentor), status=word))
        else:  # a rule without a sentence of its own: say which fields, never a value
            out.append(t("rule.match_other", lang))
    return list(dict.fromkeys(out))

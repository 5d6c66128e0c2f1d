"""The open-match rules held inside the writing transaction (:mod:`mentorkit.casework.match_rules`).

Every write of matches (``store.matches.add``/``add_many``/``update``, a batch of proposals,
an import) calls :func:`guard_matches` in its own transaction before it writes. The check
reads the open matches of the mentees and mentors concerned and their capacities *after*
taking the lock that keeps a concurrent writer out:

- SQLite: write transactions begin with ``BEGIN IMMEDIATE`` (:mod:`mentorkit.store.engine`),
  so the whole database is the writer's until it commits;
- PostgreSQL: the person rows of the mentees and mentors are locked (``SELECT … FOR
  UPDATE``, in id order so two writers cannot deadlock) before counting; a second writer for
  the same mentor or mentee waits, then counts what the first committed.

The programme's background-check rule (:func:`mentorkit.casework.screening.check_problems`:
``block`` refuses an open match with a mentor whose check is missing or expired, ``warn``
refuses to make one active without ``check_reason``) is checked here too, on the same
locked mentor rows, for the day :func:`mentorkit.casework.rules.today` (``MENTORKIT_TODAY``).

The partial unique index ``uq_match_open_mentee`` (migration 0004) backs the first rule in
the database itself; :func:`mentorkit.store.transactions.friendly_error` turns its refusal
into the same :class:`~mentorkit.errors.ConflictError`.

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> p = store.programmes.add(name="Vollsmose")
>>> day = dt.date(2026, 1, 5)
>>> who = dict(programme_id=p, registered_on=day, first_name="X",
...            consent_given_at=dt.datetime(2026, 1, 5), consent_scope=["casework"])
>>> mentor = store.people.add(role="mentor", capacity=1, **who)
>>> a, b = (store.people.add(role="mentee", **who) for _ in range(2))
>>> _ = store.matches.add(programme_id=p, mentee_id=a, mentor_id=mentor, status="active")
>>> try:
...     store.matches.add(programme_id=p, mentee_id=b, mentor_id=mentor, status="proposed")
... except Exception as err:
...     print(type(err).__name__, str(err).split(";")[0])
MatchRuleError match: row 0, column 'mentor_id': mentor capacity
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from mentorkit.casework.match_rules import MatchRuleError, open_match_problems
from mentorkit.casework.rules import today
from mentorkit.casework.screening import check_problems
from mentorkit.model.validation import Problem
from mentorkit.store.audit import chunks
from mentorkit.store.schema import match, person, programme
from mentorkit.vocab import OPEN_MATCH_STATUSES

__all__ = ["check_rule_problems", "guard_matches", "lock_people", "match_problems"]

_CHUNK = 5_000


def lock_people(conn: sa.Connection, ids: Iterable[int]) -> None:
    """On PostgreSQL, lock the person rows ``ids`` until the transaction ends (in id order);
    nothing to do on SQLite, whose write transactions hold the write lock already."""
    if conn.dialect.name == "sqlite":
        return
    wanted = sorted({int(i) for i in ids})
    for chunk in chunks(wanted, _CHUNK):
        conn.execute(sa.select(person.c.id).where(person.c.id.in_(list(chunk)))
                     .order_by(person.c.id).with_for_update()).all()


def match_problems(conn: sa.Connection, rows: pd.DataFrame, exclude: Iterable[int] = (),
                   *, lock: bool = True) -> list[Problem]:
    """The open-match problems of ``rows`` (mentee_id, mentor_id, status; rows named by the
    index) against the database, read in the open transaction ``conn`` after locking the
    people concerned (``lock=False``: a dry run that writes nothing). ``exclude``: ids of
    matches being changed (they are not counted)."""
    if rows.empty:
        return []
    open_rows = rows[rows["status"].isin(list(OPEN_MATCH_STATUSES))].dropna(
        subset=["mentee_id", "mentor_id"])  # a missing id: the database refuses the row
    if open_rows.empty:
        return []
    mentees = {int(i) for i in open_rows["mentee_id"]}
    mentors = {int(i) for i in open_rows["mentor_id"]}
    if lock:
        lock_people(conn, mentees | mentors)
    skip = [int(i) for i in exclude]
    found: list[sa.Row] = []
    capacity: dict[int, object] = {}
    query = sa.select(match.c.id, match.c.mentee_id, match.c.mentor_id).where(
        match.c.status.in_(list(OPEN_MATCH_STATUSES)))
    if skip:
        query = query.where(match.c.id.not_in(skip))
    for column, ids in (("mentee_id", mentees), ("mentor_id", mentors)):
        for chunk in chunks(sorted(ids), _CHUNK):
            found.extend(conn.execute(query.where(match.c[column].in_(list(chunk)))).all())
    for chunk in chunks(sorted(mentors), _CHUNK):
        capacity.update((int(i), c) for i, c in conn.execute(
            sa.select(person.c.id, person.c.capacity).where(person.c.id.in_(list(chunk)))))
    there = pd.DataFrame(found, columns=["id", "mentee_id", "mentor_id"]).drop_duplicates("id")
    problems = open_match_problems(open_rows, there, capacity)
    problems += check_rule_problems(conn, open_rows, mentors)
    return sorted(problems, key=lambda p: (p.row is None, p.row or 0))


def check_rule_problems(conn: sa.Connection, rows: pd.DataFrame,
                        mentors: Iterable[int]) -> list[Problem]:
    """The background-check rule of each mentor's programme applied to ``rows`` (mentor_id,
    status, optional check_reason), read in ``conn`` (the mentors are locked already)."""
    found: list[sa.Row] = []
    for chunk in chunks(sorted({int(i) for i in mentors}), _CHUNK):
        found.extend(conn.execute(
            sa.select(person.c.id, person.c.programme_id, person.c.background_check_date,
                      programme.c.background_check, programme.c.check_rule)
            .join(programme, programme.c.id == person.c.programme_id)
            .where(person.c.id.in_(list(chunk)))).all())
    if not found:
        return []
    frame = pd.DataFrame(found, columns=["id", "programme_id", "background_check_date",
                                         "background_check", "check_rule"])
    gated = frame[frame["check_rule"].isin(["warn", "block"])]
    if gated.empty:
        return []
    programmes = gated.drop_duplicates("programme_id").rename(columns={"programme_id": "pid"})
    return check_problems(rows, gated[["id", "programme_id", "background_check_date"]],
                          programmes[["pid", "background_check", "check_rule"]]
                          .rename(columns={"pid": "id"}), today())


def guard_matches(conn: sa.Connection, rows: pd.DataFrame,
                  exclude: Iterable[int] = ()) -> None:
    """:func:`match_problems`, raised as :class:`~mentorkit.casework.match_rules.MatchRuleError`
    (a :class:`~mentorkit.errors.ConflictError`; ids and rules only) when there is any;
    nothing is written then."""
    problems = match_problems(conn, rows, exclude)
    if problems:
        raise MatchRuleError(problems)

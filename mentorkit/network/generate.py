"""Large programme-shaped tables for benchmarks and fast-path tests (vectorised, seeded).

:func:`synth.generate <mentorkit.synth.generate>` builds realistic programmes person by
person; at a million matches that is too slow. These generators draw the same shapes
directly with numpy: programmes of about 400 matches, each mentee matched once and one in
ten a second time, mentor loads heavy-tailed (a few mentors take many mentees over the
years), 3% of matches made across programmes; and events of 6–30 people drawn from one
programme, some people coming far more often than others.

Example
-------
>>> t = programme_tables(10_000, seed=1)
>>> len(t["match"])
10000
>>> bool(t["match"]["mentor_id"].isin(t["person"]["id"]).all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["programme_tables", "event_tables"]

PAIRS_PER_PROGRAMME = 400


def _pick(rng: np.random.Generator, group: np.ndarray, offsets: np.ndarray,
          weights: np.ndarray) -> np.ndarray:
    """For each draw in ``group`` (a programme), an index into that programme's members,
    with probability proportional to ``weights`` (members laid out programme by programme
    from ``offsets``)."""
    cum = np.cumsum(weights)
    lo = np.where(offsets[group] > 0, cum[offsets[group] - 1], 0.0)
    hi = cum[offsets[group + 1] - 1]
    return np.searchsorted(cum, lo + rng.random(len(group)) * (hi - lo), side="right")


def programme_tables(n_edges: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """``person`` and ``match`` tables with ``n_edges`` matches that began.

    Example
    -------
    >>> t = programme_tables(2_000)
    >>> sorted(t)
    ['match', 'person']
    """
    rng = np.random.default_rng(seed)
    n_prog = max(1, n_edges // PAIRS_PER_PROGRAMME)
    prog_of_edge = np.sort(rng.integers(0, n_prog, n_edges))
    pairs = np.bincount(prog_of_edge, minlength=n_prog)
    mentees_per = np.maximum(1, np.round(pairs / 1.1).astype(np.int64))
    mentors_per = np.maximum(1, np.round(pairs / 2.2).astype(np.int64))
    ment_off = np.r_[0, np.cumsum(mentees_per)]
    mentor_off = np.r_[0, np.cumsum(mentors_per)]
    n_mentee, n_mentor = int(ment_off[-1]), int(mentor_off[-1])
    # Each mentee once (as far as the programme's pairs go), the rest a second match.
    rank = np.arange(n_edges) - np.repeat(np.r_[0, np.cumsum(pairs)[:-1]], pairs)
    once = rank < mentees_per[prog_of_edge]
    mentee = np.where(once, ment_off[prog_of_edge] + rank,
                      ment_off[prog_of_edge] + rng.integers(0, 1 << 62, n_edges)
                      % mentees_per[prog_of_edge])
    # Mentors: heavy-tailed popularity; 3% of matches go to a mentor of the next programme.
    weight = rng.pareto(1.5, n_mentor) + 1.0
    home = np.where(rng.random(n_edges) < 0.03, (prog_of_edge + 1) % n_prog, prog_of_edge)
    mentor = _pick(rng, home, mentor_off, weight)
    start_year = rng.integers(2009, 2024, n_prog)
    base = (start_year - 1970) * 365
    started = base[prog_of_edge] + rng.integers(0, 4 * 365, n_edges)
    length = rng.integers(60, 366, n_edges)
    status = np.where(rng.random(n_edges) < 0.2, "ended_early", "completed").astype(object)
    running = rng.random(n_edges) < 0.05
    status[running] = "active"
    day = "datetime64[D]"
    match = pd.DataFrame({
        "id": np.arange(1, n_edges + 1), "programme_id": home + 1,
        "mentee_id": mentee + 1, "mentor_id": n_mentee + mentor + 1,
        "status": pd.array(status, dtype="str"),
        "proposed_on": (started - 10).astype(day).astype("datetime64[us]"),
        "started_on": started.astype(day).astype("datetime64[us]"),
        "ended_on": pd.Series((started + length).astype(day).astype("datetime64[us]")).mask(
            running),
        "score": rng.random(n_edges)})
    prog_person = np.r_[np.repeat(np.arange(n_prog), mentees_per),
                        np.repeat(np.arange(n_prog), mentors_per)]
    n_people = n_mentee + n_mentor
    person = pd.DataFrame({
        "id": np.arange(1, n_people + 1), "programme_id": prog_person + 1,
        "role": pd.array(np.r_[np.full(n_mentee, "mentee", dtype=object),
                               np.full(n_mentor, "mentor", dtype=object)], dtype="str"),
        "gender": pd.array(np.where(rng.random(n_people) < 0.7, "female", "male"), dtype="str"),
        "registered_on": (base[prog_person] + rng.integers(-200, 0, n_people)).astype(
            day).astype("datetime64[us]"),
        "capacity": np.r_[np.zeros(n_mentee, dtype=np.int64), rng.integers(1, 4, n_mentor)]})
    return {"person": person, "match": match}


def event_tables(n_edges: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """``person``, ``event`` and ``attendance`` tables with about ``n_edges`` attendances.

    Example
    -------
    >>> t = event_tables(5_000)
    >>> abs(len(t["attendance"]) - 5_000) < 500
    True
    """
    rng = np.random.default_rng(seed)
    mean_size = 14
    n_events = max(1, n_edges // mean_size)
    per_prog_people = 600
    n_prog = max(1, (n_events * mean_size) // (per_prog_people * 8))
    n_people = n_prog * per_prog_people
    prog_of_event = rng.integers(0, n_prog, n_events)
    size = np.minimum(rng.integers(6, 23, n_events), per_prog_people)
    group = np.repeat(prog_of_event, size)
    offsets = np.arange(n_prog + 1) * per_prog_people
    activity = rng.pareto(2.0, n_people) + 0.2
    who = _pick(rng, group, offsets, activity)
    event = np.repeat(np.arange(n_events), size)
    att = pd.DataFrame({"event_id": event + 1, "person_id": who + 1}).drop_duplicates()
    att.insert(0, "id", np.arange(1, len(att) + 1))
    kinds = np.array(["course", "mentor_training", "network_meeting", "social"], dtype=object)
    events = pd.DataFrame({
        "id": np.arange(1, n_events + 1), "programme_id": prog_of_event + 1,
        "kind": pd.array(kinds[rng.integers(0, 4, n_events)], dtype="str"),
        "date": (rng.integers(40 * 365, 55 * 365, n_events)).astype("datetime64[D]").astype(
            "datetime64[us]")})
    roles = np.array(["mentee", "mentor", "resource_person"], dtype=object)
    person = pd.DataFrame({
        "id": np.arange(1, n_people + 1),
        "programme_id": np.repeat(np.arange(n_prog), per_prog_people) + 1,
        "role": pd.array(roles[np.searchsorted([0.62, 0.97], rng.random(n_people))],
                         dtype="str"),
        "gender": pd.array(np.where(rng.random(n_people) < 0.7, "female", "male"), dtype="str")})
    return {"person": person, "event": events, "attendance": att}

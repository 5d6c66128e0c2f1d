"""Matching problems of any size drawn from the synthetic demo data (tests, benchmarks).

Example
-------
>>> mentees, mentors = synthetic_pool(50, seed=1)
>>> len(mentees), len(mentors), int(mentors["capacity"].sum())
(50, 25, 50)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mentorkit.model.frames import conform

MATCH_COLUMNS = ["id", "programme_id", "gender", "preferred_mentor_gender", "birth_year",
                 "country_of_origin", "languages", "language_level", "education", "sector",
                 "postcode", "neighbourhood", "availability", "goals", "capacity",
                 "registered_on"]


def synthetic_pool(n_mentees: int, n_mentors: int | None = None, capacity: int | None = 2,
                   seed: int = 0, one_programme: bool = True
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_mentees`` mentees and ``n_mentors`` (default n/2) mentors with the demo attributes.

    People are drawn by the demo data's own model (:func:`mentorkit.synth.people.draw_people`,
    all five programmes, seed ``seed``) at the scale that gives enough of both, and a random
    ``n_mentees`` and ``n_mentors`` of them are kept with new ids (mentees 1..n, mentors
    after them). With ``one_programme`` everybody is put in programme 1, as when one large
    programme matches its whole waiting list; ``capacity=None`` keeps the demo mentors' own
    capacities (mostly 1).
    """
    from mentorkit.synth import AS_OF, PROGRAMMES
    from mentorkit.synth.people import draw_people

    rng = np.random.default_rng(seed)
    n_mentors = max(1, n_mentees // 2) if n_mentors is None else n_mentors
    per_scale_mentees = sum(p.mentees for p in PROGRAMMES)
    per_scale_mentors = sum(p.mentors for p in PROGRAMMES)
    scale = 1.05 * max(n_mentees / per_scale_mentees, n_mentors / per_scale_mentors, 0.05)
    partners = pd.DataFrame({"id": np.arange(1, len(PROGRAMMES) + 1),
                             "programme_id": np.arange(1, len(PROGRAMMES) + 1)})
    people = draw_people(rng, PROGRAMMES, partners, scale, np.datetime64(AS_OF, "D"))
    columns = [c for c in MATCH_COLUMNS if c in people.columns]
    src_mentees = people[people["role"] == "mentee"][columns]
    src_mentors = people[people["role"] == "mentor"][columns]
    if len(src_mentees) < n_mentees or len(src_mentors) < n_mentors:  # tiny scales
        raise ValueError("synthetic_pool: ask for at least 4 mentees and 3 mentors")
    mentees = src_mentees.iloc[np.sort(rng.choice(len(src_mentees), n_mentees, replace=False))]
    mentors = src_mentors.iloc[np.sort(rng.choice(len(src_mentors), n_mentors, replace=False))]
    mentees, mentors = mentees.reset_index(drop=True), mentors.reset_index(drop=True)
    mentees["id"] = pd.array(np.arange(1, n_mentees + 1), dtype="Int64")
    mentors["id"] = pd.array(np.arange(n_mentees + 1, n_mentees + n_mentors + 1), dtype="Int64")
    mentees["registered_on"] = pd.to_datetime(mentees["registered_on"]).astype("datetime64[us]")
    if capacity is not None:
        mentors["capacity"] = pd.array(np.full(n_mentors, capacity), dtype="Int64")
    else:
        mentors["capacity"] = mentors["capacity"].astype("Int64").array
    if one_programme:
        mentees["programme_id"] = 1
        mentors["programme_id"] = 1
    mentees = conform("person", mentees.assign(role="mentee"))[columns]
    mentors = conform("person", mentors.assign(role="mentor"))[columns]
    return mentees, mentors


def random_instance(seed: int, n_mentees: int, n_mentors: int, programmes: int = 1,
                    max_capacity: int = 2, history: bool = True
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A small random problem with every kind of rule in play (for property tests).

    Attributes are drawn uniformly from the vocabularies, so ties, gender preferences,
    programmes, capacities of zero and (with ``history``) active, proposed and declined
    earlier matches all occur. Returns mentees, mentors and a ``match`` table.

    Example
    -------
    >>> a, b, m = random_instance(1, 5, 3)
    >>> len(a), len(b), set(m["status"]) <= {"active", "proposed", "declined", "completed"}
    (5, 3, True)
    """
    from mentorkit import vocab

    rng = np.random.default_rng(seed)

    def pick(codes: tuple[str, ...], n: int) -> list[str]:
        return [codes[i] for i in rng.integers(0, len(codes), n)]

    def multi(codes: tuple[str, ...], n: int, p: float) -> list[list[str]]:
        return [[c for c in codes if rng.random() < p] for _ in range(n)]

    def people(n: int, first_id: int) -> pd.DataFrame:
        return pd.DataFrame({
            "id": np.arange(first_id, first_id + n),
            "programme_id": rng.integers(1, programmes + 1, n),
            "gender": pick(("female", "male"), n),
            "birth_year": rng.integers(1955, 2004, n),
            "languages": multi(("ar", "en", "so", "fa", "tr"), n, 0.3),
            "education": pick(vocab.EDUCATION_LEVELS.codes, n),
            "sector": pick(("health_care", "it", "retail", "education", "social_work"), n),
            "postcode": pick(("5240", "5220", "5700"), n),
            "neighbourhood": pick(("A", "B", "C", "D"), n),
            "availability": multi(vocab.AVAILABILITY.codes, n, 0.5),
            "goals": multi(vocab.GOALS.codes, n, 0.4),
            "registered_on": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        })

    mentees = people(n_mentees, 1)
    mentees["preferred_mentor_gender"] = pick(("any", "any", "female", "male"), n_mentees)
    mentors = people(n_mentors, n_mentees + 1)
    mentors["capacity"] = rng.integers(0, max_capacity + 1, n_mentors)
    rows = []
    if history and n_mentees and n_mentors:
        for _ in range(int(rng.integers(0, 1 + (n_mentees + n_mentors) // 3))):
            rows.append({"mentee_id": int(rng.integers(1, n_mentees + 1)),
                         "mentor_id": int(rng.integers(n_mentees + 1, n_mentees + n_mentors + 1)),
                         "status": str(rng.choice(["active", "proposed", "declined",
                                                   "completed"]))})
    matches = pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "status"])
    return mentees, mentors, matches

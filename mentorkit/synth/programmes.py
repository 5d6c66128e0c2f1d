"""The five synthetic programmes, modelled on the real ones, and the planted effect's size.

Vollsmose, Skovparken, Tingbjerg, Langkærparken and Groningen's "Migranten aan zet": sites,
periods, sizes, partners, grants and targets, as :func:`mentorkit.synth.generate` draws
them. Vollsmose (since 2018, a second grant from 2023), Langkærparken and Groningen are
running in the demo's present (:data:`AS_OF` and after), so their waiting lists and
caseloads are full; Skovparken (2019–2021) and Tingbjerg (2009–2011) are history.

Example
-------
>>> [p.name for p in PROGRAMMES][:2]
['Vollsmose', 'Skovparken']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AS_OF = dt.date(2026, 10, 31)
"""The day the synthetic records stop: later dates are in the future of the data."""

HAZARD_RATIO = 1.8
"""Planted effect of a match on the daily hazard of a first job, from the match's first day."""

PATIENCE_DAYS = 180
"""A mentee waits at most this long for a mentor after registration, then leaves the list."""

WAIT_SHAPE, WAIT_SCALE = 2.0, 30.0
"""Gamma-distributed days from registration to the earliest possible match start (+ 7)."""

LANDMARK_DAYS = 180
"""The landmark of ``truth.landmark_rd``: days after registration (the waiting-list limit)."""

HORIZON_DAYS = 365
"""The landmark outcome: a first job within this many days after the landmark."""

BASE_HAZARD = 0.00045
"""Daily hazard of a first job for an average mentee without a mentor."""

CONFOUNDERS = ("language_rank", "education_rank", "age", "years_in_country", "male")


#: A grant's target: metric, group field, group value, number promised.
Target = tuple[str, str | None, str | None, int]


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    site: str
    city: str
    country: str
    start: dt.date
    end: dt.date
    mentees: int
    mentors: int
    share_men: float
    postcodes: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    partners: tuple[tuple[str, str], ...]
    grants: tuple[tuple[str, str, float, str, dt.date, dt.date, tuple[Target, ...]], ...]


D = dt.date
PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        "Vollsmose", "Vollsmose", "Odense", "DK", D(2018, 1, 1), D(2027, 12, 31), 240, 135, 0.0,
        ("5240", "5220"), ("Bøgeparken", "Egeparken", "Granparken", "Birkeparken"),
        (("Vollsmosesekretariatet", "area_secretariat"), ("Jobcenter Odense", "job_centre"),
         ("Civica", "housing_association"), ("Sprogcenter Odense", "language_school")),
        (("Odense Kommune", "Startpulje 2018", 80_000, "DKK", D(2018, 1, 1), D(2018, 12, 31),
          (("matches", "gender", "female", 12),)),
         ("Odense Kommune", "Puljen til frivilligt socialt arbejde 2019", 250_000, "DKK",
          D(2019, 1, 1), D(2019, 12, 31),
          (("matches", "gender", "female", 25), ("participants", None, None, 35),
           ("job_or_education_at_end", None, None, 8))),
         ("Odense Kommune", "Mentornetværk Vollsmose 2023–2027", 700_000, "DKK",
          D(2023, 1, 1), D(2027, 12, 31),
          (("matches", "gender", "female", 60), ("participants", None, None, 90))),),
    ),
    ProgrammeSpec(
        "Skovparken", "Skovparken og Byparken", "Svendborg", "DK", D(2019, 1, 1), D(2021, 12, 31),
        90, 55, 0.0, ("5700",), ("Skovparken", "Byparken", "Hømarken"),
        (("Den Boligsociale Helhedsplan i Svendborg", "housing_association"),
         ("Jobcenter Svendborg", "job_centre"), ("Svendborg Kommune", "municipality")),
        (("Landsbyggefonden", "Nye muligheder – bedre naboskab", 1_400_000, "DKK",
          D(2019, 1, 1), D(2021, 12, 31),
          (("matches", "gender", "female", 50), ("participants", None, None, 75),
           ("mentors_trained", None, None, 40))),),
    ),
    ProgrammeSpec(
        "Tingbjerg", "Tingbjerg", "København", "DK", D(2009, 8, 1), D(2011, 7, 31), 60, 36, 0.45,
        ("2700",), ("Tingbjerg", "Utterslevhuse"),
        (("Tingbjerg Områdesekretariat", "area_secretariat"), ("fsb", "housing_association"),
         ("Jobcenter København", "job_centre")),
        (("Københavns Kommune og Integrationsministeriet", "Pilotprojekt Tingbjerg",
          1_095_000, "DKK", D(2009, 8, 1), D(2011, 7, 31),
          (("matches", "gender", "male", 11), ("matches", "gender", "female", 12))),),
    ),
    ProgrammeSpec(
        "Langkærparken", "Langkærparken", "Tilst", "DK", D(2021, 1, 1), D(2027, 12, 31), 90, 55,
        0.0, ("8381",), ("Langkærparken", "Tilst"),
        (("Helhedsplan Tilst", "housing_association"), ("Jobcenter Aarhus", "job_centre"),
         ("Sprogcenter Aarhus", "language_school")),
        (("Aarhus Kommune", "Mentornetværk Langkærparken", 600_000, "DKK", D(2021, 1, 1),
          D(2024, 12, 31), (("matches", "gender", "female", 40),)),
         ("Aarhus Kommune", "Mentornetværk Langkærparken II", 450_000, "DKK", D(2025, 1, 1),
          D(2027, 12, 31), (("matches", "gender", "female", 30),
                            ("job_or_education_at_end", None, None, 9))),),
    ),
    ProgrammeSpec(
        "Groningen", "Migranten aan zet", "Groningen", "NL", D(2023, 1, 1), D(2027, 12, 31),
        300, 160, 0.4, ("9711", "9712", "9741", "9731", "9665"),
        ("Oosterpark", "Selwerd", "Paddepoel", "Beijum", "Vinkhuizen"),
        (("MJD Groningen", "ngo"), ("Multicultureel centrum Jasmijn", "ngo"),
         ("Groningse Uitdaging", "ngo"), ("Gemeente Groningen", "municipality"),
         ("WerkPlein Groningen", "job_centre")),
        (("Asiel-, Migratie- en Integratiefonds (AMIF)", "Migranten aan zet", 900_000, "EUR",
          D(2023, 1, 1), D(2027, 12, 31),
          (("participants", None, None, 300), ("matches", None, None, 150),
           ("matches", "gender", "female", 90))),),
    ),
)

"""Synthetic mentors, mentees and resource persons for :mod:`mentorkit.synth`.

Names and streets come from Faker's da_DK and nl_NL word lists, drawn with our own seeded
generator; e-mail addresses use the reserved example.* domains. Nobody here exists.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from faker.providers.address.da_DK import Provider as DanishAddress
from faker.providers.person.da_DK import Provider as DanishNames
from faker.providers.person.nl_NL import Provider as DutchNames

from mentorkit import vocab

if TYPE_CHECKING:
    from mentorkit.synth import ProgrammeSpec

# Country of origin shares for mentees, per country of the programme.
ORIGINS = {
    "DK": {"SY": .17, "IQ": .12, "SO": .12, "AF": .09, "LB": .08, "PS": .05, "TR": .1, "IR": .06,
           "PK": .05, "ER": .05, "BA": .04, "VN": .03, "TH": .04},
    "NL": {"SY": .24, "ER": .16, "TR": .1, "MA": .1, "AF": .08, "IQ": .06, "SO": .06, "PL": .05,
           "SR": .04, "UA": .08, "IR": .03},
}
MOTHER_TONGUE = {
    "SY": ("ar",), "IQ": ("ar", "ku"), "SO": ("so",), "AF": ("fa", "ps"), "LB": ("ar",),
    "PS": ("ar",), "TR": ("tr", "ku"), "IR": ("fa",), "PK": ("ur",), "ER": ("ti",),
    "BA": ("bs",), "VN": ("vi",), "TH": ("th",), "MA": ("ar",), "PL": ("pl",), "SR": ("nl",),
    "UA": ("uk", "ru"), "ET": ("am",), "LK": ("ta",), "PH": ("tl",), "CN": ("zh",),
    "DE": ("de",), "GB": ("en",),
}
MENTEE_SECTORS = {"health_care": .2, "education": .14, "cleaning": .1, "retail": .1,
                  "hospitality": .1, "social_work": .08, "business": .08, "it": .04,
                  "transport": .04, "construction": .03, "manufacturing": .04, "culture_media": .02,
                  "public_admin": .03}
MENTOR_SECTORS = {"health_care": .16, "education": .14, "business": .13, "public_admin": .1,
                  "it": .08, "social_work": .09, "engineering": .06, "law": .04, "retail": .05,
                  "culture_media": .05, "science": .04, "hospitality": .03, "manufacturing": .03}
MENTEE_EDUCATION = {"none": .1, "primary": .17, "lower_secondary": .2, "upper_secondary": .18,
                    "vocational": .12, "short_tertiary": .06, "bachelor": .12, "master": .05}
MENTOR_EDUCATION = {"upper_secondary": .08, "vocational": .1, "short_tertiary": .12,
                    "bachelor": .38, "master": .32}
MENTEE_STATUS = {"unemployed": .45, "outside_labour_force": .4, "in_training": .1,
                 "employed_part_time": .05}
MENTOR_STATUS = {"employed_full_time": .6, "employed_part_time": .1, "self_employed": .08,
                 "in_education": .15, "outside_labour_force": .07}
GOALS = {"job": .72, "education": .35, "network": .5, "language": .4, "own_business": .08,
         "society": .2}


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    keys = list(table)
    p = np.array([table[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _ascii(text: str) -> str:
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("'", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _dates(rng: np.random.Generator, start: np.datetime64, stop: np.datetime64, n: int,
           early_share: float = 0.0) -> np.ndarray:
    span = max(int((stop - start).astype(int)), 1)
    days = rng.integers(0, span, n)
    early = rng.random(n) < early_share
    days = np.where(early, rng.integers(0, min(span, 75), n), days)
    return start + days


def draw_people(rng: np.random.Generator, specs: Sequence[ProgrammeSpec],
                partners: pd.DataFrame, scale: float, asof: np.datetime64) -> pd.DataFrame:
    """Mentors, mentees and a few resource persons for every programme, ids from 1."""
    frames = []
    for pid, spec in enumerate(specs, start=1):
        start = np.datetime64(spec.start, "D")
        stop = min(np.datetime64(spec.end, "D"), asof) - 20
        refs = partners.loc[partners["programme_id"] == pid, "id"].to_numpy()
        n_mentees = max(4, round(spec.mentees * scale))
        n_mentors = max(3, round(spec.mentors * scale))
        n_resource = max(1, round(5 * scale))
        frames.append(_mentees(rng, pid, spec, n_mentees, start, stop, refs))
        frames.append(_mentors(rng, pid, spec, n_mentors, start, stop))
        frames.append(_resource(rng, pid, spec, n_resource, start, stop))
    people = pd.concat(frames, ignore_index=True)
    people = people.sort_values(["programme_id", "registered_on", "role"], kind="stable")
    people = people.reset_index(drop=True)
    people.insert(0, "id", np.arange(1, len(people) + 1))
    people["email"] = [f"{_ascii(f)}.{_ascii(last)}.{i}@example.{'nl' if c == 'NL' else 'dk'}"
                       for f, last, i, c in zip(people["first_name"], people["last_name"],
                                             people["id"], people["_country"])]
    return people


def _identity(rng: np.random.Generator, spec: ProgrammeSpec, genders: np.ndarray
              ) -> dict[str, Any]:
    names = DutchNames if spec.country == "NL" else DanishNames
    n = len(genders)
    female = np.array(names.first_names_female, dtype=object)
    male = np.array(names.first_names_male, dtype=object)
    first = np.where(genders == "male", male[rng.integers(0, len(male), n)],
                     female[rng.integers(0, len(female), n)])
    last_names = np.array(names.last_names, dtype=object)
    last = last_names[rng.integers(0, len(last_names), n)]
    if spec.country == "NL":
        streets = np.array([f"{s}{suffix}" for s, suffix in zip(
            last_names[rng.integers(0, len(last_names), n)],
            rng.choice(["straat", "laan", "weg", "plein"], n))], dtype=object)
        phones = [f"+31 6 {rng.integers(10_000_000, 99_999_999)}" for _ in range(n)]
    else:
        dk_streets = np.array(DanishAddress.street_names, dtype=object)
        streets = np.array([f"{s}{suffix}" for s, suffix in zip(
            dk_streets[rng.integers(0, len(dk_streets), n)],
            rng.choice(["vej", "gade", "parken", "allé"], n))], dtype=object)
        phones = [f"+45 {rng.integers(20_000_000, 99_999_999)}" for _ in range(n)]
    return {
        "first_name": first, "last_name": last, "phone": phones,
        "address": [f"{s} {k}" for s, k in zip(streets, rng.integers(1, 120, n))],
        "postcode": rng.choice(list(spec.postcodes), n),
        "neighbourhood": rng.choice(list(spec.neighbourhoods), n),
        "_country": spec.country,
    }


def _multi(rng: np.random.Generator, table: dict[str, float], n: int, at_least: int = 1
           ) -> list[list[str]]:
    keys = list(table)
    chosen = rng.random((n, len(keys))) < np.array([table[k] for k in keys])
    out = []
    for row in chosen:
        picked = [k for k, on in zip(keys, row) if on]
        if len(picked) < at_least:
            picked = [keys[int(rng.integers(0, len(keys)))]]
        out.append(picked)
    return out


def _mentees(rng: np.random.Generator, pid: int, spec: ProgrammeSpec, n: int,
             start: np.datetime64, stop: np.datetime64, refs: np.ndarray) -> pd.DataFrame:
    genders = np.where(rng.random(n) < spec.share_men, "male", "female")
    registered = _dates(rng, start, stop, n)
    reg_year = registered.astype("datetime64[Y]").astype(int) + 1970
    age = np.clip(rng.normal(38, 9, n), 19, 64).astype(int)
    origin = _pick(rng, ORIGINS[spec.country], n)
    years_here = np.minimum(np.clip(rng.gamma(2.2, 3.5, n), 0.5, 35).astype(int), age - 12)
    education = _pick(rng, MENTEE_EDUCATION, n)
    edu_rank = np.array([vocab.EDUCATION_LEVELS.rank(e) for e in education])
    # Language level grows with years in the country and with education.
    lang = np.clip(np.round(0.25 * years_here + 0.35 * edu_rank + rng.normal(0.2, 1.0, n)), 0, 5)
    languages = []
    for o, e in zip(origin, edu_rank):
        spoken = [MOTHER_TONGUE[o][0]]
        if len(MOTHER_TONGUE[o]) > 1 and rng.random() < 0.3:
            spoken.append(MOTHER_TONGUE[o][1])
        if rng.random() < 0.1 + 0.1 * e:
            spoken.append("en")
        if o == "SY" and rng.random() < 0.1:
            spoken.append("ku")
        languages.append(sorted(set(spoken) - {"da", "nl"}) or ["en"])
    pref = np.where(genders == "male", np.where(rng.random(n) < 0.6, "male", "any"),
                    np.where(rng.random(n) < 0.55, "female", "any"))
    if spec.share_men == 0:  # the women's programmes match women with women
        pref = np.full(n, "female", dtype=object)
    return pd.DataFrame({
        "programme_id": pid, "role": "mentee", "gender": genders, **_identity(rng, spec, genders),
        "birth_year": reg_year - age, "country_of_origin": origin,
        "arrival_year": reg_year - years_here, "languages": languages,
        "language_level": [vocab.LANGUAGE_LEVELS.codes[int(v)] for v in lang],
        "education": education, "sector": _pick(rng, MENTEE_SECTORS, n), "profession": None,
        "employment_status": _pick(rng, MENTEE_STATUS, n),
        "availability": _multi(rng, {"weekday_daytime": .7, "weekday_evening": .35,
                                     "weekend": .25}, n),
        "capacity": None, "preferred_mentor_gender": pref, "goals": _multi(rng, GOALS, n),
        "referred_by": rng.choice(refs, n) if len(refs) else None,
        "registered_on": registered,
        "consent_given_at": registered.astype("datetime64[s]") + rng.integers(9, 16, n) * 3600,
        "consent_scope": [["casework"] + (["research"] if r < .82 else [])
                          + (["contact"] if r2 < .7 else [])
                          for r, r2 in zip(rng.random(n), rng.random(n))],
        "background_check_date": None, "notes": None,
    })


def _mentors(rng: np.random.Generator, pid: int, spec: ProgrammeSpec, n: int,
             start: np.datetime64, stop: np.datetime64) -> pd.DataFrame:
    genders = np.where(rng.random(n) < spec.share_men, "male", "female")
    registered = _dates(rng, start, start + int((stop - start).astype(int) * 0.75), n, 0.35)
    reg_year = registered.astype("datetime64[Y]").astype(int) + 1970
    age = np.clip(rng.normal(45, 12, n), 21, 74).astype(int)
    local = spec.country
    immigrant = rng.random(n) < 0.25
    origin = np.where(immigrant, _pick(rng, ORIGINS[local], n), local)
    status = _pick(rng, MENTOR_STATUS, n)
    status = np.where(age > 66, "outside_labour_force", status)
    status = np.where((age < 28) & (rng.random(n) < 0.6), "in_education", status)
    languages = []
    for o in origin:
        spoken = {"en"} if rng.random() < 0.9 else set()
        if rng.random() < 0.25:
            spoken.add(str(rng.choice(["de", "fr", "es"])))
        if o != local:
            spoken.add(MOTHER_TONGUE[o][0])
        spoken -= {"da", "nl"}
        languages.append(sorted(spoken) or ["en"])
    check_age = rng.integers(0, 4 * 365, n)
    return pd.DataFrame({
        "programme_id": pid, "role": "mentor", "gender": genders, **_identity(rng, spec, genders),
        "birth_year": reg_year - age, "country_of_origin": origin,
        "arrival_year": np.where(immigrant, reg_year - np.minimum(rng.integers(8, 30, n), age),
                                 None),
        "languages": languages,
        "language_level": np.where(immigrant, rng.choice(["B2", "C1", "C2"], n), "C2"),
        "education": _pick(rng, MENTOR_EDUCATION, n), "sector": _pick(rng, MENTOR_SECTORS, n),
        "profession": None, "employment_status": status,
        "availability": _multi(rng, {"weekday_daytime": .3, "weekday_evening": .7,
                                     "weekend": .45}, n),
        "capacity": rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05]),
        "preferred_mentor_gender": None,
        "goals": _multi(rng, {"job": .8, "network": .7, "education": .4, "language": .35,
                              "own_business": .1, "society": .4}, n),
        "referred_by": None, "registered_on": registered,
        "consent_given_at": registered.astype("datetime64[s]") + rng.integers(9, 20, n) * 3600,
        "consent_scope": [["casework", "contact"] + (["research"] if r < .9 else [])
                          for r in rng.random(n)],
        "background_check_date": registered - check_age, "notes": None,
    })


def _resource(rng: np.random.Generator, pid: int, spec: ProgrammeSpec, n: int,
              start: np.datetime64, stop: np.datetime64) -> pd.DataFrame:
    genders = np.where(rng.random(n) < 0.5, "male", "female")
    registered = _dates(rng, start, stop, n)
    reg_year = registered.astype("datetime64[Y]").astype(int) + 1970
    return pd.DataFrame({
        "programme_id": pid, "role": "resource_person", "gender": genders,
        **_identity(rng, spec, genders), "birth_year": reg_year - rng.integers(25, 65, n),
        "country_of_origin": spec.country, "languages": [["en"]] * n, "language_level": "C2",
        "education": "bachelor", "sector": _pick(rng, MENTOR_SECTORS, n),
        "employment_status": "employed_full_time", "availability": [["weekday_evening"]] * n,
        "goals": [["network"]] * n, "registered_on": registered,
        "consent_given_at": registered.astype("datetime64[s]") + 10 * 3600,
        "consent_scope": [["casework", "contact"]] * n,
    })

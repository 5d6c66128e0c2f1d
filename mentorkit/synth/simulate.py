"""Seeded synthetic programme data with a known, planted programme effect.

Five programmes modelled on real ones (Vollsmose, Skovparken, Tingbjerg, Langkærparken and
Groningen's "Migranten aan zet"), with grants and targets, partners who refer, mentors and
mentees, matches over several years with follow-ups and early endings, outcomes at intake,
end, 6 and 12 months, courses and events, and a comparison group of mentees never matched.
The generating model is documented in ``data/README.md``; every person is invented.

Example
-------
>>> ds = generate(seed=0, scale=0.2)
>>> set(ds.person["role"]) >= {"mentor", "mentee"}
True
>>> 0 < ds.truth.att < 0.5
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from mentorkit import vocab
from mentorkit.model.dataset import Dataset, Truth
from mentorkit.model.frames import as_int, conform
from mentorkit.synth.people import draw_people
from mentorkit.synth.programmes import (
    AS_OF,
    BASE_HAZARD,
    CONFOUNDERS,
    HAZARD_RATIO,
    HORIZON_DAYS,
    LANDMARK_DAYS,
    PATIENCE_DAYS,
    PROGRAMMES,
    WAIT_SCALE,
    WAIT_SHAPE,
)
from mentorkit.synth.timing import covariates, job_linear, job_times


def generate(seed: int = 0, scale: float = 1.0, as_of: dt.date = AS_OF,
             hazard_ratio: float = HAZARD_RATIO) -> Dataset:
    """Synthetic programme data: the same seed and scale give the same data.

    Time is honest: a mentee can find a job while she waits for a mentor, and a job ends the
    wait (she is then never matched); the planted effect multiplies the job hazard from the
    match's first day (:mod:`mentorkit.synth.timing`); ``truth`` says on which scales.

    Parameters
    ----------
    seed : random seed.
    scale : multiplies the number of mentors and mentees (1.0 is about 680 mentees and
        390 mentors over five programmes).
    as_of : the last day of the records; matches still running then are ``active``.
    hazard_ratio : the planted effect of a match on the daily job hazard; 1.0 plants no
        effect on employment at all (a planted null).

    Example
    -------
    >>> a, b = generate(seed=3, scale=0.1), generate(seed=3, scale=0.1)
    >>> a.person.equals(b.person)
    True
    """
    rng = np.random.default_rng(seed)
    asof = np.datetime64(as_of, "D")
    programmes, grants, targets, partners = _programme_tables()
    people = draw_people(rng, PROGRAMMES, partners, scale, asof)
    match, outcome_rows, truth, followups = _simulate(rng, people, programmes, asof,
                                                      float(hazard_ratio))
    events, attendance = _events(rng, programmes, people, asof, scale)
    dataset = Dataset(
        programme=conform("programme", programmes),
        grant=conform("grant", grants),
        target=conform("target", targets),
        partner=conform("partner", partners),
        person=conform("person", people.drop(columns=[c for c in people.columns
                                                         if c.startswith("_")])),
        match=conform("match", match),
        followup=conform("followup", followups),
        outcome=conform("outcome", outcome_rows),
        event=conform("event", events),
        attendance=conform("attendance", attendance),
        truth=truth,
    )
    return dataset


def _programme_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    programmes: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    partners: list[dict[str, Any]] = []
    for pid, spec in enumerate(PROGRAMMES, start=1):
        programmes.append({
            "id": pid, "name": spec.name, "site": spec.site, "city": spec.city,
            "country": spec.country, "start_date": spec.start, "end_date": spec.end,
            "language": "nl" if spec.country == "NL" else "da",
            "background_check": "vog" if spec.country == "NL" else "boerneattest",
        })
        for name, kind in spec.partners:
            partners.append({"id": len(partners) + 1, "programme_id": pid, "name": name,
                             "kind": kind})
        for funder, title, amount, currency, start, end, goals in spec.grants:
            gid = len(grants) + 1
            grants.append({"id": gid, "programme_id": pid, "funder": funder, "title": title,
                           "amount": amount, "currency": currency, "period_start": start,
                           "period_end": end})
            for metric, field, value, number in goals:
                targets.append({"id": len(targets) + 1, "grant_id": gid, "metric": metric,
                                "group_field": field, "group_value": value, "value": number})
    return (pd.DataFrame(programmes), pd.DataFrame(grants), pd.DataFrame(targets),
            pd.DataFrame(partners))


def _day(value: object) -> np.datetime64:
    """A date cell (a date, a Timestamp or a datetime64) as a numpy day."""
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    if not isinstance(value, dt.date):
        raise TypeError(f"{value!r} is not a date")
    return np.datetime64(value, "D")


def _z(x: np.ndarray) -> np.ndarray:
    x = x.astype(float)
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def _simulate(rng: np.random.Generator, people: pd.DataFrame, programmes: pd.DataFrame,
              asof: np.datetime64, hazard_ratio: float
              ) -> tuple[pd.DataFrame, pd.DataFrame, Truth, pd.DataFrame]:
    """Who is matched, to whom and when; time to first job; outcomes at each phase."""
    mentees = people[people["role"] == "mentee"].reset_index(drop=True)
    mentors = people[people["role"] == "mentor"].reset_index(drop=True)
    n = len(mentees)
    reg = mentees["registered_on"].to_numpy().astype("datetime64[D]")
    cov = covariates(mentees)
    # Confounding: the same measured resources raise both the chance of a match and of a job.
    lin_match = (0.75 + 0.9 * _z(cov["language_rank"].to_numpy())
                 + 0.55 * _z(cov["education_rank"].to_numpy())
                 + 0.25 * _z(cov["years_in_country"].to_numpy()))
    lin_job = job_linear(cov)
    # Days to a first job without a mentor: proportional hazards from registration.
    hazard = BASE_HAZARD * np.exp(lin_job)
    t0 = -np.log(rng.random(n)) / hazard
    wants_match = rng.random(n) < expit(lin_match)
    wait = rng.gamma(WAIT_SHAPE, WAIT_SCALE, n).astype(int) + 7    # earliest possible start
    length = rng.integers(120, 366, n)                               # planned length, 4-12 months
    early = rng.random(n) < 0.2
    length = np.where(early, (length * rng.uniform(0.15, 0.7, n)).astype(int) + 14, length)

    prog_start = {p.id: _day(p.start_date) for p in programmes.itertuples()}
    prog_end = {p.id: _day(p.end_date) for p in programmes.itertuples()}
    matches: list[dict] = []
    treated = np.zeros(n, dtype=bool)
    end_day = reg + wait + length                                  # end, or would-be end
    start = np.full(n, np.nan)                                     # days to the match start
    for pid, group in mentees.groupby("programme_id"):
        _match_programme(rng, as_int(pid), group.index.to_numpy(), mentees, mentors, wants_match,
                         wait, length, early, prog_start[pid], prog_end[pid], asof, matches,
                         treated, end_day, t0, start)
    match = pd.DataFrame(matches)
    match.insert(0, "id", np.arange(1, len(match) + 1))

    # The match multiplies the hazard from its first day on (never before).
    time_to_job = job_times(t0, np.where(treated, start, np.nan), hazard_ratio)
    edu_bonus = 0.0 if hazard_ratio == 1.0 else 0.05
    outcomes, observed12 = _outcomes(rng, mentees, cov, reg, end_day, time_to_job, treated,
                                     asof, edu_bonus)
    truth = _truth(mentees, reg, end_day, hazard, start, wait, treated, observed12, time_to_job,
                   asof, hazard_ratio, edu_bonus)
    followups = _followups(rng, match, asof)
    return match, outcomes, truth, followups


def _truth(mentees: pd.DataFrame, reg: np.ndarray, end_day: np.ndarray, hazard: np.ndarray,
           start: np.ndarray, wait: np.ndarray, treated: np.ndarray, observed12: np.ndarray,
           time_to_job: np.ndarray, asof: np.datetime64, hazard_ratio: float,
           edu_bonus: float) -> Truth:
    """The planted effect on each scale (closed forms of the exponential job model)."""
    t12 = (end_day + 365 - reg).astype(float)
    # The start a mentee had (treated) or would have had (the drawn wait): a mentor changes
    # nothing before it. For the treated, P(job by t12 | no job at the start) in each arm;
    # for the others the same times P(no job by the start) (they were not selected on it).
    s = np.where(treated, start, wait.astype(float))
    rest = np.clip(t12 - s, 0.0, None)
    kept = (mentees["employment_status"].to_numpy() == "employed_part_time").astype(float)
    wants_edu = mentees["goals"].map(lambda g: "education" in g).to_numpy()
    # P(employed at 12 months) by the rule _outcomes follows: a new job, or (for the few
    # employed part-time at intake) keeping that job when neither education (P = 0.06 +
    # 0.12 goal + edu_bonus matched) nor an internship (P = 0.12) replaces it.
    before = 1 - np.exp(-hazard * s)

    def p_job(ratio: float) -> np.ndarray:
        after = 1 - np.exp(-hazard * ratio * rest)
        return np.where(treated, after, before + (1 - before) * after)

    p0 = _p_employed(p_job(1.0), kept, 0.06 + 0.12 * wants_edu)
    p1 = _p_employed(p_job(hazard_ratio), kept, 0.06 + 0.12 * wants_edu + edu_bonus)
    sample = observed12
    # The landmark design: no job at LANDMARK_DAYS, matched by then, H more days in the data.
    d, h = LANDMARK_DAYS, HORIZON_DAYS
    eligible = (time_to_job > d) & (reg + d + h <= asof)
    by_d = eligible & treated & (start <= d)
    later = eligible & ~(treated & (start <= d))
    rd = np.exp(-hazard * h) - np.exp(-hazard * hazard_ratio * h)
    return Truth(
        outcome="employed", phase="followup_12m",
        att=float((p1 - p0)[sample & treated].mean()),
        ate=float((p1 - p0)[sample].mean()),
        hazard_ratio=hazard_ratio, confounders=CONFOUNDERS,
        n_treated=int((sample & treated).sum()), n_control=int((sample & ~treated).sum()),
        effect_starts="match_start", landmark_days=d, horizon_days=h,
        landmark_rd=float(rd[by_d].mean()) if by_d.any() else 0.0,
        landmark_n_treated=int(by_d.sum()), landmark_n_control=int(later.sum()),
        description=(
            "A match multiplies the daily hazard of a first job by hazard_ratio from the "
            "match's first day on (a time-varying exposure; nothing changes before it). A "
            "mentee waits for a mentor (at most PATIENCE_DAYS) and a job found while waiting "
            "ends the wait, so the never-matched include the early job finders and every "
            "'ever matched' comparison is biased (time from registration counts the wait of "
            "the matched as time without a job). Language level, education, years in the "
            "country, age and gender drive both the chance of a match and of a job. att/ate: "
            "expected differences in P(employed at 12 months after the end) among mentees "
            "whose 12-month outcome is recorded, a mentor from the start they had (treated) "
            "or would have had (others) against none. landmark_rd: among mentees without a "
            "job landmark_days after registration and matched by then, P(first job within "
            "horizon_days more) with a mentor minus without. Who is matched is 'wants a "
            "mentor' (logistic in the confounders) times 'a mentor of the wished gender is "
            "free in time' (capacity)."),
    )


def _p_employed(p_job: np.ndarray, kept: np.ndarray, p_education: np.ndarray) -> np.ndarray:
    """P(employed): a new job, or an intake job kept when not replaced by education/training."""
    return p_job + (1 - p_job) * kept * (1 - p_education) * (1 - 0.12)


def _match_programme(rng: np.random.Generator, pid: int, idx: np.ndarray, mentees: pd.DataFrame,
                     mentors: pd.DataFrame, wants: np.ndarray, wait: np.ndarray,
                     length: np.ndarray, early: np.ndarray, start: np.datetime64,
                     end: np.datetime64, asof: np.datetime64, out: list[dict],
                     treated: np.ndarray, end_day: np.ndarray, t0: np.ndarray,
                     started: np.ndarray) -> None:
    """Chronological matching inside one programme, never over a mentor's capacity.

    A mentee waits for the earliest free mentor of the wished gender (at most
    PATIENCE_DAYS); a first job before that day (``t0``) ends the wait: no match.
    """
    pm = mentors[mentors["programme_id"] == pid]
    slot_mentor = np.repeat(pm.index.to_numpy(), pm["capacity"].to_numpy(dtype=int))
    slot_free = np.repeat(pm["registered_on"].to_numpy().astype("datetime64[D]"),
                          pm["capacity"].to_numpy(dtype=int))
    mentor_gender = mentors["gender"].to_numpy()
    mentor_sector = mentors["sector"].to_numpy()
    reg = mentees["registered_on"].to_numpy().astype("datetime64[D]")
    order = idx[np.argsort(reg[idx], kind="stable")]
    last_day = min(end, asof)
    for i in order:
        if not wants[i] or len(slot_free) == 0:
            continue
        pref = mentees.at[i, "preferred_mentor_gender"]
        fits = (mentor_gender[slot_mentor] == pref if pref in ("female", "male")
                else np.ones(len(slot_free), bool))
        if not fits.any():
            continue
        begin = max(reg[i] + wait[i], slot_free[fits].min())     # queue for a free mentor
        if begin > last_day - 30 or begin > reg[i] + PATIENCE_DAYS:
            continue                                             # left the waiting list
        if t0[i] < float((begin - reg[i]).astype(int)):
            continue                                             # found a job while waiting
        candidates = np.flatnonzero(fits & (slot_free <= begin))
        same_sector = candidates[mentor_sector[slot_mentor[candidates]] == mentees.at[i, "sector"]]
        pool = same_sector if len(same_sector) and rng.random() < 0.6 else candidates
        slot = pool[rng.integers(len(pool))]
        mentor = slot_mentor[slot]
        proposed = begin - int(rng.integers(3, 15))
        if rng.random() < 0.06:  # an earlier proposal the mentee or mentor declined
            others = np.setdiff1d(candidates, [slot])
            if len(others):
                declined = slot_mentor[others[rng.integers(len(others))]]
                if declined != mentor:
                    out.append(_match_row(pid, mentees, mentors, i, declined, "declined",
                                          proposed - 14, None, None, None))
        finish = begin + int(length[i])
        reason: str | None
        if finish > end:
            finish, reason, status = end, "plan_completed", "completed"
        elif early[i]:
            reason = str(rng.choice(["mentee_health", "mentee_family", "lost_contact",
                                     "mentor_time", "mentee_moved", "poor_fit", "mentor_moved",
                                     "mentee_found_job"],
                                    p=[.16, .18, .2, .16, .08, .1, .04, .08]))
            status = "ended_early"
        else:
            reason = str(rng.choice(["plan_completed", "mentee_found_job",
                                     "mentee_started_education"], p=[.7, .2, .1]))
            status = "completed"
        if begin > asof - 60 and rng.random() < 0.6:   # proposed, nobody has confirmed yet
            out.append(_match_row(pid, mentees, mentors, i, mentor, "proposed", proposed, None,
                                  None, None))
            slot_free[slot] = np.datetime64("9999-12-31")
            continue
        if finish > asof:
            finish, reason, status = None, None, "active"
        out.append(_match_row(pid, mentees, mentors, i, mentor, status, proposed, begin, finish,
                              reason))
        slot_free[slot] = np.datetime64("9999-12-31") if finish is None else finish + 1
        treated[i] = True
        started[i] = float((begin - reg[i]).astype(int))
        end_day[i] = finish if finish is not None else begin + int(length[i])


def _match_row(pid: int, mentees: pd.DataFrame, mentors: pd.DataFrame, i: int, m: int,
               status: str, proposed: np.datetime64, started: np.datetime64 | None,
               ended: np.datetime64 | None, reason: str | None) -> dict:
    return {
        "programme_id": pid, "mentee_id": as_int(mentees.at[i, "id"]),
        "mentor_id": as_int(mentors.at[m, "id"]), "status": status, "proposed_on": proposed,
        "started_on": started, "ended_on": ended, "end_reason": reason,
        "made_by": "coordinator", "score": None, "score_breakdown": None,
    }


def _outcomes(rng: np.random.Generator, mentees: pd.DataFrame, cov: pd.DataFrame,
              reg: np.ndarray, end_day: np.ndarray, time_to_job: np.ndarray,
              treated: np.ndarray, asof: np.datetime64, edu_bonus: float
              ) -> tuple[pd.DataFrame, np.ndarray]:
    """Outcome rows at intake, end, 6 and 12 months (missing at random, 8% and 12%)."""
    n = len(mentees)
    rows = []
    phase_days = {"intake": reg, "end": end_day, "followup_6m": end_day + 182,
                  "followup_12m": end_day + 365}
    respond = {"intake": np.ones(n, bool), "end": rng.random(n) > 0.05,
               "followup_6m": rng.random(n) > 0.08, "followup_12m": rng.random(n) > 0.12}
    lang = cov["language_rank"].to_numpy()
    wants_edu = mentees["goals"].map(lambda g: "education" in g).to_numpy()
    observed12 = np.zeros(n, bool)
    gain = treated.astype(float)
    for k, (phase, day) in enumerate(phase_days.items()):
        visible = respond[phase] & (day <= asof)
        if phase == "followup_12m":
            observed12 = visible.copy()
        t = (day - reg).astype(float)
        employed = (time_to_job <= t) & (phase != "intake")
        status = mentees["employment_status"].to_numpy().copy()
        if phase != "intake":
            educ = (~employed) & (rng.random(n) < 0.06 + 0.12 * wants_edu + edu_bonus * gain)
            training = (~employed) & (~educ) & (rng.random(n) < 0.12)
            status = np.where(training, "in_training", status)
            status = np.where(educ, "in_education", status)
            kind = rng.choice(["employed_full_time", "employed_part_time", "self_employed"],
                              size=n, p=[0.42, 0.5, 0.08])
            status = np.where(employed, kind, status)
        hours = np.where(np.isin(status, ["employed_full_time"]), 37.0,
                         np.where(np.isin(status, ["employed_part_time", "self_employed"]),
                                  rng.integers(8, 31, n).astype(float),
                                  np.where(status == "in_training", 20.0, 0.0)))
        step = (rng.random(n) < (0.15 + 0.2 * gain) * k).astype(int)
        level = np.minimum(lang + step, len(vocab.LANGUAGE_LEVELS) - 1)
        network = rng.poisson(2 + 2.5 * gain * (k > 0) + 0.5 * k, n)
        confidence = np.clip(np.round(rng.normal(2.6 + 0.35 * k * (0.5 + gain), 0.9)), 1, 5)
        # the day a job starts is the day its (continuous) time falls in, counted from 1 on
        # the day after registration: a job found during a match's first day is dated the
        # day after the start, so no job shares its date with the match it followed
        job_start = reg + np.ceil(np.minimum(time_to_job, 1e5)).astype(int)
        for i in np.flatnonzero(visible):
            rows.append({
                "person_id": as_int(mentees.at[i, "id"]), "phase": phase, "recorded_on": day[i],
                "employment_status": status[i], "hours_per_week": hours[i],
                "job_start_date": job_start[i] if employed[i] else None,
                "language_level": vocab.LANGUAGE_LEVELS.codes[level[i]],
                "network_size": int(network[i]), "confidence": int(confidence[i]),
            })
    outcomes = pd.DataFrame(rows).sort_values(["person_id", "recorded_on"], kind="stable")
    outcomes.insert(0, "id", np.arange(1, len(outcomes) + 1))
    return outcomes, observed12


FOLLOWUP_NOTES = {
    "da": ("Talte om CV og ansøgninger.", "Øvede jobsamtale.", "Besøgte en arbejdsplads sammen.",
           "Talte om uddannelsesmuligheder.", "Gik en tur og øvede dansk.",
           "Koordinator ringede: det går godt.", "Koordinator ringede: svært at finde tid."),
    "nl": ("Gesproken over cv en sollicitaties.", "Sollicitatiegesprek geoefend.",
           "Samen een werkplek bezocht.", "Gesproken over opleidingen.",
           "Gewandeld en Nederlands geoefend.", "Coördinator belde: het gaat goed.",
           "Coördinator belde: moeilijk om tijd te vinden."),
}


def _followups(rng: np.random.Generator, match: pd.DataFrame, asof: np.datetime64) -> pd.DataFrame:
    """Coordinator calls after 2 and 4 weeks, then monthly; meetings about twice a month."""
    rows: list[tuple[object, np.datetime64, str, str, np.datetime64 | None]] = []
    started = match[match["started_on"].notna()]
    for m in started.itertuples(index=False):
        lang = "nl" if m.programme_id == 5 else "da"
        notes = FOLLOWUP_NOTES[lang]
        start, ended = _day(m.started_on), m.ended_on
        stop = (_day(ended) if isinstance(ended, (dt.date, np.datetime64)) and pd.notna(ended)
                else asof)
        calls = [start + 14, start + 28]
        while calls[-1] + 30 <= stop:
            calls.append(calls[-1] + 30)
        calls = [c for c in calls if c <= stop and rng.random() > 0.1]
        for j, day in enumerate(calls):
            due = day + (14 if j == 0 else 30)
            rows.append((m.id, day, "coordinator_call", notes[5 + int(rng.random() < 0.2)], due))
        day = start
        while day <= stop:
            rows.append((m.id, day, "meeting", notes[int(rng.integers(0, 5))], None))
            day = day + int(rng.integers(10, 22))
    df = pd.DataFrame(rows, columns=["match_id", "date", "kind", "notes", "next_due"])
    df = df.sort_values(["match_id", "date", "kind"], kind="stable").reset_index(drop=True)
    df.insert(0, "id", np.arange(1, len(df) + 1))
    return df


EVENT_TITLES = {
    "da": {"course": "Kursus: jobsøgning og CV", "mentor_training": "Mentoruddannelse",
           "network_meeting": "Netværksmøde", "social": "Fællesspisning"},
    "nl": {"course": "Cursus: solliciteren en cv", "mentor_training": "Mentortraining",
           "network_meeting": "Netwerkbijeenkomst", "social": "Samen eten"},
}


def _events(rng: np.random.Generator, programmes: pd.DataFrame, people: pd.DataFrame,
            asof: np.datetime64, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per programme year: mentor trainings, courses, network meetings; who came."""
    events: list[dict[str, Any]] = []
    attendance: list[dict[str, int]] = []
    per_year = {"mentor_training": 2, "course": 3, "network_meeting": 4, "social": 2}
    for p in programmes.itertuples(index=False):
        lang = "nl" if p.country == "NL" else "da"
        start = _day(p.start_date)
        stop = min(_day(p.end_date), asof)
        days = int((stop - start).astype(int))
        members = people[people["programme_id"] == p.id]
        for kind, count in per_year.items():
            for _ in range(max(1, round(count * days / 365))):
                day = start + int(rng.integers(0, max(days, 1)))
                eid = len(events) + 1
                events.append({"id": eid, "programme_id": p.id, "kind": kind, "date": day,
                               "title": EVENT_TITLES[lang][kind], "location": p.site})
                who = members[members["registered_on"].to_numpy().astype("datetime64[D]") <= day]
                if kind == "mentor_training":
                    who = who[who["role"] == "mentor"]
                size = min(len(who), int(rng.integers(6, 20) * max(1.0, scale ** 0.5)))
                if size:
                    chosen = rng.choice(who["id"].to_numpy(), size=size, replace=False)
                    attendance.extend({"event_id": eid, "person_id": int(c)}
                                      for c in sorted(chosen))
    att = pd.DataFrame(attendance, columns=["event_id", "person_id"])
    att.insert(0, "id", np.arange(1, len(att) + 1))
    ev = pd.DataFrame(events).sort_values(["programme_id", "date", "kind"], kind="stable")
    remap = dict(zip(ev["id"], range(1, len(ev) + 1)))
    ev["id"] = ev["id"].map(remap)
    att["event_id"] = att["event_id"].map(remap)
    att = att.sort_values(["event_id", "person_id"]).reset_index(drop=True)
    att["id"] = np.arange(1, len(att) + 1)
    return ev.reset_index(drop=True), att

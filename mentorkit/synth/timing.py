"""Time in the synthetic programmes: the job hazard, jobs found while waiting, the effect
that starts at the match, and the true effects on each scale.

Every mentee has a daily hazard of a first job, ``BASE_HAZARD * exp(linear predictor)``
(language, education, age, years in the country, gender: :func:`job_hazard`), from the day
of registration. A mentee who wants a mentor waits for one (a drawn wait, longer when no
mentor of the wished gender is free, at most :data:`~mentorkit.synth.programmes.PATIENCE_DAYS`);
a first job found while waiting ends the wait, and she is never matched. From the day a
match starts, the hazard is multiplied by the planted hazard ratio (:func:`job_times`).

So the true effects are:

- the hazard ratio of the match as a *time-varying* exposure (from the match's first day);
- at a landmark ``d`` days after registration, among those still without a first job then:
  the difference in the probability of a first job within ``horizon`` days between a mentor
  throughout the window (matched by ``d``) and no mentor in the window, averaged over those
  matched by ``d`` (:func:`landmark_effect`; a closed form of the exponential model).

Example
-------
>>> import numpy as np
>>> t = job_times(np.array([200.0, 50.0]), np.array([100.0, 100.0]), 2.0)
>>> t.tolist()                      # 100 + (200 - 100) / 2; a job before the match stays
[150.0, 50.0]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.model.dataset import Dataset
from mentorkit.synth.programmes import BASE_HAZARD

__all__ = ["covariates", "job_hazard", "job_linear", "job_times", "landmark_effect"]


def _z(x: np.ndarray) -> np.ndarray:
    x = x.astype(float)
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def covariates(mentees: pd.DataFrame) -> pd.DataFrame:
    """The five intake confounders of each mentee, as the generator uses them.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.1)
    >>> list(covariates(ds.person[ds.person["role"] == "mentee"]).columns)[:2]
    ['language_rank', 'education_rank']
    """
    reg_year = mentees["registered_on"].dt.year.to_numpy()
    return pd.DataFrame({
        "language_rank": mentees["language_level"].map(vocab.LANGUAGE_LEVELS.rank),
        "education_rank": mentees["education"].map(vocab.EDUCATION_LEVELS.rank),
        "age": reg_year - mentees["birth_year"].to_numpy(dtype=float),
        "years_in_country": reg_year - mentees["arrival_year"].to_numpy(dtype=float),
        "male": (mentees["gender"] == "male").astype(int),
    }, index=mentees.index)


def job_linear(cov: pd.DataFrame) -> np.ndarray:
    """The linear predictor of the job hazard (standardised over the mentees given).

    Example
    -------
    >>> cov = pd.DataFrame({"language_rank": [1, 3], "education_rank": [2, 2], "age": [30, 40],
    ...                     "years_in_country": [2, 2], "male": [0, 0]})
    >>> [round(float(v), 2) for v in job_linear(cov)]
    [-0.45, 0.45]
    """
    return (0.8 * _z(cov["language_rank"].to_numpy()) + 0.6 * _z(cov["education_rank"].to_numpy())
            - 0.35 * _z(cov["age"].to_numpy()) + 0.25 * _z(cov["years_in_country"].to_numpy())
            + 0.3 * cov["male"].to_numpy(dtype=float))


def job_hazard(ds: Dataset) -> pd.Series:
    """Each mentee's daily hazard of a first job without a mentor, by person id.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> h = job_hazard(generate(seed=0, scale=0.1))
    >>> bool((h > 0).all() and h.index.is_unique)
    True
    """
    mentees = ds.person[ds.person["role"] == "mentee"]
    lin = job_linear(covariates(mentees))
    return pd.Series(BASE_HAZARD * np.exp(lin), index=mentees["id"].astype("int64").to_numpy(),
                     name="hazard")


def job_times(t0: np.ndarray, start: np.ndarray, hazard_ratio: float) -> np.ndarray:
    """Days from registration to a first job when a match starting ``start`` days after
    registration multiplies the hazard by ``hazard_ratio`` from that day on.

    ``t0`` are the times without a mentor (the same uniform draw), ``start`` NaN for those
    never matched. A job before the start is not changed (in the generator it ended the wait).

    Example
    -------
    >>> job_times(np.array([300.0]), np.array([np.nan]), 2.0).tolist()
    [300.0]
    """
    after = np.isfinite(start) & (t0 > np.nan_to_num(start, nan=np.inf))
    s = np.where(after, start, 0.0)
    return np.where(after, s + (t0 - s) / hazard_ratio, t0)


def landmark_effect(ds: Dataset, person_ids: Iterable[int], horizon: int,
                    hazard_ratio: float | None = None) -> float:
    """The true landmark effect for these mentees (all matched by the landmark, none with a
    job then): the mean of P(first job within ``horizon`` days | mentor throughout) minus
    P(… | no mentor), i.e. ``exp(-h·horizon) - exp(-h·HR·horizon)`` per person.

    Parameters
    ----------
    ds : a data set from :func:`mentorkit.synth.generate` (its ``truth`` gives the ratio).
    person_ids : the treated of the landmark design (mentee ids).
    horizon : days after the landmark.
    hazard_ratio : override the planted ratio.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.2)
    >>> ids = ds.match.loc[ds.match["started_on"].notna(), "mentee_id"].unique()[:5]
    >>> 0 < landmark_effect(ds, ids, 365) < 0.5
    True
    """
    if hazard_ratio is None:
        if ds.truth is None:
            raise ValueError("landmark_effect needs a synthetic data set (with truth) or "
                             "hazard_ratio=")
        hazard_ratio = ds.truth.hazard_ratio
    h = job_hazard(ds).reindex(np.asarray(list(person_ids), dtype="int64")).to_numpy()
    if len(h) == 0 or np.isnan(h).any():
        raise ValueError("landmark_effect: every person id must be a mentee of the data set")
    return float(np.mean(np.exp(-h * horizon) - np.exp(-h * hazard_ratio * horizon)))

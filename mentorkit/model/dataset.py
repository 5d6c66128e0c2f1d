"""A :class:`Dataset`: one DataFrame per table, plus the truth behind synthetic data.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.1)
>>> sorted(ds.tables())[:3]
['attendance', 'event', 'followup']
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from mentorkit.model.frames import LIST_SEPARATOR, conform, kind
from mentorkit.model.schema import ENTITY_TABLES, TABLES


@dataclass(frozen=True)
class Truth:
    """The programme effect planted in synthetic data, for checking estimators.

    ``att`` is the expected effect of being matched on the outcome among the treated
    mentees with that outcome observed (a difference in probabilities); ``ate`` the same
    over all of them; ``hazard_ratio`` the planted effect on the daily hazard of a first job,
    from ``effect_starts`` ("match_start": a time-varying exposure). ``landmark_rd``: among
    mentees without a job ``landmark_days`` after registration and matched by then, the
    effect on P(first job within ``horizon_days`` more) of a mentor against none
    (``landmark_n_treated`` / ``landmark_n_control`` people in that design).
    """

    outcome: str
    phase: str
    att: float
    ate: float
    hazard_ratio: float
    confounders: tuple[str, ...]
    n_treated: int
    n_control: int
    description: str
    effect_starts: str = "registration"
    landmark_days: int | None = None
    horizon_days: int | None = None
    landmark_rd: float | None = None
    landmark_n_treated: int | None = None
    landmark_n_control: int | None = None


@dataclass
class Dataset:
    """One DataFrame per table of the data model, each in the store's shape."""

    programme: pd.DataFrame
    grant: pd.DataFrame
    target: pd.DataFrame
    partner: pd.DataFrame
    person: pd.DataFrame
    match: pd.DataFrame
    followup: pd.DataFrame
    outcome: pd.DataFrame
    event: pd.DataFrame
    attendance: pd.DataFrame
    truth: Truth | None = field(default=None)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {name: getattr(self, name) for name in ENTITY_TABLES}

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write one CSV per table (UTF-8, ``,``; lists as ``a|b``), and truth.json."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, df in self.tables().items():
            path = folder / f"{name}.csv"
            to_csv_frame(name, df).to_csv(path, index=False, lineterminator="\n")
            written.append(path)
        if self.truth is not None:
            path = folder / "truth.json"
            path.write_text(json.dumps(asdict(self.truth), indent=2) + "\n", encoding="utf-8")
            written.append(path)
        return written

    @classmethod
    def from_csv(cls, folder: str | Path) -> Dataset:
        """Read a dataset written by :meth:`to_csv`."""
        folder = Path(folder)
        tables = {}
        for name in ENTITY_TABLES:
            raw = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False,
                              na_values=[""], encoding="utf-8")
            tables[name] = from_csv_frame(name, raw)
        truth_path = folder / "truth.json"
        truth = None
        if truth_path.exists():
            data = json.loads(truth_path.read_text(encoding="utf-8"))
            data["confounders"] = tuple(data["confounders"])
            truth = Truth(**data)
        return cls(**tables, truth=truth)


def to_csv_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with lists joined by ``|``, dicts as JSON and dates as ISO text."""
    out = df.copy()
    for column in TABLES[table].c:
        name = column.name
        if name not in out.columns:
            continue
        k = kind(column)
        if k == "list":
            out[name] = out[name].map(lambda v: LIST_SEPARATOR.join(v) if v else "")
        elif k == "json":
            out[name] = out[name].map(lambda v: "" if v is None else json.dumps(v, sort_keys=True))
        elif k == "date":
            out[name] = out[name].dt.strftime("%Y-%m-%d")
        elif k == "datetime":
            out[name] = out[name].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return out


def from_csv_frame(table: str, raw: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`to_csv_frame` for text read from a CSV file."""
    df = raw.copy()
    for column in TABLES[table].c:
        if column.name in df.columns and kind(column) in ("date", "datetime"):
            df[column.name] = pd.to_datetime(df[column.name], format="ISO8601")
    return conform(table, df)

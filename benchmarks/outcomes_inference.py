"""Coverage of clustered and weighted intervals, and of Lee bounds, by simulation.

Designs (each ``--reps`` replications, 95% intervals):

- clusters: 400 people in 40 mentor clusters; the cluster shifts both the chance of a mentor
  and the effect. ``effect(method="aipw")`` with and without ``cluster="g"`` and
  ``effect(method="regression", cluster="g")``, against the large-sample ATT (an AIPW on
  400,000 people in 40,000 clusters);
- weights: 400 people with analysis weights (independent uniform, and exp(x/2), which
  compounds the comparison weights), ``ipw`` and ``aipw`` for the ATT and ATE, against the
  weighted large-sample estimate;
- Lee bounds: 600 people, outcome missing more often for comparison people (missing at
  random within arms), truth the effect among everyone; share of Imbens-Manski intervals
  that contain it (bounds are conservative: above 0.95 expected).

Run:  nice -n 10 .venv/bin/python benchmarks/outcomes_inference.py [--reps 200]
Writes benchmarks/results/outcomes_inference.json and prints the table.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from mentorkit.outcomes import effect, lee_bounds

OUT = Path(__file__).parent / "results" / "outcomes_inference.json"


def clustered(seed: int, n: int = 400, clusters: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    g = rng.integers(0, clusters, n)
    u = rng.normal(size=clusters)[g]
    t = rng.random(n) < expit(0.5 * x + 0.5 * u)
    y = x + t * (1 + u) + u + rng.normal(size=n)
    return pd.DataFrame({"t": t.astype(int), "y": y, "x": x, "g": g})


def weighted(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    t = rng.random(n) < expit(0.3 + 0.8 * x)
    y = x + t * (1 + 0.5 * x) + rng.normal(size=n)
    return pd.DataFrame({"t": t.astype(int), "y": y, "x": x, "w_exp": np.exp(0.5 * x),
                         "w_unif": rng.uniform(0.5, 2.0, n)})


def attrition(seed: int, n: int = 600) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, n)
    y = rng.normal(size=n) + 0.3 * t
    answered = rng.random(n) < np.where(t == 1, 0.8, 0.6)
    return pd.DataFrame({"t": t, "y": np.where(answered, y, np.nan)}), 0.3


def summary(est: list[float], se: list[float], cover: list[bool], truth: float
            ) -> dict[str, float]:
    e, s = np.asarray(est), np.asarray(se)
    return {"truth": round(truth, 4), "bias": round(float(e.mean() - truth), 4),
            "sd": round(float(e.std(ddof=1)), 4), "mean_se": round(float(s.mean()), 4),
            "se_over_sd": round(float(s.mean() / e.std(ddof=1)), 3),
            "coverage": round(float(np.mean(cover)), 3)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=200)
    reps = ap.parse_args().reps
    rows: dict[str, dict[str, float]] = {}
    big = clustered(10_000, n=400_000, clusters=40_000)
    truth = effect(big, "t", "y", ["x"], method="aipw", n_boot=0).estimate
    runs: dict[str, tuple[list[float], list[float], list[bool]]] = {}
    for s in range(reps):
        d = clustered(s)
        for name, kw in (("aipw, no cluster", dict(method="aipw", n_boot=0)),
                         ("aipw, cluster=g", dict(method="aipw", n_boot=0, cluster="g")),
                         ("regression, cluster=g", dict(method="regression", cluster="g"))):
            e = effect(d, "t", "y", ["x"], **kw)
            r = runs.setdefault(name, ([], [], []))
            r[0].append(e.estimate)
            r[1].append(e.se)
            r[2].append(e.covers(truth))
    for name, (est, se, cov) in runs.items():
        rows[f"clusters: {name}"] = summary(est, se, cov, truth)
    big_w = weighted(10_000, n=400_000)
    for wcol in ("w_unif", "w_exp"):
        for method in ("ipw", "aipw"):
            for estimand in ("ATT", "ATE"):
                tr = effect(big_w, "t", "y", ["x"], method=method, estimand=estimand,
                            n_boot=0, weights=wcol).estimate
                est, se, cov = [], [], []
                for s in range(reps):
                    e = effect(weighted(s), "t", "y", ["x"], method=method, estimand=estimand,
                               n_boot=0, weights=wcol)
                    est.append(e.estimate)
                    se.append(e.se)
                    cov.append(e.covers(tr))
                rows[f"weights {wcol}: {method} {estimand}"] = summary(est, se, cov, tr)
    inside, width = [], []
    for s in range(reps):
        d, tr = attrition(s)
        b = lee_bounds(d, "t", "y", n_boot=100, seed=s)
        inside.append(b.ci_low <= tr <= b.ci_high)
        width.append(b.upper - b.lower)
    rows["Lee bounds (Imbens-Manski 95%)"] = {"truth": 0.3,
                                              "coverage": round(float(np.mean(inside)), 3),
                                              "mean_bound_width": round(float(np.mean(width)),
                                                                        4)}
    table = pd.DataFrame(rows).T
    print(table.to_string())
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"reps": reps, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

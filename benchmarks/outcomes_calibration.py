"""Calibration of the effect estimators on synthetic data with a planted effect, and speed.

For each seed, ``mentorkit.synth.generate(seed)`` plants a known effect of being matched on
the probability of being employed 12 months after the mentorship (``truth.att``, ``truth.ate``)
and on the hazard of a first job (``truth.hazard_ratio``). Every method estimates it from the
analysis table with the five confounders, with the defaults of ``effect`` (at this size ipw
and aipw use the bootstrap that re-fits the models on every resample); we report per method
the bias, RMSE, mean interval width and the share of 95% intervals that contain the truth
(goal for ipw, psm, aipw: 0.90-0.98). As a diagnostic, ipw and aipw are also run with the
score bootstrap, the default for large data. The Cox model's hazard ratio is checked against
``truth.hazard_ratio``.

Speed: ``effect(..., method="aipw", n_boot=1000)`` on 100,000 rows (the seed-0 analysis
table resampled to that size; the score bootstrap), goal under 20 s on the 2-core reference
machine; and the re-fit bootstrap on the demo table itself.

Run:  .venv/bin/python benchmarks/outcomes_calibration.py [--seeds 100] [--n-boot 1000]
Writes benchmarks/results/outcomes_calibration.json and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from mentorkit.outcomes import analysis_table, cox, effect
from mentorkit.synth import generate

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
OUT = "employed_followup_12m"
METHODS = ("difference", "regression", "ipw", "psm", "aipw")
RESULTS = Path(__file__).resolve().parent / "results" / "outcomes_calibration.json"


def calibrate(seeds: int, n_boot: int) -> pd.DataFrame:
    rows = []
    for seed in range(seeds):
        ds = generate(seed=seed)
        table = analysis_table(ds)
        truth = ds.truth
        for estimand, target in (("ATT", truth.att), ("ATE", truth.ate)):
            for method in METHODS:
                if estimand == "ATE" and method in ("difference",):
                    continue
                e = effect(table, "matched", OUT, COVS, method=method, estimand=estimand,
                           n_boot=n_boot, seed=seed)
                rows.append({"seed": seed, "estimand": estimand, "method": method,
                             "truth": target, "estimate": e.estimate, "ci_low": e.ci_low,
                             "ci_high": e.ci_high, "se": e.se})
        for method in ("ipw", "aipw"):
            e = effect(table, "matched", OUT, COVS, method=method, n_boot=n_boot, seed=seed,
                       bootstrap="score")
            rows.append({"seed": seed, "estimand": "ATT", "method": f"{method} (score bootstrap)",
                         "truth": truth.att, "estimate": e.estimate, "ci_low": e.ci_low,
                         "ci_high": e.ci_high, "se": e.se})
        hr = cox(table, "days_to_job", "job", ["matched", *COVS]).hazard_ratio("matched")
        rows.append({"seed": seed, "estimand": "HR", "method": "cox", "truth": truth.hazard_ratio,
                     "estimate": hr[0], "ci_low": hr[1], "ci_high": hr[2], "se": np.nan})
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.assign(error=raw["estimate"] - raw["truth"],
                     covered=(raw["ci_low"] <= raw["truth"]) & (raw["truth"] <= raw["ci_high"]),
                     width=raw["ci_high"] - raw["ci_low"])
    g = raw.groupby(["estimand", "method"], sort=False)
    out = pd.DataFrame({
        "seeds": g.size(),
        "mean_truth": g["truth"].mean(),
        "bias": g["error"].mean(),
        "rmse": g["error"].apply(lambda x: float(np.sqrt(np.mean(x ** 2)))),
        "sd_estimate": g["estimate"].std(),
        "mean_se": g["se"].mean(),
        "mean_ci_width": g["width"].mean(),
        "coverage": g["covered"].mean(),
    })
    return out.reset_index()


def speed(n_rows: int = 100_000, n_boot: int = 1000) -> dict[str, float]:
    table = analysis_table(generate(seed=0))
    base = table[table[OUT].notna()].reset_index(drop=True)
    rng = np.random.default_rng(0)
    big = base.iloc[rng.integers(0, len(base), n_rows)].reset_index(drop=True)
    timings = {}
    for method in ("aipw", "ipw", "psm"):
        start = time.perf_counter()
        effect(big, "matched", OUT, COVS, method=method, n_boot=n_boot, seed=1)
        timings[f"{method}_{n_rows}_rows_{n_boot}_boot_seconds"] = round(
            time.perf_counter() - start, 2)
    for method in ("aipw", "ipw"):
        start = time.perf_counter()
        effect(base, "matched", OUT, COVS, method=method, n_boot=n_boot, seed=1)
        timings[f"{method}_{len(base)}_rows_{n_boot}_refit_boot_seconds"] = round(
            time.perf_counter() - start, 2)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    start = time.perf_counter()
    raw = calibrate(args.seeds, args.n_boot)
    table = summarise(raw)
    calibration_seconds = time.perf_counter() - start
    timings = speed()
    pd.set_option("display.width", 160)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print()
    for k, v in timings.items():
        print(f"{k}: {v}")
    result = {
        "benchmark": "outcomes_calibration",
        "command": "benchmarks/outcomes_calibration.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average_at_start": [round(v, 2) for v in load_before],
                    "load_average_at_end": [round(v, 2) for v in os.getloadavg()]},
        "settings": {"seeds": args.seeds, "n_boot": args.n_boot,
                     "scale": 1.0, "outcome": OUT, "covariates": COVS, "ci_level": 0.95},
        "calibration_seconds": round(calibration_seconds, 1),
        "summary": table.to_dict(orient="records"),
        "speed": timings,
        "goal": {"coverage_adjusted": [0.90, 0.98], "aipw_100k_1000_boot_seconds": 20},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()

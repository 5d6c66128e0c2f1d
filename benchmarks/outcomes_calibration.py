"""Calibration of the outcome designs on synthetic data honest about time, and speed.

Each seed's ``mentorkit.synth.generate(seed)`` lets mentees find work while they wait for a
mentor (a job ends the wait) and plants an effect that starts at the match: the hazard of a
first job is multiplied by ``truth.hazard_ratio`` from the match's first day. For each seed
and each design we record the estimate, its 95% interval and the truth on the design's own
scale, then report per design the bias, RMSE, SD of the estimates, mean SE and interval
width and the share of intervals that contain the truth (goal for the time-aware designs:
0.90-0.98):

- naive, "ever matched" from registration (labelled biased): the raw difference, Lin's
  regression and AIPW in P(employed 12 months after the end) against ``truth.att``, and the
  Cox hazard ratio of ``matched`` + confounders against ``truth.hazard_ratio``;
- time-aware: the Cox model with the match as a time-varying exposure
  (``time_varying_cox``) against ``truth.hazard_ratio``; the landmark design at 180 days
  (``landmark``: first job within 365 days, matched by day 180 against not matched) against
  the closed-form truth for exactly its treated, everyone matched by day 180 and without a
  job then (``synth.timing.landmark_effect``); and
  sequential trials pooled over days 60, 120 and 180 against the same kind of truth (a
  mentor against none in the window: comparisons matched later dilute it).

Then the same with a planted null (``generate(seed, hazard_ratio=1.0)``): truth 0 and 1.

Run:  nice -n 10 .venv/bin/python benchmarks/outcomes_calibration.py [--seeds 100]
      [--n-boot 200] [--speed]
Writes benchmarks/results/outcomes_calibration.json and .md and prints the tables.
``--speed`` adds the old timing of ``effect(..., method="aipw", n_boot=1000)`` on 100,000 rows.
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

from mentorkit.outcomes import (
    analysis_table,
    cox,
    effect,
    landmark,
    landmark_table,
    time_varying_cox,
)
from mentorkit.synth import generate
from mentorkit.synth.timing import landmark_effect

COVS = ["language_rank", "education_rank", "age", "years_in_country", "male"]
OUT = "employed_followup_12m"
LANDMARK, SEQUENTIAL, HORIZON = 180, (60, 120, 180), 365
RESULTS = Path(__file__).resolve().parent / "results" / "outcomes_calibration.json"


def _row(seed: int, world: str, kind: str, design: str, scale: str, truth: float,
         estimate: float, low: float, high: float, se: float) -> dict[str, object]:
    return {"seed": seed, "world": world, "kind": kind, "design": design, "scale": scale,
            "truth": truth, "estimate": estimate, "ci_low": low, "ci_high": high, "se": se}


def one_seed(seed: int, hazard_ratio: float | None, n_boot: int) -> list[dict[str, object]]:
    """Every design on one generated data set."""
    world = "null" if hazard_ratio == 1.0 else "effect"
    ds = generate(seed=seed) if hazard_ratio is None else generate(seed=seed,
                                                                   hazard_ratio=hazard_ratio)
    truth = ds.truth
    assert truth is not None
    table = analysis_table(ds)
    rows = []
    for method in ("difference", "regression", "aipw"):
        e = effect(table, "matched", OUT, COVS, method=method, n_boot=n_boot, seed=seed,
                   bootstrap="score")
        rows.append(_row(seed, world, "naive (ever matched)", method, "RD employed 12m after end",
                         truth.att, e.estimate, e.ci_low, e.ci_high, e.se))
    hr = cox(table, "days_to_job", "job", ["matched", *COVS]).hazard_ratio("matched")
    rows.append(_row(seed, world, "naive (ever matched)", "cox", "HR", truth.hazard_ratio,
                     *hr, float("nan")))
    tv = time_varying_cox(table, covariates=COVS)
    rows.append(_row(seed, world, "time-aware", "time-varying cox", "HR", truth.hazard_ratio,
                     *tv.hazard_ratio(), float(tv.to_frame().set_index("term").loc[
                         "matched", "se"])))
    for name, days in (("landmark 180", LANDMARK), ("sequential 60/120/180", SEQUENTIAL)):
        lm = landmark(table, days, HORIZON, covariates=COVS)
        stacked = landmark_table(table, days, HORIZON)
        # the design's target: every treated person at risk at the landmark (the censored
        # ones are represented by the weights of the others)
        treated = stacked.loc[stacked["treated"] == 1, "person_id"]
        target = landmark_effect(ds, treated, HORIZON)
        rows.append(_row(seed, world, "time-aware", name, "RD first job within 365 d",
                         target, lm.estimate, lm.ci_low, lm.ci_high, lm.se))
    return rows


def calibrate(seeds: int, n_boot: int) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for seed in range(seeds):
        for hr in (None, 1.0):
            rows.extend(one_seed(seed, hr, n_boot))
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    log = raw["scale"] == "HR"
    # hazard ratios are judged on the log scale (bias, RMSE, SD, SE), intervals as they are
    est, tru = raw["estimate"].to_numpy(float).copy(), raw["truth"].to_numpy(float).copy()
    est[log], tru[log] = np.log(est[log]), np.log(tru[log])
    raw = raw.assign(error=est - tru,
                     covered=(raw["ci_low"] <= raw["truth"]) & (raw["truth"] <= raw["ci_high"]),
                     width=raw["ci_high"] - raw["ci_low"],
                     sig=(raw["ci_low"] > (np.where(log, 1.0, 0.0)))
                     | (raw["ci_high"] < (np.where(log, 1.0, 0.0))))
    g = raw.groupby(["world", "kind", "design", "scale"], sort=False)
    out = pd.DataFrame({
        "seeds": g.size(),
        "mean_truth": g["truth"].mean(),
        "mean_estimate": g["estimate"].mean(),
        "bias": g["error"].mean(),
        "rmse": g["error"].apply(lambda x: float(np.sqrt(np.mean(x ** 2)))),
        "sd_estimate": g["error"].std(),
        "mean_se": g["se"].mean(),
        "mean_ci_width": g["width"].mean(),
        "coverage": g["covered"].mean(),
        "share_significant": g["sig"].mean(),
    })
    return out.reset_index()


def speed(n_rows: int = 100_000, n_boot: int = 1000) -> dict[str, float]:
    table = analysis_table(generate(seed=0))
    base = table[table[OUT].notna()].reset_index(drop=True)
    rng = np.random.default_rng(0)
    big = base.iloc[rng.integers(0, len(base), n_rows)].reset_index(drop=True)
    start = time.perf_counter()
    effect(big, "matched", OUT, COVS, method="aipw", n_boot=n_boot, seed=1)
    return {f"aipw_{n_rows}_rows_{n_boot}_boot_seconds": round(time.perf_counter() - start, 2)}


def markdown(table: pd.DataFrame) -> str:
    lines = ["| world | kind | design | scale | mean truth | bias | RMSE | SD | mean SE | "
             "mean CI width | coverage | share significant |",
             "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in table.itertuples(index=False):
        lines.append(f"| {r.world} | {r.kind} | {r.design} | {r.scale} | {r.mean_truth:.3f} | "
                     f"{r.bias:+.3f} | {r.rmse:.3f} | {r.sd_estimate:.3f} | "
                     f"{r.mean_se:.3f} | {r.mean_ci_width:.3f} | {r.coverage:.2f} | "
                     f"{r.share_significant:.2f} |".replace("nan", "–"))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    start = time.perf_counter()
    raw = calibrate(args.seeds, args.n_boot)
    table = summarise(raw)
    seconds = time.perf_counter() - start
    timings = speed() if args.speed else {}
    pd.set_option("display.width", 200)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    result = {
        "benchmark": "outcomes_calibration",
        "command": "benchmarks/outcomes_calibration.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average_at_start": [round(v, 2) for v in load_before],
                    "load_average_at_end": [round(v, 2) for v in os.getloadavg()]},
        "settings": {"seeds": args.seeds, "n_boot": args.n_boot, "scale": 1.0,
                     "outcome": OUT, "covariates": COVS, "ci_level": 0.95,
                     "landmark": LANDMARK, "sequential": list(SEQUENTIAL), "horizon": HORIZON,
                     "hazard_ratio": {"effect": 1.8, "null": 1.0}},
        "calibration_seconds": round(seconds, 1),
        "summary": table.to_dict(orient="records"),
        "speed": timings,
        "goal": {"coverage_time_aware": [0.90, 0.98]},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    md = RESULTS.with_suffix(".md")
    md.write_text(f"# Outcome calibration ({args.seeds} seeds, {result['date']})\n\n"
                  f"Command: `{result['command']}`; {seconds:.0f} s.\n\n" + markdown(table),
                  encoding="utf-8")
    print(f"\nwrote {RESULTS} and {md}")


if __name__ == "__main__":
    main()

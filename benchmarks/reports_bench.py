"""Time the whole demo report suite: every notebook in notebooks/ for every demo programme.

Runs the suite one report after the other, on a local process pool, and (with --dask) on a
Dask LocalCluster on 127.0.0.1, each into its own folder, against a fresh demo database;
prints a table and writes benchmarks/results/reports_bench.json. The goal: the demo suite
in under 60 s.

    .venv/bin/python benchmarks/reports_bench.py                 # sequential, pool of 2
    .venv/bin/python benchmarks/reports_bench.py --workers 1 2 4 --dask

Notebook runs are dominated by starting a kernel and importing pandas, SQLAlchemy,
matplotlib and statsmodels in it, so the load of the machine matters: the load average
before and after each run is recorded with the result.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mentorkit.reports import default_workers, notebooks_in, run_all  # noqa: E402
from mentorkit.reports.params import parse_assignment  # noqa: E402
from mentorkit.store import Store  # noqa: E402
from mentorkit.synth import generate  # noqa: E402

GOAL_S = 60.0


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _run(label: str, workers: int | None, scheduler: str | None, db: str, out: Path,
         notebooks: Path, params: dict[str, Any]) -> dict[str, Any]:
    before = _load()
    t0 = time.perf_counter()
    results = run_all(notebooks, out, db=db, workers=workers, scheduler=scheduler,
                      parameters=params)
    wall = time.perf_counter() - t0
    failed = [f"{r.name}: {r.error.splitlines()[0]}" for r in results if r.error]
    return {"mode": label, "workers": workers or 0, "reports": len(results),
            "failed": len(failed), "failures": failed, "wall_s": round(wall, 1),
            "per_report_s": round(wall / max(len(results), 1), 2),
            "kernel_s_sum": round(sum(r.seconds for r in results), 1),
            "load_before": before, "load_after": _load()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, default_workers()],
                    help="pool sizes to time (1 runs the reports one after the other)")
    ap.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    ap.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    ap.add_argument("-p", "--param", action="append", default=[],
                    help="key=value passed to the notebooks that declare it, e.g. n_boot=200")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                    "reports_bench.json")
    args = ap.parse_args(argv)
    params = dict(parse_assignment(p) for p in args.param)

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="reports-bench-") as tmp:
        db = str(Path(tmp) / "demo.db")
        with Store.open(db, actor="bench") as store:
            store.load(generate(seed=0))
            programmes = len(store.table("programme"))
        for n in args.workers:
            label = "sequential" if n == 1 else "process pool"
            rows.append(_run(label, n, None, db, Path(tmp) / f"pool{n}", args.notebooks,
                             params))
        if args.dask:
            from distributed import LocalCluster

            n = max(args.workers)
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster:
                rows.append(_run("dask LocalCluster", n, cluster.scheduler_address, db,
                                 Path(tmp) / "dask", args.notebooks, params))

    names = [p.name for p in notebooks_in(args.notebooks)]
    print(f"demo suite: {len(names)} notebooks ({', '.join(names)}) x {programmes} programmes; "
          f"{os.cpu_count()} CPUs; parameters {params or 'as in the notebooks'}")
    print(f"{'mode':<18} {'workers':>7} {'reports':>7} {'failed':>6} {'wall s':>7} "
          f"{'s/report':>8} {'load':>10}")
    for r in rows:
        print(f"{r['mode']:<18} {r['workers']:>7} {r['reports']:>7} {r['failed']:>6} "
              f"{r['wall_s']:>7.1f} {r['per_report_s']:>8.2f} "
              f"{r['load_before']:>4.1f}->{r['load_after']:<4.1f}")
    best = min(r["wall_s"] for r in rows)
    print(f"fastest: {best:.1f} s (goal: under {GOAL_S:.0f} s: "
          f"{'met' if best < GOAL_S else 'not met'})")
    for r in rows:
        for f in r["failures"]:
            print(f"  failed in {r['mode']}: {f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "reports_bench", "notebooks": names, "programmes": programmes,
        "parameters": params, "cpus": os.cpu_count(), "python": platform.python_version(),
        "machine": platform.machine(), "goal_s": GOAL_S, "runs": rows,
        "command": "python benchmarks/reports_bench.py " + " ".join(argv or sys.argv[1:]),
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

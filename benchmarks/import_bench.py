"""Benchmark: import 100,000 people from a coordinator's CSV file into a SQLite file.

The file is built from the synthetic demo people (seed 0), repeated with fresh e-mail
addresses and phone numbers until it has ``--rows`` rows, written in the import format
(``;``, UTF-8 with BOM, programme and partner by name, Danish dates). Measured, each on a
fresh database with the demo programmes and partners:

- ``dry run``: read, type, resolve, validate and de-duplicate, write nothing;
- ``import``: the same plus the write (one transaction, audited);
- ``re-import``: the same file again (every row found already present, nothing written);
- each with its wall-clock time and the CPU time of the process (``time.process_time``),
  which a busy shared machine disturbs less;
- peak memory two ways: the process's resident set size (psutil, sampled every 10 ms during
  the import, minus the RSS before it: the import's own growth) and, in a separate run of the
  import, the peak of Python allocations traced by ``tracemalloc`` (which includes
  numpy/pandas buffers, but slows the run, so its time is not reported).

Run: ``.venv/bin/python benchmarks/import_bench.py [--rows 100000]``. Prints a table and
writes ``benchmarks/results/import_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import psutil

from mentorkit.imports import export_table, import_file
from mentorkit.store import Store
from mentorkit.synth import generate

RESULTS = Path(__file__).parent / "results" / "import_bench.json"


def people_file(folder: Path, rows: int) -> tuple[Path, object]:
    """A coordinator's people file of ``rows`` rows, and the dataset it came from."""
    ds = generate(seed=0, scale=1.0)
    people = ds.person.sample(rows, replace=True, random_state=0).reset_index(drop=True)
    people["email"] = [f"person{i}@example.org" for i in range(rows)]
    people["phone"] = [f"+45 {20000000 + i}" for i in range(rows)]
    names = ds.programme.set_index("id")["name"]
    partners = ds.partner.set_index("id")["name"]
    view = pd.DataFrame({"programme": people["programme_id"].map(names)})
    for column in people.columns:
        if column in ("id", "programme_id", "created_at", "updated_at", "version", "erased_at"):
            continue
        view[column] = people[column].map(partners) if column == "referred_by" else people[column]
    for column in ("registered_on", "background_check_date"):  # Danish dates, dd-mm-yyyy
        view[column] = people[column].dt.strftime("%d-%m-%Y")
    path = folder / "people.csv"
    export_table(view, path, table="people")
    return path, ds


def fresh_store(folder: Path, name: str, ds: object) -> Store:
    store = Store.open(str(folder / name), actor="bench")
    with store.transaction("bench"):
        store.programmes.add_many(ds.programme, validate=False)  # type: ignore[attr-defined]
        store.partners.add_many(ds.partner, validate=False)  # type: ignore[attr-defined]
    return store


class RssPeak:
    """Samples the process's resident set size in a thread; ``peak`` in bytes."""

    def __init__(self, interval: float = 0.01) -> None:
        self.process = psutil.Process()
        self.interval = interval
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """``fn``'s result, wall-clock seconds and this process's CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, ds = people_file(folder, args.rows)
        size_mb = path.stat().st_size / 1e6

        store = fresh_store(folder, "dry.db", ds)
        dry, t_dry, c_dry = timed(import_file, store, path, "people", dry_run=True)
        store.close()

        store = fresh_store(folder, "import.db", ds)
        with RssPeak() as rss:
            report, t_import, c_import = timed(import_file, store, path, "people")
        again, t_again, c_again = timed(import_file, store, path, "people")
        stored = store.counts()["person"]
        audit = store.counts()["audit"]
        store.close()

        store = fresh_store(folder, "traced.db", ds)
        tracemalloc.start()
        import_file(store, path, "people")
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()

    assert report.inserted == args.rows == stored and again.already_present == args.rows
    assert dry.inserted == args.rows
    results = {
        "rows": args.rows,
        "file_mb": round(size_mb, 1),
        "dry_run_s": round(t_dry, 2),
        "dry_run_cpu_s": round(c_dry, 2),
        "dry_run_rows_per_s": round(args.rows / t_dry),
        "import_s": round(t_import, 2),
        "import_cpu_s": round(c_import, 2),
        "import_rows_per_cpu_s": round(args.rows / c_import),
        "import_rows_per_s": round(args.rows / t_import),
        "reimport_noop_s": round(t_again, 2),
        "reimport_noop_cpu_s": round(c_again, 2),
        "reimport_rows_per_s": round(args.rows / t_again),
        "peak_rss_growth_mb": round((rss.peak - rss.start) / 1e6, 1),
        "peak_rss_mb": round(rss.peak / 1e6, 1),
        "peak_tracemalloc_mb": round(traced_peak / 1e6, 1),
        "audit_rows": audit,
        "machine": {
            "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
            "python": platform.python_version(), "pandas": pd.__version__,
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
        },
        "notes": ("*_s: wall-clock seconds; *_cpu_s: CPU seconds of this process (steadier on "
                  "a shared machine). peak_rss: resident set size sampled every 10 ms by psutil "
                  "during the import "
                  "(growth = peak minus RSS before the import); peak_tracemalloc: Python "
                  "allocations (numpy/pandas buffers included) in a separate traced run of the "
                  "import. Times are one run each on a shared, noisy machine."),
    }
    rows = [
        ("file", f"{args.rows:,} people, {size_mb:.1f} MB CSV", ""),
        ("dry run (check only)", f"{t_dry:.1f} s ({c_dry:.1f} s CPU)",
         f"{args.rows / t_dry:,.0f} rows/s"),
        ("import (check + write)", f"{t_import:.1f} s ({c_import:.1f} s CPU)",
         f"{args.rows / t_import:,.0f} rows/s ({args.rows / c_import:,.0f}/CPU s)"),
        ("re-import (no-op)", f"{t_again:.1f} s ({c_again:.1f} s CPU)",
         f"{args.rows / t_again:,.0f} rows/s"),
        ("peak RSS during import (psutil)", f"{rss.peak / 1e6:,.0f} MB",
         f"+{(rss.peak - rss.start) / 1e6:,.0f} MB over start"),
        ("peak traced allocations (tracemalloc)", f"{traced_peak / 1e6:,.0f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>28}  {'rate':>32}")
    print("-" * (width + 64))
    for name, value, rate in rows:
        print(f"{name:<{width}}  {value:>28}  {rate:>32}")
    print(f"(machine: {os.cpu_count()} CPUs, load average before {load_before[0]:.1f})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

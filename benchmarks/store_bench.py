"""Store throughput on SQLite and PostgreSQL, in one run, on the same data.

For each back end: bulk insert of N synthetic people through ``Store.add_many`` (validated,
audited, one transaction), import of the same people from a CSV file through
``mentorkit.imports.import_file``, a full-table read, filtered reads by programme, single-row
``get`` and audited ``update``. Prints a table with the PostgreSQL/SQLite ratio and writes
``benchmarks/results/store_bench.json``.

The full read is timed for two readers taking turns in the same process on the same
database: ``Store.table`` (column-wise) and the row-wise reader it replaced (SQLAlchemy rows
into a DataFrame, then ``conform``, kept here as :func:`rowwise_table`), so their ratio
holds under whatever else the machine is doing; both return the same DataFrame (checked).
Garbage collection is included: see :func:`alternating`.

    .venv/bin/python benchmarks/store_bench.py --people 20000

PostgreSQL runs in a temporary cluster on 127.0.0.1 (Debian's postgresql package), with
``fsync=on`` like SQLite's ``synchronous=FULL``: both pay for durable commits.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

from mentorkit.model.dataset import to_csv_frame  # noqa: E402
from mentorkit.model.frames import conform  # noqa: E402
from mentorkit.store import Store  # noqa: E402
from mentorkit.store.schema import metadata  # noqa: E402
from mentorkit.synth import generate  # noqa: E402


def people_frame(n: int):  # type: ignore[no-untyped-def]
    """``n`` synthetic people, ids dropped (the store assigns them)."""
    ds = generate(seed=1, scale=max(n / 1066, 0.01))
    people = ds.person.head(n).drop(columns=["id", "referred_by", "created_at", "updated_at",
                                             "erased_at", "version"])
    return ds, people


def timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return time.perf_counter() - start


def rowwise_table(store: Store, name: str) -> pd.DataFrame:
    """``store.table(name)`` as it was read before the column-wise reader: SQLAlchemy rows
    (each JSON and SQLite date value converted by its type), a DataFrame, then ``conform``."""
    table = metadata.tables[name]
    with store.reading() as conn:
        result = conn.execute(store.scoped(sa.select(table).order_by(table.c.id), table))
        df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return conform(name, df)


def alternating(fns: dict[str, object], rounds: int, block: int = 3) -> dict[str, float]:
    """Seconds per call of each function: the functions take turns, ``rounds`` times, each
    time ``block`` calls in a row after a full garbage collection, so that a block pays for
    the collections its own garbage causes (timing single calls in turn lets one reader
    trigger the collections the other's garbage made due); median over the rounds."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for key, fn in fns.items():
            gc.collect()
            times[key].append(timed(fn, repeat=block) / block)  # type: ignore[arg-type]
    return {k: statistics.median(v) for k, v in times.items()}


def run_backend(url: str, import_url: str, ds, people, csv_path: Path,  # type: ignore[no-untyped-def]
                ops: int, reads: int) -> dict[str, float]:
    """Throughput of each operation on one back end (two empty databases)."""
    from mentorkit.imports import import_file

    store = Store.open(url, actor="bench")
    store.programmes.add_many(ds.programme.drop(columns=["created_at", "updated_at"]))
    n = len(people)
    out: dict[str, float] = {}
    t = timed(lambda: store.people.add_many(people))
    out["add_many rows/s"] = n / t
    fresh = Store.open(import_url, actor="bench")
    fresh.programmes.add_many(ds.programme.drop(columns=["created_at", "updated_at"]))
    t = timed(lambda: import_file(fresh, csv_path, "people"))
    out["import CSV rows/s"] = n / t
    fresh.close()
    pd.testing.assert_frame_equal(store.table("person"), rowwise_table(store, "person"))
    t = alternating({"new": lambda: store.table("person"),
                     "old": lambda: rowwise_table(store, "person")}, rounds=reads)
    out["full read rows/s"] = n / t["new"]
    out["full read, row-wise rows/s"] = n / t["old"]
    t = timed(lambda: [store.table("person", programme_id=p) for p in range(1, 6)], repeat=3)
    out["filtered read queries/s"] = 15 / t
    ids = store.table("person")["id"].tolist()
    picks = ids[:: max(1, len(ids) // ops)][:ops]
    t = timed(lambda: [store.people.get(i) for i in picks])
    out["get ops/s"] = len(picks) / t
    t = timed(lambda: [store.people.update(i, notes=f"bench {k}") for k, i in enumerate(picks)])
    out["update ops/s"] = len(picks) / t
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--ops", type=int, default=500, help="gets and updates per back end")
    parser.add_argument("--reads", type=int, default=5,
                        help="rounds of 3 full reads per reader (the readers take turns)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                        "store_bench.json")
    args = parser.parse_args()
    ds, people = people_frame(args.people)
    work = Path(tempfile.mkdtemp(prefix="store-bench-"))
    csv_path = work / "people.csv"
    names = ds.programme.set_index("id")["name"]
    export = to_csv_frame("person", people.assign(programme=people["programme_id"].map(names))
                          .drop(columns=["programme_id"]))
    export.to_csv(csv_path, index=False)
    server = PostgresServer().start()
    try:
        results = {
            "sqlite": run_backend(f"sqlite:///{work}/a.db", f"sqlite:///{work}/b.db", ds,
                                  people, csv_path, args.ops, args.reads),
            "postgresql": run_backend(server.new_database(), server.new_database(), ds, people,
                                      csv_path, args.ops, args.reads),
        }
    finally:
        server.stop()
    load = os.getloadavg()
    print(f"\nStore throughput, {len(people):,} people, {args.ops} gets/updates, "
          f"{args.reads}x3 full reads per reader ({platform.node()}, "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end)\n")
    print(f"{'operation':<28}{'SQLite':>14}{'PostgreSQL':>14}{'PG / SQLite':>14}")
    for op in results["sqlite"]:
        a, b = results["sqlite"][op], results["postgresql"][op]
        print(f"{op:<28}{a:>14,.0f}{b:>14,.0f}{b / a:>14.2f}")
    speedup = {k: v["full read rows/s"] / v["full read, row-wise rows/s"]
               for k, v in results.items()}
    print(f"\nfull read, column-wise / row-wise: SQLite {speedup['sqlite']:.2f}x, "
          f"PostgreSQL {speedup['postgresql']:.2f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"people": len(people), "ops": args.ops, "reads": args.reads,
                                    "cpus": os.cpu_count(), "load_average": load,
                                    "full_read_speedup": speedup,
                                    "results": results}, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()

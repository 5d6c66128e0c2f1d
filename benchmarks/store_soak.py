"""Soak test of the store: N writers and M readers in separate processes for a bounded time.

Writers insert people, save batches of matches (one transaction each) and update a shared
set of people with compare-and-set (``expected_version``), counting conflicts; readers read
whole tables and single rows. At the end the database must hold exactly what the writers
say they wrote, every shared person's version must be 1 + the updates that succeeded (no
lost update), the audit must hold one row per write, ``PRAGMA integrity_check`` must pass
(SQLite) and no process may have failed with anything but a conflict. Prints a table and
writes ``benchmarks/results/store_soak.json``.

    .venv/bin/python benchmarks/store_soak.py --writers 4 --readers 4 --seconds 30
    .venv/bin/python benchmarks/store_soak.py --postgres        # a temporary cluster too
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

SHARED = 40
MENTORS = 30
MATCH_BATCH = 10
#: What the intake rules ask of a new person (mentorkit.casework.rules), besides a name.
REGISTERED = {"registered_on": "2026-01-05", "consent_given_at": "2026-01-05 12:00",
              "consent_scope": ["casework"]}


def setup(url: str) -> dict[str, Any]:
    from mentorkit.store import Store

    with Store.open(url, actor="soak") as store:
        programme = store.programmes.add(name="Soak")
        mentors = store.people.add_many([{"programme_id": programme, "role": "mentor",
                                          "first_name": f"M{i}", "capacity": 3, **REGISTERED}
                                         for i in range(MENTORS)])
        shared = store.people.add_many([{"programme_id": programme, "role": "mentee",
                                         "first_name": f"S{i}", **REGISTERED}
                                        for i in range(SHARED)])
        return {"programme": programme, "mentors": mentors, "shared": shared,
                "counts": store.counts()}


def writer(url: str, seed: int, seconds: float, base: dict[str, Any], out: str,
           ready: Any) -> None:
    from mentorkit.errors import ConflictError
    from mentorkit.store import Store

    rng = random.Random(seed)
    log: dict[str, Any] = {"people": 0, "matches": 0, "updates": {}, "conflicts": 0,
                           "errors": [], "ops": 0}
    mine: list[int] = []
    with Store.open(url, actor=f"writer{seed}") as store:
        ready.wait()  # every process has started: the clock starts for all at once
        until = time.time() + seconds
        while time.time() < until:
            op = rng.random()
            try:
                if op < 0.4:
                    mine.append(store.people.add(programme_id=base["programme"],
                                                 role="mentee", first_name=f"W{seed}",
                                                 **REGISTERED))
                    log["people"] += 1
                elif op < 0.6 and mine:
                    rows = [{"programme_id": base["programme"], "mentee_id": rng.choice(mine),
                             "mentor_id": rng.choice(base["mentors"]), "status": "proposed",
                             "score": rng.random()} for _ in range(MATCH_BATCH)]
                    store.matches.add_many(rows)
                    log["matches"] += MATCH_BATCH
                else:
                    pid = rng.choice(base["shared"])
                    version = store.people.get(pid)["version"]
                    store.people.update(pid, expected_version=version,
                                        profession=f"job {rng.randint(0, 10**6)}")
                    log["updates"][str(pid)] = log["updates"].get(str(pid), 0) + 1
                log["ops"] += 1
            except ConflictError:
                log["conflicts"] += 1
                log["ops"] += 1
            except Exception as err:  # noqa: BLE001 - counted and reported
                log["errors"].append(f"{type(err).__name__}: {err}"[:200])
    Path(out).write_text(json.dumps(log))


def reader(url: str, seed: int, seconds: float, base: dict[str, Any], out: str,
           ready: Any) -> None:
    from mentorkit.store import Store

    rng = random.Random(seed)
    log: dict[str, Any] = {"ops": 0, "errors": [], "rows": 0}
    with Store.open(url, actor=f"reader{seed}") as store:
        ready.wait()
        until = time.time() + seconds
        while time.time() < until:
            try:
                if rng.random() < 0.3:
                    log["rows"] += len(store.table("match"))
                else:
                    store.people.get(rng.choice(base["shared"]))
                log["ops"] += 1
            except Exception as err:  # noqa: BLE001 - counted and reported
                log["errors"].append(f"{type(err).__name__}: {err}"[:200])
    Path(out).write_text(json.dumps(log))


def soak(url: str, writers: int, readers: int, seconds: float, folder: Path) -> dict[str, Any]:
    from mentorkit.store import Store

    base = setup(url)
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(writers + readers)
    procs, outs = [], []
    for kind, n, target in (("w", writers, writer), ("r", readers, reader)):
        for i in range(n):
            out = folder / f"{kind}{i}.json"
            outs.append((kind, out))
            procs.append(ctx.Process(target=target,
                                     args=(url, i, seconds, base, str(out), ready)))
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=seconds + 300)
    logs = {"w": [], "r": []}
    for kind, out in outs:
        logs[kind].append(json.loads(out.read_text()) if out.exists() else
                          {"ops": 0, "errors": ["process died"]})
    w, r = logs["w"], logs["r"]
    with Store.open(url) as store:
        counts = store.counts()
        people = store.table("person").set_index("id")
    updates: dict[int, int] = {}
    for log in w:
        for pid, n in log.get("updates", {}).items():
            updates[int(pid)] = updates.get(int(pid), 0) + n
    lost = sum(int(people.loc[pid, "version"]) != 1 + updates.get(pid, 0)
               for pid in base["shared"])
    expected_people = base["counts"]["person"] + sum(x.get("people", 0) for x in w)
    expected_matches = base["counts"]["match"] + sum(x.get("matches", 0) for x in w)
    writes = sum(x.get("people", 0) + x.get("matches", 0) + sum(x.get("updates", {}).values())
                 for x in w)
    expected_audit = base["counts"]["audit"] + writes
    integrity = "n/a"
    if url.startswith("sqlite") or "://" not in url:
        with sqlite3.connect(url.replace("sqlite:///", "")) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "backend": "sqlite" if integrity != "n/a" else "postgresql",
        "writers": writers, "readers": readers, "seconds": seconds,
        "write_ops_per_s": round(sum(x["ops"] for x in w) / seconds, 1),
        "read_ops_per_s": round(sum(x["ops"] for x in r) / seconds, 1),
        "people_written": sum(x.get("people", 0) for x in w),
        "matches_written": sum(x.get("matches", 0) for x in w),
        "updates_succeeded": sum(updates.values()),
        "conflicts": sum(x.get("conflicts", 0) for x in w),
        "errors": [e for x in w + r for e in x["errors"]][:10],
        "people_missing": expected_people - counts["person"],
        "matches_missing": expected_matches - counts["match"],
        "audit_missing": expected_audit - counts["audit"],
        "lost_updates": lost,
        "integrity": integrity,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--postgres", action="store_true", help="also on a temporary cluster")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                        "store_soak.json")
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results.append(soak(str(folder / "soak.db"), args.writers, args.readers, args.seconds,
                            folder))
        if args.postgres:
            from postgres_server import PostgresServer

            server = PostgresServer().start()
            try:
                results.append(soak(server.new_database(), args.writers, args.readers,
                                    args.seconds, folder))
            finally:
                server.stop()
    keys = ["backend", "write_ops_per_s", "read_ops_per_s", "people_written",
            "matches_written", "updates_succeeded", "conflicts", "people_missing",
            "matches_missing", "audit_missing", "lost_updates", "integrity"]
    print(" | ".join(keys))
    for row in results:
        print(" | ".join(str(row[k]) for k in keys) + ("  ERRORS: " + "; ".join(row["errors"])
                                                         if row["errors"] else ""))
    ok = all(r["people_missing"] == r["matches_missing"] == r["audit_missing"] ==
             r["lost_updates"] == 0 and not r["errors"] and r["integrity"] in ("ok", "n/a")
             for r in results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "command": " ".join(["benchmarks/store_soak.py", *sys.argv[1:]]),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "nothing_lost": ok, "results": results}, indent=2) + "\n")
    print(f"nothing lost: {ok}; written to {args.out}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

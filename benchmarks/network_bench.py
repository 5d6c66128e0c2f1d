"""Benchmark: build and summarise programme-shaped graphs, networkx against the igraph path.

Every case (graph kind, size, backend) runs in a subprocess of its own, so its memory is
measured honestly: the peak resident set size (RSS) of that process, which counts
igraph's C allocations as well as Python's (``tracemalloc`` would see only Python's).
The child reads ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after each phase (so the
peak *up to* a phase is known); the parent reads the same figure for the finished child
from ``os.wait4``. Phases:

1. ``generate``: the input tables (``mentorkit.network.generate``), not timed in the goal;
2. ``build``: ``relationship_graph`` (or ``event_graph``) from the DataFrames;
3. ``summary``: ``summary(G)`` (nodes, edges, density, components, degrees, mentor load);
4. ``communities``: Louvain with a seed, and its modularity;
5. ``betweenness``: sampled from ``--k`` sources;
6. ``pagerank``: networkx with the scaled tolerance, or igraph's PRPACK;
7. ``projection``: onto mentees (relationship) or events (event graph), counting shared
   neighbours.

Times are wall-clock seconds, with the process's CPU seconds in brackets: on a shared
machine the CPU time is the steadier figure (the load average is saved with the results).

The goal (issue 6): build + summary + communities of a 10^6-edge graph in under 60 s and
2 GB (peak RSS up to the end of phase 4) on the fast path.

Backends: ``networkx`` (networkx graph, networkx algorithms), ``igraph`` (the builders
return an igraph graph and every function runs igraph's C code), ``hybrid`` (a networkx
graph, the metric functions' default ``backend="auto"``: converted to igraph per call).

Run::

    .venv/bin/python benchmarks/network_bench.py --sizes 1e4,1e5
    .venv/bin/python benchmarks/network_bench.py --sizes 1e6 --append

Results go to ``benchmarks/results/network_bench.json`` (``--append`` merges with the cases
already there, replacing those run again) and a table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "network_bench.json"
PHASES = ("build", "summary", "communities", "betweenness", "pagerank", "projection")
GOAL_SECONDS, GOAL_MB = 60.0, 2048.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # KiB on Linux


def run_case(kind: str, size: int, backend: str, k: int, out: Path,
             skip: tuple[str, ...] = ()) -> None:
    """The child: run the phases, writing what is known after each one to ``out``."""
    import gc

    sys.path.insert(0, str(ROOT))
    from mentorkit import network
    from mentorkit.network.generate import event_tables, programme_tables

    if backend != "networkx":
        import igraph  # noqa: F401  (imported before the clock starts, as networkx is)
    record: dict[str, Any] = {"kind": kind, "size": size, "backend": backend, "k": k,
                              "seconds": {}, "cpu_seconds": {}, "peak_mb_after": {},
                              "status": "running"}

    def save() -> None:
        out.write_text(json.dumps(record, indent=1))

    record["peak_mb_after"]["import"] = _peak_mb()
    t = time.perf_counter()
    tables = programme_tables(size, seed=0) if kind == "relationship" else event_tables(size, 0)
    record["seconds"]["generate"] = time.perf_counter() - t
    record["peak_mb_after"]["generate"] = _peak_mb()
    save()
    build_backend = "igraph" if backend == "igraph" else "networkx"
    metric_backend = {"networkx": "networkx", "igraph": "igraph", "hybrid": "auto"}[backend]

    def phase(name: str, fn: Any) -> Any:
        if name in skip:
            record["skipped"] = record.get("skipped", []) + [name]
            return None
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        value = fn()
        record["seconds"][name] = time.perf_counter() - start
        record["cpu_seconds"][name] = time.process_time() - cpu
        record["peak_mb_after"][name] = _peak_mb()
        save()
        return value

    if kind == "relationship":
        G = phase("build", lambda: network.relationship_graph(
            tables["match"], tables["person"], backend=build_backend))
    else:
        G = phase("build", lambda: network.event_graph(
            tables["attendance"], tables["person"], tables["event"], backend=build_backend))
    tables.clear()   # the graph is all that is needed from here
    S = phase("summary", lambda: network.summary(G))
    record["graph"] = {"nodes": S.nodes, "edges": S.edges, "components": S.components,
                       "largest_component": S.largest_component}
    C = phase("communities", lambda: network.communities(G, seed=0, backend=metric_backend))
    record["communities"] = {"count": len(C), "modularity": C.modularity, "ran_on": C.backend}
    goal = ("build", "summary", "communities")
    record["goal_seconds"] = sum(record["seconds"][p] for p in goal)
    record["goal_cpu_seconds"] = sum(record["cpu_seconds"][p] for p in goal)
    record["goal_peak_mb"] = record["peak_mb_after"]["communities"]
    del C
    b = phase("betweenness", lambda: network.centrality(G, "betweenness", k=k, seed=0,
                                                        backend=metric_backend))
    record["betweenness_top"] = float(b.max()) if b is not None else None
    del b
    pr = phase("pagerank", lambda: network.centrality(G, "pagerank", backend=metric_backend))
    record["pagerank_sum"] = float(pr.sum()) if pr is not None else None
    del pr
    side = "mentee" if kind == "relationship" else "event"
    P = phase("projection", lambda: network.projection(G, side, "count",
                                                       backend=metric_backend))
    record["projection_edges"] = (None if P is None else P.ecount() if hasattr(P, "ecount")
                                  else P.number_of_edges())
    record["status"] = "done"
    save()


def spawn(kind: str, size: int, backend: str, k: int, timeout: float,
          skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run one case in a child process; its peak RSS comes from os.wait4."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "case.json"
        cmd = [sys.executable, __file__, "--case", kind, str(size), backend, "--k", str(k),
               "--case-out", str(out)] + (["--skip", ",".join(skip)] if skip else [])
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT)
        status, usage, timed_out = None, None, False
        while status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = st, ru
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        record = json.loads(out.read_text()) if out.exists() else {
            "kind": kind, "size": size, "backend": backend, "seconds": {}, "peak_mb_after": {}}
    record["wall_seconds"] = time.perf_counter() - start
    record["peak_rss_mb"] = usage.ru_maxrss / 1024.0 if usage else None
    record["memory_measure"] = "peak RSS of the case's own process (os.wait4 ru_maxrss)"
    if timed_out:
        record["status"] = f"timeout after {timeout:.0f} s"
    elif proc.returncode != 0:
        record["status"] = f"failed (exit {proc.returncode})"
    return record


def _fmt_s(rec: dict[str, Any] | None, phase: str) -> str:
    if rec is None:
        return "-"
    if phase in rec.get("seconds", {}):
        return f"{rec['seconds'][phase]:.3g} ({rec['cpu_seconds'][phase]:.3g})"
    if phase in rec.get("skipped", []):
        return "skipped"
    return "> limit" if "timeout" in str(rec.get("status")) else "-"


def table(records: list[dict[str, Any]]) -> str:
    """A Markdown table: per kind and size, wall seconds (CPU seconds) per phase and peak
    memory per backend, with the ratio networkx / igraph of the CPU times (of MB for memory)."""
    key = {(r["kind"], r["size"], r["backend"]): r for r in records}
    rows = ["| graph | edges | figure | networkx | hybrid | igraph | networkx / igraph (CPU) |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
    for kind, size in sorted({(r["kind"], r["size"]) for r in records}):
        nxr, hyb, igr = (key.get((kind, size, b)) for b in ("networkx", "hybrid", "igraph"))
        figures = [(p, p + " (s)") for p in PHASES] + [("goal", "build+summary+communities (s)"),
                                                       ("rss", "peak RSS (MB)")]
        for phase, label in figures:
            cells = []
            for rec in (nxr, hyb, igr):
                if rec is None:
                    cells.append("-")
                elif phase == "goal":
                    cells.append(f"{rec['goal_seconds']:.3g} ({rec['goal_cpu_seconds']:.3g})"
                                 if "goal_seconds" in rec else _fmt_s(rec, "communities"))
                elif phase == "rss":
                    cells.append(f"{rec['peak_rss_mb']:.0f}" if rec.get("peak_rss_mb") else "-")
                else:
                    cells.append(_fmt_s(rec, phase))
            try:   # of CPU seconds (memory: of MB), steadier than wall time under load
                pick = (lambda c: float(c)) if phase == "rss" else (
                    lambda c: float(c.split("(")[1].rstrip(")")))
                ratio = f"{pick(cells[0]) / pick(cells[2]):.1f}x"
            except (ValueError, IndexError, ZeroDivisionError):
                ratio = "-"
            rows.append(f"| {kind} | {size:,} | {label} | {' | '.join(cells)} | {ratio} |")
    return "\n".join(rows)


def goal_lines(records: list[dict[str, Any]]) -> list[str]:
    lines = []
    for r in records:
        if r["backend"] == "igraph" and r["size"] >= 1_000_000 and "goal_seconds" in r:
            ok = r["goal_seconds"] < GOAL_SECONDS and r["goal_peak_mb"] < GOAL_MB
            lines.append(f"goal ({r['kind']}, {r['size']:,} edges, igraph path): build+summary+"
                         f"communities {r['goal_seconds']:.1f} s (< {GOAL_SECONDS:.0f}), peak RSS "
                         f"up to then {r['goal_peak_mb']:.0f} MB (< {GOAL_MB:.0f}): "
                         f"{'MET' if ok else 'NOT MET'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1e4,1e5", help="edge counts, e.g. 1e4,1e5,1e6")
    ap.add_argument("--kinds", default="relationship", help="relationship,event")
    ap.add_argument("--backends", default="networkx,hybrid,igraph")
    ap.add_argument("--k", type=int, default=32, help="sampled sources for betweenness")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per case")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--append", action="store_true", help="merge with results already saved")
    ap.add_argument("--skip", default="", help="phases to leave out, e.g. projection")
    ap.add_argument("--case", nargs=3, metavar=("KIND", "SIZE", "BACKEND"), help=argparse.SUPPRESS)
    ap.add_argument("--case-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case:
        run_case(args.case[0], int(args.case[1]), args.case[2], args.k, args.case_out,
                 tuple(p for p in args.skip.split(",") if p))
        return 0
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    records: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    for kind in args.kinds.split(","):
        for size in sizes:
            for backend in args.backends.split(","):
                rec = spawn(kind, size, backend, args.k, args.timeout,
                            tuple(p for p in args.skip.split(",") if p))
                print(f"{kind:12} {size:>9,} {backend:8} {rec.get('status')}: "
                      f"goal {rec.get('goal_seconds', float('nan')):.2f} s, "
                      f"wall {rec['wall_seconds']:.1f} s, peak {rec['peak_rss_mb'] or 0:.0f} MB",
                      flush=True)
                records.append(rec)
    if args.append and args.out.exists():
        old = json.loads(args.out.read_text())["cases"]
        fresh = {(r["kind"], r["size"], r["backend"]) for r in records}
        records = [r for r in old if (r["kind"], r["size"], r["backend"]) not in fresh] + records
    records.sort(key=lambda r: (r["kind"], r["size"], r["backend"]))
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "load_average_before": load_before,
            "load_average_after": os.getloadavg(), "k": args.k,
            "memory": "peak RSS per case process (os.wait4 ru_maxrss; includes C allocations)"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "cases": records}, indent=1) + "\n")
    print()
    print(table(records))
    print()
    print("\n".join(goal_lines(records)) or "(no 10^6-edge igraph case in these results)")
    print(f"load average before/after: {load_before} / {os.getloadavg()} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

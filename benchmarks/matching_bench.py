"""Benchmark of mentorkit.matching against the peers, on the same score matrices.

For n mentees (default 100, 1,000, 3,000 and 10,000) with n/2 mentors of capacity 2 and the
demo data's attributes (``mentorkit.synth.pool.synthetic_pool``: one programme, so the
hard rules that remain are gender preferences; about a quarter of all pairs are blocked),
it measures, each in a forked child process (time, and peak resident memory of the child):

- ours: ``score`` + ``solve`` (optimal, min-cost flow with pricing) + the proposal table
  with reasons (what ``assign`` returns); the same with the dense ``lsa`` solver; with
  binding gender quotas; stable and greedy for reference;
- the peers, on the same integer score matrix (their time includes building their input
  from it): scipy ``linear_sum_assignment`` and ``lapx``'s ``lapjv`` on the matrix with one
  column per mentor place, OR-Tools ``SimpleMinCostFlow`` on every allowed pair,
  networkx ``max_weight_matching`` (small n), ``munkres`` (small n) and the PyPI
  ``matching`` package's hospital–resident solver (stable, not an optimum).

It checks that every exact method reaches the same objective, prints a table with the
ratios to ours, and writes ``benchmarks/results/matching_bench.json``. It also times
``suggest`` for one mentee among 5,000 mentors.

``mentor-match`` installs under the same import name as ``matching`` and is left out.

Run: ``.venv/bin/python benchmarks/matching_bench.py --sizes 100 1000 3000 10000``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import platform
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mentorkit.matching import prepare, score, solve, suggest  # noqa: E402
from mentorkit.matching.quotas import Quota  # noqa: E402
from mentorkit.matching.scoring import to_int  # noqa: E402
from mentorkit.synth.pool import synthetic_pool  # noqa: E402

#: Largest n each slow peer is run at (it is skipped above; the table says so).
LIMITS = {"networkx max_weight_matching": 200, "munkres": 300,
          "matching (hospital-resident)": 1000, "OR-Tools min-cost flow, all pairs": 3000}
EXACT = {"ours: optimal (flow + pricing)", "ours: optimal (lsa solver)",
         "scipy linear_sum_assignment", "lapx lapjv", "OR-Tools min-cost flow, all pairs",
         "networkx max_weight_matching", "munkres"}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def in_child(fn: Callable[[], dict[str, Any]], timeout: float) -> dict[str, Any]:
    """Run ``fn`` in a forked child; its result plus seconds and the child's peak RSS."""
    base = rss_mb()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            out = fn()
        except BaseException as err:  # report, never hang the parent
            out = {"error": f"{type(err).__name__}: {err}"}
        with os.fdopen(write, "wb") as f:
            pickle.dump(out, f)
        os._exit(0)
    os.close(write)
    started = time.perf_counter()
    with os.fdopen(read, "rb") as f:
        data = f.read()
    _, status, usage = os.wait4(pid, 0)
    out = pickle.loads(data) if data else {"error": f"child died (status {status})"}
    out["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 3)
    out["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    out["extra_mb"] = round(usage.ru_maxrss / 1024 - base, 1)
    if time.perf_counter() - started > timeout:
        out.setdefault("note", "over the time budget")
    return out


def timed(fn: Callable[[], tuple[int, int]]) -> dict[str, Any]:
    started = time.perf_counter()
    objective, matched = fn()
    return {"seconds": time.perf_counter() - started, "objective": int(objective),
            "matched": int(matched)}


def slots(W: np.ndarray, F: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Matrix with one column per mentor place (blocked pairs weigh 0) and its mentor."""
    slot_col = np.repeat(np.arange(W.shape[1]), cap)
    return np.where(F, W, 0)[:, slot_col].astype(np.float64), slot_col


def objective_of(W: np.ndarray, F: np.ndarray, rows: np.ndarray, cols: np.ndarray
                 ) -> tuple[int, int]:
    ok = F[rows, cols]
    return int(W[rows[ok], cols[ok]].sum()), int(ok.sum())


# --- ours --------------------------------------------------------------------------------

def ours(mentees: Any, mentors: Any, **kw: Any) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    s = score(mentees, mentors)
    t1, c1 = time.perf_counter(), time.process_time()
    r = solve(s, mentees=mentees, **kw)
    t2, c2 = time.perf_counter(), time.process_time()
    r.to_frame(reasons=True)
    t3, c3 = time.perf_counter(), time.process_time()
    return {"seconds": t3 - t0, "objective": r.value, "matched": r.n_matched,
            "breakdown": {"score": round(t1 - t0, 3), "solve": round(t2 - t1, 3),
                          "table_with_reasons": round(t3 - t2, 3)},
            "breakdown_cpu": {"score": round(c1 - c0, 3), "solve": round(c2 - c1, 3),
                              "table_with_reasons": round(c3 - c2, 3)},
            "stats": {k: v for k, v in r.stats.items() if k != "certificate"}}


# --- peers -------------------------------------------------------------------------------

def peer_scipy(W: np.ndarray, F: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    from scipy.optimize import linear_sum_assignment

    matrix, slot_col = slots(W, F, cap)
    r, c = linear_sum_assignment(matrix, maximize=True)
    return objective_of(W, F, r, slot_col[c])


def peer_lapjv(W: np.ndarray, F: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    import lap

    matrix, slot_col = slots(W, F, cap)
    np.negative(matrix, out=matrix)
    _, x, _ = lap.lapjv(matrix, extend_cost=True)
    rows = np.flatnonzero(x >= 0)
    return objective_of(W, F, rows, slot_col[x[rows]])


def peer_ortools(W: np.ndarray, F: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    from ortools.graph.python import min_cost_flow

    n, m = W.shape
    r, c = np.nonzero(F)
    src, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, src), r, n + np.arange(m), [src]]).astype(np.int32)
    heads = np.concatenate([np.arange(n), n + c, np.full(m, sink), [sink]]).astype(np.int32)
    caps = np.concatenate([np.ones(n + len(r)), cap, [n]]).astype(np.int64)
    costs = np.concatenate([np.zeros(n), -W[r, c], np.zeros(m + 1)]).astype(np.int64)
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    f.set_nodes_supplies(np.array([src, sink], dtype=np.int32), np.array([n, -n], np.int64))
    assert f.solve() == f.OPTIMAL
    flows = f.flows(np.arange(n, n + len(r), dtype=np.int32))
    return objective_of(W, F, r[flows > 0], c[flows > 0])


def peer_networkx(W: np.ndarray, F: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    import networkx as nx

    g = nx.Graph()
    for j in range(W.shape[1]):
        rows = np.flatnonzero(F[:, j])
        for k in range(int(cap[j])):
            g.add_weighted_edges_from((("e", int(i)), ("s", j, k), int(W[i, j])) for i in rows)
    m = nx.max_weight_matching(g)
    pairs = [(a, b) if a[0] == "e" else (b, a) for a, b in m]
    return objective_of(W, F, np.array([a[1] for a, _ in pairs], dtype=int),
                        np.array([b[1] for _, b in pairs], dtype=int))


def peer_munkres(W: np.ndarray, F: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    from munkres import Munkres

    matrix, slot_col = slots(W, F, cap)
    top = float(matrix.max())
    cost = (top - matrix).tolist()
    pairs = Munkres().compute(cost)
    r = np.array([p[0] for p in pairs], dtype=int)
    c = np.array([p[1] for p in pairs], dtype=int)
    return objective_of(W, F, r, slot_col[c])


def peer_matching(W: np.ndarray, F: np.ndarray, cap: np.ndarray, total: np.ndarray,
                  wait: np.ndarray) -> tuple[int, int]:
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)  # the package deep-copies long preference chains
    result: dict[str, Any] = {}

    def work() -> None:
        mp = {i: [int(j) for j in np.argsort(-total[i], kind="stable") if F[i, j]]
              for i in range(W.shape[0])}
        hp = {j: [int(i) for i in np.lexsort((wait, -total[:, j])) if F[i, j]]
              for j in range(W.shape[1])}
        game = HospitalResident.create_from_dictionaries(
            mp, hp, {j: int(cap[j]) for j in range(W.shape[1])})
        sol = game.solve(optimal="resident")
        pairs = [(r.name, h.name) for h, rs in sol.items() for r in rs]
        result["pairs"] = pairs

    threading.stack_size(1 << 29)
    t = threading.Thread(target=work)
    t.start()
    t.join()
    pairs = result["pairs"]
    return objective_of(W, F, np.array([p[0] for p in pairs], dtype=int),
                        np.array([p[1] for p in pairs], dtype=int))


# --- one size ----------------------------------------------------------------------------

def bench_size(n: int, seed: int, timeout: float) -> list[dict[str, Any]]:
    mentees, mentors = synthetic_pool(n, seed=seed)
    rows: list[dict[str, Any]] = []

    def record(method: str, out: dict[str, Any]) -> dict[str, Any]:
        out = {"n_mentees": n, "n_mentors": len(mentors), "method": method, **out}
        rows.append(out)
        print(f"  {method:<38} {out.get('seconds', float('nan')):8.2f} s "
              f"{out.get('cpu_seconds', float('nan')):8.2f} cpu-s "
              f"{out['peak_rss_mb']:8.0f} MB  {out.get('objective', out.get('error', ''))}",
              flush=True)
        return out

    main = record("ours: optimal (flow + pricing)", in_child(lambda: ours(mentees, mentors),
                                                            timeout))
    record("ours: optimal (lsa solver)",
           in_child(lambda: ours(mentees, mentors, solver="lsa"), timeout))
    # Binding quotas: the optimum matches (nearly) everyone, so a quota that changes the
    # answer caps a group: at most 2% fewer men than the optimum matches, and at least as
    # many women as it matches.
    s = score(mentees, mentors)
    base = solve(s)
    male = (mentees.set_index("id").loc[s.mentee_ids, "gender"] == "male").to_numpy()
    matched = np.zeros(len(male), dtype=bool)
    matched[base.rows] = True
    men = int((male & matched).sum())
    quotas = [Quota("gender", "male", 0, max(0, men - math.ceil(0.02 * n))),
              Quota("gender", "female", int((~male & matched).sum()))]
    q = record("ours: optimal with quotas", in_child(lambda: ours(mentees, mentors,
                                                                  quotas=quotas), timeout))
    q["quotas"] = [x.label() for x in quotas]
    record("ours: stable", in_child(lambda: ours(mentees, mentors, method="stable"), timeout))
    record("ours: greedy", in_child(lambda: ours(mentees, mentors, method="greedy"), timeout))

    W = to_int(s.total)
    F = s.blocked == 0
    cap = s.remaining.copy()
    total, wait = s.total, s.demand.order
    del base
    peers: list[tuple[str, Callable[[], tuple[int, int]]]] = [
        ("scipy linear_sum_assignment", lambda: peer_scipy(W, F, cap)),
        ("lapx lapjv", lambda: peer_lapjv(W, F, cap)),
        ("OR-Tools min-cost flow, all pairs", lambda: peer_ortools(W, F, cap)),
        ("networkx max_weight_matching", lambda: peer_networkx(W, F, cap)),
        ("munkres", lambda: peer_munkres(W, F, cap)),
        ("matching (hospital-resident)", lambda: peer_matching(W, F, cap, total, wait)),
    ]
    for name, fn in peers:
        if n > LIMITS.get(name, 10**9):
            rows.append({"n_mentees": n, "n_mentors": len(mentors), "method": name,
                         "skipped": f"only run up to n={LIMITS[name]} (too slow)"})
            continue
        record(name, in_child(lambda fn=fn: timed(fn), timeout))
    best = main.get("objective")
    our_solve = main.get("breakdown", {}).get("solve")
    for r in rows:
        if "objective" in r and best:
            r["objective_ratio"] = r["objective"] / best
            # ours: whole pipeline against ours; peers (solver only) against our solve step
            base_time = main["seconds"] if r["method"].startswith("ours") else our_solve
            r["time_ratio_to_ours"] = r["seconds"] / base_time if base_time else None
        if r["method"] in EXACT and "objective" in r:
            r["same_objective_as_ours"] = r["objective"] == best
    return rows


def bench_suggest(seed: int, repeats: int = 30) -> dict[str, Any]:
    mentees, mentors = synthetic_pool(10_000, n_mentors=5_000, seed=seed)
    encoded = prepare(mentors)
    suggest(mentees.iloc[0], encoded)  # warm up
    plain, cached, plain_cpu, cached_cpu = [], [], [], []
    for k in range(repeats):
        row = mentees.iloc[k]
        t, c = time.perf_counter(), time.process_time()
        suggest(row, mentors, k=5)
        plain.append(time.perf_counter() - t)
        plain_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        suggest(row, encoded, k=5)
        cached.append(time.perf_counter() - t)
        cached_cpu.append(time.process_time() - c)

    def ms(x: list[float], q: float = 50) -> float:
        return round(1000 * float(np.percentile(x, q)), 1)

    return {"mentors": 5_000, "repeats": repeats,
            "median_ms_dataframe": ms(plain), "median_cpu_ms_dataframe": ms(plain_cpu),
            "median_ms_prepared": ms(cached), "median_cpu_ms_prepared": ms(cached_cpu),
            "p90_ms_prepared": ms(cached, 90)}


def table(rows: list[dict[str, Any]]) -> str:
    head = (f"{'n':>6} {'method':<38} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'x ours':>7} "
            f"{'objective':>13} {'/ opt':>7} {'same':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        if "skipped" in r:
            lines.append(f"{r['n_mentees']:>6} {r['method']:<38} {'—':>8}   {r['skipped']}")
            continue
        if "error" in r:
            lines.append(f"{r['n_mentees']:>6} {r['method']:<38} error: {r['error'][:60]}")
            continue
        same = {True: "yes", False: "NO"}.get(r.get("same_objective_as_ours"), "")
        lines.append(f"{r['n_mentees']:>6} {r['method']:<38} {r['seconds']:>8.2f} "
                     f"{r['cpu_seconds']:>7.2f} "
                     f"{r['peak_rss_mb']:>8.0f} {r.get('time_ratio_to_ours') or 0:>7.2f} "
                     f"{r['objective']:>13d} {r.get('objective_ratio', 0):>7.4f} {same:>5}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds after which a measurement is flagged")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" /
                                             "matching_bench.json"))
    parser.add_argument("--no-suggest", action="store_true")
    args = parser.parse_args()
    started = time.time()
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        print(f"n = {n}", flush=True)
        rows.extend(bench_size(n, args.seed, args.timeout))
    sugg = None if args.no_suggest else bench_suggest(args.seed)
    print()
    print(table(rows))
    print("seconds: wall clock; cpu s: CPU time of the child process (what the run would take "
          "on an otherwise idle core). x ours (wall): ours against our full pipeline (score + "
          "solve + table); peers (solver only, on our score matrix) against our solve step.")
    for r in rows:
        if r.get("method") == "ours: optimal (flow + pricing)" and "breakdown" in r:
            print(f"  n={r['n_mentees']}: ours wall {r['breakdown']}, cpu {r['breakdown_cpu']}, "
                  f"{r.get('stats')}")
    exact_ok = all(r.get("same_objective_as_ours", True) for r in rows)
    print(f"\nevery exact method reached the same objective: {'yes' if exact_ok else 'NO'}")
    if sugg:
        print(f"suggest, one mentee among 5,000 mentors: median {sugg['median_ms_prepared']} ms "
              f"wall / {sugg['median_cpu_ms_prepared']} ms CPU (mentors prepared), "
              f"{sugg['median_ms_dataframe']} ms wall / {sugg['median_cpu_ms_dataframe']} ms CPU "
              "(from the DataFrame)")
    import lap
    import munkres
    import networkx
    import ortools
    import scipy

    result = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "wall_seconds": round(time.time() - started, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                     "ortools": ortools.__version__, "networkx": networkx.__version__,
                     "lapx": getattr(lap, "__version__", "?"),
                     "munkres": getattr(munkres, "__version__", "?")},
        "exact_methods_agree": exact_ok,
        "rows": rows,
        "suggest": sugg,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()

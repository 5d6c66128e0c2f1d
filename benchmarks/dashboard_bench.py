"""Time from opening each dashboard's address to its first interactive widget.

For the demo database and a ~5,000-person one, with pre-heated kernels (the shipped
configuration) and without (every page starts its own kernel), each app is opened
``--repeat`` times in headless Chromium (Debian's /usr/bin/chromium) and timed from
``page.goto`` to the app's root widget being visible (``.mk-ready``: every control of the app
is there and live). The browser's cache is warm (one page is opened first, not counted), as
for a coordinator who uses the apps every day, and between two openings the machine is left
to settle (the pool refills its kernel), as between two clicks of a person.

The match finder's slider: time from moving a weight slider to the new ranking on the page.

    .venv/bin/python benchmarks/dashboard_bench.py [--repeat 5] [--people 5000]

Prints a table and writes benchmarks/results/dashboard_bench.json and .md.

``--kernels``: kernels and resident memory after ``--views`` (100) page views, with the shipped
configuration and with the one before the fix (``--no-kernel-fix`` runs only that one): the
six apps in turn, one page open at a time, each closed as a coordinator closes a tab (its
shutdown beacon), every ``--crash-every``-th (10th) as a crashed tab (no beacon; the cull's
work). Counted at the start (the pool), 10 s after the last page, and after ``--wait``
seconds (the cull time, its interval and 30 s). Writes benchmarks/results/
dashboard_bench_kernels.json and .md (a run of one configuration keeps the other's results).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = os.environ.get("MENTORKIT_CHROMIUM", "/usr/bin/chromium")
APPS = ("home", "intake", "match_finder", "caseload", "events", "overview")
TODAY = "2026-11-23"


def make_db(path: Path, people: int | None) -> int:
    """Write the demo database (``people=None``) or one scaled to about ``people`` persons."""
    from mentorkit.store import Store
    from mentorkit.synth import generate

    scale = 1.0
    if people:
        base = len(generate(seed=0, scale=1.0).person)
        scale = people / base
    ds = generate(seed=0, scale=scale)
    store = Store.open(str(path), actor="bench")
    store.load(ds)
    store.close()
    return len(ds.person)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settle(pid: int, quiet: float = 15.0, limit: float = 180.0) -> None:
    """Wait until Voilà and its kernels together use under ``quiet`` % CPU for a second."""
    deadline = time.monotonic() + limit
    parent = psutil.Process(pid)
    while time.monotonic() < deadline:
        procs = [parent, *parent.children(recursive=True)]
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(1.0)
        total = 0.0
        for p in procs:
            try:
                total += p.cpu_percent(None)
            except psutil.Error:
                pass
        if total < quiet:
            return


FLOOR = {"cells": [
    {"cell_type": "code", "execution_count": None, "id": "p", "metadata": {"tags": ["parameters"]},
     "outputs": [], "source": "programme = ''\nlang = ''"},
    {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [],
     "source": ("import ipywidgets as w\nb = w.Button(description='ok')\n"
                "b.add_class('mk-ready')\nb")}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}, "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5}


class Server:
    def __init__(self, db: Path, preheat: bool, work: Path, folder: str = "dashboards",
                 extra_args: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "MENTORKIT_DB": str(db), "MENTORKIT_TODAY": TODAY,
               "MENTORKIT_UI_PREFS": str(work / f"prefs-{self.port}.json"),
               "MENTORKIT_VOILA_PREHEAT": "1" if preheat else "0"}
        self.log = open(work / f"voila-{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "voila"), folder, f"--port={self.port}",
             "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--no-browser", *extra_args],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        settle(self.proc.pid)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def open_app(context: Any, server: Server, app: str, programme: str) -> float:
    page = context.new_page()
    url = f"{server.url}voila/render/{app}.ipynb?programme={programme}&lang=da"
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=180_000)
    page.wait_for_selector(".mk-ready, .mk-fatal", state="visible", timeout=180_000)
    elapsed = time.perf_counter() - t0
    if page.locator(".mk-fatal").count():
        raise RuntimeError(f"{app} did not start: see {server.log.name}")
    page.close()
    return elapsed


def slider_refresh(context: Any, server: Server, programme: str, repeat: int) -> list[float]:
    """Seconds from a weight slider's move to the re-ranked suggestions on the page."""
    page = context.new_page()
    page.goto(f"{server.url}voila/render/match_finder.ipynb?programme={programme}&lang=en",
              wait_until="commit", timeout=180_000)
    page.wait_for_selector(".mk-ready", timeout=180_000)
    if page.locator(".mk-suggestions").count() == 0:
        page.close()
        return []
    page.locator(".mk-suggestions table").wait_for(timeout=60_000)
    times = []
    for i in range(repeat):
        before = page.inner_text(".mk-suggestions")
        handle = page.locator(".mk-weight-sector .noUi-handle")
        handle.focus()
        t0 = time.perf_counter()
        handle.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
        page.wait_for_function(
            "prev => document.querySelector('.mk-suggestions').innerText !== prev", arg=before,
            timeout=30_000)
        times.append(time.perf_counter() - t0)
        page.wait_for_timeout(300)
    page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--apps", default=",".join(APPS))
    parser.add_argument("--programme", default="Groningen")
    parser.add_argument("--out", default=str(RESULTS / "dashboard_bench.json"))
    parser.add_argument("--floor", action="store_true",
                        help="only time a one-button notebook under the same settings: what "
                             "Voilà and the browser take whatever the app")
    parser.add_argument("--kernels", action="store_true",
                        help="kernels and resident memory after --views page views, with the "
                             "kernel fix and without it")
    parser.add_argument("--no-kernel-fix", action="store_true",
                        help="with --kernels: only the configuration before the fix")
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--crash-every", type=int, default=10,
                        help="every n-th page closes without its beacon (0: none)")
    parser.add_argument("--wait", type=float, default=None,
                        help="seconds after the last page before the last count (default: "
                             "the cull time + its interval + 30)")
    args = parser.parse_args()
    if args.floor:
        floor(args)
        return
    if args.kernels or args.no_kernel_fix:
        kernel_views(args)
        return
    apps = [a for a in args.apps.split(",") if a]
    from playwright.sync_api import sync_playwright

    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "platform": platform.platform()}
    results: dict[str, Any] = {"machine": machine, "repeat": args.repeat, "runs": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        work = Path(tmp)
        dbs = {"demo": work / "demo.db", f"{args.people} people": work / "big.db"}
        sizes = {"demo": make_db(dbs["demo"], None),
                 f"{args.people} people": make_db(dbs[f"{args.people} people"], args.people)}
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu"])
        for label, db in dbs.items():
            for preheat in (False, True):
                server = Server(db, preheat, work)
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    open_app(context, server, "home", args.programme)  # warm the browser cache
                    settle(server.proc.pid)
                    for app in apps:
                        times = []
                        for _ in range(args.repeat):
                            times.append(open_app(context, server, app, args.programme))
                            settle(server.proc.pid)
                        run = {"db": label, "people": sizes[label], "preheat": preheat,
                               "app": app, "seconds": times,
                               "median": statistics.median(times),
                               "load_average": os.getloadavg()[0]}
                        results["runs"].append(run)
                        print(f"{label:>12} {'pre-heated' if preheat else 'cold':>10} {app:>13}"
                              f"  median {run['median']:.2f} s  "
                              f"(min {min(times):.2f}, max {max(times):.2f})", flush=True)
                    if "match_finder" in apps:
                        slider = slider_refresh(context, server, args.programme, args.repeat * 2)
                        if slider:
                            results["runs"].append({"db": label, "people": sizes[label],
                                                    "preheat": preheat, "app": "slider",
                                                    "seconds": slider,
                                                    "median": statistics.median(slider)})
                            print(f"{label:>12} {'pre-heated' if preheat else 'cold':>10} "
                                  f"{'slider':>13}  median {statistics.median(slider):.3f} s",
                                  flush=True)
                    context.close()
                finally:
                    server.stop()
        browser.close()
    write(results, Path(args.out))


def floor(args: argparse.Namespace) -> None:
    """Time a one-button notebook, cold and pre-heated: the floor under every app's time."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        work = Path(tmp)
        (work / "nb").mkdir()
        (work / "nb" / "floor.ipynb").write_text(json.dumps(FLOOR), encoding="utf-8")
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu"])
        for preheat in (False, True):
            server = Server(work / "unused.db", preheat, work, folder=str(work / "nb"))
            try:
                context = browser.new_context()
                open_app(context, server, "floor", "x")
                settle(server.proc.pid)
                times = []
                for _ in range(args.repeat):
                    times.append(open_app(context, server, "floor", "x"))
                    settle(server.proc.pid)
                key = "pre-heated" if preheat else "cold"
                out[key] = {"seconds": times, "median": statistics.median(times),
                            "load_average": os.getloadavg()[0]}
                print(f"one-button notebook {key:>10}  median {out[key]['median']:.2f} s "
                      f"(load average {out[key]['load_average']:.1f})", flush=True)
                context.close()
            finally:
                server.stop()
        browser.close()
    path = RESULTS / "dashboard_bench_floor.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1), encoding="utf-8")


# The configuration before the fix, put back on the command line (which wins over voila.py):
# jupyter_server's identity provider (no _xsrf cookie on the pages: every shutdown beacon is
# refused) and the old cull (30 minutes, checked every 5).
BEFORE_FIX = ("--Voila.identity_provider_class="
              "jupyter_server.auth.identity.PasswordIdentityProvider",
              "--MappingKernelManager.cull_idle_timeout=1800",
              "--MappingKernelManager.cull_interval=300")


def kernel_processes(pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def memory_now(server: Server) -> dict[str, float]:
    """Kernels, their resident memory and the server's (MB)."""
    rss = 0
    procs = kernel_processes(server.proc.pid)
    for k in procs:
        try:
            rss += k.memory_info().rss
        except psutil.Error:
            pass
    return {"kernels": len(procs), "kernels_mb": round(rss / 2**20, 1),
            "server_mb": round(psutil.Process(server.proc.pid).memory_info().rss / 2**20, 1)}


def kernel_views(args: argparse.Namespace) -> None:
    """``--views`` page views, then kernels and memory, per configuration."""
    from playwright.sync_api import sync_playwright

    from mentorkit.ui.serve import cull_seconds

    cull = cull_seconds()
    wait = args.wait if args.wait is not None else cull + max(1, min(60, cull // 5)) + 30
    out = RESULTS / "dashboard_bench_kernels.json"
    results: dict[str, Any] = (json.loads(out.read_text(encoding="utf-8")) if out.exists()
                               else {"runs": {}})
    configs = {"before the fix": BEFORE_FIX} if args.no_kernel_fix else {
        "with the fix": (), "before the fix": BEFORE_FIX}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        work = Path(tmp)
        make_db(work / "demo.db", None)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        for label, extra in configs.items():
            server = Server(work / "demo.db", True, work, extra_args=extra)
            try:
                wait_for_pools(server, len(APPS))
                settle(server.proc.pid)
                run: dict[str, Any] = {"views": args.views, "crash_every": args.crash_every,
                                       "wait_s": wait, "start": memory_now(server)}
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                t0 = time.monotonic()
                for i in range(args.views):
                    page = context.new_page()
                    page.goto(f"{server.url}voila/render/{APPS[i % len(APPS)]}.ipynb"
                              f"?programme={args.programme}&lang=da",
                              wait_until="commit", timeout=180_000)
                    page.wait_for_selector(".mk-ready, .mk-fatal", timeout=180_000)
                    crashed = args.crash_every and (i + 1) % args.crash_every == 0
                    page.close(run_before_unload=not crashed)
                    if (i + 1) % 10 == 0:
                        print(f"{label}: {i + 1} views, {memory_now(server)}", flush=True)
                run["views_s"] = round(time.monotonic() - t0, 1)
                context.close()
                time.sleep(10)
                run["after_views"] = memory_now(server)
                time.sleep(max(0.0, wait - 10))
                run["after_wait"] = memory_now(server)
                log = Path(server.log.name).read_text(encoding="utf-8", errors="replace")
                run["shutdowns_refused"] = len(re.findall(
                    r"^403 POST /voila/api/shutdown/\S+ \(\S+\) [\d.]+ms", log, re.M))
                run["culled"] = log.count("Culling 'idle' kernel")
                run["load_average"] = os.getloadavg()[0]
                results["runs"][label] = run
                print(label, json.dumps(run), flush=True)
            finally:
                server.stop()
        browser.close()
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    table = kernel_table(results)
    out.with_suffix(".md").write_text(table + "\n", encoding="utf-8")
    print()
    print(table)


def wait_for_pools(server: Server, apps: int, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    log = Path(server.log.name)
    while log.read_text(errors="replace").count("is filled with") < apps:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the pools were not filled: see {log}")
        time.sleep(0.5)


def kernel_table(results: dict[str, Any]) -> str:
    lines = ["| configuration | when | kernels | kernels' memory (MB) | server (MB) |",
             "|---|---|---|---|---|"]
    for label, run in results["runs"].items():
        whens = [("start (the pool)", "start"), (f"{run['views']} page views later", "after_views"),
                 (f"{run['wait_s']:.0f} s after that", "after_wait")]
        for when, key in whens:
            m = run[key]
            lines.append(f"| {label} | {when} | {m['kernels']} | {m['kernels_mb']:.0f} | "
                         f"{m['server_mb']:.0f} |")
    notes = [f"{label}: {run['shutdowns_refused']} shutdown beacons refused (403), "
             f"{run['culled']} kernels culled; 1 page in {run['crash_every']} closed without "
             f"its beacon (a crashed tab)." for label, run in results["runs"].items()]
    return "\n".join([*lines, "", *notes])


def write(results: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    dbs = list(dict.fromkeys(r["db"] for r in results["runs"]))
    apps = list(dict.fromkeys(r["app"] for r in results["runs"]))
    head = "| app | " + " | ".join(f"{d} cold | {d} pre-heated" for d in dbs) + " |"
    loads = [r["load_average"] for r in results["runs"] if "load_average" in r]
    busy = (f" The machine was shared: 1-minute load average {min(loads):.1f}–{max(loads):.1f} "
            "during the runs." if loads else "")
    lines = [f"Median seconds from URL to first interactive widget, {results['repeat']} "
             f"openings each ({results['machine']['cpus']} CPUs); `slider`: move a weight "
             f"slider to the re-ranked suggestions.{busy}", "", head,
             "|---|" + "---|" * (2 * len(dbs))]
    for app in apps:
        cells = []
        for d in dbs:
            for pre in (False, True):
                hit = [r for r in results["runs"] if r["db"] == d and r["app"] == app
                       and r["preheat"] == pre]
                cells.append(f"{hit[0]['median']:.2f}" if hit else "–")
        lines.append(f"| {app} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    out.with_suffix(".md").write_text(table + "\n", encoding="utf-8")
    print()
    print(table)


if __name__ == "__main__":
    sys.exit(main())

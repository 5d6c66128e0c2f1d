"""Ten coordinators logging in to the hub and opening the match finder at once.

Starts a hub (mentorkit's configuration: NativeAuthenticator, SimpleLocalProcessSpawner,
Voilà inside jupyterhub-singleuser) on free loopback ports over a fresh demo database, with
``--users`` coordinators spread over the demo's sites, then in headless Chromium (Debian's)
lets all of them at the same moment log in through the hub's form and open the match finder:
time from the login page to the match finder's first live widget (``.mk-ready``), median and
95th percentile, and resident memory of the whole machine (used memory before and after, and
each user's server with its kernels). The same number of match-finder pages opened at once on
one single-user Voilà (the repository's ``voila.py``: a pre-heated kernel per app, no login)
in the same run is the baseline.

    .venv/bin/python benchmarks/hub_bench.py [--users 10]

Prints a table and writes benchmarks/results/hub_bench.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = os.environ.get("MENTORKIT_CHROMIUM", "/usr/bin/chromium")
TODAY = "2026-11-23"
SITES = ("vollsmose", "skovparken", "tingbjerg", "langkaerparken", "groningen")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def used_mb() -> float:
    """Memory in use on the whole machine (total minus available), in MB."""
    vm = psutil.virtual_memory()
    return (vm.total - vm.available) / 2**20


def tree_mb(pid: int) -> float:
    """Resident memory of a process and all it started, in MB."""
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


async def open_all(urls: list[str], logins: list[tuple[str, str]] | None, base: str,
                   measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Open ``urls`` at once, each in its own browser context (after logging in through the
    hub's form with ``logins``): seconds from the start to each page's ``.mk-ready``
    (``times_s``), and what ``measure`` finds 10 s later, every page still open."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM,
                                           args=["--no-sandbox", "--disable-gpu",
                                                 "--disable-dev-shm-usage"])

        async def one(i: int) -> float:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            page.set_default_timeout(600_000)
            start = time.perf_counter()
            if logins:
                await page.goto(base + "hub/login")
                await page.fill("#username_input", logins[i][0])
                await page.fill("#password_input", logins[i][1])
                await page.click("#login_submit")
                await page.wait_for_load_state()
            await page.goto(urls[i], wait_until="commit")
            await page.wait_for_selector(".mk-ready", timeout=600_000)
            return time.perf_counter() - start  # the page stays open (an idle user)

        try:
            times = list(await asyncio.gather(*(one(i) for i in range(len(urls)))))
            await asyncio.sleep(10)
            return {"times_s": times, **await asyncio.to_thread(measure)}
        finally:
            await browser.close()


def run_hub(db: Path, work: Path, users: int) -> dict[str, Any]:
    from mentorkit.hub.client import HubClient
    from mentorkit.hub.launch import prepare, start

    token = secrets.token_hex(32)
    port = free_port()
    config = prepare(work / "hub", db, port=port, hub_port=free_port(),
                     proxy_api_port=free_port(), api_token=token, demo=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MENTORKIT_", "VOILA_"))}
    env["MENTORKIT_TODAY"] = TODAY
    process = start(config, work / "hub" / "jupyterhub.log", env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        HubClient(url).wait_ready(120)
        admin, password = HubClient(url), secrets.token_urlsafe(12)
        admin.signup("admin", password)
        admin.login("admin", password)
        api = HubClient(url, token=token)
        logins = []
        for i in range(users):
            name, pw = f"coord{i:02d}", secrets.token_urlsafe(12)
            api.add_user(name, ["coordinator", f"site:{SITES[i % len(SITES)]}"])
            HubClient(url).signup(name, pw)
            admin.approve(name)
            logins.append((name, pw))
        before = used_mb()
        urls = [f"{url}user/{n}/voila/render/match_finder.ipynb?lang=en" for n, _ in logins]

        def measure() -> dict[str, Any]:
            # each user's server with the kernel of the page open
            pids = [api.api("GET", f"users/{n}")["servers"][""]["state"]["pid"]
                    for n, _ in logins]
            return {"per_user_mb": [tree_mb(int(pid)) for pid in pids],
                    "machine_used_after_mb": used_mb()}

        return {"machine_used_before_mb": before, **asyncio.run(open_all(urls, logins, url,
                                                                          measure))}
    finally:
        stop(process)


def run_voila(db: Path, work: Path, users: int) -> dict[str, Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MENTORKIT_", "VOILA_"))}
    env.update({"MENTORKIT_DB": str(db), "MENTORKIT_TODAY": TODAY,
                "MENTORKIT_UI_PREFS": str(work / "prefs.json")})
    log = work / "voila.log"
    before = used_mb()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("voila")), "dashboards", "--no-browser",
             f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            if text.count("is filled with") >= 6:
                break
            time.sleep(1)
        idle = used_mb()
        urls = [f"{url}voila/render/match_finder.ipynb?lang=en"] * users

        def measure() -> dict[str, Any]:
            return {"machine_used_after_mb": used_mb(), "server_mb": tree_mb(process.pid)}

        return {"machine_used_before_mb": before, "machine_used_idle_mb": idle,
                **asyncio.run(open_all(urls, None, url, measure))}
    finally:
        stop(process)


def summary(name: str, r: dict[str, Any]) -> dict[str, Any]:
    t = r["times_s"]
    out = {"setup": name, "pages": len(t), "median_s": round(statistics.median(t), 2),
           "p95_s": round(percentile(t, 0.95), 2), "max_s": round(max(t), 2),
           "machine_used_before_mb": round(r["machine_used_before_mb"]),
           "machine_used_after_mb": round(r["machine_used_after_mb"])}
    if "per_user_mb" in r:
        out["per_user_mb_median"] = round(statistics.median(r["per_user_mb"]))
        out["per_user_mb_max"] = round(max(r["per_user_mb"]))
    if "server_mb" in r:
        out["server_mb"] = round(r["server_mb"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10)
    opts = parser.parse_args()
    from mentorkit.store import Store
    from mentorkit.synth import generate

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "demo.db"
        with Store.open(str(db), actor="synth") as store:
            store.load(generate(seed=0))
        (work / "voila").mkdir()
        rows = [summary("single-user Voilà (no login)", run_voila(db, work / "voila",
                                                                   opts.users)),
                summary("hub: log in + own server", run_hub(db, work, opts.users))]
    print(f"{'setup':34} {'pages':>5} {'median s':>9} {'p95 s':>7} {'used MB before':>15} "
          f"{'after':>7} {'per user MB':>12}")
    for r in rows:
        print(f"{r['setup']:34} {r['pages']:>5} {r['median_s']:>9} {r['p95_s']:>7} "
              f"{r['machine_used_before_mb']:>15} {r['machine_used_after_mb']:>7} "
              f"{r.get('per_user_mb_median', r.get('server_mb', '')):>12}")
    meta = {"python": platform.python_version(), "cpus": psutil.cpu_count(),
            "memory_mb": round(psutil.virtual_memory().total / 2**20),
            "load_before": os.getloadavg()[0]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "hub_bench.json").write_text(json.dumps({"machine": meta, "results": rows},
                                                       indent=1) + "\n")
    lines = ["# hub_bench: match finder opened by all users at once", "",
             f"Machine: {meta['cpus']} cores, {meta['memory_mb']} MB, load "
             f"{meta['load_before']:.1f} at the start (shared with other work).", "",
             "| setup | pages | median s | p95 s | machine used MB before | after | per user MB |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['setup']} | {r['pages']} | {r['median_s']} | {r['p95_s']} | "
              f"{r['machine_used_before_mb']} | {r['machine_used_after_mb']} | "
              f"{r.get('per_user_mb_median', r.get('server_mb', ''))} |" for r in rows]
    (RESULTS / "hub_bench.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

"""The dropped-websocket attack on the dashboard server, before and after the fix (issue 15).

Starts the repository's Voilà on a fresh demo database, opens the overview over HTTP, opens a
raw websocket (legacy protocol) to its kernel with the page's cookies, sends what the page
sends (``comm_info_request``, ``request_state`` to every widget), reads for 5 s, closes, and
samples the server's resident memory (psutil) each second for ``--seconds`` (60), stopping the
server at ``--cap-mb`` (3,000 MB) so the machine survives. Then asks for the home page.
"before the fix" is the same configuration with Voilà's own websocket connection and kernel
manager put back on the command line (which wins over ``voila.py``).

    .venv/bin/python benchmarks/websocket_bench.py [--only before|after]

Prints a table and writes benchmarks/results/websocket_bench.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "dashboards"))

import test_ui_websocket as attack  # type: ignore[import-not-found]  # noqa: E402, I001

from mentorkit.store import Store  # noqa: E402
from mentorkit.synth import generate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "websocket_bench.json"
BEFORE_FIX = [
    "--Voila.kernel_websocket_connection_class="
    "jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection",
    "--VoilaConfiguration.multi_kernel_manager_class="
    "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager",
]


def run(label: str, extra: list[str], db: Path, work: Path, seconds: int, cap_mb: int
        ) -> dict[str, Any]:
    """One configuration: the attack, then the server's memory each second and a page."""
    real = subprocess.Popen

    class WithArgs(real):  # type: ignore[misc,valid-type]
        def __init__(self, args: Any, *a: Any, **k: Any) -> None:
            super().__init__(list(args) + extra, *a, **k)

    subprocess.Popen = WithArgs  # type: ignore[misc]
    try:
        server = attack.start_voila(attack.copy_db(db, work / f"{label}.db"), work,
                                      wait_for_pools=attack.POOL)
    finally:
        subprocess.Popen = real  # type: ignore[misc]
    attack.MEMORY_BOUND = cap_mb * 2**20
    samples: list[float] = []
    stopped = False
    page: int | str
    try:
        client = attack.Client(server)
        attack.rendered(client, server, "overview")
        kernel_id = attack.rendered(client, server, "overview")
        watch = attack.Watch(server)
        ws = attack.KernelSocket(server, client, kernel_id)
        try:
            ws.request_states(ws.comm_ids(watch))
            ws.receive(watch, 5)
        except Exception as e:  # noqa: BLE001 - a hung server is what is measured
            print(f"{label}: the client gave up: {type(e).__name__}")
        ws.drop(abort=False)
        for _ in range(seconds):
            time.sleep(1)
            try:
                samples.append(watch.sample() / 2**20)
            except AssertionError:
                stopped = True
                samples.append(cap_mb + watch.start / 2**20)
                break
        try:
            with client.opener.open(server.app_url("home"), timeout=30) as r:
                page = int(r.status)
        except OSError as e:
            page = type(e).__name__
        start = watch.start / 2**20
    finally:
        server.stop()
    return {"configuration": label, "start_mb": round(start), "samples_mb": [round(s) for s in
            samples], "peak_mb": round(max(samples)), "stopped_at_cap": stopped,
            "home_page": page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("before", "after"))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--cap-mb", type=int, default=3000)
    args = parser.parse_args()
    configs = {"before the fix": BEFORE_FIX, "with the fix": []}
    if args.only:
        configs = {k: v for k, v in configs.items() if k.startswith(
            "before" if args.only == "before" else "with")}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "demo.db"
        store = Store.open(str(db), actor="synth")
        store.load(generate(seed=0))
        store.close()
        results = [run(label, extra, db, work, args.seconds, args.cap_mb)
                   for label, extra in configs.items()]
    print("| configuration | server at start (MB) | after 5 s | peak (MB) | stopped at cap "
          "| home page |")
    print("|---|---|---|---|---|---|")
    for r in results:
        after5 = r["samples_mb"][min(4, len(r["samples_mb"]) - 1)]
        print(f"| {r['configuration']} | {r['start_mb']} | {after5} | {r['peak_mb']} | "
              f"{r['stopped_at_cap']} | {r['home_page']} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

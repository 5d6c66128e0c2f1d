"""What row-level security costs: the dashboards' reads as the administrator and as a site.

Starts a temporary PostgreSQL server (``tests/postgres_server.py``), loads the synthetic
programmes at ``--scale``, makes a site role for one programme and times, median of
``--repeat``, ``Store.table(name)`` for the tables the dashboards read: as the tables' owner
(every row), as the owner limited by the app (``programmes=``, the same rows as the site) and
as the site's role (the policies: child tables through their parent, the audit through the
row it is about). Prints a table, writes
``benchmarks/results/postgres_rls.json``.

Run: ``.venv/bin/python benchmarks/postgres_rls.py --scale 5``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from postgres_server import PostgresServer  # noqa: E402

from mentorkit.store import Store  # noqa: E402
from mentorkit.store.site_roles import create_site_role, site_database_url  # noqa: E402
from mentorkit.synth import generate  # noqa: E402

TABLES = ("person", "match", "followup", "outcome", "attendance", "audit")


def _median_seconds(store: Store, name: str, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(store.table(name))
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    server = PostgresServer().start()
    try:
        url = server.new_database()
        folder = Path(tempfile.mkdtemp())
        (folder / "pw").write_text("benchmark-only\n")
        with Store.open(url, actor="bench") as admin:
            admin.load(generate(seed=0, scale=args.scale))
            programme = str(admin.table("programme")["name"].iloc[0])
            create_site_role(admin.engine, "bench", [programme], "benchmark-only")
            results = []
            with Store.open(site_database_url(url, "bench", folder / "pw")) as site, \
                    Store.open(url, programmes=[programme]) as scoped:
                for name in TABLES:
                    owner_s, owner_rows = _median_seconds(admin, name, args.repeat)
                    app_s, app_rows = _median_seconds(scoped, name, args.repeat)
                    site_s, site_rows = _median_seconds(site, name, args.repeat)
                    assert app_rows == site_rows, name  # the same rows, held by each
                    results.append({"table": name, "owner_rows": owner_rows,
                                    "owner_ms": round(owner_s * 1000, 1),
                                    "site_rows": site_rows,
                                    "app_scope_ms": round(app_s * 1000, 1),
                                    "site_role_ms": round(site_s * 1000, 1)})
    finally:
        server.stop()
    print(f"scale {args.scale}, median of {args.repeat}, site = {programme}")
    print(f"{'table':<12}{'all rows':>10}{'owner ms':>10}{'site rows':>11}"
          f"{'app scope ms':>14}{'site role ms':>14}")
    for r in results:
        print(f"{r['table']:<12}{r['owner_rows']:>10}{r['owner_ms']:>10}{r['site_rows']:>11}"
              f"{r['app_scope_ms']:>14}{r['site_role_ms']:>14}")
    out = ROOT / "benchmarks" / "results" / "postgres_rls.json"
    out.write_text(json.dumps({"scale": args.scale, "repeat": args.repeat,
                               "site_programme": programme, "tables": results}, indent=2)
                   + "\n")


if __name__ == "__main__":
    main()

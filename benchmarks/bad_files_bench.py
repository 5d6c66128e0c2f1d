"""Benchmark: how fast the importer refuses files built to hang it, and that a real file passes.

Each file is read with :func:`mentorkit.imports.reading.read_bytes` under the default limits
(:data:`mentorkit.imports.limits.LIMITS`); measured: the wall-clock and CPU seconds to the
refusal, the growth of the process's resident set size (psutil, sampled every 10 ms), and
the rule given. The files (as in issue 15):

- a CSV whose header has 1,000,000 columns (about 8.9 MB), and one of 50,000 columns;
- an ``.xlsx`` zip bomb of about 2.8 MB whose sheet unpacks to about 2.8 GB;
- an ``.xlsx`` whose sheet reaches column XFD on 20,000 rows;
- the 100,000-row people file of ``import_bench.py`` (it must pass: the limits must not
  refuse what coordinators import).

Run: ``.venv/bin/python benchmarks/bad_files_bench.py``. Prints a table and writes
``benchmarks/results/bad_files_bench.json``.
"""

from __future__ import annotations

import io
import json
import os
import platform
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import psutil

sys.path.insert(0, str(Path(__file__).parent))

from import_bench import people_file  # noqa: E402

from mentorkit.imports.limits import LIMITS  # noqa: E402
from mentorkit.imports.reading import read_bytes  # noqa: E402

OUT = Path(__file__).parent / "results" / "bad_files_bench.json"
SHEET = "xl/worksheets/sheet1.xml"


class RssPeak:
    """The peak resident set size while the block runs, sampled every 10 ms."""

    def __init__(self) -> None:
        self.process = psutil.Process(os.getpid())
        self.peak = self.start = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wide_csv(width: int) -> bytes:
    return (";".join(f"c{i}" for i in range(width)) + "\n").encode()


def workbook(sheet_chunks: list[bytes] | None, repeat: int = 1) -> bytes:
    """A real openpyxl workbook whose sheet XML is ``sheet_chunks`` (streamed ``repeat``
    times, so a bomb is never held in memory)."""
    book = openpyxl.Workbook()
    book.active.append(["first_name", "email"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                           compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != SHEET or sheet_chunks is None:
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(SHEET, "w", force_zip64=True) as fh:
                head, body, tail = sheet_chunks
                fh.write(head)
                for _ in range(repeat):
                    fh.write(body)
                fh.write(tail)
    return out.getvalue()


HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"


def measure(name: str, data: bytes, filename: str) -> dict[str, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    with RssPeak() as rss:
        raw = read_bytes(data, filename)
    result = {
        "file": name, "file_mb": round(len(data) / 1e6, 2),
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "rss_growth_mb": round((rss.peak - rss.start) / 1e6, 1),
        "refused": raw.frame is None,
        "rule": raw.problems[0].rule if raw.frame is None and raw.problems else "",
        "rows_read": 0 if raw.frame is None else len(raw.frame),
    }
    return result


def main() -> None:
    results = []
    results.append(measure("CSV, 1,000,000 columns", wide_csv(1_000_000), "wide.csv"))
    results.append(measure("CSV, 50,000 columns", wide_csv(50_000), "wide.csv"))
    spaces = b" " * 1_000_000  # white space between elements packs a thousand times
    bomb = workbook([HEAD + b'<row><c t="inlineStr"><is><t>x</t></is></c></row>', spaces,
                     TAIL], repeat=2_800)
    results.append(measure("xlsx zip bomb (2.8 GB unpacked)", bomb, "bomb.xlsx"))
    del bomb
    xfd = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>1</v></c></row>'
                   % (n, n, n) for n in range(1, 20_001))
    results.append(measure("xlsx to column XFD, 20,000 rows",
                           workbook([HEAD, xfd, TAIL]), "xfd.xlsx"))
    with tempfile.TemporaryDirectory() as folder:
        path, _ = people_file(Path(folder), 100_000)
        results.append(measure("people CSV, 100,000 rows (must pass)", path.read_bytes(),
                               "people.csv"))
    print(f"{'file':40} {'MB':>7} {'s':>7} {'cpu s':>7} {'+RSS MB':>8}  result")
    for r in results:
        said = f"refused: {r['rule']}" if r["refused"] else f"read {r['rows_read']:,} rows"
        print(f"{r['file']:40} {r['file_mb']:>7} {r['seconds']:>7} {r['cpu_seconds']:>7} "
              f"{r['rss_growth_mb']:>8}  {said[:110]}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({
        "limits": {k: getattr(LIMITS, k) for k in LIMITS.__dataclass_fields__},
        "results": results,
        "machine": {"cpus": os.cpu_count(), "load_average_before": os.getloadavg(),
                    "python": platform.python_version()},
        "notes": "seconds: wall clock of read_bytes on bytes in memory; cpu_seconds: CPU time "
                 "of this process; rss_growth: peak resident set size during the read minus "
                 "before it. One run each on a shared, noisy machine.",
    }, indent=2) + "\n")


if __name__ == "__main__":
    main()

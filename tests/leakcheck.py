"""pytest plugin: after the run, look for personal data in everything the run logged or showed.

Loaded in every pytest run of this repository (by ``pytest_plugins`` in the root
``conftest.py``), so it covers ``pytest tests`` and the nbval run over ``notebooks/`` and
``dashboards/`` alike.
While tests run it keeps:

- every log record at any level from ``mentorkit.*`` and at WARNING and above from anything
  else, formatted with its traceback (``records.log``);
- the message of every :class:`mentorkit.errors.MentorkitError` raised (``errors.log``): these
  are what coordinators see in the dashboards and on the command line;
- every output of every notebook cell nbval executes (``nbval-outputs.log``);
- the personal data of the run: every person, match and follow-up note of every
  :func:`mentorkit.synth.generate` call and of every SQLite database the tests left behind.

At the end it scans those files and every ``.log``, ``.html``, ``.ipynb`` (outputs only),
``.err`` and ``.out`` file under the run's temporary folder (Voilà server logs, papermill and
report outputs) with :mod:`mentorkit.privacy.leaks`. A finding fails the run; the report says
file, line and kind, never the value. The files stay in ``<basetemp>/leakcheck`` to read.

A test that plants personal data on purpose (to show a scanner finds it) keeps it in memory or
in a file or folder whose name contains ``planted`` (a test named ``test_…planted…`` gets such a
temporary folder); those are not scanned.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mentorkit.privacy.leaks import TEXT_SUFFIXES, Needles, scan_paths

PLANTED = "planted"

GENERATED = Needles()
"""The personal data of every data set :func:`mentorkit.synth.generate` made in this run."""
_GENERATED_SETS = [0]


def _wrap_generate() -> None:
    """Record every generated data set's people. Done when this plugin is imported (from the
    root conftest), before any test module or conftest binds ``generate``."""
    import mentorkit.synth as synth

    original = synth.generate

    @functools.wraps(original)
    def generate(*args: Any, **kwargs: Any) -> Any:
        ds = original(*args, **kwargs)
        _GENERATED_SETS[0] += 1
        GENERATED.update(Needles.from_tables(ds.tables()))
        return ds

    synth.generate = generate  # type: ignore[assignment]


_wrap_generate()


class Recorder:
    """What the run logged, raised and showed, and whose personal data it handled."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.records = (folder / "records.log").open("w", encoding="utf-8")
        self.errors = (folder / "errors.log").open("w", encoding="utf-8")
        self.outputs = (folder / "nbval-outputs.log").open("w", encoding="utf-8")
        self.needles = GENERATED
        self.counts = {"log records": 0, "error messages": 0, "notebook outputs": 0}
        self._undo: list[Any] = []

    # -- recording ---------------------------------------------------------------------

    def start(self) -> None:
        handler = logging.StreamHandler(self.records)
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.addFilter(self._count)
        root = logging.getLogger()
        root.addHandler(handler)
        ours = logging.getLogger("mentorkit")
        old_level = ours.level
        ours.setLevel(logging.DEBUG)
        import mentorkit.ui.common  # noqa: F401  (its logger does not propagate)

        ui = logging.getLogger("mentorkit.ui")
        ui.addHandler(handler)
        self._undo += [lambda: root.removeHandler(handler), lambda: ui.removeHandler(handler),
                       lambda: ours.setLevel(old_level)]
        self._wrap_errors()

    def _count(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("mentorkit") or record.levelno >= logging.WARNING:
            self.counts["log records"] += 1
            return True
        return False

    def _wrap_errors(self) -> None:
        from mentorkit.errors import MentorkitError

        original = MentorkitError.__init__
        recorder = self

        def init(error: BaseException, *args: Any, **kwargs: Any) -> None:
            original(error, *args, **kwargs)
            recorder.counts["error messages"] += 1
            recorder.errors.write(f"{type(error).__name__}: {error}\n")

        MentorkitError.__init__ = init  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(MentorkitError, "__init__", original))

    def notebook_outputs(self, item: pytest.Item, outputs: list[dict[str, Any]]) -> None:
        for output in outputs:
            self.counts["notebook outputs"] += 1
            self.outputs.write(json.dumps({"cell": item.nodeid, "output": output},
                                          ensure_ascii=False) + "\n")

    # -- the scan ----------------------------------------------------------------------

    def stop(self) -> None:
        for undo in reversed(self._undo):
            undo()
        for f in (self.records, self.errors, self.outputs):
            f.close()

    def add_databases(self, roots: list[Path]) -> int:
        """Add the people of every SQLite database under ``roots``."""
        count = 0
        for path in _databases(roots):
            try:
                con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
            except sqlite3.Error:
                continue
            try:
                tables = _read_people(con)
            except sqlite3.Error:
                continue
            finally:
                con.close()
            if tables:
                self.needles.update(Needles.from_tables(tables))
                count += 1
        return count

    def scan(self, roots: list[Path]) -> tuple[list[Any], int]:
        files = [self.folder / "records.log", self.folder / "errors.log",
                 self.folder / "nbval-outputs.log"]
        for root in roots:
            files += [p for p in root.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file()
                      and not any(PLANTED in part for part in p.relative_to(root).parts)
                      and self.folder not in p.parents and not _is_symlinked(p)]
        return scan_paths(files, self.needles)


def _is_symlinked(path: Path) -> bool:
    return any(p.is_symlink() for p in (path, *path.parents))


def _databases(roots: list[Path]) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            for path in root.rglob("*"):
                if path.suffix in (".db", ".sqlite") and path.is_file() \
                        and not _is_symlinked(path):
                    yield path


def _read_people(con: sqlite3.Connection) -> dict[str, Any]:
    """The direct identifiers and free text of a SQLite database, read as they are stored."""
    import pandas as pd

    from mentorkit.privacy.leaks import columns_of_class

    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    wanted: dict[str, set[str]] = {}
    for privacy in ("direct", "free_text"):
        for table, columns in columns_of_class(privacy).items():
            wanted.setdefault(table, set()).update(columns)
    out = {}
    for table, columns in wanted.items():
        if table in names:
            present = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
            listed = ", ".join(f'"{c}"' for c in sorted(columns & present))
            if listed:
                out[table] = pd.read_sql_query(f'SELECT {listed} FROM "{table}"', con)
    return out


_KEY = pytest.StashKey[Recorder]()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # pragma: no cover - no xdist here, but be safe
        return
    folder = Path(config._tmp_path_factory.getbasetemp()) / "leakcheck"  # type: ignore[attr-defined]
    recorder = Recorder(folder)
    recorder.start()
    config.stash[_KEY] = recorder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    yield
    recorder = item.config.stash.get(_KEY, None)
    outputs = getattr(item, "test_outputs", None)
    if recorder is not None and call.when == "call" and outputs:
        recorder.notebook_outputs(item, outputs)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    recorder = session.config.stash.get(_KEY, None)
    if recorder is None:
        return
    recorder.stop()
    basetemp = Path(session.config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    root = Path(session.config.rootpath)
    roots = [basetemp, root / "build" / "test"]
    databases = recorder.add_databases(roots)
    leaks, files = recorder.scan([basetemp])
    counts = ", ".join(f"{n} {what}" for what, n in recorder.counts.items())
    summary = (f"leakcheck: {len(recorder.needles)} personal values (from {databases} "
               f"databases and {_GENERATED_SETS[0]} generated data sets) looked for "
               f"in {files} files ({counts})")
    (recorder.folder / "report.txt").write_text(
        summary + "\n" + "".join(f"{leak}\n" for leak in leaks), encoding="utf-8")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("-", "leakcheck")
        reporter.write_line(summary)
        for leak in leaks[:50]:
            reporter.write_line(f"leakcheck: personal data in {leak}", red=True)
    if leaks:
        if reporter is not None:
            reporter.write_line(f"leakcheck: {len(leaks)} finding(s); all in "
                                f"{recorder.folder / 'report.txt'}", red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

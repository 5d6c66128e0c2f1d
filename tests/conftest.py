"""Shared fixtures: stores on SQLite and on a real PostgreSQL server, with and without data.

``store`` and ``demo_store`` run every test that uses them twice, once per back end
(``-k sqlite`` or ``-k postgresql`` picks one). The PostgreSQL server is a temporary
cluster on 127.0.0.1 started once per session (see ``postgres_server.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from postgres_server import PostgresServer, start_or_fail

from mentorkit.model.dataset import Dataset
from mentorkit.store import Store
from mentorkit.synth import generate

BACKENDS = ["sqlite", "postgresql"]
CHROMIUM = os.environ.get("MENTORKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium   (as root; Debian's package)"


@pytest.fixture(scope="session")
def small_dataset() -> Dataset:
    """A fifth of the demo programmes (seed 0), generated once per session."""
    return generate(seed=0, scale=0.2)


@pytest.fixture(scope="session")
def small_db_template(tmp_path_factory: pytest.TempPathFactory, small_dataset: Dataset) -> Path:
    """One SQLite file holding the small synthetic dataset, made once per run: copy it
    (:func:`small_db`), never write to it."""
    path = tmp_path_factory.mktemp("small") / "demo.db"
    with Store.open(str(path), actor="test") as s:
        s.load(small_dataset)
    return path


@pytest.fixture
def small_db(small_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the small dataset's SQLite file, for a test to change."""
    path = tmp_path / "demo.db"
    shutil.copy(small_db_template, path)
    return path


@pytest.fixture
def small_store(small_db: Path) -> Iterator[Store]:
    """A store on a private copy of the small dataset (SQLite)."""
    s = Store.open(str(small_db), actor="test")
    yield s
    s.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (fails under CI=true if it cannot start)."""
    server = start_or_fail()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each back end: a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "mentorkit.db")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An empty store (runs once on SQLite, once on PostgreSQL)."""
    s = Store.open(db_url, actor="test")
    yield s
    s.close()


@pytest.fixture
def demo_store(db_url: str, small_dataset: Dataset) -> Iterator[Store]:
    """A store holding the small synthetic dataset (once per back end)."""
    s = Store.open(db_url, actor="test")
    s.load(small_dataset)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a SQLite file, for what only SQLite has (pragmas, the file)."""
    s = Store.open(str(tmp_path / "mentorkit.db"), actor="test")
    yield s
    s.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's) through Playwright, one for the whole run (the dashboards'
    and the hub's tests: Playwright's sync API allows one at a time in a thread); a failure,
    not a skip, when missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; the browser tests need it. Install it with: "
                    f"{CHROMIUM_INSTALL}", pytrace=False)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM,
                           args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
    yield b
    b.close()
    pw.stop()

"""Fixtures for the dashboards: a demo database, the apps' environment, Voilà and Chromium.

``voila`` starts one Voilà server for the whole session, over a temporary copy of the demo
database, on a free loopback port with ``--Voila.port_retries=0``, with the repository's
``voila.py`` (pre-heated kernels, no tracebacks, only ``dashboards/``). ``browser`` is
Debian's ``/usr/bin/chromium`` driven by Playwright; when it is missing the tests fail
(never skip) and say how to install it. Screenshots go to ``artefacts/dashboards/`` (or
``MENTORKIT_ARTEFACTS``), and also to ``docs/screenshots/`` with
``MENTORKIT_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mentorkit.store import Store
from mentorkit.synth import generate

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"
ACTOR = "coordinator-test"
ARTEFACTS = Path(os.environ.get("MENTORKIT_ARTEFACTS", ROOT / "artefacts")) / "dashboards"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PAGE_ERROR_TEXTS = ("There was an error when executing cell", "Traceback (most recent call last)",
                    "Error at server")


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite database (the backup API also copies a pending WAL)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (seed 0), generated once per session; copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(str(path), actor="synth")
    store.load(generate(seed=0))
    store.close()
    return path


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database for one test."""
    return copy_db(demo_db, tmp_path / "mentorkit.db")


@pytest.fixture
def ui_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The apps' environment for in-process tests: fixed today, own prefs file, an actor."""
    prefs = tmp_path / "prefs.json"
    monkeypatch.setenv("MENTORKIT_UI_PREFS", str(prefs))
    monkeypatch.setenv("MENTORKIT_TODAY", TODAY)
    monkeypatch.setenv("MENTORKIT_ACTOR", ACTOR)
    for name in ("MENTORKIT_DB", "MENTORKIT_PROGRAMMES", "MENTORKIT_LANG", "VOILA_PREHEAT",
                 "MENTORKIT_SHOW_PERSONAL", "MENTORKIT_ROLE"):
        monkeypatch.delenv(name, raising=False)
    return prefs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class VoilaServer:
    """A running Voilà: its address, database and log."""

    url: str
    db: Path
    log: Path
    process: subprocess.Popen[bytes]

    def app_url(self, app: str, **query: Any) -> str:
        from urllib.parse import urlencode

        q = f"?{urlencode(query)}" if query else ""
        return f"{self.url}voila/render/{app}.ipynb{q}"

    def pools_filled(self) -> int:
        """How many apps' pools of pre-heated kernels have been filled so far."""
        return self.log_text().count("is filled with")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_voila(db: Path, workdir: Path, extra_env: dict[str, str] | None = None,
                timeout: float = 180, wait_for_pools: int = 0) -> VoilaServer:
    """Start Voilà on ``dashboards/`` over ``db`` on a free port; wait until it answers
    (and, with ``wait_for_pools``, until that many apps have their pre-heated kernel)."""
    port = free_port()
    log = workdir / f"voila-{port}.log"
    env = {k: v for k, v in os.environ.items()
           if k not in ("MENTORKIT_PROGRAMMES", "VOILA_PREHEAT", "MENTORKIT_ROLE",
                        "MENTORKIT_SHOW_PERSONAL")}
    env.update({"MENTORKIT_DB": str(db), "MENTORKIT_UI_PREFS": str(workdir / "prefs.json"),
                "MENTORKIT_TODAY": TODAY, "MENTORKIT_ACTOR": ACTOR, **(extra_env or {})})
    voila = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "voila"
    if not voila.exists():
        voila = ROOT / ".venv" / "bin" / "voila"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(voila), "dashboards", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
             "--Voila.port_retries=0"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = VoilaServer(f"http://127.0.0.1:{port}/", db, log, process)
    deadline = time.monotonic() + timeout
    answering = False
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voilà exited ({process.returncode}):\n"
                               f"{server.log_text()[-3000:]}")
        if not answering:
            try:
                with urllib.request.urlopen(server.url, timeout=2) as r:
                    answering = r.status == 200
            except (urllib.error.URLError, OSError):
                pass
        if answering and (not wait_for_pools or server.pools_filled() >= wait_for_pools):
            return server
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"Voilà did not answer within {timeout} s:\n{server.log_text()[-3000:]}")


@pytest.fixture(scope="session")
def voila(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """One Voilà server for the session, over its own copy of the demo database."""
    work = tmp_path_factory.mktemp("voila")
    apps = len(list((ROOT / "dashboards").glob("*.ipynb")))
    server = start_voila(copy_db(demo_db, work / "served.db"), work, wait_for_pools=apps)
    yield server
    server.stop()


class AppPage:
    """A browser tab on one app, recording page errors."""

    def __init__(self, page: Any, server: VoilaServer) -> None:
        self.page = page
        self.server = server
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, app: str, timeout: float = 120_000, **query: Any) -> AppPage:
        self.page.goto(self.server.app_url(app, **query), wait_until="commit", timeout=timeout)
        self.page.wait_for_selector(".mk-ready, .mk-fatal", timeout=timeout)
        return self

    def text(self) -> str:
        return self.page.inner_text("body")

    def assert_clean(self) -> None:
        """No page error, no traceback, no failed cell, no start-up failure on the page."""
        body = self.text()
        found = [t for t in PAGE_ERROR_TEXTS if t in body]
        assert not found, f"error text on the page: {found}"
        assert self.page.locator(".mk-fatal").count() == 0, "the app could not start"
        assert not self.errors, f"page errors: {self.errors}"

    def screenshot(self, name: str, docs: bool = False) -> Path:
        """A screenshot of the whole app (the viewport grows to its height); with ``docs``
        and ``MENTORKIT_UPDATE_SCREENSHOTS=1`` also into docs/screenshots/ for the README."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(
            "Math.max(document.querySelector('.mk-app') ? "
            "document.querySelector('.mk-app').scrollHeight : 0, 600)")
        size = self.page.viewport_size
        self.page.set_viewport_size({"width": size["width"], "height": int(height) + 80})
        self.page.wait_for_timeout(400)
        path = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(size)
        if docs and os.environ.get("MENTORKIT_UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, SCREENSHOTS / f"{name}.png")
        return path


@pytest.fixture
def app_page(browser: Any, voila: VoilaServer) -> Iterator[AppPage]:
    """A fresh browser tab (1280×900) on the session's Voilà."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield AppPage(page, voila)
    context.close()

"""No kernel left behind: a closed dashboard page takes its kernel with it.

Voilà's page sends a shutdown beacon on ``beforeunload`` with the ``_xsrf`` value it reads from
its cookie; Voilà's pages never had that cookie, so every beacon was refused (``403 …
'_xsrf' argument missing from POST``) and every page left a kernel of ~130 MB running.
:mod:`mentorkit.ui.voila_identity` gives each dashboard page the cookie, with XSRF protection
left on, and :func:`mentorkit.ui.serve.configure` culls kernels that no page is attached to
(``MENTORKIT_KERNEL_CULL_SECONDS``, short here).

The server here is the repository's configuration with a cull time of ``CULL`` seconds; the
kernels are the server's ``ipykernel`` child processes, their memory the sum of their resident
set sizes (psutil).
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from traitlets.config import Config

from conftest import ROOT, AppPage, VoilaServer, copy_db, start_voila
from mentorkit.ui.serve import CULL_IDLE_SECONDS, configure

CULL = 20                       # seconds without a page before a kernel is culled, here
PAGES = 50                      # pages opened and closed by the browser test
KEEP_OPEN = 3                   # pages open at once; the oldest is closed when one more opens
CRASH_EVERY = 5                 # every 5th page is closed without its beacon (a crashed tab)
APPS = ("home", "caseload", "events")
POOL = len(list((ROOT / "dashboards").glob("*.ipynb")))  # one pre-heated kernel per app
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


# ---------------------------------------------------------------- configuration, no server

def test_the_kernel_settings_are_in_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_KERNEL_CULL_SECONDS", raising=False)
    c = Config()
    configure(c, argv=[])
    mk = c.MappingKernelManager
    assert mk.cull_idle_timeout == CULL_IDLE_SECONDS == 300  # "within minutes"
    assert mk.cull_interval == 60 and mk.cull_connected is False and mk.cull_busy is False
    assert c.Voila.identity_provider_class.endswith("voila_identity.DashboardIdentityProvider")
    # XSRF protection is not switched off (the server test below shows it refusing)
    assert not {"tornado_settings", "disable_check_xsrf"} & set(c.Voila)
    assert "disable_check_xsrf" not in c.ServerApp
    monkeypatch.setenv("MENTORKIT_KERNEL_CULL_SECONDS", "12")
    c = Config()
    configure(c, argv=[])
    assert (c.MappingKernelManager.cull_idle_timeout, c.MappingKernelManager.cull_interval) \
        == (12, 2)


@pytest.mark.parametrize("value", ["0", "-5", "ten", "1.5"])
def test_a_cull_time_that_is_not_a_positive_whole_number_is_refused(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MENTORKIT_KERNEL_CULL_SECONDS", value)
    with pytest.raises(SystemExit, match="MENTORKIT_KERNEL_CULL_SECONDS must be a whole number"):
        configure(Config(), argv=[])


# ---------------------------------------------------------------- a server with a short cull

@pytest.fixture(scope="module")
def kernel_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[VoilaServer]:
    work = tmp_path_factory.mktemp("voila-kernels")
    server = start_voila(copy_db(demo_db, work / "served.db"), work,
                         extra_env={"MENTORKIT_KERNEL_CULL_SECONDS": str(CULL)},
                         wait_for_pools=POOL)
    yield server
    server.stop()


def kernels(server: VoilaServer) -> list[psutil.Process]:
    """The server's kernel processes (pooled, starting and attached to pages alike)."""
    found = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass  # it ended while we looked
    return found


def kernels_rss(server: VoilaServer) -> int:
    total = 0
    for k in kernels(server):
        try:
            total += k.memory_info().rss
        except psutil.Error:
            pass
    return total


def wait_for(what: str, check: Callable[[], bool], seconds: float, poll: float = 1.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:.0f} s: {what}")
        time.sleep(poll)


def steady_rss(server: VoilaServer, seconds: float = 120) -> int:
    """The kernels' memory once the pool is full and has stopped growing (1 % over 3 s)."""
    wait_for(f"{POOL} kernels (the pool)", lambda: len(kernels(server)) == POOL, seconds)
    last = kernels_rss(server)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(3)
        now = kernels_rss(server)
        if len(kernels(server)) == POOL and abs(now - last) <= 0.01 * last:
            return now
        last = now
    raise AssertionError("the pool's memory did not settle")


def kernel_alive(server: VoilaServer, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{server.url}api/kernels/{kernel_id}", timeout=10) as r:
            return bool(r.status == 200)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return False
        raise


class Client:
    """A cookie-keeping HTTP client, as a browser holding one dashboard page is."""

    def __init__(self, server: VoilaServer) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open_page(self, app: str) -> str:
        """Load the page whole (its cells run) and return its kernel's id."""
        with self.opener.open(self.server.app_url(app), timeout=120) as r:
            html = r.read().decode("utf-8")
        found = KERNEL_ID.search(html)
        assert found, "no kernel id in the page"
        return found.group(1)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def shutdown(self, kernel_id: str, xsrf: str | None,
                 headers: dict[str, str] | None = None) -> int:
        """POST the page's shutdown request (form-encoded, as the beacon's form is)."""
        body = urllib.parse.urlencode({} if xsrf is None else {"_xsrf": xsrf}).encode()
        origin = self.server.url.rstrip("/")
        req = urllib.request.Request(
            f"{self.server.url}voila/api/shutdown/{kernel_id}", data=body, method="POST",
            headers={"Origin": origin, "Referer": self.server.app_url("home"), **(headers or {})})
        try:
            with self.opener.open(req, timeout=30) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            return int(e.code)


def test_a_page_gets_the_xsrf_cookie_and_only_a_request_that_echoes_it_shuts_its_kernel(
        kernel_server: VoilaServer) -> None:
    """The server still refuses a shutdown without the token, with a wrong one, and from
    another site; the page's own request (cookie echoed) shuts the kernel down at once."""
    client = Client(kernel_server)
    kernel_id = client.open_page("home")
    xsrf = client.cookie("_xsrf")
    assert xsrf and xsrf.startswith("2|"), "the page did not set tornado's _xsrf cookie"
    assert kernel_alive(kernel_server, kernel_id)

    assert client.shutdown(kernel_id, None) == 403                        # no _xsrf
    assert client.shutdown(kernel_id, "2|00000000|" + "0" * 64 + "|1") == 403  # a wrong one
    assert client.shutdown(kernel_id, xsrf,                                # another site
                           headers={"Origin": "http://attacker.example"}) in (403, 404)
    stranger = Client(kernel_server)                                       # no cookie at all
    assert stranger.shutdown(kernel_id, xsrf) == 403
    assert kernel_alive(kernel_server, kernel_id), "a refused request shut the kernel down"

    assert client.shutdown(kernel_id, xsrf) == 204
    assert not kernel_alive(kernel_server, kernel_id)
    assert "'_xsrf' argument missing from POST" in kernel_server.log_text()  # refused above


def page_kernel_id(page: Any) -> str:
    return str(page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))


def test_fifty_pages_opened_and_closed_leave_only_the_pool(
        browser: Any, kernel_server: VoilaServer) -> None:
    """50 pages of three apps, three open at a time; closed as a coordinator closes a tab
    (the beacon), every 5th as a crashed tab closes (no beacon: the cull takes it). Then no
    more kernels than the pool and the open pages, open pages' kernels alive, and after the
    last page the pool alone, its memory back where it began (within half a kernel's)."""
    server = kernel_server
    before_rss = steady_rss(server)
    log_start = len(server.log_text())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    open_pages: list[tuple[Any, str, float]] = []
    beaconed: list[str] = []
    crashed: list[str] = []
    # kernels whose page was open longer than the cull time less one cull interval: their
    # last activity is old enough that the culler may fairly take them in the moment between
    # the tab closing and its beacon arriving (either way the kernel goes at once)
    cull_eligible_at_close: set[str] = set()
    opened = 0

    def close_oldest() -> None:
        page, kernel_id, opened_at = open_pages.pop(0)
        if time.monotonic() - opened_at >= CULL - max(1, min(60, CULL // 5)):
            cull_eligible_at_close.add(kernel_id)
        nth = len(beaconed) + len(crashed) + 1
        if nth % CRASH_EVERY == 0:
            page.close()                          # no beforeunload: no beacon
            crashed.append(kernel_id)
        else:
            page.close(run_before_unload=True)    # a tab closed by its user
            beaconed.append(kernel_id)

    try:
        for i in range(PAGES):
            app = AppPage(context.new_page(), server).open(APPS[i % len(APPS)])
            app.assert_clean()
            open_pages.append((app.page, page_kernel_id(app.page), time.monotonic()))
            opened += 1
            if len(open_pages) > KEEP_OPEN:
                close_oldest()
        last_opened = time.monotonic()

        # every closed page's kernel is gone: at most the pool plus the open pages
        limit = POOL + len(open_pages)
        wait_for(f"at most {limit} kernels (pool {POOL} + {len(open_pages)} open pages)",
                 lambda: len(kernels(server)) <= limit, seconds=CULL + 90)
        # the open pages keep their kernels past the cull time: they are attached
        time.sleep(max(0.0, last_opened + CULL + 10 - time.monotonic()))
        for _, kernel_id, _ in open_pages:
            assert kernel_alive(server, kernel_id), "a kernel with its page open was culled"
        assert len(kernels(server)) <= limit
        while open_pages:
            close_oldest()
        wait_for(f"only the pool's {POOL} kernels", lambda: len(kernels(server)) == POOL,
                 seconds=CULL + 90)
        after_rss = steady_rss(server)

        # the pool is intact: a page after all that culling still gets a pre-heated kernel
        probe = AppPage(context.new_page(), server).open("home")
        probe_kernel = page_kernel_id(probe.page)
        probe.page.close(run_before_unload=True)
    finally:
        context.close()

    log = server.log_text()[log_start:]
    assert f"Using pre-heated kernel: {probe_kernel} for home.ipynb" in log
    assert "'_xsrf' argument missing from POST" not in log
    assert not re.search(r"403 POST /voila/api/shutdown", log)
    culled = set(re.findall(r"Culling '\w+' kernel '\w+' \(([0-9a-f-]{36})\)", log))
    raced = culled & set(beaconed)
    assert raced <= cull_eligible_at_close, (
        f"{len(raced - cull_eligible_at_close)} closed tabs' kernels waited for the cull: "
        "no beacon?")
    assert set(beaconed) - culled, "no closed tab's beacon shut its kernel"
    assert set(crashed) <= culled, "a crashed tab's kernel was not culled"
    assert opened == PAGES and len(beaconed) == PAGES - len(crashed)
    one_kernel = before_rss / POOL
    print(f"{PAGES} pages ({len(beaconed)} closed, {len(crashed)} crashed): pool of {POOL} "
          f"kernels {before_rss / 2**20:.0f} MB before, {after_rss / 2**20:.0f} MB after")
    assert after_rss <= before_rss + one_kernel / 2, (
        f"kernels' memory {before_rss / 2**20:.0f} MB before, {after_rss / 2**20:.0f} MB after")
    wait_for("the probe's kernel gone", lambda: len(kernels(server)) == POOL, seconds=60)


def test_kernels_counts_only_this_servers_kernels(kernel_server: VoilaServer) -> None:
    """The measure above is the server's own kernels: each one's connection file is in the
    server's connection folder, and there is one kernel per app in the pool at rest."""
    found = kernels(kernel_server)
    assert found and all(k.ppid() == kernel_server.process.pid for k in found)
    files = [json.dumps(k.cmdline()) for k in found]
    assert all("voila_" in f for f in files)

"""The hub in a real browser: logins, each coordinator on her own site, the funder on
aggregates, the audit naming the logged-in user, and every door that must stay shut.

One hub (``hub`` in conftest.py) on 127.0.0.1 with two coordinators of two sites (anna:
Vollsmose by name, birgit: Tingbjerg by id), a funder (frida), an approved user in no group
(nils) and a sign-up the admin never approved (carl).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from conftest import PROGRAMME, USERS, Hub
from mentorkit.hub.identity import text as hub_text
from mentorkit.ui import labels

MEMORY_BUDGET_MB = 400
PAGE_ERRORS = ("There was an error when executing cell", "Traceback (most recent call last)")


def query(hub: Hub, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(hub.db) as conn:
        rows = conn.execute(sql, args).fetchall()
    conn.close()
    return rows


class Session:
    """One person's browser (its own cookies) on the hub."""

    def __init__(self, browser: Any, hub: Hub) -> None:
        self.hub = hub
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           locale="en-GB")
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def login(self, name: str, password: str | None = None) -> Any:
        """Log in through the hub's form; the response of the form's POST."""
        self.page.goto(self.hub.url + "hub/login")
        self.page.fill("#username_input", name)
        self.page.fill("#password_input", password or USERS[name].password)
        with self.page.expect_response(lambda r: r.request.method == "POST") as posted:
            self.page.click("#login_submit")
        self.page.wait_for_load_state()
        return posted.value

    def app(self, user: str, app: str, **query: str) -> str:
        """Open an app on ``user``'s server (waiting for the server to start); its text."""
        q = "?" + "&".join(f"{k}={v}" for k, v in {"lang": "en", **query}.items())
        self.page.goto(f"{self.hub.url}user/{user}/voila/render/{app}.ipynb{q}",
                       wait_until="commit")
        self.page.wait_for_selector(".mk-ready, .mk-fatal", timeout=180_000)
        body = str(self.page.inner_text("body"))
        assert not [t for t in PAGE_ERRORS if t in body], body[:2000]
        assert self.page.locator(".mk-fatal").count() == 0
        return body

    def get(self, path: str, redirects: int = 0) -> Any:
        """A request with this browser's cookies (no redirect followed by default)."""
        return self.context.request.get(self.hub.url + path, max_redirects=redirects)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any, hub: Hub) -> Iterator[Any]:
    made: list[Session] = []

    def new() -> Session:
        made.append(Session(browser, hub))
        return made[-1]

    yield new
    for s in made:
        assert not s.errors, f"page errors: {s.errors}"
        s.close()


def server_memory_mb(hub: Hub, user: str) -> float:
    """Resident memory of ``user``'s server and every process it started (its kernels)."""
    state = hub.client().api("GET", f"users/{user}")["servers"][""]["state"]
    root = psutil.Process(int(state["pid"]))
    procs = [root, *root.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs) / 2**20


@pytest.mark.parametrize("user", ["anna", "birgit"])
def test_a_coordinator_sees_and_edits_only_her_sites_people_as_herself(
        hub: Hub, session: Any, user: str) -> None:
    programme = PROGRAMME[user]
    own = {r[0] for r in query(hub, "SELECT id FROM person WHERE programme_id = ?", programme)}
    others = query(hub, "SELECT id, first_name, last_name FROM person "
                        "WHERE programme_id != ? AND first_name IS NOT NULL", programme)
    s = session()
    assert s.login(user).status == 302
    home = s.app(user, "home")
    assert f"{labels.t('home.coordinator', 'en')}: {user}" in home   # the hub's name, not a box
    assert s.page.locator(".mk-save-name").count() == 0
    memory = server_memory_mb(hub, user)
    print(f"\n{user}: idle coordinator's server with Home open: {memory:.0f} MB")
    assert memory < MEMORY_BUDGET_MB

    body = s.app(user, "intake")
    options = s.page.locator(".mk-found select option").all_inner_texts()
    shown = {int(m) for o in options for m in re.findall(r"#(\d+)", o)}
    assert shown and shown <= own
    assert not [f"{f} {ln}" for _i, f, ln in others if f"{f} {ln}" in body]
    # asking for another site in the address changes nothing: the server's scope holds
    other = "Tingbjerg" if user == "anna" else "Vollsmose"
    body = s.app(user, "intake", programme=other)
    options = s.page.locator(".mk-found select option").all_inner_texts()
    assert {int(m) for o in options for m in re.findall(r"#(\d+)", o)} <= own
    assert not [f"{f} {ln}" for _i, f, ln in others if f"{f} {ln}" in body]

    person = max(shown)
    s.page.select_option(".mk-found select", label=next(o for o in options if f"#{person})" in o))
    s.page.click(".mk-open")
    s.page.wait_for_function(
        "() => document.querySelector('.mk-input-first_name input')?.value !== ''")
    value = f"Hub test {user}"
    s.page.fill(".mk-input-profession input", value)
    s.page.locator(".mk-input-profession input").press("Tab")
    s.page.click(".mk-save")
    s.page.locator(".mk-message .mk-msg-ok").wait_for()
    assert query(hub, "SELECT profession, programme_id FROM person WHERE id = ?", person) \
        == [(value, programme)]
    rows = query(hub, "SELECT actor, fields FROM audit WHERE table_name = 'person' AND "
                      "row_id = ? AND action = 'update' ORDER BY id DESC LIMIT 1", person)
    assert rows and rows[0][0] == user and "profession" in json.loads(rows[0][1])


def test_the_funder_sees_suppressed_aggregates_only(hub: Hub, session: Any) -> None:
    s = session()
    assert s.login("frida").status == 302
    body = s.app("frida", "overview")
    s.page.locator(".mk-app:has-text('Drawing the charts')").wait_for(state="detached")
    body = s.page.inner_text("body")
    assert labels.t("overview.suppressed", "en", k=5) in body
    names = query(hub, "SELECT first_name || ' ' || last_name FROM person "
                       "WHERE first_name IS NOT NULL")
    assert not [n for (n,) in names if n in body]
    refused = s.app("frida", "caseload")
    assert "Caseload is for coordinators; your role is funder." in refused
    assert s.page.locator(".mk-app table, .mk-app select[multiple]").count() == 0


def test_jupyterlab_is_for_the_researcher_only(hub: Hub, session: Any) -> None:
    researcher = session()
    assert researcher.login("rita").status == 302
    researcher.page.goto(hub.url + "user/rita/lab", timeout=180_000)
    researcher.page.wait_for_selector("#jp-main-dock-panel, .jp-LabShell", timeout=120_000)
    assert researcher.get("user/rita/api/contents/notebooks").status == 200
    coordinator = session()
    assert coordinator.login("anna").status == 302
    coordinator.app("anna", "home")
    for path in ("user/anna/lab", "user/anna/tree", "user/anna/terminals/1"):
        assert coordinator.get(path).status == 404, path
    for path in ("user/anna/api/contents", "user/anna/files/home.ipynb",
                 "user/anna/api/sessions"):
        assert coordinator.get(path).status == 403, path
    assert coordinator.context.request.post(
        hub.url + "user/anna/api/kernels", data="{}", max_redirects=0).status == 403


def test_a_wrong_password_and_an_unapproved_sign_up_are_refused(hub: Hub, session: Any) -> None:
    s = session()
    wrong = s.login("anna", "not-her-password")
    assert wrong.status == 200 and "/hub/login" in s.page.url
    assert "Invalid username or password." in s.page.inner_text(".login_error")
    still_out = s.get("user/anna/voila/render/home.ipynb", redirects=10)
    assert "/hub/login?next=" in still_out.url and 'name="password"' in still_out.text()
    waiting = s.login("carl")
    assert waiting.status == 200 and "/hub/login" in s.page.url
    assert "has not been authorized by an administrator yet" in s.page.inner_text(".login_error")
    assert not [c for c in s.context.cookies() if c["name"] == "jupyterhub-hub-login"]


def test_a_user_in_no_group_gets_no_server_and_is_told_why(hub: Hub, session: Any) -> None:
    s = session()
    s.login("nils")
    response = s.page.goto(hub.url + "hub/spawn")
    assert response.status == 403
    assert hub_text("refused.no_group", "en") in s.page.inner_text("body")
    assert hub.client().api("GET", "users/nils")["servers"] == {}


def test_a_logged_out_browser_and_another_users_server_or_kernel_are_refused(
        hub: Hub, session: Any) -> None:
    owner = session()
    assert owner.login("birgit").status == 302
    owner.app("birgit", "home")
    kernels = owner.get("user/birgit/api/kernels")
    assert kernels.status == 200
    kernel = kernels.json()[0]["id"]
    contents = owner.get("user/birgit/api/contents")
    assert contents.status == 403                      # her own files: not for a coordinator

    nobody = session()
    page = nobody.get("user/birgit/voila/render/home.ipynb", redirects=5)
    assert page.status == 200 and "/hub/login" in page.url
    assert 'name="password"' in page.text() and "mk-ready" not in page.text()
    assert nobody.get(f"user/birgit/api/kernels/{kernel}").status in (302, 403)

    other = session()
    assert other.login("anna").status == 302
    for path in ("user/birgit/voila/render/home.ipynb", "user/birgit/api/kernels",
                 f"user/birgit/api/kernels/{kernel}", f"user/birgit/api/kernels/{kernel}/channels"):
        answer = other.get(path, redirects=10)
        assert answer.status == 403, (path, answer.status, answer.url)
        assert "mk-ready" not in answer.text() and kernel not in answer.text()
    other.page.goto(hub.url + "user/birgit/voila/render/home.ipynb")
    assert other.page.locator(".mk-ready").count() == 0
    assert "403" in other.page.inner_text("body")

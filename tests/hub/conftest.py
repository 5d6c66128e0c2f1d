"""Fixtures for the hub: its parts installed, a hub with users and groups.

``hub`` starts one JupyterHub for the module (mentorkit's configuration, NativeAuthenticator,
SimpleLocalProcessSpawner, configurable-http-proxy from ``scripts/hub-deps.sh``) on free
loopback ports over a fresh demo database, signs up an admin, and makes the accounts of
:data:`USERS` through the hub itself: created and put in groups with the REST API (an admin
service token), signed up with the hub's form, approved by the admin. Whatever is missing
(node, npm, the proxy, JupyterHub) is installed by the project's scripts or the test fails
saying how to install it: it never skips. Chromium is the run's one ``browser``
(``tests/conftest.py``), which fails the same way when it is missing.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mentorkit.store import Store
from mentorkit.synth import generate

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"
DEPS = ROOT / "scripts" / "hub-deps.sh"


@dataclass(frozen=True)
class Account:
    """A hub account of the test: name, password, groups, approved by the admin or not."""

    name: str
    groups: tuple[str, ...]
    approved: bool = True
    password: str = field(default_factory=lambda: "pw-" + secrets.token_urlsafe(12))


USERS = {
    "anna": Account("anna", ("coordinator", "site:vollsmose")),
    "birgit": Account("birgit", ("coordinator", "site:3")),        # Tingbjerg, by its id
    "frida": Account("frida", ("funder",)),
    "rita": Account("rita", ("researcher",)),
    "nils": Account("nils", ()),                                     # approved, in no group
    "carl": Account("carl", ("coordinator", "site:vollsmose"), approved=False),
}
#: The programme (id) each coordinator of USERS works on.
PROGRAMME = {"anna": 1, "birgit": 3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_hub_parts() -> None:
    """node, npm and configurable-http-proxy (by scripts/hub-deps.sh), JupyterHub and its
    plug-ins, Chromium: present, or a failure naming what to install."""
    done = subprocess.run(["sh", str(DEPS)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{DEPS} could not install node, npm or configurable-http-proxy:\n"
                    f"{done.stderr[-2000:]}", pytrace=False)
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
        import nativeauthenticator  # noqa: F401
    except ImportError as e:
        pytest.fail(f"{e.name} is missing: pip install -e '.[hub]' (jupyterhub, "
                    "jupyterhub-nativeauthenticator, jupyterhub-idle-culler)", pytrace=False)


@dataclass
class Hub:
    """A running hub: address, database, state folder, admin token, log."""

    url: str
    db: Path
    state: Path
    token: str
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> str:
        return (self.state / "jupyterhub.log").read_text(encoding="utf-8", errors="replace")

    def client(self) -> Any:
        from mentorkit.hub.client import HubClient

        return HubClient(self.url, token=self.token)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub with the accounts of :data:`USERS` (see the module's docstring)."""
    ensure_hub_parts()
    from mentorkit.hub.client import HubClient
    from mentorkit.hub.launch import prepare, start

    work = tmp_path_factory.mktemp("hub")
    db = work / "demo.db"
    with Store.open(str(db), actor="synth") as store:
        store.load(generate(seed=0))
    token = secrets.token_hex(32)
    port = free_port()
    config = prepare(work / "state", db, port=port, hub_port=free_port(),
                     proxy_api_port=free_port(), api_token=token, demo=False)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MENTORKIT_", "JUPYTERHUB_", "VOILA_"))}
    env.update({"MENTORKIT_TODAY": TODAY, "MENTORKIT_DB": str(db)})
    process = start(config, work / "state" / "jupyterhub.log", env=env)
    running = Hub(f"http://127.0.0.1:{port}/", db, work / "state", token, process)
    try:
        HubClient(running.url).wait_ready(120)
        admin = HubClient(running.url)
        admin_password = "pw-" + secrets.token_urlsafe(12)
        admin.signup("admin", admin_password)
        assert admin.login("admin", admin_password), running.log[-3000:]
        api = running.client()
        for account in USERS.values():
            api.add_user(account.name, list(account.groups))
            HubClient(running.url).signup(account.name, account.password)
            if account.approved:
                admin.approve(account.name)
        yield running
    finally:
        running.stop()

"""The hub's configuration: JupyterHub in front of the dashboards, one server per user.

:func:`configure` fills a JupyterHub config object (the ``c`` of ``jupyterhub_config.py``):

- the hub and its proxy (configurable-http-proxy) on 127.0.0.1 only, state (the hub's own
  SQLite database, cookie secret, proxy pid) in ``state_dir``;
- NativeAuthenticator (:mod:`mentorkit.hub.native`, made to work on JupyterHub 6): passwords
  (bcrypt), sign-up open but a new account can log in only once an administrator approves it
  (``/hub/authorize``); the first admin is ``admin``;
- each user's server is started by :data:`SPAWNER` (JupyterHub's SimpleLocalProcessSpawner:
  every server runs as the hub's own system user, in its own folder
  ``state_dir/users/<name>``; a real server uses ``spawner="localprocess"`` with one system
  account per user, see docs/hub.md) and runs :mod:`mentorkit.hub.singleuser` (Voilà on the
  dashboards inside jupyterhub-singleuser);
- before a server starts, :func:`pre_spawn_hook` reads the user's hub groups and puts their
  role, programmes and name into the server's environment (:mod:`mentorkit.hub.identity`);
  a user in no group gets no server and the hub shows why;
- jupyterhub-idle-culler as a hub service stops servers idle for ``cull_seconds``.

Example
-------
>>> from traitlets.config import Config
>>> c = Config()
>>> configure(c, state_dir="/tmp/hub", db="/tmp/hub/demo.db", port=8000)
>>> c.JupyterHub.ip, c.NativeAuthenticator.open_signup, c.JupyterHub.authenticator_class
('127.0.0.1', False, 'mentorkit.hub.native.MentorkitAuthenticator')
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from mentorkit.config import Settings
from mentorkit.hub.database import server_database
from mentorkit.hub.identity import HubRefused, hub_identity, spawn_environment

__all__ = ["ADMIN", "CULL_SECONDS", "SPAWNER", "configure", "pre_spawn_hook", "proxy_command"]

ADMIN = "admin"
CULL_SECONDS = 3600
SPAWNER = "jupyterhub.spawner.SimpleLocalProcessSpawner"
ROOT = Path(__file__).resolve().parents[2]
#: Variables of the hub's environment a user's server gets as they are (when set).
PASSED_ON = ("MENTORKIT_DB", "MENTORKIT_LANG", "MENTORKIT_TODAY", "MENTORKIT_MIN_CELL",
             "MENTORKIT_PSEUDONYM_KEY", "MENTORKIT_KERNEL_CULL_SECONDS")


def proxy_command(prefix: str | os.PathLike[str] | None = None) -> list[str]:
    """configurable-http-proxy as installed by ``scripts/hub-deps.sh`` (in ``build/node``),
    else the one on the PATH.

    Example
    -------
    >>> proxy_command("/nowhere")[-1].endswith("configurable-http-proxy")
    True
    """
    local = Path(prefix or ROOT / "build" / "node") / "node_modules" / ".bin" \
        / "configurable-http-proxy"
    return [str(local)] if local.exists() else ["configurable-http-proxy"]


def pre_spawn_hook(spawner: Any) -> None:
    """Give the user's server the role, programmes and actor of the user's hub groups.

    When the groups give nothing (:class:`HubRefused`), raises tornado's ``HTTPError(403)``
    with ``jupyterhub_message`` set to the reason in the hub's language: the hub passes it
    through, shows it on a 403 page and starts no server.
    """
    from mentorkit.store import Store

    env = dict(spawner.environment)
    settings = Settings.from_env({k: v for k, v in env.items() if isinstance(v, str)})
    groups = [g.name for g in spawner.user.groups]
    store = Store.open(env.get("MENTORKIT_DB") or None)
    try:
        programmes = store.table("programme")
    finally:
        store.close()
    try:
        identity = hub_identity(groups, programmes, settings.language)
        db = server_database(env.get("MENTORKIT_DB") or settings.database_url, identity,
                             env.get("MENTORKIT_HUB_SITE_PASSWORDS"), settings.language)
    except HubRefused as refused:
        from tornado.web import HTTPError

        spawner.log.warning("no server for %s: %s", spawner.user.name, refused.key)
        error = HTTPError(403, "no mentorkit role: %s", refused.key)
        error.jupyterhub_message = str(refused)  # type: ignore[attr-defined]
        raise error from refused
    env.update(spawn_environment(spawner.user.name, identity))
    env["MENTORKIT_DB"] = db
    env.pop("MENTORKIT_HUB_SITE_PASSWORDS", None)  # the other sites' passwords stay with the hub
    spawner.environment = env


def configure(c: Any, *, state_dir: str | os.PathLike[str], db: str, port: int = 8000,
              hub_port: int = 8081, proxy_api_port: int = 8001, lang: str = "en",
              spawner: str = SPAWNER, cull_seconds: int = CULL_SECONDS,
              api_token: str | None = None, admin: str = ADMIN,
              site_passwords: str | os.PathLike[str] | None = None) -> None:
    """Fill the JupyterHub config ``c`` (see the module's docstring).

    ``api_token``, when given, is the token of a service ``mentorkit-admin`` that may manage
    users, groups and servers through the hub's REST API (for scripts and tests).
    ``site_passwords``: on PostgreSQL, the folder of the sites' database passwords; each
    coordinator's server then uses her site's own role (:mod:`mentorkit.hub.database`).
    """
    state = Path(state_dir).resolve()
    hub = c.JupyterHub
    hub.ip = "127.0.0.1"
    hub.port = port
    hub.hub_ip = "127.0.0.1"
    hub.hub_port = hub_port
    hub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    hub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    hub.pid_file = str(state / "jupyterhub.pid")
    hub.cleanup_servers = True
    hub.authenticator_class = "mentorkit.hub.native.MentorkitAuthenticator"
    c.ConfigurableHTTPProxy.command = proxy_command()
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
    c.ConfigurableHTTPProxy.should_start = True

    auth = c.NativeAuthenticator
    c.Authenticator.admin_users = {admin}
    c.Authenticator.allow_all = True       # NativeAuthenticator's approval decides who logs in
    c.Authenticator.manage_groups = False  # groups are set by an admin in the hub
    auth.open_signup = False
    auth.enable_signup = True
    auth.minimum_password_length = 10
    auth.check_common_password = True
    auth.allowed_failed_logins = 5
    auth.seconds_before_next_try = 60
    hub.load_groups = {name: {"users": []} for name in ("coordinator", "researcher", "funder")}

    sp = c.Spawner
    hub.spawner_class = spawner
    sp.cmd = [sys.executable, "-m", "mentorkit.hub.singleuser"]
    sp.ip = "127.0.0.1"
    sp.start_timeout = 120
    sp.http_timeout = 120
    env = {k: os.environ[k] for k in PASSED_ON if os.environ.get(k)}
    env.update({"MENTORKIT_DB": db, "MENTORKIT_LANG": lang,
                "MENTORKIT_DASHBOARDS": str(ROOT / "dashboards"),
                "JUPYTERHUB_DISABLE_USER_CONFIG": "1"})
    if site_passwords:
        env["MENTORKIT_HUB_SITE_PASSWORDS"] = str(Path(site_passwords).resolve())
    sp.environment = env
    sp.pre_spawn_hook = pre_spawn_hook
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "users" / "{username}")

    roles = [{"name": "idle-culler", "services": ["idle-culler"],
              "scopes": ["list:users", "read:users:activity", "read:servers",
                         "delete:servers"]}]
    services: list[dict[str, Any]] = [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={cull_seconds}", f"--cull-every={max(60, cull_seconds // 10)}"],
    }]
    if api_token:
        services.append({"name": "mentorkit-admin", "api_token": api_token})
        roles.append({"name": "mentorkit-admin", "services": ["mentorkit-admin"],
                      "scopes": ["admin:users", "admin:groups", "admin:servers",
                                 "admin:server_state", "read:users", "list:users"]})
    hub.services = services
    hub.load_roles = roles

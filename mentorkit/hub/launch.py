"""``make hub``: a hub on 127.0.0.1 over the demo database, with a first admin.

:func:`prepare` makes the state folder (``build/hub``: the hub's own database, cookie secret,
users' folders), the demo database when missing, and ``jupyterhub_config.py`` there (it calls
:func:`mentorkit.hub.config.configure`). :func:`main` starts JupyterHub, waits for it, signs
the admin up with a generated password the first time and prints it (once: it is not kept;
delete ``build/hub`` to start over), then waits until Ctrl-C.

Example
-------
>>> import tempfile, pathlib
>>> state = pathlib.Path(tempfile.mkdtemp())
>>> prepare(state, state / "demo.db", port=8000, demo=False).name
'jupyterhub_config.py'
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from mentorkit.files import write_private
from mentorkit.hub.client import HubClient
from mentorkit.hub.config import ADMIN, ROOT

__all__ = ["main", "prepare", "start"]


def prepare(state: Path, db: Path, *, port: int = 8000, hub_port: int = 8081,
            proxy_api_port: int = 8001, lang: str = "en", api_token: str | None = None,
            demo: bool = True) -> Path:
    """The state folder, the demo database (``demo``) and the hub's config file; its path."""
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    if demo and not db.exists():
        subprocess.run([sys.executable, "-m", "mentorkit", "demo", "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL)
    args = (f"state_dir={str(state)!r}, db={str(db)!r}, port={port}, hub_port={hub_port}, "
            f"proxy_api_port={proxy_api_port}, lang={lang!r}")
    if api_token:
        args += f", api_token={api_token!r}"
    config = state / "jupyterhub_config.py"
    write_private(config, ("# Written by mentorkit.hub.launch; see docs/hub.md.\n"
                           "from mentorkit.hub.config import configure\n\n"
                           f"configure(c, {args})  # noqa: F821\n").encode())
    return config


def start(config: Path, log: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start JupyterHub on ``config`` in its own process group (stop it with its pid);
    ``env`` (default: this process's) is the hub's environment."""
    hub = Path(sys.executable).with_name("jupyterhub")
    base = dict(os.environ if env is None else env)
    env = {**base, "PATH": f"{Path(sys.executable).parent}:{base.get('PATH', '')}"}
    if log is None:
        return subprocess.Popen([str(hub), "-f", str(config)], cwd=config.parent, env=env,
                                start_new_session=True)
    with open(log, "ab") as out:  # the child keeps its own copy of the file
        return subprocess.Popen([str(hub), "-f", str(config)], cwd=config.parent, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def main(argv: list[str] | None = None) -> None:
    """Start the hub (see the module's docstring); ``--port``, ``--state``, ``--db``."""
    parser = argparse.ArgumentParser(prog="python -m mentorkit.hub")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--hub-port", type=int, default=8081, help="the hub's internal API")
    parser.add_argument("--proxy-api-port", type=int, default=8001)
    parser.add_argument("--state", type=Path, default=ROOT / "build" / "hub")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--lang", default="en")
    opts = parser.parse_args(argv)
    state = opts.state.resolve()
    db = (opts.db or state / "demo.db").resolve()
    first = not (state / "jupyterhub.sqlite").exists()
    config = prepare(state, db, port=opts.port, hub_port=opts.hub_port,
                     proxy_api_port=opts.proxy_api_port, lang=opts.lang)
    process = start(config, state / "jupyterhub.log")
    url = f"http://127.0.0.1:{opts.port}/"

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # a SIGTERM stops the hub the way Ctrl-C does

    signal.signal(signal.SIGTERM, _stop)
    try:
        HubClient(url).wait_ready(120)
        if first:
            password = secrets.token_urlsafe(12)
            HubClient(url).signup(ADMIN, password)
            print(f"Hub: {url}  admin: {ADMIN}  password: {password}  (shown once)")
        else:
            print(f"Hub: {url}  (admin {ADMIN!r} was created at the first start; delete "
                  f"{state} to start over)")
        print(f"Log: {state / 'jupyterhub.log'}. Approve sign-ups at {url}hub/authorize, "
              f"put users in groups at {url}hub/admin. Stop with Ctrl-C.")
        process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()

"""A hub user's server: Voilà on the dashboards inside ``jupyterhub-singleuser``.

The hub starts ``python -m mentorkit.hub.singleuser`` with the user's role, programmes and
name in the environment (:func:`mentorkit.hub.config.pre_spawn_hook`). :func:`server_config`
turns the role into jupyter_server settings, written to the user's folder and handed to
``jupyterhub-singleuser`` (jupyter_server with JupyterHub's login extension: only the user
who owns the server, or a hub admin, gets in):

- every role: Voilà as a server extension, opening on Home (``/voila/render/home.ipynb``),
  sources stripped, no tracebacks, no file served raw, the dashboards' own kernel websocket
  (:mod:`mentorkit.ui.kernel_socket`), kernels with no page culled after
  :func:`mentorkit.ui.serve.cull_seconds`;
- coordinator and funder: no JupyterLab, no terminals, only ``dashboards/`` as the server's
  folder, and of the server's own API only what the pages need
  (:mod:`mentorkit.hub.authorizer`: no files read or written, no kernel started from outside);
- researcher: JupyterLab too, on the repository's ``notebooks/`` (and the dashboards).

Voilà's server extension has no pool of pre-heated kernels (only the standalone ``voila``
application has one): each page starts its kernel, about two seconds more than a pooled
page, and an idle user costs the server plus the kernels of the pages open (docs/hub.md).

Example
-------
>>> cfg = server_config("funder", "/srv/mentorkit")
>>> cfg["ServerApp"]["jpserver_extensions"]["jupyterlab"], cfg["ServerApp"]["default_url"]
(False, '/voila/render/home.ipynb')
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from mentorkit.files import write_private
from mentorkit.privacy.roles import Role, current_role

__all__ = ["main", "server_config"]

UI_EXTENSIONS = ("jupyterlab", "notebook", "notebook_shim", "jupyter_lsp",
                 "jupyter_server_terminals", "nbclassic")


def server_config(role: Role, root: str | os.PathLike[str]) -> dict[str, Any]:
    """The jupyter_server settings of a ``role``'s server over the repository at ``root``."""
    from mentorkit.ui.serve import cull_seconds

    researcher = role == "researcher"
    base = Path(root)
    extensions: dict[str, bool] = {name: researcher for name in UI_EXTENSIONS}
    extensions["voila"] = True
    cull = cull_seconds()
    return {
        "ServerApp": {
            "root_dir": str(base if researcher else base / "dashboards"),
            "default_url": "/voila/render/home.ipynb" if not researcher
            else "/voila/render/dashboards/home.ipynb",
            "jpserver_extensions": extensions,
            "terminals_enabled": researcher,
            "open_browser": False,
            # SimpleLocalProcessSpawner runs servers as the hub's user; in a container that is
            # root, which jupyter_server refuses unless told (a real server: docs/hub.md)
            "allow_root": os.geteuid() == 0,
            "authorizer_class": "mentorkit.hub.authorizer.DashboardAuthorizer",
            "kernel_websocket_connection_class":
                "mentorkit.ui.kernel_socket.DashboardKernelConnection",
        },
        "VoilaConfiguration": {
            "strip_sources": True, "show_tracebacks": False, "file_allowlist": [],
            "file_denylist": [".*"], "theme": "light",
        },
        "MappingKernelManager": {
            "cull_idle_timeout": cull, "cull_interval": max(1, min(60, cull // 5)),
            "cull_connected": False, "cull_busy": False,
        },
        "ContentsManager": {"allow_hidden": False},
    }


def main(argv: list[str] | None = None) -> None:
    """Start the user's server (run by the hub; see the module's docstring)."""
    user = os.environ.get("JUPYTERHUB_USER")
    if not user or not os.environ.get("MENTORKIT_ROLE"):
        raise SystemExit("mentorkit.hub.singleuser is started by the hub: JUPYTERHUB_USER and "
                         "MENTORKIT_ROLE must be set (see docs/hub.md)")
    role = current_role()
    root = Path(os.environ.get("MENTORKIT_DASHBOARDS", "dashboards")).resolve().parent
    folder = Path.cwd() / ".mentorkit"
    folder.mkdir(mode=0o700, exist_ok=True)
    config = folder / "jupyter_server_config.json"
    write_private(config, json.dumps(server_config(role, root), indent=1).encode())
    args = [sys.executable, "-m", "jupyterhub.singleuser", f"--config={config}",
            *(sys.argv[1:] if argv is None else argv)]
    os.execv(sys.executable, args)


if __name__ == "__main__":
    main()

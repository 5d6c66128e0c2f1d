"""Voilà settings for coordinators, applied by ``voila.py`` at the repository root.

``voila`` started in the repository folder reads ``voila.py``, which calls :func:`configure`:

- only ``dashboards/`` is served (it is the folder on the command line), no file from it is
  served raw (no notebook, no database, no ``..``), sources are stripped from the pages;
- no Python traceback reaches the browser (the apps show a short message with a reference;
  details, without personal data, go to the server log);
- bound to 127.0.0.1 on port 8866, and refusing any other address unless a token is given
  (``--Voila.token=…`` or ``MENTORKIT_VOILA_TOKEN``): Voilà has no login of its own;
- one pre-heated kernel per app, so a page opens in about a second; the apps read the page
  address's ``?programme=…&lang=…`` inside the kernel (as ``voila.utils.get_query_string``),
  which works with pre-heated kernels (papermill's prelaunch hook would not);
- kernels idle for 30 minutes with no page attached are shut down (pooled ones are kept).

``MENTORKIT_VOILA_PREHEAT=0`` turns pre-heating off (each page then starts its own kernel,
about two seconds more; useful on a machine short of memory: each kernel holds ~150 MB).

Example
-------
>>> from traitlets.config import Config
>>> c = Config()
>>> configure(c, argv=[])
>>> c.Voila.ip, c.VoilaConfiguration.show_tracebacks, c.VoilaConfiguration.preheat_kernel
('127.0.0.1', False, True)
"""

from __future__ import annotations

import os
import sys
from typing import Any, Sequence

__all__ = ["configure", "LOOPBACK", "PORT", "CULL_IDLE_SECONDS"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
PORT = 8866
CULL_IDLE_SECONDS = 1800


def _flag(argv: Sequence[str], *names: str) -> str | None:
    """The value of ``--name=value`` (last one wins) among ``argv``."""
    found = None
    for arg in argv:
        for name in names:
            if arg.startswith(f"--{name}="):
                found = arg.split("=", 1)[1].strip("'\"")
    return found


def configure(c: Any, argv: Sequence[str] | None = None) -> None:
    """Apply the coordinators' settings to a traitlets config ``c`` (see the module's docstring).

    Raises SystemExit when asked to listen beyond this machine without a token.
    """
    argv = sys.argv[1:] if argv is None else argv
    ip = _flag(argv, "Voila.ip", "ip") or "127.0.0.1"
    token = _flag(argv, "Voila.token", "token", "IdentityProvider.token") \
        or os.environ.get("MENTORKIT_VOILA_TOKEN")
    if ip not in LOOPBACK and not token:
        raise SystemExit(
            f"refusing to serve the dashboards on {ip}: they hold personal data and Voilà has "
            "no login. Serve on 127.0.0.1 (the default), or set a token "
            "(MENTORKIT_VOILA_TOKEN or --Voila.token=...) and use HTTPS in front.")
    c.Voila.ip = "127.0.0.1"
    c.Voila.port = PORT
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    if token:
        c.Voila.token = token
        c.IdentityProvider.token = token
    vc = c.VoilaConfiguration
    vc.strip_sources = True
    vc.show_tracebacks = False
    vc.file_allowlist = []
    vc.file_denylist = [r".*"]
    vc.theme = "light"
    preheat = os.environ.get("MENTORKIT_VOILA_PREHEAT", "1") != "0"
    vc.preheat_kernel = preheat
    vc.default_pool_size = 1 if preheat else 0
    mk = c.MappingKernelManager
    mk.cull_idle_timeout = CULL_IDLE_SECONDS
    mk.cull_interval = 300
    mk.cull_connected = False

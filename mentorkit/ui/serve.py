"""Voilà settings for coordinators, applied by ``voila.py`` at the repository root.

``voila`` started in the repository folder reads ``voila.py``, which calls :func:`configure`:

- only ``dashboards/`` is served (it is the folder on the command line), no file from it is
  served raw (no notebook, no database, no ``..``), sources are stripped from the pages;
- no Python traceback reaches the browser (the apps show a short message with a reference;
  details, without personal data, go to the server log);
- bound to 127.0.0.1 on port 8866, and refusing any other address (``--Voila.ip=…`` or
  ``--Voila.ip …``, also ``''``, which is every interface) unless a token is given
  (``--Voila.token=…``, ``--token`` or ``MENTORKIT_VOILA_TOKEN``): Voilà has no login of its
  own;
- one pre-heated kernel per app, so a page opens in about a second; the apps read the page
  address's ``?programme=…&lang=…`` inside the kernel (as ``voila.utils.get_query_string``),
  which works with pre-heated kernels (papermill's prelaunch hook would not);
- a kernel's websocket never hangs the server: :mod:`mentorkit.ui.kernel_socket` reads every
  message to a page within its own length (Voilà's handler misread the legacy protocol's
  binary messages and spun until the out-of-memory killer), still hides the cells' code, and
  drops a client that leaves more than ``MAX_UNSENT_BYTES`` unread; what a kernel sends while
  its page is away is buffered for the page's return up to 32 MB
  (:mod:`mentorkit.ui.kernel_buffer`), not without limit;
- no kernel left behind: a page that closes shuts its kernel down (its beacon needs the
  ``_xsrf`` cookie, which :mod:`mentorkit.ui.voila_identity` gives every dashboard page; XSRF
  protection stays on), and a kernel with no page attached for ``CULL_IDLE_SECONDS`` (5
  minutes; ``MENTORKIT_KERNEL_CULL_SECONDS``) is shut down; pooled kernels are kept.

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

import ipaddress
import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["configure", "LOOPBACK", "PORT", "CULL_IDLE_SECONDS", "cull_seconds", "options",
           "is_loopback"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
PORT = 8866
CULL_IDLE_SECONDS = 300
_IP = ("Voila.ip", "ServerApp.ip")
_TOKEN = ("Voila.token", "token", "IdentityProvider.token", "ServerApp.token")


def options(argv: Sequence[str]) -> dict[str, list[str | None]]:
    """Every ``name`` given on the command line with its values, in the forms traitlets reads
    (``--name=value``, ``--name value``, one dash or two; a bare ``--flag`` has None).

    Example
    -------
    >>> options(["dashboards", "--Voila.ip", "0.0.0.0", "-port=9", "--token"])
    {'Voila.ip': ['0.0.0.0'], 'port': ['9'], 'token': [None]}
    """
    found: dict[str, list[str | None]] = {}
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-") or arg in ("-", "--"):
            continue
        name, eq, given = arg.lstrip("-").partition("=")
        value: str | None = given
        if not eq:
            nxt = args[i] if i < len(args) else None
            value = None if nxt is None or nxt.startswith("-") else nxt
            i += value is not None
        found.setdefault(name, []).append(None if value is None else value.strip("'\" "))
    return found


def is_loopback(ip: str) -> bool:
    """True for an address only this machine can reach ('' means every interface).

    Example
    -------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback(""), is_loopback("::")
    (True, True, False, False)
    """
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False  # a host name, '' (all interfaces) or garbage: not provably local


def configure(c: Any, argv: Sequence[str] | None = None) -> None:
    """Apply the coordinators' settings to a traitlets config ``c`` (see the module's docstring).

    Raises SystemExit when asked to listen beyond this machine without a token.
    """
    given = options(sys.argv[1:] if argv is None else argv)
    ips = [v or "" for name in _IP for v in given.get(name, [])] or ["127.0.0.1"]
    tokens = [v for name in _TOKEN for v in given.get(name, [])]
    token = next((v for v in reversed(tokens) if v), None) \
        or os.environ.get("MENTORKIT_VOILA_TOKEN") or None
    auto = None in given.get("token", [])  # voila --token: Voilà makes one and prints it
    ip = next((v for v in ips if not is_loopback(v)), ips[-1])
    if not is_loopback(ip) and not (token or auto):
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
    # No kernel left behind (docs/dashboards.md, "Kernels"). Voilà's pages never get the _xsrf
    # cookie, so the shutdown beacon a closing page sends was refused ("403 POST
    # /voila/api/shutdown/…: '_xsrf' argument missing from POST", voila#1458) and each page
    # left ~130 MB behind. The identity provider sets the cookie on every dashboard page; the
    # XSRF check stays on. What no beacon reaches (a crashed tab, a lost network) is culled:
    # no page attached and idle for the cull time. Pooled kernels are never culled (Voilà's
    # kernel manager skips them), nor kernels with a page attached (cull_connected=False).
    c.Voila.identity_provider_class = "mentorkit.ui.voila_identity.DashboardIdentityProvider"
    cull = cull_seconds()
    mk = c.MappingKernelManager
    mk.cull_idle_timeout = cull
    mk.cull_interval = max(1, min(60, cull // 5))
    mk.cull_connected = False
    mk.cull_busy = False
    # A raw websocket to a kernel (no subprotocol: jupyter_server's legacy protocol) made
    # Voilà's handler read a binary message's 4-byte big-endian count as 8 bytes little-endian
    # and build a list of ~10^18 offsets: 100 % CPU, +45 MB/s until the OOM killer, no page
    # answered (issue 15). Our connection reads both protocols within the message's length,
    # still hides execute_input, and drops a client that leaves MAX_UNSENT_BYTES unread.
    c.Voila.kernel_websocket_connection_class = \
        "mentorkit.ui.kernel_socket.DashboardKernelConnection"
    # What a kernel sends while its page is away is kept for the page's return, but no longer
    # without limit (jupyter_server's list grows until the cull): 32 MB, then discarded.
    vc.multi_kernel_manager_class = "mentorkit.ui.kernel_buffer.DashboardKernelManager"


def cull_seconds() -> int:
    """Seconds a kernel with no page attached may stay idle: ``MENTORKIT_KERNEL_CULL_SECONDS``
    (a whole number from 1), else ``CULL_IDLE_SECONDS``.

    Example
    -------
    >>> cull_seconds() == CULL_IDLE_SECONDS or "MENTORKIT_KERNEL_CULL_SECONDS" in os.environ
    True
    """
    given = os.environ.get("MENTORKIT_KERNEL_CULL_SECONDS", "").strip()
    if not given:
        return CULL_IDLE_SECONDS
    if not given.isdigit() or int(given) < 1:
        raise SystemExit(f"MENTORKIT_KERNEL_CULL_SECONDS must be a whole number of seconds from "
                         f"1 (kernels with no page attached are shut down after it), not {given!r}")
    return int(given)

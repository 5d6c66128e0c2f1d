"""What a hub user may do on their own server, by role: the dashboards, and only them.

jupyterhub-singleuser lets the server's owner do anything jupyter_server offers: read and
write files through ``/api/contents`` and ``/files`` (the server's folder is the shared
``dashboards/``), start kernels and run code through ``/api/kernels`` and ``/api/sessions``,
change settings through ``/api/config``. :class:`DashboardAuthorizer` (JupyterHub's own
authorizer, which checks the hub's ``access:servers`` scope, plus a rule by role) lets a
coordinator or funder do only what the dashboards need: read and use the kernels the pages
started (their websocket), read the kernel specs and the server's status. Everything else is
a 403. A researcher keeps everything (JupyterLab, notebooks).

The role is the server's ``MENTORKIT_ROLE``, fixed by the hub when it started the server
(:func:`mentorkit.hub.config.pre_spawn_hook`).

Example
-------
>>> allowed("coordinator", "write", "contents"), allowed("coordinator", "execute", "kernels")
(False, True)
>>> allowed("researcher", "write", "contents")
True
"""

from __future__ import annotations

from typing import Any

from jupyterhub.singleuser.extension import JupyterHubAuthorizer  # type: ignore[import-untyped]

from mentorkit.privacy.roles import current_role

__all__ = ["DASHBOARD_ACTIONS", "DashboardAuthorizer", "allowed"]

#: (action, resource) pairs the dashboards' pages need on the server's own API.
DASHBOARD_ACTIONS = frozenset({("read", "kernels"), ("execute", "kernels"),
                               ("read", "kernelspecs"), ("read", "api")})


def allowed(role: str, action: str, resource: str) -> bool:
    """True when ``role`` may ``action`` (read, write, execute) on jupyter_server's
    ``resource`` (contents, kernels, sessions, terminals, config …)."""
    return role == "researcher" or (action, resource) in DASHBOARD_ACTIONS


class DashboardAuthorizer(JupyterHubAuthorizer):
    """JupyterHub's authorizer, then :func:`allowed` for the server's role."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if not allowed(current_role(), action, resource):
            self.log.warning("refused for the %s role: %s %s", current_role(), action, resource)
            return False
        return bool(super().is_authorized(handler, user, action, resource))

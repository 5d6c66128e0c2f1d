"""The identity provider of the dashboards' Voilà: jupyter_server's own (token, password, login
cookie), which also hands every dashboard page tornado's ``_xsrf`` cookie.

Why: when a page closes, Voilà's page script asks the server to shut the page's kernel down
(``navigator.sendBeacon`` to ``/voila/api/shutdown/<kernel>`` on ``beforeunload``) and puts
in that request the ``_xsrf`` value it reads from ``document.cookie``. jupyter_server's own
pages get that cookie because their templates read ``xsrf_token``; Voilà's pages never read
it, so the cookie is never set, the beacon carries an empty ``_xsrf`` and jupyter_server
refuses it::

    403 POST /voila/api/shutdown/0f9d68a3-…: '_xsrf' argument missing from POST

(voila-dashboards/voila#1458). Every page opened left its kernel (~130 MB) running.

Reading ``handler.xsrf_token`` while a dashboard page's GET is authenticated makes tornado set
the cookie, once per browser, exactly as a jupyter_server page does. The XSRF check itself is
untouched: every POST, PUT, PATCH and DELETE without a token must still echo the cookie's value,
which a page of another site can neither read nor send (``disable_check_xsrf`` stays off).
Culling (:func:`mentorkit.ui.serve.configure`) catches the pages whose beacon never arrives.

Example
-------
>>> issubclass(DashboardIdentityProvider, PasswordIdentityProvider)
True
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from jupyter_server.auth.identity import PasswordIdentityProvider, User

__all__ = ["DashboardIdentityProvider", "is_dashboard_page"]


def is_dashboard_page(handler: Any) -> bool:
    """True for the GET of a rendered dashboard (Voilà's ``VoilaHandler`` and its subclasses),
    the one response whose page later sends the shutdown beacon."""
    from voila.handler import VoilaHandler  # type: ignore[import-untyped]

    return bool(handler.request.method == "GET" and isinstance(handler, VoilaHandler))


class DashboardIdentityProvider(PasswordIdentityProvider):
    """jupyter_server's identity provider; a dashboard page it lets in also gets ``_xsrf``."""

    def get_user(self, handler: Any) -> Awaitable[User | None]:
        return self._get_user_with_xsrf_cookie(handler)

    async def _get_user_with_xsrf_cookie(self, handler: Any) -> User | None:
        found = super().get_user(handler)
        user: User | None = await found if isinstance(found, Awaitable) else found
        if user is not None and is_dashboard_page(handler):
            # tornado's xsrf_token reads current_user, which jupyter_server's prepare() sets to
            # this same user as soon as get_user returns: set it now so the token can be read.
            handler.current_user = user
            handler.xsrf_token  # noqa: B018 - reading it sets the cookie when the browser has none
        return user

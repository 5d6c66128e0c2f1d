"""NativeAuthenticator (passwords, sign-up, admin approval) made to work on JupyterHub 6.

NativeAuthenticator 1.3.0, its current release, logs in through a handler that times the
login with ``self.statsd``, which JupyterHub 6 removed: every login POST failed with
``AttributeError: 'LoginHandler' object has no attribute 'statsd'`` and a 500, and rendering
that error page failed too (``_render() got an unexpected keyword argument 'sync'``).
:class:`MentorkitAuthenticator` is NativeAuthenticator with a login handler that has a
no-op ``statsd`` and a ``_render`` that takes JupyterHub 6's extra arguments; everything
else (password hashing, approval, lock-out after failed logins) is NativeAuthenticator's.
Its ``c.NativeAuthenticator`` settings apply unchanged.

Example
-------
>>> issubclass(MentorkitAuthenticator, NativeAuthenticator)
True
"""

from __future__ import annotations

from typing import Any

from nativeauthenticator import NativeAuthenticator  # type: ignore[import-untyped]
from nativeauthenticator.handlers import (  # type: ignore[import-untyped]
    LoginHandler as NativeLoginHandler,
)

__all__ = ["LoginHandler", "MentorkitAuthenticator"]


class _Timer:
    def start(self) -> _Timer:
        return self

    def stop(self, send: bool = True) -> None:
        return None


class _NoStatsd:
    def timer(self, _name: str) -> _Timer:
        return _Timer()


class LoginHandler(NativeLoginHandler):
    """NativeAuthenticator's login page without JupyterHub 5's statsd."""

    statsd = _NoStatsd()

    def _render(self, login_error: str | None = None, username: str | None = None,
                **_ns: Any) -> Any:
        return super()._render(login_error=login_error, username=username)


class MentorkitAuthenticator(NativeAuthenticator):
    """NativeAuthenticator with :class:`LoginHandler` (see the module's docstring)."""

    def get_handlers(self, app: Any) -> list[tuple[str, Any]]:
        handlers: list[tuple[str, Any]] = super().get_handlers(app)
        return [(path, LoginHandler if handler is NativeLoginHandler else handler)
                for path, handler in handlers]

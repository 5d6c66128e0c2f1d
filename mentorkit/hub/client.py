"""Talking to a running hub: wait for it, sign up, approve, create users and groups.

Standard library only (``urllib``), so the launcher, the tests and the benchmark share it.
:class:`HubClient` posts the hub's own forms (``/hub/signup``, with the ``_xsrf`` value the
hub sets in its cookie) and calls its REST API (``/hub/api``) with a token.

Example
-------
>>> HubClient("http://127.0.0.1:8000/").api_url("users")
'http://127.0.0.1:8000/hub/api/users'
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from mentorkit.errors import MentorkitError

__all__ = ["HubClient", "HubError"]


class HubError(MentorkitError):
    """The hub did not answer as expected (what was asked and the status; no password)."""


@dataclass
class HubClient:
    """A hub at ``url`` (ending in ``/``), with an optional API ``token``."""

    url: str
    token: str | None = None
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def api_url(self, path: str) -> str:
        """The address of ``/hub/api/<path>``."""
        return urllib.parse.urljoin(self.url, "hub/api/" + path.lstrip("/"))

    def _open(self, request: urllib.request.Request, timeout: float = 30) -> tuple[int, str]:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        try:
            with opener.open(request, timeout=timeout) as r:
                return int(r.status), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return int(e.code), e.read().decode("utf-8", "replace")

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until ``/hub/login`` answers 200 (:class:`HubError` after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self._open(urllib.request.Request(self.url + "hub/login"), 5)[0] == 200:
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise HubError(f"the hub at {self.url} did not answer /hub/login in {timeout:.0f} s")

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the REST API; the decoded JSON answer (:class:`HubError` on a 4xx/5xx)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api_url(path), data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        status, text = self._open(request)
        if status >= 400:
            raise HubError(f"{method} /hub/api/{path}: HTTP {status}")
        return json.loads(text) if text.strip() else None

    def signup(self, username: str, password: str) -> str:
        """Sign ``username`` up through the hub's form; the page's text (it says whether the
        account waits for approval)."""
        status, text = self._form("hub/signup", {
            "username": username, "signup_password": password,
            "signup_password_confirmation": password})
        if status >= 400:
            raise HubError(f"sign-up of a user on {self.url}: HTTP {status}")
        return text

    def _form(self, path: str, fields: dict[str, str], timeout: float = 30) -> tuple[int, str]:
        """GET the hub's form at ``path``, then POST ``fields`` with its ``_xsrf`` value."""
        _status, page = self._open(urllib.request.Request(self.url + path), timeout)
        found = re.search(r'name="_xsrf" value="([^"]*)"', page)
        data = urllib.parse.urlencode({**fields, "_xsrf": found.group(1) if found else ""})
        return self._open(urllib.request.Request(self.url + path, data=data.encode()), timeout)

    def login(self, username: str, password: str) -> bool:
        """Log in through ``/hub/login`` (keeps the cookie); True when the hub let them in."""
        self._form("hub/login", {"username": username, "password": password})
        return any(c.name == "jupyterhub-hub-login" for c in self.jar)

    def approve(self, username: str) -> None:
        """Approve a signed-up account as the admin logged in with :meth:`login`
        (NativeAuthenticator's ``/hub/authorize/<name>``, which toggles: call it once)."""
        name = urllib.parse.quote(username)
        status, _text = self._open(urllib.request.Request(self.url + f"hub/authorize/{name}"))
        if status >= 400:
            raise HubError(f"approving an account: HTTP {status}")

    def add_user(self, username: str, groups: list[str]) -> None:
        """Create the hub user (if new) and put them in ``groups`` (created when missing)."""
        try:
            self.api("POST", f"users/{urllib.parse.quote(username)}")
        except HubError as e:
            if "409" not in str(e):
                raise
        for group in groups:
            g = urllib.parse.quote(group, safe="")
            try:
                self.api("POST", f"groups/{g}")
            except HubError as e:
                if "409" not in str(e):
                    raise
            self.api("POST", f"groups/{g}/users", {"users": [username]})

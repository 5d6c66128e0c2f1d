"""Who is working, on which programme, in which language, on which database, on which day.

An app's choices come, first found wins, from:

1. the page address under Voilà (``?programme=Vollsmose&lang=da``), also with pre-heated
   kernels (see :func:`_request_info`);
2. the notebook's ``parameters`` cell (papermill ``-p programme Vollsmose``);
3. the choice remembered from the coordinator's last app (a small JSON file, see
   :func:`prefs_path`), so the language and programme carry over between apps (a choice
   made in the header or given in the address is remembered);
4. the programme's own language, then ``MENTORKIT_LANG``.

A ``lang`` parameter that is not da, en or nl raises
:class:`~mentorkit.errors.UnknownLanguage`; one in the address is passed over, as an unknown
programme there is.

The database is never taken from the address (a link must not open another file): it is the
``db`` parameter or ``MENTORKIT_DB``. ``MENTORKIT_PROGRAMMES`` (names, comma separated) limits
the programmes a coordinator sees and writes to (the store enforces it); ``MENTORKIT_TODAY``
fixes "today" (for tests and demonstrations). ``MENTORKIT_ROLE`` (coordinator, researcher or
funder; see :mod:`mentorkit.privacy.roles`) is the role every app runs under: only a coordinator
opens the apps that show or change people; researchers and funders see the programme overview
(suppressed aggregates) and a home page without names.

Outside Voilà (papermill, nbval, tests) names and contact details are not shown (people
appear as "Mentee #12"), so executed notebooks carry no personal data; set
``MENTORKIT_SHOW_PERSONAL=1`` to override (for coordinators only: a researcher or funder never
sees a name).

Under JupyterHub (``JUPYTERHUB_USER`` set by the hub, see :mod:`mentorkit.hub`) the actor is
the logged-in user, whatever the preferences or a page say; role and programmes come from the
server's environment, which the hub set from the user's groups.

Example
-------
>>> ctx = Context.open(":memory:", programme="", lang="nl")
>>> ctx.lang, ctx.programme_id is None, ctx.role
('nl', True, 'coordinator')
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pandas as pd

from mentorkit import vocab
from mentorkit.casework import rules
from mentorkit.config import Settings
from mentorkit.i18n import check_lang, is_lang
from mentorkit.privacy.roles import CAPABILITIES, Role, current_role
from mentorkit.store import Store
from mentorkit.ui import labels
from mentorkit.vocab import LANGS, Lang

__all__ = ["Context", "hub_user", "running_in_voila", "query_params", "prefs_path", "load_prefs",
           "save_prefs", "LANGS"]

QUERY_KEYS = frozenset({"programme", "lang", "mentee", "match", "person", "event"})


def running_in_voila() -> bool:
    """True inside a kernel Voilà started (it sets ``VOILA_PREHEAT`` in both modes)."""
    return "VOILA_PREHEAT" in os.environ


def hub_user() -> str | None:
    """The JupyterHub user this server runs for (``JUPYTERHUB_USER``, set by the hub), else None.

    Under the hub the logged-in user is the actor of every write, and no name typed on a page
    or remembered in the preferences replaces it (docs/hub.md).
    """
    return os.environ.get("JUPYTERHUB_USER", "").strip() or None


def _request_info() -> dict[str, str]:
    """The request's CGI-style variables (``QUERY_STRING`` …) in a pre-heated Voilà kernel.

    A pre-heated kernel runs the notebook before anyone asks for the page; Voilà hands it the
    request over a websocket once a coordinator opens the address. This reads that message the
    way ``voila.utils.wait_for_request`` does, without importing ``voila`` in the kernel
    (which pulls in jupyter_server and costs seconds per page).
    """
    kernel = os.environ.get("VOILA_KERNEL_ID")
    if os.environ.get("VOILA_PREHEAT") != "True" or not kernel:
        return {}
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    url = (f"{os.environ.get('VOILA_WS_PROTOCOL', 'ws')}://"
           f"{os.environ.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{os.environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/{kernel}")
    try:
        with connect(url, open_timeout=10) as ws:
            info = json.loads(ws.recv())
    except (OSError, TimeoutError, ValueError, WebSocketException):
        return {}
    info = {str(k): str(v) for k, v in info.items()}
    os.environ.update(info)
    return info


def query_params() -> dict[str, str]:
    """The page address's parameters under Voilà (only the known keys), else ``{}``."""
    if not running_in_voila():
        return {}
    _request_info()
    text = os.environ.get("QUERY_STRING", "")
    return {k: v[-1] for k, v in parse_qs(text).items() if k in QUERY_KEYS and v}


def prefs_path() -> Path:
    """Where the remembered choices live: ``MENTORKIT_UI_PREFS`` or ~/.config/mentorkit."""
    env = os.environ.get("MENTORKIT_UI_PREFS")
    if env:
        return Path(env)
    return Path.home() / ".config" / "mentorkit" / "dashboards.json"


def load_prefs() -> dict[str, Any]:
    """The remembered choices (``{}`` when none or unreadable)."""
    try:
        data = json.loads(prefs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_prefs(**changes: Any) -> None:
    """Remember choices (programme, lang, coordinator) for the next app opened."""
    path = prefs_path()
    data = {**load_prefs(), **changes}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # remembering is a convenience; a read-only home must not stop the app


def _find(programmes: pd.DataFrame, wanted: Any) -> int | None:
    """The id of the programme named (or numbered) ``wanted``, if it is one of ``programmes``."""
    if wanted is None or str(wanted).strip() == "":
        return None
    text = str(wanted).strip()
    hit = programmes[programmes["name"].str.casefold() == text.casefold()]
    if hit.empty and text.isdigit():
        hit = programmes[programmes["id"] == int(text)]
    return int(hit["id"].iloc[0]) if len(hit) else None


def _default_programme(programmes: pd.DataFrame, today: dt.date) -> int | None:
    """The first programme still running, else the first one."""
    if programmes.empty:
        return None
    end = pd.to_datetime(programmes["end_date"])
    running = programmes[end.isna() | (end >= pd.Timestamp(today))]
    chosen = running if len(running) else programmes
    return int(chosen["id"].iloc[0])


@dataclass
class Context:
    """The state every app shares: store, programme, language, actor, today."""

    store: Store
    programmes: pd.DataFrame
    programme_id: int | None
    lang: Lang
    actor: str
    today: dt.date
    personal: bool
    params: dict[str, str] = field(default_factory=dict)
    role: Role = "coordinator"
    hub_user: str | None = None

    @classmethod
    def open(cls, db: str | None = "", programme: Any = "", lang: str = "",
             params: Mapping[str, Any] | None = None) -> Context:
        """Resolve the choices (see the module's docstring) and open the store."""
        settings = Settings.from_env()
        role = current_role()  # a malformed MENTORKIT_ROLE stops here: nothing is opened
        if lang:
            check_lang(lang)  # so does a wrong lang parameter (a wrong address is passed over)
        query = query_params()
        prefs = load_prefs()
        extra = {k: str(v) for k, v in (params or {}).items() if v not in (None, "")}
        extra.update({k: v for k, v in query.items() if k not in ("programme", "lang")})
        signed_in = hub_user()
        actor = signed_in or str(prefs.get("coordinator") or settings.actor)
        store = Store.open(db or None, actor=actor)
        today = rules.today()  # the same day the casework rules use
        programmes = store.table("programme")
        pid = (_find(programmes, query.get("programme")) or _find(programmes, programme)
               or _find(programmes, prefs.get("programme"))
               or _default_programme(programmes, today))
        chosen = next((x for x in (query.get("lang"), lang, prefs.get("lang")) if is_lang(x)),
                      None)
        if chosen is None and pid is not None:
            own = programmes.loc[programmes["id"] == pid, "language"].iloc[0]
            chosen = own if is_lang(own) else None
        personal = (running_in_voila() or os.environ.get("MENTORKIT_SHOW_PERSONAL") == "1") \
            and "personal_data" in CAPABILITIES[role]
        remember = {}
        if pid is not None and (query.get("programme") or programme):
            remember["programme"] = str(programmes.loc[programmes["id"] == pid, "name"].iloc[0])
        if chosen and (is_lang(query.get("lang")) or is_lang(lang)):
            remember["lang"] = chosen
        if running_in_voila() and remember and any(prefs.get(k) != v for k, v in remember.items()):
            save_prefs(**remember)
        return cls(store=store, programmes=programmes.reset_index(drop=True), programme_id=pid,
                   lang=chosen or settings.language, actor=actor, today=today,
                   personal=personal, params=extra, role=role, hub_user=signed_in)

    def may(self, capability: str | None) -> bool:
        """True when the configured role has ``capability`` (None: every role may).

        Example
        -------
        >>> ctx = Context.open(":memory:")
        >>> ctx.may("personal_data"), ctx.may(None)
        (True, True)
        """
        return capability is None or capability in CAPABILITIES.get(self.role, frozenset())

    @property
    def programme(self) -> dict[str, Any]:
        """The chosen programme's row (empty when the database has none)."""
        if self.programme_id is None:
            return {}
        row = self.programmes[self.programmes["id"] == self.programme_id]
        return {str(k): v for k, v in row.iloc[0].to_dict().items()} if len(row) else {}

    @property
    def programme_name(self) -> str:
        """The chosen programme's name ('' when none)."""
        return str(self.programme.get("name", ""))

    def t(self, key: str, **values: Any) -> str:
        """The label ``key`` in the current language."""
        return labels.t(key, self.lang, **values)

    def set_lang(self, lang: str) -> None:
        """Switch language and remember it (:class:`~mentorkit.errors.UnknownLanguage` for
        one that is not da, en or nl)."""
        self.lang = check_lang(lang)
        save_prefs(lang=lang)

    def set_programme(self, programme_id: int) -> None:
        """Switch programme and remember it."""
        if programme_id in set(self.programmes["id"]):
            self.programme_id = int(programme_id)
            save_prefs(programme=self.programme_name)

    def set_coordinator(self, name: str) -> None:
        """Record the coordinator's name as the actor of every later write, and remember it
        (under the hub the logged-in user stays the actor: nothing changes)."""
        name = name.strip()[:100]
        if name and self.hub_user is None:
            self.actor = name
            self.store.actor = name
            save_prefs(coordinator=name)

    def person_label(self, row: Mapping[str, Any]) -> str:
        """How a person is named on screen: their name in Voilà, "Mentee #12" elsewhere."""
        pid = row.get("id")
        role = row.get("role")
        erased = row.get("erased_at")
        if self.personal and (erased is None or pd.isna(erased)):
            parts = [str(row.get(k)) for k in ("first_name", "last_name")
                     if row.get(k) is not None and not pd.isna(row.get(k))]
            if parts:
                return f"{' '.join(parts)} (#{pid})"
        kind = vocab.ROLES.label(role, self.lang) \
            if isinstance(role, str) and role in vocab.ROLES else self.t("person")
        return f"{kind} #{pid}"

    def person_labels(self, people: pd.DataFrame) -> dict[int, str]:
        """:meth:`person_label` for every row of ``people`` at once, by id.

        Example
        -------
        >>> ctx = Context.open(":memory:")
        >>> ctx.person_labels(pd.DataFrame({"id": [3], "role": ["mentor"], "first_name": ["A"],
        ...     "last_name": ["B"], "erased_at": [pd.NaT]}))
        {3: 'Mentor #3'}
        """
        if people.empty:
            return {}
        ids = people["id"].astype(int)
        roles = people["role"].map(lambda r: vocab.ROLES.label(r, self.lang)
                                   if r in vocab.ROLES else self.t("person"))
        out = roles.str.cat(ids.astype(str), sep=" #")
        if self.personal:
            first = people["first_name"].fillna("").astype(str)
            last = people["last_name"].fillna("").astype(str)
            names = (first + " " + last).str.strip()
            shown = names.ne("") & people["erased_at"].isna()
            out = out.where(~shown, names + " (#" + ids.astype(str) + ")")
        return dict(zip(ids.tolist(), out.tolist()))

    def link(self, app: str, **extra: Any) -> str:
        """A relative link to another app on this programme and language."""
        from urllib.parse import urlencode

        query = {"programme": self.programme_name, "lang": self.lang}
        query.update({k: v for k, v in extra.items() if v not in (None, "")})
        return f"{app}.ipynb?{urlencode(query)}"

"""Who a hub user is to mentorkit: the role and programmes their hub groups give them.

An administrator puts each user in hub groups: one role (``coordinator``, ``researcher`` or
``funder``) and, for the sites they work on, ``site:<programme>`` (the programme's name, its
name in lower case without accents and spaces, e.g. ``site:langkaerparken``, or its id,
``site:3``). :func:`hub_identity` turns the groups into the role and the programme names;
:func:`spawn_environment` into the variables the user's server and kernels run with
(``MENTORKIT_ROLE``, ``MENTORKIT_PROGRAMMES``, ``MENTORKIT_ACTOR``), so the role and scope are
fixed when the hub starts the server and nothing on the page can widen them.

A user in no role group, in two role groups, a coordinator without a site, or a site the
database does not know: :class:`HubRefused`, whose message (in da, en or nl) the hub shows
instead of starting a server. A researcher or funder without a site sees every programme
(their views are pseudonymised or suppressed); with sites, only those.

Example
-------
>>> import pandas as pd
>>> programmes = pd.DataFrame({"id": [1, 4], "name": ["Vollsmose", "Langkærparken"]})
>>> hub_identity(["coordinator", "site:langkaerparken"], programmes)
HubIdentity(role='coordinator', programmes=('Langkærparken',), sites=('langkaerparken',))
>>> hub_identity([], programmes)
Traceback (most recent call last):
...
mentorkit.hub.identity.HubRefused: Your account has no role yet. ...
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mentorkit import i18n
from mentorkit.errors import MentorkitError
from mentorkit.privacy.roles import ROLES, Role
from mentorkit.vocab import Lang

__all__ = ["HubIdentity", "HubRefused", "SITE_PREFIX", "hub_identity", "slug",
           "spawn_environment", "text"]

SITE_PREFIX = "site:"


@functools.cache
def _catalogue() -> i18n.Catalogue:
    return i18n.load("hub.labels", "mentorkit.hub", "labels.toml")


def text(key: str, lang: str, **values: Any) -> str:
    """The hub's text ``key`` in ``lang`` (see ``labels.toml`` beside this module).

    Example
    -------
    >>> text("signed_in", "da", user="anna")
    'Logget ind som anna'
    """
    return _catalogue().text(key, lang, **values)


class HubRefused(MentorkitError):
    """The hub user's groups give them nothing to open; the message says why, for them."""

    def __init__(self, key: str, lang: Lang = "en", **values: Any) -> None:
        self.key = key
        super().__init__(text(key, lang, **values))


@dataclass(frozen=True)
class HubIdentity:
    """A hub user's role and the programme names they work on (empty: all)."""

    role: Role
    programmes: tuple[str, ...]
    sites: tuple[str, ...] = ()
    """The sites as the groups name them (``site:<this>``), for the database's site roles."""


def slug(name: str) -> str:
    """A programme name as a group may spell it: lower case, no accents, no spaces.

    Example
    -------
    >>> slug("Langkærparken"), slug("Skovparken og Byparken")
    ('langkaerparken', 'skovparken-og-byparken')
    """
    text_ = name.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text_ = text_.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    ascii_ = unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()
    return "-".join(ascii_.lower().split())


def _programme_names(sites: list[str], programmes: pd.DataFrame, lang: Lang) -> tuple[str, ...]:
    lookup: dict[str, str] = {}
    for pid, name in zip(programmes["id"], programmes["name"]):
        for key in (str(pid), str(name).casefold(), slug(str(name))):
            lookup[key] = str(name)
    found = [lookup.get(s) or lookup.get(s.casefold()) or lookup.get(slug(s)) for s in sites]
    unknown = [s for s, f in zip(sites, found) if f is None]
    if unknown:
        raise HubRefused("refused.unknown_site", lang, sites=", ".join(unknown))
    return tuple(dict.fromkeys(f for f in found if f is not None))


def hub_identity(groups: Iterable[str], programmes: pd.DataFrame,
                 lang: Lang = "en") -> HubIdentity:
    """The role and programmes of a user in hub ``groups`` (see the module's docstring).

    ``programmes`` is the programme table (``id``, ``name``); :class:`HubRefused` when the
    groups give nothing or are contradictory.
    """
    names = [str(g).strip() for g in groups]
    roles = sorted({g for g in names if g in ROLES})
    sites = [g[len(SITE_PREFIX):].strip() for g in names if g.startswith(SITE_PREFIX)]
    if not roles:
        raise HubRefused("refused.no_group", lang)
    if len(roles) > 1:
        raise HubRefused("refused.many_roles", lang, roles=", ".join(roles))
    role: Role = roles[0]
    if role == "coordinator" and not sites:
        raise HubRefused("refused.no_site", lang)
    return HubIdentity(role, _programme_names(sites, programmes, lang), tuple(sites))


def spawn_environment(user: str, identity: HubIdentity) -> dict[str, str]:
    """The variables a user's server runs with: role, programmes and the actor of the audit.

    Example
    -------
    >>> spawn_environment("anna", HubIdentity("coordinator", ("Vollsmose",)))["MENTORKIT_ACTOR"]
    'anna'
    """
    return {"MENTORKIT_ROLE": identity.role,
            "MENTORKIT_PROGRAMMES": ",".join(identity.programmes),
            "MENTORKIT_ACTOR": user}

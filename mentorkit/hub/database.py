"""Which database a user's server opens: on PostgreSQL, a coordinator's own site's role.

On PostgreSQL the site scope is also held by the database (:mod:`mentorkit.store.site_roles`:
one login role per site, row-level security). When the hub is given a folder of the sites'
password files (``site_passwords``, written by ``mentorkit db site-role <site> --programme …
--password-file <folder>/site_<site>.password``), a coordinator's server gets the URL of her
site's role instead of the hub's, so whatever her kernel runs, the database shows it her
site's rows only. A coordinator in two site groups is refused then (a database role is one
site); a site without a password file too. On SQLite, or without the folder, the server gets
the hub's database and the app's scope (``MENTORKIT_PROGRAMMES``) alone holds.

Example
-------
>>> from mentorkit.hub.identity import HubIdentity
>>> server_database("sqlite:////srv/mk.db", HubIdentity("coordinator", ("Tilst",), ("tilst",)),
...                 "/srv/pw")
'sqlite:////srv/mk.db'
"""

from __future__ import annotations

import os
from pathlib import Path

from mentorkit.config import database_url
from mentorkit.errors import StoreError
from mentorkit.hub.identity import HubIdentity, HubRefused
from mentorkit.vocab import Lang

__all__ = ["password_file", "server_database"]


def password_file(folder: str | os.PathLike[str], site: str) -> Path:
    """Where the hub looks for a site's database password: ``<folder>/site_<site>.password``.

    Example
    -------
    >>> password_file("/srv/pw", "Langkærparken").name
    'site_langkaerparken.password'
    """
    from mentorkit.store.site_roles import site_role_name

    return Path(folder) / f"{site_role_name(site)}.password"


def server_database(db: str, identity: HubIdentity, passwords: str | os.PathLike[str] | None,
                    lang: Lang = "en") -> str:
    """The database URL for a server of ``identity`` (see the module's docstring)."""
    url = database_url(db)
    if not passwords or not url.startswith("postgresql") or identity.role != "coordinator":
        return db
    if len(identity.sites) != 1:
        raise HubRefused("refused.one_site", lang)
    from mentorkit.store.site_roles import site_database_url

    site = identity.sites[0]
    try:
        return site_database_url(url, site, password_file(passwords, site))
    except StoreError:
        raise HubRefused("refused.no_site_role", lang, site=site) from None

"""Roles, as trusted case-management systems have them: who may see what.

============  ==============================================================================
coordinator   the personal data of their own programmes (the store's programme scope,
              ``MENTORKIT_PROGRAMMES``), subject rights, backups
researcher    pseudonymised research extracts only (:func:`research_extract`)
funder        aggregates only, small cells suppressed (:func:`aggregates`)
============  ==============================================================================

The role is configuration, not a choice made in the interface: ``MENTORKIT_ROLE`` (default
``coordinator``, the role every command had before roles existed). Dashboards and commands ask
:func:`view` for their data, or :func:`require` before an action, and get only what the role
may see.

Example
-------
>>> from mentorkit.synth import generate
>>> tables = view(generate(seed=0, scale=0.2), "funder", min_cell=5)
>>> sorted(tables)
['matches_by_gender', 'matches_by_status', 'people_by_role']
>>> require("subject_rights", "researcher")
Traceback (most recent call last):
...
mentorkit.privacy.roles.AccessDenied: the researcher role may not use subject_rights ...
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal, TypeGuard, cast

import pandas as pd

from mentorkit.errors import ConfigError, MentorkitError
from mentorkit.model.tables import read_tables
from mentorkit.privacy.extract import research_extract
from mentorkit.privacy.suppression import renamed_min_cell
from mentorkit.vocab import STARTED_MATCH_STATUSES

__all__ = ["AccessDenied", "CAPABILITIES", "ROLES", "aggregates", "current_role", "is_role",
           "require", "view"]

#: Who is working: a programme's coordinator, a researcher or a funder.
Role = Literal["coordinator", "researcher", "funder"]
#: What a role may do or see.
Capability = Literal["personal_data", "extract", "aggregates", "subject_rights", "backup"]

ROLES: tuple[Role, ...] = ("coordinator", "researcher", "funder")
ROLE_VARIABLE = "MENTORKIT_ROLE"

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    "coordinator": frozenset({"personal_data", "extract", "aggregates", "subject_rights",
                              "backup"}),
    "researcher": frozenset({"extract", "aggregates"}),
    "funder": frozenset({"aggregates"}),
}

STARTED = STARTED_MATCH_STATUSES


class AccessDenied(MentorkitError):
    """The configured role may not do or see this."""


def is_role(value: object) -> TypeGuard[Role]:
    """True when ``value`` is one of :data:`ROLES`.

    Example
    -------
    >>> is_role("funder"), is_role("Funder")
    (True, False)
    """
    return value in ROLES


def current_role(env: Mapping[str, str] | None = None) -> Role:
    """The configured role (``MENTORKIT_ROLE``; default ``coordinator``).

    Example
    -------
    >>> current_role({"MENTORKIT_ROLE": "Funder"})
    'funder'
    """
    value = (os.environ if env is None else env).get(ROLE_VARIABLE, "coordinator")
    role = value.strip().lower()
    if not is_role(role):
        raise ConfigError(f"{ROLE_VARIABLE} must be one of {', '.join(ROLES)} (got {value!r})")
    return role


def require(capability: Capability, role: Role | None = None) -> Role:
    """The role, if it has ``capability``; :class:`AccessDenied` otherwise."""
    role = current_role() if role is None else role
    if not is_role(role):                       # a caller without type checking
        raise ConfigError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if capability not in CAPABILITIES[role]:
        allowed = ", ".join(sorted(CAPABILITIES[role]))
        raise AccessDenied(f"the {role} role may not use {capability} (allowed: {allowed})")
    return role


def _frames(source: Any, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    return read_tables(source, names)


@renamed_min_cell("k")
def aggregates(source: Any, min_cell: int | None = 0) -> dict[str, pd.DataFrame]:
    """The funder's tables: counts by programme, suppressed (primary and secondary).

    ``source`` is a Store, a Dataset or a mapping of DataFrames; ``min_cell`` the smallest
    count shown (0: the setting ``MENTORKIT_MIN_CELL``).
    """
    t = _frames(source, ("programme", "person", "match"))
    names = t["programme"].set_index("id")["name"]
    person, match = t["person"], t["match"]
    person = person.assign(programme=person["programme_id"].map(names))
    match = match.assign(programme=match["programme_id"].map(names),
                         gender=match["mentee_id"].map(
                             person.set_index("id")["gender"]).fillna("unknown"))
    from mentorkit.privacy.joint import LinkedTable, suppress_jointly

    # The started matches by gender add up to the started statuses: suppressed jointly.
    return cast(dict[str, pd.DataFrame], suppress_jointly({"person": person, "match": match}, [
        LinkedTable("people_by_role", "programme", "role", population="person"),
        LinkedTable("matches_by_status", "programme", "status", population="match"),
        LinkedTable("matches_by_gender", "programme", "gender", population="match",
                    where={"status": sorted(STARTED)})], min_cell))


@renamed_min_cell("k")
def view(source: Any, role: Role | None = None, *, key: str | bytes | None = None,
         min_cell: int | None = 0) -> dict[str, pd.DataFrame]:
    """Everything ``role`` may see of ``source``, and nothing more.

    coordinator: the entity tables (of the store's programmes); researcher: a research
    extract (needs the pseudonym key); funder: :func:`aggregates`.
    """
    role = current_role() if role is None else role
    if role == "funder":
        return aggregates(source, min_cell)
    if role == "researcher":
        return research_extract(source, key=key)
    require("personal_data", role)
    from mentorkit.model.schema import ENTITY_TABLES

    return _frames(source, ENTITY_TABLES)

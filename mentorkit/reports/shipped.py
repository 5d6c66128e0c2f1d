"""Which notebook may a role run: decided by what is run, not by its file name.

A role without ``personal_data`` (funder, researcher) may run only the notebooks shipped
with mentorkit (the repository's ``notebooks/`` folder next to the package), unchanged: a
notebook is known by the SHA-256 of its text, computed from the shipped file each time (so
the list never goes stale when a shipped notebook changes). The shipped funder report needs
``aggregates``; a shipped notebook that declares an ``extract`` parameter, given one, needs
``extract``; any other notebook, or a shipped one edited by a single byte, reads the case
store and needs ``personal_data``. A notebook called ``funder_report.ipynb`` from anywhere
else is refused for a funder, with a message saying so.

Example
-------
>>> from pathlib import Path
>>> shipped = SHIPPED_NOTEBOOKS / "funder_report.ipynb"
>>> capability(shipped.read_text(encoding="utf-8"), {})
'aggregates'
>>> capability(shipped.read_text(encoding="utf-8") + " ", {})
'personal_data'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mentorkit.privacy.roles import CAPABILITIES, AccessDenied, Capability, Role, current_role

__all__ = ["AGGREGATE_NOTEBOOKS", "SHIPPED_NOTEBOOKS", "capability", "check_notebook",
           "digest", "shipped_notebooks"]

SHIPPED_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
"""The folder of the notebooks shipped with mentorkit (the repository's ``notebooks/``)."""

AGGREGATE_NOTEBOOKS: frozenset[str] = frozenset({"funder_report.ipynb"})
"""The shipped notebooks that show aggregates only (suppressed counts)."""


def digest(source: str) -> str:
    """The SHA-256 of a notebook's text (as read with ``Path.read_text``), in hex.

    Example
    -------
    >>> digest("{}")[:12]
    '44136fa355b3'
    """
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def shipped_notebooks(folder: Path | None = None) -> dict[str, str]:
    """SHA-256 -> file name of every notebook in the shipped folder (none if it is missing).

    Example
    -------
    >>> "funder_report.ipynb" in shipped_notebooks().values()
    True
    """
    folder = SHIPPED_NOTEBOOKS if folder is None else folder
    if not folder.is_dir():
        return {}
    return {digest(p.read_text(encoding="utf-8")): p.name for p in sorted(folder.glob("*.ipynb"))}


def capability(source: str, parameters: Mapping[str, Any],
               folder: Path | None = None) -> Capability:
    """What running the notebook whose text is ``source`` with ``parameters`` needs.

    ``aggregates`` for the shipped funder report unchanged; ``extract`` for an unchanged
    shipped notebook declaring an ``extract`` parameter that is given a folder;
    ``personal_data`` for anything else. ``folder`` defaults to :data:`SHIPPED_NOTEBOOKS`.
    """
    from mentorkit.reports.params import declared_parameters

    folder = SHIPPED_NOTEBOOKS if folder is None else folder
    name = shipped_notebooks(folder).get(digest(source))
    if name is None:
        return "personal_data"
    if name in AGGREGATE_NOTEBOOKS:
        return "aggregates"
    given = str(parameters.get("extract") or "").strip()
    if given and "extract" in declared_parameters(folder / name):
        return "extract"
    return "personal_data"


def check_notebook(source: str, name: str, parameters: Mapping[str, Any],
                   role: Role | None = None) -> Role:
    """The role, if it may run the notebook ``name`` whose text is ``source``;
    :class:`~mentorkit.privacy.roles.AccessDenied` otherwise, saying why.

    Example
    -------
    >>> check_notebook('{"cells": []}', "funder_report.ipynb", {}, "funder")
    Traceback (most recent call last):
    ...
    mentorkit.privacy.roles.AccessDenied: the funder role may run only the notebooks shipped ...
    """
    role = current_role() if role is None else role
    needed = capability(source, parameters)
    shipped = shipped_notebooks()
    if needed in CAPABILITIES[role]:
        return role
    if digest(source) not in shipped:
        allowed = ", ".join(sorted(n for n in shipped.values())) or "none found"
        raise AccessDenied(
            f"the {role} role may run only the notebooks shipped with mentorkit, unchanged: "
            f"{name} is not one of them (its content differs from every notebook in "
            f"{SHIPPED_NOTEBOOKS}; shipped: {allowed}); a notebook is known by its content's "
            "SHA-256, not by its name")
    allowed = ", ".join(sorted(CAPABILITIES[role]))
    what = shipped[digest(source)]
    which = "" if what == name else f" is the shipped {what}, which"
    raise AccessDenied(f"the {role} role may not use {needed} (allowed: {allowed}): {name}"
                       f"{which} reads the case store")

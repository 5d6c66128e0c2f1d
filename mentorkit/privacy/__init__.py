"""Privacy by design: pseudonyms, research extracts, suppression, subject rights and roles.

- :mod:`~mentorkit.privacy.classes`: every column's privacy class (from the schema), its
  research-extract rule, its erasure and retention rule, and the Art. 30 record built from them;
- :func:`pseudonym` / :func:`load_key`: keyed HMAC-SHA256 pseudonyms (no key, no run);
- :func:`research_extract`: pseudonymised, coarsened tables of people who consented;
- :func:`suppress`: small-cell suppression, primary and secondary, checked by linear programming;
- :func:`access`, :func:`erase`, :func:`withdraw_consent`, :func:`give_consent`,
  :func:`retention`: the rights of the data subject;
- :func:`view` / :func:`require`: what the configured role (coordinator, researcher, funder)
  may see and do.

Names are imported on first use, so ``import mentorkit.privacy`` stays instant.

Example
-------
>>> from mentorkit import privacy
>>> privacy.suppress.__module__
'mentorkit.privacy.suppression'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["AccessDenied", "access", "erase", "give_consent", "load_key", "pseudonym",
           "pseudonymise", "records_of_processing", "require", "research_extract",
           "retention", "suppress", "view", "withdraw_consent", "write_access"]

_LAZY = {
    "AccessDenied": "roles", "require": "roles", "view": "roles",
    "access": "subject_rights", "give_consent": "subject_rights", "retention": "subject_rights",
    "withdraw_consent": "subject_rights", "write_access": "subject_rights",
    "erase": "erasure", "load_key": "pseudonyms", "pseudonym": "pseudonyms",
    "pseudonymise": "pseudonyms", "records_of_processing": "classes",
    "research_extract": "extract", "suppress": "suppression",
}

if TYPE_CHECKING:
    from mentorkit.privacy.classes import records_of_processing
    from mentorkit.privacy.erasure import erase
    from mentorkit.privacy.extract import research_extract
    from mentorkit.privacy.pseudonyms import load_key, pseudonym, pseudonymise
    from mentorkit.privacy.roles import AccessDenied, require, view
    from mentorkit.privacy.subject_rights import (
        access,
        give_consent,
        retention,
        withdraw_consent,
        write_access,
    )
    from mentorkit.privacy.suppression import suppress


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'mentorkit.privacy' has no attribute {name!r}")
    return getattr(importlib.import_module(f"mentorkit.privacy.{_LAZY[name]}"), name)

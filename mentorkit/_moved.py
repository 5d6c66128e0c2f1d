"""Old import paths, kept working: each module that moved is found under its old name too.

``import mentorkit.funder`` gives :mod:`mentorkit.monitoring.funder` itself (the same module
object, so state and monkeypatching are shared) with a :class:`DeprecationWarning` that names
the new path. The package installs the finder when it is imported; nothing else happens.

Example
-------
>>> import importlib, sys, warnings
>>> _ = sys.modules.pop("mentorkit.screening", None)  # as in a fresh interpreter
>>> with warnings.catch_warnings(record=True) as seen:
...     warnings.simplefilter("always")
...     old = importlib.import_module("mentorkit.screening")
>>> import mentorkit.casework.screening as new
>>> old is new, any("mentorkit.casework.screening" in str(w.message) for w in seen)
(True, True)
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

#: Where each module that moved lives now (old dotted path -> new dotted path).
MOVED: dict[str, str] = {
    "mentorkit.dataset": "mentorkit.model.dataset",
    "mentorkit.validation": "mentorkit.model.validation",
    "mentorkit.store.dictionary": "mentorkit.model.dictionary",
    "mentorkit.caseload": "mentorkit.casework.caseload",
    "mentorkit.duplicates": "mentorkit.casework.duplicates",
    "mentorkit.screening": "mentorkit.casework.screening",
    "mentorkit.progress": "mentorkit.monitoring.progress",
    "mentorkit.funder": "mentorkit.monitoring.funder",
    "mentorkit.summary": "mentorkit.monitoring.summary",
    "mentorkit.synth_people": "mentorkit.synth.people",
    "mentorkit.demo_data": "mentorkit.synth.demo_data",
    "mentorkit.matching.pool": "mentorkit.synth.pool",
}

#: Modules renamed because a function of the package had their name and hid them
#: (``import mentorkit.matching.assign as m`` gave the function): the old name cannot be an
#: alias without hiding the function in turn, so importing it fails naming the new module.
RENAMED: dict[str, str] = {
    "mentorkit.matching.assign": "mentorkit.matching.assignment",
    "mentorkit.matching.explain": "mentorkit.matching.explanation",
    "mentorkit.matching.suggest": "mentorkit.matching.suggestions",
    "mentorkit.network.communities": "mentorkit.network.community",
    "mentorkit.network.growth": "mentorkit.network.timeline",
    "mentorkit.network.findings": "mentorkit.network.interpret",
    "mentorkit.outcomes.survival": "mentorkit.outcomes.survival_analysis",
    "mentorkit.outcomes.subgroups": "mentorkit.outcomes.subgroup_effects",
}


class MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds a moved module under its old name and hands out the module at the new one."""

    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:
        """A spec for an old name; None for every other module."""
        if fullname in RENAMED:
            new = RENAMED[fullname]
            raise ModuleNotFoundError(f"{fullname} is now {new}: import {new} instead (the "
                                      f"function of that name is unchanged)", name=fullname)
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """The module at its new path, imported, with a warning naming that path."""
        new = MOVED[spec.name]
        warnings.warn(f"{spec.name} has moved to {new}; import {new} instead",
                      DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was executed under its new name."""


def install() -> None:
    """Put the finder on ``sys.meta_path`` once."""
    if not any(isinstance(f, MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(MovedFinder())

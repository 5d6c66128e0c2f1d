"""mentorkit: case management and research for mentor programmes.

Example
-------
>>> import mentorkit
>>> store = mentorkit.Store.open(":memory:")
>>> store.load(mentorkit.generate(seed=0, scale=0.1))
>>> int((store.table("person")["role"] == "mentee").sum()) > 0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Dataset", "MentorkitError", "Settings", "Store", "Truth", "generate", "vocab",
           "__version__"]

_LAZY = {
    "Dataset": ("mentorkit.model.dataset", "Dataset"),
    "Truth": ("mentorkit.model.dataset", "Truth"),
    "MentorkitError": ("mentorkit.errors", "MentorkitError"),
    "Settings": ("mentorkit.config", "Settings"),
    "Store": ("mentorkit.store", "Store"),
    "generate": ("mentorkit.synth", "generate"),
    "vocab": ("mentorkit.vocab", None),
}

if TYPE_CHECKING:
    from mentorkit import vocab
    from mentorkit.config import Settings
    from mentorkit.errors import MentorkitError
    from mentorkit.model.dataset import Dataset, Truth
    from mentorkit.store import Store
    from mentorkit.synth import generate


from mentorkit import _moved  # noqa: E402  (old import paths keep working, with a warning)

_moved.install()


def __getattr__(name: str) -> Any:
    """Import the public names on first use, so `import mentorkit` stays instant."""
    if name not in _LAZY:
        raise AttributeError(f"module 'mentorkit' has no attribute {name!r}")
    import importlib

    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    return module if attr is None else getattr(module, attr)

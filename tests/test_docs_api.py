"""Every name the README and docs/ show in a Python example exists, at the path they show.

The examples use ids of a real programme's database, so they are not run here; what is
checked is the public API they name: each ``from mentorkit… import name``, each
``import mentorkit…`` and each attribute used on an imported mentorkit module or class
(``network.summary``, ``store.people``) resolves, without a deprecation warning.
"""

from __future__ import annotations

import ast
import importlib
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks() -> list[tuple[str, int, str]]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            found.append((path.name, text[: m.start()].count("\n") + 1, m.group(1)))
    return found


def _names(code: str) -> list[tuple[str, str | None]]:
    """(module, attribute) pairs an example imports and then uses."""
    tree = ast.parse(code)
    bound: dict[str, str] = {}
    wanted: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mentorkit"):
            for alias in node.names:
                wanted.append((node.module or "", alias.name))
                bound[alias.asname or alias.name] = f"{node.module}:{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mentorkit"):
                    wanted.append((alias.name, None))
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in bound):
            wanted.append((bound[node.value.id], node.attr))
    return wanted


def _resolve(target: str, attr: str | None) -> object:
    module_name, _, first = target.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in [p for p in (first, attr) if p]:
        if not hasattr(obj, part) and isinstance(obj, type(importlib)):
            obj = importlib.import_module(f"{obj.__name__}.{part}")
        else:
            obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize(("doc", "line", "code"), _blocks(),
                         ids=[f"{d}:{n}" for d, n, _ in _blocks()])
def test_the_names_an_example_uses_exist(doc: str, line: int, code: str) -> None:
    for target, attr in _names(code):
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            try:
                _resolve(target, attr)
            except (ImportError, AttributeError, DeprecationWarning) as err:
                pytest.fail(f"{doc}:{line}: {target} {attr or ''}: {err}")


def test_examples_are_found() -> None:
    assert len(_blocks()) >= 5

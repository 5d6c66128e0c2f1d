"""The package's layers, what each may import, and the import graph read from the source.

One description serves the layer test (``tests/test_layers.py``) and the drawing in
``docs/architecture.md``; ``python tests/layering.py --write`` redraws it after a change.
Imports are read from the source (AST), at module level and inside functions alike, except
those under ``if TYPE_CHECKING:`` (annotations only, never run).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mentorkit"
DOC = ROOT / "docs" / "architecture.md"

#: Layer of each top-level part of the package (a module or a subpackage).
LAYER_OF: dict[str, str] = {
    "__init__": "foundation", "__main__": "cli", "_moved": "foundation",
    "errors": "foundation", "config": "foundation", "vocab": "foundation",
    "periods": "foundation", "programmes": "foundation", "i18n": "foundation",
    "files": "foundation",
    "model": "model",
    "matching": "core", "network": "core", "outcomes": "core", "privacy": "core",
    "synth": "core", "casework": "core", "monitoring": "core",
    "store": "store", "imports": "imports",
    "plots": "presentation", "reports": "presentation",
    "ui": "ui", "cli": "cli", "hub": "cli", "notify": "presentation",
}

#: Layers in drawing order, each with the layers it may import (itself included).
ALLOWED: dict[str, tuple[str, ...]] = {
    "foundation": ("foundation",),
    "model": ("foundation", "model"),
    "core": ("foundation", "model", "core"),
    "store": ("foundation", "model", "core", "store"),
    "imports": ("foundation", "model", "core", "store", "imports"),
    "presentation": ("foundation", "model", "core", "store", "presentation"),
    "ui": ("foundation", "model", "core", "store", "imports", "presentation", "ui"),
    "cli": ("foundation", "model", "core", "store", "imports", "presentation", "ui", "cli"),
}

#: Third-party packages only some layers may import.
RESTRICTED: dict[str, tuple[str, ...]] = {
    "sqlalchemy": ("store",),
    "alembic": ("store",),
    "psycopg": ("store",),
    "ipywidgets": ("ui",),
    "voila": ("ui",),
    "IPython": ("ui", "presentation"),
    "typer": ("cli", "presentation"),
}

WHAT: dict[str, str] = {
    "foundation": "errors, settings, vocabularies, periods, programmes, i18n",
    "model": "tables and columns, frames, Dataset, validation, dictionary",
    "core": "matching, network, outcomes, privacy on tables, synth, casework, monitoring",
    "store": "the database: engine, migrations, Store, audit, backup, copy",
    "imports": "CSV and Excel in and out",
    "presentation": "reports (papermill) and plots",
    "ui": "the dashboards' widgets",
    "cli": "the mentorkit command",
}


@dataclass(frozen=True)
class Import:
    """One import statement: the importing module, what it names, where."""

    module: str
    target: str
    line: int


def module_name(path: Path) -> str:
    """``mentorkit/matching/flow.py`` -> ``mentorkit.matching.flow``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def source_files() -> list[Path]:
    """Every module of the package but the Alembic migration scripts."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def layer(module: str) -> str:
    """The layer of a dotted module name inside the package."""
    parts = module.split(".")
    return LAYER_OF[parts[1] if len(parts) > 1 else "__init__"]


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for sub in ast.walk(child):
                    if hasattr(sub, "lineno"):
                        lines.add(sub.lineno)
    return lines


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path, modules: set[str], *, top_level_only: bool = False) -> list[Import]:
    """The imports of one file, each resolved to a module of the package where it names one
    (``from mentorkit import vocab`` is ``mentorkit.vocab``), else to the top-level name."""
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: list[Import] = []
    for node in nodes:
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [Import(module, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path.name == "__init__.py", node)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append(Import(module, full if full in modules else base, node.lineno))
    return found


def all_imports(*, top_level_only: bool = False) -> list[Import]:
    """The imports of every module of the package."""
    files = source_files()
    modules = {module_name(p) for p in files}
    return [i for p in files for i in imports(p, modules, top_level_only=top_level_only)]


def layer_edges() -> dict[tuple[str, str], int]:
    """How many imports go from one layer to another (within a layer not counted)."""
    edges: dict[tuple[str, str], int] = {}
    for imp in all_imports():
        if not imp.target.startswith("mentorkit"):
            continue
        a, b = layer(imp.module), layer(imp.target)
        if a != b:
            edges[(a, b)] = edges.get((a, b), 0) + 1
    return edges


START = "<!-- layers:start (generated by `python tests/layering.py --write`) -->"
END = "<!-- layers:end -->"


def drawing() -> str:
    """The layer drawing (Mermaid): an arrow from each layer to each layer it imports."""
    lines = [START, "", "```mermaid", "flowchart TD"]
    for name in ALLOWED:
        lines.append(f'    {name}["<b>{name}</b><br/>{WHAT[name]}"]')
    order = list(ALLOWED)
    for a, b in sorted(layer_edges(), key=lambda e: (order.index(e[0]), order.index(e[1]))):
        lines.append(f"    {a} --> {b}")
    lines += ["```", "", END]
    return "\n".join(lines)


def write() -> None:
    """Replace the drawing in docs/architecture.md by the current one."""
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + drawing() + tail, encoding="utf-8")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        print(drawing())

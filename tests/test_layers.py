"""The layers hold: the core never opens the database, nobody reaches into the Store's
private parts, no import cycles, and the drawing in docs/architecture.md is the code's."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
import warnings

import layering
import networkx as nx
import pytest
from layering import ALLOWED, RESTRICTED, all_imports, layer, module_name, source_files

CORE_FORBIDDEN_PACKAGES = ("sqlalchemy", "ipywidgets", "voila", "alembic", "psycopg")


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_core_and_the_model_never_import_store_ui_sqlalchemy_or_ipywidgets() -> None:
    bad = [f"{i.module}:{i.line} imports {i.target}" for i in all_imports()
           if i.module.startswith("mentorkit.") and layer(i.module) in ("core", "model")
           and (i.target.startswith(("mentorkit.store", "mentorkit.ui", "mentorkit.cli"))
                or _top(i.target) in CORE_FORBIDDEN_PACKAGES)]
    assert not bad, "\n".join(bad)


def test_every_import_goes_where_its_layer_may_go() -> None:
    bad = []
    for i in all_imports():
        here = layer(i.module)
        if i.target.startswith("mentorkit"):
            there = layer(i.target)
            if there not in ALLOWED[here]:
                bad.append(f"{i.module}:{i.line} ({here}) imports {i.target} ({there})")
        elif _top(i.target) in RESTRICTED and here not in RESTRICTED[_top(i.target)]:
            bad.append(f"{i.module}:{i.line} ({here}) imports {i.target}")
    assert not bad, "\n".join(bad)


def _store_private_names() -> set[str]:
    """Private methods and attributes of the Store class, wherever in store/ they are set."""
    names: set[str] = set()
    for path in source_files():
        if "store" not in path.relative_to(layering.PACKAGE).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Store":
                for item in ast.walk(node):
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        names.add(item.name)
                    if (isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name)
                            and item.value.id == "self" and isinstance(item.ctx, ast.Store)):
                        names.add(item.attr)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def test_nothing_outside_the_store_uses_a_private_member_of_the_store() -> None:
    private = _store_private_names()
    assert {"_audit"} & private or private, "the Store class was not found"
    bad = []
    for path in source_files():
        if path.relative_to(layering.PACKAGE).parts[0] == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = {n.name for n in ast.walk(tree)
               if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
        own |= {t.attr for n in ast.walk(tree) if isinstance(n, ast.Assign | ast.AnnAssign)
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Attribute)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private - own:
                bad.append(f"{module_name(path)}:{node.lineno} uses Store.{node.attr}")
    assert not bad, "\n".join(bad)


def _graph(top_level_only: bool) -> nx.DiGraph:
    g = nx.DiGraph()
    for i in all_imports(top_level_only=top_level_only):
        if i.target.startswith("mentorkit.") and i.target != i.module:
            g.add_edge(i.module, i.target)
    return g


def _cycles(g: nx.DiGraph) -> list[set[str]]:
    """Groups of modules that import each other, directly or round about."""
    g = g.copy()
    # A package importing its own submodules (to re-export them) is not a cycle of jobs.
    g.remove_edges_from([(a, b) for a, b in list(g.edges) if b.startswith(a + ".")
                         or a.startswith(b + ".") and b.count(".") < a.count(".")
                         and _is_package(b)])
    return [c for c in nx.strongly_connected_components(g) if len(c) > 1]


def test_no_import_cycles_between_modules() -> None:
    cycles = _cycles(_graph(top_level_only=False))
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in cycles)


def test_the_checks_see_what_they_judge() -> None:
    """The import graph holds the imports the tests above judge, and a planted cycle or a
    store import in the core would be caught."""
    seen = {(i.module, i.target) for i in all_imports()}
    assert ("mentorkit.store.engine", "sqlalchemy") in seen
    assert any(layer(m) == "ui" and t == "ipywidgets" for m, t in seen)
    assert any(layer(m) == "core" and layer(t) == "model" for m, t in seen
               if t.startswith("mentorkit."))
    g = _graph(top_level_only=False)
    a, b = "mentorkit.network.metrics", "mentorkit.outcomes.effects"
    assert a in g and b in g
    g.add_edges_from([(a, b), (b, a)])
    assert {a, b} in [c & {a, b} for c in _cycles(g)]


def _is_package(module: str) -> bool:
    return (layering.ROOT / module.replace(".", "/") / "__init__.py").exists()


def test_no_submodule_is_hidden_by_a_name_of_its_package() -> None:
    hidden = []
    for path in source_files():
        if path.name != "__init__.py":
            continue
        package = importlib.import_module(module_name(path))
        for sub in path.parent.iterdir():
            name = sub.stem if sub.suffix == ".py" else sub.name
            if name.startswith("__") or not (sub.suffix == ".py" or (sub / "__init__.py").exists()):
                continue
            value = getattr(package, name, None)
            if value is not None and not isinstance(value, types.ModuleType):
                hidden.append(f"{package.__name__}.{name} is a {type(value).__name__}")
    assert not hidden, "\n".join(hidden)


@pytest.mark.parametrize("module", ["mentorkit.network", "mentorkit.outcomes",
                                    "mentorkit.matching", "mentorkit.model",
                                    "mentorkit.privacy.suppression", "mentorkit.synth"])
def test_the_analysis_core_loads_no_sqlalchemy(module: str) -> None:
    code = (f"import sys, {module}; "
            "bad = sorted(m for m in ('sqlalchemy', 'ipywidgets', 'mentorkit.store') "
            "if m in sys.modules); print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"import {module} loads {out}"


def test_the_import_check_sees_sqlalchemy_where_it_is_loaded() -> None:
    code = "import sys, mentorkit.store; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "True"


def test_old_import_paths_still_work_and_name_the_new_one() -> None:
    from mentorkit._moved import MOVED

    for old, new in MOVED.items():
        sys.modules.pop(old, None)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            module = importlib.import_module(old)
        assert module is importlib.import_module(new)
        assert any(new in str(w.message) and issubclass(w.category, DeprecationWarning)
                   for w in seen), old


def test_renamed_modules_fail_naming_the_new_one_and_keep_the_function() -> None:
    from mentorkit._moved import RENAMED

    for old, new in RENAMED.items():
        with pytest.raises(ModuleNotFoundError, match=new.replace(".", r"\.")):
            importlib.import_module(old)
        package, _, name = old.rpartition(".")
        assert callable(getattr(importlib.import_module(package), name)), old
        importlib.import_module(new)


def test_the_drawing_in_the_docs_is_the_code_s() -> None:
    text = layering.DOC.read_text(encoding="utf-8")
    assert layering.drawing() in text, "run `python tests/layering.py --write`"

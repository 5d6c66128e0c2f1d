"""Promises about the repository itself: versions in step, notebooks clean, API importable."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml  # comes with jupyter's dependencies

import mentorkit

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"igraph": "python-igraph"}


def _name_and_bound(requirement: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(>=\s*[^,;\s]+)?", requirement)
    assert m, requirement
    return m.group(1).lower().replace("_", "-"), (m.group(3) or "").replace(" ", "")


def test_environment_yml_names_the_same_packages_and_bounds_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_and_bound(r) for r in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_name_and_bound(r) for r in extra)
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                if not pip_dep.startswith("-e"):
                    listed.update([_name_and_bound(pip_dep)])
        else:
            name, bound = _name_and_bound(dep)
            if name not in ("python", "pip"):
                listed[name] = bound
    assert listed == wanted


def test_public_api_is_importable() -> None:
    for name in mentorkit.__all__:
        assert getattr(mentorkit, name) is not None


def _notebooks() -> list[Path]:
    return sorted(p for folder in ("notebooks", "dashboards")
                  for p in (ROOT / folder).glob("*.ipynb"))


def test_notebooks_are_parameterised_clean_and_runnable_by_papermill() -> None:
    found = {p.stem for p in _notebooks()}
    assert {"funder_report", "outcome_study", "network_analysis", "home", "intake"} <= found
    for path in _notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path
        assert nb["metadata"]["language_info"]["name"] == "python", path
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert "parameters" in code[0].get("metadata", {}).get("tags", []), path
        if not nb["metadata"].get("nbval_keep_outputs"):
            assert all(not c.get("outputs") for c in code), f"{path} has outputs"
        for cell in code:
            source = "".join(cell["source"])
            assert not re.search(r"^\s*(def |class |for |while |if )", source, re.M), (
                f"{path}: logic belongs in mentorkit, not in a notebook cell")

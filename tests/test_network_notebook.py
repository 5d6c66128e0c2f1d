"""notebooks/network_analysis.ipynb: thin, output-free, and it runs under papermill on the
demo data without showing a name, an e-mail address or a phone number."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest

from mentorkit.store import Store
from mentorkit.synth import generate

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "network_analysis.ipynb"


def test_notebook_is_thin_and_clean() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["language_info"]["name"] == "python"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for name in ("db", "programme", "period", "graph_kind", "lang"):
        assert re.search(rf"^{name} = ", code[0].source, re.M), name
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None
        assert not re.search(r"^\s*(def |for |if |while |class )|SELECT |sqlalchemy",
                             cell.source, re.M | re.I), cell.source


@pytest.mark.slow
def test_notebook_runs_without_names(tmp_path: Path) -> None:
    ds = generate(seed=0, scale=0.3)
    db = tmp_path / "demo.db"
    Store.open(db).load(ds)
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
        parameters={"db": str(db), "programme": "Groningen", "period": "2023/2026",
                    "graph_kind": "event", "lang": "nl"})
    result = nbformat.read(out, as_version=4)
    outputs = json.dumps([c.get("outputs", []) for c in result.cells])
    assert "Wie is het vaakst mentor" in outputs
    assert outputs.count("image/png") == 5        # every figure shows, not just the first
    assert "mentor:" in outputs
    p = ds.person
    secrets = set((p["first_name"] + " " + p["last_name"]).dropna())
    secrets |= set(p["email"].dropna()) | set(p["phone"].dropna()) | set(p["address"].dropna())
    assert not [s for s in secrets if s in outputs]

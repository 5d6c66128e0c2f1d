"""Role by file name (issue 15), written as the attack: a funder may run the shipped funder
report, known by its content's SHA-256, and nothing else called ``funder_report.ipynb``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.privacy.roles import AccessDenied
from mentorkit.reports import ReportJob, run_report
from mentorkit.reports import shipped as shipped_module
from mentorkit.reports.shipped import SHIPPED_NOTEBOOKS, capability, check_notebook, digest

FUNDER = SHIPPED_NOTEBOOKS / "funder_report.ipynb"
LEAK = 'print(Store.open(db or None).table("person")[["first_name", "email"]])'


def _edited(tmp_path: Path) -> Path:
    """The shipped funder report with one more cell that prints people, same file name."""
    nb = json.loads(FUNDER.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "added-cell",
                        "metadata": {}, "outputs": [],
                        "source": ["from mentorkit.store import Store\n", LEAK]})
    folder = tmp_path / "mine"
    folder.mkdir()
    path = folder / "funder_report.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def _foreign(tmp_path: Path) -> Path:
    """Another shipped notebook (it reads the case store) renamed funder_report.ipynb."""
    folder = tmp_path / "renamed"
    folder.mkdir()
    path = folder / "funder_report.ipynb"
    shutil.copy(SHIPPED_NOTEBOOKS / "matching_study.ipynb", path)
    return path


EDITED = "may run only the notebooks shipped with mentorkit, unchanged: funder_report.ipynb " \
    "is not one of them"
RENAMED = "may not use personal_data (allowed: aggregates): funder_report.ipynb is the " \
    "shipped matching_study.ipynb, which reads the case store"


@pytest.mark.parametrize(("make", "message"), [(_edited, EDITED), (_foreign, RENAMED)],
                         ids=["edited", "renamed"])
def test_a_funder_cannot_run_another_notebook_called_funder_report(
        make: object, message: str, small_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = make(tmp_path)  # type: ignore[operator]
    monkeypatch.setenv("MENTORKIT_ROLE", "funder")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", str(notebook), "--db", str(small_db),
                                      "--out", str(out), "--no-progress"])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert not out.exists()
    # the library refuses too, checking the text it will run (not the file's name)
    with pytest.raises(AccessDenied, match="funder_report.ipynb"):
        run_report(notebook, out, db=str(small_db), progress=False)
    with pytest.raises(AccessDenied):
        ReportJob.from_notebook(notebook, "x", {"db": str(small_db)})
    assert not out.exists()
    # --all over a folder holding it is refused before anything runs
    result = CliRunner().invoke(app, ["report", "--all", "--notebooks", str(notebook.parent),
                                      "--db", str(small_db), "--out", str(out)])
    assert result.exit_code == 1 and "funder_report.ipynb" in result.output
    assert not out.exists()


def test_the_shipped_funder_report_is_known_by_content_under_any_name(tmp_path: Path) -> None:
    copy = tmp_path / "quarterly.ipynb"
    shutil.copy(FUNDER, copy)
    assert check_notebook(copy.read_text(encoding="utf-8"), copy.name, {}, "funder") == "funder"
    assert ReportJob.from_notebook(copy, "q", {}).source == FUNDER.read_text(encoding="utf-8")
    text = FUNDER.read_text(encoding="utf-8")
    one_byte = text[:-2] + " " + text[-2:]  # one space more, still the same notebook JSON
    assert json.loads(one_byte) == json.loads(text)
    assert capability(one_byte, {}) == "personal_data"
    with pytest.raises(AccessDenied, match="content's SHA-256, not by its name"):
        check_notebook(one_byte, "funder_report.ipynb", {}, "funder")
    # a coordinator may run anything
    assert check_notebook(one_byte, "funder_report.ipynb", {}, "coordinator") == "coordinator"


def test_the_known_digests_come_from_the_shipped_files_not_a_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the shipped notebook changes, the new one is the one a funder may run."""
    changed = _edited(tmp_path)
    monkeypatch.setattr(shipped_module, "SHIPPED_NOTEBOOKS", changed.parent)
    text = changed.read_text(encoding="utf-8")
    assert shipped_module.shipped_notebooks() == {digest(text): "funder_report.ipynb"}
    assert check_notebook(text, "funder_report.ipynb", {}, "funder") == "funder"
    with pytest.raises(AccessDenied):
        check_notebook(FUNDER.read_text(encoding="utf-8"), "funder_report.ipynb", {}, "funder")
    monkeypatch.setattr(shipped_module, "SHIPPED_NOTEBOOKS", tmp_path / "missing")
    with pytest.raises(AccessDenied, match="shipped: none found"):
        check_notebook(text, "funder_report.ipynb", {}, "funder")


def test_a_researcher_runs_only_shipped_research_notebooks_on_an_extract(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = (SHIPPED_NOTEBOOKS / "outcome_study.ipynb").read_text(encoding="utf-8")
    extract = {"extract": "/secure/ku-2027"}
    assert check_notebook(study, "outcome_study.ipynb", extract, "researcher") == "researcher"
    with pytest.raises(AccessDenied, match="may not use personal_data"):
        check_notebook(study, "outcome_study.ipynb", {}, "researcher")
    # an edited copy that still declares extract reads whatever it likes: refused
    nb = json.loads(study)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "added-cell",
                        "metadata": {}, "outputs": [], "source": [LEAK]})
    with pytest.raises(AccessDenied, match="not one of them"):
        check_notebook(json.dumps(nb), "outcome_study.ipynb", extract, "researcher")
    monkeypatch.setenv("MENTORKIT_ROLE", "researcher")
    path = tmp_path / "outcome_study.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(path), "-p", "extract=/secure/ku-2027",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "not one of them" in result.output

"""Reports end to end: `mentorkit report` over the demo database, on a process pool and on a
Dask LocalCluster; failing cells, parameters, reproducibility and personal data.

Notebook runs are slow (a kernel each), so one module-scoped run of ``report --all`` (the
funder report for every demo programme, plus a notebook that fails) feeds most tests.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.privacy.leaks import Needles, scan_file
from mentorkit.reports import report_name, run_all
from mentorkit.store import Store
from mentorkit.synth import PROGRAMMES as SPEC
from mentorkit.synth import generate

ROOT = Path(__file__).resolve().parents[1]
FUNDER = ROOT / "notebooks" / "funder_report.ipynb"
PROGRAMMES = [p.name for p in SPEC]
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
          "language_info": {"name": "python"}}



@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("reports_db") / "demo.db"
    with Store.open(str(path), actor="test") as store:
        store.load(generate(seed=0))
    return str(path)


@pytest.fixture(scope="module")
def people(demo_db: str) -> Any:
    with Store.open(demo_db) as store:
        return store.table("person")


@pytest.fixture(scope="module")
def suite(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """`mentorkit report --all` on two workers over the funder report and a broken notebook."""
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(FUNDER, folder / FUNDER.name)
    nbformat.write(new_notebook(cells=[
        new_code_cell('lang = "en"', metadata={"tags": ["parameters"]}),
        new_code_cell("x = 1"),
        new_code_cell("y = x / 0"),
    ], metadata=KERNEL), folder / "broken.ipynb")
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(app, ["report", "--all", "--notebooks", str(folder), "--db",
                                      demo_db, "--out", str(out), "--workers", "2",
                                      "--no-progress"])
    return result, out


def _outputs(path: Path) -> list[str]:
    """Every output of an executed notebook, as text (images included)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [json.dumps(o.get("data", o.get("text", "")), sort_keys=True)
            for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def test_all_writes_a_funder_report_per_programme_and_names_the_failing_cell(suite) -> None:
    result, out = suite
    assert result.exit_code == 1, result.output
    n = len(PROGRAMMES)  # the funder report for each, and the broken notebook once
    assert f"{n} of {n + 1} reports written" in result.output
    assert "broken-all-programmes-all-time failed: cell 3: ZeroDivisionError: division by zero" \
        in result.output
    assert "Traceback" not in result.output and '"cell_type"' not in result.output
    names = sorted(p.name for p in out.glob("*.html"))
    assert names == sorted(f"{report_name(FUNDER, p, '')}.html" for p in PROGRAMMES)
    assert "funder_report-langkaerparken-all-time.html" in names
    assert (out / "broken-all-programmes-all-time.ipynb").exists()


def test_reports_show_no_code_and_read_as_a_report(suite) -> None:
    _, out = suite
    page = (out / "funder_report-groningen-all-time.html").read_text(encoding="utf-8")
    assert "<title>Funder report – Groningen</title>" in page
    for heading in ("Report to the funder: Groningen", "Grant targets", "Participants recruited",
                    "Why it ended", "Outcomes for mentees", "Effect of having a mentor",
                    "Courses and events"):
        assert heading in page
    assert "FunderReport.build" not in page and "Store.open" not in page
    assert "95% confidence interval" in page          # enough people for an estimate here
    small = (out / "funder_report-tingbjerg-all-time.html").read_text(encoding="utf-8")
    assert "too small to estimate an effect" in small  # and said in plain words there


def test_no_name_email_or_phone_of_any_demo_person_in_any_report(suite, people) -> None:
    _, out = suite
    files = sorted(out.glob("*.html")) + sorted(out.glob("*.ipynb"))
    assert len(files) == 2 * len(PROGRAMMES) + 1  # .html and .ipynb each, the broken .ipynb
    needles = Needles.from_tables({"person": people})
    emails = {e.lower() for e in people["email"].dropna()}
    phones = {re.sub(r"\D", "", p) for p in people["phone"].dropna()}
    names = {f"{a} {b}" for a, b in zip(people["first_name"], people["last_name"])
             if isinstance(a, str) and isinstance(b, str)}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert scan_file(path, needles) == [], path.name
        # and, independently of that function, on the raw file (styles and images included):
        words = re.findall(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", text)
        assert not names & {f"{a} {b}" for a, b in zip(words, words[1:])}, path.name
        assert not emails & set(re.findall(r"[\w.+-]+@[\w.-]+", text.lower())), path.name
        runs = {re.sub(r"\D", "", r) for r in re.findall(r"\+?\d[\d ]{6,}\d", text)}
        assert not phones & runs, path.name


def test_parameters_reach_the_notebook(demo_db: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(FUNDER), "--programme", "Groningen",
                                      "--period", "2024-01-01:2024-12-31", "--lang", "nl",
                                      "-p", "grant=Migranten aan zet", "--db", demo_db,
                                      "--out", str(tmp_path), "--no-progress"])
    assert result.exit_code == 0, result.output
    name = "funder_report-groningen-2024-01-01_2024-12-31"
    nb = json.loads((tmp_path / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == {
        "db": f"sqlite:///{Path(demo_db).resolve()}", "programme": "Groningen",
        "period": "2024-01-01:2024-12-31", "lang": "nl", "grant": "Migranten aan zet"}
    shown = "".join(_outputs(tmp_path / f"{name}.ipynb"))
    assert "programme=&#x27;Groningen&#x27;, period=&#x27;2024-01-01:2024-12-31&#x27;, " \
           "grant=&#x27;Migranten aan zet&#x27;, lang=&#x27;nl&#x27;" in shown
    page = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
    assert "Rapportage aan de financier: Groningen" in page and "2024-01-01 – 2024-12-31" in page


def test_a_report_run_twice_gives_the_same_numbers(suite, demo_db: str, tmp_path: Path) -> None:
    _, out = suite
    result = CliRunner().invoke(app, ["report", str(FUNDER), "--programme", "Vollsmose",
                                      "--db", demo_db, "--out", str(tmp_path), "--no-progress"])
    assert result.exit_code == 0, result.output
    name = "funder_report-vollsmose-all-time"
    first, second = _outputs(out / f"{name}.ipynb"), _outputs(tmp_path / f"{name}.ipynb")
    # nine sections, the time-aware effect with its note on "ever matched", the provenance
    assert len(first) == 12 and first == second
    numbers = re.findall(r">\s*([\d\u202f]+%?)\s*<", "".join(first))
    assert len(numbers) > 50


def test_a_broken_notebook_fails_the_command_naming_the_cell(demo_db: str, tmp_path: Path) -> None:
    nb = new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A report that breaks"),
        new_code_cell('db = ""', metadata={"tags": ["parameters"]}),
        new_code_cell("import json\nrows = json.loads('{not json')"),
    ], metadata=KERNEL)
    nbformat.write(nb, tmp_path / "bad.ipynb")
    result = CliRunner().invoke(app, ["report", str(tmp_path / "bad.ipynb"), "--db", demo_db,
                                      "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("error: bad-all-programmes-all-time failed: cell 3: "
                               "JSONDecodeError: Expecting property name"), result.output
    assert "in: rows = json.loads('{not json')" in result.output
    assert len(lines) <= 4 and "Traceback" not in result.output
    assert not (tmp_path / "out" / "bad-all-programmes-all-time.html").exists()


def test_wrong_options_are_refused_before_anything_runs(demo_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    cases = [(["--period", "summer"], "period 'summer' is not understood"),
             (["--lang", "de"], "--lang must be da, en or nl"),
             (["-p", "colour=red"], "funder_report.ipynb has no parameter colour; it declares: "
                                    "db, programme, period, grant, lang")]
    for args, message in cases:
        result = runner.invoke(app, ["report", str(FUNDER), "--db", demo_db, "--out",
                                     str(tmp_path), *args])
        assert result.exit_code == 1 and message in result.output, result.output
    assert not list(tmp_path.iterdir())


def test_dask_cluster_runs_the_same_reports(suite, demo_db: str, tmp_path: Path) -> None:
    from distributed import LocalCluster

    _, out = suite
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        results = run_all([FUNDER], tmp_path, db=demo_db, programmes=["Tingbjerg"],
                          scheduler=cluster.scheduler_address)
    assert [(r.name, r.error) for r in results] == [("funder_report-tingbjerg-all-time", None)]
    assert _outputs(results[0].ipynb) == _outputs(out / results[0].ipynb.name)


def test_an_unreachable_scheduler_is_a_clear_error(demo_db: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mentorkit.reports.batch.CONNECT_TIMEOUT", "2s")
    result = CliRunner().invoke(app, ["report", "--all", "--notebooks", str(FUNDER.parent),
                                      "--programme", "Tingbjerg", "--db", demo_db, "--out",
                                      str(tmp_path), "--scheduler", "tcp://127.0.0.1:9",
                                      "--no-progress"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output

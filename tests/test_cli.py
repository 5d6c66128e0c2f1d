"""The `mentorkit` command: help, demo, summary, people, errors without tracebacks.

``mentorkit demo`` fills one database for the module (``demo_template``); a test that writes
works on a copy of it (``demo_db``).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.synth import PROGRAMMES

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("db", "demo", "import", "export", "people", "summary"):
        assert command in result.output


def test_db_upgrade_creates_an_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "new.db"
    result = run("db", "upgrade", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "revision 0" in result.output and db.exists()
    assert "database: 0" in run("db", "current", "--db", str(db)).output


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``mentorkit demo`` once for the module (scale 0.1); tests read or copy it."""
    db = tmp_path_factory.mktemp("cli") / "demo.db"
    result = run("demo", "--db", str(db), "--scale", "0.1")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the module's demo database, for a test that writes."""
    path = tmp_path / "demo.db"
    with sqlite3.connect(demo_template) as source, sqlite3.connect(path) as target:
        source.backup(target)
    source.close()
    target.close()
    return str(path)


def people_per_programme(db: str) -> dict[str, tuple[int, int]]:
    """(mentors, mentees) per programme name, counted in SQL, not through mentorkit."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT p.name, sum(x.role = 'mentor'), sum(x.role = 'mentee') FROM programme p "
            "JOIN person x ON x.programme_id = p.id GROUP BY p.id ORDER BY p.id").fetchall()
    conn.close()
    return {name: (int(mentors), int(mentees)) for name, mentors, mentees in rows}


def summary_rows(output: str) -> dict[str, tuple[int, int]]:
    lines = output.strip().splitlines()
    assert lines[0].split()[:5] == ["programme", "city", "period", "mentors", "mentees"]
    return {cells[0]: (int(cells[3]), int(cells[4])) for cells in map(str.split, lines[1:])}


def test_demo_then_summary_describes_the_programmes(demo_db: str) -> None:
    summary = run("summary", "--db", demo_db)
    assert summary.exit_code == 0
    shown = summary_rows(summary.output)
    assert list(shown) == [p.name for p in PROGRAMMES]
    assert shown == people_per_programme(demo_db)
    again = run("demo", "--db", demo_db)
    assert again.exit_code == 1 and "--replace" in again.output
    assert people_per_programme(demo_db) == shown  # refused: nothing changed
    replaced = run("demo", "--db", demo_db, "--scale", "0.05", "--seed", "1", "--replace")
    assert replaced.exit_code == 0, replaced.output
    now = people_per_programme(demo_db)
    assert list(now) == list(shown) and now != shown
    assert summary_rows(run("summary", "--db", demo_db).output) == now


def test_people_list_and_show_use_the_env_database(demo_template: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_DB", str(demo_template))
    listed = run("people", "list", "--programme", "tingbjerg", "--role", "mentor")
    assert listed.exit_code == 0
    rows = listed.output.strip().splitlines()[1:]
    assert rows and all(" mentor " in f" {r} " and "Tingbjerg" in r for r in rows)
    assert len(rows) == people_per_programme(str(demo_template))["Tingbjerg"][0]
    first_id = rows[0].split()[0]
    shown = run("people", "show", first_id)
    assert "role" in shown.output and "mentor" in shown.output


def test_errors_are_one_line_without_traceback(demo_template: Path) -> None:
    db = str(demo_template)
    unknown = run("people", "list", "--db", db, "--programme", "Atlantis")
    assert unknown.exit_code == 1 and "no programme called 'Atlantis'" in unknown.output
    missing = run("people", "show", "99999", "--db", db)
    assert missing.exit_code == 1 and "no row with id 99999" in missing.output
    assert "Traceback" not in unknown.output + missing.output


def test_installed_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("mentorkit")
    out = subprocess.run([str(exe), "db", "upgrade", "--db", str(tmp_path / "x.db")],
                         capture_output=True, text=True, check=True)
    assert "revision" in out.stdout

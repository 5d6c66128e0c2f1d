"""The `mentorkit` command: help, demo, summary, people, errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mentorkit.cli import app

runner = CliRunner()


def run(*args: str) -> "object":
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


def test_demo_then_summary_describes_the_programmes(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    result = run("demo", "--db", db, "--scale", "0.2")
    assert result.exit_code == 0, result.output
    summary = run("summary", "--db", db)
    assert summary.exit_code == 0
    lines = summary.output.strip().splitlines()
    assert lines[0].split()[:5] == ["programme", "city", "period", "mentors", "mentees"]
    assert [line.split()[0] for line in lines[1:]] == [
        "Vollsmose", "Skovparken", "Tingbjerg", "Langkærparken", "Groningen"]
    again = run("demo", "--db", db)
    assert again.exit_code == 1 and "--replace" in again.output
    assert run("demo", "--db", db, "--scale", "0.1", "--replace").exit_code == 0


def test_people_list_and_show_use_the_env_database(tmp_path: Path, monkeypatch) -> None:
    db = str(tmp_path / "demo.db")
    run("demo", "--db", db, "--scale", "0.1")
    monkeypatch.setenv("MENTORKIT_DB", db)
    listed = run("people", "list", "--programme", "tingbjerg", "--role", "mentor")
    assert listed.exit_code == 0
    rows = listed.output.strip().splitlines()[1:]
    assert rows and all(" mentor " in f" {r} " and "Tingbjerg" in r for r in rows)
    first_id = rows[0].split()[0]
    shown = run("people", "show", first_id)
    assert "role" in shown.output and "mentor" in shown.output


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    run("demo", "--db", db, "--scale", "0.1")
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

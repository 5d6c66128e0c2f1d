"""Roles and the commands for subject rights: each role sees only what it may."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from test_privacy_suppression import attack
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import ConfigError
from mentorkit.model.schema import ENTITY_TABLES
from mentorkit.privacy.roles import AccessDenied, current_role, require, view
from mentorkit.store import Store

KEY = "test-key-0123456789-abcdef"
HEX16 = re.compile(r"^[0-9a-f]{16}$")


def personal_strings(store: Store) -> set[str]:
    person = store.table("person")
    out = set()
    for column in ("first_name", "last_name", "email", "phone"):
        out |= {str(v) for v in person[column].dropna()}
    return out


def all_cells(tables: dict[str, pd.DataFrame]) -> set[str]:
    return {str(v) for df in tables.values() for col in df.columns for v in df[col]
            if not isinstance(v, (list, dict))}


def test_role_comes_from_configuration() -> None:
    assert current_role({}) == "coordinator"
    assert current_role({"MENTORKIT_ROLE": "researcher"}) == "researcher"
    with pytest.raises(ConfigError):
        current_role({"MENTORKIT_ROLE": "admin"})


def test_funder_sees_only_suppressed_aggregates(small_store: Store) -> None:
    tables = view(small_store, "funder", min_cell=5)
    assert not all_cells(tables) & personal_strings(small_store)
    for name, df in tables.items():
        assert "id" not in df.columns and df.index[-1] == "Total", name
        values = df.to_numpy(dtype=object)
        assert not any(v is not pd.NA and 0 < v < 5 for v in values.ravel()), name
        for low, high in attack(df).values():
            assert high - low >= 1
    with pytest.raises(AccessDenied):
        require("personal_data", "funder")
    with pytest.raises(AccessDenied):
        require("extract", "funder")


def test_researcher_sees_only_pseudonymised_extracts(small_store: Store) -> None:
    tables = view(small_store, "researcher", key=KEY)
    assert "manifest" in tables and not all_cells(tables) & personal_strings(small_store)
    person = tables["person"]
    assert {"first_name", "email", "phone", "notes"}.isdisjoint(person.columns)
    assert all(HEX16.match(v) for v in person["id"])
    with pytest.raises(AccessDenied):
        require("personal_data", "researcher")
    with pytest.raises(AccessDenied):
        require("subject_rights", "researcher")


def test_coordinator_sees_personal_data_of_their_own_programmes_only(small_db: Path) -> None:
    with Store.open(str(small_db)) as full:
        programmes = full.table("programme")
        everyone = full.table("person")
    own = programmes["name"].iloc[0]
    own_id = int(programmes["id"].iloc[0])
    with Store.open(str(small_db), programmes=[own]) as site:
        tables = view(site, "coordinator")
    assert set(tables) == set(ENTITY_TABLES)
    assert set(tables["person"]["programme_id"]) == {own_id}
    assert set(tables["match"]["programme_id"]) == {own_id}
    assert set(tables["outcome"]["person_id"]) <= set(tables["person"]["id"])
    others = everyone[everyone["programme_id"] != own_id]
    assert not set(tables["person"]["email"].dropna()) & set(others["email"].dropna())
    assert tables["person"]["email"].notna().any()  # personal data are there for them


def test_commands_refuse_roles_without_the_right(small_db: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("MENTORKIT_ROLE", "researcher")
    for args in (["access", "1", "--out", str(tmp_path / "a.json")], ["erase", "1", "--yes"],
                 ["retention"], ["backup", str(tmp_path / "b.db")]):
        result = runner.invoke(app, [*args, "--db", str(small_db)])
        assert result.exit_code == 1 and "may not" in result.output, args
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "b.db").exists()
    with Store.open(str(small_db)) as s:
        assert s.people.get(1)["erased_at"] is None


def test_access_erase_and_retention_commands_print_no_personal_data(
        small_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    with Store.open(str(small_db)) as s:
        secrets = personal_strings(s)
        pid = int(s.table("match")["mentee_id"].iloc[0])
        email = s.people.get(pid)["email"]
    out = tmp_path / "access.json"
    result = runner.invoke(app, ["access", str(pid), "--out", str(out), "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["email"] == email
    erased = runner.invoke(app, ["erase", str(pid), "--yes", "--db", str(small_db)])
    assert erased.exit_code == 0 and f"erased person {pid}" in erased.output
    due = runner.invoke(app, ["retention", "--years", "1", "--db", str(small_db)])
    assert due.exit_code == 0 and "dry run" in due.output
    for output in (result.output, erased.output, due.output):
        assert not {s for s in secrets if s in output}
    with Store.open(str(small_db)) as s:
        assert s.people.get(pid)["email"] is None
        assert s.table("person")["erased_at"].notna().sum() == 1  # the dry run erased nobody
    refused = runner.invoke(app, ["erase", "2", "--db", str(small_db)], input="n\n")
    assert refused.exit_code != 0
    with Store.open(str(small_db)) as s:
        assert s.people.get(2)["erased_at"] is None  # answering no erased nothing


PERSONAL_COMMANDS = (
    ["people", "list"], ["people", "show", "1"], ["export", "person", "{tmp}/p.csv"],
    ["import", "mentees", "{tmp}/in.csv"], ["scan", "{tmp}"],
    ["report", "notebooks/outcome_study.ipynb", "--out", "{tmp}/r"],
)


@pytest.mark.parametrize("role", ["researcher", "funder"])
def test_commands_that_show_or_take_personal_data_are_for_coordinators_only(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    (tmp_path / "in.csv").write_text("first_name,last_name\nA,B\n")
    with Store.open(str(small_db)) as s:
        secrets = personal_strings(s)
        before = len(s.table("person"))
    monkeypatch.setenv("MENTORKIT_ROLE", role)
    runner = CliRunner()
    for template in PERSONAL_COMMANDS:
        args = [a.format(tmp=tmp_path) for a in template]
        result = runner.invoke(app, [*args, "--db", str(small_db)])
        assert result.exit_code == 1, (args, result.output)
        assert f"the {role} role may not use personal_data" in result.output, args
        assert not {s for s in secrets if s in result.output}
    copy = runner.invoke(app, ["db", "copy", str(small_db), f"sqlite:///{tmp_path}/copy.db"])
    assert copy.exit_code == 1 and "may not" in copy.output
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "copy.db").exists()
    assert not (tmp_path / "r").exists()
    with Store.open(str(small_db)) as s:
        assert len(s.table("person")) == before


def test_the_summary_is_suppressed_aggregates_for_researchers_and_funders(
        small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["summary", "--db", str(small_db)])
    assert plain.exit_code == 0 and "never_matched" in plain.output
    monkeypatch.setenv("MENTORKIT_ROLE", "funder")
    result = runner.invoke(app, ["summary", "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    assert "never_matched" not in result.output
    assert "matches by gender:" in result.output and "· = fewer than 5" in result.output
    with Store.open(str(small_db)) as s:
        tables = view(s, "funder", min_cell=5)
    for table in tables.values():  # what is printed is exactly the suppressed table
        assert table.astype("string").fillna("·").to_string() in result.output


def test_a_funder_may_run_the_funder_report_and_nothing_else(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_ROLE", "funder")
    runner = CliRunner()
    other = runner.invoke(app, ["report", "notebooks/network_analysis.ipynb", "--db", str(small_db),
                                "--out", str(tmp_path)])
    assert other.exit_code == 1 and "may not use personal_data" in other.output
    missing = tmp_path / "funder_report.ipynb"  # passes the role check, then is not found
    allowed = runner.invoke(app, ["report", str(missing), "--db", str(small_db), "--out",
                                  str(tmp_path)])
    assert "may not" not in allowed.output and allowed.exit_code != 0


def test_a_researcher_runs_research_notebooks_from_an_extract_only(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mentorkit.cli.reporting import _report_capability

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    extract = ["extract=/secure/ku-2027"]
    assert _report_capability(notebooks / "outcome_study.ipynb", extract) == "extract"
    assert _report_capability(notebooks / "network_analysis.ipynb", extract) == "extract"
    assert _report_capability(notebooks / "outcome_study.ipynb", []) == "personal_data"
    assert _report_capability(notebooks / "outcome_study.ipynb", ["extract= "]) == \
        "personal_data"
    # the matching study works on the store: an extract parameter does not make it research
    assert _report_capability(notebooks / "matching_study.ipynb", extract) == "personal_data"
    assert _report_capability(notebooks / "funder_report.ipynb", []) == "aggregates"
    monkeypatch.setenv("MENTORKIT_ROLE", "researcher")
    result = CliRunner().invoke(app, ["report", "--all", "--notebooks", str(notebooks),
                                      "-p", extract[0], "--db", str(small_db),
                                      "--out", str(tmp_path / "r")])
    assert result.exit_code == 1 and "may not use personal_data" in result.output
    assert not (tmp_path / "r").exists()

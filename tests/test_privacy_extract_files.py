"""Evaluator exports: written whole with their agreement, read back typed, refused once expired."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import ValidationError
from mentorkit.model.dataset import Dataset
from mentorkit.privacy.extract import group_sizes, research_extract
from mentorkit.privacy.extract_files import (
    ExtractExpired,
    ExtractTampered,
    read_extract,
    write_extract,
)
from mentorkit.privacy.leaks import Needles, scan_paths
from mentorkit.store import Store

KEY = "test-key-0123456789-abcdef"
EXPIRES = dt.date(2099, 12, 31)


@pytest.fixture(autouse=True)
def _the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pseudonym key the extracts are made, signed and verified with."""
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)


@pytest.fixture(scope="module")
def tables(small_dataset: Dataset) -> dict[str, pd.DataFrame]:
    return research_extract(small_dataset, key=KEY, agreement="DSA-7 evaluation",
                            expires=EXPIRES)


def test_an_extract_reads_back_exactly_as_it_was_written(tables: dict[str, pd.DataFrame],
                                                         tmp_path: Path) -> None:
    back = read_extract(write_extract(tables, tmp_path / "x"))
    assert set(back) == set(tables)
    for name, df in tables.items():
        if name != "manifest":
            pd.testing.assert_frame_equal(back[name], df, check_dtype=True, obj=name)
    manifest = back["manifest"].iloc[0]
    assert manifest["agreement"] == "DSA-7 evaluation" and manifest["expires"] == "2099-12-31"
    assert manifest["key_fingerprint"] == tables["manifest"]["key_fingerprint"].iloc[0]


def test_files_are_private_and_hold_no_direct_identifiers(tables: dict[str, pd.DataFrame],
                                                          small_dataset: Dataset,
                                                          tmp_path: Path) -> None:
    folder = write_extract(tables, tmp_path / "x")
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}
    leaks, files = scan_paths([folder], Needles.from_tables(small_dataset.tables()),
                              suffixes=(".csv", ".json"))
    assert files == len(tables) and leaks == []


def test_an_expired_extract_is_refused_with_the_agreement_named(
        tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    folder = write_extract(tables, tmp_path / "x")
    assert read_extract(folder, today=EXPIRES)["person"].shape == tables["person"].shape
    with pytest.raises(ExtractExpired, match="DSA-7 evaluation.*expired on 2099-12-31"):
        read_extract(folder, today=EXPIRES + dt.timedelta(days=1))


def test_an_extract_without_agreement_or_expiry_is_not_written(small_dataset: Dataset,
                                                               tmp_path: Path) -> None:
    for kwargs in ({}, {"agreement": "DSA-7"}, {"expires": EXPIRES},
                   {"agreement": "  ", "expires": EXPIRES}):
        bare = research_extract(small_dataset, key=KEY, **kwargs)
        with pytest.raises(ValidationError, match="agreement"):
            write_extract(bare, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing_behind(tables: dict[str, pd.DataFrame], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = pd.DataFrame.to_csv

    def failing(self: pd.DataFrame, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 4:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError):
        write_extract(tables, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "old.csv").write_text("a\n")
    monkeypatch.setattr(pd.DataFrame, "to_csv", original)
    with pytest.raises(ValidationError, match="already exists"):
        write_extract(tables, tmp_path / "taken")


def test_the_command_writes_an_extract_for_a_researcher_and_audits_it(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("MENTORKIT_ROLE", "researcher")
    out = tmp_path / "for-ku"
    result = CliRunner().invoke(app, ["extract", str(out), "--agreement", "DSA-7 evaluation",
                                      "--expires", "2099-12-31", "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    assert "delete it by 2099-12-31" in result.output
    back = read_extract(out)
    with Store.open(str(small_db)) as store:
        audit = store.table("audit")
        consenting = store.table("person")["consent_scope"].map(lambda s: "research" in s)
    left_out = int(back["manifest"]["people_left_out"].iloc[0])  # alone even when blanked
    assert len(back["person"]) + left_out == int(consenting.sum())
    assert left_out < len(back["person"]) / 5
    assert "k=5 on person.programme_id,person.role" in result.output
    made = audit[audit["action"] == "extract"]
    assert len(made) == 1
    after = made["after"].iloc[0]
    after = json.loads(after) if isinstance(after, str) else after
    assert after["agreement"] == "DSA-7 evaluation" and after["expires"] == "2099-12-31"


@pytest.mark.parametrize("args, message", [
    (["--agreement", "DSA-7", "--expires", "2020-01-01"], "not in the future"),
    (["--agreement", "DSA-7", "--expires", "next year"], "YYYY-MM-DD"),
    (["--agreement", " ", "--expires", "2099-01-01"], "must name"),
])
def test_the_command_refuses_a_bad_agreement_and_writes_nothing(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
        message: str) -> None:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    out = tmp_path / "x"
    result = CliRunner().invoke(app, ["extract", str(out), *args, "--db", str(small_db)])
    assert result.exit_code == 1 and message in result.output
    assert not out.exists()


def test_the_command_refuses_the_funder_role(small_db: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("MENTORKIT_ROLE", "funder")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "x"), "--agreement", "DSA-7",
                                      "--expires", "2099-01-01", "--db", str(small_db)])
    assert result.exit_code == 1 and "the funder role may not use extract" in result.output
    assert not (tmp_path / "x").exists()


def test_research_notebooks_get_an_extract_never_the_store(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        small_dataset: Dataset) -> None:
    from mentorkit.store.extracts import research_tables

    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY_FILE", raising=False)
    first, second = research_tables(db=str(small_db)), research_tables(db=str(small_db))
    assert {"first_name", "email", "phone", "notes"}.isdisjoint(first["person"].columns)
    assert len(first["person"]) + int(first["manifest"]["people_left_out"].iloc[0]) == int(
        small_dataset.person["consent_scope"].map(lambda s: "research" in s).sum())
    assert set(first["person"]["id"]).isdisjoint(second["person"]["id"])  # one-off keys
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    keyed = research_tables(db=str(small_db))
    again = research_tables(db=str(small_db))
    assert keyed["person"]["id"].tolist() == again["person"]["id"].tolist()
    with Store.open(str(small_db)) as store:
        assert (store.table("audit")["action"] != "extract").all()  # nothing left the process
    folder = write_extract(research_extract(small_dataset, key=KEY, agreement="DSA-7",
                                            expires=EXPIRES), tmp_path / "x")
    from_folder = research_tables(folder, db="sqlite:///nonexistent/never-opened.db")
    assert from_folder["person"]["id"].tolist() == keyed["person"]["id"].tolist()


def test_an_extract_that_could_not_be_written_is_not_recorded_as_made(
        small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mentorkit.privacy.extract_files as extract_files

    def full_disk(*args: object, **kwargs: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    monkeypatch.setattr(extract_files, "write_extract", full_disk)
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "x"), "--agreement", "DSA-7",
                                      "--expires", "2099-01-01", "--db", str(small_db)])
    assert result.exit_code != 0 and isinstance(result.exception, OSError)
    with Store.open(str(small_db)) as store:
        assert (store.table("audit")["action"] != "extract").all()
    assert not (tmp_path / "x").exists()


# --- the signed manifest: the attacks on an extract in the researcher's hands (issue 15) --

def _written(tables: dict[str, pd.DataFrame], tmp_path: Path) -> Path:
    return write_extract(tables, tmp_path / "x", key=KEY)


def test_an_edited_expiry_is_refused(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    """The attack: the agreement ran out, so the researcher moves the expiry in
    manifest.json a year on and reads the extract again."""
    folder = _written(tables, tmp_path)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["expires"] = "2199-12-31"
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    with pytest.raises(ExtractTampered, match="manifest was changed"):
        read_extract(folder, today=EXPIRES + dt.timedelta(days=1), key=KEY)
    with pytest.raises(ExtractTampered, match="manifest was changed"):
        read_extract(folder, key=KEY)  # before the real expiry as well


def test_an_edited_csv_is_refused_even_with_its_digest_updated(
        tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    """The attack: change a value in a table (or a whole file) and, to hide it, put the
    new file's SHA-256 in the manifest."""
    import hashlib

    folder = _written(tables, tmp_path)
    csv = folder / "outcome.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("employed", "unemployed") if "employed" in lines[1] else \
        lines[1] + "0"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ExtractTampered, match="outcome.csv: changed after"):
        read_extract(folder, key=KEY)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["tables"]["outcome"]["sha256"] = hashlib.sha256(csv.read_bytes()).hexdigest()
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    with pytest.raises(ExtractTampered, match="manifest was changed"):
        read_extract(folder, key=KEY)


def test_a_manifest_signed_with_another_key_is_refused(tables: dict[str, pd.DataFrame],
                                                       tmp_path: Path) -> None:
    """The attack: re-sign an edited manifest with a key of one's own."""
    from mentorkit.privacy.extract_files import sign
    from mentorkit.privacy.pseudonyms import key_fingerprint, load_key

    folder = _written(tables, tmp_path)
    other = "a-key-the-researcher-made-up-herself"
    with pytest.raises(ExtractTampered, match="another key"):
        read_extract(folder, key=other)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["expires"] = "2199-12-31"
    manifest["signature"] = sign(manifest, load_key(other))
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ExtractTampered, match="manifest was changed"):
        read_extract(folder, key=KEY)
    manifest["key_fingerprint"] = key_fingerprint(load_key(other))
    manifest["signature"] = sign(manifest, load_key(other))
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ExtractTampered, match="another key"):
        read_extract(folder, key=KEY)
    with pytest.raises(ExtractTampered, match="not the pseudonym key"):
        write_extract(tables, tmp_path / "y", key=other)
    assert not (tmp_path / "y").exists()


def test_the_manifest_states_k_and_a_table_that_breaks_it_is_not_written(
        tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    """The attack: hand over an extract in which one person is made unique again (here a
    postal area nobody else has); the write refuses and leaves nothing behind."""
    folder = _written(tables, tmp_path)
    written = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert written["k"] == 5 and written["quasi_identifiers"].startswith("person.programme_id")
    assert written["suppressed_cells"] > 0 and written["rows_below_k"] == 0
    assert {e["sha256"] for e in written["tables"].values()} and written["signature"]
    bad = dict(tables)
    bad["person"] = tables["person"].copy()
    # one person of a group of more than k: only she is unique (a group of exactly k would
    # fall below k with her too)
    roomy = group_sizes(bad["person"]) > written["k"]
    bad["person"].loc[bad["person"].index[roomy][0], "postcode"] = "00xx"
    with pytest.raises(ValidationError, match=r"1 row\(s\) .*k=5 does not hold"):
        write_extract(bad, tmp_path / "y", key=KEY)
    assert not (tmp_path / "y").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_the_command_takes_k(small_db: Path, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_ROLE", "researcher")
    out = tmp_path / "k3"
    result = CliRunner().invoke(app, ["extract", str(out), "--agreement", "DSA-7",
                                      "--expires", "2099-12-31", "--k-anonymity", "3",
                                      "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    assert "k=3 on person.programme_id" in result.output
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["k"] == 3
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "k1"), "--agreement", "DSA-7",
                                      "--expires", "2099-12-31", "--k-anonymity", "1",
                                      "--db", str(small_db)])
    assert result.exit_code == 1 and "at least 2" in result.output
    assert not (tmp_path / "k1").exists()


def test_reading_without_the_key_says_the_key_is_needed(tables: dict[str, pd.DataFrame],
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from mentorkit.errors import ConfigError

    folder = _written(tables, tmp_path)
    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(ConfigError, match="checks its signature with the pseudonym key"):
        read_extract(folder)

"""The attack: export and extract onto a full disk, and files other local users could read.

A small tmpfs is mounted for each test and filled up but for a few KiB (mounting needs root;
a machine where it cannot be mounted fails these tests, it does not skip them). On it, an
export (CSV, Excel, the ``mentorkit export`` command) and an extract (``write_extract``,
``mentorkit extract``) must end with one sentence saying the disk is full, in the user's
language, no traceback, no personal data, and nothing half-written left on the disk; an older
file of the same name stays as it was. Files the package creates are mode 600 whatever the
umask: exports, extracts and a new SQLite database with its ``-wal`` and ``-shm`` files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.files import DiskFull, atomic_write
from mentorkit.imports import export_table
from mentorkit.model.dataset import Dataset
from mentorkit.privacy.extract import research_extract
from mentorkit.privacy.extract_files import write_extract
from mentorkit.store import Store

KEY = "test-key-0123456789-abcdef"
FREE = 8 * 1024  # what the filler leaves free on the small disk


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, mounted for the test, filled but for :data:`FREE` bytes."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail("the full-disk tests need to mount a small tmpfs (run them as root, as "
                    f"CI does): mount said {done.stderr.strip()!r}")
    try:
        free = shutil.disk_usage(mount).free
        (mount / "filler").write_bytes(b"\0" * (free - FREE))
        assert shutil.disk_usage(mount).free <= 2 * FREE
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.fixture
def people(small_dataset: Dataset) -> pd.DataFrame:
    person = small_dataset.person
    assert len(person.to_csv()) > 4 * FREE  # the export cannot fit
    return person


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_to_a_full_disk_says_so_and_leaves_nothing(full_disk: Path, suffix: str,
                                                            people: pd.DataFrame) -> None:
    target = full_disk / f"people{suffix}"
    with pytest.raises(DiskFull, match=f"^the disk is full: people{suffix} was not written"):
        export_table(people, target, table="person")
    assert _left(full_disk) == []


def test_an_older_export_stays_whole_when_the_new_one_does_not_fit(
        full_disk: Path, people: pd.DataFrame) -> None:
    target = full_disk / "people.csv"
    export_table(people.head(2)[["first_name"]], target)
    before = target.read_bytes()
    with pytest.raises(DiskFull):
        export_table(people, target, table="person")
    assert target.read_bytes() == before and _left(full_disk) == ["people.csv"]


@pytest.mark.parametrize("lang, says", [("en", "error: the disk is full: people.csv"),
                                        ("da", "error: disken er fuld: people.csv"),
                                        ("nl", "error: de schijf is vol: people.csv")])
def test_the_export_command_on_a_full_disk_prints_one_sentence(
        full_disk: Path, small_db: Path, lang: str, says: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_LANG", lang)
    monkeypatch.setenv("MENTORKIT_ROLE", "coordinator")
    result = CliRunner().invoke(app, ["export", "people", str(full_disk / "people.csv"),
                                      "--db", str(small_db)])
    assert result.exit_code == 1, result.output
    assert says in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with Store.open(str(small_db)) as store:
        emails = store.table("person")["email"].dropna()
    assert len(emails) and not any(e in result.output for e in emails)
    assert _left(full_disk) == []


@pytest.fixture
def extract_tables(small_dataset: Dataset,
                   monkeypatch: pytest.MonkeyPatch) -> dict[str, pd.DataFrame]:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    return research_extract(small_dataset, key=KEY, agreement="DSA-7 evaluation",
                            expires=dt.date(2099, 12, 31))


def test_an_extract_to_a_full_disk_says_so_and_leaves_nothing(
        full_disk: Path, extract_tables: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(DiskFull, match="^the disk is full: for-ku was not written"):
        write_extract(extract_tables, full_disk / "for-ku")
    assert _left(full_disk) == []


def test_the_extract_command_on_a_full_disk_prints_one_sentence(
        full_disk: Path, small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("MENTORKIT_ROLE", "researcher")
    result = CliRunner().invoke(app, ["extract", str(full_disk / "for-ku"), "--agreement",
                                      "DSA-7 evaluation", "--expires", "2099-12-31",
                                      "--db", str(small_db)])
    assert result.exit_code == 1, result.output
    assert "error: the disk is full: for-ku" in result.output
    assert "Traceback" not in result.output
    assert _left(full_disk) == []
    with Store.open(str(small_db)) as store:  # an extract not written is not recorded
        assert "extract" not in set(store.table("audit")["action"])


def test_a_failing_writer_leaves_nothing_and_keeps_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError), atomic_write(tmp_path / "x.csv") as tmp:
        tmp.write_text("half")
        raise KeyError("a bug in the writer")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Every file mode allowed by the umask, as on a badly set-up server."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.usefixtures("open_umask")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_are_readable_by_their_owner_only(tmp_path: Path, people: pd.DataFrame,
                                                  suffix: str) -> None:
    new = export_table(people, tmp_path / f"new{suffix}", table="person")
    old = tmp_path / f"old{suffix}"
    old.write_bytes(b"")
    old.chmod(0o644)
    export_table(people, old, table="person")
    assert (_mode(new), _mode(old)) == (0o600, 0o600)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.name, old.name])


@pytest.mark.usefixtures("open_umask")
def test_extract_files_are_readable_by_their_owner_only(
        tmp_path: Path, extract_tables: dict[str, pd.DataFrame]) -> None:
    folder = write_extract(extract_tables, tmp_path / "x")
    assert _mode(folder) == 0o700
    assert {p.name: _mode(p) for p in folder.iterdir()} == {
        p.name: 0o600 for p in folder.iterdir()}


@pytest.mark.usefixtures("open_umask")
def test_a_new_database_and_its_wal_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store.open(str(path), actor="test") as store:
        store.programmes.add(name="Vollsmose")
        files = {p.name: _mode(p) for p in tmp_path.iterdir()}
    assert {"new.db", "new.db-wal"} <= set(files)
    assert files == dict.fromkeys(files, 0o600)


def test_a_subject_access_file_on_a_full_disk_says_so_and_leaves_nothing(
        full_disk: Path) -> None:
    from mentorkit.privacy.subject_rights import write_access

    with pytest.raises(DiskFull, match="^the disk is full: person-7.json was not written"):
        write_access({"person": {"notes": "x" * (4 * FREE)}}, full_disk / "person-7.json")
    assert _left(full_disk) == []

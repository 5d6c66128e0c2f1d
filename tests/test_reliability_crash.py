"""Crash safety and concurrency on SQLite: kill -9 mid-transaction, readers during writes.

A child process writes a big batch in one transaction (a 100,000-row import through
``mentorkit.imports.import_file``; a batch of 20,000 (declined) matches through
``Store.matches.add_many``); the test watches the write-ahead log
grow (frames appear there only while the batch's transaction is writing, before its commit)
and kills the child with SIGKILL at a random size. Afterwards the database must open, pass
``PRAGMA integrity_check`` and hold none of the batch, and the same batch must go in whole
when run again.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mentorkit.imports import import_file
from mentorkit.model.dataset import Dataset
from mentorkit.store import Store

ROOT = Path(__file__).resolve().parents[1]
ROWS = 100_000
MATCHES = 20_000

CHILD = """
import sys
import pandas as pd
from mentorkit.imports import import_file
from mentorkit.store import Store

db, what, source = sys.argv[1:4]
store = Store.open(db, actor="crash test")
if what == "people":
    import_file(store, source, "mentees", programme="Vollsmose", actor="crash test")
else:
    store.matches.add_many(pd.read_pickle(source))
print("committed", flush=True)
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).strip(os.pathsep)
    return env


def checkpoint(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def kill_mid_transaction(db: Path, what: str, source: Path, threshold: int) -> int:
    """Run the child; SIGKILL it once the WAL holds ``threshold`` bytes; its return code."""
    checkpoint(db)
    wal = Path(f"{db}-wal")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), what, str(source)],
                            env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            if wal.exists() and wal.stat().st_size >= threshold:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode


def count(db: Path, table: str) -> int:
    with Store.open(str(db)) as store:  # opening recovers the log
        return store.counts()[table]


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    n = ROWS
    df = pd.DataFrame({
        "first_name": [f"Navn{i}" for i in range(n)],
        "last_name": [f"Efternavn{i}" for i in range(n)],
        "email": [f"p{i}@example.org" for i in range(n)],
        "postcode": rng.choice(["5220", "5240", "0800", "9711"], n),
        "gender": rng.choice(["female", "male"], n),
        "birth_year": rng.integers(1960, 2000, n),
        "registered_on": "2024-02-01",
        "consent_given_at": "2024-02-01", "consent_scope": "casework",
    })
    path = tmp_path / "mentees.csv"
    df.to_csv(path, sep=";", index=False)
    return path


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_100000_row_import(tmp_path: Path, people_csv: Path) -> None:
    db = tmp_path / "crash.db"
    with Store.open(str(db), actor="test") as store:
        store.programmes.add(name="Vollsmose")
        before = store.counts()
    seed = random.randrange(1 << 30)
    threshold = random.Random(seed).randint(256 << 10, 8 << 20)
    code = kill_mid_transaction(db, "people", people_csv, threshold)
    assert code == -signal.SIGKILL, f"the child was not killed (seed {seed})"
    assert integrity(db) == "ok"
    with Store.open(str(db)) as store:
        after = store.counts()
    assert after == before, f"a killed import left {after['person']} people (seed {seed})"
    with Store.open(str(db), actor="test") as store:  # the same import, run again
        report = import_file(store, people_csv, "mentees", programme="Vollsmose")
        assert report.inserted == ROWS
    assert integrity(db) == "ok"
    with Store.open(str(db)) as store:
        people = store.table("person")
        audit = store.counts()["audit"]
    assert len(people) == ROWS and people["email"].is_unique
    assert audit == before["audit"] + ROWS  # one audit row per person, none from the crash


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_batch_match_save(tmp_path: Path,
                                                    small_dataset: Dataset) -> None:
    db = tmp_path / "matches.db"
    with Store.open(str(db), actor="test") as store:
        store.load(small_dataset)
        before = store.counts()
        people = store.table("person")
    rng = np.random.default_rng(2)
    mentees = people.loc[people["role"] == "mentee", ["id", "programme_id"]]
    mentors = people.loc[people["role"] == "mentor", ["id", "programme_id"]]
    pairs = mentees.merge(mentors, on="programme_id", suffixes=("_mentee", "_mentor"))
    pick = pairs.iloc[rng.integers(0, len(pairs), MATCHES)]
    batch = pd.DataFrame({"programme_id": pick["programme_id"].to_numpy(),
                          "mentee_id": pick["id_mentee"].to_numpy(),
                          "mentor_id": pick["id_mentor"].to_numpy(),
                          # declined: 20,000 random open pairs would break the open-match
                          # rules (tests/test_match_integrity.py), refused before any write
                          "status": "declined", "proposed_on": pd.Timestamp("2026-11-01"),
                          "score": rng.random(MATCHES), "made_by": "batch run"})
    source = tmp_path / "batch.pkl"
    batch.to_pickle(source)
    seed = random.randrange(1 << 30)
    chooser = random.Random(seed)
    for attempt in range(2):
        threshold = chooser.randint(64 << 10, 2 << 20)
        code = kill_mid_transaction(db, "matches", source, threshold)
        assert code == -signal.SIGKILL, f"attempt {attempt}: not killed (seed {seed})"
        assert integrity(db) == "ok"
        assert count(db, "match") == before["match"], f"attempt {attempt} (seed {seed})"
    with Store.open(str(db), actor="test") as store:  # the same batch, saved again
        store.matches.add_many(pd.read_pickle(source))
    assert integrity(db) == "ok"
    assert count(db, "match") == before["match"] + MATCHES


BATCH = 25


def _writer(db: str, batches: int, done: str) -> None:
    with Store.open(db, actor="writer") as store:
        for b in range(batches):
            store.people.add_many([{"programme_id": 1, "role": "mentee",
                                    "first_name": f"R{b}-{i}", "registered_on": "2026-01-05",
                                    "consent_given_at": "2026-01-05 12:00",
                                    "consent_scope": ["casework"]} for i in range(BATCH)])
    Path(done).touch()


def _reader(db: str, done: str, out: str) -> None:
    seen, errors = [], []
    with Store.open(db, actor="reader") as store:
        while True:
            finished = Path(done).exists()
            try:
                seen.append(store.counts()["person"])
            except Exception as err:  # noqa: BLE001 - the test reports it
                errors.append(type(err).__name__)
            if finished:
                break
            time.sleep(0.002)  # two cores: leave the writer some
    Path(out).write_text(",".join(map(str, seen)) + "|" + ",".join(errors))


def test_many_readers_while_one_writes(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    with Store.open(str(db), actor="test") as store:
        store.programmes.add(name="Tingbjerg")
    ctx = multiprocessing.get_context("spawn")
    done = tmp_path / "done"
    outs = [tmp_path / f"reader{i}.txt" for i in range(2)]
    readers = [ctx.Process(target=_reader, args=(str(db), str(done), str(o))) for o in outs]
    for r in readers:
        r.start()
    writer = ctx.Process(target=_writer, args=(str(db), 40, str(done)))
    writer.start()
    writer.join(timeout=180)
    for r in readers:
        r.join(timeout=60)
    assert writer.exitcode == 0 and all(r.exitcode == 0 for r in readers)
    assert count(db, "person") == 40 * BATCH
    for out in outs:
        seen_text, errors = out.read_text().split("|")
        seen = [int(x) for x in seen_text.split(",")]
        assert errors == "", f"a reader failed: {errors}"
        assert seen == sorted(seen), "a reader saw rows disappear"
        assert all(n % BATCH == 0 for n in seen), "a reader saw half a transaction"
        assert seen[-1] == 40 * BATCH
    assert integrity(db) == "ok"

"""Several sites on one database: copying a site in, seeing only one's own programmes."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import ConflictError, NotFoundError, StoreError
from mentorkit.store import Store
from mentorkit.store.copy import copy_database
from mentorkit.synth import generate


def test_copy_sqlite_into_postgres_keeps_ids_and_audit(tmp_path: Path, postgres,
                                                       small_dataset) -> None:
    site = Store.open(str(tmp_path / "site.db"), actor="site")
    site.load(small_dataset)
    site.people.update(int(small_dataset.person["id"].iloc[0]), language_level="B2")
    shared = Store.open(postgres.new_database())
    copied = copy_database(site, shared)
    for name in ("programme", "person", "match", "followup", "outcome", "attendance", "audit"):
        a, b = site.table(name), shared.table(name)
        assert copied[name] == len(a) and len(b) == len(a) + (name == "audit"), name
        if name != "audit":
            pd.testing.assert_frame_equal(a, b, obj=name)
    # sequences moved past the copied ids: the next row gets a fresh id
    new_id = shared.programmes.add(name="Byparken")
    assert new_id == int(site.table("programme")["id"].max()) + 1
    site.close(), shared.close()


def test_copy_into_a_database_with_other_sites_shifts_ids(db_url: str, tmp_path: Path) -> None:
    shared = Store.open(db_url)
    first = generate(seed=1, scale=0.05)
    shared.load(first)
    second = generate(seed=2, scale=0.05)
    second.programme["name"] = second.programme["name"] + " (site B)"
    site = Store.open(str(tmp_path / "b.db"))
    site.load(second)
    copy_database(site, shared)
    people = shared.table("person")
    assert len(people) == len(first.person) + len(second.person)
    assert people["id"].is_unique
    matches = shared.table("match").set_index("id")
    by_id = people.set_index("id")
    # every reference still points at a person of the match's own programme
    assert (by_id.loc[matches["mentee_id"], "programme_id"].to_numpy()
            == matches["programme_id"].to_numpy()).all()
    shifted = shared.table("audit")
    assert shifted["id"].is_unique
    site.close(), shared.close()


def test_same_programme_name_twice_is_refused_and_nothing_written(db_url: str, tmp_path: Path
                                                                 ) -> None:
    shared = Store.open(db_url)
    shared.load(generate(seed=1, scale=0.05))
    before = shared.counts()
    site = Store.open(str(tmp_path / "b.db"))
    site.load(generate(seed=2, scale=0.05))
    with pytest.raises(StoreError, match="nothing was written"):
        copy_database(site, shared)
    assert shared.counts() == before
    site.close(), shared.close()


def test_a_site_sees_and_writes_only_its_own_programmes(demo_store: Store) -> None:
    url = demo_store.engine.url.render_as_string(hide_password=False)
    site = Store.open(url, programmes=["Tingbjerg"])
    everyone = demo_store.table("person")
    tingbjerg = int(demo_store.table("programme", name="Tingbjerg")["id"].iloc[0])
    people = site.table("person")
    assert len(people) == (everyone["programme_id"] == tingbjerg).sum() > 0
    assert set(site.table("match")["programme_id"]) == {tingbjerg}
    assert set(site.table("outcome")["person_id"]) <= set(people["id"])
    outsider = int(everyone.loc[everyone["programme_id"] != tingbjerg, "id"].iloc[0])
    with pytest.raises(NotFoundError):
        site.people.get(outsider)
    with pytest.raises(NotFoundError):
        site.people.update(outsider, language_level="B1")
    with pytest.raises(StoreError, match="outside"):
        site.people.add(programme_id=tingbjerg + 1, role="mentee")
    with pytest.raises(StoreError, match="no programme called 'Atlantis'"):
        Store.open(url, programmes=["Atlantis"])
    site.close()


def test_two_coordinators_updating_one_match_lose_no_update(demo_store: Store) -> None:
    url = demo_store.engine.url.render_as_string(hide_password=False)
    match_id = int(demo_store.table("match")["id"].iloc[0])
    version = demo_store.matches.get(match_id)["version"]
    results: list[str] = []
    barrier = threading.Barrier(2)

    def coordinator(note: str) -> None:
        store = Store.open(url, actor=note)
        barrier.wait()
        try:
            store.matches.update(match_id, expected_version=version, notes=note)
            results.append("saved")
        except ConflictError:
            results.append("conflict")
        finally:
            store.close()

    threads = [threading.Thread(target=coordinator, args=(n,)) for n in ("anna", "bo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "saved"]
    row = demo_store.matches.get(match_id)
    assert row["version"] == version + 1 and row["notes"] in ("anna", "bo")


def test_cli_db_copy(tmp_path: Path, postgres) -> None:
    runner = CliRunner()
    site = str(tmp_path / "site.db")
    assert runner.invoke(app, ["demo", "--db", site, "--scale", "0.05"]).exit_code == 0
    target = postgres.new_database()
    result = runner.invoke(app, ["db", "copy", site, target])
    assert result.exit_code == 0, result.output
    summary = runner.invoke(app, ["summary", "--db", target])
    assert "Tingbjerg" in summary.output
    shared = Store.open(target)
    assert shared.followups.add(match_id=int(shared.table("match")["id"].iloc[0]),
                                date=dt.date(2026, 11, 1), kind="meeting") > 0
    shared.close()

"""Rights of the data subject: erasure, access, consent records and retention."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from mentorkit.errors import ConflictError, NotFoundError, StoreError
from mentorkit.privacy.classes import erase_columns
from mentorkit.privacy.subject_rights import (
    access,
    erase,
    give_consent,
    retention,
    withdraw_consent,
    write_access,
)
from mentorkit.store import Store, erasure
from mentorkit.store.schema import metadata


def subject(store: Store) -> tuple[int, int, dict[str, Any]]:
    """A mentee with a match, follow-ups and outcomes (and notes naming them elsewhere)."""
    match = store.table("match")
    fu = store.table("followup")
    outcome = store.table("outcome")
    rich = match[match["id"].isin(fu["match_id"]) & match["mentee_id"].isin(outcome["person_id"])]
    row = rich.iloc[0]
    mentee, mentor = int(row["mentee_id"]), int(row["mentor_id"])
    store.people.update(mentee, notes="Wants to work in a kindergarten; phone after 16.",
                        address="Præstegårdsvej 12, 2. tv", profession="pædagogmedhjælper")
    store.matches.update(int(row["id"]), notes="Good first meeting at the library.")
    p = store.people.get(mentee)
    other = int(store.table("person")["id"][lambda s: ~s.isin([mentee, mentor])].iloc[0])
    store.people.update(other, notes=f"Came along with {p['first_name']} {p['last_name']} "
                                     f"({p['email']}).")
    return mentee, mentor, p


def aggregates(store: Store) -> dict[str, Any]:
    person, match = store.table("person"), store.table("match")
    gender = match["mentee_id"].map(person.set_index("id")["gender"])
    return {
        "counts": {k: v for k, v in store.counts().items()
                   if k not in ("audit", "consent", "erasure_ledger")},
        "by_programme_gender": pd.crosstab(match["programme_id"], gender).to_dict(),
        "by_status": match.groupby(["programme_id", "status"]).size().to_dict(),
        "people": person.groupby(["programme_id", "role", "gender"]).size().to_dict(),
        "followups": store.table("followup").groupby("kind").size().to_dict(),
        "attendance": len(store.table("attendance")),
    }


def erased_values(p: dict[str, Any]) -> list[str]:
    """The erased text values (numbers are checked by field name: "1966" is also an id)."""
    person = metadata.tables["person"]
    return [p[c] for c in erase_columns("person")
            if isinstance(p.get(c), str) and len(p[c]) >= 4 and not p[c].isdigit()
            and person.c[c].info.get("vocab") is None]  # a code like "female" is everywhere


def test_erase_removes_personal_data_and_keeps_counts_and_the_fact(small_store: Store) -> None:
    mentee, mentor, p = subject(small_store)
    before = aggregates(small_store)
    values = erased_values(p)
    assert len(values) >= 7  # names, e-mail, phone, address, notes, profession, …
    report = erase(small_store, mentee, actor="coordinator")
    row = small_store.people.get(mentee)
    for column in erase_columns("person"):
        assert row[column] in (None, []), column
    assert row["gender"] == p["gender"] and row["erased_at"] is not None
    assert aggregates(small_store) == before
    matches = small_store.table("match")
    mine = matches[(matches["mentee_id"] == mentee) | (matches["mentor_id"] == mentee)]
    assert mine["notes"].isna().all() and len(mine) == report.rows["match"]
    assert small_store.table("followup", match_id=mine["id"].tolist())["notes"].isna().all()
    outcome = small_store.table("outcome", person_id=mentee)
    assert len(outcome) and outcome[erase_columns("outcome")].isna().all().all()
    assert small_store.people.get(mentor)["first_name"]  # the mentor keeps their data
    other_notes = " ".join(small_store.table("person")["notes"].dropna())
    assert p["email"] not in other_notes and p["last_name"] not in other_notes
    assert "[erased]" in other_notes and report.mentions == 1
    audit = small_store.table("audit")
    erasures = audit[audit["action"] == "erase"]
    assert {("person", mentee)} <= set(zip(erasures["table_name"], erasures["row_id"]))
    assert erasures["before"].isna().all()
    ledger = small_store.table("erasure_ledger")
    assert ledger[["person_id", "reason"]].values.tolist() == [[mentee, "request"]]
    assert small_store.table("consent", person_id=mentee)["action"].tolist() == ["withdrawn"]


def test_the_audit_never_holds_an_erased_value(small_store: Store) -> None:
    mentee, _, p = subject(small_store)
    outcomes = small_store.table("outcome", person_id=mentee)
    erase(small_store, mentee, actor="coordinator")
    audit = small_store.table("audit")
    text = audit.to_json(orient="records", force_ascii=False, date_format="iso")
    for value in erased_values(p):
        assert value not in text, "an erased value is in the audit log"
    personal = {c.name for t in metadata.sorted_tables for c in t.c
                if c.info.get("privacy") != "none"}
    for side in ("before", "after"):
        for values in audit[side].dropna():
            assert not personal & {k for k, v in values.items() if v is not None}
    assert len(outcomes) and set(audit["table_name"]) >= {"person", "outcome"}


def _raw_bytes(store: Store) -> bytes:
    path = Path(store.engine.url.database)
    return b"".join(f.read_bytes() for f in (path, Path(f"{path}-wal")) if f.exists())


def test_erased_values_are_gone_from_the_database_files(small_db: Path) -> None:
    path = small_db
    store = Store.open(str(path), actor="test")

    @event.listens_for(store.engine, "connect")
    def insecure(dbapi_conn: Any, _: Any) -> None:  # as SQLite builds without secure_delete
        dbapi_conn.execute("PRAGMA secure_delete=OFF")

    store.engine.dispose()
    mentee, _, p = subject(store)
    needles = [p["email"], f"{p['first_name']} {p['last_name']}", p["phone"],
               "Wants to work in a kindergarten", "Præstegårdsvej 12"]
    raw = _raw_bytes(store)
    assert all(n.encode() in raw for n in needles)
    report = erase(store, mentee, actor="coordinator")
    assert report.purged
    raw = _raw_bytes(store)
    assert [n for n in needles if n.encode() in raw] == []
    store.close()


def test_erasure_is_one_transaction(small_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    mentee, _, p = subject(small_store)
    counts = small_store.counts()

    def fail(*_: Any) -> int:
        raise StoreError("disk trouble half-way")

    monkeypatch.setattr(erasure, "redact_mentions", fail)
    with pytest.raises(StoreError):
        erase(small_store, mentee, actor="coordinator")
    assert small_store.people.get(mentee)["email"] == p["email"]
    assert small_store.counts() == counts
    assert not small_store.table("match", mentee_id=mentee)["notes"].isna().all()


def test_erase_twice_unknown_and_a_stale_edit(small_store: Store) -> None:
    mentee, _, p = subject(small_store)
    version = small_store.people.get(mentee)["version"]
    erase(small_store, mentee, actor="coordinator")
    assert erase(small_store, mentee, actor="coordinator").already_erased
    assert len(small_store.table("erasure_ledger")) == 1
    with pytest.raises(ConflictError):  # a form opened before the erasure cannot re-save
        small_store.people.update(mentee, expected_version=version, first_name=p["first_name"])
    with pytest.raises(NotFoundError):
        erase(small_store, 999_999, actor="coordinator")


def test_erase_of_a_person_outside_the_programmes_is_not_found(small_db: Path) -> None:
    path = small_db
    with Store.open(str(path)) as full:
        person = full.table("person")
        programmes = full.table("programme").set_index("id")["name"]
    first = programmes.iloc[0]
    outsider = int(person["id"][person["programme_id"] != programmes.index[0]].iloc[0])
    with Store.open(str(path), programmes=[first]) as site:
        with pytest.raises(NotFoundError):
            erase(site, outsider, actor="site coordinator")
        with pytest.raises(NotFoundError):
            access(site, outsider)


def test_access_holds_everything_about_the_person_and_nothing_about_others(
        small_store: Store, tmp_path: Path) -> None:
    mentee, mentor, p = subject(small_store)
    m = small_store.people.get(mentor)
    match_id = int(small_store.table("match", mentee_id=mentee)["id"].iloc[0])
    small_store.followups.add(match_id=match_id, date=dt.date(2024, 3, 1), kind="meeting",
                       notes=f"{m['first_name']} {m['last_name']} helped with the CV")
    give_consent(small_store, mentee, ["contact"], actor="coordinator")
    export = access(small_store, mentee, actor="coordinator")
    assert export["person"]["email"] == p["email"] and export["person"]["notes"] == p["notes"]
    matches = small_store.table("match")
    mine = matches[(matches["mentee_id"] == mentee) | (matches["mentor_id"] == mentee)]
    assert {x["id"] for x in export["matches"]} == set(mine["id"])
    fu = small_store.table("followup", match_id=mine["id"].tolist())
    assert {x["id"] for x in export["followups"]} == set(fu["id"])
    assert {x["id"] for x in export["outcomes"]} == set(small_store.table("outcome",
                                                                   person_id=mentee)["id"])
    assert {x["id"] for x in export["attendance"]} == set(small_store.table("attendance",
                                                                     person_id=mentee)["id"])
    assert [c["action"] for c in export["consent"]] == ["given"]
    audit = small_store.table("audit")
    assert {("person", mentee)} <= {(a["table_name"], a["row_id"]) for a in export["audit"]}
    assert len(export["audit"]) >= len(audit[(audit["table_name"] == "person")
                                             & (audit["row_id"] == mentee)])
    assert export["mentions_elsewhere"] and export["mentions_elsewhere"][0]["table"] == "person"
    path = write_access(export, tmp_path / "out" / "access.json")
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["person"]["id"] == mentee
    others = small_store.table("person")
    others = others[others["id"] != mentee]
    for column in ("email", "phone"):
        leaked = [v for v in others[column].dropna() if v in text]
        assert leaked == [], f"another person's {column} is in the export"
    names = others.dropna(subset=["first_name", "last_name"])
    full = [f"{a} {b}" for a, b in zip(names["first_name"], names["last_name"])]
    assert [n for n in full if n in text] == []
    assert "helped with the CV" in text and m["last_name"] not in text
    assert all(x["mentor_id"] in (None, mentee) for x in export["matches"])
    assert all(x["mentee_id"] in (None, mentee) for x in export["matches"])
    assert small_store.table("audit")["action"].iloc[-1] == "access"


def test_consent_records_are_append_only(small_store: Store) -> None:
    mentee, mentor, _ = subject(small_store)
    give_consent(small_store, mentee, ["research"], actor="coordinator")
    erase(small_store, mentor, actor="coordinator")
    assert len(small_store.table("consent")) == 2 and len(small_store.table("erasure_ledger")) == 1
    for sql in ("UPDATE consent SET action = 'given'", "DELETE FROM consent",
                "UPDATE erasure_ledger SET reason = 'x'", "DELETE FROM erasure_ledger"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with small_store.engine.begin() as conn:
                conn.exec_driver_sql(sql)
    assert len(small_store.table("consent")) == 2 and len(small_store.table("erasure_ledger")) == 1


def test_consent_withdrawal_of_everything_erases(small_store: Store) -> None:
    mentee, _, p = subject(small_store)
    assert withdraw_consent(small_store, mentee, actor="coordinator") == []
    row = small_store.people.get(mentee)
    assert row["erased_at"] is not None and row["email"] is None
    assert small_store.table("erasure_ledger")["reason"].tolist() == ["consent_withdrawn"]
    withdrawn = small_store.table("consent", person_id=mentee)
    assert withdrawn["action"].tolist() == ["withdrawn"]
    assert set(withdrawn["scope"].iloc[0]) == set(p["consent_scope"])


def test_retention_dry_run_changes_nothing_and_apply_erases_exactly_those_listed(
        small_store: Store) -> None:
    today = dt.date(2026, 11, 1)
    snapshot = {name: small_store.table(name) for name in ("person", "match", "outcome")}
    due = retention(small_store, years=3, dry_run=True, today=today)
    assert len(due) > 0
    for name, df in snapshot.items():
        pd.testing.assert_frame_equal(small_store.table(name), df)
    matches = small_store.table("match")
    open_people = set(matches.loc[matches["status"].isin(["proposed", "active"]),
                                  ["mentee_id", "mentor_id"]].stack())
    assert not set(due["person_id"]) & open_people
    assert (due["last_activity"] < pd.Timestamp(2023, 11, 1)).all()
    applied = retention(small_store, years=3, dry_run=False, today=today, actor="retention job")
    pd.testing.assert_frame_equal(applied, due)
    person = small_store.table("person")
    erased = set(person.loc[person["erased_at"].notna(), "id"])
    assert erased == set(due["person_id"])
    assert set(small_store.table("erasure_ledger")["reason"]) == {"retention"}
    assert retention(small_store, years=3, dry_run=True, today=today).empty

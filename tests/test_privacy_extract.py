"""Privacy classes, keyed pseudonyms and research extracts: what leaves the store for research."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from mentorkit.errors import ConfigError
from mentorkit.model.schema import PRIVACY_CLASSES, TABLES, sorted_tables
from mentorkit.privacy import classes
from mentorkit.privacy.extract import REGIONS, research_extract
from mentorkit.privacy.pseudonyms import load_key, pseudonym, pseudonymise
from mentorkit.privacy.subject_rights import give_consent, withdraw_consent
from mentorkit.store import Store

KEY = "test-key-0123456789-abcdef"
OTHER_KEY = "another-test-key-9876543210"
HEX16 = re.compile(r"^[0-9a-f]{16}$")
ROOT = Path(__file__).resolve().parents[1]


# --- classes: one place, complete, and the Art. 30 record generated from it -------------

def test_every_column_has_a_class_a_rule_and_every_table_a_retention() -> None:
    for table in sorted_tables():
        assert table.name in classes.RETENTION, f"{table.name} has no retention rule"
        for column in table.c:
            assert classes.privacy_class(table.name, column.name) in PRIVACY_CLASSES
            rule = classes.extract_rule(table.name, column.name)
            assert rule in {"drop", "keep", "band5", "area", "region"} or \
                rule.startswith("pseudonym:"), (table.name, column.name, rule)


def test_extract_rules_drop_identifiers_and_free_text_and_pseudonymise_every_id() -> None:
    for name in classes.EXTRACT_TABLES:
        for column in TABLES[name].c:
            rule = classes.extract_rule(name, column.name)
            if column.info["privacy"] in ("direct", "free_text"):
                assert rule == "drop", (name, column.name)
            if column.primary_key or column.references:
                assert rule.startswith("pseudonym:"), (name, column.name)
    assert classes.extract_rule("match", "mentor_id") == "pseudonym:person"
    assert classes.extract_rule("person", "referred_by") == "pseudonym:partner"


def test_erasure_blanks_every_personal_column_but_the_reasoned_exceptions() -> None:
    for table in sorted_tables():
        erased = set(classes.erase_columns(table.name))
        for column in table.c:
            personal = column.info["privacy"] in classes.PERSONAL_CLASSES
            kept = (table.name, column.name) in classes.KEEP_ON_ERASE
            assert (column.name in erased) == (personal and not kept) or \
                column.name in classes.CLEAR_ON_ERASE.get(table.name, ())


def test_records_of_processing_in_the_docs_are_generated_and_current() -> None:
    text = classes.records_of_processing()
    for column in ("person.email", "person.notes", "outcome.employment_status",
                   "person.country_of_origin"):
        assert f"`{column}`" in text
    doc = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
    assert classes.replace_in(doc) == doc, \
        "docs/data-protection.md is stale: regenerate it with mentorkit.privacy.classes.replace_in"


# --- pseudonyms ------------------------------------------------------------------------------

def test_same_key_same_pseudonyms_other_key_others_and_domains_apart() -> None:
    key, other = load_key(KEY), load_key(OTHER_KEY)
    ids = pd.Series(range(1, 2001), dtype="Int64")
    a, b, c = pseudonymise(ids, key), pseudonymise(ids, key), pseudonymise(ids, other)
    assert a.tolist() == b.tolist()
    assert a.is_unique and all(HEX16.match(p) for p in a)
    assert not set(a) & set(c)
    assert pseudonym(7, key, "person") != pseudonym(7, key, "match")


def test_pseudonyms_are_keyed_not_a_plain_hash_of_the_id() -> None:
    key = load_key(KEY)
    target = pseudonym(123, key)
    for guess in range(1, 10_000):  # the dictionary attack an unkeyed hash falls to
        for text in (str(guess), f"person:{guess}"):
            for algo in (hashlib.sha256, hashlib.md5, hashlib.sha1):
                assert algo(text.encode()).hexdigest()[:16] != target


def test_no_key_no_run_and_weak_keys_and_keys_in_the_repo_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no pseudonym key"):
        load_key(None, env={})
    with pytest.raises(ConfigError, match="too short"):
        load_key("short")
    inside = ROOT / "mentorkit" / "py.typed"  # any file inside the repository
    with pytest.raises(ConfigError, match="inside the repository"):
        load_key(None, env={"MENTORKIT_PSEUDONYM_KEY_FILE": str(inside)})
    outside = tmp_path / "key"
    outside.write_text(KEY + "\n")
    assert load_key(None, env={"MENTORKIT_PSEUDONYM_KEY_FILE": str(outside)}) == KEY.encode()
    assert load_key(None, env={"MENTORKIT_PSEUDONYM_KEY": KEY}) == KEY.encode()


def test_extract_refuses_to_run_without_a_key(small_store: Store, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("MENTORKIT_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(ConfigError):
        research_extract(small_store)
    monkeypatch.setenv("MENTORKIT_PSEUDONYM_KEY", KEY)
    assert len(research_extract(small_store)["person"]) > 0


# --- research extracts ----------------------------------------------------------------------

def _cells(tables: dict[str, pd.DataFrame]) -> set[str]:
    out: set[str] = set()
    for df in tables.values():
        for column in df.columns:
            for value in df[column]:
                if isinstance(value, (list, tuple)):
                    out |= {str(v) for v in value}
                elif value is not None and not (isinstance(value, float) and pd.isna(value)):
                    out.add(str(value))
    return out


def test_extract_holds_no_identifier_no_free_text_and_no_raw_id(small_store: Store) -> None:
    fu = small_store.table("followup")
    planted = "Amal Hansen rang about the job at Lego"
    small_store.followups.update(int(fu["id"].iloc[0]), notes=planted)
    tables = research_extract(small_store, key=KEY)
    forbidden = {"first_name", "last_name", "email", "phone", "address", "notes",
                 "neighbourhood", "profession"}
    for name, df in tables.items():
        assert not forbidden & set(df.columns), name
    person = small_store.table("person")
    cells = _cells(tables)
    secrets = set()
    for column in ("first_name", "last_name", "email", "phone", "address", "notes"):
        secrets |= {str(v) for v in person[column].dropna() if len(str(v)) > 2}
    secrets |= {str(v) for v in small_store.table("followup")["notes"].dropna()}
    secrets |= {str(v) for v in small_store.table("match")["notes"].dropna()}
    assert planted in secrets and not cells & secrets
    assert not any("Amal" in c or "Hansen" in c for c in cells)
    for name in classes.EXTRACT_TABLES:
        df = tables[name]
        for column in df.columns:
            if classes.extract_rule(name, column).startswith("pseudonym:"):
                values = df[column].dropna()
                assert all(HEX16.match(v) for v in values), (name, column)


def test_pseudonyms_join_across_tables_and_coarsening_is_right(small_store: Store) -> None:
    # k=5 blanks nearly all in this small store
    t = research_extract(small_store, key=KEY, k_anonymity=2)
    people = set(t["person"]["id"])
    assert set(t["match"]["mentee_id"]) <= people
    assert set(t["match"]["mentor_id"].dropna()) <= people
    assert set(t["outcome"]["person_id"]) <= people
    assert set(t["attendance"]["person_id"]) <= people
    assert set(t["followup"]["match_id"]) <= set(t["match"]["id"])
    assert set(t["person"]["programme_id"]) <= set(t["programme"]["id"])
    raw = small_store.table("person").set_index("id")
    key = load_key(KEY)
    back = {pseudonym(int(i), key): int(i) for i in raw.index}
    shown = 0  # a value is coarsened, or blanked by the k-anonymity suppression, never raw
    for row in t["person"].itertuples():
        original = raw.loc[back[row.id]]
        if pd.notna(original["birth_year"]) and pd.notna(row.birth_year):
            low, high = map(int, row.birth_year.split("-"))
            width = high - low + 1  # five years, or ten or twenty where k needed it
            assert width in (5, 10, 20) and low % width == 0
            assert low <= original["birth_year"] <= high
            shown += 1
        if pd.notna(original["postcode"]) and pd.notna(row.postcode):
            assert row.postcode == original["postcode"][:2] + "xx"
            shown += 1
        if pd.notna(original["country_of_origin"]) and pd.notna(row.country_of_origin):
            assert row.country_of_origin == REGIONS.get(original["country_of_origin"], "other")
            shown += 1
    assert shown > 0


def test_same_key_same_extract_other_key_unlinkable(small_store: Store) -> None:
    a, b = research_extract(small_store, key=KEY), research_extract(small_store, key=KEY)
    c = research_extract(small_store, key=OTHER_KEY)
    assert a["person"]["id"].tolist() == b["person"]["id"].tolist()
    assert a["match"]["mentee_id"].tolist() == b["match"]["mentee_id"].tolist()
    assert not set(a["person"]["id"]) & set(c["person"]["id"])


def test_only_research_consent_and_a_withdrawal_takes_effect_in_the_next_extract(
        small_store: Store) -> None:
    person = small_store.table("person")
    consents = person["consent_scope"].map(lambda s: "research" in s)
    assert 0 < consents.sum() < len(person)  # the demo has both kinds
    key = load_key(KEY)
    first = research_extract(small_store, key=KEY, k_anonymity=2)
    left_out = int(first["manifest"]["people_left_out"].iloc[0])  # alone even when blanked
    assert set(first["person"]["id"]) <= {pseudonym(int(i), key) for i in person["id"][consents]}
    assert len(first["person"]) + left_out == int(consents.sum())
    shown = {i for i in person["id"][consents] if pseudonym(int(i), key) in
             set(first["person"]["id"])}
    mentee = int(small_store.table("match")["mentee_id"][lambda s: s.isin(shown)].iloc[0])
    withdraw_consent(small_store, mentee, ["research"], actor="coordinator")
    second = research_extract(small_store, key=KEY, k_anonymity=2)
    gone = pseudonym(mentee, key)
    assert gone in set(first["person"]["id"]) and gone not in set(second["person"]["id"])
    assert gone not in set(second["match"]["mentee_id"]) | set(second["outcome"]["person_id"])
    assert len(second["person"]) + int(second["manifest"]["people_left_out"].iloc[0]) == \
        int(consents.sum()) - 1
    refuser = int(person["id"][~consents].iloc[0])
    give_consent(small_store, refuser, ["research"], actor="coordinator")
    third = research_extract(small_store, key=KEY, k_anonymity=2)
    assert len(third["person"]) + int(third["manifest"]["people_left_out"].iloc[0]) == \
        int(consents.sum())
    history = small_store.table("consent")
    assert history[["person_id", "action"]].values.tolist() == [[mentee, "withdrawn"],
                                                                  [refuser, "given"]]


def test_extract_records_its_agreement_and_expiry(small_store: Store) -> None:
    import datetime as dt

    t = research_extract(small_store, key=KEY, agreement="DSA-2026-04 (SDU evaluation)",
                         expires=dt.date(2027, 6, 30), actor="evaluator")
    manifest = t["manifest"].iloc[0]
    assert manifest["agreement"].startswith("DSA-2026-04")
    assert manifest["expires"] == dt.date(2027, 6, 30)
    audit = small_store.table("audit")
    row = audit[audit["action"] == "extract"].iloc[-1]
    assert row["actor"] == "evaluator"
    assert row["after"]["agreement"].startswith("DSA-2026-04")
    assert row["after"]["expires"] == "2027-06-30"


# --- k-anonymity: the attack on exact registration dates (issue 15) ----------------------

QI = ["programme_id", "role", "gender", "birth_year", "registered_on", "country_of_origin",
      "postcode"]


def _smallest_groups(person: pd.DataFrame, columns: list[str]) -> pd.Series:
    """How many rows share each row's values of ``columns``, a blank counting as a value;
    computed here, not with the module's own function."""
    key = person[columns].astype(object).where(person[columns].notna(), "<blank>").astype(str)
    return key.apply("|".join, axis=1).map(key.apply("|".join, axis=1).value_counts())


@pytest.fixture(scope="module")
def demo():
    from mentorkit.synth import generate

    return generate(seed=0)


def test_registration_dates_no_longer_single_people_out(demo) -> None:
    """The attack: someone who knows a person's programme, role, gender and day of
    registration looks her up. On the raw demo data 91% are unique on these four; in the
    extract nobody is, and every combination of the seven quasi-identifiers occurs at
    least k = 5 times."""
    from mentorkit.privacy.extract import consenting

    raw = demo.person[consenting(demo.person)]
    four = ["programme_id", "role", "gender", "registered_on"]
    before = (_smallest_groups(raw, four) == 1).mean()
    assert before > 0.9
    t = research_extract(demo, key=KEY)
    person = t["person"]
    assert (_smallest_groups(person, four) == 1).mean() == 0
    assert _smallest_groups(person, QI).min() >= 5
    manifest = t["manifest"].iloc[0]
    assert int(manifest["k"]) == 5 and manifest["quasi_identifiers"] == ",".join(
        f"person.{c}" for c in QI)
    blanked = int(person[["postcode", "country_of_origin", "birth_year", "registered_on"]]
                  .isna().sum().sum() - raw[["postcode", "country_of_origin", "birth_year",
                                             "registered_on"]].isna().sum().sum())
    assert 0 < blanked <= int(manifest["suppressed_cells"])
    # no exact registration date is left: each is the first day of its period
    grain = manifest["registration_grain"]
    shown = person["registered_on"].dropna()
    code = {"month": "M", "quarter": "Q", "year": "Y"}[grain]
    assert (shown == shown.dt.to_period(code).dt.start_time).all()


def test_other_dates_do_not_give_the_registration_date_back_but_durations_stay(demo) -> None:
    """The attack: subtract the days to the first match from an exact match date to get the
    registration day back. Every date of a person moves back with her registration date,
    so the durations are exact and the dates are not."""
    key = load_key(KEY)
    t = research_extract(demo, key=KEY)
    raw_person = demo.person.assign(pid=pseudonymise(demo.person["id"], key))
    reg = raw_person.set_index("pid")["registered_on"]
    shown = t["person"].set_index("id")["registered_on"]
    m = demo.match.assign(mid=pseudonymise(demo.match["id"], key, "match")).set_index("mid")
    got = t["match"].set_index("id")
    both = got.join(m[["started_on"]].add_suffix("_raw")).dropna(subset=["started_on"])
    both = both[both["mentee_id"].map(shown).notna()]
    assert len(both) > 100
    days_raw = (both["started_on_raw"] - both["mentee_id"].map(reg)).dt.days
    days_got = (both["started_on"] - both["mentee_id"].map(shown)).dt.days
    assert days_raw.tolist() == days_got.tolist()  # days to match: exact
    assert (both["started_on"] != both["started_on_raw"]).mean() > 0.9  # the dates: not


def test_k_is_a_setting_and_a_parameter(small_store: Store,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for k in (2, 10):
        t = research_extract(small_store, key=KEY, k_anonymity=k)
        assert int(t["manifest"]["k"].iloc[0]) == k
        assert _smallest_groups(t["person"], QI).min() >= k
    monkeypatch.setenv("MENTORKIT_EXTRACT_K", "8")
    t = research_extract(small_store, key=KEY)
    assert int(t["manifest"]["k"].iloc[0]) == 8 and _smallest_groups(t["person"], QI).min() >= 8
    with pytest.raises(ConfigError, match="at least 2"):
        research_extract(small_store, key=KEY, k_anonymity=1)

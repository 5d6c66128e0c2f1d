"""Site scope through side doors (issue 15), written as the attack.

A coordinator of Tingbjerg (``MENTORKIT_PROGRAMMES=Tingbjerg``) on a database shared with
other sites guesses at another site's mentee, mentor, match, partner or programme through
every command and import kind that takes a reference. For each, the answer to a right guess
(a row that exists at another site) must equal the answer to a wrong guess (a row that
exists nowhere), byte for byte once the guessed value is taken out, with the same exit
code: a scoped user learns nothing about other sites. ``export audit`` holds only rows about
the site's own rows, and the commands that work on every programme refuse to run scoped.

The imports and the audit run on SQLite and PostgreSQL; the other commands on SQLite (they
read through the same scoped store).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.model.dataset import Dataset
from mentorkit.store import Store

SITE = "Tingbjerg"
SCOPED = {"MENTORKIT_PROGRAMMES": SITE, "MENTORKIT_ROLE": "coordinator"}
MARK = "<GUESS>"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request: pytest.FixtureRequest, small_db: Path,
              small_dataset: Dataset) -> str:
    """The small demo data (five programmes) on each back end, as one shared database."""
    if request.param == "sqlite":
        return str(small_db)
    url = request.getfixturevalue("postgres").new_database()
    with Store.open(url, actor="test") as store:
        store.load(small_dataset)
    return url


class Site:
    """What the attacker aims at: the shared database, its people and matches, by site."""

    def __init__(self, db: str) -> None:
        self.db = db
        with Store.open(db, programmes=()) as store:
            self.programmes = store.table("programme").set_index("id")["name"]
            self.people = store.table("person")
            self.matches = store.table("match")
            self.partners = store.table("partner")
        self.home = int(self.programmes[self.programmes == SITE].index[0])
        self.emails = set(self.people["email"].dropna().str.casefold())

    def other(self, role: str) -> pd.Series:
        """A person of ``role`` at another site, with a three-digit id."""
        rows = self.people[(self.people["programme_id"] != self.home)
                           & (self.people["role"] == role) & (self.people["id"] >= 100)]
        return rows.iloc[0]

    def own(self, role: str) -> pd.Series:
        """A person of ``role`` of the attacker's own site."""
        return self.people[(self.people["programme_id"] == self.home)
                           & (self.people["role"] == role)].iloc[0]

    def wrong_email(self, right: str) -> str:
        """An e-mail as long as ``right`` that nobody has."""
        for letter in "qxzjvw":
            guess = letter * 3 + right[3:]
            if guess.casefold() not in self.emails:
                return guess
        raise AssertionError("no free e-mail")  # pragma: no cover


@pytest.fixture
def site(shared_db: str) -> Site:
    return Site(shared_db)


@pytest.fixture
def sqlite_site(small_db: Path) -> Site:
    return Site(str(small_db))


def answer(args: list[str], guess: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Exit code and everything the command printed, with the guessed value taken out."""
    result = CliRunner().invoke(app, args, env=SCOPED if env is None else env)
    assert not isinstance(result.exception, AssertionError)
    return result.exit_code, result.output.replace(guess, MARK)


def same_answer(make_args: object, right: str, wrong: str) -> tuple[int, str]:
    """The answers to the right and the wrong guess; they must be equal."""
    assert right != wrong
    a = answer(make_args(right), right)  # type: ignore[operator]
    b = answer(make_args(wrong), wrong)  # type: ignore[operator]
    assert a == b, f"a right guess is told apart from a wrong one:\n{a}\n---\n{b}"
    return a


def import_answer(site: Site, tmp_path: Path, kind: str, header: str, row: str,
                  right: str, wrong: str, *extra: str) -> tuple[int, str]:
    """``mentorkit import KIND FILE --dry-run`` of a one-row file holding the guess."""
    path = tmp_path / f"{kind}.csv"

    def args(guess: str) -> list[str]:
        path.write_text(f"{header}\n{row.format(guess=guess)}\n", encoding="utf-8")
        return ["import", kind, str(path), "--dry-run", "--db", site.db, *extra]

    return same_answer(args, right, wrong)


# --- imports (SQLite and PostgreSQL) --------------------------------------------------------


def test_outcomes_dry_run_by_email_and_by_id(site: Site, tmp_path: Path) -> None:
    other = site.other("mentee")
    right = str(other["email"])
    code, text = import_answer(site, tmp_path, "outcomes", "email;phase", "{guess};intake",
                               right, site.wrong_email(right))
    assert code == 1 and "unknown person" in text
    code, text = import_answer(site, tmp_path, "outcomes", "person_id;phase", "{guess};intake",
                               str(int(other["id"])), "999")
    assert code == 1 and "unknown person id" in text
    # the control: the same file about one's own mentee is accepted
    own = str(site.own("mentee")["email"])
    path = tmp_path / "own.csv"
    path.write_text(f"email;phase\n{own};end\n", encoding="utf-8")
    code, _ = answer(["import", "outcomes", str(path), "--dry-run", "--db", site.db], own)
    assert code == 0


def test_a_matches_file_does_not_tell_whether_an_email_exists_elsewhere(site: Site,
                                                                         tmp_path: Path
                                                                         ) -> None:
    mentor = str(site.own("mentor")["email"])
    mentee = str(site.own("mentee")["email"])
    header = "mentee_email;mentor_email;status;proposed_on"
    right = str(site.other("mentee")["email"])
    code, text = import_answer(site, tmp_path, "matches", header,
                               f"{{guess}};{mentor};proposed;01-03-2024",
                               right, site.wrong_email(right))
    assert code == 1 and "unknown person" in text and "another programme" not in text
    right = str(site.other("mentor")["email"])
    code, text = import_answer(site, tmp_path, "matches", header,
                               f"{mentee};{{guess}};proposed;01-03-2024",
                               right, site.wrong_email(right))
    assert code == 1 and "unknown person" in text
    code, _ = import_answer(site, tmp_path, "matches", "mentee_id;mentor_email;status",
                            f"{{guess}};{mentor};proposed",
                            str(int(site.other("mentee")["id"])), "999")
    assert code == 1


def test_followups_by_match_id_and_by_the_pair(site: Site, tmp_path: Path) -> None:
    elsewhere = site.matches[site.matches["programme_id"] != site.home]
    right = str(int(elsewhere["id"].iloc[-1]))
    assert len(right) == 2 and 99 not in set(site.matches["id"])
    code, text = import_answer(site, tmp_path, "followups", "match_id;date;kind",
                               "{guess};05-03-2024;meeting", right, "99")
    assert code == 1 and "unknown match id" in text
    pair = elsewhere.iloc[-1]
    mentee_email = site.people.set_index("id").at[int(pair["mentee_id"]), "email"]
    mentor_email = str(site.people.set_index("id").at[int(pair["mentor_id"]), "email"])
    code, _ = import_answer(site, tmp_path, "followups", "mentee_email;mentor_email;date;kind",
                            f"{mentee_email};{{guess}};05-03-2024;meeting",
                            mentor_email, site.wrong_email(mentor_email))
    assert code == 1


def test_people_files_naming_another_sites_programme_or_partner(site: Site,
                                                                tmp_path: Path) -> None:
    header = "first_name;last_name;email;registered_on;consent_given_at;consent_scope"
    person = "Testa;Testesen;testa.testesen@example.org;01-02-2024;01-02-2024;casework"
    other = str(site.programmes[site.programmes.index != site.home].iloc[0])
    wrong = other[:-1] + ("q" if other[-1] != "q" else "x")
    path = tmp_path / "mentees.csv"
    path.write_text(f"{header}\n{person}\n", encoding="utf-8")
    code, text = same_answer(lambda g: ["import", "mentees", str(path), "--dry-run", "--db",
                                        site.db, "--programme", g], other, wrong)
    assert code == 1 and "unknown programme" in text and other not in text
    code, text = import_answer(site, tmp_path, "mentees", "programme;" + header,
                               "{guess};" + person, other, wrong)
    assert code == 1 and "unknown programme" in text and other not in text
    partners = site.partners[site.partners["programme_id"].notna()
                             & (site.partners["programme_id"] != site.home)]
    right = str(partners["name"].iloc[0])
    code, text = import_answer(site, tmp_path, "mentees", header + ";referred_by",
                               person + ";{guess}", right, right[:-1] + "#",
                               "--programme", SITE)
    assert code == 1 and "unknown partner" in text
    by_id = str(int(partners.loc[partners["id"] >= 10, "id"].iloc[0]))
    assert 99 not in set(site.partners["id"])
    code, _ = import_answer(site, tmp_path, "mentees", header + ";referred_by",
                            person + ";{guess}", by_id, "99", "--programme", SITE)
    assert code == 1
    # an e-mail another site's person has is as free here as one nobody has
    right = str(site.other("mentee")["email"])
    code, text = import_answer(site, tmp_path, "mentees", header,
                               "Testa;Testesen;{guess};01-02-2024;01-02-2024;casework",
                               right, site.wrong_email(right), "--programme", SITE)
    assert code == 0, text


def test_a_person_erased_at_another_site_is_told_apart_from_nobody(site: Site,
                                                                   tmp_path: Path) -> None:
    """Someone erased at another site: a scoped import of her e-mail answers as for an
    e-mail nobody has (her own site's session still refuses her: erasure stays erased)."""
    from mentorkit.store.erasure import erase_person

    other = site.other("mentee")
    right = str(other["email"])
    with Store.open(site.db, actor="admin", programmes=()) as store:
        erase_person(store, int(other["id"]), reason="request")
    header = "first_name;last_name;email;registered_on;consent_given_at;consent_scope"
    row = "Testa;Testesen;{guess};01-02-2024;01-02-2024;casework"
    code, text = import_answer(site, tmp_path, "mentees", header, row, right,
                               site.wrong_email(right), "--programme", SITE)
    assert code == 0, text
    # at her own site, the same file is refused: the scope hides, it does not forget
    own_site = str(site.programmes[int(other["programme_id"])])
    path = tmp_path / "again.csv"
    path.write_text(f"{header}\n{row.format(guess=right)}\n", encoding="utf-8")
    env = {"MENTORKIT_PROGRAMMES": own_site, "MENTORKIT_ROLE": "coordinator"}
    code, text = answer(["import", "mentees", str(path), "--dry-run", "--db", site.db,
                         "--programme", own_site], right, env)
    assert code == 1 and "person erased" in text and right not in text


# --- the other commands (SQLite) -------------------------------------------------------------


def test_show_access_and_erase_answer_another_sites_person_as_nobody(sqlite_site: Site,
                                                                     tmp_path: Path) -> None:
    site = sqlite_site
    right, wrong = str(int(site.other("mentee")["id"])), "999"
    code, text = same_answer(lambda g: ["people", "show", g, "--db", site.db], right, wrong)
    assert code == 1 and "no row" in text
    out = tmp_path / "access.json"
    code, _ = same_answer(lambda g: ["access", g, "--out", str(out), "--db", site.db],
                          right, wrong)
    assert code == 1 and not out.exists()
    code, _ = same_answer(lambda g: ["erase", g, "--yes", "--db", site.db], right, wrong)
    assert code == 1
    with Store.open(site.db, programmes=()) as store:
        assert store.people.get(int(right))["erased_at"] is None
        assert store.people.get(int(right))["email"] == site.other("mentee")["email"]


def test_lists_and_exports_of_another_sites_programme(sqlite_site: Site,
                                                      tmp_path: Path) -> None:
    site = sqlite_site
    other = str(site.programmes[site.programmes.index != site.home].iloc[0])
    wrong = other[:-1] + "q"
    code, _ = same_answer(lambda g: ["people", "list", "--programme", g, "--db", site.db],
                          other, wrong)
    assert code == 1
    out = tmp_path / "people.csv"
    code, _ = same_answer(lambda g: ["export", "people", str(out), "--programme", g,
                                     "--db", site.db], other, wrong)
    assert code == 1 and not out.exists()


def test_a_report_for_another_sites_programme(sqlite_site: Site, tmp_path: Path) -> None:
    """The notebook's kernel inherits the scope: another site's programme is nobody's."""
    site = sqlite_site
    other = str(site.programmes[site.programmes.index != site.home].iloc[0])
    wrong = other[:-1] + "q"
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "funder_report.ipynb"

    def args(guess: str) -> list[str]:
        return ["report", str(notebook), "--programme", guess, "--db", site.db,
                "--out", str(tmp_path / "out"), "--no-progress"]

    a = answer(args(other), other)
    b = answer(args(wrong), wrong)
    unslug = (a[0], a[1].replace(other.lower(), MARK.lower()))
    assert unslug == (b[0], b[1].replace(wrong.lower(), MARK.lower()))
    assert a[0] == 1 and "no programme called" in a[1]


def test_scan_knows_no_other_sites_people(sqlite_site: Site, tmp_path: Path) -> None:
    site = sqlite_site
    report = tmp_path / "planted_report.html"  # an e-mail planted for scan to find
    right = str(site.other("mentee")["email"])

    def args(guess: str) -> list[str]:
        report.write_text(f"<p>contact {guess}</p>\n", encoding="utf-8")
        return ["scan", str(report), "--db", site.db]

    assert same_answer(args, right, site.wrong_email(right))[0] == 0
    own = str(site.own("mentee")["email"])
    assert answer(args(own), own)[0] == 1  # the control: one's own mentee is found


def test_export_audit_holds_only_rows_about_the_sites_rows(site: Site, tmp_path: Path) -> None:
    with Store.open(site.db, programmes=()) as store:
        store.people.update(int(site.other("mentee")["id"]), language_level="B1")
        everything = store.table("audit")
        store.record_extract("DSA-1", None, {"person": 1})  # a row about the whole database
    out = tmp_path / "audit.csv"
    code, text = answer(["export", "audit", str(out), "--db", site.db], "\0")
    assert code == 0, text
    exported = pd.read_csv(out, sep=";", encoding="utf-8-sig")
    own_people = set(site.people.loc[site.people["programme_id"] == site.home, "id"])
    own_matches = set(site.matches.loc[site.matches["programme_id"] == site.home, "id"])
    assert 0 < len(exported) < len(everything)
    assert set(exported["table_name"]) <= {"programme", "grant", "target", "partner", "person",
                                           "match", "followup", "outcome", "event",
                                           "attendance"}
    people = exported[exported["table_name"] == "person"]["row_id"]
    assert set(people) == own_people
    assert set(exported[exported["table_name"] == "match"]["row_id"]) == own_matches
    assert set(exported[exported["table_name"] == "programme"]["row_id"]) == {site.home}
    with Store.open(site.db, programmes=()) as store:
        followups = store.table("followup")
        outcomes = store.table("outcome")
    mine = set(followups.loc[followups["match_id"].isin(own_matches), "id"])
    assert set(exported[exported["table_name"] == "followup"]["row_id"]) == mine
    assert set(exported[exported["table_name"] == "outcome"]["row_id"]) == set(
        outcomes.loc[outcomes["person_id"].isin(own_people), "id"])
    # the same rows through the scoped store, and every one of them when unscoped
    with Store.open(site.db, programmes=[SITE]) as store:
        assert len(store.table("audit")) == len(exported)


def test_commands_on_every_programme_refuse_a_scoped_session(sqlite_site: Site,
                                                            tmp_path: Path) -> None:
    site = sqlite_site
    target = tmp_path / "copy.db"
    code, text = answer(["db", "copy", site.db, str(target)], "\0")
    assert code == 1 and "MENTORKIT_PROGRAMMES" in text and not target.exists()
    code, text = answer(["demo", "--db", str(tmp_path / "demo.db"), "--scale", "0.05"], "\0")
    assert code == 1 and "MENTORKIT_PROGRAMMES" in text
    backup = tmp_path / "all-sites.db"
    code, text = answer(["backup", str(backup), "--db", site.db], "\0")
    assert code == 1 and "MENTORKIT_PROGRAMMES" in text and not backup.exists()
    code, text = answer(["restore", site.db, "--yes", "--db", site.db], "\0")
    assert code == 1 and "MENTORKIT_PROGRAMMES" in text

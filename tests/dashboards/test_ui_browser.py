"""The dashboards in a real browser: Voilà serving dashboards/, Chromium driven by Playwright.

Each test reads the page (Voilà answers 200 even when a cell failed) and the database the
server writes to.
"""

from __future__ import annotations

import datetime as dt
import http.client
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ACTOR, ROOT, TODAY, AppPage, VoilaServer, copy_db, start_voila
from mentorkit.casework.caseload import (
    caseload_table,
    next_due_after_contact,
    plan_for,
    waiting_mentees,
)
from mentorkit.matching import prepare, suggest
from mentorkit.store import Store

pytestmark = pytest.mark.browser

APPS = ["home", "intake", "match_finder", "caseload", "events", "overview"]


def count(db: Path, sql: str, *args: object) -> int:
    with sqlite3.connect(db) as conn:
        value = conn.execute(sql, args).fetchone()[0]
    conn.close()
    return int(value)


@pytest.mark.parametrize("app", APPS)
def test_app_loads_clean_with_a_screenshot(app_page: AppPage, app: str) -> None:
    page = app_page.open(app, programme="Groningen", lang="en")
    if app == "overview":  # the charts are drawn just after the page is up
        page.page.locator(".mk-app:has-text('Drawing the charts')").wait_for(state="detached")
        assert page.page.locator("img.mk-chart").count() == 4
    page.assert_clean()
    assert "<Figure size" not in page.text()
    assert page.page.locator(f".mk-app-{app}.mk-ready").count() == 1
    programme = page.page.locator(".mk-programme select")
    assert programme.input_value() == "Groningen"  # the address's programme is chosen
    assert programme.locator("option:checked").inner_text() == "Groningen"
    shot = page.screenshot(app, docs=True)
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(("app", "programme", "lang", "expected"), [
    ("home", "Vollsmose", "da", "Vollsmose lige nu"),
    ("caseload", "Langkærparken", "nl", "Opvolgplan"),
    ("overview", "Tingbjerg", "da", "Bevillingens mål"),
])
def test_a_bookmarked_address_opens_that_programme_and_language(
        app_page: AppPage, app: str, programme: str, lang: str, expected: str) -> None:
    page = app_page.open(app, programme=programme, lang=lang)
    page.assert_clean()
    assert expected in page.text()
    selected = page.page.locator(".mk-programme select option:checked").inner_text()
    assert selected == programme


def test_intake_with_a_bad_date_says_so_next_to_the_field_and_writes_nothing(
        app_page: AppPage, voila: VoilaServer) -> None:
    db = voila.db
    people = count(db, "SELECT count(*) FROM person")
    audit = count(db, "SELECT count(*) FROM audit")
    page = app_page.open("intake", programme="Groningen", lang="en")
    p = page.page
    p.fill(".mk-input-first_name input", "Test")
    p.fill(".mk-input-last_name input", "Browser")
    p.fill(".mk-input-registered_on input", "31-02-2026")
    p.locator(".mk-input-registered_on input").press("Tab")
    p.check(".mk-input-consent_given input[type=checkbox]")
    p.click(".mk-save")
    error = p.locator(".mk-error-registered_on")
    error.locator("span").wait_for()
    assert "Not a valid date" in error.inner_text()
    assert p.locator(".mk-field-registered_on.mk-invalid").count() == 1
    assert "Nothing was saved" in p.inner_text(".mk-message")
    assert count(db, "SELECT count(*) FROM person") == people
    assert count(db, "SELECT count(*) FROM audit") == audit
    page.assert_clean()
    page.screenshot("intake_bad_date")


def test_caseload_logs_a_follow_up(app_page: AppPage, voila: VoilaServer) -> None:
    db = voila.db
    with Store.open(str(db)) as store:
        matches = store.table("match", programme_id=5)
        followups = store.table("followup", match_id=matches["id"].tolist())
        order = caseload_table(matches, followups, dt.date.fromisoformat(TODAY))
    chosen = int(order["match_id"].iloc[1])
    calls = int(order["calls"].iloc[1])
    due = next_due_after_contact(calls, dt.date.fromisoformat(TODAY), plan_for("Groningen"))
    before = count(db, "SELECT count(*) FROM followup WHERE match_id = ?", chosen)
    page = app_page.open("caseload", programme="Groningen", lang="en")
    p = page.page
    p.select_option(".mk-choose-match select", index=1)
    notes = "Called both: meeting every other week, all well"
    p.fill(".mk-input-fu_notes textarea", notes)
    p.locator(".mk-input-fu_notes textarea").press("Tab")
    p.click(".mk-save-followup")
    p.locator(".mk-message .mk-msg-ok").wait_for()
    assert "Follow-up saved" in p.inner_text(".mk-message")
    assert count(db, "SELECT count(*) FROM followup WHERE match_id = ?", chosen) == before + 1
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT match_id, kind, date, next_due FROM followup WHERE notes = ?",
                           (notes,)).fetchall()
        actor = conn.execute("SELECT actor FROM audit WHERE table_name = 'followup' "
                             "ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert row == [(chosen, "coordinator_call", TODAY, due.isoformat())]  # the plan's next due
    assert actor == "coordinator-test"
    page.assert_clean()


def test_switching_to_danish_shows_danish_labels_and_is_remembered(app_page: AppPage) -> None:
    page = app_page.open("home", programme="Groningen", lang="en")
    p = page.page
    assert "Caseload" in p.inner_text(".mk-nav")
    p.click(".mk-lang button:has-text('Dansk')")
    p.locator(".mk-nav:has-text('Sagsoversigt')").wait_for()
    p.locator(".mk-app:has-text('Vælg, hvad du vil arbejde med')").wait_for()
    text = page.text()
    for danish in ("Forside", "Indskrivning", "Find en mentor", "Kurser og arrangementer",
                   "Vælg, hvad du vil arbejde med", "Groningen lige nu", "Dit navn"):
        assert danish in text
    assert "Choose what you want to work on" not in text and "Caseload" not in text
    page.assert_clean()
    # a switch that raised would say so in the message line (the guard keeps it off the page)
    assert p.inner_text(".mk-message").strip() == ""
    # the next app opened without a language in its address opens in Danish
    page.open("intake")
    assert "Ny person" in page.text()
    assert p.locator(".mk-programme select option:checked").inner_text() == "Groningen"
    page.assert_clean()


def fetch(server: VoilaServer, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no normalising of ``..`` or ``%2e``), following
    redirects; the last status and body."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    for _ in range(4):
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        conn.request("GET", path)
        answer = conn.getresponse()
        body = answer.read()
        conn.close()
        location = answer.getheader("Location")
        if answer.status not in (301, 302, 303, 307, 308) or not location:
            return answer.status, body
        path = location if location.startswith("/") else "/" + location
    raise AssertionError(f"too many redirects from {path}")


TRAVERSALS = [
    "{files}home.ipynb", "{files}intake.ipynb", "{files}../voila.py", "{files}..%2fvoila.py",
    "{files}%2e%2e/voila.py", "{files}.%2e/voila.py", "{files}%252e%252e/voila.py",
    "{files}..\\voila.py", "{files}../pyproject.toml", "{files}../data/person.csv",
    "{files}..%2Fdata%2Fperson.csv", "{files}{db}", "{files}/{db}",
    "{files}../../../../../../../..{db}", "{files}..%2f..%2f..%2f..%2f..%2f..%2f..{dbq}",
    "files/home.ipynb", "files/../data/person.csv", "files{db}", "home.ipynb", "voila.py",
    "api/contents", "api/contents/home.ipynb", "api/contents/../data/person.csv",
    "api/kernels", "api/sessions", "api/nbconvert", "tree", "tree/data", "notebooks/home.ipynb",
    "edit/home.ipynb", "nbconvert/html/home.ipynb", "voila/tree/..", "voila/tree/..%2f",
    "voila/tree/../data", "voila/render/../voila.py", "voila/render/..%2fvoila.py",
    "voila/render/%2e%2e/data/person.csv", "voila/render/../notebooks/outcome_study.ipynb",
    "voila/render/..%2fnotebooks%2ffunder_report.ipynb", "voila/render/{db}",
    "voila/render/home.ipynb/../../voila.py", "voila/render/..%2f..%2f..%2f..%2f..{dbq}",
    "voila/static/../../voila.py", "voila/static/..%2f..%2fvoila.py",
    "voila/static/%2e%2e/%2e%2e/%2e%2e/data/person.csv", "voila/templates/../../voila.py",
    "voila/templates/lab/static/../../../../../voila.py",
    "voila/templates/lab/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/data/person.csv",
    "voila/api/themes/../../voila.py", "static/../voila.py",
]


def test_voila_serves_no_sources_and_no_raw_files(voila: VoilaServer) -> None:
    """Notebooks, the database (outside dashboards/), the repository's files: none can be had,
    by any path: ``..``, URL-encoded ``%2e%2e`` and ``%2f``, double encoding, absolute paths,
    Jupyter's own file and contents addresses."""
    person = (ROOT / "data" / "person.csv").read_text(encoding="utf-8").splitlines()
    secrets = [b"SQLite format 3", b'"nbformat"', b"from mentorkit.ui import",
               b"configure(c)", b"[project]", person[0].encode(),
               person[1].split(",")[5].encode()]  # the demo data's header and an e-mail
    assert voila.db.read_bytes()[:15] == b"SQLite format 3" and not voila.db.is_relative_to(
        ROOT / "dashboards")
    db = str(voila.db)
    for template in TRAVERSALS:
        path = "/" + template.format(files="voila/files/", db=db,
                                     dbq=db.replace("/", "%2f")).lstrip("/")
        status, body = fetch(voila, path)
        assert status in (403, 404, 500), (path, status)  # 500: Voilà's own assert, no body
        leaked = [x for x in secrets if x in body]
        assert not leaked, (path, leaked)
        assert b"Traceback" not in body and b".py\", line" not in body, path
    with urllib.request.urlopen(voila.app_url("home", programme="Tingbjerg", lang="en"),
                                timeout=120) as r:
        html = r.read().decode("utf-8", errors="replace")
    assert "from mentorkit.ui import" not in html
    assert "MENTORKIT" not in html
    status, listing = fetch(voila, "/voila/tree")  # the start page names no other file
    assert status == 200
    assert not any(x in listing for x in (b"voila.py", b"person.csv", b".db", b"served"))


def mentee_whose_ranking_changes(db: Path) -> tuple[int, list[int], dict]:
    """A waiting Groningen mentee whose best mentor changes when "sector" counts for nothing."""
    with Store.open(str(db)) as store:
        people = store.table("person", programme_id=5)
        matches = store.table("match", programme_id=5)
    mentors = prepare(people[people["role"] == "mentor"])
    for pid in waiting_mentees(people, matches, dt.date.fromisoformat(TODAY))["person_id"]:
        mentee = people[people["id"] == pid].iloc[0]
        before = suggest(mentee, mentors, k=5, matches=matches)
        after = suggest(mentee, mentors, k=5, matches=matches, weights={"sector": 0})
        if before["mentor_id"].iloc[0] != after["mentor_id"].iloc[0]:
            top = after.iloc[0]
            return int(pid), before["mentor_id"].tolist(), {
                "mentor_id": int(top["mentor_id"]), "score": float(top["score"]),
                "breakdown": top["breakdown"]}
    raise AssertionError("no mentee's ranking depends on the sector weight")


def test_match_finder_slider_reorders_and_confirm_writes_one_match_with_its_breakdown(
        app_page: AppPage, voila: VoilaServer) -> None:
    db = voila.db
    mentee, order_before, expected = mentee_whose_ranking_changes(db)
    matches_before = count(db, "SELECT count(*) FROM match")
    page = app_page.open("match_finder", programme="Groningen", lang="en", mentee=mentee)
    p = page.page
    cells = ".mk-suggestions tbody tr td:nth-child(2)"
    p.locator(cells).first.wait_for()
    shown = p.locator(cells).all_inner_texts()
    assert [int(x.split("#")[1].rstrip(")")) for x in shown] == order_before
    with Store.open(str(db)) as store:
        person = store.people.get(mentee)
    picked = p.locator(".mk-mentee-pick select").input_value()
    assert picked.startswith(f"{person['first_name']} {person['last_name']} (#{mentee})")
    page.screenshot("match_finder_before")
    handle = p.locator(".mk-weight-sector .noUi-handle")
    handle.focus()
    handle.press("Home")
    p.wait_for_function("prev => { const c = document.querySelector("
                        "'.mk-suggestions tbody tr td:nth-child(2)'); "
                        "return c && c.innerText !== prev; }", arg=shown[0])
    after = p.locator(cells).all_inner_texts()
    assert after != shown
    assert int(after[0].split("#")[1].rstrip(")")) == expected["mentor_id"]
    p.click(".mk-confirm-match")
    p.locator(".mk-message .mk-msg-ok").wait_for()
    assert "Match confirmed" in p.inner_text(".mk-message")
    assert count(db, "SELECT count(*) FROM match") == matches_before + 1
    with Store.open(str(db)) as store:
        new = store.table("match").iloc[-1]
    assert (new["mentee_id"], new["mentor_id"], new["status"], new["made_by"]) == (
        mentee, expected["mentor_id"], "active", ACTOR)
    assert str(new["started_on"].date()) == TODAY
    assert abs(new["score"] - expected["score"]) < 1e-5
    assert new["score_breakdown"].keys() == expected["breakdown"].keys()
    for criterion, points in expected["breakdown"].items():
        assert abs(new["score_breakdown"][criterion] - points) < 1e-5
    assert new["score_breakdown"]["sector"] == 0
    assert abs(sum(new["score_breakdown"].values()) - new["score"]) < 1e-5
    page.assert_clean()
    page.screenshot("match_finder_after")


@pytest.fixture(scope="module")
def funder_voila(demo_db: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[VoilaServer]:
    """A second Voilà, started as a funder would run it (``MENTORKIT_ROLE=funder``), without
    pre-heated kernels (two pages are opened: a kernel each is cheaper than a pool per app)."""
    work = tmp_path_factory.mktemp("voila-funder")
    server = start_voila(copy_db(demo_db, work / "served.db"), work,
                         extra_env={"MENTORKIT_ROLE": "funder", "MENTORKIT_VOILA_PREHEAT": "0"})
    yield server
    server.stop()


def test_a_funders_server_refuses_the_caseload_and_names_no_one(
        browser: Any, funder_voila: VoilaServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page = AppPage(context.new_page(), funder_voila)
        page.page.set_default_timeout(60_000)
        page.open("caseload", programme="Groningen", lang="en")
        page.assert_clean()
        text = page.text()
        assert "Caseload is for coordinators; your role is funder." in text
        assert page.page.locator(".mk-refused .mk-refusal").count() == 1
        assert page.page.locator(".mk-nav a").all_inner_texts() == ["Home", "Programme overview"]
        assert "Your role: funder (read only)" in text and ACTOR not in text
        with Store.open(str(funder_voila.db)) as store:
            people = store.table("person", programme_id=5)
        names = (people["first_name"] + " " + people["last_name"]).dropna()
        assert not [n for n in names if n in text]
        assert page.page.locator(".mk-app table, .mk-app select[multiple]").count() == 0
        page.screenshot("caseload_as_funder", docs=True)
        page.page.click(".mk-refusal a.mk-open-overview")
        page.page.wait_for_selector(".mk-app-overview.mk-ready")
        page.page.locator(".mk-app:has-text('Drawing the charts')").wait_for(state="detached")
        page.assert_clean()
        assert "Grant targets" in page.text()
        page.screenshot("overview_as_funder")
    finally:
        context.close()

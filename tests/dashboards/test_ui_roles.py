"""Roles in the dashboards: a researcher or a funder sees no person, a coordinator does.

Every app is built for every role on the demo database, with names switched on
(``MENTORKIT_SHOW_PERSONAL=1``, as inside Voilà). The whole widget tree (values, options,
labels, titles, placeholders, tooltips) is searched for every name, e-mail address, phone
number and note stored about anyone. The SQL each app runs is recorded: an app that is for
coordinators runs no query of person rows for the other roles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
import pytest
import sqlalchemy as sa

from mentorkit.privacy.roles import ROLES, AccessDenied
from mentorkit.store import Store
from mentorkit.ui.caseload import CaseloadApp
from mentorkit.ui.context import Context
from mentorkit.ui.events import EventsApp
from mentorkit.ui.home import HomeApp
from mentorkit.ui.intake import IntakeApp
from mentorkit.ui.match_batch import BatchPanel
from mentorkit.ui.match_finder import MatchFinderApp
from mentorkit.ui.overview import OverviewApp
from mentorkit.ui.shell import NEEDS, allowed_apps, launch

PEOPLE_APPS = [IntakeApp, MatchFinderApp, CaseloadApp, EventsApp]
ALL_APPS = [HomeApp, *PEOPLE_APPS, OverviewApp]
OTHERS = [r for r in ROLES if r != "coordinator"]


def tree_text(root: w.Widget) -> str:
    """Every text a widget tree holds or shows."""
    parts: list[str] = []
    stack = [root]
    while stack:
        x = stack.pop()
        for attr in ("value", "description", "placeholder", "tooltip", "label"):
            v = getattr(x, attr, None)
            if isinstance(v, str):
                parts.append(v)
        parts.extend(str(o) for o in getattr(x, "_options_labels", ()) or ())
        parts.extend(str(o) for o in getattr(x, "options", ()) or ()
                     if not isinstance(x, w.Image))
        parts.extend(getattr(x, "titles", ()) or ())
        stack.extend(getattr(x, "children", ()) or ())
    return "\n".join(parts)


@pytest.fixture(scope="module")
def secrets(demo_db: Path) -> dict[str, list[str]]:
    """The personal values stored about anyone in the demo database, by kind."""
    with Store.open(str(demo_db)) as store:
        person = store.table("person")
        notes = pd.concat([person["notes"], store.table("match")["notes"],
                           store.table("followup")["notes"]]).dropna()
    names = pd.concat([person["first_name"], person["last_name"]]).dropna()
    return {
        "name": sorted({n for n in names if len(n) >= 3}),
        "full name": sorted((person["first_name"] + " " + person["last_name"]).dropna()),
        "email": sorted(person["email"].dropna()),
        "phone": sorted(person["phone"].dropna()),
        "notes": sorted({n for n in notes if len(n) >= 12}),
    }


def leaks(text: str, secrets: dict[str, list[str]]) -> dict[str, int]:
    """How many stored values of each kind appear in ``text`` (names as whole words)."""
    found = {}
    words = set(re.findall(r"\w+", text))
    for kind, values in secrets.items():
        if kind == "name":
            n = sum(v in words for v in values)
        else:
            n = sum(v in text for v in values)
        if n:
            found[kind] = n
    return found


@pytest.fixture
def as_role(ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the role (and names on, as in Voilà) for what the test opens next."""
    monkeypatch.setenv("MENTORKIT_SHOW_PERSONAL", "1")

    def set_role(role: str) -> None:
        monkeypatch.setenv("MENTORKIT_ROLE", role)
    yield set_role


class Queries:
    """The SQL a store runs while watched."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.sql = engine, []
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.sql.append(statement)

    def of(self, table: str) -> list[str]:
        return [s for s in self.sql if re.search(rf"\bFROM {table}\b", s, re.IGNORECASE)]

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("cls", ALL_APPS, ids=lambda c: c.name)
def test_researchers_and_funders_see_no_name_email_phone_or_note(
        cls: type, role: str, db: Path, as_role: Any, secrets: dict[str, list[str]]) -> None:
    as_role(role)
    ctx = Context.open(str(db), programme="Groningen", lang="en")
    assert ctx.role == role and not ctx.personal
    queries = Queries(ctx.store.engine)
    try:
        app = cls(ctx)
    finally:
        queries.close()
    text = tree_text(app.root)
    assert leaks(text, secrets) == {}
    assert "mk-ready" in app.root._dom_classes
    if cls in PEOPLE_APPS:
        assert f"{app.t('app.' + cls.name)} is for coordinators; your role is {role}." in text
        assert "mk-refused" in app.root._dom_classes and not app.allowed
        assert queries.of("person") == [] and queries.of("match") == []
    if cls is HomeApp:  # no work lists: nothing about people is read
        assert queries.of("person") == [] and "at a glance" not in text
    if cls is OverviewApp:  # counts people, but never holds their names
        assert not {"first_name", "last_name", "email", "phone", "notes"} & set(app.people)
        assert app.charts_ready.wait(60)


@pytest.mark.parametrize("role", OTHERS)
def test_the_header_and_home_offer_only_the_apps_the_role_may_open(
        role: str, db: Path, as_role: Any) -> None:
    as_role(role)
    app = HomeApp(Context.open(str(db), programme="Groningen", lang="da"))
    assert allowed_apps(app.ctx) == ["home", "overview"]
    links = re.findall(r'href="([a-z_]+)\.ipynb', app.shell.nav.value + tree_text(app.body))
    assert set(links) == {"home", "overview"}
    assert "Din rolle:" in app.shell.title.value  # no "changes are recorded as" for a reader
    assert not hasattr(app, "name_field")


def test_a_language_or_programme_switch_keeps_a_refused_app_refused(
        db: Path, as_role: Any) -> None:
    as_role("funder")
    ctx = Context.open(str(db), programme="Groningen", lang="en")
    app = CaseloadApp(ctx)
    queries = Queries(ctx.store.engine)
    try:
        app.shell.lang.value = "nl"
        app.shell.programme.value = int(ctx.programmes["id"].iloc[0])
    finally:
        queries.close()
    assert "Caseload is voor coördinatoren; uw rol is subsidiegever." in tree_text(app.root)
    assert app.message.text == ""  # neither switch raised (the guard would say so here)
    assert app.ctx.programme_id == int(ctx.programmes["id"].iloc[0])
    assert queries.of("person") == []


@pytest.mark.parametrize("cls", PEOPLE_APPS, ids=lambda c: c.name)
def test_the_coordinator_still_sees_the_people(cls: type, db: Path, as_role: Any,
                                               secrets: dict[str, list[str]]) -> None:
    as_role("coordinator")
    ctx = Context.open(str(db), programme="Tingbjerg" if cls is EventsApp else "Groningen",
                       lang="en")
    queries = Queries(ctx.store.engine)
    try:
        app = cls(ctx)
    finally:
        queries.close()
    assert app.allowed and "mk-refused" not in app.root._dom_classes
    found = leaks(tree_text(app.root), secrets)
    assert found.get("full name", 0) >= 1, found
    assert queries.of("person")  # what the refused roles' "no query" is measured with


@pytest.mark.parametrize("cls", [HomeApp, OverviewApp], ids=lambda c: c.name)
def test_the_coordinators_home_and_overview_show_no_one_either(
        cls: type, db: Path, as_role: Any, secrets: dict[str, list[str]]) -> None:
    as_role("coordinator")
    app = cls(Context.open(str(db), programme="Groningen", lang="en"))
    assert leaks(tree_text(app.root), secrets) == {}
    if cls is HomeApp:
        assert app.stats()["active"] > 0  # the work lists are there for a coordinator


def test_the_batch_panel_refuses_a_role_without_personal_data(db: Path, as_role: Any) -> None:
    as_role("coordinator")
    app = MatchFinderApp(Context.open(str(db), programme="Groningen", lang="en"))
    app.ctx.role = "researcher"
    with pytest.raises(AccessDenied):
        BatchPanel(app)
    as_role("researcher")
    refused = MatchFinderApp(Context.open(str(db), programme="Groningen", lang="en"))
    assert not hasattr(refused, "batch") and not hasattr(refused, "people")


def test_an_unknown_role_opens_nothing(db: Path, as_role: Any) -> None:
    as_role("admin")
    root = launch(CaseloadApp, db=str(db), programme="Groningen", lang="en")
    assert "mk-fatal" in root._dom_classes and "could not open" in root.value


def test_every_app_says_what_it_needs_as_the_header_does() -> None:
    assert {cls.name: cls.needs for cls in ALL_APPS} == NEEDS
    assert all(NEEDS[cls.name] == "personal_data" for cls in PEOPLE_APPS)

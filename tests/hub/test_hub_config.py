"""The hub's rules without a hub: groups to role and sites, the spawner's environment, what
each role's server allows, the hub's configuration, the home page under the hub."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tornado.web import HTTPError
from traitlets.config import Config

from mentorkit.hub.authorizer import allowed
from mentorkit.hub.config import configure, pre_spawn_hook
from mentorkit.hub.identity import HubIdentity, HubRefused, hub_identity, spawn_environment
from mentorkit.hub.identity import text as hub_text
from mentorkit.hub.singleuser import server_config
from mentorkit.store import Store

PROGRAMMES = pd.DataFrame({"id": [1, 3, 4], "name": ["Vollsmose", "Tingbjerg", "Langkærparken"]})


@pytest.mark.parametrize(("groups", "expected"), [
    (["coordinator", "site:vollsmose"],
     HubIdentity("coordinator", ("Vollsmose",), ("vollsmose",))),
    (["coordinator", "site:3", "site:Langkærparken"],
     HubIdentity("coordinator", ("Tingbjerg", "Langkærparken"), ("3", "Langkærparken"))),
    (["coordinator", "site:langkaerparken"],
     HubIdentity("coordinator", ("Langkærparken",), ("langkaerparken",))),
    (["funder"], HubIdentity("funder", ())),
    (["researcher", "site:1", "staff"], HubIdentity("researcher", ("Vollsmose",), ("1",))),
])
def test_groups_give_one_role_and_the_named_sites(groups: list[str],
                                                  expected: HubIdentity) -> None:
    assert hub_identity(groups, PROGRAMMES) == expected


@pytest.mark.parametrize(("groups", "key"), [
    ([], "refused.no_group"), (["staff", "site:1"], "refused.no_group"),
    (["coordinator", "funder"], "refused.many_roles"), (["coordinator"], "refused.no_site"),
    (["coordinator", "site:atlantis"], "refused.unknown_site"),
])
def test_groups_that_give_nothing_are_refused_with_the_reason(groups: list[str],
                                                              key: str) -> None:
    with pytest.raises(HubRefused) as refused:
        hub_identity(groups, PROGRAMMES, "nl")
    assert refused.value.key == key
    values = {"roles": "coordinator, funder", "sites": "atlantis"}
    assert str(refused.value) == hub_text(key, "nl", **values)


def test_the_spawners_environment_holds_role_sites_and_the_user_as_actor() -> None:
    env = spawn_environment("anna", HubIdentity("coordinator", ("Vollsmose", "Tingbjerg")))
    assert env == {"MENTORKIT_ROLE": "coordinator", "MENTORKIT_PROGRAMMES": "Vollsmose,Tingbjerg",
                   "MENTORKIT_ACTOR": "anna"}


def _spawner(db: Path, groups: list[str]) -> Any:
    user = types.SimpleNamespace(name="anna", groups=[types.SimpleNamespace(name=g)
                                                      for g in groups])
    log = types.SimpleNamespace(warning=lambda *a: None)
    return types.SimpleNamespace(user=user, log=log,
                                 environment={"MENTORKIT_DB": str(db), "MENTORKIT_LANG": "da"})


def test_the_pre_spawn_hook_reads_the_sites_from_the_database(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with Store.open(str(db)) as store:
        store.programmes.add(name="Vollsmose")
        store.programmes.add(name="Tingbjerg")
    spawner = _spawner(db, ["coordinator", "site:2"])
    pre_spawn_hook(spawner)
    assert spawner.environment["MENTORKIT_PROGRAMMES"] == "Tingbjerg"
    assert spawner.environment["MENTORKIT_ACTOR"] == "anna"
    refused = _spawner(db, [])
    with pytest.raises(HTTPError) as error:
        pre_spawn_hook(refused)
    assert error.value.status_code == 403
    assert error.value.jupyterhub_message == hub_text("refused.no_group", "da")  # type: ignore
    assert "MENTORKIT_ROLE" not in refused.environment
    hidden = _spawner(db, ["coordinator", "site:1"])
    hidden.environment["MENTORKIT_HUB_SITE_PASSWORDS"] = str(tmp_path)
    pre_spawn_hook(hidden)                        # SQLite: the hub's database, folder not passed
    assert hidden.environment["MENTORKIT_DB"] == str(db)
    assert "MENTORKIT_HUB_SITE_PASSWORDS" not in hidden.environment


@pytest.mark.parametrize("role", ["coordinator", "funder"])
def test_a_coordinators_or_funders_server_has_no_lab_terminal_or_files(role: str) -> None:
    cfg = server_config(role, "/srv/mk")  # type: ignore[arg-type]
    app = cfg["ServerApp"]
    assert app["root_dir"] == "/srv/mk/dashboards"
    assert not app["terminals_enabled"] and app["jpserver_extensions"]["voila"]
    assert not any(on for name, on in app["jpserver_extensions"].items() if name != "voila")
    assert app["authorizer_class"] == "mentorkit.hub.authorizer.DashboardAuthorizer"
    assert cfg["VoilaConfiguration"]["strip_sources"] is True
    for action, resource in [("read", "contents"), ("write", "contents"), ("write", "kernels"),
                             ("write", "sessions"), ("write", "config"), ("read", "terminals")]:
        assert not allowed(role, action, resource)
    assert allowed(role, "execute", "kernels")


def test_a_researchers_server_has_jupyterlab() -> None:
    app = server_config("researcher", "/srv/mk")["ServerApp"]
    assert app["jpserver_extensions"]["jupyterlab"] and app["terminals_enabled"]
    assert allowed("researcher", "write", "contents")


def test_the_hub_listens_on_loopback_with_approval_and_an_idle_culler(tmp_path: Path) -> None:
    c = Config()
    configure(c, state_dir=tmp_path, db=str(tmp_path / "m.db"), port=9000, cull_seconds=600)
    assert (c.JupyterHub.ip, c.JupyterHub.hub_ip, c.Spawner.ip) == ("127.0.0.1",) * 3
    assert c.NativeAuthenticator.open_signup is False
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    assert "--timeout=600" in culler["command"]
    role = next(r for r in c.JupyterHub.load_roles if r["name"] == "idle-culler")
    assert "delete:servers" in role["scopes"]
    assert c.Spawner.environment["MENTORKIT_DB"] == str(tmp_path / "m.db")
    assert c.Spawner.pre_spawn_hook is pre_spawn_hook
    assert not any(s["name"] == "mentorkit-admin" for s in c.JupyterHub.services)


def test_home_under_the_hub_names_the_hub_user_and_has_no_name_field(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mentorkit.ui.context import Context
    from mentorkit.ui.home import HomeApp

    for name in ("MENTORKIT_ROLE", "MENTORKIT_PROGRAMMES", "MENTORKIT_ACTOR", "MENTORKIT_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MENTORKIT_UI_PREFS", str(tmp_path / "prefs.json"))
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")
    ctx = Context.open(":memory:")
    assert ctx.actor == "anna" and ctx.store.actor == "anna"
    ctx.set_coordinator("Someone Else")
    assert ctx.actor == "anna"
    app = HomeApp(ctx)
    assert not hasattr(app, "name_field")
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert hasattr(HomeApp(Context.open(":memory:")), "name_field")


def test_on_postgresql_a_coordinators_server_uses_her_sites_own_role(tmp_path: Path) -> None:
    from mentorkit.hub.database import password_file, server_database

    base = "postgresql+psycopg://owner:secret@127.0.0.1:5432/mk"
    (tmp_path / "site_langkaerparken.password").write_text("p@ss\n")
    anna = HubIdentity("coordinator", ("Langkærparken",), ("Langkærparken",))
    url = server_database(base, anna, tmp_path)
    assert url == "postgresql+psycopg://site_langkaerparken:p%40ss@127.0.0.1:5432/mk"
    assert password_file(tmp_path, "langkaerparken") == tmp_path / "site_langkaerparken.password"
    two = HubIdentity("coordinator", ("Tingbjerg", "Vollsmose"), ("3", "vollsmose"))
    with pytest.raises(HubRefused) as refused:
        server_database(base, two, tmp_path)
    assert refused.value.key == "refused.one_site"
    missing = HubIdentity("coordinator", ("Vollsmose",), ("vollsmose",))
    with pytest.raises(HubRefused) as refused:
        server_database(base, missing, tmp_path)
    assert refused.value.key == "refused.no_site_role" and "secret" not in str(refused.value)
    assert server_database(base, missing, None) == base            # no folder: the app's scope
    assert server_database("/srv/mk.db", anna, tmp_path) == "/srv/mk.db"   # SQLite

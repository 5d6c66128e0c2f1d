"""Voilà's settings (``voila.py`` -> :func:`mentorkit.ui.serve.configure`): no server beyond
this machine without a token, however the address is written on the command line."""

from __future__ import annotations

import pytest
from traitlets.config import Config

from mentorkit.ui.serve import configure


@pytest.fixture(autouse=True)
def no_token_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORKIT_VOILA_TOKEN", raising=False)
    monkeypatch.delenv("MENTORKIT_VOILA_PREHEAT", raising=False)


@pytest.mark.parametrize("argv", [
    ["dashboards", "--Voila.ip=0.0.0.0"],
    ["dashboards", "--Voila.ip", "0.0.0.0"],    # the space form traitlets also reads
    ["dashboards", "-Voila.ip=192.168.1.20"],
    ["dashboards", "--Voila.ip="],              # '' is every interface
    ["dashboards", "--Voila.ip=::"],
    ["dashboards", "--Voila.ip='0.0.0.0'"],
    ["dashboards", "--Voila.ip=mentors.example.org"],
    ["dashboards", "--Voila.ip=127.0.0.1", "--Voila.ip", "10.0.0.1"],
    ["dashboards", "--Voila.ip=0.0.0.0", "--Voila.token="],
])
def test_a_non_loopback_address_without_a_token_is_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit, match="refusing to serve the dashboards"):
        configure(Config(), argv=argv)


@pytest.mark.parametrize("argv", [
    [], ["dashboards"], ["--Voila.ip=127.0.0.1"], ["--Voila.ip", "localhost"],
    ["--Voila.ip=::1"], ["--Voila.ip=127.0.0.2", "--port=9000"],
])
def test_loopback_needs_no_token(argv: list[str]) -> None:
    c = Config()
    configure(c, argv=argv)
    assert c.Voila.ip == "127.0.0.1" and "token" not in c.Voila
    assert c.VoilaConfiguration.file_denylist == [r".*"] and c.VoilaConfiguration.strip_sources
    assert c.VoilaConfiguration.show_tracebacks is False


def test_with_a_token_any_address_is_allowed_and_the_token_is_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    c = Config()
    configure(c, argv=["dashboards", "--Voila.ip", "0.0.0.0", "--Voila.token", "s3cret"])
    assert c.Voila.token == "s3cret" and c.IdentityProvider.token == "s3cret"
    configure(Config(), argv=["dashboards", "--Voila.ip=0.0.0.0", "--token"])  # Voilà's own
    monkeypatch.setenv("MENTORKIT_VOILA_TOKEN", "from-env")
    c = Config()
    configure(c, argv=["dashboards", "--Voila.ip=0.0.0.0"])
    assert c.Voila.token == "from-env"

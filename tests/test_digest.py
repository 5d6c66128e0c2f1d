"""The daily digest, sent to a real SMTP server on 127.0.0.1 and parsed back, and the feed.

Two programmes are seeded with one item of every kind that is due on 2 March 2026 and some
that are not (a mentee registered ten days ago, a match whose follow-up is nine days away, a
completed match whose mentor's check ran out long ago). ``mentorkit digest --send`` sends each
coordinator her programme's digest, in her language (Danish for Vollsmose, Dutch for
Groningen); the message read back holds exactly the due items, names nobody (people are
"Mentee #12"), carries no e-mail address, phone or note of a participant, and nothing of them
is logged. ``mentorkit calendar`` writes an RFC 5545 feed that parses back to the same due dates.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import os
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.store import Store

TODAY = dt.date(2026, 3, 2)
SECRETS = ("Maryam", "Haddad", "Zainab", "Qureshi", "zainab.q@example.org", "+45 11 22 33 44",
           "SECRET-NOTE",
           "Henrike", "Vos", "henrike@example.org", "06 12345678")


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _person(store: Store, pid: int, role: str, registered: str, **more: Any) -> int:
    more.setdefault("first_name", "Maryam")
    more.setdefault("last_name", f"Haddad{role}{registered}")
    return store.people.add(programme_id=pid, role=role, registered_on=dt.date.fromisoformat(
        registered), consent_scope=["casework"], consent_given_at=dt.datetime(2025, 1, 1, 12),
        **more)


def _match(store: Store, pid: int, mentee: int, mentor: int, status: str, **dates: str) -> int:
    return store.matches.add(programme_id=pid, mentee_id=mentee, mentor_id=mentor,
                             status=status,
                             **{k: dt.date.fromisoformat(v) for k, v in dates.items()})


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Two programmes, every kind of due item, and rows that are not due."""
    db = tmp_path / "digest.db"
    ids: dict[str, int] = {}
    with Store.open(str(db), actor="seed") as store:
        v = store.programmes.add(name="Vollsmose", language="da", country="DK",
                                 background_check="boerneattest", start_date=dt.date(2020, 1, 1))
        g = store.programmes.add(name="Groningen", language="nl", country="NL",
                                 background_check="vog", start_date=dt.date(2020, 1, 1))
        ids["v"], ids["g"] = v, g
        # Vollsmose
        ids["m1"] = _person(store, v, "mentor", "2024-01-01", first_name="Zainab",
                            last_name="Qureshi", email="zainab.q@example.org",
                            phone="+45 11 22 33 44",
                            background_check_date=dt.date(2024, 4, 10))  # to 2026-04-10
        ids["m2"] = _person(store, v, "mentor", "2024-01-01",
                            background_check_date=dt.date(2023, 12, 1))  # ran out 2025-12-01
        ids["m3"] = _person(store, v, "mentor", "2024-01-01",
                            background_check_date=dt.date(2025, 6, 1))  # valid
        ids["m4"] = _person(store, v, "mentor", "2019-01-01",
                            background_check_date=dt.date(2018, 1, 1))  # no open match
        for key, day in (("a", "2025-12-01"), ("b", "2026-02-01"), ("c", "2025-10-01"),
                         ("d", "2026-02-20"), ("e", "2026-01-15"), ("f", "2024-12-01")):
            ids[key] = _person(store, v, "mentee", day)
        ids["x1"] = _match(store, v, ids["a"], ids["m1"], "active", proposed_on="2025-12-20",
                           started_on="2026-01-01")
        store.followups.add(match_id=ids["x1"], date=dt.date(2026, 1, 10),
                            kind="coordinator_call", next_due=dt.date(2026, 2, 1),
                            notes="SECRET-NOTE: talked about her job interview")
        ids["x2"] = _match(store, v, ids["b"], ids["m2"], "active", proposed_on="2026-02-10",
                           started_on="2026-02-20")
        ids["x3"] = _match(store, v, ids["e"], ids["m3"], "proposed", proposed_on="2026-02-01")
        ids["x4"] = _match(store, v, ids["f"], ids["m4"], "completed", proposed_on="2025-01-01",
                           started_on="2025-01-05", ended_on="2025-07-01")
        # Groningen
        ids["m5"] = _person(store, g, "mentor", "2023-01-01", first_name="Henrike",
                            last_name="Vos", email="henrike@example.org", phone="06 12345678",
                            background_check_date=dt.date(2023, 3, 20))  # to 2026-03-20
        ids["gm"] = _person(store, g, "mentee", "2026-02-01")
        ids["h"] = _person(store, g, "mentee", "2025-12-01")
        ids["x5"] = _match(store, g, ids["gm"], ids["m5"], "active", proposed_on="2026-02-20",
                           started_on="2026-02-25")
    return db, ids


def _coordinators(tmp_path: Path, **extra: str) -> Path:
    path = tmp_path / "coordinators.toml"
    path.write_text('[[coordinator]]\nname = "Fatima"\nemail = "fatima@example.org"\n'
                    'programmes = ["Vollsmose"]\n\n'
                    '[[coordinator]]\nname = "Sanne"\nemail = "sanne@example.org"\n'
                    'lang = "nl"\nprogrammes = ["Groningen"]\n', encoding="utf-8")
    return path


def _env(db: Path, port: int, coordinators: Path) -> dict[str, str]:
    return {"MENTORKIT_DB": str(db), "MENTORKIT_COORDINATORS": str(coordinators),
            "MENTORKIT_SMTP_HOST": "127.0.0.1", "MENTORKIT_SMTP_PORT": str(port),
            "MENTORKIT_SMTP_FROM": "mentorkit@example.org", "MENTORKIT_SMTP_STARTTLS": "0",
            "MENTORKIT_ROLE": "coordinator"}


def _items(msg: EmailMessage) -> list[str]:
    body = msg.get_body(("plain",))
    assert body is not None
    return [line[2:] for line in body.get_content().splitlines() if line.startswith("- ")]


def _unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    lines = text.split("\r\n")
    assert lines[-1] == ""
    for line in lines:
        assert len(line.encode("utf-8")) <= 75
    out: list[str] = []
    for line in lines[:-1]:
        if line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def _events(text: str) -> list[dict[str, str]]:
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    for e in events:
        assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"} <= set(e)
    return events


def test_digest_sent_holds_exactly_the_due_items_in_her_language(
        seeded: tuple[Path, dict[str, int]], smtp: tuple[Inbox, int], tmp_path: Path,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    db, i = seeded
    inbox, port = smtp
    for key, value in _env(db, port, _coordinators(tmp_path)).items():
        monkeypatch.setenv(key, value)
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(app, ["digest", "--send", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "sent 2 digest(s) with 8 item(s)" in result.output
    assert inbox.recipients == [["fatima@example.org"], ["sanne@example.org"]]
    da, nl = inbox.messages
    assert da["Subject"] == "mentorkit: 6 opgaver i Vollsmose (2026-03-02)"
    assert _items(da) == [
        f"Opfølgning 29 dage for sent (forfaldt 2026-02-01): Mentee #{i['a']} og Mentor #{i['m1']}",
        f"Opfølgning senest 2026-03-06: Mentee #{i['b']} og Mentor #{i['m2']}",
        f"Mentee #{i['c']} har ventet 152 dage på en mentor",
        f"Mentor #{i['m2']}: børneattesten udløb 2025-12-01 (Mentee #{i['b']} er matchet)",
        f"Mentor #{i['m1']}: børneattesten udløber 2026-04-10, om 39 dage",
        f"Forslag Mentee #{i['e']} og Mentor #{i['m3']} har ventet 29 dage på bekræftelse",
    ]
    assert nl["Subject"] == "mentorkit: 2 taken in Groningen (2026-03-02)"
    assert _items(nl) == [
        f"Mentee #{i['h']} wacht al 91 dagen op een mentor",
        f"Mentor #{i['m5']}: de VOG verloopt op 2026-03-20, over 18 dagen",
    ]
    # her programme only, and nobody's personal data, in the mail or in the logs
    everything = "".join(m.as_string() for m in inbox.messages) + caplog.text + result.output
    assert "Groningen" not in da.as_string() and "Vollsmose" not in nl.as_string()
    for secret in SECRETS:
        assert secret not in everything
    # the due dates ride along as a calendar
    feed = next(p for p in da.iter_attachments() if p.get_content_type() == "text/calendar")
    events = _events(feed.get_content() if isinstance(feed.get_content(), str)
                     else feed.get_content().decode("utf-8"))
    assert sorted(e["DTSTART;VALUE=DATE"] for e in events) == sorted(
        ["20260201", "20260306", "20251130", "20251201", "20260410", "20260215"])


def test_calendar_feed_parses_back_to_the_due_dates(
        seeded: tuple[Path, dict[str, int]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db, i = seeded
    monkeypatch.setenv("MENTORKIT_DB", str(db))
    out = tmp_path / "due.ics"
    result = CliRunner().invoke(app, ["calendar", "--out", str(out), "--programme", "Groningen",
                                      "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert os.stat(out).st_mode & 0o777 == 0o600
    events = _events(out.read_bytes().decode("utf-8"))
    assert [(e["DTSTART;VALUE=DATE"], e["DTEND;VALUE=DATE"], e["SUMMARY"]) for e in events] == [
        ("20260130", "20260131", f"Groningen: Mentee #{i['h']} wacht al 91 dagen op een mentor"),
        ("20260320", "20260321",
         f"Groningen: Mentor #{i['m5']}: de VOG verloopt op 2026-03-20\\, over 18 dagen"),
    ]
    assert len({e["UID"] for e in events}) == 2
    text = out.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text


def test_a_coordinator_outside_the_sessions_programmes_is_refused(
        seeded: tuple[Path, dict[str, int]], smtp: tuple[Inbox, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ = seeded
    inbox, port = smtp
    for key, value in _env(db, port, _coordinators(tmp_path)).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MENTORKIT_PROGRAMMES", "Vollsmose")
    result = CliRunner().invoke(app, ["digest", "--send", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert "Groningen" in result.output and inbox.messages == []


def test_bad_settings_are_named_and_nothing_is_sent(
        seeded: tuple[Path, dict[str, int]], smtp: tuple[Inbox, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ = seeded
    inbox, port = smtp
    for key, value in _env(db, port, _coordinators(tmp_path)).items():
        monkeypatch.setenv(key, value)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[coordinator]]\nname = "Fatima"\nemail = "not an address"\n'
                   'programmes = ["Vollsmose"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["digest", "--send", "--coordinators", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: coordinator 1: field 'email'" in result.output
    assert "not an address" not in result.output
    monkeypatch.delenv("MENTORKIT_SMTP_HOST")
    result = CliRunner().invoke(app, ["digest", "--send"])
    assert result.exit_code == 1 and "MENTORKIT_SMTP_HOST" in result.output
    monkeypatch.setenv("MENTORKIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MENTORKIT_SMTP_PORT", str(_free_port()))  # nobody listens there
    result = CliRunner().invoke(app, ["digest", "--send", "--today", TODAY.isoformat()])
    assert result.exit_code == 1 and "could not be reached" in result.output
    assert "fatima@example.org" not in result.output
    assert inbox.messages == []


def test_a_funder_gets_no_digest(seeded: tuple[Path, dict[str, int]], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ = seeded
    monkeypatch.setenv("MENTORKIT_DB", str(db))
    monkeypatch.setenv("MENTORKIT_COORDINATORS", str(_coordinators(tmp_path)))
    monkeypatch.setenv("MENTORKIT_ROLE", "funder")
    result = CliRunner().invoke(app, ["digest", "--today", TODAY.isoformat()])
    assert result.exit_code == 1 and "may not use personal_data" in result.output

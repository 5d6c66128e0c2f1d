"""``mentorkit digest`` and ``mentorkit calendar``: the daily reminders, by e-mail and as a feed.

``mentorkit digest`` prints each coordinator's digest (follow-ups due and overdue, mentees
waiting too long, background checks expired or expiring, proposals nobody confirmed) and with
``--send`` e-mails it through the SMTP server of ``MENTORKIT_SMTP_*``
(:mod:`mentorkit.notify.smtp`); the coordinators, their addresses, languages and programmes
come from the file ``MENTORKIT_COORDINATORS`` (:mod:`mentorkit.notify.recipients`). Run it
daily (cron: ``0 7 * * 1-5 mentorkit digest --send``). ``mentorkit calendar --out due.ics``
writes the due dates as an iCalendar feed (RFC 5545) a calendar program can subscribe to.
Nothing printed or logged names a person: people are "Mentee #12".

Example
-------
>>> from typer.testing import CliRunner
>>> from mentorkit.cli import app
>>> "--send" in CliRunner().invoke(app, ["digest", "--help"]).output
True
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from mentorkit.cli.base import DbOption, _open, _require, app, friendly
from mentorkit.errors import MentorkitError

__all__ = ["digest", "calendar_feed"]

TodayOption = typer.Option(None, "--today", help="The day to remind for (YYYY-MM-DD; default "
                                                 "today or MENTORKIT_TODAY).")


def _today(text: str | None) -> dt.date:
    from mentorkit.casework.rules import today

    if not text:
        return today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MentorkitError(f"--today {text!r} is not a date (YYYY-MM-DD)") from None


@app.command("digest")
@friendly
def digest(
    send: bool = typer.Option(False, "--send", help="E-mail the digests (else print them)."),
    to: str | None = typer.Option(None, "--to", help="Only this coordinator (her name)."),
    coordinators: Path | None = typer.Option(
        None, "--coordinators", help="TOML file of coordinators [default: "
                                     "MENTORKIT_COORDINATORS]."),
    link: str | None = typer.Option(
        None, "--link", envvar="MENTORKIT_PERSON_LINK",
        help="Address of the person view with {person}, e.g. "
             "https://mentor.example.org/voila/render/person.ipynb?person={person}"),
    today: str | None = TodayOption,
    db: str | None = DbOption,
) -> None:
    """Each coordinator's reminders for the day, printed or e-mailed."""
    from mentorkit.notify.digests import build_digests, messages
    from mentorkit.notify.recipients import load_coordinators
    from mentorkit.notify.smtp import SmtpSettings, send_messages

    _require("personal_data")
    day = _today(today)
    people = load_coordinators(coordinators)
    if to is not None:
        people = [c for c in people if c.name.casefold() == to.strip().casefold()]
        if not people:
            raise MentorkitError(f"--to {to!r}: no coordinator of that name in the file")
    settings = SmtpSettings.from_env() if send else None  # refused before anything is read
    with _open(db) as store:
        digests = build_digests(store, people, day, link)
    items = sum(len(d.items) for d in digests)
    if settings is None:
        for d in digests:
            typer.echo(f"== {d.subject}\n{d.text}")
        return
    sent = send_messages(settings, messages(digests, settings.sender, day))
    typer.echo(f"sent {sent} digest(s) with {items} item(s) for {day.isoformat()}")


@app.command("calendar")
@friendly
def calendar_feed(
    out: Path = typer.Option(..., "--out", help="The .ics file to write (mode 600)."),
    programme: list[str] = typer.Option(
        [], "--programme", help="Programme name or id (repeat; default: every one in scope)."),
    lang: str | None = typer.Option(None, "--lang", help="da, en or nl (default: the first "
                                                         "programme's language)."),
    today: str | None = TodayOption,
    db: str | None = DbOption,
) -> None:
    """Write the due dates as an iCalendar (RFC 5545) feed."""
    from mentorkit.files import write_private
    from mentorkit.i18n import check_lang, is_lang
    from mentorkit.notify.digests import programme_items
    from mentorkit.notify.ical import calendar
    from mentorkit.programmes import programme_id

    _require("personal_data")
    day = _today(today)
    with _open(db) as store:
        table = store.table("programme")
        ids = [int(programme_id(table, p)) for p in programme] or table["id"].astype(int).tolist()
        chosen = table.set_index("id").loc[ids]
        first = chosen["language"].iloc[0] if len(chosen) else "en"
        language = check_lang(lang) if lang else (first if is_lang(first) else "en")
        parts = []
        for pid, row in chosen.iterrows():
            kind = row["background_check"] if isinstance(row["background_check"], str) else None
            items, people = programme_items(store, int(pid), str(row["name"]), day, kind)
            parts.append((int(pid), str(row["name"]), items, people))
    text = calendar(parts, language, name=f"mentorkit: {', '.join(chosen['name'])}")
    write_private(out, text.encode("utf-8"), lang=language)
    typer.echo(f"{out}: {sum(len(p[2]) for p in parts)} due date(s) from {len(parts)} "
               "programme(s)")

"""The digests of a day: for each coordinator, her programmes' items, as text and as mail.

:func:`build_digests` reads, through the store (whose own programme scope still applies: a
coordinator listed with a programme the session may not see is refused), each programme's
people, matches and open follow-ups, and makes a :class:`Digest` per coordinator and
programme with :func:`mentorkit.casework.digest.digest_items`. :func:`messages` turns them
into e-mails (one per coordinator, every programme of hers in it, the day's due dates attached
as ``mentorkit.ics``).

Example
-------
>>> import datetime as dt
>>> from mentorkit.store import Store
>>> from mentorkit.notify.recipients import Coordinator
>>> store = Store.open(":memory:")
>>> _ = store.programmes.add(name="Vollsmose", language="da")
>>> d = build_digests(store, [Coordinator("A", "a@example.org", ("Vollsmose",))],
...                   dt.date(2026, 1, 1))
>>> d[0].lang, len(d[0].items), d[0].text.splitlines()[0]
('da', 0, 'Intet venter på dig i Vollsmose i dag, 2026-01-01.')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pandas as pd

from mentorkit.casework.caseload import plan_for
from mentorkit.casework.digest import TEXT, digest_items, digest_subject, digest_text
from mentorkit.i18n import is_lang
from mentorkit.notify.ical import calendar
from mentorkit.notify.recipients import Coordinator
from mentorkit.notify.smtp import make_message
from mentorkit.programmes import programme_id
from mentorkit.vocab import Lang

if TYPE_CHECKING:
    from mentorkit.store.store import Store

__all__ = ["Digest", "build_digests", "messages", "programme_items"]


@dataclass(frozen=True)
class Digest:
    """One coordinator's digest for one programme."""

    coordinator: Coordinator
    programme_id: int
    programme: str
    lang: Lang
    items: pd.DataFrame
    people: pd.DataFrame
    subject: str
    text: str


def programme_items(store: Store, pid: int, name: str, today: dt.date,
                    check_kind: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One programme's digest items and the people they name (id and role only)."""
    people = store.table("person", programme_id=pid)
    people = people[["id", "role", "registered_on", "erased_at", "background_check_date"]]
    matches = store.table("match", programme_id=pid)
    open_ids = matches.loc[matches["status"].isin(["active", "proposed"]), "id"].tolist()
    followups = store.table("followup", match_id=open_ids)
    items = digest_items(people, matches, followups, today, plan_for(name), check_kind)
    return items, people[["id", "role"]]


def build_digests(store: Store, coordinators: Sequence[Coordinator], today: dt.date,
                  link: str | None = None) -> list[Digest]:
    """A digest per coordinator and programme of hers, in her language (else the programme's).

    ``link`` is an address pattern with ``{person}`` for the person view (see
    :func:`mentorkit.casework.digest.digest_text`).
    """
    programmes = store.table("programme")
    out = []
    for who in coordinators:
        for wanted in who.programmes:
            pid = int(programme_id(programmes, wanted))
            row = programmes[programmes["id"] == pid].iloc[0]
            own = row["language"]
            lang: Lang = who.lang or (own if is_lang(own) else "en")
            kind = row["background_check"] if isinstance(row["background_check"], str) else None
            items, people = programme_items(store, pid, str(row["name"]), today, kind)
            out.append(Digest(
                coordinator=who, programme_id=pid, programme=str(row["name"]), lang=lang,
                items=items, people=people,
                subject=digest_subject(items, lang, str(row["name"]), today),
                text=digest_text(items, people, lang, str(row["name"]), today, link)))
    return out


def messages(digests: Sequence[Digest], sender: str, today: dt.date,
             stamp: dt.datetime | None = None) -> list[EmailMessage]:
    """One e-mail per coordinator: her programmes' digests, the due dates attached (.ics)."""
    by_whom: dict[tuple[str, str], list[Digest]] = {}
    for d in digests:
        by_whom.setdefault((d.coordinator.name, d.coordinator.email), []).append(d)
    out = []
    for (_, email), mine in by_whom.items():
        lang = mine[0].lang
        if len(mine) == 1:
            subject = mine[0].subject
        else:
            total = sum(len(d.items) for d in mine)
            subject = TEXT.text("subject", lang, n=total,
                                programme=", ".join(d.programme for d in mine),
                                day=today.isoformat())
        text = "\n\n".join(d.text for d in mine)
        feed = calendar([(d.programme_id, d.programme, d.items, d.people) for d in mine], lang,
                        stamp=stamp)
        out.append(make_message(sender, email, subject, text,
                                [("mentorkit.ics", "text/calendar", feed.encode("utf-8"))]))
    return out

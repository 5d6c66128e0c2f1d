"""The due dates as an iCalendar feed (RFC 5545) a calendar program can subscribe to.

One all-day event per item of :func:`mentorkit.casework.digest.digest_items`, on its due
date, titled in the coordinator's language with people by role and number only (a calendar
is shared and synchronised more widely than the dashboards). Each event's UID is stable (the
item's kind, programme and row), so a feed written again every day updates events instead of
duplicating them. Lines end in CRLF, are folded at 75 octets and text is escaped as the
RFC says (§3.1, §3.3.11); the library ``icalendar`` is not a dependency, so these few rules are
written here and tests parse the feed back.

Example
-------
>>> import datetime as dt, pandas as pd
>>> items = pd.DataFrame({"kind": ["long_wait"], "due": [pd.Timestamp("2026-03-01")],
...     "days": [75], "match_id": [None], "person_id": [3], "other_id": [None]})
>>> people = pd.DataFrame({"id": [3], "role": ["mentee"]})
>>> text = calendar([(1, "Vollsmose", items, people)], "en",
...                 stamp=dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC))
>>> [line for line in text.split("\\r\\n") if line.startswith(("DTSTART", "SUMMARY"))]
['DTSTART;VALUE=DATE:20260301', 'SUMMARY:Vollsmose: Mentee #3 has waited 75 days for a mentor']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from mentorkit.casework.digest import item_summary

__all__ = ["calendar", "escape", "fold", "PRODID"]

PRODID = "-//mentorkit//reminders//EN"


def escape(text: str) -> str:
    r"""A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma, newline.

    Example
    -------
    >>> escape("a;b,c\\d\ne")
    'a\\;b\\,c\\\\d\\ne'
    """
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.

    Example
    -------
    >>> fold("X:" + "ø" * 40).split("\\r\\n ")[0].encode("utf-8").__len__() <= 75
    True
    """
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def calendar(programmes: Iterable[tuple[int, str, pd.DataFrame, pd.DataFrame]], lang: str,
             stamp: dt.datetime | None = None, name: str = "mentorkit") -> str:
    """The feed of every programme's items: ``(programme id, name, items, people)`` each.

    ``stamp`` is the DTSTAMP of every event (default: now, UTC).
    """
    now = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for pid, programme, items, people in programmes:
        for item in items.to_dict("records"):
            if pd.isna(item["due"]):
                continue
            day = pd.Timestamp(item["due"]).date()
            row = item["match_id"] if not pd.isna(item["match_id"]) else item["person_id"]
            uid = f"{item['kind']}-{int(pid)}-{int(row)}-{day:%Y%m%d}@mentorkit"
            summary = f"{programme}: {item_summary(item, people, lang)}"
            lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{now}",
                      f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                      f"SUMMARY:{escape(summary)}", f"CATEGORIES:{escape(str(item['kind']))}",
                      "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

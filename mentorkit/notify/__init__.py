"""Reminders sent out: the daily digest by e-mail (SMTP) and the due dates as an iCalendar feed.

The rules (what is due) are :mod:`mentorkit.casework.digest`, on DataFrames; this package
does the I/O: who receives what (:mod:`~mentorkit.notify.recipients`), reading the store per
coordinator (:mod:`~mentorkit.notify.digests`), sending (:mod:`~mentorkit.notify.smtp`) and
the RFC 5545 feed (:mod:`~mentorkit.notify.ical`). Nothing here logs a name, an address or
an item: only counts.
"""

from __future__ import annotations

__all__: list[str] = []

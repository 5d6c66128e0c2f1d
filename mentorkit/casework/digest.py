"""Reminders: what a coordinator must do soon, for the daily digest and the calendar feed.

:func:`digest_items` lists, for one programme on one day, every item that needs the
coordinator, one row each, most urgent first:

========================  =====================================================  ==============
kind                      what                                                   ``due``
========================  =====================================================  ==============
``followup_overdue``      an active match whose follow-up is past due            the due date
``followup_due``          one due within the plan's ``due_soon_days``            the due date
``long_wait``             a mentee waiting longer than the plan's limit          limit reached
``check_expired``         a mentor in an open match whose check has run out      valid until
``check_expiring``        one whose check runs out within 60 days                valid until
``proposal_unconfirmed``  a proposal older than the plan's ``proposal_stale_days``  limit reached
========================  =====================================================  ==============

The rules are those of :mod:`mentorkit.casework.caseload` and
:mod:`mentorkit.casework.screening` (the same counts as Home and the caseload). People are
named by role and number only ("Mentee #12"): :func:`digest_text` never writes a name, an
e-mail, a phone number or a note, so a digest carries no more than the coordinator may see
and less than an e-mail should not carry. Everything here works on DataFrames.

Example
-------
>>> import datetime as dt
>>> import pandas as pd
>>> people = pd.DataFrame({"id": [1, 2], "role": ["mentee", "mentor"],
...     "registered_on": pd.to_datetime(["2025-01-01", "2024-01-01"]),
...     "erased_at": pd.NaT, "background_check_date": pd.NaT})
>>> matches = pd.DataFrame({"id": [5], "mentee_id": [1], "mentor_id": [2],
...     "status": ["active"], "started_on": pd.to_datetime(["2026-01-01"]),
...     "proposed_on": pd.NaT, "ended_on": pd.NaT})
>>> followups = pd.DataFrame({"match_id": pd.Series(dtype="Int64"),
...     "date": pd.Series(dtype="datetime64[us]"), "kind": pd.Series(dtype=str),
...     "next_due": pd.Series(dtype="datetime64[us]")})
>>> items = digest_items(people, matches, followups, dt.date(2026, 2, 1))
>>> items[["kind", "match_id", "person_id", "days"]].values.tolist()
[['followup_overdue', 5, 1, 17]]
>>> print(digest_text(items, people, "en", programme="Vollsmose").splitlines()[3])
- Follow-up overdue by 17 days (due 2026-01-15): Mentee #1 and Mentor #2
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from mentorkit import vocab
from mentorkit.casework.caseload import (
    DEFAULT_PLAN,
    FollowupPlan,
    caseload_table,
    unconfirmed_proposals,
    waiting_mentees,
)
from mentorkit.casework.screening import expiry_warnings, open_match_checks
from mentorkit.i18n import Catalogue, check_lang

__all__ = ["KINDS", "COLUMNS", "TEXT", "digest_items", "digest_text", "digest_subject",
           "item_summary", "person_label"]

#: The kinds of item, most urgent first (the digest's order).
KINDS = ("followup_overdue", "followup_due", "long_wait", "check_expired", "check_expiring",
         "proposal_unconfirmed")
#: The columns of :func:`digest_items`.
COLUMNS = ("kind", "due", "days", "match_id", "person_id", "other_id")

TEXT = Catalogue("casework.digest", {
    "subject": {"da": "mentorkit: {n} opgaver i {programme} ({day})",
                "en": "mentorkit: {n} things to do in {programme} ({day})",
                "nl": "mentorkit: {n} taken in {programme} ({day})"},
    "intro": {"da": "Det her venter på dig i {programme} i dag, {day}:",
              "en": "This is waiting for you in {programme} today, {day}:",
              "nl": "Dit wacht vandaag, {day}, op je in {programme}:"},
    "nothing": {"da": "Intet venter på dig i {programme} i dag, {day}.",
                "en": "Nothing is waiting for you in {programme} today, {day}.",
                "nl": "Er wacht vandaag, {day}, niets op je in {programme}."},
    "heading.followup_overdue": {"da": "Opfølgning for sent", "en": "Follow-ups overdue",
                                 "nl": "Opvolging te laat"},
    "heading.followup_due": {"da": "Opfølgning snart", "en": "Follow-ups due soon",
                             "nl": "Opvolging binnenkort"},
    "heading.long_wait": {"da": "Mentees der har ventet for længe",
                          "en": "Mentees waiting too long",
                          "nl": "Mentees die te lang wachten"},
    "heading.check_expired": {"da": "Børneattest udløbet", "en": "Background checks expired",
                              "nl": "VOG verlopen"},
    "heading.check_expiring": {"da": "Børneattest udløber snart",
                               "en": "Background checks expiring soon",
                               "nl": "VOG verloopt binnenkort"},
    "heading.proposal_unconfirmed": {"da": "Forslag ingen har bekræftet",
                                     "en": "Proposals nobody confirmed",
                                     "nl": "Voorstellen die niemand bevestigde"},
    "item.followup_overdue": {
        "da": "Opfølgning {days} dage for sent (forfaldt {due}): {person} og {other}",
        "en": "Follow-up overdue by {days} days (due {due}): {person} and {other}",
        "nl": "Opvolging {days} dagen te laat (was {due}): {person} en {other}"},
    "item.followup_due": {
        "da": "Opfølgning senest {due}: {person} og {other}",
        "en": "Follow-up due {due}: {person} and {other}",
        "nl": "Opvolging uiterlijk {due}: {person} en {other}"},
    "item.long_wait": {
        "da": "{person} har ventet {days} dage på en mentor",
        "en": "{person} has waited {days} days for a mentor",
        "nl": "{person} wacht al {days} dagen op een mentor"},
    "item.check_expired": {
        "da": "{person}: børneattesten udløb {due} ({other} er matchet)",
        "en": "{person}: the background check ran out on {due} (matched with {other})",
        "nl": "{person}: de VOG is verlopen op {due} (gekoppeld aan {other})"},
    "item.check_expiring": {
        "da": "{person}: børneattesten udløber {due}, om {days} dage",
        "en": "{person}: the background check runs out on {due}, in {days} days",
        "nl": "{person}: de VOG verloopt op {due}, over {days} dagen"},
    "item.proposal_unconfirmed": {
        "da": "Forslag {person} og {other} har ventet {days} dage på bekræftelse",
        "en": "Proposal of {person} and {other} unconfirmed for {days} days",
        "nl": "Voorstel {person} en {other} wacht al {days} dagen op bevestiging"},
    "link": {"da": "Se personens historik: {url}", "en": "Her history: {url}",
             "nl": "Geschiedenis van deze persoon: {url}"},
    "footer": {"da": "Personer nævnes kun med nummer; navne står i mentorkit.",
               "en": "People are named by number only; names are in mentorkit.",
               "nl": "Personen staan hier alleen met nummer; namen staan in mentorkit."},
})


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["due"] = pd.to_datetime(out["due"]).astype("datetime64[us]")
    for column in ("days", "match_id", "person_id", "other_id"):
        out[column] = out[column].astype("Int64")
    return out


def _mentee_of(mentors: pd.DataFrame, matches: pd.DataFrame) -> dict[int, int]:
    """Each mentor's open match's mentee (the first, by match id)."""
    open_ = matches[matches["status"].isin(vocab.OPEN_MATCH_STATUSES)].sort_values("id")
    pairs = open_[open_["mentor_id"].isin(mentors["person_id"])]
    return {int(m): int(e) for m, e in
            pairs.drop_duplicates("mentor_id")[["mentor_id", "mentee_id"]].itertuples(
                index=False)}


def digest_items(people: pd.DataFrame, matches: pd.DataFrame, followups: pd.DataFrame,
                 today: dt.date, plan: FollowupPlan = DEFAULT_PLAN,
                 check_kind: str | None = None) -> pd.DataFrame:
    """What needs the coordinator of one programme on ``today`` (see the module's table).

    ``people``, ``matches`` and ``followups`` are the programme's rows in the store's shape;
    ``check_kind`` the programme's background check (børneattest, VOG). Columns
    :data:`COLUMNS`: kind, due, days (overdue, waiting, left or open), match_id, person_id
    (the mentee, or the mentor for a check) and other_id (the other party). Sorted by
    :data:`KINDS`, then the most urgent first.
    """
    rows: list[dict[str, Any]] = []
    load = caseload_table(matches, followups, today, plan)
    for r in load[load["state"].isin(["overdue", "due_soon"])].to_dict("records"):
        rows.append({"kind": "followup_overdue" if r["state"] == "overdue" else "followup_due",
                     "due": r["next_due"], "days": int(r["days_overdue"])
                     if r["state"] == "overdue"
                     else int((pd.Timestamp(r["next_due"]) - pd.Timestamp(today)).days),
                     "match_id": r["match_id"], "person_id": r["mentee_id"],
                     "other_id": r["mentor_id"]})
    waiting = waiting_mentees(people, matches, today, plan)
    for r in waiting[waiting["long_wait"]].to_dict("records"):
        rows.append({"kind": "long_wait", "due": pd.Timestamp(r["waiting_since"])
                     + pd.Timedelta(days=plan.long_wait_days), "days": r["days_waiting"],
                     "match_id": None, "person_id": r["person_id"], "other_id": None})
    checks = open_match_checks(people, matches, check_kind, today)
    mentee_of = _mentee_of(checks, matches)
    expired = checks[checks["status"] == "expired"].sort_values("valid_until")
    for r in expired.to_dict("records"):
        rows.append({"kind": "check_expired", "due": r["valid_until"],
                     "days": int((pd.Timestamp(today) - pd.Timestamp(r["valid_until"])).days),
                     "match_id": None, "person_id": r["person_id"],
                     "other_id": mentee_of.get(int(r["person_id"]))})
    for r in expiry_warnings(checks, today).to_dict("records"):
        rows.append({"kind": "check_expiring", "due": r["valid_until"], "days": r["days_left"],
                     "match_id": None, "person_id": r["person_id"],
                     "other_id": mentee_of.get(int(r["person_id"]))})
    proposals = unconfirmed_proposals(matches, today, plan)
    for r in proposals[proposals["stale"]].to_dict("records"):
        rows.append({"kind": "proposal_unconfirmed", "due": pd.Timestamp(r["proposed_on"])
                     + pd.Timedelta(days=plan.proposal_stale_days), "days": r["days_open"],
                     "match_id": r["match_id"], "person_id": r["mentee_id"],
                     "other_id": r["mentor_id"]})
    out = _frame(rows)
    out["_order"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    return out.sort_values(["_order", "due", "person_id"], kind="stable").drop(
        columns="_order").reset_index(drop=True)


def person_label(people: pd.DataFrame, person_id: Any, lang: str) -> str:
    """"Mentee #12": a person by role and number, never by name.

    Example
    -------
    >>> person_label(pd.DataFrame({"id": [12], "role": ["mentee"]}), 12, "da")
    'Mentee #12'
    """
    if person_id is None or pd.isna(person_id):
        return "–"
    language = check_lang(lang)
    roles = people.set_index("id")["role"] if len(people) else pd.Series(dtype=str)
    role = roles.get(int(person_id))
    kind = vocab.ROLES.label(role if isinstance(role, str) and role in vocab.ROLES
                             else "mentee", language)
    return f"{kind} #{int(person_id)}"


def _day(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat() if not pd.isna(value) else "–"


def item_summary(item: Any, people: pd.DataFrame, lang: str) -> str:
    """One item (a row of :func:`digest_items`, as a mapping) in one line of ``lang``.

    Example
    -------
    >>> item = {"kind": "long_wait", "due": pd.Timestamp("2026-03-01"), "days": 75,
    ...         "person_id": 3, "other_id": None}
    >>> item_summary(item, pd.DataFrame({"id": [3], "role": ["mentee"]}), "nl")
    'Mentee #3 wacht al 75 dagen op een mentor'
    """
    return TEXT.text("item." + str(item["kind"]), lang, days=item["days"], due=_day(item["due"]),
                     person=person_label(people, item["person_id"], lang),
                     other=person_label(people, item["other_id"], lang))


def digest_subject(items: pd.DataFrame, lang: str, programme: str, today: dt.date) -> str:
    """The digest's subject line: how many items, where, which day."""
    return TEXT.text("subject", lang, n=len(items), programme=programme,
                     day=today.isoformat())


def digest_text(items: pd.DataFrame, people: pd.DataFrame, lang: str, programme: str,
                today: dt.date | None = None, link: str | None = None) -> str:
    """The digest as plain text in ``lang``: a heading per kind, one line per item.

    ``link``, when given, is a URL pattern with ``{person}`` (the person view's address) added
    under each item. No name, e-mail, phone or note is written (people are "Mentee #12").
    """
    day = (today or dt.date.today()).isoformat()
    if items.empty:
        return TEXT.text("nothing", lang, programme=programme, day=day) + "\n"
    lines = [TEXT.text("intro", lang, programme=programme, day=day)]
    for kind in KINDS:
        chosen = items[items["kind"] == kind]
        if chosen.empty:
            continue
        lines += ["", f"{TEXT.text('heading.' + kind, lang)} ({len(chosen)})"]
        for item in chosen.to_dict("records"):
            lines.append(f"- {item_summary(item, people, lang)}")
            if link:
                lines.append("  " + TEXT.text("link", lang,
                                              url=link.format(person=int(item["person_id"]))))
    lines += ["", TEXT.text("footer", lang)]
    return "\n".join(lines) + "\n"

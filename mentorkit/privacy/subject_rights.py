"""Rights of the data subject: access (Art. 15), erasure (Art. 17), consent, retention.

- :func:`access` gathers everything stored about one person: their row, programme and
  referrer, matches, follow-ups, outcomes, attendance, consent records, erasures and the audit
  trail of their rows, and where other people's free text mentions them (references only).
  Nothing about anyone else: the other party of a match is shown by role, not id, and other
  people's names, e-mails and phones are redacted from the notes.
- :func:`erase` (from :mod:`mentorkit.privacy.erasure`), :func:`withdraw_consent` (a full
  withdrawal, or of ``casework``, erases) and :func:`give_consent`, which append to the
  consent records.
- :func:`retention` lists (and, asked to, erases) people whose last activity is older than
  the retention period and who have no open match.

Example
-------
>>> from mentorkit.store import Store
>>> from mentorkit.synth import generate
>>> store = Store.open(":memory:"); store.load(generate(seed=0, scale=0.05))
>>> export = access(store, 1)
>>> export["person"]["id"], sorted(export)[:3]
(1, ['about', 'attendance', 'audit'])
>>> len(retention(store, years=1, today=dt.date(2040, 1, 1))) > 0
True
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from mentorkit import vocab
from mentorkit.errors import NotFoundError, ValidationError
from mentorkit.privacy.classes import RETENTION, RETENTION_YEARS
from mentorkit.privacy.erasure import REDACTED, erase, erase_in, purge
from mentorkit.model.frames import jsonable
from mentorkit.store.schema import metadata

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["REDACTED", "access", "erase", "give_consent", "last_activity", "retention",
           "withdraw_consent", "write_access"]

_PERSON_REFS = {"match": ("mentee_id", "mentor_id")}
OPEN_STATUSES = ("proposed", "active")


def _rows(conn: sa.Connection, query: sa.Select) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings()]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "is_integer") and not isinstance(value, float):  # Decimal
        return float(value)
    return jsonable(value)


def access(store: "Store", person_id: int, *, actor: str | None = None) -> dict[str, Any]:
    """Everything stored about one person, and nothing about anyone else (Art. 15).

    The access is itself recorded in the audit log (action ``access``, no values).
    """
    t = metadata.tables
    person, match, followup = t["person"], t["match"], t["followup"]
    with store.transaction(actor) as conn:
        row = conn.execute(store.scoped(sa.select(person).where(person.c.id == person_id),
                                        person)).mappings().first()
        if row is None:
            raise NotFoundError(f"person: no row with id {person_id}")
        row = dict(row)
        matches = _rows(conn, sa.select(match).where(
            (match.c.mentee_id == person_id) | (match.c.mentor_id == person_id))
            .order_by(match.c.id))
        match_ids = [m["id"] for m in matches]
        others = {m["mentor_id"] if m["mentee_id"] == person_id else m["mentee_id"]
                  for m in matches}
        redact = _others_pattern(conn, others)
        for m in matches:
            m["counterpart_role"] = "mentor" if m["mentee_id"] == person_id else "mentee"
            for col in _PERSON_REFS["match"]:
                if m[col] != person_id:
                    m[col] = None
            m["notes"] = _redacted(m["notes"], redact)
        followups = _rows(conn, sa.select(followup).where(followup.c.match_id.in_(match_ids))
                          .order_by(followup.c.id))
        for f in followups:
            f["notes"] = _redacted(f["notes"], redact)
        outcomes = _rows(conn, sa.select(t["outcome"])
                         .where(t["outcome"].c.person_id == person_id))
        attendance = _rows(conn, sa.select(
            t["attendance"].c.id, t["attendance"].c.event_id, t["event"].c.kind,
            t["event"].c.title, t["event"].c.date)
            .join(t["event"], t["event"].c.id == t["attendance"].c.event_id)
            .where(t["attendance"].c.person_id == person_id))
        consent = _rows(conn, sa.select(t["consent"]).where(t["consent"].c.person_id == person_id))
        erasures = _rows(conn, sa.select(t["erasure_ledger"])
                         .where(t["erasure_ledger"].c.person_id == person_id))
        audit = _audit_rows(conn, {
            "person": [person_id], "match": match_ids, "followup": [f["id"] for f in followups],
            "outcome": [o["id"] for o in outcomes], "attendance": [a["id"] for a in attendance],
        }, person_id)
        programme = conn.execute(sa.select(t["programme"].c.id, t["programme"].c.name)
                                 .where(t["programme"].c.id == row["programme_id"])
                                 ).mappings().first()
        partner = None
        if row["referred_by"] is not None:
            partner = conn.execute(sa.select(t["partner"].c.id, t["partner"].c.name,
                                             t["partner"].c.kind)
                                   .where(t["partner"].c.id == row["referred_by"])
                                   ).mappings().first()
        mentions = _mentions(conn, row, person_id, set(match_ids),
                             {f["id"] for f in followups})
        store._audit(conn, "access", "person", [person_id], [{}], None)
    export = {
        "about": _about(),
        "person": row, "programme": dict(programme) if programme else None,
        "referred_by": dict(partner) if partner else None,
        "matches": matches, "followups": followups, "outcomes": outcomes,
        "attendance": attendance, "consent": consent, "erasures": erasures, "audit": audit,
        "mentions_elsewhere": mentions,
    }
    return _plain(export)  # type: ignore[no-any-return]


def _about() -> dict[str, Any]:
    return {
        "made_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat(),
        "purposes": ["casework in the mentor programme", "documentation to funders "
                     "(aggregates only)", "research (pseudonymised, with consent only)"],
        "retention": {name: RETENTION[name].keep for name in ("person", "outcome", "consent")},
        "rights": ["access (Art. 15)", "rectification (Art. 16)", "erasure (Art. 17)",
                   "restriction (Art. 18)", "objection (Art. 21)", "withdraw consent "
                   "(Art. 7(3))", "complain to the data protection authority (Art. 77)"],
        "mentions_elsewhere": "places where other people's notes mention you (shown by "
                              "reference only; ask the coordinator to review them)",
    }


def _others_pattern(conn: sa.Connection, others: set[int]) -> re.Pattern[str] | None:
    """A pattern of the other parties' names, e-mails and phones, to redact from notes."""
    person = metadata.tables["person"]
    if not others:
        return None
    words: set[str] = set()
    for r in conn.execute(sa.select(person.c.first_name, person.c.last_name, person.c.email,
                                    person.c.phone).where(person.c.id.in_(others))):
        words |= {w.strip() for w in r if w and len(w.strip()) >= 2}
    if not words:
        return None
    return re.compile("|".join(rf"\b{re.escape(w)}\b" if w[0].isalnum() else re.escape(w)
                               for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def _redacted(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    return text if text is None or pattern is None else pattern.sub("[redacted]", text)


def _audit_rows(conn: sa.Connection, ids: dict[str, list[int]],
                person_id: int) -> list[dict[str, Any]]:
    audit = metadata.tables["audit"]
    clauses = [(audit.c.table_name == name) & audit.c.row_id.in_(rows)
               for name, rows in ids.items() if rows]
    rows = _rows(conn, sa.select(audit).where(sa.or_(*clauses)).order_by(audit.c.id))
    for r in rows:  # the other party of a match is someone else: not shown
        for side in ("before", "after"):
            if isinstance(r[side], dict):
                r[side] = {k: (v if k not in _PERSON_REFS.get(r["table_name"], ()) or
                               v == person_id else None) for k, v in r[side].items()}
    return rows


def _mentions(conn: sa.Connection, row: dict[str, Any], person_id: int,
              own_matches: set[int], own_followups: set[int]) -> list[dict[str, Any]]:
    """References (never text) to other people's notes that name this person."""
    first, last = (row["first_name"] or "").strip(), (row["last_name"] or "").strip()
    needles = [n for n in (f"{first} {last}".strip() if first and last else "",
                           row["email"] or "", row["phone"] or "") if len(n) >= 5]
    found: list[dict[str, Any]] = []
    own = {"person": {person_id}, "match": own_matches, "followup": own_followups}
    for name in ("person", "match", "followup"):
        table = metadata.tables[name]
        for n in needles:
            hits = conn.execute(sa.select(table.c.id).where(
                sa.func.lower(table.c.notes).contains(n.lower(), autoescape=True))).scalars()
            found += [{"table": name, "row_id": int(i), "column": "notes"} for i in hits
                      if int(i) not in own[name]]
    return [dict(x) for x in {tuple(sorted(f.items())): f for f in found}.values()]


def write_access(export: dict[str, Any], path: str | Path) -> Path:
    """Write an :func:`access` export as JSON, readable only by its owner (mode 600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(export, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")
    return path


def _scope_codes(scopes: Any) -> list[str]:
    codes = [scopes] if isinstance(scopes, str) else list(scopes)
    unknown = [c for c in codes if c not in vocab.CONSENT_SCOPES]
    if unknown:
        raise ValidationError(f"unknown consent scope(s) {', '.join(map(str, unknown))}: "
                              f"choose from {', '.join(vocab.CONSENT_SCOPES.codes)}")
    return codes


def _set_scope(store: "Store", conn: sa.Connection, person_id: int, action: str,
               codes: list[str], reason: str, at: dt.datetime) -> list[str]:
    t = metadata.tables
    person = t["person"]
    row = conn.execute(store.scoped(sa.select(person).where(person.c.id == person_id), person)
                       .with_for_update()).mappings().first()
    if row is None:
        raise NotFoundError(f"person: no row with id {person_id}")
    if row["erased_at"] is not None:
        raise ValidationError(f"person {person_id} is erased: there is no consent to change")
    current = list(row["consent_scope"] or [])
    wanted = set(current) | set(codes) if action == "given" else set(current) - set(codes)
    new = [c for c in vocab.CONSENT_SCOPES.codes if c in wanted]
    changes: dict[str, Any] = {"consent_scope": new, "updated_at": at,
                               "version": row["version"] + 1}
    if action == "given" and row["consent_given_at"] is None:
        changes["consent_given_at"] = at
    conn.execute(person.update().where(person.c.id == person_id).values(**changes))
    store._audit(conn, "update", "person", [person_id], [changes],
                 [{k: row[k] for k in changes}])
    conn.execute(t["consent"].insert().values(
        person_id=person_id, at=at, action=action, scope=codes,
        recorded_by=store._conn_actor or store.actor, reason=reason))
    return new


def give_consent(store: "Store", person_id: int, scopes: Any, actor: str | None = None, *,
                 reason: str = "request") -> list[str]:
    """Record consent to ``scopes`` (appended to the consent records); the new scope."""
    codes = _scope_codes(scopes)
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with store.transaction(actor) as conn:
        return _set_scope(store, conn, int(person_id), "given", codes, reason, at)


def withdraw_consent(store: "Store", person_id: int, scopes: Any = None,
                     actor: str | None = None) -> list[str]:
    """Withdraw consent to ``scopes`` (default all); the scope that remains.

    Withdrawing everything, or ``casework``, erases the person (Art. 17(1)(b)); withdrawing
    ``research`` takes them out of the next research extract.
    """
    codes = list(vocab.CONSENT_SCOPES.codes) if scopes is None else _scope_codes(scopes)
    if "casework" in codes:
        erase(store, int(person_id), actor, reason="consent_withdrawn")
        return []
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with store.transaction(actor) as conn:
        return _set_scope(store, conn, int(person_id), "withdrawn", codes, "request", at)


def last_activity(store: "Store") -> pd.DataFrame:
    """Per person: role, programme, last activity date, open match, erased."""
    person = store.table("person")
    match, followup = store.table("match"), store.table("followup")
    outcome, attendance, event = (store.table("outcome"), store.table("attendance"),
                                  store.table("event"))
    dates = [person[["id", "registered_on"]].rename(columns={"id": "pid", "registered_on": "d"}),
             person.assign(d=person["created_at"].where(person["registered_on"].isna()))
             [["id", "d"]].rename(columns={"id": "pid"})]
    for side in ("mentee_id", "mentor_id"):
        for col in ("proposed_on", "started_on", "ended_on"):
            dates.append(match[[side, col]].set_axis(["pid", "d"], axis=1))
        f = followup.merge(match[["id", side]], left_on="match_id", right_on="id")
        dates.append(f[[side, "date"]].set_axis(["pid", "d"], axis=1))
    dates.append(outcome[["person_id", "recorded_on"]].set_axis(["pid", "d"], axis=1))
    a = attendance.merge(event[["id", "date"]], left_on="event_id", right_on="id")
    dates.append(a[["person_id", "date"]].set_axis(["pid", "d"], axis=1))
    all_dates = pd.concat([d.astype({"pid": "Int64", "d": "datetime64[us]"}) for d in dates])
    last = all_dates.dropna().groupby("pid")["d"].max()
    open_ids = set(match.loc[match["status"].isin(OPEN_STATUSES), "mentee_id"]) | set(
        match.loc[match["status"].isin(OPEN_STATUSES), "mentor_id"])
    return pd.DataFrame({
        "person_id": person["id"], "role": person["role"], "programme_id": person["programme_id"],
        "last_activity": person["id"].map(last).astype("datetime64[us]"),
        "open_match": person["id"].isin(open_ids), "erased": person["erased_at"].notna(),
    })


def retention(store: "Store", years: int = RETENTION_YEARS, dry_run: bool = True, *,
              today: dt.date | None = None, actor: str | None = None) -> pd.DataFrame:
    """People whose last activity is more than ``years`` ago and who have no open match.

    With ``dry_run=False`` they are erased, all in one transaction (reason ``retention``).
    Returns the people concerned: id, role, programme id, last activity (no personal data).
    """
    if years < 0:
        raise ValidationError("the retention period cannot be negative")
    today = today or dt.date.today()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    info = last_activity(store)
    due = info[~info["erased"] & ~info["open_match"]
               & (info["last_activity"] < pd.Timestamp(cutoff))]
    due = due[["person_id", "role", "programme_id", "last_activity"]].reset_index(drop=True)
    if dry_run or due.empty:
        return due
    with store.transaction(actor) as conn:
        for pid in due["person_id"]:
            erase_in(store, conn, int(pid), "retention")
    purge(store)
    return due


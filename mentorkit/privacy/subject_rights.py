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
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mentorkit import vocab
from mentorkit.errors import ValidationError
from mentorkit.files import write_private
from mentorkit.model.frames import jsonable
from mentorkit.privacy.classes import RETENTION, RETENTION_YEARS
from mentorkit.privacy.erasure import REDACTED, erase, ledger_path, purge

if TYPE_CHECKING:
    from mentorkit.store import Store

__all__ = ["REDACTED", "access", "erase", "give_consent", "last_activity", "retention",
           "withdraw_consent", "write_access"]

_PERSON_REFS = {"match": ("mentee_id", "mentor_id")}
OPEN_STATUSES = vocab.OPEN_MATCH_STATUSES  # the one definition of an open match


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "is_integer") and not isinstance(value, float):  # Decimal
        return float(value)
    return jsonable(value)


def access(store: Store, person_id: int, *, actor: str | None = None) -> dict[str, Any]:
    """Everything stored about one person, and nothing about anyone else (Art. 15).

    The store reads the person's rows (:meth:`Store.person_record
    <mentorkit.store.Store.person_record>`) and records the access in the audit log (action
    ``access``, no values); this shapes the export: the other party of a match by role, not
    id, and other people's names, e-mails and phones redacted from the notes.
    """
    record = store.person_record(int(person_id), actor=actor)
    redact = _others_pattern(record["others"])
    matches = record["matches"]
    for m in matches:
        m["counterpart_role"] = "mentor" if m["mentee_id"] == person_id else "mentee"
        for col in _PERSON_REFS["match"]:
            if m[col] != person_id:
                m[col] = None
        m["notes"] = _redacted(m["notes"], redact)
    for f in record["followups"]:
        f["notes"] = _redacted(f["notes"], redact)
    export = {
        "about": _about(),
        "person": record["person"], "programme": record["programme"],
        "referred_by": record["referred_by"],
        "matches": matches, "followups": record["followups"], "outcomes": record["outcomes"],
        "attendance": record["attendance"], "consent": record["consent"],
        "erasures": record["erasures"], "audit": _own_audit(record["audit"], person_id),
        "mentions_elsewhere": record["mentions"],
    }
    plain: dict[str, Any] = _plain(export)
    return plain


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


def _others_pattern(others: Iterable[Mapping[str, Any]]) -> re.Pattern[str] | None:
    """A pattern of the other parties' names, e-mails and phones, to redact from notes."""
    words: set[str] = set()
    for r in others:
        words |= {w.strip() for w in (r["first_name"], r["last_name"], r["email"], r["phone"])
                  if w and len(w.strip()) >= 2}
    if not words:
        return None
    return re.compile("|".join(rf"\b{re.escape(w)}\b" if w[0].isalnum() else re.escape(w)
                               for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def _redacted(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    return text if text is None or pattern is None else pattern.sub("[redacted]", text)


def _own_audit(rows: list[dict[str, Any]], person_id: int) -> list[dict[str, Any]]:
    """The audit rows with the other party of a match (someone else) left out."""
    for r in rows:
        for side in ("before", "after"):
            if isinstance(r[side], dict):
                r[side] = {k: (v if k not in _PERSON_REFS.get(r["table_name"], ()) or
                               v == person_id else None) for k, v in r[side].items()}
    return rows


def write_access(export: dict[str, Any], path: str | Path) -> Path:
    """Write an :func:`access` export as JSON, readable only by its owner (mode 600), whole
    or not at all (:func:`mentorkit.files.write_private`: a full disk says so)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(export, ensure_ascii=False, indent=2, default=str) + "\n"
    return write_private(path, text.encode("utf-8"))


def _scope_codes(scopes: Any) -> list[str]:
    codes = [scopes] if isinstance(scopes, str) else list(scopes)
    unknown = [c for c in codes if c not in vocab.CONSENT_SCOPES]
    if unknown:
        raise ValidationError(f"unknown consent scope(s) {', '.join(map(str, unknown))}: "
                              f"choose from {', '.join(vocab.CONSENT_SCOPES.codes)}")
    return codes


def give_consent(store: Store, person_id: int, scopes: Any, actor: str | None = None, *,
                 reason: str = "request") -> list[str]:
    """Record consent to ``scopes`` (appended to the consent records); the new scope."""
    codes = _scope_codes(scopes)
    return store.change_consent(int(person_id), "given", codes, reason=reason, actor=actor)


def withdraw_consent(store: Store, person_id: int, scopes: Any = None,
                     actor: str | None = None) -> list[str]:
    """Withdraw consent to ``scopes`` (default all); the scope that remains.

    Withdrawing everything, or ``casework``, erases the person (Art. 17(1)(b)); withdrawing
    ``research`` takes them out of the next research extract.
    """
    codes = list(vocab.CONSENT_SCOPES.codes) if scopes is None else _scope_codes(scopes)
    if "casework" in codes:
        erase(store, int(person_id), actor, reason="consent_withdrawn")
        return []
    return store.change_consent(int(person_id), "withdrawn", codes, reason="request",
                                actor=actor)


def last_activity(store: Store) -> pd.DataFrame:
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


def retention(store: Store, years: int = RETENTION_YEARS, dry_run: bool = True, *,
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
    with store.transaction(actor):
        for pid in due["person_id"]:
            store.erase_person(int(pid), reason="retention", ledger_file=ledger_path())
    purge(store)
    return due


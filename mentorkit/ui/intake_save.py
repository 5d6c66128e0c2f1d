"""Reading and saving the intake form: the intake rules, duplicates first, then one write.

:class:`IntakeSaving` is mixed into :class:`mentorkit.ui.intake.IntakeApp`. :meth:`collect`
reads each field shown for the role (a field that cannot be read says why), then checks the
row with the rules every path keeps: :func:`mentorkit.casework.rules.apply_rules` (no date in
the future, a name and a registration date, consent that covers casework for a new person,
fields of other roles cleared) and :func:`mentorkit.model.validation.validate_frame` (the
rules of an import). What only the form has, it checks itself: a ticked consent needs its day.
:meth:`save` writes nothing while any field has a problem, shows likely duplicates of a new
person first, and appends the consent records (:mod:`mentorkit.ui.intake_consent`).

Example
-------
>>> from mentorkit.ui.context import Context
>>> from mentorkit.ui.intake import IntakeApp
>>> app = IntakeApp(Context.open(":memory:"))
>>> app.inputs["first_name"].set("Amal")
>>> app.inputs["consent_given"].set(False)
>>> app.collect()[1]["consent_given"]
'Record the consent before registering the person.'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.casework.duplicates import score_duplicates
from mentorkit.casework.rules import CASEWORK, CONSENT, apply_rules
from mentorkit.errors import ConflictError
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.privacy.fingerprints import ErasedPerson
from mentorkit.privacy.subject_rights import give_consent
from mentorkit.ui.common import badge, esc, html_table, vlabel
from mentorkit.ui.forms import FieldError, problems_to_errors
from mentorkit.ui.intake_consent import record_changes
from mentorkit.ui.intake_fields import FIELDS, shown
from mentorkit.ui.shell import guarded

__all__ = ["IntakeSaving", "same_value"]


class IntakeSaving:
    """Reading, checking and writing the intake form (of :class:`.intake.IntakeApp`)."""

    ctx: Any
    message: Any
    name: str
    t: Any
    people: pd.DataFrame
    editing: dict[str, Any] | None
    role: str
    inputs: dict[str, Any]
    fields: dict[str, Any]
    dupes: w.VBox
    _ack: tuple[Any, ...] | None
    _fill: Any
    _filter: Any
    _open: Any
    withdrawing: Any
    _ask_withdrawal: Any

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The form as store values, and the problems found per field (in the user's language)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for _sec, name, *_ in FIELDS:
            if not shown(name, self.role):
                values[name] = None  # hidden: it does not apply to this role
                continue
            try:
                values[name] = self.inputs[name].get()
            except FieldError as err:
                errors[name] = self.t(err.key)
        new = self.editing is None
        given = values.pop("consent_given", False)
        day = values.pop("consent_date", None)
        had = not new and not pd.isna(self.editing.get("consent_given_at"))  # type: ignore[union-attr]
        if given and day is None and "consent_date" not in errors:
            errors["consent_date"] = self.t("error.required")
        if not given and not had:
            values["consent_scope"] = [] if new else list(
                self.editing.get("consent_scope") or [])  # type: ignore[union-attr]
        if given and day is not None:
            before = pd.Timestamp(self.editing["consent_given_at"]) if had and self.editing \
                else None
            values["consent_given_at"] = (before.to_pydatetime()
                                          if before is not None and before.date() == day
                                          else dt.datetime.combine(day, dt.time(12, 0)))
        values["role"] = self.role
        values["programme_id"] = self.ctx.programme_id
        frame = conform("person", pd.DataFrame([values]))[list(values)]
        frame, problems = apply_rules("person", frame, new=new, today=self.ctx.today)
        shown_problems = []
        for p in problems:
            if p.rule == CONSENT:  # said at the tick, or at its day when the tick is there
                p = dataclasses.replace(p, column="consent_date" if given else "consent_given")
            elif p.rule == CASEWORK and not given:
                continue  # without the tick the purposes are not read: the tick is missing
            shown_problems.append(p)
        shown_problems += validate_frame("person", frame)
        for name, msg in problems_to_errors(shown_problems, self.ctx.lang,
                                            {"consent_given_at": "consent_date"}).items():
            errors.setdefault(name, msg)
        if "email" not in errors and self.email_taken(values.get("email")):
            errors["email"] = self.t("intake.email_taken")
        return values, errors

    def email_taken(self, email: object) -> bool:
        """True when another person of the programme has this e-mail address (case and
        spaces ignored): the database keeps one person per programme and e-mail."""
        if not isinstance(email, str) or not email.strip():
            return False
        people = self.people
        if self.editing is not None:
            people = people[people["id"] != self.editing["id"]]
        known = people["email"].dropna().astype(str).str.strip().str.casefold()
        return bool((known == email.strip().casefold()).any())

    @guarded("save person")
    def save(self, force: bool = False) -> int | None:
        """Check the form and write it (returns the person's id, None when nothing was written)."""
        t = self.t
        if self.withdrawing():
            self._ask_withdrawal()
            return None
        values, errors = self.collect()
        for name, f in self.fields.items():
            f.set_error(errors.get(name))
        if errors:
            self.message.show("error", t("intake.fix_fields", n=len(errors)))
            return None
        if self.ctx.programme_id is None:
            self.message.show("error", t("home.no_programme"))
            return None
        store = self.ctx.store
        if self.editing is None:
            signature = tuple(str(values.get(k)) for k in
                              ("first_name", "last_name", "birth_year", "phone", "email"))
            dupes = score_duplicates(values, self.people)
            if len(dupes) and not force and self._ack != signature:
                self._show_dupes(dupes, signature)
                self.message.show("warn", t("intake.dupes_found", n=len(dupes)))
                return None
            try:
                with store.transaction():
                    new_id = store.people.add(**values)
                    give_consent(store, new_id, values["consent_scope"], reason="intake")
            except ErasedPerson:  # she asked to be erased: no silent way back (readmit)
                self.message.show("error", t("intake.erased_person"))
                return None
            except ConflictError:  # the same e-mail saved by someone else a moment ago
                self.fields["email"].set_error(t("intake.email_taken"))
                self.message.show("error", t("intake.fix_fields", n=1))
                return None
            self.message.show("ok", t("intake.saved_new", who=self.ctx.person_label(
                {**values, "id": new_id})))
            pid = new_id
        else:
            before = self.editing
            pid = int(before["id"])
            old = list(before.get("consent_scope") or [])
            new = list(values.pop("consent_scope", None) or [])
            added = [c for c in new if c not in old]
            removed = [c for c in old if c not in new]
            changes = {k: v for k, v in values.items() if not same_value(before.get(k), v)}
            if not changes and not added and not removed:
                self.message.show("info", t("intake.no_changes"))
                return pid
            try:
                with store.transaction():
                    if changes:
                        store.people.update(pid, expected_version=int(before["version"]),
                                            **changes)
                    elif store.people.get(pid)["version"] != before["version"]:
                        raise ConflictError(f"person {pid} was changed by someone else")
                    record_changes(store, pid, added, removed)
            except ConflictError:
                self.message.show("error", t("error.conflict"))
                return None
            self.message.show("ok", t("intake.saved_edit", who=self.ctx.person_label(
                {**before, **values}), n=len(changes) + bool(added or removed)))
        self.people = store.table("person", programme_id=self.ctx.programme_id)
        self.editing = store.people.get(pid)
        self._ack = None
        self.dupes.children = ()
        self._fill(self.editing)
        self._filter()
        return pid

    def _show_dupes(self, dupes: pd.DataFrame, signature: tuple[Any, ...]) -> None:
        t = self.t
        people = self.people.set_index("id")
        rows, classes, options = [], [], []
        for d in dupes.to_dict("records"):
            p = people.loc[d["person_id"]]
            who = self.ctx.person_label({**p.to_dict(), "id": d["person_id"]})
            reasons = ", ".join(t("dupe.reason." + r) for r in d["reasons"])
            level = str(d["level"])
            rows.append([esc(who), esc(vlabel(vocab.ROLES, p["role"], self.ctx.lang)),
                         esc(p["birth_year"]), badge(level, t("dupe." + level)), esc(reasons)])
            classes.append(level)
            options.append((who, int(d["person_id"])))
        table = w.HTML(html_table([t("dupe.who"), t("field.role"), t("field.birth_year"),
                                   t("dupe.level"), t("dupe.why")], rows, classes))
        choose = w.Dropdown(options=options, layout=w.Layout(width="320px"))
        open_btn = w.Button(description=t("dupe.open_existing"), icon="folder-open")
        open_btn.add_class("mk-open-existing")
        open_btn.on_click(lambda _b: self._open(choose.value))
        anyway = w.Button(description=t("dupe.save_anyway"), button_style="warning")
        anyway.add_class("mk-save-anyway")

        def save_anyway(_b: w.Button) -> None:
            self._ack = signature
            self.save()
        anyway.on_click(save_anyway)
        self.dupes.children = (w.HTML(f"<h3>{esc(t('dupe.title'))}</h3>"), table,
                               w.HBox([choose, open_btn, anyway]))


def same_value(a: Any, b: Any) -> bool:
    """True when a stored value and a form value mean the same.

    Example
    -------
    >>> same_value(["b", "a"], ["a", "b"]), same_value(pd.NaT, None)
    (True, True)
    >>> same_value(dt.date(2026, 1, 5), pd.Timestamp("2026-01-05"))
    True
    """
    def norm(x: Any) -> Any:
        if isinstance(x, (list, tuple)):
            return sorted(x)
        if x is None or pd.isna(x):
            return None
        if isinstance(x, (pd.Timestamp, dt.datetime)):
            return pd.Timestamp(x).to_pydatetime()
        if isinstance(x, dt.date):
            return pd.Timestamp(x).to_pydatetime()
        return x
    return norm(a) == norm(b)

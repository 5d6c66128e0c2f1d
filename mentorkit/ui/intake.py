"""Intake: register or edit a mentor or a mentee, with consent, duplicates shown before saving.

Every field of the person record is here, coded ones as dropdowns or checkboxes from the
vocabularies. On save the form is read, each field checked (dates, years) and then the whole
row by :mod:`mentorkit.model.validation` (the same rules as imports); any problem is shown under its
field and nothing is written. A new person is compared with the programme's people first
(:func:`mentorkit.casework.duplicates.score_duplicates`); likely or possible duplicates are shown and
the coordinator opens the existing record or saves anyway. Mentors' background check
(børneattest / VOG, as the programme requires) shows whether it is still valid.

Consent is recorded in two places: on the person (when, and what it covers) and, appended and
never edited, in the consent records (:func:`mentorkit.privacy.give_consent` and
:func:`~mentorkit.privacy.withdraw_consent`). A new person needs consent that covers
casework. Adding a purpose to an existing person's consent appends a *given* record; taking
off research or contact appends a *withdrawn* record. Withdrawing consent to casework (or
un-ticking consent altogether) erases the person's personal data (Art. 17), so the form asks
for confirmation first and saves nothing else; the command ``mentorkit erase`` does the same
from the command line.

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = IntakeApp(Context.open(":memory:"))
>>> sorted(a.inputs)[:3]
['address', 'arrival_year', 'availability']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.casework.duplicates import score_duplicates
from mentorkit.errors import ConflictError
from mentorkit.privacy.subject_rights import give_consent
from mentorkit.casework.screening import check_status, check_table
from mentorkit.model.frames import conform
from mentorkit.ui.common import (Field, badge, esc, fmt_date, grid, html_table, section,
                                 vlabel)
from mentorkit.ui.forms import FieldError, Input, problems_to_errors
from mentorkit.ui.intake_consent import ConsentWithdrawal, record_changes
from mentorkit.ui.shell import App, guarded, launch
from mentorkit.model.validation import validate_frame

__all__ = ["IntakeApp", "app", "FIELDS"]

# (section, field, kind, vocabulary, only for role)
FIELDS: tuple[tuple[str, str, str, vocab.Vocabulary | None, str | None], ...] = (
    ("person", "first_name", "text", None, None),
    ("person", "last_name", "text", None, None),
    ("person", "gender", "vocab", vocab.GENDERS, None),
    ("person", "birth_year", "year", None, None),
    ("person", "country_of_origin", "vocab", vocab.COUNTRIES, None),
    ("person", "arrival_year", "year", None, None),
    ("contact", "email", "text", None, None),
    ("contact", "phone", "text", None, None),
    ("contact", "address", "text", None, None),
    ("contact", "postcode", "text", None, None),
    ("contact", "neighbourhood", "text", None, None),
    ("background", "languages", "multi", vocab.LANGUAGES, None),
    ("background", "language_level", "vocab", vocab.LANGUAGE_LEVELS, None),
    ("background", "education", "vocab", vocab.EDUCATION_LEVELS, None),
    ("background", "sector", "vocab", vocab.SECTORS, None),
    ("background", "profession", "text", None, None),
    ("background", "employment_status", "vocab", vocab.EMPLOYMENT_STATUSES, None),
    ("mentorship", "goals", "checks", vocab.GOALS, None),
    ("mentorship", "availability", "checks", vocab.AVAILABILITY, None),
    ("mentorship", "preferred_mentor_gender", "vocab", vocab.MENTOR_GENDER_PREFERENCES, "mentee"),
    ("mentorship", "capacity", "int", None, "mentor"),
    ("mentorship", "referred_by", "choice", None, None),
    ("mentorship", "registered_on", "date", None, None),
    ("check", "background_check_date", "date", None, "mentor"),
    ("consent", "consent_given", "bool", None, None),
    ("consent", "consent_date", "date", None, None),
    ("consent", "consent_scope", "checks", vocab.CONSENT_SCOPES, None),
    ("notes", "notes", "textarea", None, None),
)
SECTIONS = ("person", "contact", "background", "mentorship", "check", "consent", "notes")
NOT_STORED = {"consent_given", "consent_date"}
DATES_NOT_FUTURE = ("registered_on", "background_check_date", "consent_date")


class IntakeApp(ConsentWithdrawal, App):
    """Register or edit one person."""

    name = "intake"
    needs = "personal_data"

    def load(self) -> None:
        pid = self.ctx.programme_id or -1
        self.people = self.ctx.store.table("person", programme_id=pid)
        self.partners = self.ctx.store.table("partner", programme_id=pid)
        if not hasattr(self, "editing"):
            self.editing: dict[str, Any] | None = None
            self.role = "mentee"
            self._ack: tuple[Any, ...] | None = None
            self._draft: dict[str, Any] = {}
        elif self.editing is not None and self.editing["programme_id"] != self.ctx.programme_id:
            self.editing = None

    # ---------------------------------------------------------------- building
    def build(self) -> list[w.Widget]:
        t = self.t
        self.search = w.Text(placeholder=t("intake.search_hint"), layout=w.Layout(width="260px"),
                             continuous_update=True)
        self.search.add_class("mk-search")
        self.found = w.Dropdown(options=[], layout=w.Layout(width="320px"))
        self.found.add_class("mk-found")
        self.search.observe(lambda _c: self._filter(), "value")
        open_btn = w.Button(description=t("intake.open"), icon="folder-open")
        open_btn.add_class("mk-open")
        open_btn.on_click(lambda _b: self._open(self.found.value))
        new_btn = w.Button(description=t("intake.new"), icon="user-plus")
        new_btn.add_class("mk-new")
        new_btn.on_click(lambda _b: self._new())
        self._filter()
        finder = w.HBox([self.search, self.found, open_btn, new_btn],
                        layout=w.Layout(flex_flow="row wrap", align_items="center"))

        renew = self._checks_to_renew()
        self.heading = w.HTML()
        self.role_toggle = w.ToggleButtons(
            options=[(vlabel(vocab.ROLES, c, self.ctx.lang), c) for c in vocab.ROLES.codes],
            value=self.role)
        self.role_toggle.add_class("mk-role")
        self.role_toggle.observe(self._role_changed, "value")

        self.inputs: dict[str, Input] = {}
        self.fields: dict[str, Field] = {}
        partner_opts = [("—", None)] + [(str(p.name), int(p.id))
                                        for p in self.partners.itertuples()]
        check_kind = self.ctx.programme.get("background_check")
        for _sec, name, kind, v, _role in FIELDS:
            inp = Input(kind, self.ctx.lang, v, options=partner_opts if kind == "choice" else None)
            self.inputs[name] = inp
            label = t("field." + name)
            if name == "background_check_date" and check_kind in vocab.BACKGROUND_CHECKS:
                label = t("intake.check_date",
                          check=vlabel(vocab.BACKGROUND_CHECKS, check_kind, self.ctx.lang))
            if name == "language_level":
                local = "nl" if self.ctx.programme.get("country") == "NL" else "da"
                label = t("field.language_level_in",
                          language=vlabel(vocab.LANGUAGES, local, self.ctx.lang))
            hint = t("form.date_format") if kind == "date" else ""
            self.fields[name] = Field(name, inp.widget, label, hint)
        self.check_state = w.HTML()
        self.check_state.add_class("mk-check-state")
        self.inputs["background_check_date"].widget.observe(lambda _c: self._show_check(), "value")
        sections = []
        for sec in SECTIONS:
            boxes = [self.fields[n].box for s, n, *_ in FIELDS if s == sec]
            cols = {"notes": 1, "consent": 2, "check": 2, "mentorship": 2}.get(sec, 3)
            extra = [self.check_state] if sec == "check" else []
            sections.append(section(t("intake.section." + sec), grid(boxes, cols), *extra,
                                    css=f"mk-section-{sec}"))
        self.sections = dict(zip(SECTIONS, sections))

        self.dupes = w.VBox()
        self.dupes.add_class("mk-dupes")
        self.withdrawal = w.VBox()
        self.withdrawal.add_class("mk-withdrawal")
        self.save_btn = w.Button(description=t("intake.save"), button_style="primary",
                                 icon="save", layout=w.Layout(width="200px"))
        self.save_btn.add_class("mk-save")
        self.save_btn.on_click(lambda _b: self.save())
        self._fill(self.editing or self._draft or None)
        return [finder, *renew, self.heading, self.role_toggle, *sections, self.dupes,
                self.withdrawal, self.save_btn]

    def _checks_to_renew(self) -> list[w.Widget]:
        """Mentors in a match (or free to match) whose background check is missing or runs out."""
        kind = self.ctx.programme.get("background_check")
        if kind not in vocab.BACKGROUND_CHECKS:
            return []
        mentors = self.people[(self.people["role"] == "mentor") & self.people["erased_at"].isna()]
        matches = self.ctx.store.table("match", programme_id=self.ctx.programme_id or -1)
        busy = set(matches.loc[matches["status"].isin(["active", "proposed"]), "mentor_id"])
        mentors = mentors[mentors["id"].isin(busy)]
        checks = check_table(mentors, kind, self.ctx.today)
        checks = checks[checks["status"] != "valid"].sort_values("valid_until", na_position="first")
        if checks.empty:
            return []
        t = self.t
        rows = [[esc(self.ctx.person_label(mentors.set_index("id").loc[c.person_id].to_dict()
                                          | {"id": c.person_id, "role": "mentor"})),
                 fmt_date(c.checked_on), fmt_date(c.valid_until),
                 badge(c.status, t("check." + c.status, date=fmt_date(c.valid_until)))]
                for c in checks.itertuples(index=False)]
        table = w.HTML(html_table([t("field.role"), t("field.background_check_date"),
                                   t("intake.valid_until"), t("caseload.col.state")], rows,
                                  list(checks["status"])))
        acc = w.Accordion(children=[table])
        acc.set_title(0, t("intake.renew", n=len(checks),
                           check=vlabel(vocab.BACKGROUND_CHECKS, kind, self.ctx.lang)))
        acc.selected_index = None
        acc.add_class("mk-renew")
        return [acc]

    # ---------------------------------------------------------------- finding
    def _person_options(self, text: str) -> list[tuple[str, int]]:
        people = self.people[self.people["erased_at"].isna()]
        text = text.strip().casefold()
        if text:
            hay = (people["first_name"].fillna("") + " " + people["last_name"].fillna("") + " #"
                   + people["id"].astype(str) + " " + people["email"].fillna("") + " "
                   + people["phone"].fillna("")).str.casefold()
            people = people[hay.str.contains(text, regex=False)]
        people = people.sort_values("id", ascending=False).head(50)
        labels = self.ctx.person_labels(people)
        return [(labels[int(i)], int(i)) for i in people["id"]]

    def _filter(self) -> None:
        options = self._person_options(self.search.value)
        self.found.options = options
        self.found.value = options[0][1] if options else None

    @guarded("open person")
    def _open(self, person_id: int | None) -> None:
        if person_id is None:
            return
        row = self.ctx.store.people.get(int(person_id))
        if row["programme_id"] != self.ctx.programme_id:
            return
        self.editing = row
        self._ack = None
        self.message.clear()
        self._fill(row)

    @guarded("new person")
    def _new(self) -> None:
        self.editing = None
        self._draft = {}
        self._ack = None
        self.message.clear()
        self._fill(None)

    # ---------------------------------------------------------------- form state
    def _fill(self, row: dict[str, Any] | None) -> None:
        t = self.t
        row = row or {}
        for name, inp in self.inputs.items():
            if name == "consent_given":
                inp.set(row.get("consent_given_at") is not None
                        and not pd.isna(row.get("consent_given_at")))
            elif name == "consent_date":
                inp.set(row.get("consent_given_at"))
            else:
                inp.set(row.get(name))
        if not row:
            self.inputs["registered_on"].set(self.ctx.today)
            self.inputs["consent_date"].set(self.ctx.today)
            self.inputs["capacity"].set(1)
            self.inputs["consent_scope"].set(["casework"])
        if self.editing:
            self.role = self.editing["role"]
            who = self.ctx.person_label(self.editing)
            self.heading.value = f"<h3>{esc(t('intake.editing', who=who))}</h3>"
        else:
            self.heading.value = f"<h3>{esc(t('intake.new_person'))}</h3>"
        self.role_toggle.value = row.get("role", self.role) if row else self.role
        for f in self.fields.values():
            f.set_error(None)
        self.dupes.children = ()
        self.withdrawal.children = ()
        self._apply_role()
        self._show_check()

    def _role_changed(self, change: dict[str, Any]) -> None:
        self.role = change["new"]
        self._apply_role()

    def _apply_role(self) -> None:
        for _sec, name, _k, _v, only in FIELDS:
            self.fields[name].box.layout.display = None if only in (None, self.role) else "none"
        self.sections["check"].layout.display = None if self.role == "mentor" else "none"

    def _show_check(self) -> None:
        kind = self.ctx.programme.get("background_check")
        try:
            day = self.inputs["background_check_date"].get()
        except FieldError:
            self.check_state.value = ""
            return
        status, until = check_status(day, kind, self.ctx.today)
        text = self.t("check." + status, date=fmt_date(until))
        self.check_state.value = badge(status, text)

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The form as store values, and the problems found per field (in the user's language)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for _sec, name, _k, _v, only in FIELDS:
            if only not in (None, self.role):
                continue
            try:
                values[name] = self.inputs[name].get()
            except FieldError as err:
                errors[name] = self.t(err.key)
        for name in DATES_NOT_FUTURE:
            day = values.get(name)
            if isinstance(day, dt.date) and day > self.ctx.today:
                errors[name] = self.t("form.future")
        if not values.get("first_name") and "first_name" not in errors:
            errors["first_name"] = self.t("error.required")
        if not values.get("registered_on") and "registered_on" not in errors:
            errors["registered_on"] = self.t("error.required")
        given = values.pop("consent_given", False)
        day = values.pop("consent_date", None)
        had = self.editing is not None and not pd.isna(self.editing.get("consent_given_at"))
        if not given and self.editing is None:
            errors.setdefault("consent_given", self.t("intake.consent_required"))
        elif given and day is None and "consent_date" not in errors:
            errors["consent_date"] = self.t("error.required")
        if given and self.editing is None and "casework" not in (values.get("consent_scope")
                                                                 or []):
            errors.setdefault("consent_scope", self.t("intake.casework_required"))
        if not given and not had:
            values["consent_scope"] = (list(self.editing.get("consent_scope") or [])
                                       if self.editing is not None else [])
        if given and day is not None:
            before = pd.Timestamp(self.editing["consent_given_at"]) if had and self.editing \
                else None
            values["consent_given_at"] = (before.to_pydatetime()
                                          if before is not None and before.date() == day
                                          else dt.datetime.combine(day, dt.time(12, 0)))
        values["role"] = self.role
        values["programme_id"] = self.ctx.programme_id
        if self.role != "mentor":
            values["capacity"] = None
            values["background_check_date"] = None
        if self.role != "mentee":
            values["preferred_mentor_gender"] = None
        frame = conform("person", pd.DataFrame([values]))[list(values)]
        for name, msg in problems_to_errors(validate_frame("person", frame), self.ctx.lang,
                                            {"consent_given_at": "consent_date"}).items():
            errors.setdefault(name, msg)
        return values, errors

    # ---------------------------------------------------------------- saving
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
            with store.transaction():
                new_id = store.people.add(**values)
                give_consent(store, new_id, values["consent_scope"], reason="intake")
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
            changes = {k: v for k, v in values.items() if not _same(before.get(k), v)}
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
        for d in dupes.itertuples(index=False):
            p = people.loc[d.person_id]
            who = self.ctx.person_label({**p.to_dict(), "id": d.person_id})
            reasons = ", ".join(t("dupe.reason." + r) for r in d.reasons)
            rows.append([esc(who), esc(vlabel(vocab.ROLES, p["role"], self.ctx.lang)),
                         esc(p["birth_year"]), badge(d.level, t("dupe." + d.level)), esc(reasons)])
            classes.append(d.level)
            options.append((who, int(d.person_id)))
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

    def _context_changed(self, what: str) -> None:  # keep what was typed on a language switch
        if what == "lang" and self.editing is None and hasattr(self, "inputs"):
            self._draft = {}
            for name, inp in self.inputs.items():
                try:
                    self._draft[name] = inp.get()
                except FieldError:
                    pass
            if self._draft.get("consent_given"):
                self._draft["consent_given_at"] = self._draft.get("consent_date")
        super()._context_changed(what)


def _same(a: Any, b: Any) -> bool:
    """True when a stored value and a form value mean the same."""
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


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The intake app as a widget (what the dashboard notebook shows)."""
    return launch(IntakeApp, db=db, programme=programme, lang=lang)

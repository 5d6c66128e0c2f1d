"""The intake form's widgets: finding a person, the fields by section, what a role sees.

:class:`IntakeForm` is mixed into :class:`mentorkit.ui.intake.IntakeApp`: it builds the
finder, the role toggle, the sections of :data:`~mentorkit.ui.intake_fields.FIELDS` and the
list of mentors whose background check must be renewed, and fills the form from a stored
row. Reading and saving the form is :mod:`mentorkit.ui.intake_save`.

Example
-------
>>> from mentorkit.ui.context import Context
>>> from mentorkit.ui.intake import IntakeApp
>>> app = IntakeApp(Context.open(":memory:"))
>>> app.role_toggle.value = "mentor"
>>> app.fields["capacity"].box.layout.display is None
True
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.casework.screening import check_status, open_match_checks
from mentorkit.ui.common import Field, badge, esc, fmt_date, grid, html_table, section, vlabel
from mentorkit.ui.forms import FieldError, Input
from mentorkit.ui.intake_fields import FIELDS, NOT_STORED, SECTIONS, shown
from mentorkit.ui.shell import guarded

__all__ = ["IntakeForm"]


class IntakeForm:
    """Building and filling the intake form (see :class:`mentorkit.ui.intake.IntakeApp`)."""

    ctx: Any
    message: Any
    name: str
    t: Any
    people: pd.DataFrame
    partners: pd.DataFrame
    editing: dict[str, Any] | None
    role: str
    _ack: tuple[Any, ...] | None
    _draft: dict[str, Any]
    save: Any

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
        partner_opts: list[tuple[str, int | None]] = [("—", None)] + [
            (str(p["name"]), int(p["id"])) for p in self.partners.to_dict("records")]
        check_kind = self.ctx.programme.get("background_check")
        for _sec, name, kind, v, _roles in FIELDS:
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
        """Mentors in a match (or proposed for one) whose background check is missing or runs
        out (:func:`~mentorkit.casework.screening.open_match_checks`: never an erased one)."""
        kind = self.ctx.programme.get("background_check")
        if kind not in vocab.BACKGROUND_CHECKS:
            return []
        matches = self.ctx.store.table("match", programme_id=self.ctx.programme_id or -1)
        checks = open_match_checks(self.people, matches, kind, self.ctx.today)
        checks = checks[checks["status"] != "valid"].sort_values("valid_until", na_position="first")
        if checks.empty:
            return []
        t = self.t
        mentors = self.people.set_index("id")
        rows = [[esc(self.ctx.person_label(mentors.loc[c["person_id"]].to_dict()
                                          | {"id": c["person_id"], "role": "mentor"})),
                 fmt_date(c["checked_on"]), fmt_date(c["valid_until"]),
                 badge(c["status"], t("check." + c["status"], date=fmt_date(c["valid_until"])))]
                for c in checks.to_dict("records")]
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
        draft = "consent_date" in row  # the form's own fields, kept over a language switch
        for name, inp in self.inputs.items():
            if name in NOT_STORED and draft:
                inp.set(row.get(name))
            elif name == "consent_given":
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
        for _sec, name, *_ in FIELDS:
            self.fields[name].box.layout.display = None if shown(name, self.role) else "none"
        for sec, box in self.sections.items():  # the check section is a mentor's only
            seen = any(shown(name, self.role) for s, name, *_ in FIELDS if s == sec)
            box.layout.display = None if seen else "none"

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

"""Caseload: active matches and the follow-up each needs, mentees waiting, proposals open.

Three tabs. *Active matches*: last contact and the next follow-up due from the programme's
plan (:mod:`mentorkit.casework.caseload`), overdue ones first and in red; for a chosen match, log a
follow-up (date, kind, notes, next due) or end it with a structured reason, the outcome at the
end and both participants' feedback, and, when a new mentor is wanted, a link that opens the
match finder on that mentee. *Waiting*: mentees without a match, the longest waits in red.
*Proposals*: proposed matches nobody confirmed; confirm (start) or decline them.

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = CaseloadApp(Context.open(":memory:"))
>>> len(a.tabs.children)
3
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.casework.caseload import (
    COORDINATOR_KINDS,
    caseload_table,
    next_due_after_contact,
    plan_for,
    unconfirmed_proposals,
    waiting_mentees,
)
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.ui.common import Field, badge, esc, fmt_date, grid, html_table, section
from mentorkit.ui.forms import FieldError, Input, problems_to_errors
from mentorkit.ui.shell import App, guarded, launch

__all__ = ["CaseloadApp", "app", "COMPLETED_REASONS"]

#: End reasons that make a match "completed"; any other reason means "ended early".
COMPLETED_REASONS = frozenset({"plan_completed", "mentee_found_job", "mentee_started_education"})


class CaseloadApp(App):
    """The coordinator's list of matches to follow up."""

    name = "caseload"
    needs = "personal_data"

    def load(self) -> None:
        store, pid = self.ctx.store, self.ctx.programme_id or -1
        self.plan = plan_for(self.ctx.programme_name)
        self.people = store.table("person", programme_id=pid)
        self.matches = store.table("match", programme_id=pid)
        open_ids = self.matches.loc[self.matches["status"].isin(["active", "proposed"]), "id"]
        self.followups = store.table("followup", match_id=open_ids.tolist())
        self.load_table = caseload_table(self.matches, self.followups, self.ctx.today, self.plan)
        self.waiting = waiting_mentees(self.people, self.matches, self.ctx.today, self.plan)
        self.proposals = unconfirmed_proposals(self.matches, self.ctx.today, self.plan)
        self._names = self.ctx.person_labels(self.people)

    def who(self, person_id: Any) -> str:
        return self._names.get(int(person_id), f"#{person_id}")

    # ---------------------------------------------------------------- layout
    def build(self) -> list[w.Widget]:
        t = self.t
        s = self.load_table
        counts = t("caseload.summary", active=len(s), overdue=int((s["state"] == "overdue").sum()),
                   waiting=len(self.waiting), proposals=len(self.proposals))
        plan = t("caseload.plan", first=self.plan.first_month_contacts,
                 every=self.plan.interval_days)
        summary = w.HTML(f"<p>{esc(counts)}<br><span class='mk-muted'>{esc(plan)}</span></p>")
        summary.add_class("mk-summary")
        self.tabs = w.Tab(children=[self._active_tab(), self._waiting_tab(),
                                    self._proposals_tab()])
        self.tabs.titles = (t("caseload.tab.active", n=len(s)),
                            t("caseload.tab.waiting", n=len(self.waiting)),
                            t("caseload.tab.proposals", n=len(self.proposals)))
        return [summary, self.tabs]

    def _active_tab(self) -> w.Widget:
        t = self.t
        rows, classes = [], []
        for r in self.load_table.to_dict("records"):
            state = badge(r["state"], t("caseload.state." + r["state"], days=r["days_overdue"]))
            rows.append([esc(self.who(r["mentee_id"])), esc(self.who(r["mentor_id"])),
                         fmt_date(r["started_on"]), fmt_date(r["last_contact"]), str(r["calls"]),
                         fmt_date(r["next_due"]), state])
            classes.append(r["state"])
        table = w.HTML(html_table([t("caseload.col." + c) for c in
                                   ("mentee", "mentor", "started", "last_contact", "calls",
                                    "next_due", "state")], rows, classes, numeric=[4]))
        table.add_class("mk-active-table")
        if self.load_table.empty:
            return w.VBox([w.HTML(f"<p>{esc(t('caseload.none_active'))}</p>")])
        options = [(f"{self.who(r['mentee_id'])} – {self.who(r['mentor_id'])}", int(r["match_id"]))
                   for r in self.load_table.to_dict("records")]
        self.chosen = w.Dropdown(options=options, layout=w.Layout(width="460px"))
        self.chosen.add_class("mk-choose-match")
        self.action = w.ToggleButtons(options=[(t("caseload.log"), "log"),
                                               (t("caseload.end"), "end")], value="log")
        self.action.add_class("mk-action")
        self.log_form = self._log_form()
        self.end_form = self._end_form()
        self.end_form.layout.display = "none"
        self.action.observe(self._action_changed, "value")
        self.chosen.observe(lambda _c: self._suggest_due(), "value")
        self._suggest_due()
        pick = w.HBox([w.HTML(f"<b>{esc(t('caseload.choose'))}</b>&nbsp;"), self.chosen],
                      layout=w.Layout(align_items="center"))
        return w.VBox([table, pick, self.action, self.log_form, self.end_form])

    def _log_form(self) -> w.Widget:
        t = self.t
        self.fu: dict[str, Input] = {
            "date": Input("date", self.ctx.lang),
            "kind": Input("vocab", self.ctx.lang, vocab.FOLLOWUP_KINDS),
            "next_due": Input("date", self.ctx.lang),
            "notes": Input("textarea", self.ctx.lang),
        }
        self.fu["date"].set(self.ctx.today)
        self.fu["kind"].set("coordinator_call")
        self.fu_fields = {k: Field("fu_" + k, i.widget, t("followup." + k),
                                   t("form.date_format") if i.kind == "date" else "")
                          for k, i in self.fu.items()}
        self.fu["date"].widget.observe(lambda _c: self._suggest_due(), "value")
        self.fu["kind"].widget.observe(lambda _c: self._suggest_due(), "value")
        save = w.Button(description=t("caseload.save_log"), button_style="primary", icon="save")
        save.add_class("mk-save-followup")
        save.on_click(lambda _b: self.log_followup())
        f = self.fu_fields
        return section(t("caseload.log"), grid([f["date"].box, f["kind"].box, f["next_due"].box]),
                       f["notes"].box, save, css="mk-log-form")

    def _end_form(self) -> w.Widget:
        t = self.t
        lang = self.ctx.lang
        self.end: dict[str, Input] = {
            "ended_on": Input("date", lang),
            "end_reason": Input("vocab", lang, vocab.END_REASONS),
            "employment_status": Input("vocab", lang, vocab.EMPLOYMENT_STATUSES),
            "hours_per_week": Input("number", lang),
            "language_level": Input("vocab", lang, vocab.LANGUAGE_LEVELS),
            "network_size": Input("whole", lang),
            "confidence": Input("choice", lang, options=[("—", None)] + [(str(i), i)
                                                                       for i in range(1, 6)]),
            "mentee_feedback": Input("textarea", lang),
            "mentor_feedback": Input("textarea", lang),
            "rematch": Input("bool", lang),
        }
        self.end["ended_on"].set(self.ctx.today)
        self.end_fields = {k: Field("end_" + k, i.widget, t("end." + k),
                                    t("form.date_format") if i.kind == "date" else "")
                           for k, i in self.end.items()}
        f = self.end_fields
        save = w.Button(description=t("caseload.save_end"), button_style="danger", icon="flag")
        save.add_class("mk-save-end")
        save.on_click(lambda _b: self.end_match())
        return section(t("caseload.end"), grid([f["ended_on"].box, f["end_reason"].box]),
                       w.HTML(f"<b>{esc(t('end.outcome'))}</b>"),
                       grid([f[k].box for k in ("employment_status", "hours_per_week",
                                                 "language_level", "network_size",
                                                 "confidence")], 3),
                       grid([f["mentee_feedback"].box, f["mentor_feedback"].box]),
                       f["rematch"].box, save, css="mk-end-form")

    def _waiting_tab(self) -> w.Widget:
        t = self.t
        people = self.people.set_index("id")
        rows, classes = [], []
        for r in self.waiting.to_dict("records"):
            link = self.ctx.link("match_finder", mentee=int(r["person_id"]))
            flag = badge("long", t("caseload.long_wait")) if r["long_wait"] else ""
            find = f'<a href="{esc(link)}" target="_self">{esc(t("caseload.find_mentor"))}</a>'
            rows.append([esc(self.who(r["person_id"])),
                         fmt_date(people.at[r["person_id"], "registered_on"]),
                         fmt_date(r["waiting_since"]), str(r["days_waiting"]), flag, find])
            classes.append("long" if r["long_wait"] else "")
        if not rows:
            return w.HTML(f"<p>{esc(t('caseload.none_waiting'))}</p>")
        columns = ("mentee", "registered", "waiting_since", "days", "state", "action")
        return w.HTML(html_table([t("caseload.col." + c) for c in columns], rows, classes,
                                 numeric=[3]))

    def _proposals_tab(self) -> w.Widget:
        t = self.t
        if self.proposals.empty:
            return w.HTML(f"<p>{esc(t('caseload.none_proposals'))}</p>")
        rows, classes = [], []
        for r in self.proposals.to_dict("records"):
            flag = badge("stale", t("caseload.stale")) if r["stale"] else ""
            rows.append([esc(self.who(r["mentee_id"])), esc(self.who(r["mentor_id"])),
                         fmt_date(r["proposed_on"]), str(r["days_open"]), flag])
            classes.append("stale" if r["stale"] else "")
        table = w.HTML(html_table([t("caseload.col." + c) for c in
                                   ("mentee", "mentor", "proposed", "days", "state")],
                                  rows, classes, numeric=[3]))
        self.proposal = w.Dropdown(options=[(f"{self.who(r['mentee_id'])} – "
                                             f"{self.who(r['mentor_id'])}", int(r["match_id"]))
                                            for r in self.proposals.to_dict("records")],
                                   layout=w.Layout(width="420px"))
        self.start = Input("date", self.ctx.lang)
        self.start.set(self.ctx.today)
        self.start_field = Field("start", self.start.widget, t("caseload.start_on"),
                                 t("form.date_format"))
        confirm = w.Button(description=t("caseload.confirm"), button_style="success")
        confirm.add_class("mk-confirm")
        confirm.on_click(lambda _b: self.decide("active"))
        decline = w.Button(description=t("caseload.decline"), button_style="warning")
        decline.add_class("mk-decline")
        decline.on_click(lambda _b: self.decide("declined"))
        return w.VBox([table, self.proposal, self.start_field.box, w.HBox([confirm, decline])])

    # ---------------------------------------------------------------- actions
    def _action_changed(self, change: dict[str, Any]) -> None:
        self.log_form.layout.display = None if change["new"] == "log" else "none"
        self.end_form.layout.display = None if change["new"] == "end" else "none"

    def _suggest_due(self) -> None:
        if not hasattr(self, "fu") or getattr(self, "chosen", None) is None:
            return
        try:
            day = self.fu["date"].get()
        except FieldError:
            return
        if day is None or self.fu["kind"].get() not in COORDINATOR_KINDS:
            self.fu["next_due"].set(None)
            return
        row = self.load_table[self.load_table["match_id"] == self.chosen.value]
        calls = int(row["calls"].iloc[0]) if len(row) else 0
        self.fu["next_due"].set(next_due_after_contact(calls, day, self.plan))

    def _read(self, inputs: dict[str, Input],
              fields: dict[str, Field]) -> tuple[dict[str, Any], dict[str, str]]:
        values, errors = {}, {}
        for k, inp in inputs.items():
            try:
                values[k] = inp.get()
            except FieldError as err:
                errors[k] = self.t(err.key)
        for k, v in values.items():
            if isinstance(v, dt.date) and v > self.ctx.today and k != "next_due":
                errors[k] = self.t("form.future")
        return values, errors

    def _show(self, fields: dict[str, Field], errors: dict[str, str]) -> bool:
        for k, f in fields.items():
            f.set_error(errors.get(k))
        if errors:
            self.message.show("error", self.t("intake.fix_fields", n=len(errors)))
        return not errors

    @guarded("log follow-up")
    def log_followup(self) -> int | None:
        """Write the follow-up typed in for the chosen match; returns its id."""
        values, errors = self._read(self.fu, self.fu_fields)
        if values.get("date") is None:
            errors.setdefault("date", self.t("error.required"))
        if values.get("kind") is None:
            errors.setdefault("kind", self.t("error.required"))
        row = {"match_id": self.chosen.value, **values}
        frame = conform("followup", pd.DataFrame([row]))[list(row)]
        for k, msg in problems_to_errors(validate_frame("followup", frame), self.ctx.lang).items():
            errors.setdefault(k, msg)
        if not self._show(self.fu_fields, errors):
            return None
        new_id = self.ctx.store.followups.add(**row)
        label = self.chosen.label
        self.load()
        self.render()
        self.message.show("ok", self.t("caseload.logged", match=label))
        return new_id

    def check_end(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, str],
                                 dict[str, Any]]:
        """The end form read and checked, nothing written: the values, the outcome row, the
        problems per field (in the user's language) and the match."""
        values, errors = self._read(self.end, self.end_fields)
        for k in ("ended_on", "end_reason"):
            if values.get(k) is None:
                errors.setdefault(k, self.t("error.required"))
        match = self.ctx.store.matches.get(int(self.chosen.value))
        started = match["started_on"]
        if values.get("ended_on") and started is not None and values["ended_on"] < started:
            errors.setdefault("ended_on", self.t("rule.before_start"))
        outcome = {"person_id": match["mentee_id"], "phase": "end",
                   "recorded_on": values.get("ended_on")}
        for k in ("employment_status", "hours_per_week", "language_level", "network_size",
                  "confidence"):
            if values.get(k) is not None:
                outcome[k] = int(values[k]) if k == "network_size" else values[k]
        frame = conform("outcome", pd.DataFrame([outcome]))[list(outcome)]
        for k, msg in problems_to_errors(validate_frame("outcome", frame), self.ctx.lang).items():
            errors.setdefault(k, msg)
        return values, outcome, errors, match

    @guarded("end match")
    def end_match(self) -> bool:
        """End the chosen match with its reason, outcome and feedback (one transaction)."""
        values, outcome, errors, match = self.check_end()
        if not self._show(self.end_fields, errors):
            return False
        notes = [match.get("notes") or ""]
        for who in ("mentee", "mentor"):
            text = values.get(f"{who}_feedback")
            if text:
                notes.append(f"{self.t('end.' + who + '_feedback')}: {text}")
        status = "completed" if values["end_reason"] in COMPLETED_REASONS else "ended_early"
        store = self.ctx.store
        with store.transaction():
            store.matches.update(int(match["id"]), expected_version=int(match["version"]),
                                 status=status, ended_on=values["ended_on"],
                                 end_reason=values["end_reason"],
                                 notes="\n".join(n for n in notes if n) or None)
            existing = store.table("outcome", person_id=int(match["mentee_id"]), phase="end")
            if len(existing):
                fields = {k: v for k, v in outcome.items() if k not in ("person_id", "phase")}
                store.outcomes.update(int(existing["id"].iloc[0]), **fields)
            else:
                store.outcomes.add(**outcome)
        label = self.chosen.label
        self.load()
        self.render()
        if values.get("rematch"):
            link = self.ctx.link("match_finder", mentee=int(match["mentee_id"]))
            self.message.widget.value = (
                f'<div class="mk-msg mk-msg-ok">{esc(self.t("caseload.ended", match=label))} '
                f'<a class="mk-rematch" href="{esc(link)}" target="_self">'
                f'{esc(self.t("caseload.rematch_link"))}</a></div>')
        else:
            self.message.show("ok", self.t("caseload.ended", match=label))
        return True

    @guarded("decide proposal")
    def decide(self, status: str) -> bool:
        """Confirm (``active``, from the start date) or decline the chosen proposal."""
        match = self.ctx.store.matches.get(int(self.proposal.value))
        changes: dict[str, Any] = {"status": status}
        if status == "active":
            try:
                start = self.start.get()
            except FieldError as err:
                self.start_field.set_error(self.t(err.key))
                return False
            if start is None:
                self.start_field.set_error(self.t("error.required"))
                return False
            changes["started_on"] = start
        self.ctx.store.matches.update(int(match["id"]), expected_version=int(match["version"]),
                                      **changes)
        label = self.proposal.label
        self.load()
        self.render()
        self.message.show("ok", self.t("caseload.confirmed" if status == "active"
                                       else "caseload.declined", match=label))
        return True


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The caseload app as a widget (what the dashboard notebook shows)."""
    return launch(CaseloadApp, db=db, programme=programme, lang=lang)

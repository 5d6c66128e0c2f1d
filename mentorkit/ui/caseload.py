"""Caseload: active matches and the follow-up each needs, mentees waiting, proposals open.

Four tabs. *Active matches*: last contact and the next follow-up due from the programme's
plan (:mod:`mentorkit.casework.caseload`), overdue ones first and in red, filtered by state
(overdue, due soon, on track) and sorted by due date, name, start or last contact (the
programme is the one chosen in the header); for a chosen match, log a follow-up (date, kind,
notes, next due) or end it with a structured reason, the outcome at the end and both
participants' feedback, and, when a new mentor is wanted, a link that opens the match finder
on that mentee. The chosen pair stays chosen after a save, and ending asks first, naming
both people. *Waiting*: mentees without a match, the longest waits in red. *Proposals*:
proposed matches nobody confirmed, each with the mentor's background check; tick several and
confirm (start) or decline them at once (one transaction: all or nothing). *Ended*: ended
matches, reopened with a reason (audited; the store holds one open match per mentee, the
mentor's places and the background-check rule).

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = CaseloadApp(Context.open(":memory:"))
>>> len(a.tabs.children)
4
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.casework.caseload import (
    COORDINATOR_KINDS,
    ENDED_STATUSES,
    SORTS,
    STATES,
    caseload_table,
    ended_matches,
    filter_caseload,
    next_due_after_contact,
    plan_for,
    reopen_changes,
    unconfirmed_proposals,
    waiting_mentees,
)
from mentorkit.casework.match_rules import MatchRuleError
from mentorkit.errors import ConflictError
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.ui.common import (
    Field,
    Message,
    badge,
    esc,
    fmt_date,
    grid,
    html_table,
    section,
    vlabel,
)
from mentorkit.ui.forms import FieldError, Input, problems_to_errors
from mentorkit.ui.match_checks import MentorChecks, say_problems
from mentorkit.ui.shell import App, guarded, launch

__all__ = ["CaseloadApp", "app", "COMPLETED_REASONS", "LABEL_KEYS"]

#: Label keys this app builds at run time (for the catalogue's completeness test).
LABEL_KEYS = ("caseload.filter.all", "caseload.filter.overdue", "caseload.filter.due_soon",
              "caseload.filter.ok", "caseload.sort.due", "caseload.sort.mentee",
              "caseload.sort.mentor", "caseload.sort.started", "caseload.sort.last_contact",
              "caseload.col.pick", "caseload.col.ended", "caseload.col.status",
              "caseload.col.reason")

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
        self.ended = ended_matches(self.matches)
        self.checks = MentorChecks(self.people, self.ctx.programme, self.ctx.today)
        self._names = self.ctx.person_labels(self.people)
        self.state_filter: str = getattr(self, "state_filter", "all")
        self.sort: str = getattr(self, "sort", "due")
        self.keep: int | None = getattr(self, "keep", None)  # the pair chosen: kept on saves

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
        tab = getattr(self, "tabs", None)
        selected = tab.selected_index if tab is not None else 0
        self.tabs = w.Tab(children=[self._active_tab(), self._waiting_tab(),
                                    self._proposals_tab(), self._ended_tab()])
        self.tabs.titles = (t("caseload.tab.active", n=len(s)),
                            t("caseload.tab.waiting", n=len(self.waiting)),
                            t("caseload.tab.proposals", n=len(self.proposals)),
                            t("caseload.tab.ended", n=len(self.ended)))
        self.tabs.selected_index = selected or 0  # a save keeps the tab it was made in
        return [summary, self.tabs]

    def shown(self) -> pd.DataFrame:
        """The active matches as the filter and the sort show them."""
        states = None if self.state_filter == "all" else [self.state_filter]
        return filter_caseload(self.load_table, states, self.sort, self._names)

    def _active_tab(self) -> w.Widget:
        t = self.t
        if self.load_table.empty:
            self.chosen = w.Dropdown(options=[])  # nothing to choose (not shown)
            return w.VBox([w.HTML(f"<p>{esc(t('caseload.none_active'))}</p>")])
        self.state_pick = w.Dropdown(options=[(t(f"caseload.filter.{k}"), k)
                                              for k in ("all", *STATES)],
                                     value=self.state_filter, description=t(
                                         "caseload.filter.state"),
                                     layout=w.Layout(width="240px"))
        self.state_pick.add_class("mk-filter-state")
        self.sort_pick = w.Dropdown(options=[(t(f"caseload.sort.{k}"), k) for k in SORTS],
                                    value=self.sort, description=t("caseload.sort"),
                                    style={"description_width": "90px"},
                                    layout=w.Layout(width="300px"))
        self.sort_pick.add_class("mk-sort")
        self.table = w.HTML()
        self.table.add_class("mk-active-table")
        self.chosen = w.Dropdown(layout=w.Layout(width="460px"))
        self.chosen.add_class("mk-choose-match")
        self._fill_active()
        self.state_pick.observe(self._filter_changed, "value")
        self.sort_pick.observe(self._filter_changed, "value")
        self.action = w.ToggleButtons(options=[(t("caseload.log"), "log"),
                                               (t("caseload.end"), "end")], value="log")
        self.action.add_class("mk-action")
        self.log_form = self._log_form()
        self.end_form = self._end_form()
        self.end_form.layout.display = "none"
        self.action.observe(self._action_changed, "value")
        self.chosen.observe(self._chosen_changed, "value")
        self._suggest_due()
        pick = w.HBox([w.HTML(f"<b>{esc(t('caseload.choose'))}</b>&nbsp;"), self.chosen],
                      layout=w.Layout(align_items="center"))
        filters = w.HBox([self.state_pick, self.sort_pick],
                         layout=w.Layout(flex_flow="row wrap"))
        return w.VBox([filters, self.table, pick, self.action, self.log_form, self.end_form])

    def _fill_active(self) -> None:
        """The table and the pair selector after the filter and sort; the chosen pair stays
        chosen while it is shown."""
        t = self.t
        shown = self.shown()
        rows, classes = [], []
        for r in shown.to_dict("records"):
            state = badge(r["state"], t("caseload.state." + r["state"], days=r["days_overdue"]))
            rows.append([esc(self.who(r["mentee_id"])), esc(self.who(r["mentor_id"])),
                         fmt_date(r["started_on"]), fmt_date(r["last_contact"]), str(r["calls"]),
                         fmt_date(r["next_due"]), state])
            classes.append(r["state"])
        self.table.value = (html_table([t("caseload.col." + c) for c in
                                        ("mentee", "mentor", "started", "last_contact", "calls",
                                         "next_due", "state")], rows, classes, numeric=[4])
                            if rows else f"<p>{esc(t('caseload.filtered_none'))}</p>")
        options = [(f"{self.who(r['mentee_id'])} – {self.who(r['mentor_id'])}", int(r["match_id"]))
                   for r in shown.to_dict("records")]
        ids = [o[1] for o in options]
        keep = self.keep if self.keep in ids else (ids[0] if ids else None)
        self.chosen.options = options
        self.chosen.value = keep
        self.keep = keep

    def _filter_changed(self, _change: dict[str, Any]) -> None:
        self.state_filter = self.state_pick.value
        self.sort = self.sort_pick.value
        self._fill_active()

    def _chosen_changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self.keep = int(change["new"])
        self.end_question.children = ()  # a question about another pair is not this one's
        self._suggest_due()

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
        save.on_click(lambda _b: self.ask_end())
        self.end_question = w.VBox()  # "end the match between … and …?", next to the button
        self.end_question.add_class("mk-end-question")
        return section(t("caseload.end"), grid([f["ended_on"].box, f["end_reason"].box]),
                       w.HTML(f"<b>{esc(t('end.outcome'))}</b>"),
                       grid([f[k].box for k in ("employment_status", "hours_per_week",
                                                 "language_level", "network_size",
                                                 "confidence")], 3),
                       grid([f["mentee_feedback"].box, f["mentor_feedback"].box]),
                       f["rematch"].box, save, self.end_question, css="mk-end-form")

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
        head = [t("caseload.col." + c) for c in ("pick", "mentee", "mentor", "proposed", "days",
                                                  "state")] + [t("finder.col.check")]
        lines: list[w.Widget] = [w.HTML("<b>" + "</b> · <b>".join(esc(h) for h in head[1:])
                                        + "</b>")]
        self.ticks: dict[int, w.Checkbox] = {}
        for r in self.proposals.to_dict("records"):
            flag = badge("stale", t("caseload.stale")) if r["stale"] else ""
            mentor = int(r["mentor_id"])
            status = self.checks.status(mentor)
            check = badge(status, t("check." + status,
                                    date=fmt_date(self.checks.until.get(mentor))))
            if self.checks.blocked(mentor):
                check = badge("blocked", t("check.blocked")) + " " + check
            tick = w.Checkbox(value=False, indent=False, layout=w.Layout(width="28px"))
            tick.add_class(f"mk-tick-{int(r['match_id'])}")
            self.ticks[int(r["match_id"])] = tick
            cells = (f"{esc(self.who(r['mentee_id']))} – {esc(self.who(mentor))} · "
                     f"{fmt_date(r['proposed_on'])} · {r['days_open']} {flag} {check}")
            line = w.HBox([tick, w.HTML(cells)], layout=w.Layout(align_items="center"))
            line.add_class("mk-proposal-row")
            lines.append(line)
        table = w.VBox(lines)
        table.add_class("mk-proposals")
        # one proposal chosen from a list (as before) still works: ``decide`` takes it
        self.proposal = w.Dropdown(options=[(f"{self.who(r['mentee_id'])} – "
                                             f"{self.who(r['mentor_id'])}", int(r["match_id"]))
                                            for r in self.proposals.to_dict("records")],
                                   layout=w.Layout(width="420px", display="none"))
        self.start = Input("date", self.ctx.lang)
        self.start.set(self.ctx.today)
        self.start_field = Field("start", self.start.widget, t("caseload.start_on"),
                                 t("form.date_format"))
        self.confirm_reason = Input("textarea", self.ctx.lang)
        self.confirm_reason_field = Field("confirm_reason", self.confirm_reason.widget,
                                          t("match.check_reason"), t("match.check_reason_hint"))
        self.confirm_reason_field.box.layout.display = (
            None if self.checks.rule == "warn" else "none")
        confirm = w.Button(description=t("caseload.confirm_selected"), button_style="success",
                           layout=w.Layout(width="auto"))
        confirm.add_class("mk-confirm-ticked")
        confirm.on_click(lambda _b: self.decide_ticked("active"))
        decline = w.Button(description=t("caseload.decline_selected"), button_style="warning",
                           layout=w.Layout(width="auto"))
        decline.add_class("mk-decline-ticked")
        decline.on_click(lambda _b: self.decide_ticked("declined"))
        self.proposal_message = Message("mk-proposal-message")
        return w.VBox([table, self.start_field.box, self.confirm_reason_field.box,
                       w.HBox([confirm, decline]), self.proposal_message.widget])

    def _ended_tab(self) -> w.Widget:
        t = self.t
        if self.ended.empty:
            return w.HTML(f"<p>{esc(t('caseload.none_ended'))}</p>")
        lang = self.ctx.lang
        self.ended_status = w.Dropdown(
            options=[(t("caseload.filter.all"), "all")] + [
                (vlabel(vocab.MATCH_STATUSES, s, lang), s) for s in ENDED_STATUSES],
            value=getattr(self, "ended_filter", "all"), description=t("caseload.col.status"),
            layout=w.Layout(width="300px"))
        self.ended_status.add_class("mk-filter-ended")
        self.ended_table = w.HTML(layout=w.Layout(max_height="420px", overflow="auto"))
        self.ended_table.add_class("mk-ended-table")
        self.reopen_pick = w.Dropdown(layout=w.Layout(width="460px"))
        self.reopen_pick.add_class("mk-choose-ended")
        self._fill_ended()
        self.ended_status.observe(lambda _c: self._fill_ended(), "value")
        self.reopen_reason = Input("textarea", lang)
        self.reopen_field = Field("reopen_reason", self.reopen_reason.widget,
                                  t("caseload.reopen_reason"))
        reopen = w.Button(description=t("caseload.reopen"), button_style="primary",
                          icon="undo", layout=w.Layout(width="auto"))
        reopen.add_class("mk-reopen")
        reopen.on_click(lambda _b: self.reopen())
        self.reopen_message = Message("mk-reopen-message")
        return w.VBox([self.ended_status, self.ended_table, self.reopen_pick,
                       self.reopen_field.box, reopen, self.reopen_message.widget])

    def _fill_ended(self) -> None:
        t, lang = self.t, self.ctx.lang
        self.ended_filter = self.ended_status.value
        statuses = ENDED_STATUSES if self.ended_filter == "all" else [self.ended_filter]
        shown = ended_matches(self.matches, statuses)
        rows = [[esc(self.who(r["mentee_id"])), esc(self.who(r["mentor_id"])),
                 fmt_date(r["started_on"]), fmt_date(r["ended_on"]),
                 esc(vlabel(vocab.MATCH_STATUSES, r["status"], lang)),
                 esc(vlabel(vocab.END_REASONS, r["end_reason"], lang)
                     if isinstance(r["end_reason"], str) else "")]
                for r in shown.to_dict("records")]
        self.ended_table.value = html_table([t("caseload.col." + c) for c in (
            "mentee", "mentor", "started", "ended", "status", "reason")], rows) if rows else \
            f"<p>{esc(t('caseload.filtered_none'))}</p>"
        self.reopen_pick.options = [(f"{self.who(r['mentee_id'])} – {self.who(r['mentor_id'])}",
                                     int(r["match_id"])) for r in shown.to_dict("records")]

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
        self.keep = int(self.chosen.value)  # the same pair stays chosen after the save
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
    def ask_end(self) -> bool:
        """What the end button does: check the form, then ask, naming both people, before
        :meth:`end_match` ends the match; True when the question is shown."""
        _values, _outcome, errors, match = self.check_end()
        if not self._show(self.end_fields, errors):
            self.end_question.children = ()
            return False
        t = self.t
        text = t("caseload.end_confirm", mentee=self.who(match["mentee_id"]),
                 mentor=self.who(match["mentor_id"]))
        question = w.HTML(f'<div class="mk-msg mk-msg-warn">{esc(text)}</div>')
        yes = w.Button(description=t("caseload.end_yes"), button_style="danger",
                       layout=w.Layout(width="auto"))
        yes.add_class("mk-end-yes")
        chosen = int(match["id"])
        yes.on_click(lambda _b: self.end_match(match_id=chosen))
        no = w.Button(description=t("caseload.end_no"), layout=w.Layout(width="auto"))
        no.add_class("mk-end-no")
        no.on_click(lambda _b: setattr(self.end_question, "children", ()))
        self.end_question.children = (question, w.HBox([yes, no]))
        return True

    @guarded("end match")
    def end_match(self, match_id: int | None = None) -> bool:
        """End the chosen match with its reason, outcome and feedback (one transaction).
        ``match_id``: the match the coordinator was asked about; if the selector shows
        another one now, nothing is ended."""
        if match_id is not None and self.chosen.value != match_id:
            self.end_question.children = ()
            return False
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

    def decide(self, status: str) -> bool:
        """Confirm (``active``, from the start date) or decline the proposal chosen in
        ``self.proposal`` (one at a time; the tab's buttons use :meth:`decide_ticked`)."""
        return bool(self.decide_ticked(status, [int(self.proposal.value)]))

    @guarded("decide proposals")
    def decide_ticked(self, status: str, ids: list[int] | None = None) -> int:
        """Confirm (``active``, from the start date) or decline the ticked proposals (or
        ``ids``) in one transaction: all or none. Returns how many were written."""
        t = self.t
        chosen = ids if ids is not None else [m for m, box in self.ticks.items() if box.value]
        self.proposal_message.clear()
        if not chosen:
            self.proposal_message.show("error", t("caseload.tick_first"))
            return 0
        rows = self.proposals.set_index("match_id").loc[chosen]
        pairs = {int(m): (int(e), int(o)) for m, e, o in zip(chosen, rows["mentee_id"],
                                                              rows["mentor_id"])}
        changes: dict[str, Any] = {"status": status}
        reason = ""
        if status == "active":
            try:
                start = self.start.get()
            except FieldError as err:
                self.start_field.set_error(t(err.key))
                return 0
            if start is None:
                self.start_field.set_error(t("error.required"))
                return 0
            self.start_field.set_error(None)
            changes["started_on"] = start
            said = [self.checks.says(mentor, self.ctx.lang, self.who(mentor))
                    for _e, mentor in pairs.values() if self.checks.blocked(mentor)]
            if said:  # blocked: nothing is written (the store would refuse it too)
                self.proposal_message.show("error", t("batch.refused",
                                                      problems=" ".join(dict.fromkeys(said))))
                return 0
            reason = (self.confirm_reason.get() or "").strip()
            asks = [mentor for _e, mentor in pairs.values() if self.checks.needs_reason(mentor)]
            if asks and not reason:
                self.confirm_reason_field.set_error(" ".join(dict.fromkeys(
                    self.checks.says(m, self.ctx.lang, self.who(m)) for m in asks)))
                return 0
            self.confirm_reason_field.set_error(None)
        store = self.ctx.store
        current: int | None = None
        try:
            with store.transaction():
                for match_id, (_mentee, mentor) in pairs.items():
                    current = int(match_id)
                    extra = {"check_reason": reason} if (
                        status == "active" and self.checks.needs_reason(mentor)) else {}
                    match = store.matches.get(current)
                    store.matches.update(current, expected_version=int(match["version"]),
                                         **changes, **extra)
        except MatchRuleError as err:  # held by the store: name the people, next to the buttons
            said = say_problems(err.problems, self.ctx.lang,
                                {None: pairs[current]} if current is not None else {},
                                self.who, self.checks)
            self.proposal_message.show("error", t("batch.refused", problems=" ".join(said)))
            return 0
        labels = ", ".join(f"{self.who(e)} – {self.who(m)}" for e, m in pairs.values())
        self.load()
        self.render()
        if len(pairs) == 1:
            done = t("caseload.confirmed" if status == "active" else "caseload.declined",
                     match=labels)
        else:
            done = t("caseload.confirmed_n" if status == "active" else "caseload.declined_n",
                     n=len(pairs), matches=labels)
        self.message.show("ok", done)
        self.proposal_message.show("ok", done)
        return len(pairs)

    @guarded("reopen match")
    def reopen(self) -> bool:
        """Reopen the chosen ended match with the reason typed in (audited); the store holds
        one open match per mentee, the mentor's places and the background-check rule."""
        t = self.t
        self.reopen_message.clear()
        if self.reopen_pick.value is None:
            return False
        reason = (self.reopen_reason.get() or "").strip()
        if not reason:
            self.reopen_field.set_error(t("error.required"))
            return False
        self.reopen_field.set_error(None)
        match = self.ctx.store.matches.get(int(self.reopen_pick.value))
        pair = (int(match["mentee_id"]), int(match["mentor_id"]))
        try:
            self.ctx.store.matches.update(int(match["id"]), expected_version=int(
                match["version"]), **reopen_changes(match, reason))
        except MatchRuleError as err:
            said = say_problems(err.problems, self.ctx.lang, {None: pair}, self.who, self.checks)
            self.reopen_message.show("error", t("batch.refused", problems=" ".join(said)))
            return False
        except ConflictError:
            self.reopen_message.show("error", t("error.conflict"))
            return False
        label = f"{self.who(pair[0])} – {self.who(pair[1])}"
        self.keep = int(match["id"])
        self.load()
        self.render()
        self.message.show("ok", t("caseload.reopened", match=label))
        self.reopen_message.show("ok", t("caseload.reopened", match=label))
        return True


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The caseload app as a widget (what the dashboard notebook shows)."""
    return launch(CaseloadApp, db=db, programme=programme, lang=lang)

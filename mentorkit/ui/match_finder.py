"""Match finder: the right mentor for a mentee and why; or a proposal for the whole waiting list.

*One mentee*: pick a mentee waiting for a match (search by name or number, or arrive from the
caseload's link with ``?mentee=12``), see the mentors ranked by :func:`mentorkit.matching.suggest`
with a reason per criterion, move the weight sliders and the ranking follows at once, open a
mentor's profile, then propose the match or confirm it. The match is written with its score
and the points per criterion (``score_breakdown``), made by the coordinator.

The mentor's background check (:mod:`mentorkit.ui.match_checks`) is shown for every
suggestion and next to the confirm button; the programme's rule decides whether a mentor
without a valid check is blocked (left out of the suggestions, with a line saying how many)
or confirmed only with a reason. A mentee who already has a
proposal or an active match is shown that match (with a link to the caseload), not "no
mentor free".

*Whole waiting list*: :mod:`mentorkit.ui.match_batch` (optimal, stable or greedy assignment,
edited as a table, saved in one go with its match run).

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = MatchFinderApp(Context.open(":memory:"))
>>> sorted(a.sliders) == sorted(CRITERIA)
True
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.casework.caseload import plan_for, waiting_mentees
from mentorkit.casework.match_rules import MatchRuleError
from mentorkit.casework.screening import check_status
from mentorkit.errors import ConflictError
from mentorkit.matching import CRITERIA, Weights, prepare, slider_spec, suggest
from mentorkit.ui.common import Field, Message, badge, esc, fmt_date, html_table, section, vlabel
from mentorkit.ui.forms import FieldError, Input
from mentorkit.ui.match_batch import BatchPanel
from mentorkit.ui.match_checks import MentorChecks, say_problems
from mentorkit.ui.shell import App, guarded, launch

__all__ = ["MatchFinderApp", "app", "LABEL_KEYS", "K"]

K = 5
#: Label keys this app builds at run time (for the catalogue's completeness test).
LABEL_KEYS = tuple(f"profile.{k}" for k in (
    "gender", "age", "languages", "language_level", "education", "sector", "profession",
    "goals_mentee", "goals_mentor", "availability", "neighbourhood", "wish", "load", "check",
    "waiting")) + ("finder.mode.one", "finder.mode.batch", "batch.method.optimal",
                   "batch.method.stable", "batch.method.greedy")


class MatchFinderApp(App):
    """Find a mentor for one mentee, or make a proposal for all of them."""

    name = "match_finder"
    needs = "personal_data"

    def load(self) -> None:
        store, pid = self.ctx.store, self.ctx.programme_id or -1
        people = store.table("person", programme_id=pid)
        self.people = people[people["erased_at"].isna()]
        self.matches = store.table("match", programme_id=pid)
        self.mentors = self.people[self.people["role"] == "mentor"]
        self.checks = MentorChecks(self.people, self.ctx.programme, self.ctx.today)
        self._names = self.ctx.person_labels(self.people)
        blocked = self.mentors["id"].map(lambda m: self.checks.blocked(int(m)))
        self.left_out = int(blocked.sum())  # under "block": no match can be made with them
        self.encoded = prepare(self.mentors[~blocked.astype(bool)])
        waiting = waiting_mentees(self.people, self.matches, self.ctx.today,
                                  plan_for(self.ctx.programme_name))
        self.waiting = waiting.set_index("person_id")["days_waiting"]
        asked = self.ctx.params.get("mentee", "")
        self.mentee_id: int | None = None
        if asked.isdigit() and int(asked) in set(self.people.loc[self.people["role"] == "mentee",
                                                                  "id"]):
            self.mentee_id = int(asked)
        elif len(self.waiting):
            self.mentee_id = int(self.waiting.index[0])
        self.weights: dict[str, float] = getattr(self, "weights", None) or Weights().as_dict()
        self.top = pd.DataFrame()
        self.mode = getattr(self, "mode", "one")

    # ---------------------------------------------------------------- layout
    def build(self) -> list[w.Widget]:
        t = self.t
        self.mode_toggle = w.ToggleButtons(options=[(t("finder.mode.one"), "one"),
                                                    (t("finder.mode.batch"), "batch")],
                                           value=self.mode)
        self.mode_toggle.add_class("mk-mode")
        self.sliders = {}
        for spec in slider_spec(self.ctx.lang):
            s = w.FloatSlider(value=self.weights[spec["name"]], min=spec["min"], max=spec["max"],
                              step=spec["step"], description=spec["label"],
                              continuous_update=False, readout_format=".1f",
                              style={"description_width": "130px"},
                              layout=w.Layout(width="340px"))
            s.add_class(f"mk-weight-{spec['name']}")
            s.observe(self._weight_moved, "value")
            self.sliders[spec["name"]] = s
        reset = w.Button(description=t("finder.reset"), icon="undo")
        reset.add_class("mk-reset-weights")
        reset.on_click(lambda _b: self._reset())
        weights = section(t("finder.weights"), w.HTML(f"<span class='mk-muted'>"
                                                      f"{esc(t('finder.weights_hint'))}</span>"),
                          *self.sliders.values(), reset, css="mk-weights")
        weights.layout.width = "380px"
        self.one = self._one_panel()
        self.batch = BatchPanel(self)
        self.one.layout.display = None if self.mode == "one" else "none"
        self.batch.box.layout.display = None if self.mode == "batch" else "none"
        self.mode_toggle.observe(self._mode_changed, "value")
        main = w.VBox([self.one, self.batch.box], layout=w.Layout(flex="1 1 auto", min_width="0"))
        return [self.mode_toggle, w.HBox([weights, main], layout=w.Layout(width="100%"))]

    def _one_panel(self) -> w.Widget:
        t = self.t
        self.search = w.Text(placeholder=t("intake.search_hint"), layout=w.Layout(width="97%"))
        self.search.add_class("mk-mentee-search")
        self.search.observe(lambda _c: self._fill_mentees(), "value")
        self.mentee_pick = w.Select(rows=7, layout=w.Layout(width="97%"))
        self.mentee_pick.add_class("mk-mentee-pick")
        self.mentee_card = w.HTML()
        self.mentee_card.add_class("mk-mentee-card")
        self.suggestions = w.HTML()
        self.suggestions.add_class("mk-suggestions")
        self.mentor_pick = w.Dropdown(layout=w.Layout(width="360px"))
        self.mentor_pick.add_class("mk-mentor-pick")
        self.profile = w.HTML()
        self.profile.add_class("mk-profile")
        show = w.Button(description=t("finder.profile"), icon="id-card")
        show.add_class("mk-show-profile")
        show.on_click(lambda _b: self._show_profile())
        self.start = Input("date", self.ctx.lang)
        self.start.set(self.ctx.today)
        self.start_field = Field("start", self.start.widget, t("caseload.start_on"),
                                 t("form.date_format"))
        propose = w.Button(description=t("finder.propose"), icon="handshake-o")
        propose.add_class("mk-propose")
        propose.on_click(lambda _b: self.write("proposed"))
        confirm = w.Button(description=t("finder.confirm"), button_style="success", icon="check")
        confirm.add_class("mk-confirm-match")
        confirm.on_click(lambda _b: self.write("active"))
        self.reason = Input("textarea", self.ctx.lang)
        self.reason_field = Field("check_reason", self.reason.widget, t("match.check_reason"),
                                  t("match.check_reason_hint"))
        self.check_note = Message("mk-check-note")  # the check, next to the buttons
        self.write_message = Message("mk-write-message")  # what writing said, next to them
        self._fill_mentees()
        self.mentee_pick.observe(self._mentee_changed, "value")
        self._user_pick: int | None = None
        self._setting = False
        self.mentor_pick.observe(self._mentor_changed, "value")
        self.refresh()
        mentee = w.VBox([self.search, self.mentee_pick, self.mentee_card],
                        layout=w.Layout(width="100%"))
        return w.VBox([
            section(t("finder.mentee"), mentee, css="mk-mentee"),
            section(t("finder.suggestions", k=K), self.suggestions,
                    w.HBox([self.mentor_pick, show], layout=w.Layout(flex_flow="row wrap")),
                    self.profile,
                    self.check_note.widget,
                    w.HBox([self.start_field.box, propose, confirm],
                           layout=w.Layout(align_items="flex-end", flex_flow="row wrap")),
                    self.reason_field.box, self.write_message.widget,
                    css="mk-found-mentors")])

    # ---------------------------------------------------------------- mentee
    def _mentee_options(self) -> list[tuple[str, int]]:
        ids = list(self.waiting.index)
        if self.mentee_id is not None and self.mentee_id not in self.waiting.index:
            ids.insert(0, self.mentee_id)
        text = self.search.value.strip().casefold()
        out = []
        for pid in ids:
            label = self.name_of(int(pid))
            days = self.waiting.get(pid)
            if days is not None:
                label += " · " + self.t("finder.waiting_days", n=int(days))
            if not text or text in label.casefold():
                out.append((label, int(pid)))
        return out

    def _fill_mentees(self) -> None:
        options = self._mentee_options()
        self.mentee_pick.options = options
        ids = [o[1] for o in options]
        if self.mentee_id in ids:
            self.mentee_pick.value = self.mentee_id
        elif ids and self.search.value.strip():
            self.mentee_pick.value = ids[0]

    def _mentee_changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None and change["new"] != self.mentee_id:
            self.mentee_id = int(change["new"])
            self.profile.value = ""
            self._user_pick = None
            self.refresh()

    def _mentor_changed(self, change: dict[str, Any]) -> None:
        self.profile.value = ""
        if not self._setting:
            self._user_pick = change["new"]
        self._show_check()

    def _show_check(self) -> None:
        """Say the chosen mentor's check next to the buttons; ask a reason when needed."""
        mentor = self.mentor_pick.value
        text = "" if mentor is None else self.checks.says(int(mentor), self.ctx.lang,
                                                            self.name_of(int(mentor)))
        if text:
            self.check_note.show("error" if self.checks.blocked(int(mentor)) else "warn", text)
        else:
            self.check_note.clear()
        needs = mentor is not None and self.checks.needs_reason(int(mentor))
        self.reason_field.box.layout.display = None if needs else "none"
        if not needs:
            self.reason_field.set_error(None)

    def _weight_moved(self, change: dict[str, Any]) -> None:
        self.weights = {c: float(s.value) for c, s in self.sliders.items()}
        if sum(self.weights.values()) <= 0:
            self.message.show("warn", self.t("finder.all_zero"))
            return
        self.refresh()
        if self.mode == "batch":
            self.batch.rescore()

    def _reset(self) -> None:
        defaults = Weights().as_dict()
        for c, s in self.sliders.items():
            s.unobserve(self._weight_moved, "value")
            s.value = defaults[c]
            s.observe(self._weight_moved, "value")
        self._weight_moved({})

    def _mode_changed(self, change: dict[str, Any]) -> None:
        self.mode = change["new"]
        self.one.layout.display = None if self.mode == "one" else "none"
        self.batch.box.layout.display = None if self.mode == "batch" else "none"

    # ---------------------------------------------------------------- suggestions
    def mentee_row(self) -> pd.Series | None:
        rows = self.people[self.people["id"] == self.mentee_id]
        return rows.iloc[0] if len(rows) else None

    def open_match(self) -> dict[str, Any] | None:
        """The chosen mentee's proposed or active match, if there is one."""
        if self.mentee_id is None:
            return None
        rows = self.matches[(self.matches["mentee_id"] == self.mentee_id)
                            & self.matches["status"].isin(list(vocab.OPEN_MATCH_STATUSES))]
        return {str(k): v for k, v in rows.iloc[0].to_dict().items()} if len(rows) else None

    @guarded("suggest")
    def refresh(self) -> None:
        """Rank the mentors for the chosen mentee with the current weights."""
        t = self.t
        mentee = self.mentee_row()
        self.write_message.clear()
        if mentee is None or self.mentors.empty:
            self.top = pd.DataFrame()
            self.mentee_card.value = ""
            self.suggestions.value = f"<p>{esc(t('finder.no_mentee'))}</p>"
            self.mentor_pick.options = []
            self._show_check()
            return
        self.mentee_card.value = self.card(mentee)
        held = self.open_match()
        if held is not None:  # she has a proposal or a mentor: say so, not "no mentor free"
            self.top = pd.DataFrame()
            key = "finder.has_proposal" if held["status"] == "proposed" else "finder.has_active"
            day = held["proposed_on"] if held["status"] == "proposed" else held["started_on"]
            text = t(key, mentee=self.name_of(int(held["mentee_id"])),
                     mentor=self.name_of(int(held["mentor_id"])), date=fmt_date(day))
            link = self.ctx.link("caseload")
            self.suggestions.value = (
                f'<p class="mk-has-match">{esc(text)} <a class="mk-to-caseload" '
                f'href="{esc(link)}" target="_self">{esc(t("finder.to_caseload"))}</a></p>')
            self.mentor_pick.options = []
            self._show_check()
            return
        self.top = suggest(mentee, self.encoded, k=K, weights=self.weights,
                           matches=self.matches, lang=self.ctx.lang)
        left_out = (f'<p class="mk-muted mk-check-left-out">'
                    f'{esc(t("batch.blocked_out", n=self.left_out))}</p>' if self.left_out else "")
        if self.top.empty:
            self.suggestions.value = f"<p>{esc(t('finder.none_free'))}</p>{left_out}"
            self.mentor_pick.options = []
            self._show_check()
            return
        rows = []
        for r in self.top.to_dict("records"):
            who = self.name_of(int(r["mentor_id"]))
            reasons = "".join(f"<li>{esc(r[c])}</li>" for c in CRITERIA)
            bar = (f'<span class="mk-bar"><span style="width:{round(100 * r["score"])}%"></span>'
                   f"</span> {r['score']:.2f}")
            rows.append([str(r["rank"]), f"<b>{esc(who)}</b>", bar, self._check_badge(
                int(r["mentor_id"])), f'<ul class="mk-reasons">{reasons}</ul>'])
        self.suggestions.value = left_out + html_table(
            [t("finder.col.rank"), t("finder.col.mentor"), t("finder.col.score"),
             t("finder.col.check"), t("finder.col.why")], rows)
        options = [(f"{r['rank']}. {self.name_of(int(r['mentor_id']))} ({r['score']:.2f})",
                    int(r["mentor_id"])) for r in self.top.to_dict("records")]
        ids = [o[1] for o in options]
        self._setting = True
        try:
            self.mentor_pick.options = options
            self.mentor_pick.value = self._user_pick if self._user_pick in ids else ids[0]
        finally:
            self._setting = False
        self._show_check()

    def _check_badge(self, mentor_id: int) -> str:
        status = self.checks.status(mentor_id)
        until = self.checks.until.get(int(mentor_id))
        text = self.t("check." + status, date=fmt_date(until))
        if self.checks.blocked(mentor_id):
            return badge("blocked", f"{self.t('check.blocked')}: {text}")
        return badge(status, text)

    def card(self, person: pd.Series) -> str:
        """A person's profile as the match finder shows it (no contact details)."""
        t, lang = self.t, self.ctx.lang

        def labels(v: vocab.Vocabulary, codes: Any) -> str:
            if codes is None or (not isinstance(codes, list) and pd.isna(codes)):
                return ""
            codes = codes if isinstance(codes, list) else [codes]
            return ", ".join(vlabel(v, c, lang) for c in codes if c in v)

        mentor = person["role"] == "mentor"
        items = [
            ("gender", labels(vocab.GENDERS, person["gender"])),
            ("age", "" if pd.isna(person["birth_year"]) else
             str(self.ctx.today.year - int(person["birth_year"]))),
            ("languages", labels(vocab.LANGUAGES, person["languages"])),
            ("language_level", labels(vocab.LANGUAGE_LEVELS, person["language_level"])),
            ("education", labels(vocab.EDUCATION_LEVELS, person["education"])),
            ("sector", labels(vocab.SECTORS, person["sector"])),
            ("profession", "" if pd.isna(person["profession"]) else str(person["profession"])),
            ("goals_mentor" if mentor else "goals_mentee", labels(vocab.GOALS, person["goals"])),
            ("availability", labels(vocab.AVAILABILITY, person["availability"])),
            ("neighbourhood", "" if pd.isna(person["neighbourhood"])
             else str(person["neighbourhood"])),
        ]
        if mentor:
            busy = int(((self.matches["mentor_id"] == person["id"])
                        & self.matches["status"].isin(list(vocab.OPEN_MATCH_STATUSES))).sum())
            cap = 0 if pd.isna(person["capacity"]) else int(person["capacity"])
            items.append(("load", t("finder.load", n=busy, cap=cap)))
            status, until = check_status(person["background_check_date"],
                                         self.ctx.programme.get("background_check"),
                                         self.ctx.today)
            items.append(("check", badge(status, t("check." + status, date=fmt_date(until)))))
        else:
            items.append(("wish", labels(vocab.MENTOR_GENDER_PREFERENCES,
                                         person["preferred_mentor_gender"])))
            days = self.waiting.get(int(person["id"]))
            if days is not None:
                items.append(("waiting", t("finder.waiting_days", n=int(days))))
        cells = "".join(f"<tr><th>{esc(t('profile.' + k))}</th><td>"
                        f"{v if k == 'check' else esc(v)}</td></tr>" for k, v in items if v)
        name = esc(self.ctx.person_label({str(k): v for k, v in person.to_dict().items()}))
        return (f'<div class="mk-card-profile"><b>{name}</b><table class="mk-table">{cells}'
                f"</table></div>")

    def name_of(self, person_id: int) -> str:
        """How a person of the programme is named on screen."""
        return self._names.get(int(person_id), f"#{person_id}")

    def _show_profile(self) -> None:
        mentor = self.people[self.people["id"] == self.mentor_pick.value]
        self.profile.value = self.card(mentor.iloc[0]) if len(mentor) else ""

    # ---------------------------------------------------------------- writing
    @guarded("write match")
    def write(self, status: str) -> int | None:
        """Propose (``proposed``) or confirm (``active``) the chosen mentee with the chosen
        mentor; returns the new match's id."""
        t = self.t
        if self.mentee_id is None or self.top.empty or self.mentor_pick.value is None:
            self.message.show("error", t("finder.choose_first"))
            return None
        row = self.top[self.top["mentor_id"] == self.mentor_pick.value].iloc[0]
        mentor_id = int(row["mentor_id"])
        self.write_message.clear()
        if self.checks.blocked(mentor_id):  # said next to the buttons; the store refuses too
            self.write_message.show("error", self.checks.says(
                mentor_id, self.ctx.lang, self.name_of(mentor_id), status))
            return None
        values: dict[str, Any] = {
            "programme_id": self.ctx.programme_id, "mentee_id": int(self.mentee_id),
            "mentor_id": int(row["mentor_id"]), "status": status,
            "proposed_on": self.ctx.today, "score": round(float(row["score"]), 6),
            "score_breakdown": {c: round(float(v), 6) for c, v in row["breakdown"].items()},
            "made_by": self.ctx.actor,
        }
        if status == "active":
            try:
                start = self.start.get()
            except FieldError as err:
                self.start_field.set_error(t(err.key))
                return None
            if start is None:
                self.start_field.set_error(t("error.required"))
                return None
            self.start_field.set_error(None)
            values["started_on"] = start
            if self.checks.needs_reason(mentor_id):
                reason = (self.reason.get() or "").strip()
                if not reason:
                    self.reason_field.set_error(t("rule.check_reason", mentor=self.name_of(
                        mentor_id), status=t("check.word." + self.checks.status(mentor_id))))
                    return None
                self.reason_field.set_error(None)
                values["check_reason"] = reason
        try:
            new_id = self.ctx.store.matches.add(**values)
        except MatchRuleError as err:  # a rule held by the store: say it in her words, here
            said = say_problems(err.problems, self.ctx.lang,
                                {None: (int(self.mentee_id), mentor_id)}, self.name_of,
                                self.checks)
            self.write_message.show("error", " ".join(said))
            return None
        except ConflictError:  # changed meanwhile by someone else: nothing was written
            self.load()
            self.render()
            self.message.show("error", t("error.conflict"))
            return None
        self.ctx.params.pop("mentee", None)  # the mentee asked for in the address is done
        label = f"{self.name_of(int(self.mentee_id))} – {self.name_of(int(row['mentor_id']))}"
        self.load()
        self.render()
        done = {"proposed": "finder.written_proposed", "active": "finder.written_active"}
        self.message.show("ok", t(done[status], match=label))
        self.write_message.show("ok", t(done[status], match=label))  # next to the button
        return new_id


def app(db: str | None = "", programme: str = "", lang: str = "", mentee: Any = "") -> w.Widget:
    """The match finder as a widget (what the dashboard notebook shows)."""
    return launch(MatchFinderApp, db=db, programme=programme, lang=lang, mentee=mentee)

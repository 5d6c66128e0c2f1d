"""The match finder's batch mode: a proposal for the whole waiting list, edited, then saved.

:func:`mentorkit.matching.run` assigns every waiting mentee at once (``optimal``: the highest
total score, or with "nobody left out" the most mentees matched, with each mentor's remaining
places and optional quotas; ``stable`` or ``greedy`` for comparison). The proposal is shown
as a table the coordinator edits: leave a row out, or give a mentee another of its best
allowed mentors. Saving checks every mentor's places, then writes the matches (status
*proposed*, with score and points per criterion) and the match run that produced them in one
transaction.

What goes wrong is said in her language next to what caused it, and goes when it no longer
holds: quotas with a method other than optimal, a quota larger than the mentees waiting, a
proposal no assignment can meet (next to the make button); a rule the store holds when
saving (next to the save button, naming the people). Under the programme's ``block`` rule,
mentors without a valid background check are left out of the proposal (and the hint says
how many); otherwise such a mentor is marked in the choices.

Example
-------
>>> from mentorkit.ui.context import Context
>>> from mentorkit.ui.match_finder import MatchFinderApp
>>> panel = MatchFinderApp(Context.open(":memory:")).batch
>>> panel.rows
[]
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import numpy as np
import pandas as pd

from mentorkit.casework.match_rules import MatchRuleError
from mentorkit.errors import ConflictError, MatchingError
from mentorkit.matching import run, save_run
from mentorkit.privacy.roles import require
from mentorkit.ui.common import Message, esc, section
from mentorkit.ui.match_checks import say_problems
from mentorkit.ui.shell import guarded

if TYPE_CHECKING:
    from mentorkit.ui.match_finder import MatchFinderApp

__all__ = ["BatchPanel", "CHOICES"]

CHOICES = 5


class BatchPanel:
    """Make, edit and save a proposal for every mentee waiting in the programme."""

    def __init__(self, app: MatchFinderApp) -> None:
        require("personal_data", app.ctx.role)  # the waiting list is people: coordinators only
        self.app = app
        self.name = app.name
        self.message = app.message
        t = app.t
        self.method = w.Dropdown(options=[(t(f"batch.method.{m}"), m) for m in
                                          ("optimal", "stable", "greedy")],
                                 description=t("batch.method"), style={"description_width": "90px"},
                                 layout=w.Layout(width="360px"))
        self.objective = w.ToggleButtons(options=[(t("batch.objective.score"), "score"),
                                                  (t("batch.objective.coverage"), "coverage")],
                                         style={"button_width": "170px"})
        self.women = w.BoundedIntText(value=0, min=0, max=9999, description=t("batch.women"),
                                      style={"description_width": "150px"},
                                      layout=w.Layout(width="240px"))
        self.men = w.BoundedIntText(value=0, min=0, max=9999, description=t("batch.men"),
                                    style={"description_width": "150px"},
                                    layout=w.Layout(width="240px"))
        self.method.add_class("mk-method")
        self.women.add_class("mk-quota-women")
        self.men.add_class("mk-quota-men")
        make = w.Button(description=t("batch.make"), button_style="primary", icon="magic")
        make.add_class("mk-make-proposal")
        make.on_click(lambda _b: self.make())
        self.problem = Message("mk-batch-problem")  # next to the settings and the button
        self.save_message = Message("mk-batch-save-message")  # next to the save button
        for widget in (self.method, self.women, self.men):
            widget.observe(lambda _c: self._recheck(), "value")
        self.summary = w.HTML()
        self.summary.add_class("mk-batch-summary")
        self.table = w.VBox()
        self.table.add_class("mk-batch-table")
        self.save_btn = w.Button(description=t("batch.save"), button_style="success", icon="save",
                                 disabled=True)
        self.save_btn.add_class("mk-save-proposal")
        self.save_btn.on_click(lambda _b: self.save())
        self.rows: list[dict[str, Any]] = []
        self.record: Any = None
        self.scores: Any = None
        hint = esc(t("batch.hint", n=len(app.waiting)))
        blocked = self.blocked_mentors()
        if blocked:
            hint += "<br>" + esc(t("batch.blocked_out", n=len(blocked)))
        self.hint = w.HTML(f"<span class='mk-muted'>{hint}</span>")
        self.hint.add_class("mk-batch-hint")
        self.box = section(t("finder.mode.batch"), self.hint, self.method, self.objective,
                           w.HBox([self.women, self.men]), make, self.problem.widget,
                           self.summary, self.table, self.save_btn, self.save_message.widget,
                           css="mk-batch")

    def t(self, key: str, **values: Any) -> str:
        return self.app.t(key, **values)

    def blocked_mentors(self) -> list[int]:
        """Mentors the programme's rule keeps out of any match (no valid check, ``block``)."""
        return [int(m) for m in self.app.mentors["id"] if self.app.checks.blocked(int(m))]

    def settings_problem(self) -> str:
        """What is wrong with the chosen method and quotas, in her words ('' when nothing)."""
        quotas = [(self.t("batch.women"), "female", self.women.value),
                  (self.t("batch.men"), "male", self.men.value)]
        if any(n > 0 for _l, _g, n in quotas) and self.method.value != "optimal":
            return self.t("batch.err.quota_method", method=self.t("batch.method.optimal"))
        mentees = self.app.people[self.app.people["id"].isin(self.app.waiting.index)]
        for label, gender, n in quotas:
            waiting = int((mentees["gender"] == gender).sum())
            if n > waiting:
                return self.t("batch.err.quota_too_big", quota=label, n=n, waiting=waiting)
        return ""

    def _recheck(self) -> None:
        """A setting changed: a problem it caused goes when it no longer holds."""
        if self.problem.text and not self.settings_problem():
            self.problem.clear()

    @guarded("make proposal")
    def make(self) -> None:
        """Run the assignment on the waiting list and show it as an editable table."""
        app = self.app
        self.problem.clear()
        self.save_message.clear()
        mentees = app.people[app.people["id"].isin(app.waiting.index)]
        mentors = app.mentors[~app.mentors["id"].isin(self.blocked_mentors())]
        if mentees.empty or mentors.empty:
            self.summary.value = f"<p>{esc(self.t('batch.nothing'))}</p>"
            return
        wrong = self.settings_problem()
        if wrong:
            self.problem.show("error", wrong)
            return
        quotas = {k: v for k, v in (("gender=female", self.women.value),
                                    ("gender=male", self.men.value)) if v > 0}
        try:
            self.record, result = run(mentees, mentors, app.matches, weights=app.weights,
                                      method=self.method.value, objective=self.objective.value,
                                      quotas=quotas or None, programme_id=app.ctx.programme_id,
                                      made_by=app.ctx.actor)
        except MatchingError:  # said in her words; the developer's text is not for her
            self.problem.show("error", self.t("batch.err.infeasible" if quotas
                                              else "batch.err.failed"))
            self._clear_proposal()
            return
        app.message.clear()  # an earlier message is not about this proposal
        self.scores = result.scores
        assigned = dict(zip(self.scores.mentee_ids[result.rows].tolist(),
                            self.scores.mentor_ids[result.cols].tolist()))
        self.rows = []
        widgets = [w.HTML(f"<b>{esc(self.t('finder.col.mentee'))}</b> / "
                          f"<b>{esc(self.t('finder.col.mentor'))}</b>")]
        for i, mentee_id in enumerate(self.scores.mentee_ids.tolist()):
            feasible = np.flatnonzero(self.scores.blocked[i] == 0)
            best = feasible[np.argsort(-self.scores.total[i, feasible], kind="stable")][:CHOICES]
            choice = assigned.get(mentee_id)
            cols = list(best)
            if choice is not None:
                j = int(self.scores.supply.position([choice])[0])
                cols = [j] + [c for c in cols if c != j]
            options = [("—", None)] + [
                (self._option(int(self.scores.mentor_ids[j]), float(self.scores.total[i, j])),
                 int(self.scores.mentor_ids[j])) for j in cols]
            keep = w.Checkbox(value=choice is not None, indent=False,
                              layout=w.Layout(width="30px"))
            mentor = w.Dropdown(options=options, value=choice, layout=w.Layout(width="360px"))
            label = app.name_of(int(mentee_id))
            row = {"i": i, "mentee_id": int(mentee_id), "keep": keep, "mentor": mentor}
            mentor.observe(lambda c, r=row: self._edited(r), "value")
            keep.observe(lambda c, r=row: self._edited(r), "value")
            self.rows.append(row)
            widgets.append(w.HBox([keep, w.HTML(esc(label), layout=w.Layout(width="300px")),
                                   mentor]))
        self.table.children = widgets
        self.save_btn.disabled = False
        self._summarise()

    def _option(self, mentor_id: int, score: float) -> str:
        text = f"{self.app.name_of(mentor_id)} ({score:.2f})"
        if not self.app.checks.valid(mentor_id):
            text += f" ⚠ {self.t('batch.no_check')}"
        return text

    def _clear_proposal(self) -> None:
        self.rows = []
        self.table.children = []
        self.summary.value = ""
        self.save_btn.disabled = True

    def _edited(self, row: dict[str, Any]) -> None:
        if row["mentor"].value is None:
            row["keep"].value = False
        self._summarise()

    def chosen(self) -> list[tuple[int, int, int]]:
        """(row, mentee_id, mentor_id) of every row kept with a mentor."""
        return [(r["i"], r["mentee_id"], int(r["mentor"].value)) for r in self.rows
                if r["keep"].value and r["mentor"].value is not None]

    def over_capacity(self) -> list[int]:
        """Mentors the edited proposal would give more mentees than they have places."""
        counts = Counter(m for _i, _e, m in self.chosen())
        if not counts:
            return []
        remaining = dict(zip(self.scores.mentor_ids.tolist(), self.scores.remaining.tolist()))
        return sorted(m for m, n in counts.items() if n > remaining.get(m, 0))

    def _summarise(self) -> None:
        pairs = self.chosen()
        total = sum(float(self.scores.total[i, self.scores.supply.position([m])[0]])
                    for i, _e, m in pairs)
        text = self.t("batch.summary", n=len(pairs), of=len(self.rows), total=f"{total:.2f}")
        over = self.over_capacity()
        ids = ", ".join(self.app.name_of(m) for m in over)
        warn = (f"<br><span class='mk-field-error'>{esc(self.t('batch.over', ids=ids))}</span>"
                if over else "")
        self.summary.value = f"<p>{esc(text)}{warn}</p>"

    def rescore(self) -> None:
        """The weights moved: the proposal shown is out of date."""
        if self.rows:
            self.summary.value = f"<p class='mk-field-error'>{esc(self.t('batch.outdated'))}</p>"
            self.save_btn.disabled = True

    @guarded("save proposal")
    def save(self) -> int:
        """Write the kept pairs as proposed matches, with the run, in one transaction."""
        app = self.app
        self.save_message.clear()
        over = self.over_capacity()
        if over:
            self.save_message.show("error", self.t("batch.over",
                                                   ids=", ".join(app.name_of(m) for m in over)))
            return 0
        pairs = self.chosen()
        if not pairs:
            self.save_message.show("error", self.t("batch.none_kept"))
            return 0
        rows = []
        for i, mentee_id, mentor_id in pairs:
            j = int(self.scores.supply.position([mentor_id])[0])
            rows.append({"programme_id": app.ctx.programme_id, "mentee_id": mentee_id,
                         "mentor_id": mentor_id, "status": "proposed",
                         "proposed_on": app.ctx.today,
                         "score": round(float(self.scores.total[i, j]), 6),
                         "score_breakdown": {c: round(float(v), 6)
                                             for c, v in self.scores.points(i, j).items()}})
        store = app.ctx.store
        try:
            with store.transaction():
                run_id = save_run(store, self.record, app.ctx.actor)
                made_by = f"{app.ctx.actor} (run {run_id})"[:100]
                store.matches.add_many(pd.DataFrame([{**r, "made_by": made_by} for r in rows]))
        except MatchRuleError as err:  # a rule the store holds: name the people, here
            said = say_problems(err.problems, app.ctx.lang,
                                {k: (e, m) for k, (_i, e, m) in enumerate(pairs)},
                                app.name_of, app.checks)
            self.save_message.show("error", self.t("batch.refused", problems=" ".join(said)))
            return 0
        except ConflictError:  # saved meanwhile by someone else: nothing was written
            self.save_message.show("error", self.t("error.conflict"))
            return 0
        app.load()
        app.render()
        app.message.show("ok", self.t("batch.saved", n=len(rows), run=run_id))
        return len(rows)

"""Home: the apps, the programme at a glance, and the coordinator's name, language and programme.

Under JupyterHub the name is the logged-in user's, shown and not editable (no name field).

The language and programme chosen here (or in any app) are remembered and carried in the
links to the other apps, so every app opens on the same view. A researcher or a funder
(``MENTORKIT_ROLE``) sees only the apps their role may open (the programme overview) and
none of the coordinator's work lists: no person row is read for them.

Example
-------
>>> from mentorkit.ui.context import Context
>>> root = HomeApp(Context.open(":memory:")).root
>>> "mk-ready" in root._dom_classes
True
"""

from __future__ import annotations

import ipywidgets as w

from mentorkit.casework.caseload import (
    caseload_table,
    plan_for,
    unconfirmed_proposals,
    waiting_mentees,
)
from mentorkit.casework.screening import EXPIRY_STEPS, expiry_warnings, open_match_checks
from mentorkit.ui.common import Field, esc, fmt_date
from mentorkit.ui.shell import App, allowed_apps, guarded, launch

__all__ = ["HomeApp", "app"]


class HomeApp(App):
    """The landing page."""

    name = "home"

    def load(self) -> None:
        if not self.ctx.may("personal_data"):
            return  # the work lists are about people: nothing to read for this role
        pid = self.ctx.programme_id or -1
        store = self.ctx.store
        self.people = store.table("person", programme_id=pid)
        self.matches = store.table("match", programme_id=pid)
        active = self.matches.loc[self.matches["status"] == "active", "id"].tolist()
        self.followups = store.table("followup", match_id=active)

    def stats(self) -> dict[str, int]:
        """The counts shown at a glance."""
        plan = plan_for(self.ctx.programme_name)
        today = self.ctx.today
        load = caseload_table(self.matches, self.followups, today, plan)
        waiting = waiting_mentees(self.people, self.matches, today, plan)
        proposals = unconfirmed_proposals(self.matches, today, plan)
        checks = open_match_checks(self.people, self.matches,
                                   self.ctx.programme.get("background_check"), today)
        return {
            "active": len(load),
            "overdue": int((load["state"] == "overdue").sum()),
            "waiting": len(waiting),
            "long_wait": int(waiting["long_wait"].sum()),
            "proposals": len(proposals),
            "checks_expired": int(checks["status"].isin(["expired", "missing"]).sum()),
        }

    def check_warnings(self) -> str:
        """The background checks of mentors in open matches that run out within 60, 30 or 7
        days (:func:`mentorkit.casework.screening.expiry_warnings`), as a warning with the
        mentors named and a link to the intake, where they are renewed ('' when none)."""
        today = self.ctx.today
        checks = open_match_checks(self.people, self.matches,
                                   self.ctx.programme.get("background_check"), today)
        near = expiry_warnings(checks, today)
        if near.empty:
            return ""
        t = self.t
        counts = {f"n{step}": int((near["days_left"] <= step).sum()) for step in EXPIRY_STEPS}
        names = self.ctx.person_labels(self.people)
        rows = ""
        for r in near.head(10).to_dict("records"):
            text = t("home.check_row", name=names.get(int(r["person_id"]), ""),
                     date=fmt_date(r["valid_until"]), days=int(r["days_left"]))
            rows += f'<li class="mk-check-step-{r["step"]}">{esc(text)}</li>'
        return (f'<div class="mk-msg mk-msg-warn mk-check-warnings">'
                f'<a href="{esc(self.ctx.link("intake"))}" target="_self">'
                f'{esc(t("home.checks_expiring", **counts))}</a><ul>{rows}</ul></div>')

    def build(self) -> list[w.Widget]:
        t = self.t
        cards = []
        for app in [a for a in allowed_apps(self.ctx) if a != "home"]:
            cards.append(f'<div class="mk-card"><a href="{esc(self.ctx.link(app))}" '
                         f'target="_self" class="mk-open-{app}">{esc(t("app." + app))}</a>'
                         f'<div class="mk-muted">{esc(t("home.about." + app))}</div></div>')
        apps = w.HTML(f"<h3>{esc(t('home.apps'))}</h3>"
                      f"<div class='mk-cards'>{''.join(cards)}</div>")
        if not self.ctx.may("personal_data"):
            role = t("access.role." + self.ctx.role)
            return [w.HTML(f"<p>{esc(t('home.intro_role', role=role))}</p>"), apps]
        glance = w.HTML()
        glance.add_class("mk-glance")
        if self.ctx.programme_id is None:
            glance.value = f"<p>{esc(t('home.no_programme'))}</p>"
        else:
            s = self.stats()
            items = [("active", "caseload"), ("overdue", "caseload"), ("waiting", "match_finder"),
                     ("long_wait", "caseload"), ("proposals", "caseload"),
                     ("checks_expired", "intake")]
            glance.value = "".join(
                f'<a class="mk-stat" href="{esc(self.ctx.link(app))}" target="_self" '
                f'style="text-decoration:none;color:inherit"><b>{s[key]}</b>'
                f'{esc(t("home.stat." + key))}</a>' for key, app in items)
            glance.value += self.check_warnings()
        if self.ctx.hub_user is not None:  # logged in through the hub: that name is the actor
            you: w.Widget = w.HTML(
                f"<p class='mk-hub-user'><b>{esc(t('home.coordinator'))}:</b> "
                f"{esc(self.ctx.hub_user)} <span class='mk-muted'>"
                f"{esc(t('home.coordinator_hint'))}</span></p>")
        else:
            self.name_field = Field("coordinator", w.Text(value=self.ctx.actor,
                                                          layout=w.Layout(width="260px")),
                                    t("home.coordinator"), t("home.coordinator_hint"))
            save = w.Button(description=t("home.save_name"), button_style="primary")
            save.add_class("mk-save-name")
            save.on_click(lambda _b: self._save_name())
            you = w.HBox([self.name_field.box, save], layout=w.Layout(align_items="flex-end"))
        return [
            w.HTML(f"<p>{esc(t('home.intro'))}</p>"),
            w.HTML(f"<h3>{esc(t('home.glance', programme=self.ctx.programme_name))}</h3>"),
            glance,
            apps,
            w.HTML(f"<h3>{esc(t('home.you'))}</h3>"),
            you,
        ]

    @guarded("save name")
    def _save_name(self) -> None:
        name = self.name_field.widget.value.strip()
        if not name:
            self.name_field.set_error(self.t("error.required"))
            return
        self.name_field.set_error(None)
        self.ctx.set_coordinator(name)
        self.shell.refresh()
        self.message.show("ok", self.t("home.name_saved", actor=name))


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The home app as a widget (what the dashboard notebook shows)."""
    return launch(HomeApp, db=db, programme=programme, lang=lang)


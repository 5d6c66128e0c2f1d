"""Courses and events: plan a course, a mentor training or a network meeting; record who came.

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = EventsApp(Context.open(":memory:"))
>>> a.attendance_per_person().empty
True
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.ui.common import (
    Field,
    esc,
    fmt_date,
    grid,
    html_table,
    search_mask,
    section,
    vlabel,
)
from mentorkit.ui.forms import FieldError, Input, problems_to_errors
from mentorkit.ui.shell import App, guarded, launch

__all__ = ["EventsApp", "app"]

MAX_ROWS = 60
MAX_CANDIDATES = 100


class EventsApp(App):
    """Plan events and register attendance."""

    name = "events"
    needs = "personal_data"
    event_id: int | None  # the event shown; set by the first load, kept by the later ones

    def load(self) -> None:
        store, pid = self.ctx.store, self.ctx.programme_id or -1
        self.events = store.table("event", programme_id=pid).sort_values(
            ["date", "id"], ascending=False, kind="stable")
        self.attendance = store.table("attendance", event_id=self.events["id"].tolist())
        self.people = store.table("person", programme_id=pid)
        self.people = self.people[self.people["erased_at"].isna()]
        self._names = self.ctx.person_labels(self.people)
        if not hasattr(self, "event_id") or self.event_id not in set(self.events["id"]):
            self.event_id = int(self.events["id"].iloc[0]) if len(self.events) else None

    def attendance_per_person(self) -> pd.DataFrame:
        """Events attended per person and kind, most active first.

        Columns: person_id, role, one per event kind, total.
        """
        kinds = list(vocab.EVENT_KINDS.codes)
        if self.attendance.empty:
            return pd.DataFrame(columns=["person_id", "role", *kinds, "total"])
        a = self.attendance.merge(self.events[["id", "kind"]], left_on="event_id", right_on="id",
                                  suffixes=("", "_event"))
        table = pd.crosstab(a["person_id"], a["kind"]).reindex(columns=kinds, fill_value=0)
        table["total"] = table.sum(axis=1)
        table = table.reset_index().rename(columns={"index": "person_id"})
        roles = self.people.set_index("id")["role"]
        table["role"] = table["person_id"].map(roles)
        table = table[table["role"].notna()]
        return table.sort_values(["total", "person_id"], ascending=[False, True],
                                 kind="stable")[["person_id", "role", *kinds, "total"]]

    # ---------------------------------------------------------------- layout
    def build(self) -> list[w.Widget]:
        return [self._plan_section(), self._events_section(), self._who_came_section(),
                self._per_person_section()]

    def _plan_section(self) -> w.Widget:
        t, lang = self.t, self.ctx.lang
        self.new: dict[str, Input] = {"kind": Input("vocab", lang, vocab.EVENT_KINDS),
                                      "title": Input("text", lang),
                                      "date": Input("date", lang),
                                      "location": Input("text", lang)}
        self.new["kind"].set("course")
        self.new["location"].set(self.ctx.programme.get("site"))
        self.new_fields = {k: Field("event_" + k, i.widget, t("event." + k),
                                    t("form.date_format") if i.kind == "date" else "")
                           for k, i in self.new.items()}
        save = w.Button(description=t("events.save"), button_style="primary", icon="calendar")
        save.add_class("mk-save-event")
        save.on_click(lambda _b: self.plan_event())
        return section(t("events.plan"), grid([f.box for f in self.new_fields.values()]), save,
                       css="mk-plan")

    def _events_section(self) -> w.Widget:
        t = self.t
        self.events_box = w.HTML(self._events_html())
        self.events_box.add_class("mk-events-table")
        self.events_title = w.HTML(f"<h3>{esc(t('events.list', n=len(self.events)))}</h3>")
        box = w.VBox([self.events_title, self.events_box])
        box.add_class("mk-section")
        return box

    def _events_html(self) -> str:
        """The events table with each event's attendee count as stored now."""
        t = self.t
        counts = self.attendance.groupby("event_id").size()
        rows, classes = [], []
        for e in self.events.head(MAX_ROWS).to_dict("records"):
            upcoming = pd.Timestamp(e["date"]).date() >= self.ctx.today
            rows.append([fmt_date(e["date"]),
                         esc(vlabel(vocab.EVENT_KINDS, e["kind"], self.ctx.lang)),
                         esc(e["title"]), esc(e["location"]), str(int(counts.get(e["id"], 0)))])
            classes.append("due_soon" if upcoming else "")
        more = (f"<p class='mk-muted'>{esc(t('events.more', n=len(self.events) - MAX_ROWS))}</p>"
                if len(self.events) > MAX_ROWS else "")
        body = html_table([t("event." + c) for c in ("date", "kind", "title", "location",
                                                     "attendees")], rows, classes, numeric=[4])
        return f"<div style='max-height:320px;overflow-y:auto'>{body}</div>{more}"

    def _who_came_section(self) -> w.Widget:
        t = self.t
        if self.event_id is None:
            return section(t("events.who_came"), w.HTML(f"<p>{esc(t('events.none'))}</p>"))
        options = [(f"{fmt_date(e['date'])} {e['title'] or ''}", int(e["id"]))
                   for e in self.events.head(200).to_dict("records")]
        self.event_pick = w.Dropdown(options=options, value=self.event_id,
                                     layout=w.Layout(width="420px"))
        self.event_pick.add_class("mk-event-pick")
        self.event_pick.observe(self._event_changed, "value")
        self.attendees = w.Select(rows=8, layout=w.Layout(width="360px"))
        self.attendees.add_class("mk-attendees")
        remove = w.Button(description=t("events.remove"), icon="user-minus")
        remove.add_class("mk-remove-attendee")
        remove.on_click(lambda _b: self.remove_attendee(self.attendees.value))
        self.search = w.Text(placeholder=t("intake.search_hint"), layout=w.Layout(width="260px"))
        self.search.add_class("mk-attendee-search")
        self.candidates = w.VBox(layout=w.Layout(max_height="260px", overflow="auto",
                                                 width="380px", border="1px solid #e3e7ee",
                                                 padding="2px 6px"))
        self.candidates.add_class("mk-candidates")
        self.ticks: dict[int, w.Checkbox] = {}
        self.search.observe(lambda _c: self._fill_candidates(), "value")
        add = w.Button(description=t("events.add_ticked"), button_style="primary",
                       icon="user-plus")
        add.add_class("mk-add-attendees")
        add.on_click(lambda _b: self.add_attendees(self.ticked()))
        self.count = w.HTML()
        self.candidates_note = w.HTML()
        self._fill_attendees()
        left = w.VBox([w.HTML(f"<b>{esc(t('events.came'))}</b>"), self.count, self.attendees,
                       remove], layout=w.Layout(margin="0 32px 0 0"))
        right = w.VBox([w.HTML(f"<b>{esc(t('events.add_person'))}</b>"), self.search,
                        self.candidates, self.candidates_note, add])
        return section(t("events.who_came"), self.event_pick,
                       w.HBox([left, right]), css="mk-who-came")

    def _per_person_section(self) -> w.Widget:
        self.per_person_title = w.HTML()
        self.per_person_box = w.HTML()
        self.per_person_box.add_class("mk-per-person")
        self._fill_per_person()
        box = w.VBox([self.per_person_title, self.per_person_box])
        box.add_class("mk-section")
        return box

    def _fill_per_person(self) -> None:
        t = self.t
        table = self.attendance_per_person()
        kinds = list(vocab.EVENT_KINDS.codes)
        rows = [[esc(self._names.get(int(r["person_id"]), f"#{r['person_id']}")),
                 esc(vlabel(vocab.ROLES, r["role"], self.ctx.lang)),
                 *[str(int(r[k])) for k in kinds], f"<b>{int(r['total'])}</b>"]
                for r in table.head(MAX_ROWS).to_dict("records")]
        headers = [t("person"), t("field.role"),
                   *[vlabel(vocab.EVENT_KINDS, k, self.ctx.lang) for k in kinds],
                   t("events.total")]
        body = html_table(headers, rows, numeric=range(2, 3 + len(kinds)))
        self.per_person_title.value = f"<h3>{esc(t('events.per_person', n=len(table)))}</h3>"
        self.per_person_box.value = f"<div style='max-height:320px;overflow-y:auto'>{body}</div>"

    # ---------------------------------------------------------------- attendance
    def _event_changed(self, change: dict[str, Any]) -> None:
        self.event_id = change["new"]
        self._fill_attendees()

    def _came(self) -> list[int]:
        rows = self.attendance[self.attendance["event_id"] == self.event_id]
        return [int(p) for p in rows["person_id"]]

    def _fill_attendees(self) -> None:
        came = self._came()
        options = sorted(((self._names.get(p, f"#{p}"), p) for p in came), key=lambda o: o[0])
        self.attendees.options = options
        text = self.t("events.n_came", n=len(came))
        self.count.value = f"<span class='mk-muted'>{esc(text)}</span>"
        self._fill_candidates()

    def _refresh_counts(self) -> None:
        """After attendance changed: re-read it, and show the new counts everywhere at once
        (the list of who came, the events table, the per-person table)."""
        self.attendance = self.ctx.store.table("attendance", event_id=self.events["id"].tolist())
        self._fill_attendees()
        self.events_box.value = self._events_html()
        if hasattr(self, "per_person_box"):
            self._fill_per_person()

    def _fill_candidates(self) -> None:
        """One tick box per person not yet registered, filtered by the search (name, e-mail,
        phone: digits match however the number is spaced); the ticks made are kept."""
        came = set(self._came())
        kept = {pid for pid, box in getattr(self, "ticks", {}).items() if box.value}
        people = self.people[~self.people["id"].isin(list(came))]
        people = people[search_mask(people, self.search.value, self._names)]
        opts = sorted(((self._names.get(int(p), f"#{p}"), int(p)) for p in people["id"]),
                      key=lambda o: o[0])
        old = list(self.candidates.children)
        self.ticks = {}
        for label, pid in opts[:MAX_CANDIDATES]:
            box = w.Checkbox(value=pid in kept, description=label, indent=False,
                             layout=w.Layout(width="auto"))
            box.add_class(f"mk-tick-{pid}")
            self.ticks[pid] = box
        self.candidates.children = tuple(self.ticks.values())
        for item in old:
            item.close()
        more = len(opts) - MAX_CANDIDATES
        self.candidates_note.value = (f"<span class='mk-muted'>"
                                      f"{esc(self.t('events.more_people', n=more))}</span>"
                                      if more > 0 else "")

    def ticked(self) -> list[int]:
        """The people ticked in the list of candidates."""
        return [pid for pid, box in self.ticks.items() if box.value]

    @guarded("add attendee")
    def add_attendee(self, person_id: int | None) -> None:
        """Record that ``person_id`` came to the chosen event."""
        if person_id is not None:
            self.add_attendees([person_id])

    @guarded("add attendees")
    def add_attendees(self, person_ids: list[int]) -> int:
        """Record that everyone in ``person_ids`` came to the chosen event, in one
        transaction (all or nothing); returns how many were added."""
        came = set(self._came())
        new = [int(p) for p in dict.fromkeys(person_ids) if int(p) not in came]
        if self.event_id is None or not new:
            self.message.show("info", self.t("events.none_ticked"))
            return 0
        self.ctx.store.attendance.add_many(
            [{"event_id": int(self.event_id), "person_id": p} for p in new])
        self._refresh_counts()
        if len(new) == 1:
            self.message.show("ok", self.t("events.added", who=self._names.get(new[0], "")))
        else:
            self.message.show("ok", self.t("events.added_many", n=len(new)))
        return len(new)

    @guarded("remove attendee")
    def remove_attendee(self, person_id: int | None) -> None:
        """Take ``person_id`` off the chosen event's attendance."""
        if person_id is None or self.event_id is None:
            return
        rows = self.attendance[(self.attendance["event_id"] == self.event_id)
                               & (self.attendance["person_id"] == person_id)]
        for row_id in rows["id"]:
            self.ctx.store.attendance.delete(int(row_id))
        self._refresh_counts()
        self.message.show("ok", self.t("events.removed", who=self._names.get(int(person_id), "")))

    @guarded("plan event")
    def plan_event(self) -> int | None:
        """Write the event typed in; returns its id."""
        values, errors = {}, {}
        for k, inp in self.new.items():
            try:
                values[k] = inp.get()
            except FieldError as err:
                errors[k] = self.t(err.key)
        for k in ("kind", "date", "title"):
            if values.get(k) is None:
                errors.setdefault(k, self.t("error.required"))
        row = {"programme_id": self.ctx.programme_id, **values}
        frame = conform("event", pd.DataFrame([row]))[list(row)]
        for k, msg in problems_to_errors(validate_frame("event", frame), self.ctx.lang).items():
            errors.setdefault(k, msg)
        for k, f in self.new_fields.items():
            f.set_error(errors.get(k))
        if errors:
            self.message.show("error", self.t("intake.fix_fields", n=len(errors)))
            return None
        new_id = self.ctx.store.events.add(**row)
        self.event_id = new_id
        self.load()
        self.event_id = new_id
        self.render()
        self.message.show("ok", self.t("events.saved", title=values["title"],
                                       date=fmt_date(values["date"])))
        return new_id


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The courses-and-events app as a widget (what the dashboard notebook shows)."""
    return launch(EventsApp, db=db, programme=programme, lang=lang)

"""Programme overview: progress against each grant target, the funnel, matches over time, referrers.

For a programme and a period (the whole programme, a grant's period, a year, or typed dates).
The tables are there at once; the charts are drawn just after (a second or so), so the page
is usable while matplotlib works.

Every count shown is published: it comes from a table suppressed by
:func:`mentorkit.privacy.suppress` (counts under ``MENTORKIT_MIN_CELL``, default 5, and the
counts that would let one be worked out from a total, are hidden), with the tables that share
a total linked (:mod:`mentorkit.ui.published`). A hidden count shows as ``x``, in tables and
charts alike, as in reports; a share that would reveal it is hidden too, and a hidden bar is
placed after the shown ones. Every role may open the overview: it reads person rows without
names, contact details or notes, and shows none.

A role that may not see people (funder, researcher) chooses among periods on fixed grains only
(the whole programme, a grant's period, a year, a quarter, a month: no dates of its own, and
never "until today"), checked by :func:`mentorkit.privacy.period_grains.period_for`, so that
two periods a day apart cannot be compared.

Example
-------
>>> from mentorkit.ui.context import Context
>>> a = OverviewApp(Context.open(":memory:"))
>>> a.progress().empty, a.charts_ready.wait(30)
(True, True)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from mentorkit import vocab
from mentorkit.config import Settings
from mentorkit.monitoring.progress import target_progress
from mentorkit.periods import PeriodRefused
from mentorkit.plots.overview import funnel_chart, matches_chart, png, referrals_chart, target_chart
from mentorkit.privacy.classes import privacy_class
from mentorkit.privacy.period_grains import any_period, fixed_periods, period_for
from mentorkit.ui.common import Field, esc, fmt_date, html_table, report_error, section, vlabel
from mentorkit.ui.forms import FieldError, Input
from mentorkit.ui.published import HIDDEN, Figures, figures
from mentorkit.ui.shell import App, guarded, launch

__all__ = ["OverviewApp", "app"]

_DRAWING = threading.Lock()  # matplotlib's pyplot is not for two threads at once


class OverviewApp(App):
    """Grant targets and programme figures for a period."""

    name = "overview"
    needs = "aggregates"

    def load(self) -> None:
        store, pid = self.ctx.store, self.ctx.programme_id or -1
        self.min_cell = Settings.from_env().min_cell
        self.grants = store.table("grant", programme_id=pid)
        self.targets = store.table("target", grant_id=self.grants["id"].tolist())
        people = store.table("person", programme_id=pid)
        self.people = people[[c for c in people.columns  # counts need no names or notes
                              if privacy_class("person", c) not in ("direct", "free_text")]]
        self.matches = store.table("match", programme_id=pid)
        self.outcomes = store.table("outcome", person_id=self.people["id"].tolist())
        self.events = store.table("event", programme_id=pid)
        self.attendance = store.table("attendance", event_id=self.events["id"].tolist())
        self.partners = store.table("partner", programme_id=pid)
        prog = self.ctx.programme
        self.any_period = any_period(self.ctx.role)
        self.start: dt.date | None = _date(prog.get("start_date"))
        end = _date(prog.get("end_date"))
        self.end: dt.date | None = min(end, self.ctx.today) if end else self.ctx.today
        if not self.any_period:
            self.start, self.end = self._whole()
        self.period_key = "all"

    def _whole(self) -> tuple[dt.date | None, dt.date | None]:
        """The whole programme for a role on fixed grains: its period when it has both ends
        (a fixed period), else all time; never "until today", which moves every day."""
        prog = self.ctx.programme
        start, end = _date(prog.get("start_date")), _date(prog.get("end_date"))
        return (start, end) if start and end else (None, None)

    def fixed(self) -> list[Any]:
        """The fixed periods besides the grains: the grants' and the programme's."""
        prog = self.ctx.programme
        own = pd.DataFrame([{"start_date": prog.get("start_date"),
                             "end_date": prog.get("end_date")}])
        return fixed_periods(self.grants, own)

    # ---------------------------------------------------------------- figures
    def progress(self) -> pd.DataFrame:
        """Target progress for the chosen period (true counts: for the app, never shown)."""
        return target_progress(self.targets, self.grants, self.people, self.matches,
                               self.outcomes, self.events, self.attendance, self.start, self.end)

    def figures(self) -> Figures:
        """What the page shows for the chosen period, every count suppressed."""
        return figures(self.targets, self.grants, self.people, self.matches, self.outcomes,
                       self.events, self.attendance, self.partners, self.start, self.end,
                       self.min_cell)

    def _periods(self) -> list[tuple[str, str]]:
        t = self.t
        options = [(t("overview.whole"), "all")]
        is_open = (self.grants["period_start"].isna() | self.grants["period_end"].isna()).tolist()
        for g, open_grant in zip(self.grants.itertuples(index=False), is_open):
            if not self.any_period and open_grant:
                continue  # an open grant is no fixed period
            options.append((f"{g.funder}: {g.title} ({fmt_date(g.period_start)} – "
                            f"{fmt_date(g.period_end)})", f"grant:{g.id}"))
        year = self.ctx.today.year
        options += [(t("overview.year", year=year), f"year:{year}"),
                    (t("overview.year", year=year - 1), f"year:{year - 1}")]
        if self.any_period:
            return options + [(t("overview.custom"), "custom")]
        # who may not see people: fixed grains only (mentorkit.privacy.period_grains)
        today = pd.Timestamp(self.ctx.today)
        quarters = pd.period_range(end=today.to_period("Q"), periods=4, freq="Q")[::-1]
        months = pd.period_range(end=today.to_period("M"), periods=6, freq="M")[::-1]
        options += [(t("overview.year", year=year - 2), f"year:{year - 2}")]
        options += [(str(q), f"quarter:{q}") for q in quarters]
        options += [(str(m), f"month:{m}") for m in months]
        return options

    def build(self) -> list[w.Widget]:
        t = self.t
        self.period = w.Dropdown(options=self._periods(), value=self.period_key,
                                 layout=w.Layout(width="520px"))
        self.period.add_class("mk-period")
        self.period.observe(self._period_chosen, "value")
        self.from_in, self.to_in = Input("date", self.ctx.lang), Input("date", self.ctx.lang)
        self.from_in.set(self.start)
        self.to_in.set(self.end)
        self.from_f = Field("from", self.from_in.widget, t("overview.from"))
        self.to_f = Field("to", self.to_in.widget, t("overview.to"))
        show = w.Button(description=t("overview.show"), button_style="primary")
        show.add_class("mk-show")
        show.on_click(lambda _b: self.apply_dates())
        # a role on fixed grains chooses from the list only: no dates of its own
        typed = [self.from_f.box, self.to_f.box, show] if self.any_period else []
        chooser = w.HBox([self.period, *typed],
                         layout=w.Layout(align_items="flex-end", flex_flow="row wrap"))
        note = w.HTML(f"<p class='mk-muted'>{esc(t('overview.suppressed', k=self.min_cell))}</p>")
        return [chooser, note, *self._figures()]

    def _figures(self) -> list[w.Widget]:
        t, lang, k = self.t, self.ctx.lang, self.min_cell
        self.shown = pub = self.figures()
        prog = pub.targets
        labels, rows = [], []
        for r in prog.to_dict("records"):
            group = ""
            value = r["group_value"]
            if isinstance(value, str) and value and r["group_field"] == "gender":
                group = vlabel(vocab.GENDERS, value, lang)
            elif isinstance(value, str) and value:
                group = value
            metric = vlabel(vocab.TARGET_METRICS, r["metric"], lang)
            name = f"{metric}: {group}" if group else metric
            labels.append(name)
            target, hidden = r["target"], pd.isna(r["shown"])
            share = "–" if hidden or not target else f"{int(r['shown']) / target:.0%}"
            width = 0 if hidden or not target else min(100, round(100 * int(r["shown"]) / target))
            bar = f'<span class="mk-bar"><span style="width:{width}%"></span></span>'
            rows.append([esc(f"{r['funder']}: {r['title']}"), esc(name),
                         f"{fmt_date(r['period_start'])} – {fmt_date(r['period_end'])}",
                         str(int(target)), HIDDEN if hidden else str(int(r["shown"])),
                         f"{bar} {esc(share)}"])
        table = w.HTML(html_table([t("overview.col." + c) for c in
                                   ("grant", "target", "period", "promised", "actual", "share")],
                                  rows, numeric=[3, 4]) if rows else
                       f"<p>{esc(t('overview.no_targets'))}</p>")
        table.add_class("mk-targets")
        jobs: list[tuple[w.Image, Callable[[], Any]]] = []

        def chart(make: Callable[[], Any]) -> w.Image:
            img = w.Image(format="png", layout=w.Layout(display="none", max_width="100%",
                                                        height="auto"))
            img.add_class("mk-chart")
            jobs.append((img, make))
            return img

        targets = [chart(lambda: target_chart(
            prog.assign(actual=prog["shown"]), labels, t("overview.targets"),
            t("overview.col.promised"), k))] if len(prog) else []
        out: list[w.Widget] = [section(t("overview.targets"), table, *targets)]
        fun = pub.funnel.assign(count=pub.funnel["shown"])
        stages = {s: t("overview.stage." + s) for s in fun["stage"]}
        refs = pub.referrals.assign(count=pub.referrals["shown"])
        over = pub.over_time.assign(count=pub.over_time["shown"])
        freq = pub.freq
        self.drawing = w.HTML(f"<p class='mk-muted'>{esc(t('overview.drawing'))}</p>")
        out.append(section(t("overview.figures"), self.drawing, w.HBox([
            chart(lambda: funnel_chart(fun, stages, t("overview.funnel"), k)),
            chart(lambda: referrals_chart(refs, t("overview.referrals"), k))],
            layout=w.Layout(flex_flow="row wrap")),
            chart(lambda: matches_chart(over, t("overview.per." + freq), freq, k,
                                        t("overview.hidden")))))
        self._draw_later(jobs)
        return out

    def _draw_later(self, jobs: list[tuple[w.Image, Callable[[], Any]]]) -> None:
        """Draw the charts after the page is up (a thread), so the tables are usable at once.

        A newer drawing (another period chosen) makes an older one stop; ``charts_ready`` is
        set when this one is done.
        """
        import matplotlib.pyplot as plt

        if "inline" in plt.get_backend():
            # The kernel's inline backend shows every open figure when a cell ends, also one
            # this thread is still drawing; a dashboard shows figures as images only.
            plt.switch_backend("agg")
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation
        ready = self.charts_ready = threading.Event()

        def work() -> None:
            try:
                for img, make in jobs:
                    if generation != self._generation:
                        return
                    with _DRAWING:
                        data = png(make())
                    width = int.from_bytes(data[16:20], "big")  # PNG header: natural size
                    img.value = data
                    img.layout.width = f"{width}px"
                    img.layout.display = None
                if generation == self._generation:
                    self.drawing.value = ""
            except Exception as err:  # noqa: BLE001 - a chart failing must not break the page
                ref = report_error(self.name, "draw charts", err)
                text = esc(self.t("error.unexpected", ref=ref))
                self.drawing.value = f"<p class='mk-field-error'>{text}</p>"
            finally:
                ready.set()

        # Not a daemon: a daemon thread killed at exit in the middle of drawing aborts the
        # process ("terminate called without an active exception"); exit waits for the charts.
        threading.Thread(target=work, name="mentorkit-charts", daemon=False).start()

    # ---------------------------------------------------------------- period
    def _period_chosen(self, change: dict[str, Any]) -> None:
        key = change["new"]
        if key == "custom":
            return
        prog = self.ctx.programme
        kind, _, value = key.partition(":")
        if key == "all":
            start, end = _date(prog.get("start_date")), _date(prog.get("end_date"))
            if not self.any_period:
                start, end = self._whole()
        elif kind == "grant":
            g = self.grants[self.grants["id"] == int(value)].iloc[0]
            start, end = _date(g["period_start"]), _date(g["period_end"])
        elif kind in ("quarter", "month"):
            p = pd.Period(value, freq="Q" if kind == "quarter" else "M")
            start, end = p.start_time.date(), p.end_time.date()
        else:
            year = int(value)
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        self.from_in.set(start)
        if self.any_period:   # a coordinator's figures run to today
            end = min(end, self.ctx.today) if end else self.ctx.today
        self.to_in.set(end)
        self.period_key = key
        self.apply_dates(keep_key=True)

    @guarded("change period")
    def apply_dates(self, keep_key: bool = False) -> None:
        """Show the figures for the dates typed in."""
        errors = {}
        values = {}
        for name, inp, f in (("from", self.from_in, self.from_f), ("to", self.to_in, self.to_f)):
            try:
                values[name] = inp.get()
            except FieldError as err:
                errors[name] = self.t(err.key)
            f.set_error(errors.get(name))
        if errors:
            return
        if values["from"] and values["to"] and values["from"] > values["to"]:
            self.to_f.set_error(self.t("rule.before_start"))
            return
        try:  # the one check of a period against the role (fixed grains unless people)
            period_for((values["from"], values["to"]), self.ctx.role, self.ctx.lang,
                       self.fixed())
        except PeriodRefused as err:
            self.to_f.set_error(str(err))
            return
        self.start, self.end = values["from"], values["to"]
        if not keep_key:
            self.period_key = "custom"
        self.render()


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def app(db: str | None = "", programme: str = "", lang: str = "") -> w.Widget:
    """The programme overview as a widget (what the dashboard notebook shows)."""
    return launch(OverviewApp, db=db, programme=programme, lang=lang)

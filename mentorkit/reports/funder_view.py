"""The funder report as a reader sees it: labelled, suppressed tables and plain sentences.

:class:`FunderReport` computes everything once (:mod:`mentorkit.monitoring.funder`, and
:mod:`mentorkit.outcomes` for the effect estimate), passes every table of counts through
:func:`mentorkit.privacy.suppress` and hands each section to the notebook as an object that
Jupyter shows as HTML, so that ``notebooks/funder_report.ipynb`` stays a list of calls.

Example
-------
>>> from mentorkit.synth import generate
>>> report = FunderReport.build(generate(seed=0, scale=0.3), programme="Vollsmose",
...                             period="2019", lang="da")
>>> report.period_text(), report.effect_summary.reason
('2019', 'too_few')
>>> "Virkning af at få en mentor" in report.effect()._repr_html_()
True
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Any, overload

import pandas as pd

from mentorkit import vocab
from mentorkit.i18n import Lang, check_lang
from mentorkit.monitoring import funder
from mentorkit.periods import parse_period, within
from mentorkit.privacy.suppression import renamed_min_cell, threshold
from mentorkit.reports.funder_text import REGION_LABELS, TEXT, t
from mentorkit.reports.tables import (
    MARK,
    NUMBERS,
    TOTAL,
    Html,
    cell,
    count_text,
    html_table,
    percent_text,
    published,
)

__all__ = ["FunderReport", "Html"]


@dataclass
class FunderReport:
    """Everything the funder report shows, computed once; one method per section."""

    lang: Lang
    min_cell: int
    programme: str
    period: str
    grant: str
    programme_name: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    data: funder.FunderData = field(repr=False)
    effect_summary: funder.EffectSummary = field(repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def k(self) -> int:
        """Deprecated: use :attr:`min_cell`."""
        import warnings

        warnings.warn("FunderReport.k is now FunderReport.min_cell", DeprecationWarning,
                      stacklevel=2)
        return self.min_cell

    @classmethod
    @renamed_min_cell("k")
    def build(cls, source: Any, programme: str = "", period: str = "", grant: str = "",
              lang: str = "en", min_cell: int | None = 0) -> FunderReport:
        """Read and compute the report from a Store or a Dataset (``min_cell``: the disclosure
        threshold; 0, the notebook's default: the setting ``MENTORKIT_MIN_CELL``).

        The period is checked against the configured role
        (:func:`mentorkit.privacy.period_grains.period_for`): a funder or researcher gets
        whole months, quarters, years, a grant's or the programme's period, or all time;
        another period raises :class:`~mentorkit.periods.PeriodRefused` in ``lang``."""
        lang = check_lang(lang)
        parse_period(period)                # a malformed period: the message says how to write one
        data = funder.FunderData.load(source, programme)
        data.grant_rows(grant)
        from mentorkit.privacy.period_grains import fixed_periods, period_for

        # who may not see people gets fixed grains only: no two periods a day apart
        start, end = span = period_for(period, lang=lang,
                                       fixed=fixed_periods(data.grant, data.programme))
        name = (str(data.programme["name"].iloc[0]) if programme not in (None, "")
                else t("all_programmes", lang))
        n, n_t, n_c = funder.effect_groups(data.person, data.match, data.outcome, start, end)
        if n == 0:
            effect = funder.EffectSummary(0, 0, reason="no_mentees")
        elif min(n_t, n_c) < funder.MIN_GROUP:
            effect = funder.EffectSummary(n_t, n_c, reason="too_few")
        else:
            from mentorkit.outcomes import analysis_table

            effect = funder.employment_effect(analysis_table(data, programme or None, span))
        return cls(lang, threshold(min_cell),
                   str(programme or ""), str(period or ""), str(grant or ""), name, start, end,
                   data, effect)

    # -- suppression -------------------------------------------------------------------
    @overload
    def publish(self, counts: pd.DataFrame, margins: bool = True) -> pd.DataFrame: ...
    @overload
    def publish(self, counts: pd.Series, margins: bool = True) -> pd.Series: ...
    def publish(self, counts: pd.DataFrame | pd.Series, margins: bool = True
                ) -> pd.DataFrame | pd.Series:
        """``counts`` as published: small counts, and those that would give them away,
        blank (``pd.NA``), by :func:`mentorkit.privacy.suppress`; with a ``Total`` row and
        column when ``margins`` (the totals are protected like the cells)."""
        from mentorkit.privacy import suppress

        if counts.empty:
            return counts
        return suppress(counts, min_cell=self.min_cell, margins=margins)

    # -- sections ----------------------------------------------------------------------
    def period_text(self) -> str:
        """The period in words: a year, years, two dates (… for an open end) or "all years"."""
        if self.start is None and self.end is None:
            return t("all_time", self.lang)
        if self.start is not None and self.end is not None \
                and self.start.is_year_start and self.end.is_year_end:
            a, b = self.start.year, self.end.year
            return str(a) if a == b else f"{a}–{b}"
        since, until = (f"{d:%Y-%m-%d}" if d is not None else "…"
                        for d in (self.start, self.end))
        return f"{since} – {until}"

    def header(self) -> Html:
        """Title, programme, period and the grants reported on."""
        grants = self.data.grant_rows(self.grant)
        if self.start is not None:
            grants = grants[grants["period_end"].isna() | (grants["period_end"] >= self.start)]
        if self.end is not None:
            grants = grants[grants["period_start"].isna() | (grants["period_start"] <= self.end)]
        listed = "; ".join(f"{html.escape(str(g.title))} ({html.escape(str(g.funder))})"
                           for g in grants.itertuples())
        place = ""
        if len(self.data.programme) == 1 and self.programme:
            p = self.data.programme.iloc[0]
            place = f" · {html.escape(str(p['city']))}"
        return Html(f"<h1>{t('title', self.lang)}: {html.escape(self.programme_name)}</h1>"
                    f"<p><b>{t('period', self.lang)}:</b> {self.period_text()}{place}<br>"
                    f"<b>{t('grant', self.lang)}:</b> {listed or '–'}</p>")

    def _recruited(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self._people()["gender"]

    def _people(self) -> dict[str, Any]:
        """People recruited by role and gender, and mentees by origin and gender, suppressed
        together (:mod:`mentorkit.privacy.joint`): the mentees by gender are the origin
        table's column totals, so what one hides the other must not give back. When more
        than half the origin table would be blank, origins are shown without gender."""
        if "people" in self._cache:
            return self._cache["people"]
        from mentorkit.privacy.joint import LinkedTable, suppress_jointly

        gender = funder.recruitment_by_gender(self.data.person, self.start, self.end)
        origin = funder.recruitment_by_origin(self.data.person, self.start, self.end,
                                              min_cell=self.min_cell)
        p = self.data.person
        p = p[within(p["registered_on"], (self.start, self.end))
              & p["role"].isin(list(gender.index))]
        mentees = p[p["role"] == "mentee"]
        pop = pd.DataFrame({"role": p["role"].astype("object"),
                            "gender": p["gender"].astype("object").where(p["gender"].notna(),
                                                                         "unknown"),
                            "origin": "(mentor)"}, index=p.index)
        pop.loc[mentees.index, "origin"] = funder.origin_groups(mentees, self.min_cell)
        by_gender = LinkedTable("gender", "role", "gender", row_order=list(gender.index),
                                column_order=list(gender.columns))
        mentee = {"role": ["mentee"]}

        targets = self._linked_targets()

        def joint(*tables: LinkedTable) -> dict[str, Any]:
            if gender.to_numpy().sum() == 0:
                return {t.name: self.publish(gender if t.name == "gender" else origin)
                        for t in tables}
            return suppress_jointly(pop, [*tables, *targets.values()], self.min_cell)

        out: dict[str, Any] = {"origin_no_gender": False}
        if origin.empty:
            shown = joint(by_gender)
            out["origin"] = (origin, origin)
        else:
            shown = joint(by_gender, LinkedTable("origin", "origin", "gender", where=mentee,
                                                 row_order=list(origin.index),
                                                 column_order=list(origin.columns)))
            inner = shown["origin"].drop(index=TOTAL, columns=TOTAL, errors="ignore")
            if origin.shape[1] > 1 and inner.isna().to_numpy().mean() > 0.5:
                shown = joint(by_gender, LinkedTable("origin", "origin", where=mentee,
                                                     row_order=list(origin.index)))
                out["origin_no_gender"] = True
                out["origin"] = (origin, shown["origin"].rename(TOTAL).to_frame())
            else:
                out["origin"] = (origin, shown["origin"])
        out["gender"] = (gender, shown["gender"])
        out["targets"] = {i: shown[t.name].iloc[0] for i, t in targets.items()
                          if t.name in shown}
        self._cache["people"] = out
        return out

    def _progress(self) -> pd.DataFrame:
        if "progress" not in self._cache:
            self._cache["progress"] = funder.grant_targets(self.data, self.start, self.end,
                                                           self.grant or None)
        return self._cache["progress"]

    def _linked_targets(self) -> dict[Any, Any]:
        """The participant targets counted over exactly the report's period: each is a cell
        of the recruitment table (mentees, of a gender or all), so it is suppressed with it
        (a one-cell table of the same population)."""
        from mentorkit.privacy.joint import LinkedTable

        progress = self._progress()
        out = {}
        for i, r in progress.iterrows():
            same = _same_day(r["period_start"], self.start) \
                and _same_day(r["period_end"], self.end)
            field_ = r["group_field"]
            if r["metric"] != "participants" or not same \
                    or (isinstance(field_, str) and field_ != "gender"):
                continue
            where: dict[str, list[Any]] = {"role": ["mentee"]}
            if isinstance(field_, str):
                where["gender"] = [r["group_value"]]
            out[i] = LinkedTable(f"target:{i}", "role", where=where, row_order=["mentee"])
        return out

    def _matches(self) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
        """Matches started (one count) and, of them, those that ended, by reason and how.

        How many are still running is not shown: with the count started it would give
        away the count ended when that one is small.
        """
        if "matches" not in self._cache:
            counts = funder.matches_started(self.data.match, self.start, self.end)
            ended = counts.drop(index="running", columns="running", errors="ignore")
            ended = ended[ended.sum(axis=1) > 0] if not ended.empty else ended
            started = self.publish(pd.Series([int(counts.to_numpy().sum())]),
                                   margins=False).iloc[0]
            self._cache["matches"] = (started, ended, self.publish(ended))
        return self._cache["matches"]

    def key_figures(self) -> Html:
        """Six numbers on cards: recruited, matched, completed, ended early, events."""
        _, people = self._recruited()
        started, _, matches = self._matches()
        events = funder.events_held(self.data.event, self.data.attendance, self.start, self.end)
        cards = [(cell(people, "mentee", TOTAL), "kf_mentees"),
                 (cell(people, "mentor", TOTAL), "kf_mentors"),
                 (started, "kf_started"),
                 (cell(matches, TOTAL, "completed"), "kf_completed"),
                 (cell(matches, TOTAL, "ended_early"), "kf_ended_early"),
                 (int(events["events"].sum()), "kf_events")]
        body = "".join(f"<div class=\"mk-figure\"><div class=\"mk-value\">{count_text(v)}</div>"
                       f"<div class=\"mk-label\">{t(key, self.lang)}</div></div>"
                       for v, key in cards)
        return Html(f"<h2>{t('key_figures', self.lang)}</h2><div class=\"mk-figures\">{body}</div>"
                    f"<p class=\"mk-note\">{t('mark_note', self.lang, k=self.min_cell)}</p>")

    def targets(self) -> Html:
        """Each grant's targets against what was achieved in the period, with a bar."""
        lang = self.lang
        progress = self._progress()
        head = f"<h2>{t('targets', lang)}</h2>"
        if progress.empty:
            return Html(head + f"<p>{t('no_targets', lang)}</p>")
        actual = self._target_actuals(progress)
        header = [t(c, lang) for c in ("col_metric", "col_target", "col_actual",
                                       "col_share")] + [""]
        parts, met = [], 0
        for _, grant in progress.groupby("grant_id", sort=False):
            rows = []
            for i, r in grant.iterrows():
                got = actual.at[i]
                a = published(got)
                reached = a is not None and a >= r["target"]
                met += reached
                share = min(1.0, a / r["target"]) if a is not None and r["target"] else 0.0
                bar = (f"<span class=\"mk-bar{' mk-met' if reached else ''}\">"
                       f"<span style=\"width:{100 * share:.0f}%\"></span></span>")
                rows.append([self._target_label(r), count_text(r["target"]), count_text(got),
                             percent_text(a, int(r["target"]), lang), bar if a is not None else ""])
            r0 = grant.iloc[0]
            parts.append(f"<h3>{html.escape(str(r0['title']))} "
                         f"<span class=\"mk-note\">({html.escape(str(r0['funder']))}; "
                         f"{t('col_counted', lang).lower()} {r0['period_start']:%Y-%m-%d} – "
                         f"{r0['period_end']:%Y-%m-%d})</span></h3>" + html_table(header, rows))
        note = t("targets_met", lang, met=met, n=len(progress))
        return Html(head + f"<p>{note}</p>" + "".join(parts))

    def _target_actuals(self, progress: pd.DataFrame) -> pd.Series:
        """Achieved counts, blank when small, or when a target for a group (women) and one
        for everybody (or, over exactly the report's period, the matches started it shows)
        would give the rest (men) away by subtraction. Participant targets over the report's
        period are suppressed with the recruitment table (:meth:`_people`)."""
        shown = self.publish(progress["actual"], margins=False).astype(object)
        for i, value in self._people()["targets"].items():   # linked to the recruitment
            shown.at[i] = value
        overall = {(g, m): a for g, m, f, a in zip(progress["grant_id"], progress["metric"],
                                                   progress["group_field"], progress["actual"])
                   if not isinstance(f, str)}
        started, _, _ = self._matches()
        for i, r in progress.iterrows():
            whole = overall.get((r["grant_id"], r["metric"]))
            if whole is None and r["metric"] == "matches" and not pd.isna(started) \
                    and _same_day(r["period_start"], self.start) \
                    and _same_day(r["period_end"], self.end):
                whole = int(started)    # the matches started, a key figure, is the whole
            if isinstance(r["group_field"], str) and whole is not None \
                    and 0 < whole - r["actual"] < self.min_cell:
                shown.at[i] = pd.NA
        return shown

    def _target_label(self, r: pd.Series) -> str:
        label = vocab.TARGET_METRICS.label(r["metric"], self.lang) \
            if r["metric"] in vocab.TARGET_METRICS else str(r["metric"])
        field_, value = r.get("group_field"), r.get("group_value")
        if isinstance(field_, str) and isinstance(value, str):
            v = vocab.ALL.get(field_)
            if field_ == "gender" and f"group_{value}" in TEXT:
                shown = t(f"group_{value}", self.lang)
            else:
                shown = v.label(value, self.lang).lower() if v is not None and value in v \
                    else f"{field_} = {value}"
            label += f" ({shown})"
        return html.escape(label)

    def recruitment(self) -> Html:
        """Mentees and mentors registered in the period by gender; mentees by origin."""
        lang = self.lang
        counts, shown = self._recruited()
        head = f"<h2>{t('recruitment', lang)}</h2>"
        if counts.to_numpy().sum() == 0:
            return Html(head + f"<p>{t('nobody', lang)}</p>")
        roles = {r: vocab.ROLES.label(r, lang) for r in vocab.ROLES.codes}
        return Html(head + f"<h3>{t('by_gender', lang)}</h3>" + self._crosstab(shown, roles)
                    + self._origin())

    def _origin(self) -> str:
        lang = self.lang
        people = self._people()
        counts, shown = people["origin"]
        if counts.empty:
            return ""
        labels = {}
        for code in counts.index:
            if code == "other":
                labels[code] = t("other_countries", lang)
            elif code.startswith("region:"):
                labels[code] = REGION_LABELS.text(code[7:], lang)
            else:
                labels[code] = (vocab.COUNTRIES.label(code, lang) if code in vocab.COUNTRIES
                                else code)
        note = t("origin_note", lang, k=self.min_cell)
        if people["origin_no_gender"]:
            note += " " + t("origin_no_gender", lang)
        return (f"<h3>{t('by_origin', lang)}</h3>" + self._crosstab(shown, labels)
                + f"<p class=\"mk-note\">{note}</p>")

    def _crosstab(self, shown: pd.DataFrame, rows: dict[str, str]) -> str:
        """A published table of counts by gender, its totals in bold."""
        lang = self.lang
        header = [""] + [t("total", lang) if c == TOTAL else vocab.GENDERS.label(c, lang)
                         if c in vocab.GENDERS else str(c) for c in shown.columns]
        body = [[html.escape(rows.get(r, str(r)))] + [count_text(v) for v in shown.loc[r]]
                for r in shown.index if r != TOTAL]
        total = ([t("total", lang)] + [count_text(v) for v in shown.loc[TOTAL]]
                 if TOTAL in shown.index else None)
        return html_table(header, body, total)

    def matches(self) -> Html:
        """The matches started in the period; of them, those ended: completed or early, why."""
        lang = self.lang
        started, ended, shown = self._matches()
        head = f"<h2>{t('matches', lang)}</h2>"
        if published(started) == 0:
            return Html(head + f"<p>{t('no_matches', lang)}</p>")
        n_ended = cell(shown, TOTAL, TOTAL)
        out = head + "<p>" + t("matches_intro", lang, n=f"<b>{count_text(started)}</b>",
                               m=f"<b>{count_text(n_ended)}</b>") + "</p>"
        if ended.empty:
            return Html(out)
        columns = {"completed": t("flow_completed", lang),
                   "ended_early": t("flow_ended_early", lang), TOTAL: t("total", lang)}
        body = [[html.escape(vocab.END_REASONS.label(r, lang))]
                + [count_text(v) for v in shown.loc[r]] for r in shown.index if r != TOTAL]
        total = ([t("total", lang)] + [count_text(v) for v in shown.loc[TOTAL]]
                 if TOTAL in shown.index else None)
        out += html_table([t("reason", lang)] + [columns[c] for c in shown.columns], body, total)
        c = published(cell(shown, TOTAL, "completed"))
        e = published(cell(shown, TOTAL, "ended_early"))
        if c is not None and e is not None and c + e:
            out += f"<p>{t('completion_rate', lang, pct=percent_text(c, c + e, lang))}</p>"
        return Html(out)

    def _outcomes(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if "outcomes" not in self._cache:
            counts = funder.outcomes_by_phase(self.data.person, self.data.match,
                                              self.data.outcome, self.start, self.end)
            parts = ["employed", "in_education", "other"]
            shown = pd.DataFrame({phase: self.publish(counts.loc[phase, parts])
                                  for phase in counts.index}).T
            self._cache["outcomes"] = (counts, shown)
        return self._cache["outcomes"]

    def outcomes(self) -> Html:
        """Mentees matched in the period: in work, in education or neither at each phase."""
        lang = self.lang
        counts, shown = self._outcomes()
        cohort = int(counts["cohort"].iloc[0])
        head = f"<h2>{t('outcomes', lang)}</h2>"
        if cohort == 0:
            return Html(head + f"<p>{t('nobody', lang)}</p>")
        rows = []
        for phase in shown.index:
            n = published(shown.at[phase, TOTAL])
            row = [vocab.OUTCOME_PHASES.label(phase, lang), count_text(shown.at[phase, TOTAL])]
            for c in ("employed", "in_education", "other"):
                v = shown.at[phase, c]
                pct = percent_text(published(v), n, lang)
                note = f" <span class=\"mk-note\">({pct})</span>" if pct else ""
                row.append(count_text(v) + note)
            rows.append(row)
        intro = t("outcomes_intro", lang)
        header = [t(c, lang) for c in ("phase", "recorded", "employed", "in_education",
                                       "neither")]
        return Html(head + f"<p>{intro}</p>" + html_table(header, rows)
                    + f"<p class=\"mk-note\">{t('not_yet', lang)}</p>" + self._outcome_chart())

    def _outcome_chart(self) -> str:
        """Bars of the share in work per phase (published counts only)."""
        import matplotlib.pyplot as plt

        from mentorkit.plots import PALETTE, figure

        _, shown = self._outcomes()
        phases, shares, marks = [], [], []
        for phase in shown.index:
            n, v = published(shown.at[phase, TOTAL]), published(shown.at[phase, "employed"])
            phases.append(vocab.OUTCOME_PHASES.label(phase, self.lang))
            shares.append(100 * v / n if n and v is not None else 0.0)
            marks.append(f"{shares[-1]:.0f}%" if n and v is not None else MARK)
        if marks.count(MARK) > len(marks) - 2:
            return ""
        fig, ax = figure(6.4, 2.6)
        bars = ax.bar(phases, shares, color=PALETTE["treated"], width=0.6)
        ax.bar_label(bars, labels=marks, padding=2)
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
        ax.set_title(t("figure_title", self.lang), loc="left")
        ax.grid(axis="x", visible=False)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode()
        return f"<img alt=\"{t('figure_title', self.lang)}\" src=\"data:image/png;base64,{data}\">"

    def effect(self) -> Html:
        """The effect of having a mentor on work 12 months after, where the numbers allow.

        The two group sizes it quotes are published counts too (small ones blank)."""
        lang, e = self.lang, self.effect_summary
        head = f"<h2>{t('effect', lang)}</h2>"
        if e.reason == "no_mentees":
            return Html(head + f"<p>{t('effect_no_mentees', lang)}</p>")
        groups = self.publish(pd.Series([e.n_treated, e.n_control]), margins=False)
        nt, nc = (count_text(n) for n in groups)
        if e.reason == "too_few":
            return Html(head + "<p>" + t("effect_too_few", lang, nt=nt, nc=nc,
                                         min=funder.MIN_GROUP) + "</p>")
        mt, mc, est, lo, hi = e.mean_treated, e.mean_control, e.estimate, e.ci_low, e.ci_high
        if not e.ok or mt is None or mc is None or est is None or lo is None or hi is None:
            return Html(head + f"<p>{t('effect_not_estimable', lang)}</p>")

        def pct(x: float) -> str:
            return NUMBERS.text("percent", lang, value=f"{100 * x:.0f}")

        def pp(x: float) -> str:
            return f"{100 * x:+.0f}".replace("-", "−")

        text = t("effect_ok", lang, treated=pct(mt), control=pct(mc), diff=pp(est), low=pp(lo),
                 high=pp(hi), nt=nt, nc=nc)
        unclear = f" {t('effect_unclear', lang)}" if lo <= 0 <= hi else ""
        return Html(head + f"<p>{text}{unclear}</p>"
                    f"<p class=\"mk-note\">{t('effect_caveat', lang)}</p>")

    def events(self) -> Html:
        """Courses and events held: how many, attendances, distinct participants."""
        lang = self.lang
        held = funder.events_held(self.data.event, self.data.attendance, self.start, self.end)
        head = f"<h2>{t('events', lang)}</h2>"
        if held.empty:
            return Html(head + f"<p>{t('no_events', lang)}</p>")
        attendances = self.publish(held["attendances"], margins=False)
        participants = self.publish(held["participants"], margins=False)
        rows = [[vocab.EVENT_KINDS.label(k, lang), count_text(held.at[k, "events"]),
                 count_text(attendances[k]), count_text(participants[k])] for k in held.index]
        return Html(head + html_table([t(c, lang) for c in ("kind", "n_events", "attendances",
                                                         "participants")], rows))

    def about(self, notebook: str = "funder_report.ipynb") -> Html:
        """How the report was made: threshold, version, notebook and parameters."""
        from mentorkit import __version__

        params = ", ".join(f"{k}={v!r}" for k, v in (("programme", self.programme),
                                                    ("period", self.period),
                                                    ("grant", self.grant), ("lang", self.lang)))
        return Html(f"<h2>{t('about', self.lang)}</h2><p class=\"mk-note\">"
                    + html.escape(t("about_text", self.lang, k=self.min_cell, version=__version__,
                                    notebook=notebook, params=params)) + "</p>")


def _same_day(a: Any, b: Any) -> bool:
    """Both missing (an open end) or the same day."""
    if a is None or pd.isna(a) or b is None or pd.isna(b):
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
    return bool(pd.Timestamp(a).normalize() == pd.Timestamp(b).normalize())

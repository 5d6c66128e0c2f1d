"""What the network notebook needs: a selection of the tables, a graph, findings in words.

Keeps the notebook thin: :func:`restrict` cuts the tables to a programme and a period,
:func:`build` makes the graph the ``graph_kind`` parameter names, :func:`published_flow`
is the partner table as it may be shown (through :func:`mentorkit.privacy.suppress`), and
:func:`findings` writes plain-language findings in Danish, English or Dutch (ids, never
names; partner figures only from the published table).

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.2)
>>> t = restrict(Tables.of(ds), programme="Vollsmose", period="2019/2020")
>>> set(t.match["programme_id"]) <= {1}
True
>>> "mentor" in findings(t, lang="en")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.errors import UnknownProgramme, ValidationError
from mentorkit.i18n import Catalogue
from mentorkit.model.tables import read_tables
from mentorkit.network._backend import Backend, Graph, node_table
from mentorkit.network.builders import event_graph, relationship_graph
from mentorkit.network.community import communities
from mentorkit.network.metrics import degrees, projection, summary
from mentorkit.network.published import (
    LOAD_CLASSES,
    _ratio,
    _sum,
    mentor_load,
    published_growth,
    threshold,
    top_mentors,
)
from mentorkit.network.referral import partner_flow, referral_graph
from mentorkit.network.timeline import growth
from mentorkit.periods import parse_period
from mentorkit.privacy.suppression import suppress
from mentorkit.programmes import programme_id
from mentorkit.vocab import Lang

__all__ = ["Tables", "parse_period", "restrict", "build", "findings", "published_flow",
           "FLOW_COUNTS", "KINDS"]

KINDS = ("relationship", "event", "referral", "referral_flow")
FLOW_COUNTS = ("referred", "matched", "outcome_known", "employed", "education",
               "employed_matched", "known_matched")
"""The count columns of :func:`~mentorkit.network.partner_flow`."""
TOTAL = "Total"


@dataclass(frozen=True)
class Tables:
    """The tables network analysis reads (as ``store.table(name)`` returns them)."""

    person: pd.DataFrame
    match: pd.DataFrame
    partner: pd.DataFrame
    outcome: pd.DataFrame
    event: pd.DataFrame
    attendance: pd.DataFrame
    programme: pd.DataFrame | None = None

    @classmethod
    def of(cls, dataset: Any) -> Tables:
        """The tables of a Store, a :class:`~mentorkit.model.dataset.Dataset` or a mapping of
        table name to DataFrame such as a research extract
        (:func:`mentorkit.store.extracts.research_tables`), read with
        :func:`~mentorkit.model.tables.read_tables`; ``programme`` may be missing from a
        mapping.

        Example
        -------
        >>> from mentorkit.synth import generate
        >>> from mentorkit.privacy.extract import research_extract
        >>> tables = research_extract(generate(seed=0, scale=0.2), key="an-example-key-not-real")
        >>> Tables.of(tables).person["id"].str.len().unique().tolist()
        [16]
        """
        tables: dict[str, Any] = read_tables(
            dataset, [f.name for f in fields(cls) if f.name != "programme"])
        if not isinstance(dataset, Mapping) or "programme" in dataset:  # optional in an extract
            tables.update(read_tables(dataset, ["programme"]))
        return cls(**tables)


def restrict(t: Tables, programme: str | int | None = None, period: str | None = None) -> Tables:
    """The tables cut to one programme (id or name) and to a period.

    ``period`` is read by :func:`mentorkit.periods.parse_period` (re-exported here as
    ``parse_period``): "2021", "2021Q2", "2019/2022", "2020-03/2021-06", "2019/" and so on.

    Kept: people registered by the end of the period; matches that ran during it (and
    proposals made in it); events held in it and their attendance; all outcomes of the
    people kept. A match whose mentor is missing (in a research extract, a mentor who did
    not consent to research) is kept with its mentee: the mentee still counts as matched,
    but the pair is no edge of a graph.

    ``programme`` is a name (case-insensitive) or an id as the programme table writes it (a
    number, or the pseudonym of a research extract).
    """
    p, m, pa, e, a = t.person, t.match, t.partner, t.event, t.attendance
    if programme not in (None, ""):
        pid = _programme_id(t, programme)
        p, m = p[p["programme_id"] == pid], m[m["programme_id"] == pid]
        pa, e = pa[pa["programme_id"] == pid], e[e["programme_id"] == pid]
    first, last = parse_period(period)
    if last is not None:
        p = p[p["registered_on"].isna() | (p["registered_on"] <= last)]
        m = m[m["started_on"].notna() & (m["started_on"] <= last)
              | m["started_on"].isna() & (m["proposed_on"] <= last)]
        e = e[e["date"] <= last]
    if first is not None:
        m = m[m["ended_on"].isna() & m["started_on"].notna() | (m["ended_on"] >= first)
              | m["started_on"].isna() & (m["proposed_on"] >= first)]
        e = e[e["date"] >= first]
    a = a[a["event_id"].isin(e["id"]) & a["person_id"].isin(p["id"])]
    o = t.outcome[t.outcome["person_id"].isin(p["id"])]
    m = m[m["mentee_id"].isin(p["id"]) & (m["mentor_id"].isna() | m["mentor_id"].isin(p["id"]))]
    return replace(t, person=p, match=m, partner=pa, event=e, attendance=a, outcome=o)


def _programme_id(t: Tables, programme: str | int) -> Any:
    """The programme's id as the tables write it: by id (number or pseudonym), then name."""
    if t.programme is not None:
        return programme_id(t.programme, programme)
    if str(programme).strip().isdigit():
        return int(str(programme).strip())
    raise UnknownProgramme(f"no programme called {programme!r} (the tables have ids only)")



def build(kind: Literal["relationship", "event", "referral", "referral_flow"], t: Tables, *,
          backend: Backend = "networkx") -> Graph:
    """The graph called ``kind`` from the tables (see :data:`KINDS`)."""
    if kind == "relationship":
        return relationship_graph(t.match, t.person, backend=backend)
    if kind == "event":
        return event_graph(t.attendance, t.person, t.event, backend=backend)
    if kind in ("referral", "referral_flow"):
        return referral_graph(t.person, t.partner, t.match, t.outcome, backend=backend,
                              level="person" if kind == "referral" else "partner")
    raise ValidationError(f"graph kind must be one of {', '.join(KINDS)} (got {kind!r})")


def published_flow(t: Tables, phase: str = "followup_12m", min_cell: int | None = 0
                   ) -> pd.DataFrame:
    """:func:`~mentorkit.network.partner_flow` as it may be shown: each count column through
    :func:`mentorkit.privacy.suppress` with its total (row ``Total``), so that no blank can
    be worked out from the totals, and the shares from the published counts only.

    ``min_cell`` is the disclosure threshold (0 or None: ``Settings.min_cell``). Blanks are
    ``pd.NA``; a share is blank where a count it is built on is.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> t = Tables.of(generate(seed=0, scale=0.2))
    >>> flow, raw = published_flow(t, min_cell=5), partner_flow(t.person, t.partner, t.match,
    ...                                                          t.outcome)
    >>> flow.index[-1], int(flow.at["Total", "referred"]) == int(raw["referred"].sum())
    ('Total', True)
    >>> bool(flow["referred"].isna().any()), int(flow["referred"].min()) >= 5
    (True, True)
    """
    k = threshold(min_cell)
    flow = partner_flow(t.person, t.partner, t.match, t.outcome, phase=phase)
    if flow.empty:
        return flow
    out = pd.DataFrame({c: suppress(flow[c], k) for c in FLOW_COUNTS})
    if TOTAL not in out.index:              # one partner: it is its own total
        out.loc[TOTAL] = out.iloc[0]
    out.index.name = flow.index.name
    out.insert(0, "programme_id", flow["programme_id"].reindex(out.index).array)
    out.insert(0, "kind", flow["kind"].reindex(out.index).to_numpy())
    share = out[list(FLOW_COUNTS)].astype("Float64")
    out["matched_share"] = share["matched"] / share["referred"]
    out["employed_share"] = share["employed"] / share["outcome_known"].where(
        share["outcome_known"] > 0)
    out["employed_share_matched"] = share["employed_matched"] / share["known_matched"].where(
        share["known_matched"] > 0)
    return out


TEXT = Catalogue("network.findings", {
    "mentors": {"da": "**Hvem er mentor mest.** {busy} mentorer havde mindst én mentee; de "
                      "travleste ({top}) havde {counts} mentees. Den typiske (median) mentor "
                      "havde {median:g}.",
                "en": "**Who mentors most.** {busy} mentors had at least one mentee; the busiest "
                      "({top}) mentored {counts} mentees. The median mentor had {median:g}.",
                "nl": "**Wie is het vaakst mentor.** {busy} mentoren hadden minstens één "
                      "mentee; de drukste ({top}) begeleidden {counts} mentees. De mediane "
                      "mentor had er {median:g}."},
    "repeat": {"da": "**Gengangere.** {repeat} af {busy} mentorer ({share}) havde to eller flere "
                     "mentees; {idle} registrerede mentorer fik aldrig en. Mentorer kom igen til "
                     "en ny mentee {returning} gange, heraf {cross} i et andet program.",
               "en": "**Repeat mentors.** {repeat} of {busy} mentors ({share}) mentored two or "
                     "more mentees; {idle} registered mentors never had one. Mentors came back "
                     "for another mentee {returning} times, {cross} of them in another "
                     "programme.",
               "nl": "**Terugkerende mentoren.** {repeat} van de {busy} mentoren ({share}) "
                     "begeleidden twee of meer mentees; {idle} ingeschreven mentoren kregen er "
                     "nooit een. Mentoren kwamen {returning} keer terug voor een nieuwe mentee, "
                     "{cross} keer in een ander programma."},
    "flow": {"da": "**Fra henvisning til resultat.** {partners} samarbejdspartnere henviste "
                   "{referred} deltagere; {matched:.0%} fik et mentorforløb. Blandt dem med et "
                   "registreret resultat ({phase}) var {employed:.0%} i job: {emp_m:.0%} af dem "
                   "med mentor og {emp_u:.0%} af de andre (en rå forskel, ikke en effekt af "
                   "programmet). {best}",
             "en": "**From referral to outcome.** {partners} partners referred {referred} "
                   "participants; {matched:.0%} began a mentorship. Of those with an outcome "
                   "recorded ({phase}), {employed:.0%} were employed: {emp_m:.0%} of the matched "
                   "and {emp_u:.0%} of the others (a raw difference, not a programme effect). "
                   "{best}",
             "nl": "**Van verwijzing tot resultaat.** {partners} partners verwezen {referred} "
                   "deelnemers; {matched:.0%} begon een mentortraject. Van wie een resultaat is "
                   "vastgelegd ({phase}) had {employed:.0%} werk: {emp_m:.0%} van wie een "
                   "mentor had en {emp_u:.0%} van de anderen (een ruw verschil, geen effect van "
                   "het programma). {best}"},
    "best": {"da": "Den højeste andel i job kom via {partner} ({kind}): {share:.0%}.",
             "en": "The highest employment share came through {partner} ({kind}): {share:.0%}.",
             "nl": "Het hoogste aandeel met werk kwam via {partner} ({kind}): {share:.0%}."},
    "events": {"da": "**Netværk gennem arrangementer.** {events} arrangementer samlede {people} "
                     "personer ({roles}). Gennem arrangementerne mødte medianpersonen {met:g} "
                     "andre, og {giant} hænger sammen i ét netværk. Louvain finder {k} "
                     "fællesskaber (modularitet {q:.2f}); {align} er i et fællesskab domineret "
                     "af deres eget program.",
               "en": "**Event network.** {events} events brought together {people} people "
                     "({roles}). Through events the median person met {met:g} others, and "
                     "{giant} belong to one connected network. Louvain finds {k} communities "
                     "(modularity {q:.2f}); {align} of people sit in a community led by their "
                     "own programme.",
               "nl": "**Netwerk via bijeenkomsten.** {events} bijeenkomsten brachten {people} "
                     "mensen samen ({roles}). Via bijeenkomsten ontmoette de mediane persoon "
                     "{met:g} anderen, en {giant} hoort bij één samenhangend netwerk. Louvain "
                     "vindt {k} gemeenschappen (modulariteit {q:.2f}); {align} zit in een "
                     "gemeenschap die door het eigen programma wordt gedomineerd."},
    "growth": {"da": "**Mentorkorpsets vækst.** Aktive mentorer pr. år gik fra {first} i {y0} "
                     "til højst {peak} i {ypeak} ({last} i {y1}); {new} mentorer fik deres "
                     "første mentee. I gennemsnit var {retention} af et års aktive mentorer også "
                     "aktive året efter.",
               "en": "**Growth of the mentor corps.** Active mentors per year went from {first} "
                     "in {y0} to a peak of {peak} in {ypeak} ({last} in {y1}); {new} mentors "
                     "took a first mentee. On average {retention} of the mentors active in one "
                     "year were active the next.",
               "nl": "**Groei van het mentorenbestand.** Actieve mentoren per jaar gingen van "
                     "{first} in {y0} naar een piek van {peak} in {ypeak} ({last} in {y1}); "
                     "{new} mentoren kregen hun eerste mentee. Gemiddeld was {retention} van de "
                     "actieve mentoren van een jaar het jaar erna nog actief."},
    "none": {"da": "**{what}.** Intet at vise i dette udvalg.",
             "en": "**{what}.** Nothing to report in this selection.",
             "nl": "**{what}.** Niets te melden in deze selectie."},
    "what": {"da": "Mentorer|Gengangere|Fra henvisning til resultat|Netværk gennem "
                   "arrangementer|Vækst",
             "en": "Mentors|Repeat mentors|From referral to outcome|Event network|Growth",
             "nl": "Mentoren|Terugkerende mentoren|Van verwijzing tot resultaat|Netwerk via "
                   "bijeenkomsten|Groei"},
})
"""The words of :func:`findings`, by key."""


def findings(t: Tables, lang: Lang = "en", *, phase: str = "followup_12m",
             min_cell: int | None = 0, top: int = 3, seed: int = 0) -> str:
    """Plain-language findings (Markdown) on mentors, repeat mentors, partner flow,
    the event network and the growth of the mentor corps. Node ids only, no names.

    Every count quoted comes from a published table of :mod:`mentorkit.network.published`
    or through :func:`mentorkit.privacy.suppress` (threshold ``min_cell``; 0 takes
    ``MENTORKIT_MIN_CELL``); a hidden count reads ``..``, and so does a share built on one.
    Medians are order statistics of the data, not counts of people; the numbers of partners,
    events and communities count organisations, events and groups.
    """
    T = TEXT.in_lang(lang)  # UnknownLanguage for anything but da, en or nl
    k = threshold(min_cell)
    what = T["what"].split("|")
    R = relationship_graph(t.match, t.person)
    out: list[str] = []
    deg = degrees(R)
    role = node_table(R, ("role",))["role"]
    loads = deg[(role == "mentor").to_numpy()]
    busy: Any = 0
    if (loads > 0).any():
        load = mentor_load(R, k)
        busy = _sum(load[LOAD_CLASSES[1]], load[LOAD_CLASSES[2]])
        lead = top_mentors(R, n=top, min_cell=k)["mentees"]
        out.append(T["mentors"].format(busy=_n(busy), top=", ".join(lead.index),
                                       counts=", ".join(_n(x) for x in lead),
                                       median=float(loads[loads > 0].median())))
        g = growth(R, "year")
        out.append(T["repeat"].format(
            repeat=_n(load[LOAD_CLASSES[2]]), busy=_n(busy),
            share=_pct(_ratio(load[LOAD_CLASSES[2]], busy)), idle=_n(load[LOAD_CLASSES[0]]),
            returning=_n(_one(int(g["returning_mentors"].sum()), k)),
            cross=_n(_one(int(g["cross_programme_mentors"].sum()), k))))
    else:
        out += [T["none"].format(what=what[0]), T["none"].format(what=what[1])]
    out.append(_flow_text(t, T, lang, phase, k, what[2]))
    out.append(_event_text(t, T, lang, seed, k, what[3]))
    out.append(_growth_text(R, T, k, what[4], busy))
    return "\n\n".join(out)


def _n(value: Any) -> str:
    """A published count as text; a blank as ``..``."""
    return ".." if value is None or pd.isna(value) else str(int(value))


def _pct(value: Any) -> str:
    return ".." if value is None or pd.isna(value) else f"{float(value):.0%}"


def _one(count: int, k: int) -> Any:
    """A single count shown on its own (no total): primary suppression only."""
    return suppress(pd.Series([count]), k, margins=False).iloc[0]


def _flow_text(t: Tables, T: dict[str, str], lang: Lang, phase: str, min_cell: int,
               what: str) -> str:
    flow = published_flow(t, phase=phase, min_cell=min_cell)
    if not len(flow):
        return T["none"].format(what=what)
    total = flow.loc[TOTAL]
    assert isinstance(total, pd.Series)  # published_flow has one total row
    needed = ["referred", "matched", "outcome_known", "employed", "employed_matched",
              "known_matched"]
    if total[needed].isna().any() or total["outcome_known"] < max(min_cell, 1):
        return T["none"].format(what=what)
    matched = total["known_matched"]
    unmatched = total["outcome_known"] - matched
    emp_m = total["employed_matched"] / matched if matched else np.nan
    emp_u = ((total["employed"] - total["employed_matched"]) / unmatched
             if unmatched else np.nan)
    parts = flow.drop(index=TOTAL)
    ok = parts[(parts["outcome_known"] >= min_cell) & (parts["employed"] >= min_cell)
               & parts["employed_share"].notna()].astype({"employed_share": "float64"})
    best = ""
    if len(ok):
        name = ok["employed_share"].idxmax()
        kind = ok.at[name, "kind"]
        best = T["best"].format(partner=name, share=ok.at[name, "employed_share"],
                                kind=vocab.PARTNER_KINDS.label(kind, lang)
                                if isinstance(kind, str) and kind in vocab.PARTNER_KINDS
                                else kind)
    return T["flow"].format(partners=len(parts), referred=int(total["referred"]),
                            matched=total["matched"] / total["referred"],
                            phase=vocab.OUTCOME_PHASES.label(phase, lang)
                            if phase in vocab.OUTCOME_PHASES else phase,
                            employed=total["employed"] / total["outcome_known"],
                            emp_m=emp_m, emp_u=emp_u, best=best).strip()


def _event_text(t: Tables, T: dict[str, str], lang: Lang, seed: int, k: int, what: str) -> str:
    E = event_graph(t.attendance, t.person, t.event)
    if E.number_of_edges() == 0:
        return T["none"].format(what=what)
    people = [v for v, s in E.nodes(data="bipartite") if s == 0]
    roles = pd.Series([E.nodes[v]["role"] for v in people]).value_counts().sort_index()
    shown = suppress(roles.astype("int64"), k, margins=len(roles) > 1)
    everyone = shown.iloc[-1]
    P = projection(E, 0)
    C = communities(P, seed=seed)
    prog = pd.Series({v: E.nodes[v].get("programme_id") for v in people})
    group = C.membership.reindex(prog.index)
    lead = prog.groupby(group).agg(  # type: ignore[type-var]  # the stubs bar a None result
        lambda s: s.value_counts().index[0] if s.notna().any() else None)
    aligned = int((prog == group.map(lead)).sum())
    largest = summary(P).largest_component
    names = {r: vocab.ROLES.label(r, lang) for r in roles.index if r in vocab.ROLES}
    return T["events"].format(
        events=int(sum(1 for _, s in E.nodes(data="bipartite") if s == 1)), people=_n(everyone),
        roles=", ".join(f"{name}: {_n(shown.get(r))}" for r, name in names.items()),
        met=float(degrees(P).median()), giant=_pct(_ratio(_one(largest, k), everyone)),
        k=len(C), q=C.modularity, align=_pct(_ratio(_one(aligned, k), everyone)))


def _growth_text(R: Graph, T: dict[str, str], k: int, what: str, busy: Any) -> str:
    """``busy`` is the mentors with a mentee as the first paragraph published it (the total
    of the new mentors per year), so the two never differ in what they hide."""
    g = growth(R, "year")
    if not len(g) or g["active_mentors"].max() == 0:
        return T["none"].format(what=what)
    shown = published_growth(g, k)
    a = shown["active_mentors"]
    known = a.dropna()
    peak = known.idxmax() if len(known) else a.index[0]
    retained = _one(int(g["retained_mentors"].sum()), k)
    before = _one(int(g["active_mentors"].iloc[:-1].sum()), k)
    return T["growth"].format(first=_n(a.iloc[0]), y0=a.index[0], peak=_n(a.get(peak)),
                              ypeak=peak, last=_n(a.iloc[-1]), y1=a.index[-1],
                              new=_n(busy),
                              retention=_pct(_ratio(retained, before)))

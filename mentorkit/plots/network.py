"""Figures of the networks: a drawing, degree distributions, growth lines, partner flow.

Every figure starts from :func:`mentorkit.plots.figure`; nodes are coloured by role (or
community) and labelled with their ids (``"mentor:12"``) or pseudonyms passed in, never
names. Layouts are cached, so redrawing a graph keeps its shape.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit import network
>>> ds = generate(seed=0, scale=0.2)
>>> G = network.relationship_graph(ds.match, ds.person)
>>> fig, ax = draw_network(G, seed=1)
>>> layout(G, seed=1) is layout(G, seed=1)
True
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.i18n import Catalogue, check_lang
from mentorkit.network import Communities, Summary, summary, to_networkx
from mentorkit.network._backend import is_igraph
from mentorkit.plots import PALETTE, SEQUENCE, figure
from mentorkit.vocab import Lang

__all__ = ["layout", "draw_network", "degree_distribution", "growth_lines", "partner_flow",
           "ROLE_COLOURS"]

ROLE_COLOURS: dict[str, str] = {
    "mentor": PALETTE["mentor"], "mentee": PALETTE["mentee"], "partner": PALETTE["partner"],
    "resource_person": PALETTE["other"], "event": PALETTE["neutral"],
    "stage": PALETTE["highlight"], "outcome": PALETTE["treated"],
}

WORDS = Catalogue("plots.network", {
    "network": {"da": "Netværk: {kind}", "en": "Network: {kind}", "nl": "Netwerk: {kind}"},
    "degree": {"da": "Antal forbindelser pr. knude", "en": "Number of ties per node",
               "nl": "Aantal verbindingen per knoop"},
    "degree_x": {"da": "forbindelser (grad)", "en": "ties (degree)", "nl": "verbindingen (graad)"},
    "nodes": {"da": "knuder", "en": "nodes", "nl": "knopen"},
    "growth": {"da": "Mentorkorpsets vækst", "en": "Growth of the mentor corps",
               "nl": "Groei van het mentorenbestand"},
    "active_pairs": {"da": "aktive par", "en": "active pairs", "nl": "actieve koppels"},
    "active_mentors": {"da": "aktive mentorer", "en": "active mentors", "nl": "actieve mentoren"},
    "new_mentors": {"da": "nye mentorer", "en": "new mentors", "nl": "nieuwe mentoren"},
    "returning_mentors": {"da": "mentorer der kom igen", "en": "returning mentors",
                          "nl": "terugkerende mentoren"},
    "flow": {"da": "Fra henvisning til resultat", "en": "From referral to outcome",
             "nl": "Van verwijzing tot resultaat"},
    "referred": {"da": "henvist", "en": "referred", "nl": "verwezen"},
    "matched": {"da": "fik mentor", "en": "matched", "nl": "gekoppeld"},
    "employed": {"da": "i job", "en": "employed", "nl": "met werk"},
    "people": {"da": "personer", "en": "people", "nl": "personen"},
    "event": {"da": "Arrangement", "en": "Event", "nl": "Bijeenkomst"},
    "partner": {"da": "Samarbejdspartner", "en": "Partner", "nl": "Partner"},
    "stage": {"da": "Trin", "en": "Stage", "nl": "Fase"},
    "outcome": {"da": "Resultat", "en": "Outcome", "nl": "Resultaat"},
    "shown": {"da": "største komponenter, {n} af {t} knuder",
              "en": "largest components, {n} of {t} nodes",
              "nl": "grootste componenten, {n} van {t} knopen"},
    "suppressed": {"da": "tom: færre end {k}", "en": "blank: fewer than {k}",
                   "nl": "leeg: minder dan {k}"},
    "community": {"da": "fællesskab", "en": "community", "nl": "gemeenschap"},
    "hidden": {"da": "skjult (få personer)", "en": "hidden (few people)",
               "nl": "verborgen (weinig mensen)"},
    "quarter_hidden": {"da": "kvartal med skjulte tal", "en": "quarter with hidden counts",
                       "nl": "kwartaal met verborgen aantallen"},
})
"""The words of the figures, by key."""

_CACHE: OrderedDict[tuple[Any, ...], dict[Any, np.ndarray]] = OrderedDict()
_CACHE_SIZE = 32


def _role_label(role: str, lang: Lang) -> str:
    if role in vocab.ROLES:
        return vocab.ROLES.label(role, lang)
    return WORDS.text(role, lang) if role in WORDS else role


def layout(G: nx.Graph, seed: int = 0) -> dict[Any, np.ndarray]:
    """Node positions: each component laid out on its own, packed largest first (cached).

    The cache key is the graph's nodes and edges and the seed, so the same graph gets the
    very same positions object back.
    """
    key = (seed, tuple(sorted(map(str, G))), tuple(sorted(tuple(sorted(map(str, e)))
                                                          for e in G.edges())))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(U)),
                   key=lambda c: (-len(c), str(c[0])))
    total = sum(len(c) for c in comps)
    width = max(1.0, math.sqrt(total) * 1.3)
    pos: dict[Any, np.ndarray] = {}
    x = y = row = 0.0
    for comp in comps:
        side = max(0.6, math.sqrt(len(comp)) * 0.9)
        if x + side > width and x > 0:
            x, y, row = 0.0, y - row - 0.4, 0.0
        if len(comp) == 1:
            local = {comp[0]: np.zeros(2)}
        else:
            local = nx.spring_layout(U.subgraph(comp), seed=seed, iterations=80)
        pts = np.array(list(local.values()))
        span = np.ptp(pts, axis=0).max() if len(pts) > 1 else 1.0
        centre = pts.mean(axis=0)
        for v, p in local.items():
            pos[v] = (p - centre) / (span or 1.0) * side * 0.85 + np.array(
                [x + side / 2, y - side / 2])
        x += side + 0.4
        row = max(row, side)
    _CACHE[key] = pos
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return pos


def draw_network(G: Any, ax: Any = None, *, communities: Communities | None = None,
                 sizes: pd.Series | None = None,
                 label_top: int = 5, labels: Mapping[Any, str] | None = None,
                 drop_isolates: bool = True, max_nodes: int = 2_000, seed: int = 0,
                 lang: str = "en", title: str | None = None) -> tuple[Any, Any]:
    """Draw a graph: nodes coloured by role (or by community), the ``label_top``
    best-connected nodes labelled with their id (or ``labels[node]``, e.g. a pseudonym).

    Large graphs show their largest components up to ``max_nodes`` nodes (said in the
    title; when the largest component alone is bigger, the ``max_nodes`` nodes nearest its
    best-connected node); isolated nodes are left out unless ``drop_isolates=False``.

    ``sizes`` is the published community-size table
    (:func:`mentorkit.network.published.community_sizes`): communities whose size is blank
    there are drawn all in one neutral colour, so the drawing does not tell them apart
    either. A drawing is not a count table: it shows one dot per node (ids only on the
    few labelled ones) and is meant for the analysis, not for tables of counts.
    """
    lang = check_lang(lang)
    words = WORDS.in_lang(lang)
    G = to_networkx(G) if is_igraph(G) else G
    total = G.number_of_nodes()
    H = G.subgraph([v for v, d in G.degree() if d > 0]) if drop_isolates else G
    note = ""
    if H.number_of_nodes() > max_nodes:
        U = H.to_undirected(as_view=True) if H.is_directed() else H
        keep: list[Any] = []
        for comp in sorted(nx.connected_components(U), key=len, reverse=True):
            if len(keep) + len(comp) > max_nodes:
                if not keep:  # one component too big: the nodes nearest its busiest node
                    hub = max(comp, key=lambda v: (U.degree(v), str(v)))
                    order = [hub] + [v for _, v in nx.bfs_edges(U, hub)]
                    keep = order[:max_nodes]
                break
            keep.extend(comp)
        H = H.subgraph(keep)
        note = " (" + words["shown"].format(n=len(keep), t=total) + ")"
    if ax is None:
        fig, ax = figure(8, 6)
    else:
        fig = ax.figure
    pos = layout(H, seed=seed)
    nodes = list(H)
    if communities is not None:
        member = communities.membership.reindex(nodes)
        if sizes is not None:
            blank = {c for c, n in sizes.items() if pd.isna(n)}
            member = member.where(~member.isin(blank))
        colours = [SEQUENCE[int(c) % len(SEQUENCE)] if pd.notna(c) else PALETTE["neutral"]
                   for c in member]
    else:
        colours = [ROLE_COLOURS.get(H.nodes[v].get("role"), PALETTE["neutral"]) for v in nodes]
    deg = dict(H.degree())
    node_sizes = [12 + 10 * math.sqrt(deg[v]) for v in nodes]
    arrows = {"arrows": True, "arrowsize": 6} if H.is_directed() else {}
    nx.draw_networkx_edges(H, pos, ax=ax, width=0.5, alpha=0.35, edge_color=PALETTE["neutral"],
                           **arrows)
    nx.draw_networkx_nodes(H, pos, nodelist=nodes, node_color=colours, node_size=node_sizes, ax=ax,
                           linewidths=0)
    top = sorted(nodes, key=lambda v: (-deg[v], str(v)))[:label_top]
    for i, v in enumerate(top):   # alternately above and below, so neighbours do not collide
        ax.annotate((labels or {}).get(v, str(v)), pos[v], xytext=(0, 9 if i % 2 == 0 else -11),
                    textcoords="offset points", ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.75})
    if communities is None:
        present = sorted({H.nodes[v].get("role") for v in nodes} - {None})
        for role in present:
            ax.scatter([], [], color=ROLE_COLOURS.get(role, PALETTE["neutral"]),
                       label=_role_label(role, lang))
        if present:
            ax.legend(loc="upper right", fontsize=8)
    ax.set_axis_off()
    kind = G.graph.get("kind") or ""
    ax.set_title((title or words["network"].format(kind=kind)) + note)
    return fig, ax


def degree_distribution(G: Any, ax: Any = None, *, lang: str = "en") -> tuple[Any, Any]:
    """Nodes per number of ties, one line per role (log scale when degrees spread).

    ``G`` is a graph, its :class:`~mentorkit.network.Summary`, or a published table of
    nodes by degree (rows) and role (columns) from
    :func:`mentorkit.network.published.degree_table`, whose blank cells are gaps.
    """
    if isinstance(G, pd.DataFrame):
        table = G.astype("Float64").astype("float64")
        dists = {str(role): table[role] for role in table.columns}
    else:
        S = G if isinstance(G, Summary) else summary(G)
        dists = S.degree_distribution
    lang = check_lang(lang)
    words = WORDS.in_lang(lang)
    if ax is None:
        fig, ax = figure(6, 3.8)
    else:
        fig = ax.figure
    spread = 1
    for role, dist in dists.items():
        ax.plot(dist.index, dist.to_numpy(dtype=float), marker="o", ms=3,
                color=ROLE_COLOURS.get(role, PALETTE["neutral"]), label=_role_label(role, lang))
        spread = max(spread, int(dist.index.max()) if len(dist) else 1)
    if spread > 20:
        ax.set_xscale("symlog")
        ax.set_yscale("log")
    ax.set_xlabel(words["degree_x"])
    ax.set_ylabel(words["nodes"])
    ax.set_title(words["degree"])
    ax.legend()
    return fig, ax


def growth_lines(growth: pd.DataFrame, *, lang: str = "en") -> tuple[Any, Any]:
    """Active pairs and mentors over time (left); new and returning mentors (right).

    ``growth`` is :func:`mentorkit.network.growth` or, to show, its published form
    :func:`mentorkit.network.published.published_growth`. A blank count is never drawn as
    zero: lines break there, bars are side by side (not stacked on a blank), and every
    period with a blank gets a grey hatched band named in the legend.
    """
    lang = check_lang(lang)
    words = WORDS.in_lang(lang)
    fig, (a, b) = figure(10, 3.8, ncols=2)
    x: Any = (growth.index.to_timestamp() if isinstance(growth.index, pd.PeriodIndex)
              else growth.index)
    growth = growth[["active_pairs", "active_mentors", "new_mentors", "returning_mentors"]]
    growth = growth.apply(pd.to_numeric, errors="coerce").astype("float64")
    step = np.diff(x).min() if len(x) > 1 else pd.Timedelta(days=90)
    for ax, cols in ((a, ["active_pairs", "active_mentors"]),
                     (b, ["new_mentors", "returning_mentors"])):
        blank = growth[cols].isna().any(axis=1).to_numpy()
        for i, at in enumerate(x[blank]):
            ax.axvspan(at - step * 0.45, at + step * 0.45, facecolor="none",
                       edgecolor=PALETTE["neutral"], hatch="///", linewidth=0, alpha=0.5,
                       label=words["quarter_hidden"] if i == 0 else None)
    a.plot(x, growth["active_pairs"], color=PALETTE["treated"], marker=".",
           label=words["active_pairs"])
    a.plot(x, growth["active_mentors"], color=PALETTE["mentor"], marker=".",
           label=words["active_mentors"])
    a.set_ylim(bottom=0)
    a.legend(fontsize=8)
    a.set_title(words["growth"])
    width = step * 0.4
    b.bar(x - width / 2, growth["new_mentors"], width=width, color=PALETTE["mentor"],
          label=words["new_mentors"])
    b.bar(x + width / 2, growth["returning_mentors"], width=width,
          color=PALETTE["highlight"], label=words["returning_mentors"])
    b.legend(fontsize=8)
    return fig, (a, b)


def partner_flow(flow: pd.DataFrame, *, lang: str = "en", min_cell: int | None = None,
                 ) -> tuple[Any, Any]:
    """Per partner: referred, of whom matched, of whom employed (nested bars, counts).

    ``flow`` is :func:`mentorkit.network.partner_flow`'s table; a blanked (suppressed) cell
    has no bar (never a bar of zero) and an "x" where it would start, and, when
    ``min_cell`` is given, the caption says so.
    """
    lang = check_lang(lang)
    words = WORDS.in_lang(lang)
    fig, ax = figure(7, 0.45 * max(len(flow), 3) + 1.2)
    y = np.arange(len(flow))
    kinds = [vocab.PARTNER_KINDS.label(k, lang) if k in vocab.PARTNER_KINDS else str(k)
             for k in flow["kind"]]
    names = [f"{p} · {k}" for p, k in zip(flow.index, kinds)]
    for column, colour, h in (("referred", PALETTE["neutral"], 0.8),
                              ("matched", PALETTE["treated"], 0.55),
                              ("employed", PALETTE["mentor"], 0.3)):
        values = pd.to_numeric(flow[column], errors="coerce").astype(float)
        shown = values.notna().to_numpy()
        ax.barh(y[shown], values[shown], height=h, color=colour, alpha=0.85,
                label=words[column])
        for at in y[~shown]:
            ax.annotate("x", (0, at), xytext=(2, 0), textcoords="offset points",
                        va="center", fontsize=8, color=colour)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(words["people"])
    ax.set_title(words["flow"])
    ax.legend(loc="lower right")
    if min_cell:
        ax.annotate(words["suppressed"].format(k=min_cell), (1, -0.12),
                    xycoords="axes fraction", ha="right", fontsize=7)
    return fig, ax

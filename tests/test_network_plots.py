"""Network figures: drawn from ids only, in three languages, with a cached layout."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mentorkit import network  # noqa: E402
from mentorkit.plots import PALETTE  # noqa: E402
from mentorkit.plots import network as plots  # noqa: E402
from mentorkit.synth import generate  # noqa: E402


@pytest.fixture(scope="module")
def ds():
    return generate(seed=0, scale=0.3)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_draw_relationships_ids_only(ds) -> None:
    G = network.relationship_graph(ds.match, ds.person)
    fig, ax = plots.draw_network(G, label_top=4, lang="da")
    points = ax.collections[1].get_offsets()
    assert len(points) == sum(1 for _, d in G.degree() if d > 0)        # isolates left out
    texts = _texts(fig)
    labels = [t for t in texts if ":" in t and not t.startswith("Netværk")]
    assert len(labels) == 4 and all(t.startswith(("mentor:", "mentee:")) for t in labels)
    assert {"Mentor", "Mentee"} <= set(texts)                            # legend, Danish
    names = set(ds.person["first_name"]) | set(ds.person["last_name"])
    assert not any(word in names for t in texts for word in t.replace("·", " ").split())
    colours = {tuple(c) for c in ax.collections[1].get_facecolors().round(3)}
    assert len(colours) == 2


def test_pseudonyms_replace_ids(ds) -> None:
    G = network.relationship_graph(ds.match, ds.person)
    top = max(G.degree(), key=lambda x: x[1])[0]
    fig, _ = plots.draw_network(G, label_top=1, labels={top: "P-0001"})
    assert "P-0001" in _texts(fig) and top not in _texts(fig)


def test_layout_is_cached() -> None:
    G = nx.barbell_graph(4, 1)
    a = plots.layout(G, seed=2)
    assert plots.layout(G.copy(), seed=2) is a
    assert plots.layout(G, seed=3) is not a
    assert set(a) == set(G)


def test_large_graph_is_cut_to_its_largest_components(ds) -> None:
    E = network.event_graph(ds.attendance, ds.person, ds.event, backend="igraph")
    fig, ax = plots.draw_network(E, max_nodes=150, lang="en")
    assert "largest components" in ax.get_title()
    assert len(ax.collections[1].get_offsets()) <= 150


def test_communities_colour_the_nodes() -> None:
    G = nx.barbell_graph(5, 0)
    C = network.communities(G, seed=0)
    fig, ax = plots.draw_network(G, communities=C, drop_isolates=False)
    assert len({tuple(c) for c in ax.collections[1].get_facecolors().round(3)}) == 2


def test_degree_distribution_one_line_per_role(ds) -> None:
    G = network.relationship_graph(ds.match, ds.person)
    fig, ax = plots.degree_distribution(G, lang="nl")
    assert len(ax.lines) == 2 and ax.get_title() == "Aantal verbindingen per knoop"
    S = network.summary(G)
    mentor = [line for line in ax.lines if line.get_color() == PALETTE["mentor"]][0]
    assert list(mentor.get_xdata()) == list(S.degree_distribution["mentor"].index)


def test_growth_and_partner_flow(ds) -> None:
    g = network.growth(network.relationship_graph(ds.match, ds.person), "quarter")
    fig, (a, b) = plots.growth_lines(g)
    assert len(a.lines) == 2 and len(b.patches) == 2 * len(g)
    flow = network.partner_flow(ds.person, ds.partner, ds.match, ds.outcome, min_cell=5)
    fig, ax = plots.partner_flow(flow, lang="en", min_cell=5)
    shown = sum(int(pd.to_numeric(flow[c], errors="coerce").notna().sum())
                for c in ("referred", "matched", "employed"))
    assert len(ax.patches) == shown          # a blank cell has no bar, not a bar of zero
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert all(t.startswith("partner:") for t in ticks)
    assert "blank: fewer than 5" in _texts(fig)
    assert not set(ds.partner["name"]) & set(_texts(fig))

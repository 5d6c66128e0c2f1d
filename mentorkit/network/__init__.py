"""Network analysis of mentor relationships, referrals and events.

Builders turn the store's DataFrames into graphs (never reading the database): who
mentors whom (:func:`relationship_graph`), who meets whom at events (:func:`event_graph`),
who refers whom and with what result (:func:`referral_graph`, :func:`partner_flow`) and
any two-mode edge list (:func:`bipartite`). Metrics read any of them: :func:`summary`,
:func:`projection`, :func:`centrality`, :func:`communities`, :func:`growth`.

The tables are the store's, a data set's, or a research extract's
(:func:`mentorkit.store.extracts.research_tables`, read with :meth:`Tables.of`), whose
ids are pseudonyms. What a notebook shows goes through :mod:`mentorkit.network.published`
(every count through :func:`mentorkit.privacy.suppress`).

Node labels are ids (``"mentor:12"``, or ``"mentor:3d8f21690ecfe301"`` from an extract),
never names. networkx is the interface; for large
graphs the same functions take python-igraph's C code (``backend="auto"`` from
:data:`FAST_EDGES` edges, or ``backend="igraph"``; builders return an ``igraph.Graph``
when asked to). igraph is optional: without it everything runs on networkx.

Example
-------
>>> from mentorkit.synth import generate
>>> from mentorkit import network
>>> ds = generate(seed=0, scale=0.2)
>>> G = network.relationship_graph(ds.match, ds.person)
>>> S = network.summary(G)
>>> S.edges == int(ds.match["started_on"].notna().sum())
True
>>> network.centrality(G, "degree").idxmax().startswith("mentor:")
True
"""

from __future__ import annotations

from mentorkit.network._backend import FAST_EDGES, Backend, have_igraph, to_igraph, to_networkx
from mentorkit.network.builders import STARTED, assemble, bipartite, event_graph, relationship_graph
from mentorkit.network.community import Communities, communities
from mentorkit.network.interpret import (
                                        Tables,
                                        build,
                                        findings,
                                        parse_period,
                                        published_flow,
                                        restrict,
)
from mentorkit.network.metrics import (
                                        Summary,
                                        centrality,
                                        degrees,
                                        pagerank_tol,
                                        projection,
                                        summary,
)
from mentorkit.network.published import (
                                        community_sizes,
                                        degree_table,
                                        mentor_load,
                                        published_growth,
                                        published_summary,
                                        top_mentors,
)
from mentorkit.network.referral import participant_outcomes, partner_flow, referral_graph
from mentorkit.network.timeline import edge_frame, growth

__all__ = [
    "FAST_EDGES", "STARTED", "Backend", "Communities", "Summary", "Tables", "assemble",
    "bipartite", "build", "centrality", "communities", "community_sizes", "degree_table",
    "degrees", "edge_frame", "event_graph", "findings", "growth", "have_igraph", "mentor_load",
    "pagerank_tol", "parse_period", "participant_outcomes", "partner_flow", "projection",
    "published_flow", "published_growth", "published_summary", "referral_graph",
    "relationship_graph", "restrict", "summary", "to_igraph", "to_networkx", "top_mentors",
]

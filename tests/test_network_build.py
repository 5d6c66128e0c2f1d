"""Builders from the store's DataFrames, privacy of node labels and attributes, referral
flow, growth over time, the notebook helpers."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mentorkit import network, vocab
from mentorkit.errors import ValidationError
from mentorkit.model.frames import conform
from mentorkit.network.builders import BLOCKED
from mentorkit.synth import generate


@pytest.fixture(scope="module")
def ds():
    return generate(seed=0, scale=0.5)


def _people(rows: list[tuple[int, str]]) -> pd.DataFrame:
    return conform("person", pd.DataFrame({
        "id": [i for i, _ in rows], "role": [r for _, r in rows], "programme_id": 1,
        "first_name": "Secret", "last_name": [f"Name{i}" for i, _ in rows],
        "email": [f"p{i}@example.org" for i, _ in rows], "gender": "female",
        "registered_on": pd.Timestamp("2020-01-01")}))


def _matches(rows: list[tuple]) -> pd.DataFrame:
    cols = ["id", "mentor_id", "mentee_id", "status", "proposed_on", "started_on", "ended_on"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("proposed_on", "started_on", "ended_on"):
        df[c] = pd.to_datetime(df[c])
    df["programme_id"] = 1
    df["score"] = 0.5
    return conform("match", df)


PEOPLE = _people([(1, "mentor"), (2, "mentor"), (3, "mentor"), (10, "mentee"), (11, "mentee"),
                  (12, "mentee"), (13, "mentee")])
MATCHES = _matches([
    (1, 1, 10, "completed", "2020-01-20", "2020-02-01", "2020-08-01"),
    (2, 1, 11, "active", "2020-05-20", "2020-06-01", None),
    (3, 2, 12, "ended_early", "2020-02-20", "2020-03-01", "2020-04-15"),
    (4, 2, 12, "completed", "2021-01-20", "2021-02-01", "2021-09-01"),   # the same pair again
    (5, 3, 13, "declined", "2020-03-01", None, None),
])


def test_relationship_graph_edges_and_attributes() -> None:
    G = network.relationship_graph(MATCHES, PEOPLE)
    assert G.graph["kind"] == "relationship"
    assert sorted(G.edges()) == [("mentor:1", "mentee:10"), ("mentor:1", "mentee:11"),
                                 ("mentor:2", "mentee:12")]
    again = G.edges["mentor:2", "mentee:12"]
    assert again["weight"] == 2 and again["status"] == "completed"        # latest of the two
    assert again["start"] == dt.date(2021, 2, 1) and again["end"] == dt.date(2021, 9, 1)
    assert G.edges["mentor:1", "mentee:11"]["end"] is None
    assert G.nodes["mentor:3"] == {"role": "mentor", "bipartite": 0, "programme_id": 1,
                                   "gender": "female", "registered_on": dt.date(2020, 1, 1)}
    assert G.degree("mentor:3") == 0 and G.degree("mentee:13") == 0     # declined only
    every = network.relationship_graph(MATCHES, PEOPLE, statuses=None)
    assert every.edges["mentor:3", "mentee:13"]["status"] == "declined"
    lean = network.relationship_graph(MATCHES, PEOPLE, include_unmatched=False)
    assert "mentor:3" not in lean and lean.number_of_nodes() == 5


def test_relationship_graph_at_a_date() -> None:
    G = network.relationship_graph(MATCHES, PEOPLE, at="2020-03-15")
    assert sorted(G.edges()) == [("mentor:1", "mentee:10"), ("mentor:2", "mentee:12")]
    assert {d["status"] for *_, d in G.edges(data=True)} == {"active"}
    assert all(d["end"] is None for *_, d in G.edges(data=True))
    later = network.relationship_graph(MATCHES, PEOPLE, at="2020-07-01")
    assert sorted(later.edges()) == [("mentor:1", "mentee:10"), ("mentor:1", "mentee:11")]
    so_far = network.relationship_graph(MATCHES, PEOPLE, at="2020-07-01", cumulative=True)
    assert so_far.number_of_edges() == 3
    assert so_far.edges["mentor:2", "mentee:12"]["status"] == "ended_early"


def test_no_names_or_contacts_in_any_graph(ds) -> None:
    graphs = [network.relationship_graph(ds.match, ds.person),
              network.relationship_graph(ds.match, ds.person, backend="igraph"),
              network.event_graph(ds.attendance, ds.person, ds.event),
              network.referral_graph(ds.person, ds.partner, ds.match, ds.outcome),
              network.referral_graph(ds.person, ds.partner, ds.match, ds.outcome,
                                     level="partner")]
    p = ds.person
    secrets = set(p["email"].dropna()) | set(p["phone"].dropna()) | set(p["address"].dropna())
    secrets |= set((p["first_name"] + " " + p["last_name"]).dropna())
    secrets |= set(p["first_name"].dropna()) | set(p["last_name"].dropna())
    secrets |= set(ds.partner["name"]) | set(ds.match["notes"].dropna())
    for G in graphs:
        G = network.to_networkx(G)
        keys = {k for _, d in G.nodes(data=True) for k in d}
        assert not keys & BLOCKED, keys
        assert keys <= {"role", "bipartite", "programme_id", "gender", "registered_on",
                        "referred_by", "capacity", "kind", "date", "matched", "outcome",
                        "employed", "level"}
        values = {v for _, d in G.nodes(data=True) for v in d.values() if isinstance(v, str)}
        values |= {v for *_, d in G.edges(data=True) for v in d.values() if isinstance(v, str)}
        assert not (values | {str(v) for v in G}) & secrets
        assert all(":" in str(v) for v in G)                      # labels are role:id


def test_bipartite_refuses_identifiers() -> None:
    e = pd.DataFrame({"a_id": [1], "b_id": [2], "notes": ["x"]})
    with pytest.raises(ValidationError, match="direct identifiers or free text"):
        network.bipartite(e, "a_id", "b_id", edge_attrs=["notes"])
    with pytest.raises(ValidationError, match="email"):
        network.bipartite(e, "a_id", "b_id", node_attrs=["email"])
    B = network.bipartite(e, "a_id", "b_id", left_nodes=pd.DataFrame({"id": [1, 5],
                                                                        "name": ["A", "B"]}))
    assert sorted(B) == ["a:1", "a:5", "b:2"] and "name" not in B.nodes["a:5"]


def test_event_graph(ds) -> None:
    E = network.event_graph(ds.attendance, ds.person, ds.event)
    assert E.number_of_edges() == len(ds.attendance)
    events = [v for v, r in E.nodes(data="role") if r == "event"]
    assert len(events) == len(ds.event)
    v = events[0]
    assert set(E.nodes[v]) == {"role", "bipartite", "kind", "date", "programme_id"}
    people = {r for _, r in E.nodes(data="role")} - {"event"}
    assert people <= set(vocab.ROLES)
    S = network.summary(E)
    assert S.mentor_load is None and S.repeat_mentors is None     # not a mentor-mentee graph
    assert S.nodes_by_role["event"] == len(ds.event)
    early = network.event_graph(ds.attendance, ds.person, ds.event, at="2019-12-31")
    assert all(d <= dt.date(2019, 12, 31) for _, d in early.nodes(data="date") if d)


def test_partner_flow_counts_and_suppression(ds) -> None:
    flow = network.partner_flow(ds.person, ds.partner, ds.match, ds.outcome)
    referred = ds.person[ds.person["referred_by"].notna()]
    assert flow["referred"].sum() == len(referred)
    began = set(ds.match.loc[ds.match["started_on"].notna(), "mentee_id"])
    assert flow["matched"].sum() == referred["id"].isin(began).sum()
    o = ds.outcome[(ds.outcome["phase"] == "followup_12m") & ds.outcome["person_id"].isin(
        referred["id"])]
    assert flow["outcome_known"].sum() == o["person_id"].nunique()
    assert flow["employed"].sum() == o["employment_status"].isin(list(vocab.EMPLOYED)).sum()
    assert list(flow.index[:2]) == ["partner:1", "partner:2"] and "name" not in flow
    small = network.partner_flow(ds.person, ds.partner, ds.match, ds.outcome, min_cell=1000)
    counts = small[["referred", "matched", "employed"]]
    assert counts.isna().to_numpy().all() and small["employed_share"].isna().all()
    latest = network.partner_flow(ds.person, ds.partner, ds.match, ds.outcome, phase="latest")
    assert (latest["outcome_known"] >= flow["outcome_known"]).all()
    with pytest.raises(ValidationError):
        network.partner_flow(ds.person, ds.partner, ds.match, ds.outcome, phase="later")


def test_referral_graphs(ds) -> None:
    R = network.referral_graph(ds.person, ds.partner, ds.match, ds.outcome)
    assert R.is_directed()
    kinds = pd.Series([k for *_, k in R.edges(data="kind")]).value_counts()
    assert kinds["referral"] == ds.person["referred_by"].notna().sum()
    referred = ds.person[ds.person["referred_by"].notna()]["id"]
    began = ds.match[ds.match["started_on"].notna() & ds.match["mentee_id"].isin(referred)]
    assert kinds["match"] == len(began)
    u, v = next((u, v) for u, v, k in R.edges(data="kind") if k == "match")
    assert R.nodes[v]["role"] == "mentor" and R.nodes[u]["matched"] is True
    F = network.referral_graph(ds.person, ds.partner, ds.match, ds.outcome, level="partner")
    into = sum(w for _, v, w in F.in_edges("stage:matched", data="weight"))
    out = sum(w for _, _, w in F.out_edges("stage:matched", data="weight"))
    matched = sum(1 for v, d in R.nodes(data="matched") if d is True)
    assert into == out == matched                       # the flow is conserved
    assert {F.nodes[v]["level"] for v in F} == {0, 1, 2}


def test_growth_known_answers() -> None:
    G = network.relationship_graph(MATCHES, PEOPLE)
    g = network.growth(G, "quarter", until="2021-12-31")
    assert g.index[0] == pd.Period("2020Q1") and g.index[-1] == pd.Period("2021Q4")
    # Pairs (one edge per pair, its latest match): 1-10 Q1-Q3 2020, 1-11 Q2 2020 on,
    # 2-12 Q1-Q3 2021.
    assert g["active_pairs"].tolist() == [1, 2, 2, 1, 2, 2, 2, 1]
    assert g["new_pairs"].tolist() == [1, 1, 0, 0, 1, 0, 0, 0]
    assert g["ended_pairs"].tolist() == [0, 0, 1, 0, 0, 0, 1, 0]
    assert g["new_mentors"].tolist() == [1, 0, 0, 0, 1, 0, 0, 0]
    assert g["returning_mentors"].tolist() == [0, 1, 0, 0, 0, 0, 0, 0]
    assert g["mentors_so_far"].iloc[-1] == 2
    assert g["active_mentors"].tolist() == [1, 1, 1, 1, 2, 2, 2, 1]
    assert g["retained_mentors"].tolist() == [0, 1, 1, 1, 1, 2, 2, 1]
    assert g["retention"].iloc[4] == 1.0 and g["retention"].iloc[-1] == 0.5
    H = network.relationship_graph(MATCHES, PEOPLE, backend="igraph")
    pd.testing.assert_frame_equal(network.growth(H, "quarter", until="2021-12-31"), g)


def test_growth_cross_programme() -> None:
    m = MATCHES.copy()
    m.loc[m["id"] == 2, "programme_id"] = 2
    g = network.growth(network.relationship_graph(m, PEOPLE), "year")
    assert g["cross_programme_mentors"].to_dict() == {pd.Period("2020"): 1, pd.Period("2021"): 0}


def test_growth_on_synthetic_data(ds) -> None:
    G = network.relationship_graph(ds.match, ds.person)
    g = network.growth(G, "month")
    assert g["new_pairs"].sum() == G.number_of_edges()
    assert g["new_mentors"].sum() == sum(1 for v, r in G.nodes(data="role")
                                         if r == "mentor" and G.degree(v) > 0)
    assert (g["active_mentors"] <= g["active_pairs"]).all()
    assert ((g["retention"].dropna() >= 0) & (g["retention"].dropna() <= 1)).all()


def test_parse_period_and_restrict(ds) -> None:
    assert network.parse_period("2021") == (pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-31"))
    assert network.parse_period("2020-03/2020Q4")[1] == pd.Timestamp("2020-12-31")
    with pytest.raises(ValidationError):
        network.parse_period("soon")
    t = network.Tables.of(ds)
    cut = network.restrict(t, programme="skovparken", period="2020")
    assert set(cut.person["programme_id"]) == {2} and set(cut.event["programme_id"]) <= {2}
    assert (cut.event["date"].dt.year == 2020).all()
    began = cut.match.dropna(subset=["started_on"])
    assert (began["started_on"] <= "2020-12-31").all()
    assert (began["ended_on"].isna() | (began["ended_on"] >= "2020-01-01")).all()
    assert cut.attendance["event_id"].isin(cut.event["id"]).all()
    assert network.restrict(t, programme=2).person.equals(
        network.restrict(t, programme="Skovparken").person)
    with pytest.raises(ValidationError, match="no programme"):
        network.restrict(t, programme="Atlantis")


@pytest.mark.parametrize("lang", ["da", "en", "nl"])
def test_findings_in_three_languages(ds, lang: str) -> None:
    text = network.findings(network.Tables.of(ds), lang=lang)
    assert text.count("**") == 10                       # five sections
    assert "mentor:" in text and "partner:" in text
    p = ds.person
    assert not any(name in text for name in (p["first_name"] + " " + p["last_name"]).dropna())
    assert not any(e in text for e in p["email"].dropna())


def test_findings_on_an_empty_selection(ds) -> None:
    t = network.restrict(network.Tables.of(ds), programme="Groningen", period="2030")
    t = network.restrict(t, period="2000")
    text = network.findings(t, lang="en")
    assert text.count("Nothing to report") == 5


def test_build_kinds(ds) -> None:
    t = network.Tables.of(ds)
    assert network.build("event", t).graph["kind"] == "event"
    assert network.build("referral_flow", t).graph["kind"] == "referral_flow"
    with pytest.raises(ValidationError):
        network.build("friendship", t)  # type: ignore[arg-type]


def test_summary_of_synthetic_programme(ds) -> None:
    G = network.relationship_graph(ds.match, ds.person)
    S = network.summary(G)
    began = ds.match[ds.match["started_on"].notna()]
    assert S.edges == len(began.drop_duplicates(["mentor_id", "mentee_id"]))
    assert S.nodes_by_role == {"mentee": int((ds.person["role"] == "mentee").sum()),
                               "mentor": int((ds.person["role"] == "mentor").sum())}
    load = began.groupby("mentor_id")["mentee_id"].nunique()
    assert S.mentor_load["max"] == load.max() and S.repeat_mentors == int((load >= 2).sum())
    assert S.idle_mentors == int((ds.person["role"] == "mentor").sum()) - len(load)
    assert S.components == nx.number_connected_components(G)
    table = S.to_frame()
    assert "repeat mentors (2+ mentees)" in set(table["figure"])
    assert np.isclose(S.density, nx.density(G))

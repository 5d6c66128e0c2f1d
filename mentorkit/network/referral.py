"""Who brings in whom, and with what result: partner -> participant -> match -> outcome.

Example
-------
>>> from mentorkit.synth import generate
>>> ds = generate(seed=0, scale=0.2)
>>> flow = partner_flow(ds.person, ds.partner, ds.match, ds.outcome)
>>> int(flow["referred"].sum()) == int(ds.person["referred_by"].notna().sum())
True
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from mentorkit import vocab
from mentorkit.errors import ValidationError
from mentorkit.network._backend import Backend, Graph
from mentorkit.network.builders import PARTNER_KEYS, PERSON_KEYS, assemble, node_labels

__all__ = ["OUTCOME_GROUPS", "participant_outcomes", "partner_flow", "referral_graph"]

OUTCOME_GROUPS = ("employed", "education", "other", "unknown")
"""Outcome groups: employed (vocab.EMPLOYED), in education, other status, no record."""


def participant_outcomes(people: pd.DataFrame, matches: pd.DataFrame, outcomes: pd.DataFrame,
                         phase: str = "followup_12m") -> pd.DataFrame:
    """One row per referred person: partner, matched (a match that began), outcome group.

    ``phase`` is an outcome phase (``vocab.OUTCOME_PHASES``) or ``"latest"`` (each
    person's latest recorded phase).
    """
    if phase != "latest" and phase not in vocab.OUTCOME_PHASES:
        raise ValidationError(f"phase must be one of {', '.join(vocab.OUTCOME_PHASES)} or "
                              f"'latest' (got {phase!r})")
    who = people[people["referred_by"].notna()]
    began = matches.loc[matches["started_on"].notna(), "mentee_id"]
    o = outcomes.copy()
    o["_rank"] = o["phase"].map(lambda p: vocab.OUTCOME_PHASES.rank(p)
                                if p in vocab.OUTCOME_PHASES else -1)
    if phase != "latest":
        o = o[o["phase"] == phase]
    sort_by = ["person_id", "_rank"] + (["recorded_on"] if "recorded_on" in o else [])
    o = o.sort_values(sort_by, kind="stable").drop_duplicates("person_id", keep="last")
    status = who["id"].map(o.set_index("person_id")["employment_status"])
    group = np.select(
        [status.isin(list(vocab.EMPLOYED)), status == "in_education", status.notna()],
        ["employed", "education", "other"], default="unknown")
    return pd.DataFrame({
        "person_id": who["id"].to_numpy(), "role": who["role"].to_numpy(),
        "partner_id": who["referred_by"].array,
        "matched": who["id"].isin(began).to_numpy(),
        "employment_status": status.to_numpy(), "outcome": group})


def partner_flow(people: pd.DataFrame, partners: pd.DataFrame, matches: pd.DataFrame,
                 outcomes: pd.DataFrame, phase: str = "followup_12m",
                 min_cell: int = 0) -> pd.DataFrame:
    """Per referring partner: referred, matched, outcome known, employed, in education.

    Shares are over the referred (``matched_share``) and over those with a known outcome
    (``employed_share``). ``min_cell`` blanks counts from 1 to ``min_cell - 1`` and the
    shares built on them (primary suppression only; totals may still reveal a blanked
    cell, so pass the table through the privacy module before publishing it).

    Returns
    -------
    DataFrame indexed by partner label (``"partner:3"``) with ``kind``, ``programme_id``
    and the counts; no names.
    """
    po = participant_outcomes(people, matches, outcomes, phase)
    g = po.groupby("partner_id")
    flow = pd.DataFrame({
        "referred": g.size(),
        "matched": g["matched"].sum(),
        "outcome_known": g["outcome"].apply(lambda s: int((s != "unknown").sum())),
        "employed": g["outcome"].apply(lambda s: int((s == "employed").sum())),
        "education": g["outcome"].apply(lambda s: int((s == "education").sum())),
        "employed_matched": po[po["matched"]].groupby("partner_id")["outcome"].apply(
            lambda s: int((s == "employed").sum())),
        "known_matched": po[po["matched"]].groupby("partner_id")["outcome"].apply(
            lambda s: int((s != "unknown").sum())),
    }).fillna(0).astype("int64")
    info = partners.drop_duplicates("id").set_index("id")
    flow.insert(0, "programme_id", info["programme_id"].reindex(flow.index).array)
    flow.insert(0, "kind", info["kind"].reindex(flow.index).to_numpy())
    flow["matched_share"] = flow["matched"] / flow["referred"]
    flow["employed_share"] = flow["employed"] / flow["outcome_known"].where(
        flow["outcome_known"] > 0)
    flow["employed_share_matched"] = flow["employed_matched"] / flow["known_matched"].where(
        flow["known_matched"] > 0)
    flow.index = node_labels(pd.Series(flow.index), None, "partner").to_numpy()
    flow.index.name = "partner"
    if min_cell > 1:
        counts = ["referred", "matched", "outcome_known", "employed", "education",
                  "employed_matched", "known_matched"]
        small = flow[counts].gt(0) & flow[counts].lt(min_cell)
        flow[counts] = flow[counts].astype("Float64").mask(small)
        flow.loc[small["matched"] | small["referred"], "matched_share"] = np.nan
        flow.loc[small["employed"] | small["outcome_known"], "employed_share"] = np.nan
        flow.loc[small["employed_matched"] | small["known_matched"],
                 "employed_share_matched"] = np.nan
    return flow


def referral_graph(people: pd.DataFrame, partners: pd.DataFrame, matches: pd.DataFrame,
                   outcomes: pd.DataFrame, *, level: Literal["person", "partner"] = "person",
                   phase: str = "followup_12m", backend: Backend = "networkx") -> Graph:
    """A directed graph of referrals, matches and outcomes.

    ``level="person"``: edges partner -> participant (``kind="referral"``, ``date`` of
    registration) and participant -> mentor (``kind="match"``, status, start, end);
    participants carry ``matched``, ``outcome`` (group) and ``employed`` (None if unknown).

    ``level="partner"``: the weighted summary partner -> ``stage:matched`` /
    ``stage:not_matched`` -> ``outcome:employed`` / ``education`` / ``other`` /
    ``unknown``, ``weight`` = number of participants, nodes with ``level`` 0, 1, 2.

    Example
    -------
    >>> from mentorkit.synth import generate
    >>> ds = generate(seed=0, scale=0.2)
    >>> R = referral_graph(ds.person, ds.partner, ds.match, ds.outcome, level="partner")
    >>> sum(w for u, v, w in R.edges(data="weight") if u.startswith("partner:")) == len(
    ...     ds.person[ds.person["referred_by"].notna()])
    True
    """
    po = participant_outcomes(people, matches, outcomes, phase)
    pnodes = pd.DataFrame({"node": node_labels(partners["id"], None, "partner").to_numpy(),
                           "role": "partner"})
    for k in PARTNER_KEYS:
        pnodes[k] = partners[k].array
    if level == "partner":
        stage = np.where(po["matched"], "stage:matched", "stage:not_matched")
        outcome = "outcome:" + po["outcome"]
        plabel = node_labels(po["partner_id"], None, "partner").to_numpy()
        first = pd.DataFrame({"u": plabel, "v": stage}).value_counts(sort=False).reset_index()
        second = pd.DataFrame({"u": stage, "v": outcome.to_numpy()}).value_counts(
            sort=False).reset_index()
        edges = pd.concat([first, second], ignore_index=True).rename(columns={"count": "weight"})
        pnodes["level"] = 0
        stages = pd.DataFrame({"node": ["stage:matched", "stage:not_matched"],
                               "role": "stage", "level": 1})
        groups = pd.DataFrame({"node": [f"outcome:{g}" for g in OUTCOME_GROUPS],
                               "role": "outcome", "level": 2})
        nodes = pd.concat([pnodes, stages, groups], ignore_index=True)
        return assemble(nodes, edges, directed=True, kind="referral_flow", backend=backend)
    if level != "person":
        raise ValidationError(f"level must be 'person' or 'partner' (got {level!r})")
    who = people.set_index("id").loc[po["person_id"]].reset_index()
    part = pd.DataFrame({"node": node_labels(who["id"], who["role"], "person").to_numpy()})
    for k in PERSON_KEYS:
        part[k] = who[k].array
    part["matched"] = po["matched"].to_numpy()
    part["outcome"] = po["outcome"].to_numpy()
    part["employed"] = pd.Series(po["outcome"] == "employed", dtype=object).where(
        po["outcome"] != "unknown", None).to_numpy()
    referrals = pd.DataFrame({"u": node_labels(po["partner_id"], None, "partner").to_numpy(),
                              "v": part["node"].to_numpy(), "kind": "referral",
                              "date": who["registered_on"].to_numpy()})
    m = matches[matches["mentee_id"].isin(po["person_id"]) & matches["started_on"].notna()]
    role_of = people.set_index("id")["role"]
    mentors = people[people["id"].isin(m["mentor_id"])]
    mnodes = pd.DataFrame({"node": node_labels(mentors["id"], mentors["role"], "mentor")})
    for k in PERSON_KEYS:
        mnodes[k] = mentors[k].array
    mnodes = mnodes[~mnodes["node"].isin(part["node"])]
    ties = pd.DataFrame({
        "u": node_labels(m["mentee_id"], m["mentee_id"].map(role_of), "mentee").to_numpy(),
        "v": node_labels(m["mentor_id"], m["mentor_id"].map(role_of), "mentor").to_numpy(),
        "kind": "match", "date": m["started_on"].to_numpy(), "status": m["status"].to_numpy(),
        "start": m["started_on"].to_numpy(), "end": m["ended_on"].to_numpy()})
    edges = pd.concat([referrals, ties], ignore_index=True)
    nodes = pd.concat([pnodes, part, mnodes], ignore_index=True)
    return assemble(nodes, edges, directed=True, kind="referral", backend=backend)

"""Assignment: exact optimum (brute force, networkx, flow on all pairs, LSA), rules never broken,
stable without blocking pairs, quotas met and optimal, pinned and forbidden pairs kept."""

from __future__ import annotations

import importlib

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorkit.errors import MatchingError
from mentorkit.matching import blocking_pairs, score, solve, violations
from mentorkit.matching.quotas import Quota
from mentorkit.matching.scoring import to_int
from mentorkit.synth.pool import random_instance, synthetic_pool

assign_module = importlib.import_module("mentorkit.matching.assignment")
pricing_module = importlib.import_module("mentorkit.matching.pricing")

FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def brute_force(s, objective="score", groups=None):
    """Best (count, value) or value over every assignment, by enumeration.

    ``groups``: list of (member mask over rows, at_least, at_most or None).
    """
    W = to_int(s.total)
    F = s.blocked == 0
    n, m = s.shape
    best = None

    def key(count, value):
        return (count, value) if objective == "coverage" else value

    def rec(i, cap, value, count, chosen):
        nonlocal best
        if i == n:
            if groups:
                matched = np.zeros(n, dtype=bool)
                matched[[r for r, _ in chosen]] = True
                for mask, low, high in groups:
                    k = int((matched & mask).sum())
                    if k < low or (high is not None and k > high):
                        return
            k = key(count, value)
            if best is None or k > best:
                best = k
            return
        rec(i + 1, cap, value, count, chosen)
        for j in range(m):
            if F[i, j] and cap[j] > 0:
                cap[j] -= 1
                rec(i + 1, cap, value + int(W[i, j]), count + 1, chosen + [(i, j)])
                cap[j] += 1

    rec(0, s.remaining.copy(), 0, 0, [])
    return best


def outcome(result, objective):
    return (result.n_matched, result.value) if objective == "coverage" else result.value


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_optimal_equals_brute_force_on_small_random_instances(objective):
    for seed in range(25):
        mentees, mentors, matches = random_instance(seed, 6, 4, programmes=2)
        s = score(mentees, mentors, matches=matches)
        result = solve(s, "optimal", objective=objective)
        assert outcome(result, objective) == brute_force(s, objective), seed


def test_optimal_equals_networkx_max_weight_matching():
    mentees, mentors = synthetic_pool(60, seed=11)
    s = score(mentees, mentors)
    W, F = to_int(s.total), s.blocked == 0
    g = nx.Graph()
    for j in range(s.shape[1]):
        for k in range(int(s.remaining[j])):
            for i in np.flatnonzero(F[:, j]):
                g.add_edge(("e", int(i)), ("s", j, k), weight=int(W[i, j]))
    matching = nx.max_weight_matching(g)
    best = sum(g.edges[a, b]["weight"] for a, b in matching)
    assert solve(s).value == best


def test_priced_flow_equals_flow_on_every_pair_and_lsa(monkeypatch):
    mentees, mentors = synthetic_pool(400, seed=12)
    s = score(mentees, mentors)
    full = solve(s, solver="flow")
    lsa = solve(s, solver="lsa")
    monkeypatch.setattr(assign_module, "FULL_ARCS", 0)      # force candidate pricing
    monkeypatch.setattr(pricing_module, "ROW_CANDIDATES", 3)  # … with a poor first guess
    priced = solve(s)
    assert priced.stats["rounds"] > 1 and "certificate" in priced.stats
    assert priced.value == full.value == lsa.value
    for objective in ("coverage",):
        a = solve(s, objective=objective)
        b = solve(s, objective=objective, solver="lsa")
        assert (a.n_matched, a.value) == (b.n_matched, b.value)


def _independent_check(mentees, mentors, matches, result):
    """Capacities and hard rules, checked from the raw tables (not from Scores)."""
    pairs = pd.DataFrame({"mentee_id": result.scores.mentee_ids[result.rows],
                          "mentor_id": result.scores.mentor_ids[result.cols]})
    assert pairs["mentee_id"].is_unique
    a = mentees.set_index("id").loc[pairs["mentee_id"]].reset_index()
    b = mentors.set_index("id").loc[pairs["mentor_id"]].reset_index()
    assert (a["programme_id"].to_numpy() == b["programme_id"].to_numpy()).all()
    pref = a["preferred_mentor_gender"].to_numpy()
    assert ((pref == "any") | (pref == b["gender"].to_numpy())).all()
    taking = matches[matches["status"].isin(["active", "proposed"])]
    load = taking.groupby("mentor_id").size()
    new = pairs.groupby("mentor_id").size()
    cap = mentors.set_index("id")["capacity"]
    for mentor_id, k in new.items():
        assert k + load.get(mentor_id, 0) <= cap[mentor_id]
    declined = set(zip(matches.loc[matches.status == "declined", "mentee_id"],
                       matches.loc[matches.status == "declined", "mentor_id"]))
    assert not declined & set(zip(pairs["mentee_id"], pairs["mentor_id"]))
    assert not set(pairs["mentee_id"]) & set(taking["mentee_id"])


@FAST
@given(seed=st.integers(0, 10**6), n=st.integers(0, 14), m=st.integers(0, 7),
       programmes=st.integers(1, 2))
def test_capacities_and_hard_rules_are_never_broken(seed, n, m, programmes):
    mentees, mentors, matches = random_instance(seed, n, m, programmes=programmes)
    s = score(mentees, mentors, matches=matches)
    for method, objective in [("optimal", "score"), ("optimal", "coverage"),
                              ("stable", "score"), ("greedy", "score")]:
        result = solve(s, method, objective=objective)
        assert violations(result) == []
        _independent_check(mentees, mentors, matches, result)


@FAST
@given(seed=st.integers(0, 10**6), n=st.integers(1, 25), m=st.integers(1, 10))
def test_stable_has_no_blocking_pair(seed, n, m):
    mentees, mentors, matches = random_instance(seed, n, m, max_capacity=3)
    s = score(mentees, mentors, matches=matches)
    rows, cols = solve(s, "stable").rows, solve(s, "stable").cols
    assert blocking_pairs(s, rows, cols) == []
    assert blocking_pairs(s, rows, cols, strict_scores=True) == []


def test_optimal_and_greedy_do_have_blocking_pairs_sometimes():
    # the checker finds blocking pairs when there are some (it is not vacuous)
    s = score(*synthetic_pool(200, seed=13))
    greedy = solve(s, "greedy")
    assert blocking_pairs(s, greedy.rows, greedy.cols)


def test_stable_matches_the_matching_package_on_the_same_preferences():
    from matching.games import HospitalResident

    s = score(*synthetic_pool(60, seed=14))
    ours = solve(s, "stable")
    F = s.blocked == 0
    mentee_prefs, mentor_prefs = {}, {}
    wait = s.demand.order
    for i in range(s.shape[0]):
        js = [j for j in np.argsort(-s.total[i], kind="stable") if F[i, j]]
        mentee_prefs[i] = js
    for j in range(s.shape[1]):
        is_ = [i for i in np.lexsort((wait, -s.total[:, j])) if F[i, j]]
        mentor_prefs[j] = is_
    game = HospitalResident.create_from_dictionaries(
        mentee_prefs, mentor_prefs, {j: int(s.remaining[j]) for j in range(s.shape[1])})
    theirs = {(r.name, h.name) for h, rs in game.solve(optimal="resident").items() for r in rs}
    assert theirs == set(zip(ours.rows.tolist(), ours.cols.tolist()))


def _gender_groups(mentees, s, quotas):
    aligned = mentees.set_index("id").loc[s.mentee_ids]
    return [((aligned[q.field].astype(str) == q.value).to_numpy(), q.at_least, q.at_most)
            for q in quotas]


def test_quota_solutions_meet_the_quotas_and_are_optimal_among_those_that_do():
    checked = infeasible = 0
    for seed in range(40):
        mentees, mentors, matches = random_instance(seed, 6, 4)
        s = score(mentees, mentors, matches=matches)
        rng = np.random.default_rng(seed)
        quotas = [Quota("gender", "female", int(rng.integers(0, 4))),
                  Quota("gender", "male", int(rng.integers(0, 3)),
                        None if rng.random() < 0.5 else int(rng.integers(2, 4)))]
        best = brute_force(s, groups=_gender_groups(mentees, s, quotas))
        if best is None:
            with pytest.raises(MatchingError, match="quota"):
                solve(s, quotas=quotas, mentees=mentees)
            infeasible += 1
            continue
        result = solve(s, quotas=quotas, mentees=mentees)
        matched = mentees.set_index("id").loc[s.mentee_ids[result.rows], "gender"]
        assert (matched == "female").sum() >= quotas[0].at_least
        assert (matched == "male").sum() >= quotas[1].at_least
        if quotas[1].at_most is not None:
            assert (matched == "male").sum() <= quotas[1].at_most
        assert result.value == best, seed
        checked += 1
    assert checked > 10 and infeasible > 0


def test_overlapping_quotas_use_the_milp_and_stay_optimal():
    overlapping = 0
    for seed in range(15):
        mentees, mentors, matches = random_instance(seed, 6, 4)
        s = score(mentees, mentors, matches=matches)
        quotas = [Quota("gender", "female", 1), Quota("sector", "it", 1)]
        best = brute_force(s, groups=_gender_groups(mentees, s, quotas))
        if best is None:
            with pytest.raises(MatchingError):
                solve(s, quotas=quotas, mentees=mentees)
            continue
        result = solve(s, quotas=quotas, mentees=mentees)
        groups = _gender_groups(mentees, s, quotas)
        if (groups[0][0] & groups[1][0]).any():
            assert "MILP" in result.stats["solver"]
            overlapping += 1
        assert result.value == best, seed
    assert overlapping > 3


def test_infeasible_quota_gives_a_clear_error_naming_it():
    mentees = pd.DataFrame({"id": [1, 2, 3, 4], "gender": ["male", "male", "female", "female"],
                            "preferred_mentor_gender": ["male", "male", "any", "any"]})
    mentors = pd.DataFrame({"id": [10, 11], "gender": ["female", "female"], "capacity": [2, 2]})
    s = score(mentees, mentors)
    with pytest.raises(MatchingError, match=r"quota gender=male ≥ 1 cannot be met: at most 0"):
        solve(s, quotas={"gender=male": 1, "gender=female": 2}, mentees=mentees)
    with pytest.raises(MatchingError, match="together"):
        mentors2 = pd.DataFrame({"id": [10, 11], "gender": ["male", "female"],
                                 "capacity": [1, 1]})
        solve(score(mentees, mentors2), quotas={"gender=male": 1, "gender=female": 2},
              mentees=mentees)
    assert solve(s, quotas={"gender=female": 2}, mentees=mentees).n_matched == 2


def test_quotas_on_a_larger_problem_use_the_priced_flow(monkeypatch):
    mentees, mentors = synthetic_pool(300, seed=15)
    s = score(mentees, mentors)
    men = int((mentees["gender"] == "male").sum())
    quotas = {"gender=male": men - 5, "gender=female": 150}
    full = solve(s, quotas=quotas, mentees=mentees, solver="flow")
    monkeypatch.setattr(assign_module, "FULL_ARCS", 0)
    priced = solve(s, quotas=quotas, mentees=mentees)
    assert "certificate" in priced.stats and "certificate" not in full.stats  # priced it was
    assert priced.value == full.value
    genders = mentees.set_index("id").loc[s.mentee_ids[priced.rows], "gender"]
    assert (genders == "male").sum() >= men - 5 and (genders == "female").sum() >= 150
    assert priced.value <= solve(s).value


def test_pinned_and_forbidden_pairs_are_respected():
    mentees, mentors = synthetic_pool(40, seed=16)
    s = score(mentees, mentors)
    base = solve(s)
    pairs = list(zip(s.mentee_ids[base.rows].tolist(), s.mentor_ids[base.cols].tolist()))
    forbidden = pairs[:5]
    feasible = np.argwhere(s.blocked == 0)
    chosen = set(pairs)
    pin = [(int(s.mentee_ids[i]), int(s.mentor_ids[j])) for i, j in feasible
           if (int(s.mentee_ids[i]), int(s.mentor_ids[j])) not in chosen][:1]
    result = solve(s, pinned=pin, forbidden=forbidden)
    got = set(zip(s.mentee_ids[result.rows].tolist(), s.mentor_ids[result.cols].tolist()))
    assert set(pin) <= got and not set(forbidden) & got
    assert result.pinned.sum() == 1
    assert result.total <= base.total + 1e-9
    for method in ("stable", "greedy"):
        other = solve(s, method, pinned=pin, forbidden=forbidden)
        got = set(zip(s.mentee_ids[other.rows].tolist(), s.mentor_ids[other.cols].tolist()))
        assert set(pin) <= got and not set(forbidden) & got


def test_pinning_a_blocked_pair_or_over_capacity_is_refused():
    mentees = pd.DataFrame({"id": [1, 2, 3], "preferred_mentor_gender": ["male", "any", "any"]})
    mentors = pd.DataFrame({"id": [10], "gender": ["female"], "capacity": [1]})
    s = score(mentees, mentors)
    with pytest.raises(MatchingError, match="gender"):
        solve(s, pinned=[(1, 10)])
    with pytest.raises(MatchingError, match="free place"):
        solve(s, pinned=[(2, 10), (3, 10)])
    with pytest.raises(MatchingError, match="unknown"):
        solve(s, pinned=[(99, 10)])


def test_capacity_counts_existing_active_and_proposed_matches():
    mentees = pd.DataFrame({"id": range(1, 7)})
    mentors = pd.DataFrame({"id": [10, 11, 12], "capacity": [2, 2, 1]})
    matches = pd.DataFrame({"mentee_id": [90, 91, 92, 93], "mentor_id": [10, 10, 11, 12],
                            "status": ["active", "proposed", "completed", "declined"]})
    result = solve(score(mentees, mentors, matches=matches))
    load = pd.Series(result.scores.mentor_ids[result.cols]).value_counts()
    assert 10 not in load and load.get(11, 0) <= 2 and load.get(12, 0) <= 1
    assert result.n_matched == 3


def test_objectives_trade_score_for_coverage():
    for seed in range(30):
        s = score(*random_instance(seed, 8, 4)[:2])
        by_score, by_cover = solve(s), solve(s, objective="nobody_left_out")
        assert by_cover.n_matched >= by_score.n_matched
        assert by_score.value >= by_cover.value
    # A fits X best; B can only have X (gender preference): the highest total leaves B out.
    only_sector = {"sector": 1, "goals": 0, "local_language": 0, "language": 0,
                   "availability": 0, "geography": 0, "education": 0, "age": 0}
    mentees = pd.DataFrame({"id": [1, 2], "sector": ["it", "engineering"],
                            "preferred_mentor_gender": ["any", "female"]})
    mentors = pd.DataFrame({"id": [10, 11], "gender": ["female", "male"],
                            "sector": ["it", "law"], "capacity": [1, 1]})
    s = score(mentees, mentors, weights=only_sector)
    assert solve(s).n_matched == 1 and solve(s).total == pytest.approx(1.0)
    cover = solve(s, objective="coverage")
    assert cover.n_matched == 2 and cover.total == pytest.approx(0.5)


def test_unknown_options_are_refused():
    s = score(*synthetic_pool(10, seed=17))
    with pytest.raises(MatchingError, match="method"):
        solve(s, "random")
    with pytest.raises(MatchingError, match="objective"):
        solve(s, objective="fastest")
    with pytest.raises(MatchingError, match="quotas need method"):
        solve(s, "greedy", quotas={"gender=female": 1}, mentees=pd.DataFrame({"id": [1]}))


def _greedy_by_hand(s, pinned_rows=(), pinned_cols=()):
    """The coordinator's list, written out pair by pair: mentees in waiting order, each
    takes the highest-scoring allowed mentor with a place left (the first one on a tie)."""
    free = s.remaining.astype(int) - np.bincount(np.asarray(pinned_cols, dtype=int),
                                                 minlength=s.shape[1])
    out = []
    for i in sorted(set(range(s.shape[0])) - set(pinned_rows), key=lambda i: s.demand.order[i]):
        best = None
        for j in range(s.shape[1]):
            if s.blocked[i, j] == 0 and free[j] > 0 and s.total[i, j] >= 0 and (
                    best is None or s.total[i, j] > s.total[i, best]):
                best = j
        if best is not None:
            free[best] -= 1
            out.append((i, best))
    return out


@FAST
@given(seed=st.integers(0, 10**6), n=st.integers(0, 14), m=st.integers(0, 7))
def test_greedy_is_the_coordinators_list_by_hand(seed, n, m):
    mentees, mentors, matches = random_instance(seed, n, m, max_capacity=2)
    s = score(mentees, mentors, matches=matches)
    result = solve(s, "greedy")
    assert list(zip(result.rows.tolist(), result.cols.tolist())) == _greedy_by_hand(s)
    if n and m:  # a pinned pair first, then the same pass over everybody else
        feasible = np.argwhere(s.blocked == 0)
        if len(feasible):
            i, j = (int(x) for x in feasible[0])
            pinned = solve(s, "greedy", pinned=[(int(s.mentee_ids[i]), int(s.mentor_ids[j]))])
            made = list(zip(pinned.rows.tolist(), pinned.cols.tolist()))
            assert made == [(i, j)] + _greedy_by_hand(s, [i], [j])


def test_the_priced_flow_starts_from_the_greedy_pass(monkeypatch):
    # one greedy pass serves the method "greedy" and the pricing's first candidates
    seen = []
    real = pricing_module.sequential

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(assign_module, "FULL_ARCS", 0)
    monkeypatch.setattr(pricing_module, "sequential", spy)
    s = score(*synthetic_pool(80, seed=21))
    solve(s)
    assert len(seen) == 1
    greedy = solve(s, "greedy")
    assert np.array_equal(seen[0][0], greedy.rows) and np.array_equal(seen[0][1], greedy.cols)


def test_old_table_methods_warn_naming_to_frame_and_give_the_same_table():
    s = score(*synthetic_pool(12, seed=3))
    result = solve(s)
    with pytest.warns(DeprecationWarning, match=r"Assignment\.to_frame\(\)"):
        old = result.frame(lang="da")
    pd.testing.assert_frame_equal(old, result.to_frame(lang="da"))
    with pytest.warns(DeprecationWarning, match=r"Scores\.to_frame\(\)"):
        old = s.frame()
    pd.testing.assert_frame_equal(old, s.to_frame())
    from mentorkit.matching.runs import run

    record, _ = run(*synthetic_pool(12, seed=3))
    with pytest.warns(DeprecationWarning, match=r"MatchRun\.to_frame\(\)"):
        old = record.pairs()
    pd.testing.assert_frame_equal(old, record.to_frame())
    assert record.to_frame()["mentee_id"].tolist() == record.result["mentee_id"]


def test_old_assignment_names_still_import():
    from mentorkit.matching.assignment import (  # noqa: F401
        METHODS,
        OBJECTIVES,
        Assignment,
        assign,
        solve,
        violations,
        with_forbidden,
    )
    from mentorkit.matching.explanation import (  # noqa: F401
        WhyNot,
        explain,
        pair_points,
        pair_reasons,
        reason_texts,
        why_not,
    )
    from mentorkit.matching.result import Assignment as Result

    assert Assignment is Result
    with pytest.warns(DeprecationWarning, match="mentorkit.matching.pricing.ROW_CANDIDATES"):
        assert assign_module.ROW_CANDIDATES == pricing_module.ROW_CANDIDATES
    with pytest.raises(AttributeError):
        assign_module.NO_SUCH_NAME  # noqa: B018

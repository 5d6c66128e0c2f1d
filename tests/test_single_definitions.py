"""One of each (issue 13): the statuses of a started match are defined once, in the
vocabulary, and every module that counts started matches uses that definition; the
small-cell threshold is called min_cell everywhere (old names warn); a result becomes a
DataFrame by to_frame() (old names warn)."""

from __future__ import annotations

import ast
import importlib

import layering
import pytest
from layering import module_name, source_files

from mentorkit import vocab
from mentorkit.privacy.suppression import OLD_THRESHOLD_NAMES

STARTED = set(vocab.STARTED_MATCH_STATUSES)


def _status_sets(path) -> list[tuple[int, set[str]]]:
    """Literal tuples, lists and sets of strings in a module that hold every started status."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = {e.value for e in node.elts
                      if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if STARTED <= values:
                found.append((node.lineno, values))
    return found


def test_no_module_but_the_vocabulary_spells_out_the_started_statuses() -> None:
    vocab_path = layering.PACKAGE / "vocab.py"
    bad = [f"{module_name(p)}:{line} {sorted(values)}" for p in source_files()
           if p != vocab_path for line, values in _status_sets(p)]
    assert not bad, "use mentorkit.vocab.STARTED_MATCH_STATUSES:\n" + "\n".join(bad)
    assert [sorted(v) for _, v in _status_sets(vocab_path)] == [sorted(STARTED)]


def test_the_check_finds_a_status_set_spelled_out(tmp_path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('OPEN = frozenset({"proposed", "active", "completed", "ended_early"})\n'
                       'ok = ("active", "completed")\n', encoding="utf-8")
    assert [line for line, _ in _status_sets(planted)] == [1]


def test_the_started_statuses_are_match_statuses_and_leave_out_proposals_and_declines() -> None:
    assert STARTED <= set(vocab.MATCH_STATUSES.codes)
    assert not STARTED & {"proposed", "declined"}


@pytest.mark.parametrize("module", [
    "mentorkit.monitoring.progress", "mentorkit.monitoring.funder",
    "mentorkit.monitoring.summary", "mentorkit.network.builders", "mentorkit.network",
    "mentorkit.privacy.roles",
])
def test_the_old_started_names_are_the_one_definition(module: str) -> None:
    assert importlib.import_module(module).STARTED is vocab.STARTED_MATCH_STATUSES


def test_the_matching_study_names_its_own_set_and_the_old_name_warns() -> None:
    study = importlib.import_module("mentorkit.matching.study")
    assert set(study.NOT_WAITING) == STARTED | {"proposed"}
    with pytest.warns(DeprecationWarning, match="NOT_WAITING"):
        assert study.STARTED == study.NOT_WAITING


# --- one name for the small-cell threshold: min_cell ----------------------------------------

#: Public parameters with an old threshold name that are not a threshold at all.
NOT_A_THRESHOLD = {
    ("mentorkit.matching.suggestions", "suggest", "k"),        # how many mentors to suggest
    ("mentorkit.network.metrics", "centrality", "k"),          # sample size for betweenness
    ("mentorkit.plots.outcomes", "love_plot", "threshold"),    # the SMD line at 0.1
}


def _public_parameters():
    for path in source_files():
        module = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                    and not node.name.startswith("_") and "._" not in module:
                a = node.args
                for arg in a.posonlyargs + a.args + a.kwonlyargs:
                    yield module, node.name, arg.arg, node.lineno
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for item in node.body:
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        yield module, node.name, item.target.id, item.lineno


def test_no_public_signature_calls_the_threshold_anything_but_min_cell() -> None:
    bad = [f"{m}:{line} {f}({p})" for m, f, p, line in _public_parameters()
           if p in OLD_THRESHOLD_NAMES and (m, f, p) not in NOT_A_THRESHOLD]
    assert not bad, "call it min_cell:\n" + "\n".join(bad)


def _renamed():
    from mentorkit import outcomes, privacy
    from mentorkit.monitoring import funder
    from mentorkit.outcomes import report
    from mentorkit.plots import outcomes as outcome_plots
    from mentorkit.privacy import roles
    from mentorkit.privacy.suppression import suppression
    from mentorkit.reports.funder_view import FunderReport
    from mentorkit.ui import published

    return [
        (privacy.suppress, "k"), (suppression, "k"),
        (roles.aggregates, "k"), (roles.view, "k"),
        (outcomes.suppress_small, "threshold"), (report.participation, "threshold"),
        (report.compare_methods, "threshold"), (report.survival_summary, "threshold"),
        (report.subgroup_table, "threshold"), (report.outcomes_by_phase, "threshold"),
        (report.describe_effect, "threshold"), (outcomes.subgroups, "min_count"),
        (outcomes.survival, "min_at_risk"), (outcome_plots.overlap_plot, "min_count"),
        (funder.recruitment_by_origin, "min_count"), (FunderReport.build, "k"),
        (published.figures, "k"),
    ]


def test_every_old_threshold_name_is_still_taken_by_the_function_that_had_it() -> None:
    for func, old in _renamed():
        # the old keyword is turned into min_cell before the function runs: both at once
        # is refused there, naming min_cell, so nothing needs computing to check it
        with pytest.raises(TypeError, match=f"both min_cell and {old}"):
            func(min_cell=3, **{old: 3})


def test_an_old_threshold_name_warns_naming_min_cell_and_means_the_same() -> None:
    import pandas as pd

    from mentorkit.outcomes import survival
    from mentorkit.privacy import suppress

    table = pd.DataFrame({"f": [12, 3, 20], "m": [9, 8, 15]}, index=["A", "B", "C"])
    with pytest.warns(DeprecationWarning, match=r"suppress\(min_cell=\.\.\.\)"):
        old = suppress(table, k=4)
    pd.testing.assert_frame_equal(old, suppress(table, min_cell=4))
    spells = pd.DataFrame({"t": range(1, 13), "e": [1, 0] * 6})
    with pytest.warns(DeprecationWarning, match=r"survival\(min_cell=\.\.\.\)"):
        old = survival(spells, "t", "e", min_at_risk=6).curves
    new = survival(spells, "t", "e", min_cell=6).curves
    pd.testing.assert_frame_equal(old, new)
    assert new["at_risk"].min() >= 6 and len(new) < len(survival(spells, "t", "e").curves)


def test_old_threshold_attributes_warn_naming_min_cell() -> None:
    import pandas as pd

    from mentorkit.privacy.suppression import suppression

    result = suppression(pd.DataFrame({"a": [1, 9], "b": [7, 8]}), min_cell=3)
    with pytest.warns(DeprecationWarning, match="Suppression.min_cell"):
        assert result.k == result.min_cell == 3


def _parameters_cell(path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


def test_every_report_notebook_takes_min_cell_and_no_notebook_an_old_name() -> None:
    import re

    notebooks = sorted((layering.ROOT / "notebooks").glob("*.ipynb"))
    dashboards = sorted((layering.ROOT / "dashboards").glob("*.ipynb"))
    assert notebooks and dashboards
    for path in notebooks:
        assert re.search(r"^min_cell = 0\s+#.*MENTORKIT_MIN_CELL", _parameters_cell(path),
                         re.M), path.name
    old = re.compile(r"\b(" + "|".join(OLD_THRESHOLD_NAMES[1:]) + r")\s*=|\bk\s*=\s*k\b")
    for path in notebooks + dashboards:
        assert not old.search(path.read_text(encoding="utf-8")), path.name
    # a dashboard's parameters come from the page address: a threshold there would let
    # any visitor lower it, so dashboards take it from MENTORKIT_MIN_CELL only
    for path in dashboards:
        assert "min_cell" not in _parameters_cell(path), path.name


def test_report_p_min_cell_reaches_every_report_notebook() -> None:
    from mentorkit.reports.batch import notebooks_in, plan

    jobs = plan(notebooks_in(layering.ROOT / "notebooks"), [None], {"db": "x.db"},
                {"min_cell": 3})
    assert {j.name.split("-")[0] for j in jobs} == {
        p.stem for p in (layering.ROOT / "notebooks").glob("*.ipynb")}
    assert all(j.parameters["min_cell"] == 3 for j in jobs)


# --- one way to a DataFrame: to_frame() --------------------------------------------------

OLD_FRAME_NAMES = ("frame", "table", "pairs")


def test_result_classes_turn_into_a_dataframe_by_to_frame_only() -> None:
    """A result class's method or property frame/table/pairs that gives a DataFrame is only
    a deprecated alias of its to_frame()."""
    checked, bad = 0, []
    for path in source_files():
        if path.relative_to(layering.PACKAGE).parts[0] not in (
                "matching", "outcomes", "network", "privacy", "monitoring"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            methods = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
            for name in OLD_FRAME_NAMES:
                f = methods.get(name)
                if f is None or "DataFrame" not in ast.unparse(f.returns or ast.Constant("")):
                    continue
                checked += 1
                if "to_frame" not in methods or "DeprecationWarning" not in ast.unparse(f):
                    bad.append(f"{module_name(path)}.{node.name}.{name}")
            fields = [i.target.id for i in node.body if isinstance(i, ast.AnnAssign)
                      and isinstance(i.target, ast.Name) and i.target.id in OLD_FRAME_NAMES
                      and "DataFrame" in ast.unparse(i.annotation)]
            bad += [f"{module_name(path)}.{node.name}.{n} (a field)" for n in fields]
    assert checked >= 5, checked  # Assignment, Scores, MatchRun, Summary, Cox
    assert not bad, "give these to_frame() and keep the old name as a deprecated alias:\n" \
        + "\n".join(bad)


def test_old_frame_names_warn_naming_to_frame_and_give_the_same_table() -> None:
    import networkx as nx
    import pandas as pd

    from mentorkit.network import summary
    from mentorkit.outcomes import cox

    s = summary(nx.star_graph(6))
    with pytest.warns(DeprecationWarning, match=r"Summary\.to_frame\(\)"):
        old = s.table()
    pd.testing.assert_frame_equal(old, s.to_frame())
    d = pd.DataFrame({"t": [5, 3, 8, 2, 9, 4, 7, 6, 1, 10], "e": [1, 1, 0, 1, 1, 0, 1, 1, 1, 0],
                      "x": [0, 1, 0, 1, 0, 1, 1, 0, 1, 0]})
    model = cox(d, "t", "e", ["x"])
    with pytest.warns(DeprecationWarning, match=r"Cox\.to_frame\(\)"):
        old = model.table
    pd.testing.assert_frame_equal(old, model.to_frame())
    assert list(model.to_frame()["term"]) == ["x"]

"""One of each (issue 13): the statuses of a started match are defined once, in the
vocabulary, and every module that counts started matches uses that definition."""

from __future__ import annotations

import ast
import importlib

import pytest

import layering
from layering import module_name, source_files
from mentorkit import vocab

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

"""One way to translate: every catalogue complete in da, en and nl, one lookup, one error for
a language that is none of them, raised the same way by every public entry point."""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import mentorkit
from mentorkit import i18n, vocab
from mentorkit.errors import MissingTranslation, UnknownLanguage, ValidationError
from mentorkit.i18n import Catalogue, check_lang

PACKAGE = Path(mentorkit.__file__).parent

#: The catalogues the package has; a new one is found by the walk below and must be named here.
CATALOGUES = {
    "ui.labels", "plots.matching", "plots.outcomes", "plots.network", "matching.criteria",
    "matching.rules", "matching.reasons", "matching.why_not", "network.findings",
    "outcomes.report", "outcomes.designs", "reports.funder", "reports.regions", "reports.numbers",
    "files", "periods",
    "outcomes.power", "outcomes.sensitivity",
    "outcomes.diagnostic_words", "outcomes.headline", "outcomes.public", "reports.provenance",
    "reports.outcome_study", "reports.network_analysis", "reports.matching_study",
    "reports.funder_design",
    "outcomes.covariates",  # covariates and model terms in words
    "casework.digest",      # the daily digest and its mail
    "imports.headers",      # the intake form's column headers in her language
    "imports.headers.own",  # the headers of the fields that are not a person's label
    "hub.labels",           # the hub's pages (login, sign-up, no server) in da/en/nl
}


def _import_everything() -> None:
    """Import every module of the package (so every catalogue is made), quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for info in pkgutil.walk_packages([str(PACKAGE)], "mentorkit."):
            if ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)
    from mentorkit.hub import identity
    from mentorkit.imports import headers
    from mentorkit.ui import labels

    labels.CATALOGUE  # read on first use  # noqa: B018
    headers.HEADERS  # read on first use (and the headers of its own)  # noqa: B018
    identity._catalogue()  # the hub's texts, read on first use


def test_every_catalogue_has_every_key_in_danish_english_and_dutch() -> None:
    _import_everything()
    found = i18n.catalogues()
    assert set(found) == CATALOGUES
    problems = [f"{name}: {p}" for name, c in sorted(found.items()) for p in c.problems()]
    assert problems == []
    assert all(len(c) > 0 for c in found.values())


def test_a_catalogue_with_a_gap_is_caught() -> None:
    broken = {"a": {"da": "x {n}", "en": "y {n}"}, "b": {"da": "{n}", "en": "{n}", "nl": ""},
              "c": {"da": "{n}", "en": "{n}", "nl": "{m}", "fr": "z"}}
    assert i18n.problems(broken) == [
        "a: no 'nl' text", "b: no 'nl' text", "c: unknown language(s) ['fr']",
        "c: 'nl' has placeholders ['m'], 'en' has ['n']"]


def _literal_keys(node: ast.Dict) -> set[str]:
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _is_text_triple(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Tuple) and len(node.elts) == 3 and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)


def _loose_tables(source: str) -> tuple[list[int], list[int]]:
    """Lines of translation tables not in the one shape (a dict keyed by da, en and nl outside
    ``Catalogue(...)``, or a dict of (da, en, nl) tuples), and lines that type the list of
    languages out."""
    tree = ast.parse(source)
    langs = set(vocab.LANGS)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Catalogue":
            inside |= {id(n) for arg in node.args for n in ast.walk(arg)}
    tables, lists = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and id(node) not in inside and (
                _literal_keys(node) == langs
                or len(node.values) > 1 and all(_is_text_triple(v) for v in node.values)):
            tables.append(node.lineno)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) == 3 \
                and {getattr(e, "value", None) for e in node.elts} == langs:
            lists.append(node.lineno)
    return tables, lists


def test_the_shape_check_finds_the_old_shapes() -> None:
    old = ('''TITLES = {"total": ("Samlet", "Total", "Totaal"), "gap": ("under", "below", "onder")}
WORDS = {"en": {"x": "X"}, "da": {"x": "X"}, "nl": {"x": "X"}}
def _t(key, lang):
    return TITLES[key][("da", "en", "nl").index(lang)]
NEW = Catalogue("x", {"total": {"da": "Samlet", "en": "Total", "nl": "Totaal"}})
''')
    assert _loose_tables(old) == ([1, 2], [4])


def test_no_table_of_languages_outside_a_catalogue_and_the_list_typed_out_once() -> None:
    """Every table of words is a ``Catalogue`` (the one shape); coded values are labelled by
    their vocabulary; the languages are typed out once, as ``vocab.Lang`` and ``vocab.LANGS``."""
    tables: list[str] = []
    lists: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if '"da"' not in source and "'da'" not in source:
            continue
        where = path.relative_to(PACKAGE.parent).as_posix()
        found, typed = _loose_tables(source)
        if where != "mentorkit/vocab.py":  # the vocabularies: code -> (da, en, nl) labels
            tables += [f"{where}:{line}" for line in found]
        lists += [f"{where}:{line}" for line in typed]
    assert tables == []
    assert [w.split(":")[0] for w in lists] == ["mentorkit/vocab.py"] * 2


def test_check_lang_is_the_one_error_naming_the_language_and_the_allowed_ones() -> None:
    assert [check_lang(x) for x in vocab.LANGS] == list(vocab.LANGS)
    for wrong in ("fr", "EN", "", None, 1):
        with pytest.raises(UnknownLanguage) as err:
            check_lang(wrong)
        assert str(err.value) == f"lang must be da, en or nl (got {wrong!r})"
        assert err.value.lang == wrong and err.value.allowed == vocab.LANGS
    with pytest.raises(UnknownLanguage, match=r"^MENTORKIT_LANG must be da, en or nl"):
        check_lang("de", name="MENTORKIT_LANG")
    err = UnknownLanguage("fr", vocab.LANGS, "--lang")
    assert isinstance(err, ValidationError) and isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))  # crosses process boundaries (report workers)
    assert (str(again), again.name, again.lang) == (str(err), "--lang", "fr")


def test_the_lookup_fills_fields_and_names_a_missing_key_or_translation() -> None:
    c = Catalogue("test.lookup", {"n": {"da": "{n} i alt", "en": "{n} in all", "nl": ""}})
    assert c.text("n", "da", n=3) == "3 i alt"
    assert c.text("n", "en") == "{n} in all"
    with pytest.raises(MissingTranslation, match="the test.lookup text 'n' has no 'nl'"):
        c.text("n", "nl", n=3)
    with pytest.raises(MissingTranslation, match="the test.lookup texts have no key 'm'") as err:
        c.text("m", "en")
    assert isinstance(err.value, KeyError)
    with pytest.raises(UnknownLanguage):
        c.text("n", "fr", n=3)
    i18n._ALL.pop("test.lookup")


@pytest.fixture(scope="module")
def ds() -> Any:
    from mentorkit.synth import generate

    return generate(seed=0, scale=0.2)


@pytest.fixture(scope="module")
def scores() -> Any:
    from mentorkit.matching.scoring import score
    from mentorkit.synth.pool import synthetic_pool

    return score(*synthetic_pool(20, seed=6))


def _entry_points(ds: Any, scores: Any) -> dict[str, Callable[[str], Any]]:
    from mentorkit import network, plots  # noqa: F401
    from mentorkit.config import Settings
    from mentorkit.matching import explain, slider_spec, why_not
    from mentorkit.matching.assignment import solve
    from mentorkit.matching.reasons import pair_reasons
    from mentorkit.matching.settings import rule_names
    from mentorkit.network.interpret import Tables, findings
    from mentorkit.outcomes.report import describe_effect, label, participation
    from mentorkit.plots import matching as mplots
    from mentorkit.plots import network as nplots
    from mentorkit.plots import outcomes as oplots
    from mentorkit.reports.funder_text import t as funder_t
    from mentorkit.reports.funder_view import FunderReport
    from mentorkit.reports.tables import percent_text
    from mentorkit.ui import labels

    mentee, mentor = int(scores.mentee_ids[0]), int(scores.mentor_ids[0])
    summary = pd.DataFrame({"method": ["optimal"], "total_score": [1.0], "share_matched": [1.0]})
    graph = network.relationship_graph(ds.match, ds.person)
    return {
        "explain": lambda lang: explain(scores, mentee, mentor, lang=lang),
        "why_not": lambda lang: why_not(scores, mentee, mentor, solve(scores), lang=lang),
        "pair_reasons": lambda lang: pair_reasons(scores, np.array([0]), np.array([0]), lang),
        "slider_spec": slider_spec,
        "rule_names": lambda lang: rule_names(1, lang),
        "findings": lambda lang: findings(Tables.of(ds), lang=lang),
        "plots.method_comparison": lambda lang: mplots.method_comparison(summary, lang=lang),
        "plots.love_plot": lambda lang: oplots.love_plot(None, lang),
        "plots.draw_network": lambda lang: nplots.draw_network(graph, lang=lang),
        "plots.growth_lines": lambda lang: nplots.growth_lines(pd.DataFrame(), lang=lang),
        "outcomes.label": lambda lang: label("matched", lang),
        "outcomes.participation": lambda lang: participation(pd.DataFrame(
            {"programme": ["A"], "matched": [True], "completed": [False],
             "ended_early": [False]}), lang=lang),
        "outcomes.describe_effect": lambda lang: describe_effect(None, None, lang),  # type: ignore[arg-type]
        "funder_report": lambda lang: FunderReport.build(ds, lang=lang),
        "funder_text": lambda lang: funder_t("title", lang),
        "percent_text": lambda lang: percent_text(1, 2, lang),
        "ui.labels": lambda lang: labels.t("app.home", lang),
        "vocab": lambda lang: vocab.GENDERS.label("female", lang),  # type: ignore[arg-type]
        "vocab.labels": lambda lang: vocab.GENDERS.labels(lang),  # type: ignore[arg-type]
        "Settings": lambda lang: Settings.from_env({"MENTORKIT_LANG": lang}),
    }


NAMES = ["explain", "why_not", "pair_reasons", "slider_spec", "rule_names", "findings",
         "plots.method_comparison", "plots.love_plot", "plots.draw_network",
         "plots.growth_lines", "outcomes.label", "outcomes.participation",
         "outcomes.describe_effect", "funder_report", "funder_text", "percent_text",
         "ui.labels", "vocab", "vocab.labels", "Settings"]


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_point_that_takes_a_language_refuses_another_the_same_way(
        name: str, ds: Any, scores: Any) -> None:
    call = _entry_points(ds, scores)[name]
    with pytest.raises(UnknownLanguage) as err:
        call("fr")
    assert err.value.lang == "fr" and "must be da, en or nl (got 'fr')" in str(err.value)


@pytest.mark.parametrize("name", ["explain", "why_not", "slider_spec", "rule_names", "findings",
                                  "outcomes.label", "funder_text", "percent_text", "ui.labels",
                                  "vocab", "Settings"])
def test_and_answers_in_each_of_the_three(name: str, ds: Any, scores: Any) -> None:
    call = _entry_points(ds, scores)[name]
    answers = [call(lang) for lang in vocab.LANGS]
    shown = [repr(getattr(a, "lines", a)) for a in answers]
    assert len(set(shown)) > 1, shown  # the language changes what is said


def test_the_parametrised_list_names_every_entry_point(ds: Any, scores: Any) -> None:
    assert sorted(NAMES) == sorted(_entry_points(ds, scores))


def test_the_old_language_keyword_still_works_with_a_warning_that_names_lang() -> None:
    from mentorkit.outcomes.report import label
    from mentorkit.plots.outcomes import phase_plot

    with pytest.warns(DeprecationWarning, match=r"label\(language=\.\.\.\) is now label\(lang="):
        assert label("matched", language="da") == label("matched", lang="da") == "Med mentor"
    with pytest.raises(TypeError, match="give lang only"):
        label("matched", lang="da", language="nl")
    by_phase = pd.DataFrame({"phase": ["intake"], "group": [True], "n": [9], "value": [0.5],
                             "ci_low": [0.3], "ci_high": [0.7]})
    with pytest.warns(DeprecationWarning, match="lang="):
        fig = phase_plot(by_phase, language="nl")
    assert fig.axes[0].get_title() == "Uitkomst door de tijd"


def test_rule_names_without_a_language_are_the_rules_names() -> None:
    from mentorkit.matching.settings import CAPACITY, GENDER, rule_names

    assert rule_names(GENDER | CAPACITY) == ["gender", "capacity"]
    assert rule_names(GENDER | CAPACITY, "nl") == [
        "Voorkeur van de mentee voor het geslacht van de mentor", "Mentor heeft geen plek meer"]


def test_the_language_switch_names_each_language_in_itself() -> None:
    pytest.importorskip("ipywidgets")
    from mentorkit.ui.common import LANG_NAMES

    assert LANG_NAMES == {"da": "Dansk", "en": "English", "nl": "Nederlands"}

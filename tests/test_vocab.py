"""The controlled vocabularies: complete in three languages, well-formed codes."""

import re

import pytest

from mentorkit import vocab


@pytest.mark.parametrize("voc", list(vocab.ALL.values()), ids=list(vocab.ALL))
def test_every_code_has_three_labels(voc: vocab.Vocabulary) -> None:
    assert len(voc) >= 2
    for code in voc:
        for lang in vocab.LANGS:
            assert voc.label(code, lang).strip(), (voc.name, code, lang)


def test_languages_are_iso_639_1_and_countries_iso_3166() -> None:
    assert all(re.fullmatch(r"[a-z]{2}", c) for c in vocab.LANGUAGES)
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in vocab.COUNTRIES)


def test_labels_differ_between_languages_somewhere() -> None:
    # a vocabulary whose Danish labels equal its English ones everywhere was not translated
    for voc in vocab.ALL.values():
        if voc.name in ("currency",):
            continue
        assert any(voc.label(c, "da") != voc.label(c, "en") for c in voc) or voc.name in (
            "role",), voc.name


def test_ordered_vocabularies_rank_in_order() -> None:
    assert vocab.EDUCATION_LEVELS.rank("none") < vocab.EDUCATION_LEVELS.rank("master")
    assert vocab.LANGUAGE_LEVELS.rank("A1") < vocab.LANGUAGE_LEVELS.rank("C2")
    assert vocab.OUTCOME_PHASES.codes == ("intake", "end", "followup_6m", "followup_12m")


def test_get_names_unknown_vocabulary() -> None:
    with pytest.raises(KeyError, match="no vocabulary called 'colour'"):
        vocab.get("colour")


def test_schema_vocab_references_exist() -> None:
    from mentorkit.model.schema import TABLES

    named = {(table.name, column.name): column.info["vocab"] for table in TABLES.values()
             for column in table.c if column.info.get("vocab")}
    assert named[("person", "gender")] == "gender" and named[("match", "status")]
    for name in named.values():
        vocab.get(name)

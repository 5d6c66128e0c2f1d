"""Whatever a file holds, the importer answers with a report, never a traceback.

Random bytes, random workbooks and random CSV text (columns drawn from the real headers,
cells from awkward values) either import or raise ImportFailed with at least one problem
and an unchanged database. A round-trip property checks that awkward text survives an
export and an import unchanged.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from mentorkit.errors import ImportFailed
from mentorkit.imports import KINDS, export_table, import_file
from mentorkit.imports.columns import SPECS
from mentorkit.model.frames import conform
from mentorkit.model.validation import validate_frame
from mentorkit.store import Store
from mentorkit.synth import generate

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

AWKWARD = ["", " ", "Vollsmose", "vollsmose", "Atlantis", "1", "0", "-1", "0800", "1985",
           "19x5", "37,5", "1e400", "nan", "01-02-2024", "31-02-2024", "03/04/2020",
           "2024-13-01", "1.2.2024 10:00", "0001-01-01", "9999-12-31", "female", "Kvinde",
           "pilot", "mentor", "mentee", "ar|en", "ar||xx", "|", "010190-1234", "111222333",
           "KÃ¸benhavn", "København", "=HYPERLINK(\"http://x\",\"y\")", "'=1+1", "@x",
           "a@example.org", "kurt.lauritsen.1@example.dk", "\"", "\"\"", ";", ",", "\t",
           "{\"a\": 1}", "[1", "proposed", "meeting", "intake", "Jobcenter Odense", "1"*30,
           "x" * 300, "\x00", "\x1b[31m", "ä\u200bö", "\ufeff"]
HEADERS = sorted(set().union(*(s.known for s in SPECS.values())) | {"programme", "email"})

printable = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12)
cell = st.one_of(st.sampled_from(AWKWARD), printable, st.text(max_size=20))
header_cell = st.one_of(st.sampled_from(HEADERS), st.sampled_from(["", "Role", "E-mail", "x"]))


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Store, Path]]:
    """One store with the small synthetic programmes and a folder for files."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(Path(folder) / "t.db"), actor="test")
        store.load(generate(seed=0, scale=0.1))
        yield store, Path(folder)
        store.close()


def attempt(store: Store, path: Path, kind: str, programme: str | None = None) -> None:
    """Import; a refusal must carry problems and leave the database as it was."""
    before = store.counts()
    try:
        report = import_file(store, path, kind, programme=programme)
    except ImportFailed as err:
        assert err.report is not None and err.report.problems
        assert err.report.to_text(show_values=True)
        assert len(err.report.to_frame()) == len(err.report.problems)
        assert store.counts() == before
        event(f"refused: {err.report.problems[0].rule[:30]}")
    else:
        event("imported")
        assert report.ok and report.rows == report.inserted + report.already_present


@SETTINGS
@given(data=st.binary(max_size=3000), kind=st.sampled_from(KINDS),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes(world: tuple[Store, Path], data: bytes, kind: str, suffix: str) -> None:
    store, folder = world
    path = folder / f"junk{suffix}"
    path.write_bytes(data)
    attempt(store, path, kind, programme="Vollsmose")


@SETTINGS
@given(columns=st.lists(header_cell, min_size=1, max_size=8),
       rows=st.lists(st.lists(cell, min_size=0, max_size=9), max_size=6),
       sep=st.sampled_from([";", ",", "\t"]), kind=st.sampled_from(KINDS),
       programme=st.sampled_from([None, "Vollsmose"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       quote=st.booleans())
def test_random_csv(world: tuple[Store, Path], columns: list[str], rows: list[list[str]],
                    sep: str, kind: str, programme: str | None, encoding: str,
                    quote: bool) -> None:
    store, folder = world
    path = folder / "random.csv"
    path.write_bytes(csv_text(columns, rows, sep, quote).encode(encoding, errors="replace"))
    attempt(store, path, kind, programme=programme)


def csv_text(columns: list[str], rows: list[list[str]], sep: str, quote: bool) -> str:
    def line(cells: list[str]) -> str:
        if quote:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        return sep.join(cells)

    return "\n".join([line(columns)] + [line(r) for r in rows]) + "\n"


def plausible(column: str, emails: list[str]) -> st.SearchStrategy[str]:
    """Values that are often right for ``column``, mixed with awkward ones."""
    from mentorkit import vocab
    from mentorkit.model.frames import kind
    from mentorkit.model.schema import TABLES

    good: list[str] = []
    if column.endswith("email"):
        good = emails
    elif column == "programme":
        good = ["Vollsmose", "Skovparken", "Groningen"]
    elif column.endswith("_id") or column == "referred_by":
        good = ["1", "2", "3", "40", "Jobcenter Odense"]
    else:
        for name in ("person", "match", "followup", "outcome"):
            if column in TABLES[name].c:
                c = TABLES[name].c[column]
                k = kind(c)
                if c.info.get("vocab"):
                    codes = list(vocab.get(c.info["vocab"]).codes)
                    good = codes + (["|".join(codes[:2])] if k == "list" else [])
                elif k in ("date", "datetime"):
                    good = ["01-02-2024", "2023-12-31", "5.6.2022"]
                elif k in ("int", "float"):
                    good = ["1", "3", "1985", "2.5"]
                break
    return st.one_of(st.sampled_from(good or ["x"]), st.sampled_from(AWKWARD[:-4]), printable)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_csv_of_a_kind(world: tuple[Store, Path], data: st.DataObject) -> None:
    """Headers mostly right for the kind, so the cell checks are reached too."""
    store, folder = world
    kind = data.draw(st.sampled_from(KINDS))
    spec = SPECS[kind]
    base = {"people": ["programme", "role", "email"], "mentors": ["programme", "email"],
            "mentees": ["programme", "email"],
            "matches": ["mentee_email", "mentor_email", "status"],
            "followups": ["mentee_email", "mentor_email", "date", "kind"],
            "outcomes": ["email", "phase"]}[kind]
    extra = data.draw(st.lists(st.sampled_from(sorted(spec.known)), max_size=5))
    columns = list(dict.fromkeys(base + extra))
    emails = store.table("person")["email"].dropna().sample(20, random_state=0).tolist()
    strategies = [plausible(c, emails) for c in columns]
    rows = data.draw(st.lists(st.tuples(*strategies).map(list), min_size=1, max_size=6))
    sep = data.draw(st.sampled_from([";", ","]))
    path = folder / "kind.csv"
    path.write_text(csv_text(columns, rows, sep, quote=True), encoding="utf-8")
    attempt(store, path, kind)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True),
       rows=st.lists(st.lists(st.one_of(st.sampled_from(AWKWARD[:-4]), printable,
                                        st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                                        st.datetimes(), st.none()),
                              min_size=1, max_size=6), max_size=5),
       kind=st.sampled_from(KINDS))
def test_random_workbook(world: tuple[Store, Path], columns: list[str], rows: list[list[object]],
                         kind: str) -> None:
    store, folder = world
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for r in rows:
        sheet.append(r)
    path = folder / "random.xlsx"
    book.save(path)
    attempt(store, path, kind, programme="Vollsmose")


text_value = st.text(st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="|"),
                     max_size=15).map(str.strip)


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[Store, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(Path(folder) / "b.db"), actor="test")
        store.programmes.add(name="Vollsmose")
        yield store, Path(folder)
        store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=text_value, last=text_value, postcode=st.from_regex(r"\A0\d{3}\Z"),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_awkward_text_round_trips(target: tuple[Store, Path], notes: str, last: str,
                                  postcode: str, suffix: str) -> None:
    """Text with formula characters, quotes, separators and æøå comes back as it was."""
    store, folder = target
    n = len(store.table("person"))
    fields = {"programme_id": 1, "role": "mentee", "first_name": "Testa",
              "last_name": last or None, "email": f"testa{n}@example.org",
              "postcode": postcode, "notes": notes or None, "registered_on": "2024-02-01",
              "consent_given_at": "2024-02-01 12:30", "consent_scope": ["casework"]}
    frame = conform("person", pd.DataFrame([fields]))[list(fields)]
    # text the store itself refuses (a CPR-like number, mojibake …) is not tried; should
    # every row be refused (a new rule the fields above miss), hypothesis fails the test
    assume(not validate_frame("person", frame))
    path = folder / f"people{suffix}"
    export_table(frame, path, table="person")
    assert import_file(store, path, "people").inserted == 1
    got = store.table("person").iloc[-1]
    assert (got["notes"] if pd.notna(got["notes"]) else "") == notes
    assert (got["last_name"] if pd.notna(got["last_name"]) else "") == last
    assert got["postcode"] == postcode


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=6), max_size=20))
def test_export_guard_matches_neutralise_formula(texts: list[str]) -> None:
    """The column-wise guard of exports does what validation.neutralise_formula does, and an
    import's un-guarding gives the text back."""
    from mentorkit.imports.exporting import neutralised
    from mentorkit.imports.parsing import parse_text
    from mentorkit.model.validation import neutralise_formula

    series = pd.Series(texts, dtype="str")
    guarded = neutralised(series)
    for text, out in zip(texts, guarded.tolist()):
        if not text.startswith("'"):
            assert out == neutralise_formula(text)
    back = parse_text(guarded).fillna("").tolist()
    assert back == texts

"""The personal-data scan: it finds what it must, wherever it hides, and says no value."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook, new_output
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.model.dataset import Dataset
from mentorkit.privacy.leaks import Needles, scan_file, scan_paths, scan_text


@pytest.fixture(scope="module")
def people(small_dataset: Dataset) -> pd.DataFrame:
    return small_dataset.person


@pytest.fixture(scope="module")
def needles(small_dataset: Dataset) -> Needles:
    return Needles.from_tables(small_dataset.tables())


def someone(people: pd.DataFrame) -> pd.Series:
    with_all = people.dropna(subset=["first_name", "last_name", "email", "phone", "address"])
    return with_all.iloc[len(with_all) // 2]


def kinds(leaks: list) -> set[str]:
    return {leak.kind for leak in leaks}


def test_each_kind_is_found_however_it_is_written(people: pd.DataFrame, needles: Needles,
                                                  small_dataset: Dataset) -> None:
    r = someone(people)
    digits = "".join(c for c in r["phone"] if c.isdigit())[-8:]
    note = small_dataset.followup["notes"].dropna().iloc[0]
    cases = {
        "person.name": [f"saved {r['first_name']} {r['last_name']}",
                        f"<td>{r['first_name'].upper()}&nbsp;{r['last_name']}</td>",
                        f'"{r["first_name"]}\\n{r["last_name"]}"',
                        f"{r['first_name']}\n   {r['last_name']}"],
        "person.email": [f"write to {r['email'].upper()}."],
        "person.phone": [f"call {digits[:2]} {digits[2:4]}-{digits[4:6]} {digits[6:]}",
                         f"tel:+45{digits}"],
        "person.address": [f"lives at {r['address'].lower()}"],
        "followup.notes": [f"note: {note}"],
    }
    for kind, texts in cases.items():
        for text in texts:
            assert kind in kinds(scan_text(text, needles)), (kind, text)


def test_a_last_name_alone_is_found_but_not_inside_another_word(people: pd.DataFrame,
                                                               needles: Needles) -> None:
    for last in sorted(" ".join(n) for n in needles.last_names)[:20]:
        assert kinds(scan_text(f"mentor {last} called", needles)) == {"person.last_name"}
        assert scan_text(f"mentor X{last.lower()}Y called", needles) == []
    double = Needles.from_tables({"person": pd.DataFrame({"first_name": ["Amal"],
                                                           "last_name": ["Jensen-Al Hassan"]})})
    assert kinds(scan_text("see Jensen-Al\nHassan", double)) == {"person.last_name"}
    assert scan_text("see Jensen and Hassan", double) == []


def test_findings_name_place_and_kind_never_the_value(people: pd.DataFrame,
                                                      needles: Needles) -> None:
    r = someone(people)
    text = "line one\nline two\n" + f"{r['first_name']} {r['last_name']} <{r['email']}>\n"
    leaks = scan_text(text, needles, source="server.log")
    assert [(x.source, x.line) for x in leaks] == [("server.log", 3)] * 2
    for leak in leaks:
        shown = str(leak)
        assert r["first_name"] not in shown and r["email"] not in shown


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["mentees", "matched", "12", "Tingbjerg", "Groningen", "%",
                                 "2021", "of", "the", "female", "male", "<td>", "</td>", "\n",
                                 "Vollsmose", "employed", "rate", "0.42", "-", "(", ")"]),
                max_size=40))
def test_report_words_alone_are_no_finding(needles: Needles, words: list[str]) -> None:
    assert scan_text(" ".join(words), needles) == []


def test_html_reads_what_the_reader_sees(people: pd.DataFrame, needles: Needles) -> None:
    last = sorted(" ".join(n) for n in needles.last_names)[0]
    hidden = f"<style>.{last} {{ color: red }}</style><script>var {last} = 1;</script><p>18</p>"
    assert scan_text(hidden, needles, markup=True) == []
    shown = f'<img alt="portrait of {last}" src="data:image/png;base64,iVBORw0KGgo=">'
    assert kinds(scan_text(shown, needles, markup=True)) == {"person.last_name"}


def test_notebooks_are_scanned_in_their_outputs_only(tmp_path: Path, people: pd.DataFrame,
                                                     needles: Needles) -> None:
    r = someone(people)
    nb = new_notebook(cells=[new_code_cell(f"# {r['first_name']} {r['last_name']}", outputs=[
        new_output("stream", name="stdout", text="18 mentees\n"),
        new_output("execute_result", data={"text/html": f"<b>{r['phone']}</b>"},
                   execution_count=1)])])
    path = tmp_path / "planted-report.ipynb"
    nbformat.write(nb, path)
    leaks = scan_file(path, needles)
    assert kinds(leaks) == {"person.phone"} and "(output 2)" in leaks[0].source


def test_scan_paths_reads_logs_reports_and_notebooks_in_folders(tmp_path: Path,
                                                                people: pd.DataFrame,
                                                                needles: Needles) -> None:
    r = someone(people)
    folder = tmp_path / "planted"
    (folder / "sub").mkdir(parents=True)
    (folder / "clean.log").write_text("INFO matched 12 mentees\n")
    (folder / "sub" / "planted-app.log").write_text(f"ERROR could not save {r['phone']}\n")
    (folder / "data.csv").write_text(f"{r['email']}\n")  # data files are not logs: not read
    leaks, files = scan_paths([folder], needles)
    assert files == 2 and kinds(leaks) == {"person.phone"}


def test_the_command_scans_against_the_database_and_fails_on_a_finding(
        tmp_path: Path, small_db: Path, small_dataset: Dataset) -> None:
    db = small_db
    r = someone(small_dataset.person)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.html").write_text("<p>Vollsmose: 18 mentees</p>")
    runner = CliRunner()
    clean = runner.invoke(app, ["scan", str(reports), "--db", str(db)])
    assert clean.exit_code == 0 and "no personal data" in clean.output
    (reports / "planted.html").write_text(f"<p>{r['first_name']} {r['last_name']}</p>")
    found = runner.invoke(app, ["scan", str(reports), "--db", str(db)])
    assert found.exit_code == 1 and "planted.html:1: person.name" in found.output
    assert r["last_name"] not in found.output


def test_the_run_recorder_keeps_logs_errors_and_outputs(tmp_path: Path) -> None:
    """The suite-wide scan (tests/leakcheck.py) records what it must scan."""
    import logging

    from leakcheck import Recorder

    from mentorkit.errors import ValidationError

    recorder = Recorder(tmp_path / "planted-recorder")
    recorder.start()
    try:
        logging.getLogger("mentorkit.test").debug("a debug line")
        logging.getLogger("somebody.else").info("not kept")
        logging.getLogger("somebody.else").warning("kept")
        ValidationError("row 3, field email: not an e-mail address")
    finally:
        recorder.stop()
    records = (tmp_path / "planted-recorder" / "records.log").read_text()
    assert "a debug line" in records and "kept" in records and "not kept" not in records
    errors = (tmp_path / "planted-recorder" / "errors.log").read_text()
    assert errors == "ValidationError: row 3, field email: not an e-mail address\n"
    assert json.dumps(recorder.counts)  # plain numbers


def test_every_direct_identifier_and_free_text_column_of_the_schema_is_looked_for() -> None:
    from mentorkit.privacy.leaks import _DIRECT, columns_of_class

    assert columns_of_class("direct") == {"person": _DIRECT}
    free = columns_of_class("free_text")
    assert free and all(cols for cols in free.values())
    tables = {name: pd.DataFrame({c: [f"Zygmunt wrote about {name} {c} today"] for c in cols})
              for name, cols in free.items()}
    needles = Needles.from_tables(tables)
    assert set(needles.notes.values()) == {f"{name}.{c}" for name, cols in free.items()
                                           for c in cols}


PLANTED_SESSION = '''
import logging

from mentorkit.errors import ValidationError
from mentorkit.synth import generate


def test_that_leaks():
    person = generate(seed=0, scale=0.05).person.iloc[0]
    logging.getLogger("mentorkit.demo").warning("saved %s %s", person.first_name,
                                                person.last_name)
    ValidationError(f"row 2, field email: {person.email} is not allowed")


def test_that_is_clean():
    logging.getLogger("mentorkit.demo").info("matched 12 mentees")
'''


def test_a_planted_leak_fails_the_session(pytester: pytest.Pytester,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite-wide check itself: a run whose tests all pass still fails on a leak."""
    from mentorkit.synth import generate

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent))
    pytester.makeconftest('pytest_plugins = ("leakcheck",)\n')
    pytester.makepyfile(test_leaky=PLANTED_SESSION)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*leakcheck: personal data in *records.log:1: person.name*",
                                 "*leakcheck: personal data in *errors.log:1: person.email*",
                                 "*leakcheck: 3 finding(s)*"])
    person = generate(seed=0, scale=0.05).person.iloc[0]
    assert person.email not in result.stdout.str()
    assert person.last_name not in result.stdout.str()
    clean = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "clean")
    assert clean.ret == 0


# --- encoded output (issue 15: the report scan missed base64) --------------------------------

import base64  # noqa: E402
import quopri  # noqa: E402
import urllib.parse  # noqa: E402

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8).decode()
CPR = "010190-1234"


def _b64(text: str, urlsafe: bool = False) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return encode(text.encode("utf-8")).decode()


def _hidden(r: pd.Series) -> dict[str, list[str]]:
    """Each kind, hidden each way an output can hide it."""
    name, email = f"{r['first_name']} {r['last_name']}", str(r["email"])
    return {
        "person.email": [
            f"token {_b64(email)}", f"token={_b64('mail: ' + email, urlsafe=True)}",
            f"<a href='data:text/plain;base64,{_b64(email)}'>x</a>",
            f'<img src="data:image/svg+xml;base64,{_b64(f"<svg><text>{email}</text></svg>")}">',
            f"<a href=\"data:text/plain,{urllib.parse.quote(email)}\">x</a>",
            quopri.encodestring(f"Til: {email}".encode()).decode().replace("@", "=40"),
            f"mailto:{urllib.parse.quote(email, safe='')}",
            _b64(f"data:text/plain;base64,{_b64(email)}"),  # encoded twice
        ],
        "person.name": [
            f"x = '{_b64(name)}'",
            "\n".join(_b64(f"Mentee: {name}, matched in 2024 " * 3)[i:i + 20]
                      for i in range(0, 160, 20)),  # wrapped over lines
            f"<script>atob('{_b64('<b>' + name + '</b>')}')</script>",
        ],
        "national_id.CPR": [f"cpr {_b64('CPR ' + CPR)}", f"born {CPR}", f"id {_b64(CPR)}"],
    }


def test_encoded_personal_data_is_found_and_says_how(people: pd.DataFrame,
                                                      needles: Needles) -> None:
    r = someone(people)
    for kind, texts in _hidden(r).items():
        for text in texts:
            for markup in (False, True):
                found = kinds(scan_text(text, needles, markup=markup))
                assert any(k == kind or k.startswith(kind + " (") for k in found), \
                    (kind, text, markup, found)
    assert "person.email (base64)" in kinds(scan_text(f"token {_b64(str(r['email']))}",
                                                      needles))
    assert "person.email (base64, data URI)" in kinds(scan_text(
        _b64(f"data:text/plain;base64,{_b64(str(r['email']))}"), needles))
    # and the finding still names no value, however it was hidden
    for leak in scan_text(f"token {_b64(str(r['email']))}", needles):
        assert str(r["email"]) not in str(leak) and _b64(str(r["email"])) not in str(leak)


def test_a_notebook_output_hiding_a_name_in_base64_is_found(tmp_path: Path,
                                                           people: pd.DataFrame,
                                                           needles: Needles) -> None:
    r = someone(people)
    name = f"{r['first_name']} {r['last_name']}"
    nb = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        new_output("display_data", data={"application/pdf": _b64(f"%%{name}")}),
        new_output("display_data", data={"image/png": _b64(f"{name} {r['email']}")}),
        new_output("stream", name="stdout", text=f"{_b64(str(r['email']))}\n"),
        new_output("display_data", data={"text/html": f'<iframe src="data:text/html;base64,'
                                                      f'{_b64("<p>" + name + "</p>")}">'}),
    ])])
    path = tmp_path / "planted-encoded.ipynb"
    nbformat.write(nb, path)
    found = {(leak.source.rsplit("(", 1)[1], leak.kind) for leak in scan_file(path, needles)}
    # the picture (output 1) and its text (2) are clean; the e-mail holds the name too
    assert found == {("output 3)", "person.name (base64)"),
                     ("output 4)", "person.name (base64)"), ("output 4)", "person.email (base64)"),
                     ("output 5)", "person.name (base64)"), ("output 5)", "person.email (base64)"),
                     ("output 6)", "person.name (data URI)")}, found


def test_pictures_words_and_counts_are_no_finding(needles: Needles) -> None:
    clean = [
        f'<img src="data:image/png;base64,{PNG}">', PNG, f"data:image/jpeg;base64,{PNG}",
        "internationalisation participantsOverview ReportGenerator2024",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "style='width=100%' cell-id=E7524d3 100%25 done",
        "1      Matched    129          70                402  286 - 558",
        "| 2024Q3 | 111 | 222 | 333 |", "0.0512345678 and 0.1234567891",
        "tlf 0612345678", "order 123456789",
    ]
    for text in clean:
        for markup in (False, True):
            assert scan_text(text, needles, markup=markup) == [], text


def test_the_scan_of_a_large_report_with_pictures_stays_linear(needles: Needles) -> None:
    """Ten embedded pictures of 300 kB and 20,000 table rows: scanned once, not per piece
    (a count of the decoding calls, not a clock)."""
    from unittest import mock

    from mentorkit.privacy import leaks

    page = "".join(f'<img src="data:image/png;base64,{PNG * 100}">' for _ in range(10))
    page += "".join(f"<tr><td>{i}</td><td>{i * 7 % 13}</td></tr>\n" for i in range(20_000))
    with mock.patch.object(leaks, "_unbase64", wraps=leaks._unbase64) as decode:
        assert scan_text(page, needles, markup=True) == []
    assert decode.call_count == 0  # pictures by their type, words and numbers by their look

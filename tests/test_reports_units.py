"""Reports without running notebooks: what the funder report counts, parameters, names,
HTML without code, the personal-data check and the error line of a failing cell."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mentorkit import vocab
from mentorkit.errors import NotFoundError, ValidationError
from mentorkit.monitoring import funder
from mentorkit.outcomes import analysis_table
from mentorkit.reports import plan, report_name, to_html
from mentorkit.reports.params import coerce, parameters_for, parse_assignment, redact_url
from mentorkit.reports.runner import ReportJob, _redact, describe_error


@pytest.fixture(scope="module")
def data(small_dataset):
    return funder.FunderData.load(small_dataset)


# -- periods and names ---------------------------------------------------------------------
@pytest.mark.parametrize("text, start, end", [
    ("2019", "2019-01-01", "2019-12-31"),
    ("2019:2021", "2019-01-01", "2021-12-31"),
    ("2019-01-01:2019-06-30", "2019-01-01", "2019-06-30"),
    ("2020-02/2020-02", "2020-02-01", "2020-02-29"),
])
def test_periods_are_read_as_inclusive_days(text: str, start: str, end: str) -> None:
    assert funder.parse_period(text) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize("bad", ["last year", "2019-13", "2020:2019", "2019:2020:2021"])
def test_a_period_that_is_not_understood_says_how_to_write_it(bad: str) -> None:
    with pytest.raises(ValidationError, match="period"):
        funder.parse_period(bad)


def test_report_names_follow_notebook_programme_and_period() -> None:
    assert report_name("nb/funder_report.ipynb", "Langkærparken", "2019-01-01:2019-12-31") == \
        "funder_report-langkaerparken-2019-01-01_2019-12-31"
    assert report_name("funder_report.ipynb", None, "") == \
        "funder_report-all-programmes-all-time"


def test_parameters_go_only_where_declared_with_the_declared_type() -> None:
    declared = {"db": "", "programme": "", "language": "en", "grant": "", "n_boot": 100}
    got = parameters_for(declared, {"db": "sqlite:///x.db", "programme": "Vollsmose",
                                    "period": "2019", "lang": "da"},
                         {"grant": 7, "n_boot": "200", "other": 1})
    assert got == {"db": "sqlite:///x.db", "programme": "Vollsmose", "language": "da",
                   "grant": "7", "n_boot": 200}
    assert parse_assignment("title=Pilot 2") == ("title", "Pilot 2")
    assert coerce("nej", True) is False
    with pytest.raises(ValidationError):
        parse_assignment("no-equals-sign")


def test_plan_runs_a_notebook_without_programme_once_and_rejects_unknown_parameters(
        tmp_path) -> None:
    nb = new_notebook(cells=[new_code_cell('lang = "en"', metadata={"tags": ["parameters"]})],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nbformat.write(nb, tmp_path / "plain.ipynb")
    jobs = plan([tmp_path / "plain.ipynb", "notebooks/funder_report.ipynb"], ["A", "B"],
                {"db": "sqlite:///x.db", "period": None, "lang": "nl"})
    assert [j.name for j in jobs] == ["plain-all-programmes-all-time",
                                      "funder_report-a-all-time", "funder_report-b-all-time"]
    assert jobs[0].parameters == {"lang": "nl"}
    assert jobs[1].parameters == {"db": "sqlite:///x.db", "programme": "A", "lang": "nl"}
    with pytest.raises(ValidationError, match="no notebook declares the parameter"):
        plan([tmp_path / "plain.ipynb"], ["A"], {}, {"nonsense": 1})


# -- what the funder report counts -------------------------------------------------------------
def test_recruitment_counts_people_registered_in_the_period(data, small_dataset) -> None:
    start, end = funder.parse_period("2019")
    table = funder.recruitment_by_gender(data.person, start, end)
    p = small_dataset.person
    in_2019 = p[p["registered_on"].dt.year == 2019]
    assert table.loc["mentee"].sum() == (in_2019["role"] == "mentee").sum()
    assert table.loc["mentor"].sum() == (in_2019["role"] == "mentor").sum()
    assert list(table.columns) == [g for g in vocab.GENDERS.codes if g in table.columns]


def test_small_countries_are_pooled_and_nothing_is_lost(data) -> None:
    table = funder.recruitment_by_origin(data.person, min_cell=5)
    mentees = data.person[data.person["role"] == "mentee"]
    assert table.to_numpy().sum() == len(mentees)
    countries = [r for r in table.index if r != "other" and not r.startswith("region:")]
    assert all(table.loc[r].sum() >= 5 for r in table.index if r != "other")
    assert countries == sorted(countries, key=lambda r: -table.loc[r].sum())


def test_matches_started_add_up_to_the_matches_started_in_the_period(data) -> None:
    start, end = funder.parse_period("2019:2021")
    table = funder.matches_started(data.match, start, end)
    m = data.match[data.match["status"].isin(funder.STARTED)]
    in_period = m[(m["started_on"] >= start) & (m["started_on"] <= end)]
    assert table.to_numpy().sum() == len(in_period)
    ended = in_period[in_period["ended_on"] <= end]
    assert table["completed"].sum() == (ended["status"] == "completed").sum()
    assert table["ended_early"].sum() == (ended["status"] == "ended_early").sum()
    assert list(table.columns) == ["completed", "ended_early", "running"]
    assert table.index[-1] == "running"
    assert table.loc["running", "running"] == table["running"].sum()
    everything = funder.matches_started(data.match)
    assert everything["running"].sum() == (m["status"] == "active").sum()


def test_outcomes_split_the_recorded_mentees(data) -> None:
    table = funder.outcomes_by_phase(data.person, data.match, data.outcome)
    assert list(table.index) == list(vocab.OUTCOME_PHASES.codes)
    parts = table[["employed", "in_education", "other"]].sum(axis=1)
    assert (parts == table["recorded"]).all()
    assert (table["recorded"] <= table["cohort"]).all()
    assert table.at["intake", "recorded"] > 0


def test_targets_are_counted_for_each_grant_and_one_grant_can_be_chosen(data) -> None:
    every = funder.grant_targets(data)
    assert set(every["grant_id"]) <= set(data.grant["id"])
    assert len(every) == len(data.target)
    one = int(data.grant["id"].iloc[0])
    assert set(funder.grant_targets(data, grant=str(one))["grant_id"]) == {one}
    with pytest.raises(NotFoundError, match="no grant"):
        funder.grant_targets(data, grant="No such grant")


def test_events_count_attendances_and_distinct_participants(data) -> None:
    held = funder.events_held(data.event, data.attendance)
    assert held["events"].sum() == len(data.event)
    assert held["attendances"].sum() == len(data.attendance)
    assert (held["participants"] <= held["attendances"]).all()


def test_effect_needs_enough_people_in_both_groups(small_dataset) -> None:
    d = funder.FunderData.load(small_dataset, programme="Tingbjerg")
    n, n_t, n_c = funder.effect_groups(d.person, d.match, d.outcome)
    summary = funder.employment_effect(analysis_table(small_dataset, "Tingbjerg"))
    assert (summary.n_treated, summary.n_control) == (n_t, n_c)
    assert summary.reason == "too_few" and summary.estimate is None
    assert funder.employment_effect(None).reason == "no_mentees"


def test_programme_restriction_keeps_only_its_rows(small_dataset) -> None:
    d = funder.FunderData.load(small_dataset, programme="groningen")
    pid = int(d.programme["id"].iloc[0])
    assert (d.person["programme_id"] == pid).all() and (d.match["programme_id"] == pid).all()
    assert d.outcome["person_id"].isin(d.person["id"]).all()
    with pytest.raises(NotFoundError, match="known"):
        funder.FunderData.load(small_dataset, programme="Atlantis")


# -- HTML, errors and privacy of the files -----------------------------------------------------
def test_html_has_outputs_but_no_code_warnings_or_removed_cells() -> None:
    cells = [new_markdown_cell("hidden notes", metadata={"tags": ["remove"]}),
             new_code_cell("shown = 1 + 1", outputs=[
                 nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1),
                 nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy")])]
    html = to_html(new_notebook(cells=cells), "T")
    assert ">2<" in html.replace("\n", "")
    assert "shown = 1" not in html and "noisy" not in html and "hidden notes" not in html
    assert "<script" not in html and "https://" not in html.split("<body")[1]


def test_a_failing_cell_is_named_by_its_place_in_the_notebook() -> None:
    nb = new_notebook(cells=[new_markdown_cell("# t"),
                             new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                             new_code_cell("x = 2", metadata={"tags": ["injected-parameters"]}),
                             new_code_cell("y = 1 / 0\nprint(y)")])

    class Err:
        cell_index, ename, evalue = 3, "ZeroDivisionError", "\x1b[0;31mdivision by zero\x1b[0m"
        source = "y = 1 / 0\nprint(y)"

    assert describe_error(nb, Err()) == ("cell 3: ZeroDivisionError: division by zero\n"
                                         "  in: y = 1 / 0")


def test_a_database_password_never_reaches_the_written_notebook() -> None:
    url = "postgresql+psycopg://mk:s3cret@127.0.0.1:5432/mk"
    nb = new_notebook(cells=[new_code_cell(f'# Parameters\ndb = "{url}"\n',
                                           metadata={"tags": ["injected-parameters"]})],
                      metadata={"papermill": {"parameters": {"db": url}}})
    _redact(nb, ReportJob("r", "nb.ipynb", "", {"db": url}))
    text = nbformat.writes(nb)
    assert "s3cret" not in text and "mk:***@127.0.0.1" in text
    assert redact_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_a_report_showing_personal_data_is_deleted_and_says_what_kind_where(
        small_dataset, tmp_path) -> None:
    from pathlib import Path

    from mentorkit.reports import guard
    from mentorkit.reports.runner import ReportResult
    from mentorkit.store import Store

    db = tmp_path / "guard.db"
    with Store.open(str(db), actor="test") as store:
        store.load(small_dataset)
    r = small_dataset.person.dropna(subset=["email", "phone"]).iloc[3]
    clean_html, leaky_html = tmp_path / "clean.html", tmp_path / "planted.html"
    clean_html.write_text("<style>.Madsen{}</style><p>Vollsmose 2019: 18 mentees, 23 of 25</p>")
    leaky_html.write_text(f"<p>18 mentees</p>\n<td>{r['phone'].replace(' ', '-')}</td>")
    nb = nbformat.v4.new_notebook()
    for path in (tmp_path / "clean.ipynb", tmp_path / "planted.ipynb"):
        nbformat.write(nb, path)
    results = [ReportResult("clean", tmp_path / "clean.ipynb", clean_html, None, 1.0),
               ReportResult("planted", tmp_path / "planted.ipynb", leaky_html, None, 1.0)]
    clean, leaky = guard(results, str(db))
    assert clean == results[0] and clean_html.exists()
    assert leaky.html is None and not leaky_html.exists()
    assert not Path(tmp_path / "planted.ipynb").exists()
    assert leaky.error == ("the report showed personal data (person.phone at planted.html "
                           "line 2); it was deleted")
    assert r["phone"] not in leaky.error

"""Differencing periods: figures for two periods one day apart give one person away.

The attack: a reader asks the funder report for 1 January to day D-1 and for 1 January to
day D, on a day D when one match started, and subtracts. A coordinator (who may see people)
may do that, and the test shows that the difference is that one person. A funder or a
researcher may not: the library (:func:`mentorkit.privacy.period_grains.period_for`), the
report (:meth:`FunderReport.build`, which papermill and ``mentorkit report`` run) refuse
both periods, in the reader's language, and accept the fixed grains.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mentorkit.cli import app
from mentorkit.errors import ValidationError
from mentorkit.model.dataset import Dataset
from mentorkit.periods import PeriodRefused, fixed_grain, grain, parse_period
from mentorkit.privacy.period_grains import any_period, fixed_periods, period_for
from mentorkit.reports.funder_view import FunderReport
from mentorkit.vocab import STARTED_MATCH_STATUSES

FUNDER = Path(__file__).resolve().parents[1] / "notebooks" / "funder_report.ipynb"


def differencing_pair(ds: Dataset) -> tuple[str, str, str]:
    """A programme and two periods from 1 January (of the year or up to two before), one day
    apart, neither a fixed grain, the later one holding exactly one more started match (and
    at least ten before it)."""
    m = ds.match[ds.match["status"].isin(STARTED_MATCH_STATUSES) & ds.match["started_on"].notna()]
    names = ds.programme.set_index("id")["name"]
    days = m.groupby([m["programme_id"], m["started_on"].dt.normalize()]).size()
    for (pid, day), n in days.items():
        before = day - pd.Timedelta(days=1)
        for year in range(day.year, day.year - 3, -1):
            earlier = m[(m["programme_id"] == pid) & (m["started_on"] <= before)
                        & (m["started_on"] >= pd.Timestamp(year, 1, 1))]
            early = f"{year}-01-01:{before:%Y-%m-%d}"
            late = f"{year}-01-01:{day:%Y-%m-%d}"
            if n == 1 and len(earlier) >= 10 and grain(early) is None and grain(late) is None:
                return str(names[pid]), early, late   # both counts large enough to publish
    raise AssertionError("no day with a single match in the data")


def test_a_coordinator_may_difference_and_it_gives_one_match_away(
        small_dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORKIT_ROLE", "coordinator")
    programme, early, late = differencing_pair(small_dataset)
    a = FunderReport.build(small_dataset, programme=programme, period=early, min_cell=5)
    b = FunderReport.build(small_dataset, programme=programme, period=late, min_cell=5)
    assert b.end - a.end == pd.Timedelta(days=1)
    started = [r._matches()[0] for r in (a, b)]
    assert not any(pd.isna(n) for n in started)           # both counts are published
    assert int(started[1]) - int(started[0]) == 1         # and differ by that one match


@pytest.mark.parametrize("role", ["funder", "researcher"])
def test_the_differencing_pair_is_refused_for_who_may_not_see_people(
        small_dataset: Dataset, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    monkeypatch.setenv("MENTORKIT_ROLE", role)
    programme, early, late = differencing_pair(small_dataset)
    for period in (early, late):
        with pytest.raises(PeriodRefused, match="cannot be used for published figures"):
            period_for(period)
        with pytest.raises(PeriodRefused) as refused:
            FunderReport.build(small_dataset, programme=programme, period=period, lang="da")
        assert str(parse_period(period)) in str(refused.value)
        assert "offentliggjorte tal" in str(refused.value)
        assert isinstance(refused.value, ValidationError)


def test_the_refusal_speaks_the_readers_language_and_names_the_fixed_periods() -> None:
    grants = pd.DataFrame({"period_start": pd.to_datetime(["2024-07-01"]),
                           "period_end": pd.to_datetime(["2026-06-30"])})
    texts = {}
    for lang in ("da", "en", "nl"):
        with pytest.raises(PeriodRefused) as refused:
            period_for("2025-03-01:2025-03-15", "funder", lang, fixed_periods(grants))
        texts[lang] = str(refused.value)
        assert "2025-03-01:2025-03-15" in texts[lang] and "2024Q3:2026Q2" in texts[lang]
    assert len(set(texts.values())) == 3
    assert "gepubliceerde cijfers" in texts["nl"] and "published figures" in texts["en"]


@pytest.mark.parametrize("period", ["", "2024", "2024Q3", "2024-03", "2024-01-01:2024-03-31",
                                    ("2024-07-01", "2026-06-30")])
def test_fixed_grains_and_a_grants_period_are_accepted_for_a_funder(period: object) -> None:
    grants = pd.DataFrame({"period_start": pd.to_datetime(["2024-07-01"]),
                           "period_end": pd.to_datetime(["2026-06-30"])})
    assert period_for(period, "funder", "en", fixed_periods(grants)) == parse_period(period)


@pytest.mark.parametrize("period", ["2024-03-01", "2024:2025", "2024-01:2024-02", "2024:",
                                    ":2024-06", "2024-07-01:2026-06-29",
                                    ("2024-01-01", "2024-06-14")])
def test_any_other_period_is_refused_for_a_funder_and_kept_for_a_coordinator(
        period: object) -> None:
    grants = pd.DataFrame({"period_start": pd.to_datetime(["2024-07-01"]),
                           "period_end": pd.to_datetime(["2026-06-30"])})
    with pytest.raises(PeriodRefused):
        period_for(period, "funder", "en", fixed_periods(grants))
    assert period_for(period, "coordinator") == parse_period(period)


def test_grains_and_who_may_choose_any_period() -> None:
    assert [grain(p) for p in ("2020", "2020Q1", "2020-02", "", "2020-02-01:2020-02-29",
                               "2020-02-02:2020-02-29")] == [
        "year", "quarter", "month", "all", "month", None]
    assert any_period("coordinator") and not any_period("funder") \
        and not any_period("researcher")
    with pytest.raises(ValidationError, match="not understood"):
        fixed_grain("2020-13")      # malformed stays malformed, not refused


def test_the_report_command_refuses_the_pair_for_a_funder(
        small_db: Path, tmp_path: Path, small_dataset: Dataset,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``mentorkit report`` as a funder: the notebook's FunderReport.build refuses the
    period, the command fails naming why, and no report page is written."""
    monkeypatch.setenv("MENTORKIT_ROLE", "funder")
    programme, early, _ = differencing_pair(small_dataset)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", str(FUNDER), "--programme", programme,
                                      "--period", early, "--lang", "en", "--db", str(small_db),
                                      "--out", str(out), "--no-progress"])
    assert result.exit_code != 0
    assert "cannot be used for published figures" in result.output, result.output
    assert not list(out.glob("*.html"))

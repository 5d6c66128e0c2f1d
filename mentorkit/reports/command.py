"""``mentorkit report``: run a notebook (or all of them) into HTML reports.

Registered in :mod:`mentorkit.cli` as ``app.command("report")(friendly(report_command))``.
It does not import :mod:`mentorkit.cli` (which imports it), so ``--db`` is declared here the
way ``cli.DbOption`` declares it.

Example
-------
>>> from typer.testing import CliRunner
>>> from mentorkit.cli import app
>>> result = CliRunner().invoke(app, ["report", "--help"])
>>> "--scheduler" in result.output
True
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

__all__ = ["report_command"]

_DB = typer.Option(None, "--db", envvar="MENTORKIT_DB", show_envvar=True,
                   help="Database URL or SQLite file [default: data/mentorkit.db].")


def report_command(
    notebook: Path | None = typer.Argument(
        None, help="The notebook to run, e.g. notebooks/funder_report.ipynb (or use --all)."),
    programme: str | None = typer.Option(None, "--programme", help="Programme name or id."),
    period: str | None = typer.Option(
        None, "--period", help="A year (2019), quarter (2019Q3), month (2019-03) or day, or "
                               "FROM:TO (2019:2021, 2019-01-01:2019-06-30, 2019:)."),
    lang: str | None = typer.Option(None, "--lang", help="Report language: da, en or nl."),
    param: list[str] = typer.Option(
        [], "-p", "--param", help="Another notebook parameter as key=value (repeatable)."),
    db: str | None = _DB,
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the reports."),
    all_: bool = typer.Option(
        False, "--all", help="Every notebook in --notebooks for every programme in the database."),
    notebooks: Path = typer.Option(Path("notebooks"), "--notebooks",
                                   help="Folder of the notebooks --all runs."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Reports run at once with --all (default: one per CPU)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run --all on a Dask cluster: its address, tcp://host:8786."),
    progress: bool = typer.Option(True, "--progress/--no-progress",
                                  help="Show a progress bar (per cell, or per report with --all)."),
) -> None:
    """Run a notebook with parameters into an executed notebook and an HTML report."""
    from mentorkit.errors import ValidationError
    from mentorkit.i18n import check_lang
    from mentorkit.periods import parse_period
    from mentorkit.reports.params import parse_assignment

    if lang is not None:  # None: each notebook's own default
        check_lang(lang, name="--lang")
    if period:
        parse_period(period)
    extra = dict(parse_assignment(p) for p in param)
    if all_ == (notebook is not None):
        raise ValidationError("give either a notebook or --all")
    if notebook is not None:
        _one(notebook, out, db, programme, period, lang, extra, progress)
    else:
        _all(notebooks, out, db, programme, period, lang, extra, workers, scheduler, progress)


def _one(notebook: Path, out: Path, db: str | None, programme: str | None,
         period: str | None, lang: str | None, extra: dict[str, Any],
         progress: bool) -> None:
    from mentorkit.reports import run_report

    result = run_report(notebook, out, db=db, programme=programme, period=period, lang=lang,
                        parameters=extra, progress=progress)
    typer.echo(f"wrote {result.html} and {result.ipynb.name} ({result.seconds:.1f} s)")


def _all(notebooks: Path, out: Path, db: str | None, programme: str | None,
         period: str | None, lang: str | None, extra: dict[str, Any],
         workers: int | None, scheduler: str | None, progress: bool) -> None:
    from tqdm.auto import tqdm

    from mentorkit.errors import ValidationError
    from mentorkit.reports import (
        ReportFailed,
        default_workers,
        guard,
        notebooks_in,
        plan,
        programme_names,
        resolve_db,
    )

    t0 = time.perf_counter()
    paths = notebooks_in(notebooks)
    if not paths:
        raise ValidationError(f"no notebooks in {notebooks}")
    url = resolve_db(db)
    names = [programme] if programme else programme_names(url)
    jobs = plan(paths, names, {"db": url, "period": period, "lang": lang}, extra)
    with tqdm(total=len(jobs), unit="report", desc="Reports", disable=not progress) as bar:
        results = guard(_run(jobs, out, workers, scheduler, bar), url)
    where = f"on {scheduler}" if scheduler else \
        f"with {min(workers or default_workers(), max(len(jobs), 1))} worker(s)"
    failed = [r for r in results if r.error]
    typer.echo(f"{len(results) - len(failed)} of {len(results)} reports written to {out} in "
               f"{time.perf_counter() - t0:.1f} s {where}")
    if failed:
        lines = "\n".join(f"- {r.name} failed: {r.error}" for r in failed)
        raise ReportFailed(f"{len(failed)} report(s) failed:\n{lines}\n"
                           f"(the executed notebooks are in {out})")


def _run(jobs: list[Any], out: Path, workers: int | None, scheduler: str | None,
         bar: Any) -> list[Any]:
    from mentorkit.reports import run_jobs

    def done(result: Any) -> None:
        bar.set_postfix_str(result.name + (" FAILED" if result.error else ""), refresh=False)
        bar.update(1)

    return run_jobs(jobs, out, workers=workers, scheduler=scheduler, on_done=done)

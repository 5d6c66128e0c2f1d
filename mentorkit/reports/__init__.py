"""Reproducible reports: notebooks run with papermill into HTML without code.

:func:`run_report` runs one notebook with parameters (db, programme, period, lang and any
``-p key=value``) and writes ``<notebook>-<programme>-<period>.ipynb`` and ``.html`` into
the report folder; a failing cell raises :class:`ReportFailed` naming the cell and the
error. :func:`run_all` runs every notebook of a folder for every programme of the database,
several at once on a local process pool, or on a Dask cluster given its scheduler address.
The ``mentorkit report`` command (:mod:`mentorkit.reports.command`) wraps both.

Example
-------
>>> from mentorkit.reports import report_name
>>> report_name("notebooks/funder_report.ipynb", "Vollsmose", "2019-01-01:2019-06-30")
'funder_report-vollsmose-2019-01-01_2019-06-30'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mentorkit.errors import ValidationError
from mentorkit.reports.batch import default_workers, notebooks_in, plan, run_jobs
from mentorkit.reports.html import to_html
from mentorkit.reports.params import ALIASES, declared_parameters, report_name
from mentorkit.reports.runner import (
    ReportFailed,
    ReportJob,
    ReportOutput,
    ReportResult,
    execute,
    write_output,
)

__all__ = ["ReportFailed", "ReportJob", "ReportOutput", "ReportResult", "declared_parameters",
           "default_workers", "execute", "guard", "notebooks_in", "plan", "programme_names",
           "report_name", "resolve_db", "run_all", "run_jobs", "run_report", "to_html",
           "write_output"]


def resolve_db(db: str | None) -> str:
    """The database as an absolute URL ("" or None: ``MENTORKIT_DB``, else the default file).

    Notebooks run in other processes and folders, so they get the URL, not a relative path.

    Example
    -------
    >>> resolve_db("/tmp/demo.db")
    'sqlite:////tmp/demo.db'
    """
    from mentorkit.config import Settings, database_url

    return database_url(db) if db else Settings.from_env().database_url


def programme_names(db: str | None) -> list[str]:
    """The names of the programmes in the database, in id order."""
    from mentorkit.store import Store

    with Store.open(resolve_db(db), actor="reports") as store:
        programmes = store.table("programme").sort_values("id")
    return [str(n) for n in programmes["name"]]


def guard(results: Sequence[ReportResult], db: str | None) -> list[ReportResult]:
    """Check every report (HTML and executed notebook) for the personal data of the database.

    A report that shows any name, last name, e-mail, phone, address or note of anyone in the
    database is deleted (both files) and its result gets an ``error`` saying what kind was
    found where, never the value (see :mod:`mentorkit.privacy.leaks`).
    """
    from mentorkit.privacy.leaks import Needles, scan_file
    from mentorkit.store import Store

    written = [r for r in results if r.html is not None]
    if not written:
        return list(results)
    with Store.open(resolve_db(db), actor="reports") as store:
        needles = Needles.from_store(store)
    out = []
    for r in results:
        files = [f for f in (r.html, r.ipynb) if f is not None and f.is_file()]
        found = [leak for f in files for leak in scan_file(f, needles)]
        if found:
            for f in files:
                f.unlink()
            shown = "; ".join(f"{leak.kind} at {Path(leak.source).name} line {leak.line}"
                              for leak in found[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            r = replace(r, html=None, error=f"the report showed personal data ({shown}{more}); "
                                            "it was deleted")
        out.append(r)
    return out


def run_report(notebook: str | Path, out_dir: str | Path = "reports", *,
               db: str | None = None, programme: str | None = None,
               period: str | None = None, lang: str | None = None,
               parameters: Mapping[str, Any] | None = None, progress: bool = True,
               timeout: float | None = None) -> ReportResult:
    """Run one notebook and write its executed notebook and HTML report into ``out_dir``.

    ``programme``, ``period`` and ``lang`` must be parameters of the notebook when given
    (``lang`` may be called ``language`` there), and so must every key of ``parameters``.
    ``progress`` shows a progress bar per cell. Raises :class:`ReportFailed` when a cell
    fails (the executed notebook is still written, for reading the traceback).
    """
    path = Path(notebook)
    if not path.is_file():
        raise ValidationError(f"no notebook at {path}")
    declared = declared_parameters(path)
    asked = {"programme": programme, "period": period, "lang": lang}
    missing = [k for k, v in asked.items() if v not in (None, "")
               and not any(n in declared for n in ALIASES.get(k, (k,)))]
    missing += [k for k in (parameters or {}) if k not in declared]
    if missing:
        raise ValidationError(f"{path.name} has no parameter {', '.join(missing)}; it declares: "
                              f"{', '.join(declared) or 'none'}")
    jobs = plan([path], [programme], {"db": resolve_db(db), "period": period, "lang": lang},
                parameters)
    result = write_output(execute(jobs[0], progress=progress, timeout=timeout), out_dir)
    result = guard([result], db)[0]
    if result.error:
        raise ReportFailed(f"{result.name} failed: {result.error}\n"
                           f"(the executed notebook is in {result.ipynb})")
    return result


def run_all(notebooks: str | Path | Sequence[str | Path] = "notebooks",
            out_dir: str | Path = "reports", *, db: str | None = None,
            programmes: Sequence[str] | None = None, period: str | None = None,
            lang: str | None = None, parameters: Mapping[str, Any] | None = None,
            workers: int | None = None, scheduler: str | None = None,
            on_done: Callable[[ReportResult], None] | None = None) -> list[ReportResult]:
    """Run every notebook (a folder or a list) for every programme and write the reports.

    ``programmes`` default to all programmes in the database. Failures do not stop the
    others: each result carries its ``error`` (None when it succeeded).
    """
    paths = notebooks_in(notebooks) if isinstance(notebooks, (str, Path)) \
        else [Path(p) for p in notebooks]
    if not paths:
        raise ValidationError(f"no notebooks found in {notebooks}")
    url = resolve_db(db)
    names = list(programmes) if programmes else programme_names(url)
    jobs = plan(paths, names, {"db": url, "period": period, "lang": lang}, parameters)
    return guard(run_jobs(jobs, out_dir, workers=workers, scheduler=scheduler, on_done=on_done),
                 url)

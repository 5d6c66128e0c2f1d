"""Plan and run many reports: every notebook for every programme, on a pool or a Dask cluster.

:func:`plan` turns notebooks and programmes into :class:`ReportJob` s, passing each notebook
only the parameters it declares (a notebook without a ``programme`` parameter runs once).
:func:`run_jobs` runs them several at once, on a local process pool by default or on an
existing Dask cluster given by its scheduler address; results come back as text and are
written here, so the workers need no access to the report folder (they do need the
database: give a URL they can reach).

Example
-------
>>> jobs = plan(["notebooks/funder_report.ipynb"], ["Vollsmose", "Groningen"],
...             {"db": "/tmp/demo.db", "period": "2019"})
>>> [j.name for j in jobs]
['funder_report-vollsmose-2019', 'funder_report-groningen-2019']
>>> jobs[0].parameters["programme"]
'Vollsmose'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from mentorkit.errors import ValidationError
from mentorkit.reports.params import declared_parameters, parameters_for, report_name
from mentorkit.reports.runner import ReportJob, ReportOutput, ReportResult, execute, write_output

__all__ = ["plan", "run_jobs", "notebooks_in", "default_workers", "CONNECT_TIMEOUT"]

CONNECT_TIMEOUT = "10s"
"""How long to try reaching a Dask scheduler before giving up."""


def notebooks_in(folder: str | Path) -> list[Path]:
    """The notebooks of a folder (not those starting with ``_`` or ``.``), sorted by name."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith(("_", ".")))


def default_workers() -> int:
    """Processes used when none are asked for: the CPUs this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def plan(notebooks: Iterable[str | Path], programmes: Sequence[str | None],
         standard: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> list[ReportJob]:
    """One job per notebook and programme (once per notebook that takes no programme).

    ``standard`` holds db, period and lang (None: the notebook's default); ``extra`` the
    ``-p`` parameters, each of which at least one notebook must declare.
    """
    extra = dict(extra or {})
    jobs: list[ReportJob] = []
    declared_anywhere: set[str] = set()
    for path in notebooks:
        declared = declared_parameters(path)
        declared_anywhere |= set(declared)
        each = programmes if "programme" in declared else [None]
        for programme in each:
            params = parameters_for(declared, {**standard, "programme": programme}, extra)
            name = report_name(path, programme, standard.get("period"))
            jobs.append(ReportJob.from_notebook(path, name, params, _title(path, programme,
                                                                           standard)))
    unknown = sorted(set(extra) - declared_anywhere)
    if unknown:
        raise ValidationError(f"no notebook declares the parameter(s) {', '.join(unknown)}")
    return jobs


def _title(path: str | Path, programme: Any, standard: Mapping[str, Any]) -> str:
    words = Path(path).stem.replace("_", " ").capitalize()
    parts = [str(p) for p in (programme, standard.get("period")) if p not in (None, "")]
    return " – ".join([words, *parts])


def run_jobs(jobs: Sequence[ReportJob], out_dir: str | Path, workers: int | None = None,
             scheduler: str | None = None,
             on_done: Callable[[ReportResult], None] | None = None) -> list[ReportResult]:
    """Run ``jobs`` and write their files; results in the order of ``jobs``.

    ``workers``: processes of the local pool (default: the CPUs; 1 runs in this process,
    one after the other). ``scheduler``: a Dask scheduler address (``tcp://host:8786``);
    the jobs then go to that cluster and ``workers`` is ignored. ``on_done`` is called with
    each result as it is written (for a progress bar).
    """
    outputs: dict[str, ReportOutput] = {}

    def done(output: ReportOutput) -> None:
        outputs[output.name] = output
        result = write_output(output, out_dir)
        if on_done is not None:
            on_done(result)

    if not jobs:
        return []
    if scheduler:
        _run_dask(jobs, scheduler, done)
    elif (workers or default_workers()) <= 1 or len(jobs) == 1:
        for job in jobs:
            done(execute(job))
    else:
        n = min(workers or default_workers(), len(jobs))
        with ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(execute, job) for job in jobs]
            for future in as_completed(futures):
                done(future.result())
    return [ReportResult(o.name, Path(out_dir) / f"{o.name}.ipynb",
                         None if o.html is None else Path(out_dir) / f"{o.name}.html",
                         o.error, o.seconds) for o in (outputs[j.name] for j in jobs)]


def _run_dask(jobs: Sequence[ReportJob], scheduler: str,
              done: Callable[[ReportOutput], None]) -> None:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - distributed is in the reports extra
        raise ValidationError("--scheduler needs dask.distributed: "
                              "pip install 'mentorkit[reports]'") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise ValidationError(f"cannot reach the Dask scheduler at {scheduler} "
                              f"({type(err).__name__}); is it running?") from None
    with client:
        futures = [client.submit(execute, job, key=f"report-{job.name}", pure=False)
                   for job in jobs]
        for future in dask_completed(futures, loop=client.loop):
            done(future.result())

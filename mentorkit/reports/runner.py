"""Run one notebook with papermill into an executed notebook and an HTML report.

A run happens in a temporary folder and hands back the executed notebook and the HTML as
text (:class:`ReportOutput`), so that the same function serves a local process pool and a
Dask worker on another machine; :func:`write_output` puts them into the report folder. A
database password never reaches the written notebook (it is replaced by ``***``).

Example
-------
>>> job = ReportJob.from_notebook("notebooks/funder_report.ipynb", "funder_report-x",
...                               {"lang": "da"})
>>> job.parameters
{'lang': 'da'}
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorkit.errors import MentorkitError
from mentorkit.reports.params import redact_url

__all__ = ["ReportJob", "ReportOutput", "ReportResult", "ReportFailed", "execute",
           "write_output", "describe_error"]

_ANSI = re.compile("\x1b\\[[0-9;]*[A-Za-z]")
_ARROW = re.compile(r"^-+> *\d+ (.*)$", re.M)
_KERNEL_QUIET = ["--IPKernelApp.log_level=CRITICAL"]
"""The kernel's own log (its warning about TCP at every start) stays out of the terminal."""


class ReportFailed(MentorkitError):
    """A report notebook failed; the message names the report, the cell and the error."""


@dataclass(frozen=True)
class ReportJob:
    """One notebook to run: its output name, file name, text and the parameters to inject."""

    name: str
    notebook: str
    source: str = field(repr=False)
    parameters: dict[str, Any] = field(default_factory=dict)
    title: str = ""

    @classmethod
    def from_notebook(cls, path: str | Path, name: str, parameters: dict[str, Any],
                      title: str = "") -> ReportJob:
        """A job for the notebook file at ``path``, if the configured role may run what it
        holds (:func:`mentorkit.reports.shipped.check_notebook`: by its content's SHA-256,
        never its name); :class:`~mentorkit.privacy.roles.AccessDenied` otherwise."""
        from mentorkit.reports.shipped import check_notebook

        p = Path(path)
        source = p.read_text(encoding="utf-8")
        check_notebook(source, p.name, parameters)  # the text checked is the text run
        return cls(name=name, notebook=str(p), source=source, parameters=dict(parameters),
                   title=title)


@dataclass(frozen=True)
class ReportOutput:
    """What a run gives back: the executed notebook (JSON), the HTML, or the error."""

    name: str
    notebook: str = field(repr=False)
    html: str | None = field(default=None, repr=False)
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class ReportResult:
    """Where a run's files were written."""

    name: str
    ipynb: Path
    html: Path | None
    error: str | None
    seconds: float


def describe_error(nb: Any, error: Any) -> str:
    """``cell N: ErrorType: message`` for a papermill execution error.

    N counts the cells of the notebook as written (1 for the first cell), not counting the
    cell papermill injects; the failing line of the cell (or its first line) follows.
    """
    injected = next((i for i, c in enumerate(nb.cells)
                     if "injected-parameters" in c.get("metadata", {}).get("tags", [])), None)
    index = error.cell_index
    if injected is not None and index == injected:
        where = "the injected parameters cell"
    else:
        shift = 1 if injected is not None and injected < index else 0
        where = f"cell {index - shift + 1}"
    lines = [ln for ln in _ANSI.sub("", str(error.evalue or "")).splitlines() if ln.strip()]
    message = lines[0].strip() if lines else ""
    message = message if len(message) <= 300 else message[:297] + "..."
    arrows = [m.group(1) for m in _ARROW.finditer(_ANSI.sub("", "\n".join(
        getattr(error, "traceback", None) or [])))]
    first = arrows[0].strip() if arrows else next(
        (ln.strip() for ln in str(error.source).splitlines() if ln.strip()), "")
    text = f"{where}: {error.ename}" + (f": {message}" if message else "")
    return text + (f"\n  in: {first[:120]}" if first else "")


def _redact(nb: Any, job: ReportJob) -> None:
    meta = nb.metadata.setdefault("papermill", {})
    meta["input_path"] = job.notebook
    meta["output_path"] = job.name + ".ipynb"
    params = meta.get("parameters", {})
    for key, value in params.items():
        params[key] = redact_url(value)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = redact_url(cell.source)


def execute(job: ReportJob, progress: bool = False, kernel: str = "python3",
            timeout: float | None = None) -> ReportOutput:
    """Run ``job`` with papermill and export its HTML; errors come back in ``error``.

    This function never raises for a failing notebook, so that it can run on a pool or a
    Dask worker; :class:`ReportFailed` is raised by the callers that want it.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from mentorkit.reports.html import to_html

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mentorkit-report-") as tmp:
        src = Path(tmp) / Path(job.notebook).name
        out = Path(tmp) / "executed.ipynb"
        src.write_text(job.source, encoding="utf-8")
        error: str | None = None
        try:
            nb = papermill.execute_notebook(
                str(src), str(out), parameters=job.parameters, kernel_name=kernel,
                progress_bar={"desc": job.name} if progress else False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout, extra_arguments=_KERNEL_QUIET)
        except PapermillExecutionError as err:
            nb = nbformat.read(str(out), as_version=4)
            error = describe_error(_without_markers(nb), err)
        except Exception as err:  # kernel died, no such kernel, unreadable notebook...
            message = _ANSI.sub("", str(err)).strip().splitlines()
            error = f"{type(err).__name__}: {message[0] if message else ''}".rstrip(": ")
            nb = nbformat.reads(job.source, as_version=4)
        _redact(nb, job)
        html = None
        if error is None:
            try:
                html = to_html(nb, job.title or job.name)
            except Exception as err:  # a broken output nbconvert cannot render
                error = f"HTML export: {type(err).__name__}: {err}"
        text = nbformat.writes(nb)
    return ReportOutput(job.name, text, html, error, time.perf_counter() - t0)


def _without_markers(nb: Any) -> Any:
    """The notebook without the error marker cells papermill inserts (to count cells)."""
    copy = json.loads(json.dumps(nb))
    import nbformat

    node = nbformat.from_dict(copy)
    node.cells = [c for c in node.cells
                  if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    return node


def write_output(output: ReportOutput, out_dir: str | Path) -> ReportResult:
    """Write the executed notebook and, if the run succeeded, the HTML into ``out_dir``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ipynb = folder / f"{output.name}.ipynb"
    ipynb.write_text(output.notebook, encoding="utf-8")
    html = None
    stale = folder / f"{output.name}.html"
    if output.html is not None:
        stale.write_text(output.html, encoding="utf-8")
        html = stale
    else:
        stale.unlink(missing_ok=True)
    return ReportResult(output.name, ipynb, html, output.error, output.seconds)

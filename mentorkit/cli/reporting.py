"""``mentorkit summary`` and ``mentorkit report``: counts and notebooks, within the role."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from mentorkit.cli.base import (
    DbOption,
    _min_cell,
    _open,
    _require,
    app,
    friendly,
)

if TYPE_CHECKING:
    from mentorkit.privacy.roles import Capability

F = TypeVar("F", bound=Callable[..., Any])


@app.command()
@friendly
def summary(db: str | None = DbOption) -> None:
    """Counts per programme: mentors, mentees, active and completed matches.

    Under the researcher and funder roles the counts are the suppressed aggregates
    (small cells hidden, primary and secondary).
    """
    from mentorkit.privacy.roles import aggregates, current_role

    role = _require("aggregates")
    with _open(db) as store:
        if role == "coordinator":
            _print_summary(store)
            return
        for name, table in aggregates(store).items():
            typer.echo(f"{name.replace('_', ' ')}:")
            typer.echo(table.astype("string").fillna("·").to_string() + "\n")
        typer.echo(f"· = fewer than {_min_cell()} or hidden so it cannot be worked out "
                   f"(role {current_role()})")


def _print_summary(store: Any) -> None:
    from mentorkit.monitoring.summary import programme_summary

    table = programme_summary(store.table("programme"), store.table("person"),
                              store.table("match"))
    typer.echo(table.to_string(index=False))



def _given(params: list[str]) -> dict[str, str]:
    """The ``-p key=value`` parameters as a mapping of text."""
    return {key.strip(): value.strip()
            for key, _, value in (str(p).partition("=") for p in params)}


def _report_capability(notebook: Path, params: list[str]) -> Capability:
    """What running ``notebook`` needs, by its content (never its name): the shipped funder
    report unchanged only ``aggregates``; an unchanged shipped notebook that declares an
    ``extract`` parameter and is given one (``-p extract=FOLDER``) only ``extract``; anything
    else reads the case store, which is ``personal_data`` (:mod:`mentorkit.reports.shipped`)."""
    from mentorkit.reports.shipped import capability

    if not notebook.is_file():
        return "personal_data"
    return capability(notebook.read_text(encoding="utf-8"), _given(params))


def _with_report_role(func: F) -> F:
    """Check the role against every notebook the report command would run, by content (the
    jobs check the text they run again, :meth:`mentorkit.reports.ReportJob.from_notebook`)."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mentorkit.reports.batch import notebooks_in
        from mentorkit.reports.shipped import check_notebook

        params = list(kwargs.get("param") or [])
        notebook = kwargs.get("notebook")
        if notebook is not None:
            paths = [Path(notebook)]
        else:
            folder = Path(kwargs.get("notebooks") or "notebooks")
            paths = notebooks_in(folder) if folder.is_dir() else []
        for path in paths:
            if path.is_file():  # a missing notebook is reported as missing by the run
                check_notebook(path.read_text(encoding="utf-8"), path.name, _given(params))
        return func(*args, **kwargs)
    return cast(F, wrapper)  # wraps keeps the signature; mypy cannot see that


from mentorkit.reports.command import report_command  # noqa: E402  (the `report` command)

app.command("report")(friendly(_with_report_role(report_command)))

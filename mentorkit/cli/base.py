"""The ``mentorkit`` command's shared parts: the Typer apps, options and error handling.

Every command takes ``--db`` (a SQLAlchemy URL or a SQLite file path; default the
``MENTORKIT_DB`` environment variable, else ``data/mentorkit.db``). Errors are printed as
one plain sentence, never as a traceback, and never with personal data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from mentorkit.errors import ImportFailed, MentorkitError

if TYPE_CHECKING:
    from mentorkit.privacy.roles import Capability, Role

F = TypeVar("F", bound=Callable[..., Any])


app = typer.Typer(
    help="mentorkit: case management and research for mentor programmes.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Create, upgrade and inspect the database.", no_args_is_help=True)
people_app = typer.Typer(help="List and show mentors, mentees and resource persons.",
                         no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(people_app, name="people")

DbOption = typer.Option(None, "--db", envvar="MENTORKIT_DB", show_envvar=True,
                        help="Database URL or SQLite file [default: data/mentorkit.db].")
ActorOption = typer.Option("cli", "--actor", envvar="MENTORKIT_ACTOR",
                           help="Who is writing (kept in the audit log).")


def friendly(func: F) -> F:
    """Turn mentorkit's own errors into a one-line message and exit status 1."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ImportFailed as err:
            if err.report is not None and hasattr(err.report, "to_text"):
                typer.echo(err.report.to_text(show_values=True), err=True)
            typer.secho(f"error: {err}", fg="red", err=True)
            raise typer.Exit(1) from None
        except MentorkitError as err:
            typer.secho(f"error: {err}", fg="red", err=True)
            raise typer.Exit(1) from None
    return cast(F, wrapper)  # wraps keeps the signature; mypy cannot see that


def _open(db: str | None, actor: str = "cli", upgrade: bool = False) -> Any:
    from mentorkit.store import Store

    return Store.open(db, actor=actor, upgrade=upgrade)


def _whole_database(command: str) -> None:
    """Refuse ``command``, which reads or writes every programme of a database, under a
    site scope (``MENTORKIT_PROGRAMMES``): a site's coordinator sees only their programmes."""
    from mentorkit.config import Settings

    if Settings.from_env().programmes:
        raise MentorkitError(f"{command} works on every programme of the database, and this "
                             "session is limited to some (MENTORKIT_PROGRAMMES is set): run it "
                             "as the database's administrator, without MENTORKIT_PROGRAMMES")


def _require(capability: Capability) -> Role:
    """The configured role (``MENTORKIT_ROLE``), if it may use ``capability``."""
    from mentorkit.privacy.roles import require

    return require(capability)


def _min_cell() -> int:
    from mentorkit.config import Settings

    return Settings.from_env().min_cell

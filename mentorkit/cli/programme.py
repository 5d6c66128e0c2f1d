"""``mentorkit programme set``: a programme's settings, such as its background-check rule.

``--check-rule`` (off, warn, block) decides what a mentor's missing or expired
børneattest/VOG does to a match (:mod:`mentorkit.casework.screening`); the change is written
through the store, so it is audited with the actor.

Example
-------
>>> from typer.testing import CliRunner
>>> from mentorkit.cli import app
>>> "check-rule" in CliRunner().invoke(app, ["programme", "set", "--help"]).output
True
"""

from __future__ import annotations

import typer

from mentorkit.cli.base import ActorOption, DbOption, _open, _require, app, friendly
from mentorkit.errors import MentorkitError
from mentorkit.vocab import CHECK_RULES

__all__ = ["programme_app", "set_programme"]

programme_app = typer.Typer(help="Show and change a programme's settings.", no_args_is_help=True)
app.add_typer(programme_app, name="programme")


@programme_app.command("set")
@friendly
def set_programme(
    name: str = typer.Argument(..., help="Programme name or id."),
    check_rule: str | None = typer.Option(
        None, "--check-rule",
        help="What a mentor's missing or expired background check does to a match: off, "
             "warn (confirm only with a reason) or block."),
    db: str | None = DbOption,
    actor: str = ActorOption,
) -> None:
    """Change a programme's settings (audited)."""
    from mentorkit.programmes import programme_id

    _require("personal_data")
    if check_rule is None:
        raise MentorkitError("nothing to set: give --check-rule off, warn or block")
    if check_rule not in CHECK_RULES:
        raise MentorkitError(f"--check-rule {check_rule!r} is not one of "
                             f"{', '.join(CHECK_RULES.codes)}")
    with _open(db, actor=actor) as store:
        pid = int(programme_id(store.table("programme"), name))
        row = store.programmes.update(pid, check_rule=check_rule)
    typer.echo(f"programme {row['name']}: check rule {check_rule}")

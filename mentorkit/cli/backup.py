"""``mentorkit backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import typer

from mentorkit.cli.base import (
    DbOption,
    _require,
    _whole_database,
    app,
    friendly,
)


@app.command()
@friendly
def backup(
    file: Path = typer.Argument(..., help="Backup file to write (SQLite file or pg_dump "
                                "archive)."),
    db: str | None = DbOption,
) -> None:
    """Back the database up (SQLite online backup API, or pg_dump), checked."""
    from mentorkit.config import Settings
    from mentorkit.store.backup import backup as make_backup

    _require("backup")
    _whole_database("backup")
    info = make_backup(db or Settings.from_env().database_url, file)
    typer.echo(info.to_text())


@app.command()
@friendly
def restore(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A backup file."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    db: str | None = DbOption,
) -> None:
    """Replace the database by a backup; erasures made since are applied again."""
    from mentorkit.store.backup import restore as restore_backup

    _require("backup")
    _whole_database("restore")
    if not yes:
        typer.confirm("Replace the database by the backup? Changes made since it was taken "
                      "are lost (erasures are applied again)", abort=True)
    report = restore_backup(file, db)
    typer.echo(report.to_text())

"""``mentorkit import``, ``export`` and ``people …``: files in and out, people listed and shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from mentorkit.cli.base import (
    ActorOption,
    DbOption,
    _open,
    _require,
    app,
    friendly,
    people_app,
)
from mentorkit.errors import MentorkitError


@app.command("import")
@friendly
def import_(
    kind: str = typer.Argument(
        ..., help="mentors, mentees, people, matches, followups or outcomes"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .csv or .xlsx file."),
    programme: str | None = typer.Option(None, help="Programme name, if the file has none."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file, write nothing."),
    allow_duplicates: bool = typer.Option(
        False, "--allow-duplicates",
        help="Import new people even when they are likely someone already registered "
             "(the intake form's 'save anyway')."),
    db: str | None = DbOption,
    actor: str = ActorOption,
) -> None:
    """Import a file: every row is checked first; a file with any error writes nothing.

    Headers may be the column names or the form's labels in Danish, English or Dutch
    (Fornavn, Voornaam …); values codes or labels; lists separated by | or commas.
    """
    from mentorkit.imports import import_file

    _require("personal_data")
    with _open(db, actor=actor) as store:
        report = import_file(store, file, kind, programme=programme, actor=actor,
                             dry_run=dry_run, allow_duplicates=allow_duplicates)
    typer.echo(report.to_text(show_values=True))


@app.command("export")
@friendly
def export(
    table: str = typer.Argument(..., help="mentors, mentees, people, matches, followups or "
                                          "outcomes (the import format: names and e-mails), "
                                          "or any table as stored (person, match, audit …)."),
    file: Path = typer.Argument(..., help="Output .csv or .xlsx file."),
    programme: str | None = typer.Option(None, help="Only rows of this programme."),
    lang: str | None = typer.Option(
        None, "--lang", help="da, en or nl: headers and values as labels in that language "
                             "(a match list then names mentee and mentor); without it, "
                             "column names and codes."),
    db: str | None = DbOption,
) -> None:
    """Export to CSV or Excel (formulas neutralised); exports of a kind import back."""
    from mentorkit.i18n import check_lang
    from mentorkit.imports import export_table, importable_view

    _require("personal_data")
    code = None if lang is None else check_lang(lang, name="--lang")
    with _open(db) as store:
        df = importable_view(store, table, names=code is not None)
        if programme is not None:
            pid = _programme_id(store, programme)
            if "programme_id" in df.columns:
                df = df[df["programme_id"] == pid]
            elif "programme" in df.columns:
                df = df[df["programme"].str.lower() == programme.lower()]
            else:
                raise MentorkitError(f"{table!r} has no programme column to filter on")
    export_table(df, file, table=table, lang=code)
    typer.echo(f"wrote {len(df)} rows to {file}")


@app.command("template")
@friendly
def template(
    kind: str = typer.Argument(
        ..., help="mentors, mentees, people, matches, followups or outcomes"),
    file: Path | None = typer.Argument(
        None, help="The .xlsx (with drop-downs) or .csv file to write; default KIND.xlsx."),
    lang: str = typer.Option("en", "--lang", help="da, en or nl: the headers' language."),
) -> None:
    """Write an empty file to fill in and import: headers in her language, drop-downs."""
    from mentorkit.i18n import check_lang
    from mentorkit.imports.templates import write_template

    path = write_template(kind, file or Path(f"{kind}.xlsx"), check_lang(lang, name="--lang"))
    typer.echo(f"wrote the {kind} template to {path}")


def _programme_id(store: Any, name: str) -> int:
    from mentorkit.programmes import programme_id

    return int(programme_id(store.table("programme"), name))



@people_app.command("list")
@friendly
def people_list(
    programme: str | None = typer.Option(None, help="Programme name."),
    role: str | None = typer.Option(None, help="mentor, mentee or resource_person."),
    db: str | None = DbOption,
) -> None:
    """List people (id, role, programme, name, gender, registered)."""
    from mentorkit import vocab

    _require("personal_data")
    if role is not None and role not in vocab.ROLES:
        raise MentorkitError(f"--role must be one of {', '.join(vocab.ROLES.codes)}")
    with _open(db) as store:
        filters: dict[str, Any] = {} if role is None else {"role": role}
        if programme is not None:
            filters["programme_id"] = _programme_id(store, programme)
        people = store.table("person", **filters)
        names = store.table("programme").set_index("id")["name"]
    shown = people.assign(
        programme=people["programme_id"].map(names),
        name=(people["first_name"].fillna("") + " " + people["last_name"].fillna("")).str.strip(),
        registered=people["registered_on"].dt.strftime("%Y-%m-%d"),
    )[["id", "role", "programme", "name", "gender", "registered"]]
    typer.echo(shown.to_string(index=False) if len(shown) else "no people found")


@people_app.command("show")
@friendly
def people_show(person_id: int = typer.Argument(..., help="Person id."),
                db: str | None = DbOption) -> None:
    """Show everything stored on one person."""
    _require("personal_data")
    with _open(db) as store:
        row = store.people.get(person_id)
    width = max(len(k) for k in row)
    for key, value in row.items():
        if isinstance(value, list):
            value = ", ".join(value)
        typer.echo(f"{key:<{width}}  {'' if value is None else value}")

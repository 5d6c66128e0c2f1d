"""The ``mentorkit`` command.

Every command takes ``--db`` (a SQLAlchemy URL or a SQLite file path; default the
``MENTORKIT_DB`` environment variable, else ``data/mentorkit.db``). Errors are printed as
one plain sentence, never as a traceback, and never with personal data.

Example
-------
>>> from typer.testing import CliRunner
>>> result = CliRunner().invoke(app, ["--help"])
>>> "summary" in result.output
True
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from mentorkit.errors import ImportFailed, MentorkitError

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
    return wrapper  # type: ignore[return-value]


def _open(db: Optional[str], actor: str = "cli", upgrade: bool = False) -> Any:
    from mentorkit.store import Store

    return Store.open(db, actor=actor, upgrade=upgrade)


@db_app.command("upgrade")
@friendly
def db_upgrade(db: Optional[str] = DbOption) -> None:
    """Create the database, or bring its schema up to date (take a backup first)."""
    from mentorkit.config import Settings
    from mentorkit.store import migrate
    from mentorkit.store.engine import make_engine

    engine = make_engine(db or Settings.from_env().database_url)
    _ensure_folder(engine.url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    typer.echo(f"database at revision {after}" + ("" if before == after else
                                                  f" (was {before or 'empty'})"))


@db_app.command("current")
@friendly
def db_current(db: Optional[str] = DbOption) -> None:
    """Print the schema revision of the database and of this mentorkit."""
    from mentorkit.config import Settings
    from mentorkit.store import migrate
    from mentorkit.store.engine import make_engine

    engine = make_engine(db or Settings.from_env().database_url)
    typer.echo(f"database: {migrate.current_revision(engine) or 'empty'}; "
               f"this mentorkit: {migrate.head_revision()}")


@db_app.command("copy")
@friendly
def db_copy(
    source: str = typer.Argument(..., help="The site's database (SQLite file or URL)."),
    target: str = typer.Argument(..., help="The shared database, e.g. postgresql+psycopg://…"),
) -> None:
    """Copy a site's database into another (ids and audit kept; shifted if taken)."""
    from mentorkit.store import Store
    from mentorkit.store.copy import copy_database

    _require("personal_data")
    with Store.open(source, programmes=()) as src, Store.open(target, programmes=()) as dst:
        copied = copy_database(src, dst)
    typer.echo("copied " + ", ".join(f"{n} {t}" for t, n in copied.items()))


def _ensure_folder(url: Any) -> None:
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


@app.command()
@friendly
def demo(
    db: Optional[str] = DbOption,
    seed: int = typer.Option(0, help="Random seed of the synthetic data."),
    scale: float = typer.Option(1.0, help="Size relative to the demo (1.0: about 1,100 people)."),
    replace: bool = typer.Option(False, "--replace", help="Empty the database first."),
) -> None:
    """Load the synthetic demo programmes (invented people) into the database."""
    from mentorkit.config import Settings, database_url
    from mentorkit.store.engine import make_engine
    from mentorkit.synth import generate

    url = database_url(db or Settings.from_env().database_url)
    engine = make_engine(url)
    _ensure_folder(engine.url)
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    engine.dispose()
    if replace and path and Path(path).exists():
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    with _open(url, actor="demo") as store:
        if store.counts()["person"]:
            raise MentorkitError("the database already holds people; use --replace to start "
                                 "over (this deletes the SQLite file) or another --db")
        store.load(generate(seed=seed, scale=scale), actor="demo")
        _print_summary(store)


@app.command("import")
@friendly
def import_(
    kind: str = typer.Argument(..., help="mentors, mentees, people, matches, followups or outcomes"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .csv or .xlsx file."),
    programme: Optional[str] = typer.Option(None, help="Programme name, if the file has none."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file, write nothing."),
    db: Optional[str] = DbOption,
    actor: str = ActorOption,
) -> None:
    """Import a file: every row is checked first; a file with any error writes nothing."""
    from mentorkit.imports import import_file

    _require("personal_data")
    with _open(db, actor=actor) as store:
        report = import_file(store, file, kind, programme=programme, actor=actor,
                             dry_run=dry_run)
    typer.echo(report.to_text(show_values=True))


@app.command("export")
@friendly
def export(
    table: str = typer.Argument(..., help="mentors, mentees, people, matches, followups or "
                                          "outcomes (the import format: names and e-mails), "
                                          "or any table as stored (person, match, audit …)."),
    file: Path = typer.Argument(..., help="Output .csv or .xlsx file."),
    programme: Optional[str] = typer.Option(None, help="Only rows of this programme."),
    db: Optional[str] = DbOption,
) -> None:
    """Export to CSV or Excel (formulas neutralised); exports of a kind import back."""
    from mentorkit.imports import export_table, importable_view

    _require("personal_data")
    with _open(db) as store:
        df = importable_view(store, table)
        if programme is not None:
            pid = _programme_id(store, programme)
            if "programme_id" in df.columns:
                df = df[df["programme_id"] == pid]
            elif "programme" in df.columns:
                df = df[df["programme"].str.lower() == programme.lower()]
            else:
                raise MentorkitError(f"{table!r} has no programme column to filter on")
    export_table(df, file, table=table)
    typer.echo(f"wrote {len(df)} rows to {file}")


def _programme_id(store: Any, name: str) -> int:
    from mentorkit.programmes import programme_id

    return int(programme_id(store.table("programme"), name))



@people_app.command("list")
@friendly
def people_list(
    programme: Optional[str] = typer.Option(None, help="Programme name."),
    role: Optional[str] = typer.Option(None, help="mentor, mentee or resource_person."),
    db: Optional[str] = DbOption,
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
                db: Optional[str] = DbOption) -> None:
    """Show everything stored on one person."""
    _require("personal_data")
    with _open(db) as store:
        row = store.people.get(person_id)
    width = max(len(k) for k in row)
    for key, value in row.items():
        if isinstance(value, list):
            value = ", ".join(value)
        typer.echo(f"{key:<{width}}  {'' if value is None else value}")


@app.command()
@friendly
def summary(db: Optional[str] = DbOption) -> None:
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
    from mentorkit.summary import programme_summary

    table = programme_summary(store.table("programme"), store.table("person"),
                              store.table("match"))
    typer.echo(table.to_string(index=False))


def _min_cell() -> int:
    from mentorkit.config import Settings

    return Settings.from_env().min_cell


def _report_capability(notebook: Path, params: list[str]) -> str:
    """What running ``notebook`` needs: the funder report only aggregates; a notebook that
    declares an ``extract`` parameter and is given one (``-p extract=FOLDER``) only
    ``extract``; anything else reads the case store, which is ``personal_data``."""
    from mentorkit.reports.params import declared_parameters

    if notebook.stem == "funder_report":
        return "aggregates"
    given = any(key.strip() == "extract" and value.strip()
                for key, _, value in (str(p).partition("=") for p in params))
    if given and notebook.is_file() and "extract" in declared_parameters(notebook):
        return "extract"
    return "personal_data"


def _with_report_role(func: F) -> F:
    """Check the role against every notebook the report command would run."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mentorkit.reports.batch import notebooks_in

        params = list(kwargs.get("param") or [])
        notebook = kwargs.get("notebook")
        if notebook is not None:
            paths = [Path(notebook)]
        else:
            folder = Path(kwargs.get("notebooks") or "notebooks")
            paths = notebooks_in(folder) if folder.is_dir() else []
        for path in paths:
            _require(_report_capability(path, params))
        return func(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


from mentorkit.reports.command import report_command  # noqa: E402  (the `report` command)
app.command("report")(friendly(_with_report_role(report_command)))


# --- Rights of the data subject, retention, backups (mentorkit.privacy, mentorkit.store.backup)


def _require(capability: str) -> str:
    """The configured role (``MENTORKIT_ROLE``), if it may use ``capability``."""
    from mentorkit.privacy.roles import require

    return require(capability)


@app.command()
@friendly
def scan(
    paths: list[Path] = typer.Argument(..., exists=True, help="Files or folders to read: logs, "
                                       "reports (.html), executed notebooks (outputs only)."),
    db: Optional[str] = DbOption,
) -> None:
    """Look for the names, e-mails, phones, addresses and notes of the database's people.

    Prints where each one is found (file, line, kind; never the value) and exits with 1 if
    anything is; use it on reports before they are sent and on logs before they are shared.
    """
    from mentorkit.privacy.leaks import Needles, scan_paths

    _require("personal_data")
    with _open(db) as store:
        needles = Needles.from_store(store)
    leaks, files = scan_paths(paths, needles)
    for leak in leaks:
        typer.echo(str(leak))
    if leaks:
        typer.secho(f"personal data found {len(leaks)} time(s) in {files} file(s)", fg="red",
                    err=True)
        raise typer.Exit(1)
    typer.echo(f"no personal data of {len(needles)} known values in {files} file(s)")


@app.command()
@friendly
def extract(
    out: Path = typer.Argument(..., help="A new folder for the extract (CSV files and "
                                         "manifest.json)."),
    agreement: str = typer.Option(..., "--agreement", help="The data-sharing agreement the "
                                  "extract is made under, e.g. 'DSA-2026-07 KU evaluation'."),
    expires: str = typer.Option(..., "--expires", help="The day the extract must be deleted "
                                "(YYYY-MM-DD), from the agreement."),
    db: Optional[str] = DbOption,
    actor: str = ActorOption,
) -> None:
    """Write a pseudonymised research extract for an evaluator (people who consented only).

    The pseudonym key comes from MENTORKIT_PSEUDONYM_KEY or MENTORKIT_PSEUDONYM_KEY_FILE. The
    agreement and expiry are kept in the extract's manifest and in the audit log.
    """
    import datetime as dt

    from mentorkit.privacy.classes import EXTRACT_TABLES
    from mentorkit.privacy.extract import record_extract, research_extract
    from mentorkit.privacy.extract_files import write_extract

    _require("extract")
    try:
        until = dt.date.fromisoformat(expires)
    except ValueError:
        raise MentorkitError(f"--expires must be a date YYYY-MM-DD (got {expires!r})") from None
    if until <= dt.date.today():
        raise MentorkitError(f"--expires {until} is not in the future: an extract may only be "
                             "made under an agreement that still runs")
    if not agreement.strip():
        raise MentorkitError("--agreement must name the data-sharing agreement")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise MentorkitError(f"{out}: already exists; choose a new folder for the extract")
    with _open(db, actor=actor) as store:
        read = {name: store.table(name) for name in EXTRACT_TABLES}
        tables = research_extract(read, agreement=agreement.strip(), expires=until)
        folder = write_extract(tables, out)  # whole or not at all; only then is it recorded
        record_extract(store, agreement.strip(), until,
                       {n: len(df) for n, df in tables.items() if n != "manifest"}, actor)
    rows = ", ".join(f"{len(df)} {name}" for name, df in tables.items() if name != "manifest")
    typer.echo(f"wrote {folder}: {rows}; delete it by {until}")


@app.command()
@friendly
def access(
    person_id: int = typer.Argument(..., help="Person id."),
    out: Path = typer.Option(..., "--out", "-o", help="The JSON file to write (mode 600)."),
    db: Optional[str] = DbOption,
    actor: str = ActorOption,
) -> None:
    """Write everything stored about one person to a file (GDPR Art. 15)."""
    from mentorkit.privacy.subject_rights import access as access_export
    from mentorkit.privacy.subject_rights import write_access

    _require("subject_rights")
    with _open(db, actor=actor) as store:
        export = access_export(store, person_id, actor=actor)
    write_access(export, out)
    items = sum(len(v) for v in export.values() if isinstance(v, list))
    typer.echo(f"wrote person {person_id} and {items} related records to {out}")


@app.command()
@friendly
def erase(
    person_id: int = typer.Argument(..., help="Person id."),
    reason: str = typer.Option("request", help="request or consent_withdrawn (kept in the "
                               "erasure ledger)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    db: Optional[str] = DbOption,
    actor: str = ActorOption,
) -> None:
    """Erase one person's personal data (GDPR Art. 17); counts and the fact remain."""
    from mentorkit.privacy.erasure import erase as erase_person

    _require("subject_rights")
    if reason not in ("request", "consent_withdrawn"):
        raise MentorkitError("--reason must be request or consent_withdrawn")
    if not yes:
        typer.confirm(f"Erase the personal data of person {person_id}? This cannot be undone",
                      abort=True)
    with _open(db, actor=actor) as store:
        report = erase_person(store, person_id, actor, reason=reason)
    typer.echo(report.to_text())


@app.command()
@friendly
def retention(
    years: Optional[int] = typer.Option(None, help="Retention period in years "
                                        "[default: mentorkit.privacy.classes.RETENTION_YEARS]."),
    dry_run: bool = typer.Option(True, "--dry-run/--apply",
                                 help="List who is due (default) or erase them."),
    db: Optional[str] = DbOption,
    actor: str = ActorOption,
) -> None:
    """List (or, with --apply, erase) people inactive for longer than the retention period."""
    from mentorkit.privacy.classes import RETENTION_YEARS
    from mentorkit.privacy.subject_rights import retention as due_for_erasure

    _require("subject_rights")
    years = RETENTION_YEARS if years is None else years
    with _open(db, actor=actor) as store:
        due = due_for_erasure(store, years, dry_run=dry_run, actor=actor)
    if due.empty:
        typer.echo(f"nobody's last activity is more than {years} years ago")
        return
    shown = due.assign(last_activity=due["last_activity"].dt.strftime("%Y-%m-%d"))
    typer.echo(shown.to_string(index=False))
    typer.echo(f"{len(due)} person(s) " + ("due for erasure (dry run: nothing changed; "
                                           "--apply erases)" if dry_run else "erased"))


@app.command()
@friendly
def backup(
    file: Path = typer.Argument(..., help="Backup file to write (SQLite file or pg_dump "
                                "archive)."),
    db: Optional[str] = DbOption,
) -> None:
    """Back the database up (SQLite online backup API, or pg_dump), checked."""
    from mentorkit.config import Settings
    from mentorkit.store.backup import backup as make_backup

    _require("backup")
    info = make_backup(db or Settings.from_env().database_url, file)
    typer.echo(info.to_text())


@app.command()
@friendly
def restore(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A backup file."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    db: Optional[str] = DbOption,
) -> None:
    """Replace the database by a backup; erasures made since are applied again."""
    from mentorkit.store.backup import restore as restore_backup

    _require("backup")
    if not yes:
        typer.confirm("Replace the database by the backup? Changes made since it was taken "
                      "are lost (erasures are applied again)", abort=True)
    report = restore_backup(file, db)
    typer.echo(report.to_text())

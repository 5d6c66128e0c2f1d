"""``mentorkit db …`` and ``mentorkit demo``: create, upgrade, copy and fill the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from mentorkit.cli.base import (
    DbOption,
    _open,
    _require,
    _whole_database,
    app,
    db_app,
    friendly,
)
from mentorkit.errors import MentorkitError


@db_app.command("upgrade")
@friendly
def db_upgrade(db: str | None = DbOption) -> None:
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
def db_current(db: str | None = DbOption) -> None:
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
    _whole_database("db copy")
    with Store.open(source, programmes=()) as src, Store.open(target, programmes=()) as dst:
        copied = copy_database(src, dst)
    typer.echo("copied " + ", ".join(f"{n} {t}" for t, n in copied.items()))


@db_app.command("site-role")
@friendly
def db_site_role(
    site: str = typer.Argument(..., help="The site's name; its database role is site_<name>."),
    programme: list[str] = typer.Option(..., "--programme",
                                        help="A programme the site sees (repeat for more)."),
    password_file: Path = typer.Option(..., "--password-file",
                                       help="The role's password (first line); a new random "
                                            "one is written there, mode 600, if missing."),
    db: str | None = DbOption,
) -> None:
    """Create (or update) a site's PostgreSQL login role that sees only its programmes
    (row-level security); run as the database's administrator."""
    from mentorkit.config import Settings
    from mentorkit.store import site_roles
    from mentorkit.store.engine import make_engine

    _whole_database("db site-role")
    engine = make_engine(db or Settings.from_env().database_url)
    try:
        if engine.dialect.name != "postgresql":  # before a password file is written
            raise MentorkitError("a site's own database role needs PostgreSQL; on SQLite a "
                                 "site has its own file (or MENTORKIT_PROGRAMMES)")
        made = not password_file.exists()
        password = (site_roles.write_new_password(password_file) if made
                    else site_roles.read_password(password_file))
        role = site_roles.create_site_role(engine, site, programme, password)
    finally:
        engine.dispose()
    typer.echo(f"role {role.role} sees programme(s) {', '.join(map(str, role.programme_ids))}"
               + (f"; new password written to {password_file}" if made else ""))


def _ensure_folder(url: Any) -> None:
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


@app.command()
@friendly
def demo(
    db: str | None = DbOption,
    seed: int = typer.Option(0, help="Random seed of the synthetic data."),
    scale: float = typer.Option(1.0, help="Size relative to the demo (1.0: about 1,100 people)."),
    replace: bool = typer.Option(False, "--replace", help="Empty the database first."),
) -> None:
    """Load the synthetic demo programmes (invented people) into the database."""
    from mentorkit.config import Settings, database_url
    from mentorkit.store.engine import make_engine
    from mentorkit.synth import generate

    _whole_database("demo")
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
        from mentorkit.cli.reporting import _print_summary

        _print_summary(store)

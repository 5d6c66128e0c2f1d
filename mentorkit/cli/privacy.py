"""``mentorkit scan``, ``extract``, ``access``, ``erase``, ``retention``: data subjects'
rights and disclosure."""

from __future__ import annotations

from pathlib import Path

import typer

from mentorkit.cli.base import (
    ActorOption,
    DbOption,
    _open,
    _require,
    app,
    friendly,
)
from mentorkit.errors import MentorkitError


@app.command()
@friendly
def scan(
    paths: list[Path] = typer.Argument(..., exists=True, help="Files or folders to read: logs, "
                                       "reports (.html), executed notebooks (outputs only)."),
    db: str | None = DbOption,
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
    k_anonymity: int | None = typer.Option(
        None, "--k-anonymity", help="Every combination of the quasi-identifiers occurs at "
        "least k times [default: MENTORKIT_EXTRACT_K or 5]."),
    db: str | None = DbOption,
    actor: str = ActorOption,
) -> None:
    """Write a pseudonymised research extract for an evaluator (people who consented only).

    The pseudonym key comes from MENTORKIT_PSEUDONYM_KEY or MENTORKIT_PSEUDONYM_KEY_FILE. The
    agreement and expiry are kept in the extract's manifest and in the audit log. Dates are
    coarsened and rare combinations suppressed until k-anonymity holds; the manifest is signed.
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
        tables = research_extract(read, agreement=agreement.strip(), expires=until,
                                  k_anonymity=k_anonymity)
        folder = write_extract(tables, out)  # whole or not at all; only then is it recorded
        record_extract(store, agreement.strip(), until,
                       {n: len(df) for n, df in tables.items() if n != "manifest"}, actor)
    rows = ", ".join(f"{len(df)} {name}" for name, df in tables.items() if name != "manifest")
    m = tables["manifest"].iloc[0]
    typer.echo(f"wrote {folder}: {rows}; k={int(m['k'])} on {m['quasi_identifiers']} "
               f"(registration by {m['registration_grain']}, {int(m['suppressed_cells'])} "
               f"cells blanked, {int(m['people_left_out'])} people left out); "
               f"delete it by {until}")


@app.command()
@friendly
def access(
    person_id: int = typer.Argument(..., help="Person id."),
    out: Path = typer.Option(..., "--out", "-o", help="The JSON file to write (mode 600)."),
    db: str | None = DbOption,
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
    db: str | None = DbOption,
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
    years: int | None = typer.Option(None, help="Retention period in years "
                                        "[default: mentorkit.privacy.classes.RETENTION_YEARS]."),
    dry_run: bool = typer.Option(True, "--dry-run/--apply",
                                 help="List who is due (default) or erase them."),
    db: str | None = DbOption,
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

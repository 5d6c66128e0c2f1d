"""``mentorkit target add|edit|list``: a grant's targets written by hand, audited.

A target is "11 male matches" for a grant: ``mentorkit target add --grant 3 --metric matches
--group gender=male --value 11``. ``list`` shows each target with its grant (funder and
title), so two grants' targets with the same label stay apart. The rule is
:func:`mentorkit.monitoring.targets.target_fields`, the one the overview's form uses.

Example
-------
>>> from typer.testing import CliRunner
>>> from mentorkit.cli import app
>>> "--metric" in CliRunner().invoke(app, ["target", "add", "--help"]).output
True
"""

from __future__ import annotations

from typing import Any

import typer

from mentorkit.cli.base import ActorOption, DbOption, _open, _require, app, friendly
from mentorkit.errors import MentorkitError

__all__ = ["target_app", "add", "edit", "list_"]

target_app = typer.Typer(help="Add, change and list grant targets.", no_args_is_help=True)
app.add_typer(target_app, name="target")

GroupOption = typer.Option(None, "--group", help="Split by a person field, e.g. gender=female "
                                                 "(empty: everyone).")


@target_app.command("add")
@friendly
def add(
    grant: int = typer.Option(..., "--grant", help="Grant id (see `mentorkit target list`)."),
    metric: str = typer.Option(..., "--metric", help="matches, participants, completed, "
                                                     "job_or_education_at_end or "
                                                     "mentors_trained."),
    value: int = typer.Option(..., "--value", help="The number promised."),
    group: str | None = GroupOption,
    db: str | None = DbOption,
    actor: str = ActorOption,
) -> None:
    """Add a target to a grant (audited)."""
    from mentorkit.monitoring.targets import target_fields

    _require("personal_data")
    fields = target_fields(grant_id=grant, metric=metric, value=value, group=group)
    with _open(db, actor=actor) as store:
        if store.table("grant", id=grant).empty:
            raise MentorkitError(f"--grant {grant}: no such grant in this database's "
                                 "programmes")
        new = store.targets.add(**fields)
    typer.echo(f"target {new} added to grant {grant}")


@target_app.command("edit")
@friendly
def edit(
    target: int = typer.Argument(..., help="Target id (see `mentorkit target list`)."),
    metric: str | None = typer.Option(None, "--metric", help="A new metric."),
    value: int | None = typer.Option(None, "--value", help="A new number."),
    group: str | None = typer.Option(None, "--group",
                                     help="A new group (field=value; 'none' for everyone)."),
    db: str | None = DbOption,
    actor: str = ActorOption,
) -> None:
    """Change a target (audited); what is not given stays."""
    from mentorkit.monitoring.targets import target_fields

    _require("personal_data")
    with _open(db, actor=actor) as store:
        old = store.table("target", id=target)
        if old.empty or store.table("grant", id=int(old["grant_id"].iloc[0])).empty:
            raise MentorkitError(f"target {target}: no such target in this database's "
                                 "programmes")
        row = old.iloc[0]
        keep_group = group is None
        fields = target_fields(
            grant_id=int(row["grant_id"]), metric=metric or row["metric"],
            value=value if value is not None else int(row["value"]),
            group=None if group is None or group.strip().lower() == "none" else group,
            group_field=row["group_field"] if keep_group else None,
            group_value=row["group_value"] if keep_group else None)
        changes = {k: v for k, v in fields.items()
                   if k != "grant_id" and not _same(v, row[k])}
        if not changes:
            typer.echo(f"target {target}: nothing changed")
            return
        store.targets.update(target, **changes)
    typer.echo(f"target {target}: changed {', '.join(sorted(changes))}")


def _same(new: Any, old: Any) -> bool:
    import pandas as pd

    if new is None:
        return bool(pd.isna(old))
    return not pd.isna(old) and bool(new == old)


@target_app.command("list")
@friendly
def list_(
    programme: str | None = typer.Option(None, "--programme", help="Programme name or id "
                                                                    "(default: all)."),
    db: str | None = DbOption,
) -> None:
    """List the targets with their grants and periods."""
    from mentorkit.programmes import programme_id

    _require("aggregates")
    with _open(db) as store:
        grants = store.table("grant")
        if programme:
            grants = grants[grants["programme_id"] == programme_id(store.table("programme"),
                                                                   programme)]
        targets = store.table("target", grant_id=grants["id"].tolist())
    g = grants.set_index("id")
    typer.echo("id\tgrant\tfunder: title\tperiod\tmetric\tgroup\tvalue")
    for t in targets.to_dict("records"):
        grant = g.loc[int(t["grant_id"])]
        group = f"{t['group_field']}={t['group_value']}" \
            if isinstance(t["group_value"], str) else "–"
        period = f"{_day(grant['period_start'])}–{_day(grant['period_end'])}"
        typer.echo(f"{t['id']}\t{t['grant_id']}\t{grant['funder']}: {grant['title']}\t{period}"
                   f"\t{t['metric']}\t{group}\t{t['value']}")


def _day(value: Any) -> str:
    import pandas as pd

    return "" if pd.isna(value) else str(pd.Timestamp(value).date())

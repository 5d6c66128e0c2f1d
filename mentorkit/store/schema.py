"""The data model as SQLAlchemy Core tables, built from :mod:`mentorkit.model.schema`.

Only :mod:`mentorkit.store` uses these: the rest of the package reads the model itself. Each
column keeps the model's privacy class, vocabulary, multi flag and meaning in
``Column.info`` and its meaning as the database comment.

Example
-------
>>> from mentorkit.store.schema import metadata, privacy_class
>>> {"person", "match", "audit"} <= set(metadata.tables)
True
>>> metadata.tables["person"].c["email"].info["privacy"]
'direct'
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mentorkit.model import schema as model
from mentorkit.model.schema import (  # noqa: F401  (the names this module always had)
    ENTITY_TABLES,
    PRIVACY_CLASSES,
    PrivacyClass,
    privacy_class,
    user_columns,
)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def sql_type(type_: model.Type) -> sa.types.TypeEngine:
    """The SQLAlchemy type of a model type.

    Example
    -------
    >>> sql_type(model.Str(40))
    String(length=40)
    """
    if type_.sql == "string":
        return sa.String(type_.length)
    if type_.sql == "decimal":
        return sa.Numeric(14, 2)
    plain: dict[str, sa.types.TypeEngine] = {
        "integer": sa.Integer(), "float": sa.Float(), "date": sa.Date(),
        "datetime": sa.DateTime(), "text": sa.Text(), "json": sa.JSON()}
    return plain[type_.sql]


def _column(c: model.Column) -> sa.Column:
    args: list = [sa.ForeignKey(c.references)] if c.references else []
    extra: dict = {"server_default": c.server_default} if c.server_default is not None else {}
    if c.primary_key:
        extra["autoincrement"] = True
    return sa.Column(c.name, sql_type(c.type), *args, nullable=c.nullable,
                     primary_key=c.primary_key, unique=c.unique or None, info=c.info,
                     comment=c.doc or None, **extra)


def _index(i: model.Index) -> sa.Index:
    """An index of the model; a column given as an expression (``lower(email)``) is SQL."""
    columns = [sa.text(c) if "(" in c else c for c in i.columns]
    where: dict[str, Any] = {} if i.where is None else {"sqlite_where": sa.text(i.where),
                                        "postgresql_where": sa.text(i.where)}
    return sa.Index(i.name, *columns, unique=i.unique, **where)


def _build(t: model.Table) -> sa.Table:
    parts: list = [_column(c) for c in t.columns]
    parts += [sa.CheckConstraint(k.sql, name=k.name) for k in t.checks]
    parts += [sa.UniqueConstraint(*u.columns, name=u.name) for u in t.uniques]
    parts += [_index(i) for i in t.indexes]
    return sa.Table(t.name, metadata, *parts, comment=t.comment)


for _t in model.TABLES.values():
    _build(_t)

programme = metadata.tables["programme"]
grant = metadata.tables["grant"]
target = metadata.tables["target"]
partner = metadata.tables["partner"]
person = metadata.tables["person"]
match = metadata.tables["match"]
followup = metadata.tables["followup"]
outcome = metadata.tables["outcome"]
event = metadata.tables["event"]
attendance = metadata.tables["attendance"]
audit = metadata.tables["audit"]
match_run = metadata.tables["match_run"]
consent = metadata.tables["consent"]
erasure_ledger = metadata.tables["erasure_ledger"]

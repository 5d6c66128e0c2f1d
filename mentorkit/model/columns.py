"""The pieces the data model is declared with: column types, columns, rules, tables.

:mod:`mentorkit.model.schema` declares every table with these; nothing here knows a table.

Example
-------
>>> c = Column("email", Str(200), privacy="direct")
>>> c.kind, c.length, c.info["privacy"]
('str', 200, 'direct')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

PrivacyClass = Literal["direct", "quasi", "special", "free_text", "none"]
PRIVACY_CLASSES: tuple[PrivacyClass, ...] = ("direct", "quasi", "special", "free_text", "none")

#: The pandas-side kind of a column's values (see :func:`mentorkit.model.frames.conform`).
Kind = Literal["int", "float", "date", "datetime", "str", "list", "json"]


@dataclass(frozen=True)
class Type:
    """How a column is stored: the SQL type family and, for text, its greatest length."""

    sql: Literal["integer", "float", "decimal", "date", "datetime", "string", "text", "json"]
    length: int | None = None


INT, FLOAT, DECIMAL = Type("integer"), Type("float"), Type("decimal")
DATE, DATETIME, TEXT, JSON = Type("date"), Type("datetime"), Type("text"), Type("json")


def Str(length: int) -> Type:  # noqa: N802 - reads like the type it declares
    """Text of at most ``length`` characters."""
    return Type("string", length)


_KIND: dict[str, Kind] = {"integer": "int", "float": "float", "decimal": "float",
                          "date": "date", "datetime": "datetime", "string": "str",
                          "text": "str", "json": "json"}


@dataclass(frozen=True)
class Column:
    """One column of the model."""

    name: str
    type: Type
    table: str = ""
    nullable: bool = True
    primary_key: bool = False
    unique: bool = False
    references: str | None = None
    server_default: str | None = None
    privacy: PrivacyClass = "none"
    vocab: str | None = None
    multi: bool = False
    doc: str = ""

    @property
    def kind(self) -> Kind:
        """``list`` for multi-valued columns, otherwise the kind of the stored type."""
        return "list" if self.multi else _KIND[self.type.sql]

    @property
    def length(self) -> int | None:
        """The greatest length of a text column (None when unbounded or not text)."""
        return self.type.length

    @property
    def required(self) -> bool:
        """A value must be given (not nullable, not assigned by the database)."""
        return not self.nullable and not self.primary_key and self.server_default is None

    @property
    def info(self) -> dict[str, Any]:
        """privacy, vocab, multi and doc as one mapping (as ``Column.info`` in the store)."""
        return {"privacy": self.privacy, "vocab": self.vocab, "multi": self.multi,
                "doc": self.doc}


@dataclass(frozen=True)
class Check:
    """A rule on each row, in SQL (held by the database)."""

    sql: str
    name: str


@dataclass(frozen=True)
class Unique:
    """Columns whose values together appear once."""

    columns: tuple[str, ...]
    name: str

    def __init__(self, *columns: str, name: str) -> None:
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "name", name)


@dataclass(frozen=True)
class Index:
    """An index the database keeps for look-ups; ``unique`` makes it a rule, over the rows
    that satisfy ``where`` (SQL, a partial index) when given. A column written as an SQL
    expression (``lower(email)``) indexes that expression."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None

    def __init__(self, name: str, *columns: str, unique: bool = False,
                 where: str | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "unique", unique)
        object.__setattr__(self, "where", where)


class Columns:
    """The columns of a table in schema order, by position or by name (``t.c["id"]``)."""

    def __init__(self, columns: tuple[Column, ...]) -> None:
        self._columns = columns
        self._by_name = {c.name: c for c in columns}

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def __getattr__(self, name: str) -> Column:
        try:
            return self.__dict__["_by_name"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __len__(self) -> int:
        return len(self._columns)

    def keys(self) -> list[str]:
        """Column names in schema order."""
        return list(self._by_name)


@dataclass(frozen=True)
class Table:
    """One table of the model: its columns in order, rules, indexes and a comment."""

    name: str
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = ()
    uniques: tuple[Unique, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    c: Columns = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", Columns(self.columns))

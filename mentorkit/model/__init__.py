"""The data model every layer reads: tables and columns, frames, data sets, rules, dictionary.

Nothing here opens a database or imports SQLAlchemy: the store builds its tables from
:mod:`mentorkit.model.schema`, and the analysis core reads the same description.

Example
-------
>>> from mentorkit import model
>>> model.privacy_class("person", "phone"), model.TABLES["match"].c["status"].vocab
('direct', 'match_status')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "ENTITY_TABLES", "PRIVACY_CLASSES", "TABLES", "Column", "Dataset", "Problem", "Table",
    "Truth", "conform", "data_dictionary", "kind", "privacy_class", "read_tables",
    "require_valid", "sorted_tables", "user_columns", "validate_frame",
]

_LAZY = {
    "ENTITY_TABLES": "schema", "PRIVACY_CLASSES": "schema", "TABLES": "schema",
    "Column": "schema", "Table": "schema", "privacy_class": "schema",
    "sorted_tables": "schema", "user_columns": "schema",
    "conform": "frames", "kind": "frames",
    "Dataset": "dataset", "Truth": "dataset",
    "Problem": "validation", "require_valid": "validation", "validate_frame": "validation",
    "data_dictionary": "dictionary", "read_tables": "tables",
}

if TYPE_CHECKING:
    from mentorkit.model.dataset import Dataset, Truth
    from mentorkit.model.dictionary import data_dictionary
    from mentorkit.model.frames import conform, kind
    from mentorkit.model.schema import (
        ENTITY_TABLES,
        PRIVACY_CLASSES,
        TABLES,
        Column,
        Table,
        privacy_class,
        sorted_tables,
        user_columns,
    )
    from mentorkit.model.tables import read_tables
    from mentorkit.model.validation import Problem, require_valid, validate_frame


def __getattr__(name: str) -> Any:
    """Import the public names on first use (pandera only when validating)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'mentorkit.model' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"mentorkit.model.{_LAZY[name]}"), name)

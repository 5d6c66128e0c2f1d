"""The ``mentorkit`` command.

Every command takes ``--db`` (a SQLAlchemy URL or a SQLite file path; default the
``MENTORKIT_DB`` environment variable, else ``data/mentorkit.db``). Errors are printed as
one plain sentence, never as a traceback, and never with personal data. The commands live
by subject in this package's modules; importing it registers them all on :data:`app`.

Example
-------
>>> from typer.testing import CliRunner
>>> result = CliRunner().invoke(app, ["--help"])
>>> "summary" in result.output
True
"""

from __future__ import annotations

from mentorkit.cli import (  # noqa: F401  (register)
    backup,
    database,
    people,
    privacy,
    programme,
    reminders,
    reporting,
    targets,
)
from mentorkit.cli.base import app

__all__ = ["app"]

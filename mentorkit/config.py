"""Settings: database, language, disclosure threshold and secrets, from the environment.

Every setting has an environment variable (``MENTORKIT_DB``, ``MENTORKIT_LANG``,
``MENTORKIT_MIN_CELL``, ``MENTORKIT_PSEUDONYM_KEY``, ``MENTORKIT_ACTOR``, and
``MENTORKIT_PROGRAMMES``: the programmes a site's coordinators work on, comma-separated;
empty means all). Secrets are read from
the environment or a file outside the repository, never from the database.

Example
-------
>>> s = Settings.from_env({"MENTORKIT_DB": "/tmp/x.db"})
>>> s.database_url
'sqlite:////tmp/x.db'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mentorkit.errors import ConfigError
from mentorkit.i18n import check_lang
from mentorkit.vocab import Lang

DEFAULT_DB = Path("data") / "mentorkit.db"


def database_url(url_or_path: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL for a URL or a plain file path (taken as SQLite).

    Example
    -------
    >>> database_url("data/mentorkit.db").startswith("sqlite:///")
    True
    >>> database_url("postgresql+psycopg://u@127.0.0.1/mk")
    'postgresql+psycopg://u@127.0.0.1/mk'
    """
    text = os.fspath(url_or_path)
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    return "sqlite:///" + str(Path(text).expanduser().resolve())


@dataclass(frozen=True)
class Settings:
    """One object for all configuration."""

    database_url: str = database_url(DEFAULT_DB)
    language: Lang = "en"
    min_cell: int = 5
    actor: str = "mentorkit"
    pseudonym_key: str | None = None
    programmes: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``env`` (default: ``os.environ``).

        A ``MENTORKIT_LANG`` other than da, en or nl raises
        :class:`~mentorkit.errors.UnknownLanguage`.
        """
        env = os.environ if env is None else env
        lang = check_lang(env.get("MENTORKIT_LANG", "en"), name="MENTORKIT_LANG")
        try:
            min_cell = int(env.get("MENTORKIT_MIN_CELL", "5"))
        except ValueError:
            raise ConfigError("MENTORKIT_MIN_CELL must be a whole number") from None
        return cls(
            database_url=database_url(env.get("MENTORKIT_DB", str(DEFAULT_DB))),
            language=lang,
            min_cell=min_cell,
            actor=env.get("MENTORKIT_ACTOR", "mentorkit"),
            pseudonym_key=env.get("MENTORKIT_PSEUDONYM_KEY"),
            programmes=tuple(p.strip() for p in env.get("MENTORKIT_PROGRAMMES", "").split(",")
                             if p.strip()),
        )

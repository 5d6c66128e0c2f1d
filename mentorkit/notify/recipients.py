"""Who receives a digest: coordinators, each with an e-mail, a language and programmes.

The list is configuration, not a table: a TOML file named by ``MENTORKIT_COORDINATORS``
(mode 600 advised: it holds the coordinators' work addresses), one table per coordinator::

    [[coordinator]]
    name = "Fatima"                      # used in the greeting and to choose one (--to)
    email = "fatima@example.org"
    lang = "da"                          # da, en or nl; default: each programme's language
    programmes = ["Langkærparken"]       # names or ids; a digest per programme

A coordinator receives only her programmes' items (the store is opened with her programmes
as its scope). A file that does not say these things is refused naming the file, the entry
and the field.

Example
-------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "c.toml"
>>> _ = f.write_text('[[coordinator]]\\nname = "A"\\nemail = "a@example.org"\\n'
...                  'programmes = ["Vollsmose"]\\n', encoding="utf-8")
>>> [(c.name, c.lang, c.programmes) for c in load_coordinators(f)]
[('A', None, ('Vollsmose',))]
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mentorkit.errors import ConfigError
from mentorkit.i18n import is_lang
from mentorkit.vocab import Lang

__all__ = ["Coordinator", "load_coordinators", "VARIABLE"]

VARIABLE = "MENTORKIT_COORDINATORS"


@dataclass(frozen=True)
class Coordinator:
    """One recipient of digests."""

    name: str
    email: str
    programmes: tuple[str, ...]
    lang: Lang | None = None


def load_coordinators(path: str | os.PathLike[str] | None = None) -> list[Coordinator]:
    """The coordinators of ``path`` (default: the file ``MENTORKIT_COORDINATORS`` names).

    :class:`~mentorkit.errors.ConfigError` naming the file, entry and field when something is
    missing or wrong (an address is never echoed).
    """
    where = path or os.environ.get(VARIABLE, "").strip()
    if not where:
        raise ConfigError(f"no coordinators configured: set {VARIABLE} to a TOML file "
                          "(see docs/dashboards.md, Reminders)")
    file = Path(where)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{file}: cannot be read ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{file}: not valid TOML ({err})") from None
    entries = data.get("coordinator")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{file}: no [[coordinator]] entries")
    out = []
    for n, entry in enumerate(entries, start=1):
        where_ = f"{file}: coordinator {n}"
        name, email = entry.get("name"), entry.get("email")
        programmes, lang = entry.get("programmes"), entry.get("lang")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where_}: field 'name' is missing")
        if not isinstance(email, str) or "@" not in email or any(c.isspace() for c in email):
            raise ConfigError(f"{where_}: field 'email' is missing or not an e-mail address")
        if not isinstance(programmes, list) or not programmes \
                or not all(isinstance(p, (str, int)) for p in programmes):
            raise ConfigError(f"{where_}: field 'programmes' must be a list of programme names")
        if lang is not None and not is_lang(lang):
            raise ConfigError(f"{where_}: field 'lang' must be da, en or nl")
        out.append(Coordinator(name=name.strip(), email=email.strip(),
                               programmes=tuple(str(p) for p in programmes),
                               lang=lang if is_lang(lang) else None))
    return out

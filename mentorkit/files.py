"""Files written whole or not at all, readable by their owner only.

:func:`atomic_write` is the one way the package writes a file that holds personal data (an
export, an extract's tables, a backup): the content goes to a temporary file in the same
folder, created mode 600 whatever the umask, which is flushed to the disk (``fsync``) and
then renamed over the target, so the target is either the old file or the whole new one.
When writing fails the temporary file is removed, and a full disk (``ENOSPC``, ``EDQUOT``,
SQLite's "database or disk is full") raises :class:`DiskFull`, which says "the disk is full"
in the user's language (``MENTORKIT_LANG``) and names the file, never its content.
:func:`create_private` makes an empty file mode 600 (a new SQLite database, before SQLite
opens it: its journal and WAL files then take the same mode).

Example
-------
>>> import os, tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
>>> with atomic_write(target) as tmp:
...     _ = tmp.write_text("a;b\\n")
>>> target.read_text(), oct(os.stat(target).st_mode & 0o777)
('a;b\\n', '0o600')
>>> sorted(p.name for p in target.parent.iterdir())
['out.csv']
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from mentorkit.errors import ConfigError, MentorkitError
from mentorkit.i18n import Catalogue, check_lang

__all__ = ["PRIVATE_MODE", "DiskFull", "FileNotWritten", "atomic_write", "create_private",
           "is_disk_full", "not_written", "write_private"]

#: The mode of every file the package creates that may hold personal data: owner only.
PRIVATE_MODE = 0o600

_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})

TEXTS = Catalogue("files", {
    "disk_full": {
        "da": "disken er fuld: {name} blev ikke skrevet, og intet halvt skrevet blev "
              "efterladt; frigør plads og prøv igen",
        "en": "the disk is full: {name} was not written and nothing half-written was left "
              "behind; free space and try again",
        "nl": "de schijf is vol: {name} is niet geschreven en er is niets half geschreven "
              "achtergebleven; maak ruimte vrij en probeer het opnieuw",
    },
    "not_written": {
        "da": "{name} kunne ikke skrives ({reason}); intet blev skrevet",
        "en": "{name} could not be written ({reason}); nothing was written",
        "nl": "{name} kon niet worden geschreven ({reason}); er is niets geschreven",
    },
})


class FileNotWritten(MentorkitError, OSError):
    """A file could not be written (no permission, no such folder …); nothing was left.

    Also an ``OSError``, as the error it replaces was, so code that caught that still does.
    """


class DiskFull(FileNotWritten):
    """The disk (or the user's quota) was full; the file was not written, nothing was left.

    Example
    -------
    >>> str(DiskFull("x.csv", "en")).split(":")[0], DiskFull("x.csv", "nl").name
    ('the disk is full', 'x.csv')
    """

    def __init__(self, name: str, lang: str | None = None) -> None:
        self.name = name
        super().__init__(TEXTS.text("disk_full", _lang(lang), name=name))

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (type(self), (self.name,))


def _lang(lang: str | None) -> str:
    if lang is not None:
        return check_lang(lang)
    from mentorkit.config import Settings

    try:
        return Settings.from_env().language
    except (ConfigError, MentorkitError):
        return "en"


def is_disk_full(err: BaseException) -> bool:
    """True when ``err``, or an error it was raised from, says the disk or quota is full.

    Example
    -------
    >>> is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    True
    >>> import sqlite3
    >>> is_disk_full(sqlite3.OperationalError("database or disk is full"))
    True
    >>> is_disk_full(PermissionError(errno.EACCES, "Permission denied"))
    False
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [err]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if type(current).__module__ == "sqlite3" and "disk is full" in str(current):
            return True
        todo.extend([current.__cause__, current.__context__,
                     getattr(current, "orig", None)])
    return False


def create_private(path: str | os.PathLike[str]) -> bool:
    """Create ``path`` empty, mode 600 (whatever the umask), unless it exists.

    Returns True when it was created. A new SQLite database is made this way before SQLite
    opens it, so that the database (and its journal and WAL files, which SQLite gives the
    database's mode) is readable by its owner only.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "new.db"
    >>> create_private(p), oct(p.stat().st_mode & 0o777), create_private(p)
    (True, '0o600', False)
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_MODE)
    finally:
        os.close(fd)
    return True


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system can sync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, lang: str | None = None) -> Iterator[Path]:
    """Write ``path`` whole or not at all: yield a temporary file (mode 600) to write to.

    The temporary file is in the same folder (so the rename is atomic) and named after the
    target with a random part (``.out.csv.3f9a…tmp``). When the block ends it is synced to
    the disk and renamed over ``path``, and the folder is synced; when the block raises,
    the temporary file is removed, an error of a full disk becomes :class:`DiskFull` and
    any other ``OSError`` :class:`FileNotWritten` (both name the file only). Other errors
    pass through unchanged (after the clean-up).

    Example
    -------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_write(target) as tmp:
    ...     _ = tmp.write_text("whole")
    ...     raise ValueError("stop")
    Traceback (most recent call last):
    ...
    ValueError: stop
    >>> list(target.parent.iterdir())
    []
    """
    target = Path(path)
    name = target.name
    tmp = target.with_name(f".{name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
        try:
            os.fchmod(fd, PRIVATE_MODE)
        finally:
            os.close(fd)
    except OSError as err:
        raise not_written(err, name, lang) from None
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fchmod(fd, PRIVATE_MODE)  # a writer that re-created the file keeps it private
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(err, MentorkitError):
            raise
        if is_disk_full(err) or isinstance(err, OSError):
            raise not_written(err, name, lang) from None
        raise
    _fsync_folder(target.parent)


def not_written(err: BaseException, name: str, lang: str | None = None) -> FileNotWritten:
    """The error to raise when writing ``name`` failed with ``err``: :class:`DiskFull` for a
    full disk, else :class:`FileNotWritten` with the system's reason (never the content).

    For code that cleans up a write itself (a folder written beside its final name) and
    must say why it failed as :func:`atomic_write` does.

    Example
    -------
    >>> str(not_written(PermissionError(errno.EACCES, "Permission denied"), "x.csv", "en"))
    'x.csv could not be written (Permission denied); nothing was written'
    >>> type(not_written(OSError(errno.ENOSPC, "No space left on device"), "x.csv")).__name__
    'DiskFull'
    """
    if is_disk_full(err):
        return DiskFull(name, lang)
    reason = (err.strerror if isinstance(err, OSError) and err.strerror
              else type(err).__name__)
    return FileNotWritten(TEXTS.text("not_written", _lang(lang), name=name, reason=reason))


def write_private(path: str | os.PathLike[str], data: bytes, *,
                  lang: str | None = None) -> Path:
    """Write ``data`` to ``path`` with :func:`atomic_write` (mode 600, whole or not at all).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = write_private(pathlib.Path(tempfile.mkdtemp()) / "k.bin", b"\\x00\\x01")
    >>> p.read_bytes()
    b'\\x00\\x01'
    """
    target = Path(path)
    with atomic_write(target, lang=lang) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return target

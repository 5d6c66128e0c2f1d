"""A site's scope held by PostgreSQL itself: one login role per site, row-level security.

The app limits a store to its programmes (``MENTORKIT_PROGRAMMES``, :mod:`.reading`); on
PostgreSQL the database holds the same limit, so a bug in the app (or any SQL at all) run with
a site's credentials cannot read another site's people:

- every table holding a programme's people or their data has row-level security on, with a
  policy derived from :mod:`mentorkit.model.schema` (:func:`table_policies`): a row belongs to
  a programme by its ``programme_id`` or, for a child table, through the rows it references
  (``followup.match_id`` -> ``match``), whose own policy then applies; the audit by the row
  it is about (``table_name``, ``row_id``);
- ``mentorkit_sites.site_access (role_name, programme_id)`` says which programmes each site's
  role may see; a policy reads it for ``current_user``;
- a site's login role (:func:`create_site_role`) is a member of the group role
  :data:`GROUP`, which holds the table privileges; it owns nothing, so it cannot alter a
  policy, and it is neither superuser nor ``BYPASSRLS``. The tables' owner (the administrator
  who runs the migrations) is not subject to the policies.

On SQLite all of this is a no-op (:func:`enable_row_security`) or refused with a clear error.

Example
-------
>>> policies = table_policies()
>>> policies["person"].using.split(" WHERE ")[1]
'role_name = current_user)'
>>> policies["followup"].using
'match_id IN (SELECT id FROM "match")'
>>> site_role_name("Vollsmose")
'site_vollsmose'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from mentorkit.config import database_url
from mentorkit.errors import StoreError
from mentorkit.model import schema as model
from mentorkit.model.schema import ENTITY_TABLES
from mentorkit.store.audit import DATABASE, write_audit

__all__ = ["ACCESS", "GROUP", "POLICY", "SCHEMA", "SiteRole", "TablePolicy",
           "create_site_role", "disable_row_security", "enable_row_security",
           "grant_site_privileges", "read_password", "scram_verifier", "site_database_url",
           "site_role_name", "table_policies", "write_new_password"]

SCHEMA = "mentorkit_sites"
"""The schema of what only PostgreSQL has (outside the model, so SQLite stays the same)."""
ACCESS = f"{SCHEMA}.site_access"
"""Which programmes each site's role may see: ``(role_name, programme_id)``."""
GROUP = "mentorkit_site"
"""The group role every site's login role belongs to; it holds the table privileges."""
POLICY = "mentorkit_site_scope"
"""The name of the policy on each table (the audit has ``…_read`` and ``…_write``)."""

_PROGRAMMES = f"(SELECT programme_id FROM {ACCESS} WHERE role_name = current_user)"
_SITE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class TablePolicy:
    """How a table's rows belong to a site: ``using`` decides which rows a site sees,
    ``check`` which rows it may write (also every row the new row refers to)."""

    table: str
    using: str
    check: str


@dataclass(frozen=True)
class SiteRole:
    """A site's login role and the programme ids it sees."""

    role: str
    programme_ids: tuple[int, ...]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_policies() -> dict[str, TablePolicy]:
    """The policy of every table with a path to a programme, derived from the model.

    A table with ``programme_id`` (and ``programme`` itself by its id) is scoped by it; a
    table without one by every required reference to a scoped table (its parent's policy
    applies inside the sub-select, so the path is followed to the programme). A new row must
    also refer only to rows the site sees. The audit is not here (it has no reference):
    see :func:`audit_visible`.

    Example
    -------
    >>> table_policies()["match"].check.count("SELECT id FROM \\"person\\"")
    2
    """
    policies: dict[str, TablePolicy] = {}
    for table in model.sorted_tables():
        links = [(c, c.references.split(".")) for c in table.columns
                 if c.references and c.references.split(".")[0] in policies
                 and c.references.split(".")[0] != table.name]

        def inside(column: str, parent: str, key: str) -> str:
            return f"{column} IN (SELECT {key} FROM {_q(parent)})"

        if table.name == "programme":
            using = f"id IN {_PROGRAMMES}"
        elif "programme_id" in table.c:
            using = f"programme_id IN {_PROGRAMMES}"
        else:
            required = [inside(c.name, p, k) for c, (p, k) in links if not c.nullable]
            if not required:
                continue  # no path to a programme: not a site's table (no privilege either)
            using = " AND ".join(required)
        checks = [using] + [inside(c.name, p, k) if not c.nullable
                            else f"({c.name} IS NULL OR {inside(c.name, p, k)})"
                            for c, (p, k) in links if inside(c.name, p, k) not in using]
        policies[table.name] = TablePolicy(table.name, using, " AND ".join(checks))
    return policies


def audit_visible() -> str:
    """The audit rows a site sees: those about a row it sees (by ``table_name`` and
    ``row_id``), never those about the whole database (``*``) or rows no longer there.

    Example
    -------
    >>> "table_name = 'person' AND row_id IN (SELECT id FROM \\"person\\")" in audit_visible()
    True
    """
    return "(" + " OR ".join(f"(table_name = '{name}' AND row_id IN (SELECT id FROM {_q(name)}))"
                             for name in table_policies()) + ")"


def _privileges(name: str) -> str:
    if name == "programme":
        return "SELECT, UPDATE"
    if name in ENTITY_TABLES:
        return "SELECT, INSERT, UPDATE, DELETE"
    return "SELECT, INSERT"  # audit, consent, the erasure ledger, match runs: appended to


def _is_postgres(conn: sa.Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _tables_present(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def enable_row_security(conn: sa.Connection) -> None:
    """Turn row-level security on, with the site policies, on every scoped table present
    (idempotent; a no-op on SQLite). A migration that adds a table calls it again.

    Example
    -------
    >>> from mentorkit.store.engine import make_engine
    >>> with make_engine("sqlite://").begin() as conn:
    ...     enable_row_security(conn)   # SQLite: nothing to do
    """
    if not _is_postgres(conn):
        return
    present = _tables_present(conn)
    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {ACCESS} (role_name name NOT NULL, programme_id integer "
        "NOT NULL REFERENCES public.programme (id) ON DELETE CASCADE, "
        "PRIMARY KEY (role_name, programme_id))")
    conn.exec_driver_sql(f"ALTER TABLE {ACCESS} ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS {POLICY} ON {ACCESS}")
    conn.exec_driver_sql(f"CREATE POLICY {POLICY} ON {ACCESS} FOR SELECT "
                         "USING (role_name = current_user)")
    for name, policy in table_policies().items():
        if name not in present:
            continue
        conn.exec_driver_sql(f"ALTER TABLE {_q(name)} ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {POLICY} ON {_q(name)}")
        conn.exec_driver_sql(f"CREATE POLICY {POLICY} ON {_q(name)} USING ({policy.using}) "
                             f"WITH CHECK ({policy.check})")
    if "audit" in present:
        conn.exec_driver_sql("ALTER TABLE audit ENABLE ROW LEVEL SECURITY")
        for suffix in ("read", "write"):
            conn.exec_driver_sql(f"DROP POLICY IF EXISTS {POLICY}_{suffix} ON audit")
        conn.exec_driver_sql(f"CREATE POLICY {POLICY}_read ON audit FOR SELECT "
                             f"USING {audit_visible()}")
        # appending is allowed (a delete's audit row is about a row no longer there, a
        # research extract's about the whole database); reading back stays limited above
        conn.exec_driver_sql(f"CREATE POLICY {POLICY}_write ON audit FOR INSERT "
                             "WITH CHECK (true)")
    # PostgreSQL before 15 lets everybody create objects in public: a site may not
    conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(g)s",
                            {"g": GROUP}).first():
        grant_site_privileges(conn)


def disable_row_security(conn: sa.Connection) -> None:
    """Undo :func:`enable_row_security` (a no-op on SQLite); site roles stay, seeing nothing."""
    if not _is_postgres(conn):
        return
    present = _tables_present(conn)
    for name in [*table_policies(), "audit"]:
        if name not in present:
            continue
        for policy in (POLICY, f"{POLICY}_read", f"{POLICY}_write"):
            conn.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON {_q(name)}")
        conn.exec_driver_sql(f"ALTER TABLE {_q(name)} DISABLE ROW LEVEL SECURITY")
    if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(g)s",
                            {"g": GROUP}).first():
        conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {GROUP}")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {GROUP}")
    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def grant_site_privileges(conn: sa.Connection) -> None:
    """Give the group role :data:`GROUP` what the dashboards need on the scoped tables and
    nothing on any other (idempotent)."""
    present = _tables_present(conn)
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {GROUP}")
    for name in [*table_policies(), "audit"]:
        if name in present:
            conn.exec_driver_sql(f"GRANT {_privileges(name)} ON {_q(name)} TO {GROUP}")
    if "alembic_version" in present:  # opening a store checks the schema's revision
        conn.exec_driver_sql(f"GRANT SELECT ON alembic_version TO {GROUP}")
    conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {GROUP}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {GROUP}")
    conn.exec_driver_sql(f"GRANT SELECT ON {ACCESS} TO {GROUP}")


def site_role_name(site: str) -> str:
    """The database role of a site: ``site_`` and the site's name folded to lower-case ASCII
    (æ ae, ø oe, å aa, accents dropped, anything else ``_``), so the hub's group
    ``site:Langkærparken`` and the command's ``Langkærparken`` give the same role; a
    :class:`StoreError` for a name with nothing left or longer than 50.

    Example
    -------
    >>> site_role_name("tilst"), site_role_name("Langkærparken"), site_role_name("Den Haag")
    ('site_tilst', 'site_langkaerparken', 'site_den_haag')
    """
    text = site.strip().lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ß", "ss")):
        text = text.replace(letter, spelled)
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not _SITE_NAME.match(name):
        raise StoreError("a site's name needs a letter first and at most 50 letters or digits "
                         f"(got {site!r})")
    return f"site_{name}"


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677), made
    here so the password itself never reaches the server or its log.

    Example
    -------
    >>> scram_verifier("secret", salt=b"0" * 16).startswith("SCRAM-SHA-256$4096:")
    True
    """
    salt = secrets.token_bytes(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode()

    return (f"SCRAM-SHA-256${_SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:"
            f"{b64(server_key)}")


def read_password(path: str | Path) -> str:
    """The password in a file (its first line); a :class:`StoreError` naming the file when
    it is missing or empty (the password is never shown).

    Example
    -------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pw"; _ = f.write_text("s3cret\\n")
    >>> read_password(f)
    's3cret'
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(f"cannot read the password file {path}: "
                         f"{getattr(err, 'strerror', None) or type(err).__name__}") from None
    if not lines or not lines[0].strip():
        raise StoreError(f"the password file {path} is empty")
    return lines[0].strip()


def write_new_password(path: str | Path) -> str:
    """A new random password, written to ``path`` (mode 600, whole or not at all).

    Example
    -------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pw"
    >>> write_new_password(f) == read_password(f)
    True
    """
    from mentorkit.files import write_private

    password = secrets.token_urlsafe(24)
    write_private(path, (password + "\n").encode())
    return password


def site_database_url(base_url: str, site: str, password_file: str | Path) -> str:
    """The database URL a site's sessions use: ``base_url`` (the shared database) with the
    site's role (:func:`site_role_name`) and its password (read from ``password_file``).

    Example
    -------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pw"; _ = f.write_text("p@ss")
    >>> site_database_url("postgresql+psycopg://admin:x@db.example.org/mk", "tilst", f)
    'postgresql+psycopg://site_tilst:p%40ss@db.example.org/mk'
    """
    url = sa.make_url(database_url(base_url))
    if url.get_backend_name() != "postgresql":
        raise StoreError("a site's own database role needs PostgreSQL (this is "
                         f"{url.get_backend_name()})")
    return url.set(username=site_role_name(site),
                   password=read_password(password_file)).render_as_string(hide_password=False)


def create_site_role(engine: sa.Engine, site: str, programmes: Sequence[str], password: str,
                     *, actor: str = "cli") -> SiteRole:
    """Create (or update) a site's login role, limited to ``programmes`` (names), in one
    audited transaction; run it as the database's administrator (who may create roles).

    The role logs in with ``password`` (stored as a SCRAM verifier), is a member of
    :data:`GROUP`, is neither superuser nor ``BYPASSRLS`` and sees exactly ``programmes``
    (replacing what it saw before). An existing role with more powers is refused.
    """
    role = site_role_name(site)
    if engine.dialect.name != "postgresql":
        raise StoreError("a site's own database role needs PostgreSQL; on SQLite a site has "
                         "its own file (or MENTORKIT_PROGRAMMES)")
    if not programmes:
        raise StoreError("name at least one programme the site's role may see (--programme)")
    with engine.begin() as conn:
        ids = _programme_ids(conn, programmes)
        existing = conn.exec_driver_sql(
            "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb, "
            "rolname = current_user FROM pg_roles WHERE rolname = %(r)s", {"r": role}).first()
        if existing is not None and (existing[0] or existing[1]):
            raise StoreError(f"the role {role} exists with powers a site's role must not have "
                             "(superuser, BYPASSRLS, CREATEROLE, CREATEDB or yourself)")
        if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(g)s",
                                    {"g": GROUP}).first():
            conn.exec_driver_sql(f"CREATE ROLE {GROUP} NOLOGIN")
        grant_site_privileges(conn)
        verb = "ALTER" if existing is not None else "CREATE"
        verifier = scram_verifier(password).replace("'", "''")  # base64: no quote in it
        conn.exec_driver_sql(
            f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            f"NOBYPASSRLS INHERIT PASSWORD '{verifier}'")
        conn.exec_driver_sql(f"GRANT {GROUP} TO {role}")
        conn.exec_driver_sql(f"DELETE FROM {ACCESS} WHERE role_name = %(r)s", {"r": role})
        for pid in ids:
            conn.exec_driver_sql(f"INSERT INTO {ACCESS} (role_name, programme_id) "
                                 "VALUES (%(r)s, %(p)s)", {"r": role, "p": pid})
        write_audit(conn, actor, "site_role", DATABASE, [None],
                    [{"role": role, "programmes": list(ids)}], fields=["site_access"])
    return SiteRole(role, ids)


def _programme_ids(conn: sa.Connection, names: Sequence[str]) -> tuple[int, ...]:
    if not conn.exec_driver_sql(f"SELECT to_regclass('{ACCESS}')").scalar():
        raise StoreError("this database has no site access table: run `mentorkit db upgrade`")
    rows = conn.exec_driver_sql("SELECT id, name FROM programme ORDER BY id").all()
    known = {str(n).lower(): int(i) for i, n in rows}
    missing = [n for n in names if n.lower() not in known]
    if missing:
        raise StoreError(f"no programme called {', '.join(map(repr, missing))}; known: "
                         f"{', '.join(str(n) for _, n in rows) or 'none'}")
    return tuple(sorted({known[n.lower()] for n in names}))

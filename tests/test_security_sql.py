"""SQL only through bound parameters: hostile text is stored as text, and no SQL is built from
values by string formatting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mentorkit.store import Store

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ["Robert'); DROP TABLE person;--", "x' OR '1'='1", '"; DELETE FROM audit; --',
           "O'Brien", "\\'; SELECT 1; --", "%_%", "é'ü\"\\"]

#: Calls that run SQL text directly, where formatting could slip in a value.
SQL_CALLS = {"execute", "exec_driver_sql", "text", "executescript"}

#: Places that format SQL from identifiers of the schema (table and trigger names), never
#: from values; reviewed. A new entry needs the same review.
FORMATTED_IDENTIFIERS = {
    ("mentorkit/store/backup.py", "_counts"),
    ("mentorkit/store/backup.py", "_pg_restore_atomic"),  # the staging database's name, quoted
    ("mentorkit/store/bulk.py", "reset_sequences"),
    ("mentorkit/store/engine.py", "_configure"),  # a constant (the busy timeout)
    ("mentorkit/store/engine.py", "make_engine"),  # the same nested function
    ("mentorkit/store/erasure.py", "purge"),
    ("mentorkit/store/migrations/versions/0003_privacy.py", "_append_only_triggers"),
    ("mentorkit/store/migrations/versions/0003_privacy.py", "_drop_triggers"),
    # PostgreSQL's row-level security: constants, schema table names quoted by _q, a role
    # name that passed site_role_name's pattern, a SCRAM verifier (base64, '$' and ':');
    # programme ids are bound parameters
    ("mentorkit/store/site_roles.py", "enable_row_security"),
    ("mentorkit/store/site_roles.py", "disable_row_security"),
    ("mentorkit/store/site_roles.py", "grant_site_privileges"),
    ("mentorkit/store/site_roles.py", "create_site_role"),
    ("mentorkit/store/site_roles.py", "_programme_ids"),
}


def _formatted(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format")


def _runs_sql(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in SQL_CALLS
    if isinstance(func, ast.Attribute) and func.attr in SQL_CALLS:
        # text() only as sqlalchemy's (sa.text), not matplotlib's ax.text
        return func.attr != "text" or getattr(func.value, "id", "") in ("sa", "sqlalchemy")
    return False


def formatted_sql_calls(root: Path = ROOT) -> set[tuple[str, str]]:
    """(file, function) of every call that runs SQL text built by formatting, under
    ``root/mentorkit``."""
    found = set()
    for path in sorted((root / "mentorkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and node.args and _formatted(node.args[0]):
                    if _runs_sql(node.func):
                        found.add((path.relative_to(root).as_posix(), func.name))
    return found


def test_no_sql_is_formatted_from_values() -> None:
    assert formatted_sql_calls() <= FORMATTED_IDENTIFIERS


def test_the_formatting_check_would_see_a_formatted_query(tmp_path: Path) -> None:
    """The same scan over a planted package: it names the formatted queries (f-string, %,
    +, .format, sa.text) and nothing else (bound parameters, matplotlib's ax.text)."""
    package = tmp_path / "mentorkit" / "store"
    package.mkdir(parents=True)
    (package / "planted.py").write_text(
        "import sqlalchemy as sa\n\n"
        "def fstring(conn, name):\n"
        "    conn.execute(f\"SELECT * FROM person WHERE name = '{name}'\")\n\n"
        "def percent(conn, name):\n"
        "    conn.exec_driver_sql(\"DELETE FROM person WHERE name = '%s'\" % name)\n\n"
        "def plus(conn, name):\n"
        "    conn.execute(sa.text(\"SELECT 1 FROM person WHERE name = '\" + name + \"'\"))\n\n"
        "def fmt(conn, name):\n"
        "    conn.executescript(\"DROP TABLE {}\".format(name))\n\n"
        "def bound(conn, name):\n"
        "    conn.execute(sa.text(\"SELECT * FROM person WHERE name = :n\"), {\"n\": name})\n\n"
        "def chart(ax, n):\n"
        "    ax.text(0, 0, f\"{n} mentees\")\n", encoding="utf-8")
    planted = "mentorkit/store/planted.py"
    assert formatted_sql_calls(tmp_path) == {(planted, "fstring"), (planted, "percent"),
                                             (planted, "plus"), (planted, "fmt")}
    assert formatted_sql_calls()  # and the real package's reviewed ones are seen


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_stored_read_and_filtered_as_plain_text(store: Store,
                                                                hostile: str) -> None:
    pid = store.programmes.add(name="Tingbjerg", city="København", country="DK",
                               language="da")
    before = len(store.table("audit"))
    person = store.people.add(programme_id=pid, role="mentee", first_name="A", last_name=hostile,
                              notes=hostile, registered_on="2026-01-05",
                              consent_given_at="2026-01-05 12:00", consent_scope=["casework"])
    assert store.people.get(person)["last_name"] == hostile
    found = store.table("person", last_name=hostile)
    assert found["id"].tolist() == [person] and found["notes"].iloc[0] == hostile
    assert store.table("person", last_name="%").empty  # no LIKE: "%" is just text
    assert len(store.table("audit")) == before + 1

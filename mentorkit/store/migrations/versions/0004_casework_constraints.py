"""casework rules held by the database: one open match per mentee, the import's person key

- ``uq_match_open_mentee``: a partial unique index on ``match(mentee_id)`` over the open
  matches (``vocab.OPEN_MATCH_STATUSES``: proposed, active), so a mentee can never have two;
- ``uq_person_programme_email``: a unique index on ``person(programme_id, email)`` where an
  e-mail is given, the importer's idempotency key (``imports.duplicates.KEYS``), so two
  imports of one file at once cannot both write a person. (The importer's key also ignores
  case; an index on ``lower(email)`` cannot be reflected on SQLite, so the database holds
  the exact address and the importer, serialised, the rest.)

A database that already breaks either rule is not changed: the upgrade stops with a message
naming the ids (never a value) and how to mend them, and nothing is written. Mentor capacity
cannot be an index; the store checks it in the writing transaction
(``store/match_guard.py``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: As ``mentorkit.vocab.OPEN_MATCH_STATUSES`` on the day of this migration (a migration is
#: history: it keeps its own copy).
OPEN = ("proposed", "active")
OPEN_SQL = f"status IN ({', '.join(repr(s) for s in OPEN)})"


class BrokenRule(RuntimeError):
    """The database breaks a rule this migration would make an index."""


def _check(bind: sa.Connection) -> None:
    twice = bind.execute(sa.text(
        "SELECT mentee_id, COUNT(*) FROM match WHERE status IN :open "
        "GROUP BY mentee_id HAVING COUNT(*) > 1 ORDER BY mentee_id").bindparams(
            sa.bindparam("open", expanding=True)), {"open": list(OPEN)}).all()
    same = bind.execute(sa.text(
        "SELECT MIN(id), MAX(id), COUNT(*) FROM person WHERE email IS NOT NULL "
        "GROUP BY programme_id, email HAVING COUNT(*) > 1 ORDER BY MIN(id)")).all()
    lines = []
    if twice:
        shown = ", ".join(f"mentee {m} ({n} open matches)" for m, n in twice[:10])
        more = f" and {len(twice) - 10} more" if len(twice) > 10 else ""
        lines.append(f"{len(twice)} mentee(s) have more than one proposed or active match: "
                     f"{shown}{more}; end or decline all but one of each")
    if same:
        shown = ", ".join(f"persons {a}..{b} ({n} rows)" for a, b, n in same[:10])
        more = f" and {len(same) - 10} more" if len(same) > 10 else ""
        lines.append(f"{len(same)} e-mail address(es) are registered more than once in one "
                     f"programme: {shown}{more}; merge the people or clear the e-mail of all "
                     "but one")
    if lines:
        raise BrokenRule("migration 0004 was not applied, nothing was changed: "
                         + "; ".join(lines) + "; then run `mentorkit db upgrade` again")


def upgrade() -> None:
    bind = op.get_bind()
    _check(bind)
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index('uq_match_open_mentee', ['mentee_id'], unique=True,
                              sqlite_where=sa.text(OPEN_SQL),
                              postgresql_where=sa.text(OPEN_SQL))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('uq_person_programme_email',
                              ['programme_id', 'email'], unique=True,
                              sqlite_where=sa.text('email IS NOT NULL'),
                              postgresql_where=sa.text('email IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('uq_person_programme_email')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('uq_match_open_mentee')

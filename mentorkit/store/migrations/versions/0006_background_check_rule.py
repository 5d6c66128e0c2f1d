"""background checks gate matching; an ended match can be reopened with a reason

- ``programme.check_rule`` (off, warn, block; empty: off): what a mentor's missing or expired
  background check does to a match (``casework/screening.py``; held in the writing
  transaction by ``store/match_guard.py``);
- ``match.check_reason``: why a match was confirmed though the mentor's check was not valid
  (the warn rule asks for it; the audit keeps who wrote it and when);
- ``match.reopen_reason``: why an ended match was reopened.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 05:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'check_rule', sa.String(length=10), nullable=True,
            comment="What a mentor's missing or expired background check does to a match: "
                    "off (empty), warn (confirmed only with a reason, audited) or block."))
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'check_reason', sa.Text(), nullable=True,
            comment="Why the match was confirmed though the mentor's background check was "
                    "not valid (the programme's warn rule)."))
        batch_op.add_column(sa.Column(
            'reopen_reason', sa.Text(), nullable=True,
            comment="Why an ended match was reopened."))


def downgrade() -> None:
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('check_reason')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('check_rule')

"""erasure ledger: keyed fingerprints of the erased identity, so a re-import is refused

Adds ``erasure_ledger.fingerprints`` (JSON: ``{"key": key fingerprint, "marks": [HMAC …]}``,
never a value; :mod:`mentorkit.privacy.fingerprints`). Rows written before this revision have
none: people erased before it are not recognised on a re-import (their values are gone, so
their marks cannot be made afterwards).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 05:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('erasure_ledger', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'fingerprints', sa.JSON(), nullable=True,
            comment="Keyed HMAC marks of the erased identity (e-mail, name + birth year, "
                    "phone) and the key's fingerprint, so a re-import is refused; never a "
                    "value."))


def downgrade() -> None:
    with op.batch_alter_table('erasure_ledger', schema=None) as batch_op:
        batch_op.drop_column('fingerprints')

"""match run: the record of a matching run (settings, input fingerprint, result)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:46:10.027069
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_run',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('programme_id', sa.Integer(), nullable=True, comment='Programme whose mentees were matched (empty when several).'),
    sa.Column('created_at', sa.DateTime(), nullable=False, comment='When the run was made (UTC).'),
    sa.Column('made_by', sa.String(length=100), nullable=True, comment='Coordinator (or job) that made the run.'),
    sa.Column('method', sa.String(length=20), nullable=False, comment='optimal, stable or greedy.'),
    sa.Column('objective', sa.String(length=20), nullable=False, comment='score (highest total score) or coverage (nobody left out, then score).'),
    sa.Column('settings', sa.JSON(), nullable=True, comment='Weights, rules, capacity, quotas, pinned and forbidden pairs, solver.'),
    sa.Column('input_fingerprint', sa.String(length=64), nullable=False, comment='SHA-256 of the encoded mentees, mentors, earlier matches and settings.'),
    sa.Column('n_mentees', sa.Integer(), nullable=True, comment='Mentees the run considered.'),
    sa.Column('n_mentors', sa.Integer(), nullable=True, comment='Mentors the run considered.'),
    sa.Column('n_matched', sa.Integer(), nullable=True, comment='Mentees the run matched.'),
    sa.Column('total_score', sa.Float(), nullable=True, comment="Sum of the proposed pairs' scores."),
    sa.Column('result', sa.JSON(), nullable=True, comment='The proposal: mentee ids, mentor ids, scores, pinned flags.'),
    sa.Column('stats', sa.JSON(), nullable=True, comment='Solver, rounds, optimality certificate, seconds.'),
    sa.Column('mentorkit_version', sa.String(length=20), nullable=True, comment='mentorkit version that made the run.'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_match_run_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_run'))
    )
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.create_index('ix_match_run_programme', ['programme_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.drop_index('ix_match_run_programme')

    op.drop_table('match_run')

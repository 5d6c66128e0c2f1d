"""site scope held by PostgreSQL: row-level security on every table of a programme's people

On PostgreSQL, every table with a path to a programme (``programme_id``, or a reference to a
table that has one; the audit by the row it is about) gets row-level security with the
policies of :func:`mentorkit.store.site_roles.enable_row_security`, derived from the model,
and the table ``mentorkit_sites.site_access`` (which programmes each site's role sees). The
tables' owner keeps full access; a site's login role (``mentorkit db site-role``) sees only
its programmes. On SQLite nothing changes (a site has its own file, or the app's scope).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 05:20:00.000000
"""

from alembic import op

from mentorkit.store.site_roles import disable_row_security, enable_row_security

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    enable_row_security(op.get_bind())


def downgrade() -> None:
    disable_row_security(op.get_bind())

"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:50:09.761682
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id.'),
    sa.Column('at', sa.DateTime(), nullable=False, comment='When (UTC).'),
    sa.Column('actor', sa.String(length=100), nullable=False, comment='Who wrote (coordinator, import, cli …).'),
    sa.Column('action', sa.String(length=10), nullable=False, comment='insert, update, delete or erase.'),
    sa.Column('table_name', sa.String(length=40), nullable=False, comment='Table written.'),
    sa.Column('row_id', sa.Integer(), nullable=True, comment='Id of the row written.'),
    sa.Column('fields', sa.JSON(), nullable=True, comment='Names of the fields written.'),
    sa.Column('before', sa.JSON(), nullable=True, comment='Values before, for fields that are not personal data.'),
    sa.Column('after', sa.JSON(), nullable=True, comment='Values after, for fields that are not personal data.'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit'))
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_table_row', ['table_name', 'row_id'], unique=False)

    op.create_table('programme',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('name', sa.String(length=120), nullable=False, comment='Short name, e.g. Vollsmose.'),
    sa.Column('site', sa.String(length=120), nullable=True, comment='Housing estate or area the branch works in.'),
    sa.Column('city', sa.String(length=80), nullable=True, comment='City.'),
    sa.Column('country', sa.String(length=2), nullable=True, comment='ISO 3166 country code (DK, NL).'),
    sa.Column('start_date', sa.Date(), nullable=True, comment='First day of the programme.'),
    sa.Column('end_date', sa.Date(), nullable=True, comment='Last day of the programme (empty while open-ended).'),
    sa.Column('language', sa.String(length=2), nullable=True, comment='Default language of the dashboards.'),
    sa.Column('background_check', sa.String(length=20), nullable=True, comment='Background check mentors need (børneattest in DK, VOG in NL).'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme')),
    sa.UniqueConstraint('name', name=op.f('uq_programme_name'))
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('programme_id', sa.Integer(), nullable=False, comment='Programme holding the event.'),
    sa.Column('kind', sa.String(length=30), nullable=False, comment='Kind of event.'),
    sa.Column('title', sa.String(length=200), nullable=True, comment='Title.'),
    sa.Column('date', sa.Date(), nullable=False, comment='Date held.'),
    sa.Column('location', sa.String(length=200), nullable=True, comment='Where.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_event_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    op.create_table('grant',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('programme_id', sa.Integer(), nullable=False, comment='Programme the grant pays for.'),
    sa.Column('funder', sa.String(length=200), nullable=False, comment='Who gives the money.'),
    sa.Column('title', sa.String(length=200), nullable=True, comment='Name of the grant or project.'),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True, comment='Amount granted.'),
    sa.Column('currency', sa.String(length=3), nullable=True, comment='DKK or EUR.'),
    sa.Column('period_start', sa.Date(), nullable=True, comment='First day the grant covers.'),
    sa.Column('period_end', sa.Date(), nullable=True, comment='Last day the grant covers.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_grant_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant'))
    )
    op.create_table('partner',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('programme_id', sa.Integer(), nullable=True, comment='Programme it refers to.'),
    sa.Column('name', sa.String(length=200), nullable=False, comment='Organisation name.'),
    sa.Column('kind', sa.String(length=40), nullable=True, comment='Kind of organisation.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_partner_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('programme_id', sa.Integer(), nullable=False, comment='Programme the person is registered in.'),
    sa.Column('role', sa.String(length=20), nullable=False, comment='mentor, mentee or resource_person.'),
    sa.Column('first_name', sa.String(length=100), nullable=True, comment='First name.'),
    sa.Column('last_name', sa.String(length=100), nullable=True, comment='Last name.'),
    sa.Column('email', sa.String(length=200), nullable=True, comment='E-mail address.'),
    sa.Column('phone', sa.String(length=40), nullable=True, comment='Phone number, as text (leading zeros kept).'),
    sa.Column('address', sa.String(length=200), nullable=True, comment='Street address.'),
    sa.Column('postcode', sa.String(length=10), nullable=True, comment='Postcode, as text.'),
    sa.Column('neighbourhood', sa.String(length=100), nullable=True, comment='Estate or neighbourhood.'),
    sa.Column('gender', sa.String(length=10), nullable=True, comment='Gender.'),
    sa.Column('birth_year', sa.Integer(), nullable=True, comment='Year of birth.'),
    sa.Column('country_of_origin', sa.String(length=2), nullable=True, comment='Country of origin (ISO 3166); ethnic origin is special-category data.'),
    sa.Column('arrival_year', sa.Integer(), nullable=True, comment='Year of arrival in the country.'),
    sa.Column('languages', sa.JSON(), nullable=True, comment='Languages spoken (ISO 639-1), besides the local language level below.'),
    sa.Column('language_level', sa.String(length=4), nullable=True, comment='Level of Danish (DK) or Dutch (NL), CEFR.'),
    sa.Column('education', sa.String(length=20), nullable=True, comment='Highest education.'),
    sa.Column('sector', sa.String(length=40), nullable=True, comment='Mentor: sector of work or study. Mentee: sector aimed for.'),
    sa.Column('profession', sa.String(length=120), nullable=True, comment='Profession or field of study, free words.'),
    sa.Column('employment_status', sa.String(length=30), nullable=True, comment='Employment status at registration.'),
    sa.Column('availability', sa.JSON(), nullable=True, comment='When the person can meet.'),
    sa.Column('capacity', sa.Integer(), nullable=True, comment='Mentors: how many mentees at the same time.'),
    sa.Column('preferred_mentor_gender', sa.String(length=10), nullable=True, comment='Mentees: gender of mentor wished for.'),
    sa.Column('goals', sa.JSON(), nullable=True, comment='Mentees: what the mentorship should help with. Mentors: what they can help with.'),
    sa.Column('referred_by', sa.Integer(), nullable=True, comment='Partner who referred.'),
    sa.Column('registered_on', sa.Date(), nullable=True, comment='Date of registration (intake).'),
    sa.Column('consent_given_at', sa.DateTime(), nullable=True, comment='When consent was given.'),
    sa.Column('consent_scope', sa.JSON(), nullable=True, comment='What the consent covers.'),
    sa.Column('background_check_date', sa.Date(), nullable=True, comment='Mentors: date of the børneattest / VOG the programme requires.'),
    sa.Column('notes', sa.Text(), nullable=True, comment="Coordinator's notes."),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.Column('erased_at', sa.DateTime(), nullable=True, comment='When the personal data were erased (GDPR Art. 17).'),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False, comment='Row version, raised by every update (detects lost updates).'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_person_programme_id_programme')),
    sa.ForeignKeyConstraint(['referred_by'], ['partner.id'], name=op.f('fk_person_referred_by_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_programme_role', ['programme_id', 'role'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('grant_id', sa.Integer(), nullable=False, comment='Grant the target belongs to.'),
    sa.Column('metric', sa.String(length=40), nullable=False, comment='What is counted.'),
    sa.Column('group_field', sa.String(length=40), nullable=True, comment='Person field the target is split by (e.g. gender).'),
    sa.Column('group_value', sa.String(length=40), nullable=True, comment='Value of that field (e.g. female); empty for all.'),
    sa.Column('value', sa.Integer(), nullable=False, comment='The number promised.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['grant_id'], ['grant.id'], name=op.f('fk_target_grant_id_grant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target'))
    )
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('event_id', sa.Integer(), nullable=False, comment='Event.'),
    sa.Column('person_id', sa.Integer(), nullable=False, comment='Person.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_attendance_event_id_event')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_attendance_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('event_id', 'person_id', name='uq_attendance_event_person')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_person', ['person_id'], unique=False)

    op.create_table('match',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('programme_id', sa.Integer(), nullable=False, comment='Programme the match belongs to.'),
    sa.Column('mentee_id', sa.Integer(), nullable=False, comment='Mentee.'),
    sa.Column('mentor_id', sa.Integer(), nullable=False, comment='Mentor.'),
    sa.Column('status', sa.String(length=20), nullable=False, comment='Where the match stands.'),
    sa.Column('proposed_on', sa.Date(), nullable=True, comment='Date the match was proposed.'),
    sa.Column('started_on', sa.Date(), nullable=True, comment='Date of the first meeting.'),
    sa.Column('ended_on', sa.Date(), nullable=True, comment='Date the match ended.'),
    sa.Column('end_reason', sa.String(length=40), nullable=True, comment='Why it ended.'),
    sa.Column('score', sa.Float(), nullable=True, comment='Matching score when proposed (0–1).'),
    sa.Column('score_breakdown', sa.JSON(), nullable=True, comment='Score per criterion when proposed.'),
    sa.Column('made_by', sa.String(length=100), nullable=True, comment='Coordinator (or run) that made the match.'),
    sa.Column('notes', sa.Text(), nullable=True, comment='Notes on the match.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False, comment='Row version, raised by every update (detects lost updates).'),
    sa.CheckConstraint('mentee_id <> mentor_id', name=op.f('ck_match_not_self')),
    sa.ForeignKeyConstraint(['mentee_id'], ['person.id'], name=op.f('fk_match_mentee_id_person')),
    sa.ForeignKeyConstraint(['mentor_id'], ['person.id'], name=op.f('fk_match_mentor_id_person')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_match_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match'))
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index('ix_match_mentee', ['mentee_id'], unique=False)
        batch_op.create_index('ix_match_mentor', ['mentor_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('person_id', sa.Integer(), nullable=False, comment='The person.'),
    sa.Column('phase', sa.String(length=20), nullable=False, comment='intake, end, followup_6m or followup_12m.'),
    sa.Column('recorded_on', sa.Date(), nullable=True, comment='Date the outcome was recorded.'),
    sa.Column('employment_status', sa.String(length=30), nullable=True, comment='Employment status.'),
    sa.Column('hours_per_week', sa.Float(), nullable=True, comment='Paid hours per week.'),
    sa.Column('job_start_date', sa.Date(), nullable=True, comment='Start date of the current job, if employed.'),
    sa.Column('language_level', sa.String(length=4), nullable=True, comment='Danish or Dutch level, CEFR.'),
    sa.Column('network_size', sa.Integer(), nullable=True, comment='Number of people in the labour market the person can ask for advice.'),
    sa.Column('confidence', sa.Integer(), nullable=True, comment='Self-reported confidence about finding work, 1 (low) to 5 (high).'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_outcome_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome')),
    sa.UniqueConstraint('person_id', 'phase', name='uq_outcome_person_phase')
    )
    op.create_table('followup',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Row id, assigned by the database.'),
    sa.Column('match_id', sa.Integer(), nullable=False, comment='The match.'),
    sa.Column('date', sa.Date(), nullable=False, comment='Date of the contact.'),
    sa.Column('kind', sa.String(length=30), nullable=False, comment='Kind of contact.'),
    sa.Column('notes', sa.Text(), nullable=True, comment='What was said or done.'),
    sa.Column('next_due', sa.Date(), nullable=True, comment='When the next follow-up is due.'),
    sa.Column('created_at', sa.DateTime(), nullable=True, comment='When the row was created (UTC).'),
    sa.Column('updated_at', sa.DateTime(), nullable=True, comment='When the row was last changed (UTC).'),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_followup_match_id_match')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup'))
    )
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.create_index('ix_followup_match', ['match_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_match')

    op.drop_table('followup')
    op.drop_table('outcome')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('ix_match_mentor')
        batch_op.drop_index('ix_match_mentee')

    op.drop_table('match')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_person')

    op.drop_table('attendance')
    op.drop_table('target')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_programme_role')

    op.drop_table('person')
    op.drop_table('partner')
    op.drop_table('grant')
    op.drop_table('event')
    op.drop_table('programme')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_table_row')

    op.drop_table('audit')


"""Commitments and reports (issue #20): a declaration's reporting periods (one open at a
time: a partial unique index), each signatory city's report in versions (a draft, then
submitted versions, each correction with its reason), what a version says of each
numbered commitment with its evidence (links, the city's practices), the reminders sent
before a period's deadline, and the notice kind of those reminders.

Revision ID: 16d84e94788b
Revises: c4d2e8f0a157
Create Date: 2026-12-05 13:04:23.937605

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = '16d84e94788b'
down_revision = 'c4d2e8f0a157'
branch_labels = None
depends_on = None

KINDS = (
    'invitation', 'password_reset', 'security', 'vote_opened', 'vote_reminder',
    'result_published', 'declaration_open', 'signature_recorded', 'nominations_open',
    'nomination_to_answer', 'motion_proposed', 'motion_seconded', 'motion_put_to_vote',
    'meeting_convened', 'minutes_published', 'digest',
)


def _check(batch_op, table, column, values):
    """Replace a column's CHECK of allowed values (a non-native Enum's)."""
    batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
    allowed = ', '.join(f"'{value}'" for value in values)
    batch_op.create_check_constraint(column, f'{column} IN ({allowed})')


def upgrade():
    op.create_table('reporting_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('opened_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', network.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_reporting_periods_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_reporting_periods_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_periods')),
    sa.UniqueConstraint('declaration_id', 'label', name=op.f('uq_reporting_periods_declaration_id_label'))
    )
    with op.batch_alter_table('reporting_periods', schema=None) as batch_op:
        batch_op.create_index('ix_reporting_periods_one_open', ['declaration_id'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.create_table('commitment_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_commitment_reports_city_id_cities')),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_periods.id'], name=op.f('fk_commitment_reports_period_id_reporting_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_reports')),
    sa.UniqueConstraint('period_id', 'city_id', name=op.f('uq_commitment_reports_period_id_city_id'))
    )
    with op.batch_alter_table('commitment_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_reports_city_id'), ['city_id'], unique=False)

    op.create_table('report_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('cities', sa.Integer(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_periods.id'], name=op.f('fk_report_reminders_period_id_reporting_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_reminders')),
    sa.UniqueConstraint('period_id', 'days_before', name=op.f('uq_report_reminders_period_id_days_before'))
    )
    op.create_table('commitment_report_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', network.db.UTCDateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_commitment_report_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['commitment_reports.id'], name=op.f('fk_commitment_report_versions_report_id_commitment_reports')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_commitment_report_versions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_report_versions')),
    sa.UniqueConstraint('report_id', 'number', name=op.f('uq_commitment_report_versions_report_id_number'))
    )
    with op.batch_alter_table('commitment_report_versions', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_report_versions_current', ['is_current', 'report_id'], unique=False)

    op.create_table('commitment_report_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('not-started', 'planned', 'in-progress', 'achieved', name='status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('account', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['commitment_report_versions.id'], name=op.f('fk_commitment_report_entries_version_id_commitment_report_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_report_entries')),
    sa.UniqueConstraint('version_id', 'commitment', name=op.f('uq_commitment_report_entries_version_id_commitment'))
    )
    op.create_table('commitment_report_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['commitment_report_entries.id'], name=op.f('fk_commitment_report_evidence_entry_id_commitment_report_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_commitment_report_evidence_practice_id_practices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_report_evidence')),
    sa.UniqueConstraint('entry_id', 'practice_id', name=op.f('uq_commitment_report_evidence_entry_id_practice_id'))
    )
    for table in ('outbox_messages', 'notice_preferences'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            _check(batch_op, table, 'kind', KINDS + ('report_reminder',))


def downgrade():
    op.execute("DELETE FROM notice_preferences WHERE kind = 'report_reminder'")
    op.execute("DELETE FROM outbox_messages WHERE kind = 'report_reminder'")
    for table in ('notice_preferences', 'outbox_messages'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            _check(batch_op, table, 'kind', KINDS)
    op.drop_table('commitment_report_evidence')
    op.drop_table('commitment_report_entries')
    with op.batch_alter_table('commitment_report_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_report_versions_current')

    op.drop_table('commitment_report_versions')
    op.drop_table('report_reminders')
    with op.batch_alter_table('commitment_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_reports_city_id'))

    op.drop_table('commitment_reports')
    with op.batch_alter_table('reporting_periods', schema=None) as batch_op:
        batch_op.drop_index('ix_reporting_periods_one_open', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.drop_table('reporting_periods')

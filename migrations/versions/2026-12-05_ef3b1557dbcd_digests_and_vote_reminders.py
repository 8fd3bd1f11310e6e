"""Notices (issue #15): a daily digest (a person's mode "digest"; messages held for it,
then marked as carried by the digest message) and the reminders sent before a vote
closes (one row per reminder; the tick's 48 h and 24 h ones once per vote).

Revision ID: ef3b1557dbcd
Revises: 61071571b23e
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = 'ef3b1557dbcd'
down_revision = '61071571b23e'
branch_labels = None
depends_on = None

KINDS = (
    'invitation', 'password_reset', 'security', 'vote_opened', 'vote_reminder',
    'result_published', 'declaration_open', 'signature_recorded', 'nominations_open',
    'nomination_to_answer', 'motion_proposed', 'motion_seconded', 'motion_put_to_vote',
    'meeting_convened', 'minutes_published',
)
STATUSES = ('pending', 'sending', 'sent', 'failed', 'cancelled')
MODES = ('immediate', 'off')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _check(batch_op, table, column, values):
    """Replace a column's CHECK of allowed values (a non-native Enum's)."""
    batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
    allowed = ', '.join(f"'{value}'" for value in values)
    batch_op.create_check_constraint(column, f'{column} IN ({allowed})')


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_digest_id'), ['digest_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_digest_id_outbox_messages'), 'outbox_messages', ['digest_id'], ['id'])
        _check(batch_op, 'outbox_messages', 'kind', KINDS + ('digest',))
        _check(batch_op, 'outbox_messages', 'status', STATUSES + ('held', 'digested'))
    with op.batch_alter_table('notice_preferences', schema=None) as batch_op:
        _check(batch_op, 'notice_preferences', 'kind', KINDS + ('digest',))
        _check(batch_op, 'notice_preferences', 'mode', ('immediate', 'digest', 'off'))
    op.create_table('vote_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('hours_before', sa.Integer(), nullable=True),
    sa.Column('sent_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('cities', sa.Integer(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_vote_reminders_sent_by_id_users')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_reminders_vote_id_votes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_reminders')),
    sa.UniqueConstraint('vote_id', 'hours_before', name=op.f('uq_vote_reminders_vote_id_hours_before'))
    )


def downgrade():
    op.drop_table('vote_reminders')
    op.execute("DELETE FROM notice_preferences WHERE mode = 'digest' OR kind = 'digest'")
    # Held messages go out one by one; digests and what they carried stay as sent.
    op.execute("UPDATE outbox_messages SET status = 'pending' WHERE status = 'held'")
    op.execute("UPDATE outbox_messages SET status = 'sent' WHERE status = 'digested'")
    op.execute("UPDATE outbox_messages SET digest_id = NULL")
    op.execute("DELETE FROM outbox_messages WHERE kind = 'digest'")
    with op.batch_alter_table('notice_preferences', schema=None) as batch_op:
        _check(batch_op, 'notice_preferences', 'mode', MODES)
        _check(batch_op, 'notice_preferences', 'kind', KINDS)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        _check(batch_op, 'outbox_messages', 'status', STATUSES)
        _check(batch_op, 'outbox_messages', 'kind', KINDS)
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_digest_id_outbox_messages'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_digest_id'))
        batch_op.drop_column('digest_id')

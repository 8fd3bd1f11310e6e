"""The mail outbox (issue #15): every notice as a composed message with its one
Message-ID, its state of delivery and attempts, indexed for the sender's claim (due
messages by status and time) and the secretariat's list; and each person's choice of
optional notices.

Revision ID: afd3f59160b7
Revises: 867fcf9b00fa
Create Date: 2026-12-04 21:40:35.700370

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = 'afd3f59160b7'
down_revision = '867fcf9b00fa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invitation', 'password_reset', 'security', 'vote_opened', 'vote_reminder', 'result_published', 'declaration_open', 'signature_recorded', 'nominations_open', 'nomination_to_answer', 'motion_proposed', 'motion_seconded', 'motion_put_to_vote', 'meeting_convened', 'minutes_published', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mode', sa.Enum('immediate', 'off', name='mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('changed_at', network.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_preferences_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notice_preferences_user_id_kind'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('recipient_address', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.Enum('invitation', 'password_reset', 'security', 'vote_opened', 'vote_reminder', 'result_published', 'declaration_open', 'signature_recorded', 'nominations_open', 'nomination_to_answer', 'motion_proposed', 'motion_seconded', 'motion_put_to_vote', 'meeting_convened', 'minutes_published', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'cancelled', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('sent_at', network.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_outbox_messages_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_id', ['status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_id')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_recipient_id'))
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
    op.drop_table('notice_preferences')

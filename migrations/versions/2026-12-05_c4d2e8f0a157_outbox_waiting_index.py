"""The outbox's messages by status and the time they were queued (issue #15): the
dashboard's undelivered-mail card counts the messages waiting too long from this index,
instead of walking every message queued (26,000 after a notice to the whole network).

Revision ID: c4d2e8f0a157
Revises: b7d41e2c9a63
Create Date: 2026-12-05 09:35:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d2e8f0a157'
down_revision = 'b7d41e2c9a63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_waiting', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_waiting')

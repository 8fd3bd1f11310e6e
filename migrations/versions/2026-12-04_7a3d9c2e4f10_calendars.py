"""Calendars (issue #15): each person's private calendar address (a random nonce per
person, signed into the address; a new link draws a new one), and a declaration's
last day for signatures, announced in the calendars.

Revision ID: 7a3d9c2e4f10
Revises: 5e1c0a7d2b94
Create Date: 2026-12-04 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = '7a3d9c2e4f10'
down_revision = '5e1c0a7d2b94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatures_close_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_column('signatures_close_on')
    op.drop_table('calendar_feeds')

"""An agenda item keeps the vote opened for it in the session (issue #16): the live
session opens a vote from the item's motion, charter version or election round, and
proxies and the projector find the meeting of a vote through it.

Revision ID: 3c5e7a9b1d20
Revises: 7a3d9c2e4f10
Create Date: 2026-12-05 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e7a9b1d20'
down_revision = '7a3d9c2e4f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_agenda_items_vote_id_votes'), 'votes', ['vote_id'], ['id']
        )
        batch_op.create_unique_constraint(batch_op.f('uq_agenda_items_vote_id'), ['vote_id'])


def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_agenda_items_vote_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_vote_id_votes'), type_='foreignkey')
        batch_op.drop_column('vote_id')

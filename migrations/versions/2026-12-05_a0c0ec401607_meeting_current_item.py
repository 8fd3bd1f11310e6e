"""A meeting in session has a current agenda item (issue #16): the one the secretariat
has taken up, shown on the projector and on the delegates' live pages.

Revision ID: a0c0ec401607
Revises: 3c5e7a9b1d20
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a0c0ec401607'
down_revision = '3c5e7a9b1d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_item_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_meetings_current_item_id_agenda_items'),
            'agenda_items',
            ['current_item_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_meetings_current_item_id_agenda_items'), type_='foreignkey'
        )
        batch_op.drop_column('current_item_id')

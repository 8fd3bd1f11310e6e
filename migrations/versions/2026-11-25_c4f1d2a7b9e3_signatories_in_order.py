"""A declaration's signatories in the public list's order (date, then city): a deep page of
13,000 signatures picks its rows from this index instead of sorting every signature
(issue #9).

Revision ID: c4f1d2a7b9e3
Revises: 83aeb688f1ce
Create Date: 2026-11-25 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = 'c4f1d2a7b9e3'
down_revision = '83aeb688f1ce'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(
            'ix_signatures_in_order', ['declaration_id', 'signed_on', 'city_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index('ix_signatures_in_order')

"""Ballots indexed by (vote, city), in place of (vote): the first page of a 13,000-city
roll call, in city-name order, walks the cities' name index and looks up each city's
ballot instead of sorting every ballot (issue #9).

Revision ID: e5a9c3d1f0b7
Revises: c4f1d2a7b9e3
Create Date: 2026-11-25 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = 'e5a9c3d1f0b7'
down_revision = 'c4f1d2a7b9e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index('ix_ballots_vote_id_city_id', ['vote_id', 'city_id'], unique=False)
        batch_op.drop_index('ix_ballots_vote_id')


def downgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index('ix_ballots_vote_id', ['vote_id'], unique=False)
        batch_op.drop_index('ix_ballots_vote_id_city_id')

"""Secret ballots sealed while their vote is open (issue #18): a table of sealed ballots
(ciphertext and a keyed receipt tag, never the content in the clear) and each vote's
salt for its sealing key. Votes already open keep the ballots they have in the clear
and seal the ones cast from now on; each gets its salt here.

Revision ID: 867fcf9b00fa
Revises: f2b8d4e6a1c3
Create Date: 2026-12-04 16:50:27.181865

"""
import os

from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = '867fcf9b00fa'
down_revision = 'f2b8d4e6a1c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sealed_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('receipt_tag', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_sealed_ballots_vote_id_votes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_ballots')),
    sa.UniqueConstraint('receipt_tag', name=op.f('uq_sealed_ballots_receipt_tag'))
    )
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_ballots_vote_id'), ['vote_id'], unique=False)

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_salt', sa.LargeBinary(length=16), nullable=True))

    # Votes that are open or still to open get a salt now (opening sets it from now on).
    votes = sa.table("votes", sa.column("id", sa.Integer), sa.column("status", sa.String),
                     sa.column("seal_salt", sa.LargeBinary))
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(votes.c.id).where(votes.c.status.in_(["pending", "open"]))
    ).scalars().all()
    for vote_id in waiting:
        connection.execute(
            votes.update().where(votes.c.id == vote_id).values(seal_salt=os.urandom(16))
        )


def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_column('seal_salt')

    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sealed_ballots_vote_id'))

    op.drop_table('sealed_ballots')

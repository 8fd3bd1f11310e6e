"""Meeting papers and minutes (issue #16): documents attached to a meeting or an agenda
item, kept in the upload store under a key, each with its language, type, size and
SHA-256; and the minutes' versions (draft, approved, published) with the record frozen
at approval.

Revision ID: b7d41e2c9a63
Revises: ef3b1557dbcd
Create Date: 2026-12-05 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e2c9a63'
down_revision = 'ef3b1557dbcd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_papers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('translation_of_id', sa.Integer(), nullable=True),
        sa.Column(
            'visibility',
            sa.Enum('public', 'members', name='visibility', native_enum=False, length=32,
                    create_constraint=True),
            nullable=False,
        ),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=100), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.Column('removal_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'],
                                name=op.f('fk_meeting_papers_agenda_item_id_agenda_items')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_meeting_papers_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'],
                                name=op.f('fk_meeting_papers_removed_by_id_users')),
        sa.ForeignKeyConstraint(['translation_of_id'], ['meeting_papers.id'],
                                name=op.f('fk_meeting_papers_translation_of_id_meeting_papers')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_meeting_papers_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_papers')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_meeting_papers_storage_key')),
    )
    with op.batch_alter_table('meeting_papers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_papers_meeting_id'), ['meeting_id'],
                              unique=False)

    op.create_table(
        'meeting_minutes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column(
            'status',
            sa.Enum('draft', 'approved', 'published', name='status', native_enum=False,
                    length=32, create_constraint=True),
            nullable=False,
        ),
        sa.Column('record', sa.JSON(), nullable=True),
        sa.Column('correction_reason', sa.Text(), nullable=True),
        sa.Column('drafted_at', sa.DateTime(), nullable=False),
        sa.Column('drafted_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('approved_on', sa.Date(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'],
                                name=op.f('fk_meeting_minutes_approved_by_id_users')),
        sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'],
                                name=op.f('fk_meeting_minutes_drafted_by_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_meeting_minutes_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_meeting_minutes_published_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_minutes')),
        sa.UniqueConstraint('meeting_id', 'version',
                            name=op.f('uq_meeting_minutes_meeting_id_version')),
    )
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_minutes_meeting_id'), ['meeting_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_meeting_id'))
    op.drop_table('meeting_minutes')
    with op.batch_alter_table('meeting_papers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_papers_meeting_id'))
    op.drop_table('meeting_papers')

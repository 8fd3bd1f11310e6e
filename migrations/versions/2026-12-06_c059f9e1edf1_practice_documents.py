"""Practice documents (issue #20): files attached to a practice by its city's delegates
or the secretariat, kept in the upload store under a key, each with its title,
language, type, size and SHA-256; a removed one keeps its row (who, when and why), not
its file.

Revision ID: c059f9e1edf1
Revises: 879a1f06b391
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c059f9e1edf1'
down_revision = '879a1f06b391'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'practice_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
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
        sa.ForeignKeyConstraint(['practice_id'], ['practices.id'],
                                name=op.f('fk_practice_documents_practice_id_practices')),
        sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'],
                                name=op.f('fk_practice_documents_removed_by_id_users')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_practice_documents_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_documents')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_practice_documents_storage_key')),
    )
    with op.batch_alter_table('practice_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_documents_practice_id'), ['practice_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('practice_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_documents_practice_id'))
    op.drop_table('practice_documents')

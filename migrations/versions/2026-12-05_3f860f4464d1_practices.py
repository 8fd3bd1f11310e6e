"""Practices (issue #20): a city's policies in several languages with one authoritative,
the ILO pillars they serve, their instrument and status; and their full-text search —
a GIN index on to_tsvector('simple', search_document) on PostgreSQL, an FTS5 table
(practice_search, its rowid the practice's id) on SQLite.

Revision ID: 3f860f4464d1
Revises: a0c0ec401607
Create Date: 2026-12-05 08:12:30.404343

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = '3f860f4464d1'
down_revision = 'a0c0ec401607'
branch_labels = None
depends_on = None

INSTRUMENTS = (
    'ordinance-or-law', 'procurement', 'wage-policy', 'working-time',
    'social-protection-scheme', 'cooperative-or-social-economy', 'social-dialogue-body', 'other',
)
PILLARS = ('employment', 'rights-at-work', 'social-protection', 'social-dialogue')


def upgrade():
    op.create_table('practices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('authoritative_language', sa.String(length=16), nullable=False),
    sa.Column('instrument', sa.Enum(*INSTRUMENTS, name='instrument', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('planned', 'in-force', 'ended', name='status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('featured', sa.Boolean(), nullable=False),
    sa.Column('search_document', sa.Text(), nullable=False),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('published_at', network.db.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_practices_city_id_cities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practices_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practices')),
    sa.UniqueConstraint('slug', name=op.f('uq_practices_slug'))
    )
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practices_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practices_instrument'), ['instrument'], unique=False)
        batch_op.create_index('ix_practices_published', ['published_at', 'id'], unique=False)

    op.create_table('practice_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_texts_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_texts')),
    sa.UniqueConstraint('practice_id', 'language', name=op.f('uq_practice_texts_practice_id_language'))
    )
    op.create_table('practice_pillars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('pillar', sa.Enum(*PILLARS, name='pillar', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_pillars_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_pillars')),
    sa.UniqueConstraint('practice_id', 'pillar', name=op.f('uq_practice_pillars_practice_id_pillar'))
    )
    with op.batch_alter_table('practice_pillars', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_pillars_pillar'), ['pillar'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(
            "CREATE INDEX ix_practices_search_document ON practices"
            " USING gin (to_tsvector('simple', search_document))"
        )
    elif dialect == 'sqlite':
        # The search document is folded already (network.practices.search.fold).
        op.execute(
            "CREATE VIRTUAL TABLE practice_search USING fts5("
            "document, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute("DROP TABLE practice_search")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX ix_practices_search_document")
    with op.batch_alter_table('practice_pillars', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_pillars_pillar'))
    op.drop_table('practice_pillars')
    op.drop_table('practice_texts')
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_index('ix_practices_published')
        batch_op.drop_index(batch_op.f('ix_practices_instrument'))
        batch_op.drop_index(batch_op.f('ix_practices_city_id'))
    op.drop_table('practices')

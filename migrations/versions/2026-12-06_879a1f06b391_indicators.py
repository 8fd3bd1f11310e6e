"""Indicators (issue #20): decent-work indicators defined by the secretariat (a code,
a name and definition per language, a unit, the better direction, the ILO pillar, an
optional valid range), yearly collections (one open per year: a partial unique index),
and the cities' values per indicator and year in versions (a draft, then published
versions, each revision with its reason; the current one flagged for the charts).

Revision ID: 879a1f06b391
Revises: e7a1c3d5f902
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = '879a1f06b391'
down_revision = 'e7a1c3d5f902'
branch_labels = None
depends_on = None

UNITS = ('percent', 'currency-per-hour', 'hours-per-week', 'count', 'ratio')
DIRECTIONS = ('higher', 'lower')
PILLARS = ('employment', 'rights-at-work', 'social-protection', 'social-dialogue')


def upgrade():
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.Enum(*UNITS, name='unit', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('direction', sa.Enum(*DIRECTIONS, name='direction', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('pillar', sa.Enum(*PILLARS, name='pillar', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('min_value', sa.Double(), nullable=True),
    sa.Column('max_value', sa.Double(), nullable=True),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_indicators_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('code', name=op.f('uq_indicators_code'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_pillar'), ['pillar'], unique=False)

    op.create_table('indicator_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_texts_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_texts')),
    sa.UniqueConstraint('indicator_id', 'language', name=op.f('uq_indicator_texts_indicator_id_language'))
    )
    op.create_table('indicator_collections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('opened_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', network.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_indicator_collections_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_collections'))
    )
    with op.batch_alter_table('indicator_collections', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_collections_one_open', ['year'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.create_table('indicator_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_indicator_values_city_id_cities')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_values_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_values')),
    sa.UniqueConstraint('indicator_id', 'city_id', 'year', name=op.f('uq_indicator_values_indicator_id_city_id_year'))
    )
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_values_city_id'), ['city_id'], unique=False)

    op.create_table('indicator_value_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Double(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', network.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', network.db.UTCDateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['indicator_collections.id'], name=op.f('fk_indicator_value_versions_collection_id_indicator_collections')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_indicator_value_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_indicator_value_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['value_id'], ['indicator_values.id'], name=op.f('fk_indicator_value_versions_value_id_indicator_values')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value_versions')),
    sa.UniqueConstraint('value_id', 'number', name=op.f('uq_indicator_value_versions_value_id_number'))
    )
    with op.batch_alter_table('indicator_value_versions', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_value_versions_current', ['is_current', 'value_id'], unique=False)


def downgrade():
    with op.batch_alter_table('indicator_value_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_value_versions_current')

    op.drop_table('indicator_value_versions')
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_values_city_id'))

    op.drop_table('indicator_values')
    with op.batch_alter_table('indicator_collections', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_collections_one_open', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))

    op.drop_table('indicator_collections')
    op.drop_table('indicator_texts')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_pillar'))

    op.drop_table('indicators')

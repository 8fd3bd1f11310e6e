"""City names in other languages kept folded for search (case folded the Unicode way, as
the English name's key is): the directory's search compares folded text, without
calling lower() on every row, and finds "ÉVRY" from "évry" on SQLite too (issue #9).

Revision ID: f2b8d4e6a1c3
Revises: e5a9c3d1f0b7
Create Date: 2026-11-25 15:40:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = 'f2b8d4e6a1c3'
down_revision = 'e5a9c3d1f0b7'
branch_labels = None
depends_on = None


def fold(name):
    """network.cities.rules.name_key as it is today (a migration must not change later)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def upgrade():
    with op.batch_alter_table('city_texts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=120), nullable=True))
    texts = sa.table(
        'city_texts', sa.column('id', sa.Integer), sa.column('name', sa.String),
        sa.column('name_key', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(texts.c.id, texts.c.name).where(texts.c.name.is_not(None))
    ).all()
    if rows:
        connection.execute(
            texts.update().where(texts.c.id == sa.bindparam('text_id')),
            [{'text_id': row.id, 'name_key': fold(row.name)} for row in rows],
        )


def downgrade():
    with op.batch_alter_table('city_texts', schema=None) as batch_op:
        batch_op.drop_column('name_key')

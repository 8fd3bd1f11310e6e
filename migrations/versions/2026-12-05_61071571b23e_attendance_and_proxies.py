"""Attendance and proxies at meetings (issue #16): the cities present, in the room or
online, with the delegates who represent them; proxies given by one member city to
another for one meeting; and, on a city's participation in a vote, the city that cast
its ballot by proxy.

The charter's proxy rules need no migration: governance rules stored without them read
as the founding rules (allowed, at most one held per city), and their stored JSON stays
what their audit entries recorded.

Revision ID: 61071571b23e
Revises: 3f860f4464d1
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from network.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '61071571b23e'
down_revision = '3f860f4464d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_attendances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('city_id', sa.Integer(), nullable=False),
        sa.Column(
            'mode',
            sa.Enum('in-room', 'online', name='mode', native_enum=False, length=32,
                    create_constraint=True),
            nullable=False,
        ),
        sa.Column('recorded_at', UTCDateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['city_id'], ['cities.id'],
                                name=op.f('fk_meeting_attendances_city_id_cities')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_meeting_attendances_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_meeting_attendances_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendances')),
        sa.UniqueConstraint('meeting_id', 'city_id',
                            name=op.f('uq_meeting_attendances_meeting_id_city_id')),
    )
    with op.batch_alter_table('meeting_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendances_city_id'), ['city_id'],
                              unique=False)

    op.create_table(
        'meeting_attendance_delegates',
        sa.Column('attendance_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['attendance_id'], ['meeting_attendances.id'],
            name=op.f('fk_meeting_attendance_delegates_attendance_id_meeting_attendances'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_meeting_attendance_delegates_user_id_users')),
        sa.PrimaryKeyConstraint('attendance_id', 'user_id',
                                name=op.f('pk_meeting_attendance_delegates')),
    )

    op.create_table(
        'meeting_proxies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('giver_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('granted_at', UTCDateTime(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=False),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('giver_id <> holder_id',
                           name=op.f('ck_meeting_proxies_not_to_itself')),
        sa.ForeignKeyConstraint(['giver_id'], ['cities.id'],
                                name=op.f('fk_meeting_proxies_giver_id_cities')),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'],
                                name=op.f('fk_meeting_proxies_granted_by_id_users')),
        sa.ForeignKeyConstraint(['holder_id'], ['cities.id'],
                                name=op.f('fk_meeting_proxies_holder_id_cities')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_meeting_proxies_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_meeting_proxies_revoked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_proxies')),
    )
    with op.batch_alter_table('meeting_proxies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_proxies_holder_id'), ['holder_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_proxies_meeting_id'), ['meeting_id'],
                              unique=False)
        # At most one proxy in force per giving city and meeting.
        batch_op.create_index(
            'uq_meeting_proxies_in_force', ['meeting_id', 'giver_id'], unique=True,
            sqlite_where=sa.text('revoked_at IS NULL'),
            postgresql_where=sa.text('revoked_at IS NULL'),
        )

    with op.batch_alter_table('vote_participations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proxy_holder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_vote_participations_proxy_holder_id_cities'),
            'cities', ['proxy_holder_id'], ['id'],
        )


def downgrade():
    with op.batch_alter_table('vote_participations', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_vote_participations_proxy_holder_id_cities'), type_='foreignkey'
        )
        batch_op.drop_column('proxy_holder_id')
    with op.batch_alter_table('meeting_proxies', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_proxies_in_force')
        batch_op.drop_index(batch_op.f('ix_meeting_proxies_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_proxies_holder_id'))
    op.drop_table('meeting_proxies')
    op.drop_table('meeting_attendance_delegates')
    with op.batch_alter_table('meeting_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendances_city_id'))
    op.drop_table('meeting_attendances')

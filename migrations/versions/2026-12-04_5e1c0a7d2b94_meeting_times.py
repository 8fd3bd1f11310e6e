"""Meetings get real times in their own time zone, a mode (in person, online, hybrid)
with a link, and a status (issue #16).

``held_on`` stays: it is the day the meeting starts in its own zone. The meetings
recorded before (known only by their day) are given the Seoul time zone, a start at
10:00 there on that day and an end two hours later (the 2018 Roundtable was a
two-hour session), held in person, convened.

Revision ID: 5e1c0a7d2b94
Revises: afd3f59160b7
Create Date: 2026-12-04 23:10:00.000000

"""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

import network.db


# revision identifiers, used by Alembic.
revision = '5e1c0a7d2b94'
down_revision = 'afd3f59160b7'
branch_labels = None
depends_on = None

ZONE = "Asia/Seoul"
START = time(10, 0)
LENGTH = timedelta(hours=2)


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', network.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('ends_at', network.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mode', sa.Enum('in-person', 'online', 'hybrid', name='mode', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('online_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('status', sa.Enum('convened', 'in-session', 'adjourned', 'minutes-approved', name='status', native_enum=False, create_constraint=True, length=32), nullable=True))

    meetings = sa.table(
        'meetings',
        sa.column('id', sa.Integer()),
        sa.column('held_on', sa.Date()),
        sa.column('starts_at', sa.DateTime()),
        sa.column('ends_at', sa.DateTime()),
        sa.column('time_zone', sa.String()),
        sa.column('mode', sa.String()),
        sa.column('status', sa.String()),
    )
    connection = op.get_bind()
    for meeting_id, held_on in connection.execute(sa.select(meetings.c.id, meetings.c.held_on)).all():
        if isinstance(held_on, str):  # SQLite hands back text when the type is not known
            held_on = datetime.strptime(held_on, "%Y-%m-%d").date()
        starts = datetime.combine(held_on, START, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
        connection.execute(
            meetings.update()
            .where(meetings.c.id == meeting_id)
            .values(
                # Naive UTC, as network.db.UTCDateTime stores it.
                starts_at=starts.replace(tzinfo=None),
                ends_at=(starts + LENGTH).replace(tzinfo=None),
                time_zone=ZONE,
                mode='in-person',
                status='convened',
            )
        )

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.alter_column('starts_at', existing_type=network.db.UTCDateTime(), nullable=False)
        batch_op.alter_column('ends_at', existing_type=network.db.UTCDateTime(), nullable=False)
        batch_op.alter_column('time_zone', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('mode', existing_type=sa.Enum('in-person', 'online', 'hybrid', name='mode', native_enum=False, create_constraint=True, length=32), nullable=False)
        batch_op.alter_column('status', existing_type=sa.Enum('convened', 'in-session', 'adjourned', 'minutes-approved', name='status', native_enum=False, create_constraint=True, length=32), nullable=False)
        batch_op.create_check_constraint(op.f('ck_meetings_ends_after_start'), 'ends_at > starts_at')
        batch_op.create_check_constraint(op.f('ck_meetings_online_has_link'), "mode = 'in-person' OR online_url IS NOT NULL")
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_starts_at'))
        batch_op.drop_constraint(op.f('ck_meetings_online_has_link'), type_='check')
        batch_op.drop_constraint(op.f('ck_meetings_ends_after_start'), type_='check')
        batch_op.drop_constraint(op.f('ck_meetings_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_meetings_mode'), type_='check')
        batch_op.drop_column('status')
        batch_op.drop_column('online_url')
        batch_op.drop_column('mode')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')

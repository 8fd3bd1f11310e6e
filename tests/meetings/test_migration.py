"""The migration gives the meetings recorded by day their times (10:00 in Seoul, 2 h)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from network.db import db
from network.meetings.models import Meeting, MeetingMode, MeetingStatus
from tests.test_migrations import empty_app  # noqa: F401 - the fixture


def test_meetings_known_by_their_day_get_seoul_times(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="afd3f59160b7")
        db.session.execute(
            sa.text(
                "INSERT INTO meetings (id, title, held_on, place, created_at) VALUES"
                " (1, 'Roundtable', '2018-12-12', 'Seoul City Hall', '2018-12-01 00:00:00'),"
                " (2, 'Forum', '2019-09-05', 'Seoul', '2019-08-01 00:00:00')"
            )
        )
        db.session.commit()
        upgrade()
        roundtable, forum = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()
        assert roundtable.starts_at == datetime(2018, 12, 12, 1, 0, tzinfo=UTC)  # 10:00 KST
        assert roundtable.ends_at == datetime(2018, 12, 12, 3, 0, tzinfo=UTC)
        assert roundtable.time_zone == "Asia/Seoul" and roundtable.held_on == date(2018, 12, 12)
        assert roundtable.mode is MeetingMode.in_person and roundtable.online_url is None
        assert roundtable.status is MeetingStatus.convened
        assert forum.starts_at == datetime(2019, 9, 5, 1, 0, tzinfo=UTC)
        db.session.remove()

"""Fixtures of the mail tests: a real SMTP server on loopback, and the app pointed at it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from network.db import db
from network.notices.models import OutboxMessage
from tests.notices.smtp import SmtpServer, running_server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_server()


@pytest.fixture
def mail_to(app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> SmtpServer:
    """Point the app's sender at the test's SMTP server."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    return smtp_server


def outbox(app: Flask) -> list[OutboxMessage]:
    """Return every outbox row, oldest first, detached from the session."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


LINK = re.compile(r"https?://[^\s<>\"]+")


def links_in(text: str) -> list[str]:
    return LINK.findall(text)

"""In development (and ``make run``) mail is written as .eml files under instance/mail/."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from flask_migrate import upgrade

from network import create_app
from network.db import db
from tests.conftest import Factory, log_in, make_database_url


def test_inviting_a_person_in_development_writes_a_readable_message(tmp_path):
    url, drop = make_database_url(tmp_path, "dwcn_mail_dev")
    app = create_app(
        "development",
        {
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
            "PUBLIC_CACHE": False,
            "POSTGRES_ANNOUNCEMENTS": False,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 64,
            "ARGON2_PARALLELISM": 1,
        },
    )
    app.instance_path = str(tmp_path / "instance")  # instead of the working tree's
    try:
        with app.app_context():
            upgrade()
        officer = Factory(app).secretariat()
        client = app.test_client()
        assert log_in(client, officer.email, secret=officer.totp_secret).status_code == 302
        response = client.post(
            "/secretariat/accounts/invite",
            data={"email": "guest@example.org", "name": "Guest Observer", "role": "observer"},
        )
        assert response.status_code == 302

        [path] = (tmp_path / "instance" / "mail").glob("*.eml")
        message = message_from_bytes(path.read_bytes(), policy=default)
        assert message["To"] == "Guest Observer <guest@example.org>"
        text = message.get_body(("plain",)).get_content()
        assert "Hello Guest Observer," in text
        assert "http://127.0.0.1:5000/invitations/" in text  # make run's address
        assert message.get_body(("html",)) is not None
        # The secretariat reads it in the outbox, sent.
        listing = client.get("/secretariat/outbox?status=sent").get_data(as_text=True)
        assert "guest@example.org" in listing
    finally:
        with app.app_context():
            db.engine.dispose()
        drop()

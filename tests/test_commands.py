"""The operator's commands: seed-demo, create-secretariat."""

from __future__ import annotations

import sqlalchemy as sa

from network import create_app
from network.auth.models import Role, User
from network.cities.models import City, MembershipStatus
from network.db import db
from network.demo.seed import DEMO_ACCOUNTS, DEMO_CITIES, DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.conftest import log_in


def test_seed_demo_loads_the_seed_cities_and_accounts(app, client, database):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["network", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    with app.app_context():
        cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
        assert set(cities) == {demo.slug for demo in DEMO_CITIES}
        assert cities["seoul"].local_name("ko") == "서울특별시"
        assert cities["setagaya"].status is MembershipStatus.applicant
        assert cities["hamburg"].status is MembershipStatus.member
        signers = db.session.scalars(sa.select(User).where(User.signing_authority)).all()
        assert len({user.city_id for user in signers}) >= 3
    for email in ("secretariat@example.org", "observer@example.org", DEMO_ACCOUNTS[1].email):
        response = log_in(client, email, DEMO_PASSWORD, secret=DEMO_TOTP_SECRET)
        assert response.status_code == 302 and "/login" not in response.location, email
        client.post("/logout")
    again = runner.invoke(args=["network", "seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert runner.invoke(args=["network", "seed-demo"]).exit_code == 1


def test_seed_demo_refuses_production(database_url, database):
    settings = {"SECRET_KEY": "s" * 64, "BALLOT_KEY": "b" * 64, "DATABASE_URL": database_url}
    settings |= {"REDIS_URL": "redis://127.0.0.1:6379/13", "PUBLIC_URL": "https://dwcn.example"}
    production = create_app("production", settings)
    result = production.test_cli_runner().invoke(args=["network", "seed-demo"])
    assert result.exit_code != 0
    assert "refuses to run in production" in result.output


def test_create_secretariat(app, client, database):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "network",
            "create-secretariat",
            "Officer@Seoul.example.org",
            "--name",
            "Kim Officer",
        ],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "officer@seoul.example.org"))
        assert user.role is Role.secretariat and user.active
    assert (
        client.post(
            "/login", data={"email": "officer@seoul.example.org", "password": "a long passphrase"}
        ).status_code
        == 302
    )
    duplicate = runner.invoke(
        args=["network", "create-secretariat", "officer@seoul.example.org", "--name", "Again"],
        input="a long passphrase\na long passphrase\n",
    )
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    short = runner.invoke(
        args=["network", "create-secretariat", "x@example.org", "--name", "X"],
        input="short\nshort\n",
    )
    assert short.exit_code == 1 and "12 to 128" in short.output

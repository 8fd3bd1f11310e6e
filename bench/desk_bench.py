"""A delegate's desk (the logged-in home page, issue #15) at the dataset's size.

The desk gathers what awaits one city among all of them: the open votes in whose
electorate it is and that it has not voted in, the declarations open for signature it
has not signed, the motions to second, nominations, meetings and what it did lately.
So that the vote part has a whole network to search, ``prepare`` puts a motion to
the council's vote the way the secretariat does (proposed, seconded, put to the vote
through the services, with their audit entries): every member city is in its
electorate and none has voted yet. The delegate measured signs for a city of the bulk
rows, which signed some of the open declarations and not others.

The delegate logs in through the login form, as a person would (the form's CSRF
token included); the page is then asked for like any other route (``run.time_route``).
The secretariat's dashboard is measured the same way, the demo officer logging in with
the demo's published authenticator key: with the vote above open, its turnout card
looks through the whole electorate for the cities that have not voted.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Flask

from network.auth.models import Role, User
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.demo.seed import DEMO_PASSWORD, DEMO_SECRETARIAT, DEMO_TOTP_SECRET
from network.motions import services as motions
from network.motions.models import MotionKind
from network.votes.models import Secrecy

PASSWORD = "benchmark-password"  # bench.dataset.add_accounts
DESK = "/"
DASHBOARD = "/secretariat/"


def prepare(app: Flask) -> str:
    """Open a vote of the whole network and return the e-mail of the delegate to measure."""
    with app.app_context():
        now = clock.now()
        officer = db.session.scalar(
            sa.select(User).where(User.role == Role.secretariat).order_by(User.id).limit(1)
        )
        members = (
            sa.select(User)
            .join(City, City.id == User.city_id)
            .where(
                User.role == Role.delegate,
                User.signing_authority.is_(True),
                User.password_hash.is_not(None),
                City.status == MembershipStatus.member,
            )
            .order_by(User.id.desc())
        )
        delegate, seconder = db.session.scalars(members.limit(2)).all()
        motion = motions.propose(
            title="Desk benchmark: a motion before the whole network",
            text="A motion put to every member city, so that each desk has a ballot to cast.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=officer,
            now=now,
        )
        motions.second(motion, actor=seconder, now=now)
        motions.put_to_vote(
            motion,
            secrecy=Secrecy.recorded,
            closes_at=now + timedelta(days=7),
            actor=officer,
            now=now,
        )
        db.session.commit()
        email = delegate.email
        db.session.remove()
    return email


def _post_form(client: Any, path: str, data: dict[str, str]) -> Any:
    """Post a form as a browser would: its CSRF token read from the page first."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token:
        data = {**data, "csrf_token": token.group(1)}
    return client.post(path, data=data)


def log_in(client: Any, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would (a second factor is not asked here)."""
    response = _post_form(client, "/login", {"email": email, "password": password})
    if response.status_code != 302 or "/login" in response.location:
        raise RuntimeError(f"{email} could not log in ({response.status_code})")


def log_in_secretariat(client: Any) -> None:
    """Log the demo officer in: password, then a code from the demo's authenticator."""
    response = _post_form(
        client, "/login", {"email": DEMO_SECRETARIAT.email, "password": DEMO_PASSWORD}
    )
    if not response.location.endswith("/login/verify"):
        raise RuntimeError("the demo officer was not asked for a code")
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    response = _post_form(client, "/login/verify", {"code": code})
    if response.status_code != 302 or "/login" in response.location:
        raise RuntimeError(f"the demo officer could not log in ({response.status_code})")


def shows_the_vote(path: str, html: str) -> bool:
    """Tell whether the page shows the prepared vote: a ballot to cast, or its turnout."""
    if path == DESK:
        return bool(re.search(r'href="/votes/\d+/ballot"', html))
    return "Turnout so far" in html

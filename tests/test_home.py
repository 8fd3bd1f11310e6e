"""The home page says what is happening: open votes, declarations, resolutions, meetings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from network.auth.models import User
from network.charter import services as charter
from network.common import clock
from network.db import db
from network.declarations.models import (
    Declaration,
    DeclarationStatus,
    DeclarationText,
    Signature,
    SignatureMode,
)
from network.meetings.models import Meeting
from network.resolutions.models import DecisionMode, ResolutionKind
from network.resolutions.services import register_resolution
from network.votes import services as votes
from network.votes.models import Secrecy, VoteKind


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """Return the section of the home page labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_one_heading_one_and_not_the_network_s_name_again(client, make):
    html = text(client.get("/"))
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(headings) == 1
    assert "Decent Work City Network" not in headings[0]
    assert "Decent Work City Network" in html[: html.index("<main")]  # the header says it


def test_with_nothing_happening_each_panel_says_so(client):
    html = text(client.get("/"))
    assert "No vote is open at present." in section(html, "votes-heading")
    assert "No declaration is open for signature at present." in section(
        html, "declarations-heading"
    )
    assert "No resolution has been adopted yet." in section(html, "resolutions-heading")
    assert "No meeting is planned at present." in section(html, "meeting-heading")


def test_open_votes_are_listed_with_their_closing_time(app, client, make):
    make.city("Seoul")
    officer = make.secretariat()
    closes = datetime(2031, 5, 20, 9, 30, tzinfo=UTC)
    with app.app_context():
        now = clock.now()
        actor = db.session.get(User, officer.id)
        version = charter.create_draft(actor=actor, now=now)
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title="Adoption of the charter, version 2",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            closes_at=closes,
            actor=None,
            now=now,
        )
        votes.open_vote(vote, actor=None, now=now)
        db.session.commit()
        vote_id = vote.id
    panel = section(text(client.get("/")), "votes-heading")
    assert f'href="/votes/{vote_id}"' in panel
    assert "Closes May 20, 2031, 9:30\u202fAM UTC" in panel
    assert 'class="badge badge-open"' in panel


def _declaration(slug: str, status: DeclarationStatus, title: str, opened: date | None) -> None:
    declaration = Declaration(
        slug=slug,
        authoritative_language="en",
        status=status,
        opened_on=opened,
        created_at=datetime(2018, 1, 1, tzinfo=UTC),
    )
    declaration.texts["en"] = DeclarationText(
        language="en", title=title, preamble="Preamble", commitments=["One"]
    )
    db.session.add(declaration)


def test_only_declarations_open_for_signature_are_listed(app, client, make):
    seoul, milan = make.city("Seoul"), make.city("Milan", country="IT")
    with app.app_context():
        _declaration("a-draft", DeclarationStatus.draft, "Draft text", None)
        _declaration("open-one", DeclarationStatus.open, "Open text", date(2018, 12, 12))
        _declaration("closed-one", DeclarationStatus.closed, "Closed text", date(2017, 9, 6))
        db.session.flush()
        declaration_id = db.session.scalar(
            sa.select(Declaration.id).where(Declaration.slug == "open-one")
        )
        for city, withdrawn in ((seoul, None), (milan, datetime(2019, 1, 1, tzinfo=UTC))):
            db.session.add(
                Signature(
                    declaration_id=declaration_id,
                    city_id=city.id,
                    signatory_name="Mayor",
                    signatory_title="Mayor",
                    signed_on=date(2018, 12, 12),
                    mode=SignatureMode.online,
                    verification_code=f"CODE-{city.slug}",
                    recorded_at=datetime(2018, 12, 12, tzinfo=UTC),
                    withdrawn_at=withdrawn,
                    withdrawal_reason="Sent in error" if withdrawn else None,
                )
            )
        db.session.commit()
    panel = section(text(client.get("/")), "declarations-heading")
    assert 'href="/declarations/open-one"' in panel and "Open text" in panel
    # The withdrawn signature is not counted.
    assert "1 signatory city ·" in panel and "open since Dec 12, 2018" in panel
    assert "Draft text" not in panel and "Closed text" not in panel


def test_the_five_latest_resolutions_newest_first(app, client):
    start = datetime(2019, 1, 1, tzinfo=UTC)
    with app.app_context():
        for number in range(1, 7):
            register_resolution(
                title=f"Resolution number {number}",
                kind=ResolutionKind.ordinary,
                mode=DecisionMode.in_session,
                adopted_on=date(2019, 1, number),
                vote=None,
                actor=None,
                now=start + timedelta(days=number),
            )
        db.session.commit()
    panel = section(text(client.get("/")), "resolutions-heading")
    shown = re.findall(r"Resolution number (\d)", panel)
    assert shown == ["6", "5", "4", "3", "2"]
    assert 'href="/resolutions/2019/6"' in panel and "DWCN/RES/2019/6" in panel


def test_the_next_meeting_is_the_first_one_ahead(app, client):
    today = clock.today()
    with app.app_context():
        for title, days in (("Last year's", -300), ("The next", 10), ("The one after", 40)):
            db.session.add(
                Meeting(
                    title=f"{title} meeting",
                    held_on=today + timedelta(days=days),
                    place="Seoul",
                    created_at=clock.now(),
                )
            )
        db.session.commit()
    panel = section(text(client.get("/")), "meeting-heading")
    assert "The next meeting" in panel
    assert "The one after" not in panel and "Last year" not in panel

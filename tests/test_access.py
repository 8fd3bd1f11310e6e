"""Every route, every role: who gets what. A route missing from the table fails the test."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from network.auth.models import Role
from network.common.decorators import AUTHENTICATED, PUBLIC

ROLES = ("anonymous", "delegate", "observer", "secretariat")

# access: who may use the route; status: what an allowed role gets for a bare request
# (a GET, or a POST with an empty form).
P, A, S = PUBLIC, AUTHENTICATED, "secretariat"
ROUTES: dict[tuple[str, str], tuple[str, int | dict[str, int]]] = {
    ("home.index", "GET"): (P, 200),
    ("home.set_language", "POST"): (P, 302),
    ("cities.index", "GET"): (P, 200),
    ("cities.show", "GET"): (P, 200),
    ("cities.export_csv", "GET"): (P, 200),
    ("api.cities", "GET"): (P, 200),
    ("api.city", "GET"): (P, 200),
    ("api.audit_head", "GET"): (P, 200),
    ("api.audit_entries", "GET"): (P, 200),
    # For the load balancer: liveness asks nothing, readiness the database and Redis.
    ("site.robots", "GET"): (P, 200),
    ("site.sitemap", "GET"): (P, 200),
    ("site.security_txt", "GET"): (P, 200),
    ("health.live", "GET"): (P, 200),
    ("health.ready", "GET"): (P, 200),
    ("api.openapi", "GET"): (P, 200),
    ("api.index", "GET"): (P, 200),
    ("site.open_data", "GET"): (P, 200),
    ("archive.download", "GET"): (P, 200),
    # Logged-in people are sent on from the login page.
    ("auth.login", "GET"): (P, {"anonymous": 200, "*": 302}),
    ("auth.login", "POST"): (P, {"anonymous": 422, "*": 302}),
    # A made-up invitation token is refused with a message.
    ("auth.accept_invitation", "GET"): (P, 400),
    ("auth.accept_invitation", "POST"): (P, 400),
    ("public_audit.record", "GET"): (P, 200),
    ("auth.verify", "GET"): (P, 302),  # nobody is halfway through logging in: back to login
    ("auth.verify", "POST"): (P, 302),
    ("auth.logout", "POST"): (A, 302),
    ("auth.two_factor", "GET"): (A, 200),
    ("auth.enable_two_factor", "POST"): (A, 422),
    # Delegates and observers have no second factor in the world: 409, it is off.
    ("auth.new_recovery_codes", "POST"): (A, {"secretariat": 422, "*": 409}),
    ("auth.disable_two_factor", "POST"): (A, {"secretariat": 422, "*": 409}),
    ("auth.account", "GET"): (A, 200),
    ("auth.set_locale", "POST"): (A, 422),
    ("auth.change_password", "POST"): (A, 422),
    ("secretariat.index", "GET"): (S, 200),
    ("secretariat.cities_index", "GET"): (S, 200),
    ("secretariat.new_city", "GET"): (S, 200),
    ("secretariat.new_city", "POST"): (S, 422),
    ("secretariat.edit_city", "GET"): (S, 200),
    ("secretariat.edit_city", "POST"): (S, 422),
    ("secretariat.change_status", "GET"): (S, 200),
    ("secretariat.change_status", "POST"): (S, 422),
    ("secretariat.accounts_index", "GET"): (S, 200),
    ("secretariat.invite", "GET"): (S, 200),
    ("secretariat.invite", "POST"): (S, 422),
    ("secretariat.account", "GET"): (S, 200),
    ("secretariat.account", "POST"): (S, 422),
    ("secretariat.set_active", "POST"): (S, 302),
    ("secretariat.renew_invitation", "POST"): (S, 302),
    ("secretariat.reset_two_factor", "POST"): (S, 302),
    ("audit.index", "GET"): (S, 200),
    ("charter.in_force", "GET"): (P, 200),
    ("charter.versions", "GET"): (P, 200),
    ("charter.version", "GET"): (P, 200),
    ("charter.diff", "GET"): (P, 400),  # without ?from=&to=
    ("charter.comment", "POST"): (A, 422),
    ("votes.show", "GET"): (P, 200),
    ("votes.ballot", "GET"): ("delegate", 200),
    ("votes.ballot", "POST"): ("delegate", 422),
    ("votes.open_vote", "POST"): (S, 302),
    ("votes.confirm_close", "GET"): (S, 200),
    ("votes.close_vote", "POST"): (S, 302),
    ("resolutions.show", "GET"): (P, 200),
    ("verify.form", "GET"): (P, 200),
    ("verify.show", "GET"): (P, 404),  # a made-up code
    ("api.charter", "GET"): (P, 404),  # none in force yet
    ("api.charter_versions", "GET"): (P, 200),
    ("api.vote", "GET"): (P, 200),
    ("api.verify", "GET"): (P, 404),
    ("secretariat_charter.index", "GET"): (S, 200),
    ("secretariat_charter.new_draft", "POST"): (S, 302),
    ("secretariat_charter.draft", "GET"): (S, 200),
    ("secretariat_charter.draft", "POST"): (S, 422),
    ("secretariat_charter.article", "GET"): (S, 200),
    ("secretariat_charter.article", "POST"): (S, 422),
    ("secretariat_charter.delete_article", "POST"): (S, 302),
    ("secretariat_charter.put_to_vote", "POST"): (S, 422),
    ("elections.index", "GET"): (P, 200),
    ("elections.show", "GET"): (P, 200),
    ("elections.nominate", "POST"): ("delegate", 302),
    ("elections.answer", "POST"): ("delegate", 302),
    ("api.elections", "GET"): (P, 200),
    ("api.election", "GET"): (P, 200),
    ("secretariat_elections.new", "GET"): (S, 200),
    ("secretariat_elections.new", "POST"): (S, 422),
    ("secretariat_elections.close_nominations", "POST"): (S, 302),
    ("secretariat_elections.open_ballot", "POST"): (S, 302),
    ("secretariat_elections.draw", "POST"): (S, 302),
    ("secretariat_elections.certify", "POST"): (S, 302),
    ("motions.index", "GET"): (P, 200),
    ("motions.show", "GET"): (P, 200),
    ("motions.new", "GET"): (("delegate", S), 200),
    ("motions.new", "POST"): (("delegate", S), 422),
    ("motions.second", "POST"): ("delegate", 302),
    ("motions.withdraw", "POST"): (A, 302),
    ("motions.put_to_vote", "POST"): (S, 302),
    # The world's motion is the delegate's city's: its delegates may translate it too.
    ("motions.translations", "GET"): (("delegate", S), 200),
    ("motions.translations", "POST"): (("delegate", S), 302),
    ("meetings.index", "GET"): (P, 200),
    ("meetings.show", "GET"): (P, 200),
    ("meetings.new", "GET"): (S, 200),
    ("meetings.new", "POST"): (S, 422),
    ("meetings.add_item", "POST"): (S, 422),
    ("meetings.record_decision", "POST"): (S, 422),
    # Papers: the world's meeting has one public paper; empty forms are refused.
    ("meeting_papers.new", "GET"): (S, 200),
    ("meeting_papers.new", "POST"): (S, 422),
    ("meeting_papers.download", "GET"): (P, 200),
    ("meeting_papers.remove", "GET"): (S, 200),
    ("meeting_papers.remove", "POST"): (S, 422),
    # Minutes: none yet (no version to show, no PDF). Starting takes the default
    # language (the meeting is over); saving, approving, publishing and correcting
    # minutes not at that step say so and go back to them.
    ("meeting_minutes.show", "GET"): (P, 200),
    ("meeting_minutes.version", "GET"): (P, 404),
    ("meeting_minutes.pdf", "GET"): (P, 404),
    ("meeting_minutes.start", "POST"): (S, 302),
    ("meeting_minutes.save", "POST"): (S, 302),
    ("meeting_minutes.approve", "POST"): (S, 302),
    ("meeting_minutes.publish", "POST"): (S, 302),
    ("meeting_minutes.correct", "POST"): (S, 302),
    ("attendance.edit", "GET"): (S, 200),
    ("attendance.edit", "POST"): (S, 422),
    # A delegate gives or revokes the city's proxy (signing authority checked by the
    # service); an empty form is refused with a message on the meeting's page.
    ("attendance.grant", "POST"): ("delegate", 302),
    ("attendance.revoke", "POST"): ("delegate", 302),
    # The world's vote was not opened at a meeting: no ballot by proxy there (403).
    ("attendance.ballot", "GET"): ("delegate", 403),
    ("attendance.ballot", "POST"): ("delegate", 403),
    # The live session: the secretariat's screen and its buttons (a refusal redirects back
    # with its message), the room's projector, the delegates' page, and its JSON.
    ("live.run", "GET"): (S, 200),
    ("live.open_session", "POST"): (S, 302),
    ("live.take_up", "POST"): (S, 302),
    ("live.open_vote", "POST"): (S, 302),
    ("live.close_vote", "POST"): (S, 302),
    ("live.adjourn", "POST"): (S, 302),
    ("live.projector", "GET"): (P, 200),
    ("live.follow", "GET"): (A, 200),
    ("live.state", "GET"): (P, 200),
    # Calendars: the public feed, a person's at a secret address (a made-up one is not
    # found), and the button that gives one a new address.
    ("calendars.public_feed", "GET"): (P, 200),
    ("calendars.private_feed", "GET"): (P, 404),
    ("calendars.renew_link", "POST"): (A, 302),
    ("resolutions.index", "GET"): (P, 200),
    ("resolutions.feed", "GET"): (P, 200),
    ("api.resolutions", "GET"): (P, 200),
    ("declarations.index", "GET"): (P, 200),
    ("declarations.show", "GET"): (P, 200),
    ("declarations.signatures_csv", "GET"): (P, 200),
    ("declarations.signatures_json", "GET"): (P, 200),
    ("documents.declaration", "GET"): (P, 200),
    ("documents.vote_result", "GET"): (P, 404),  # the vote is still open
    ("documents.resolution", "GET"): (P, 200),
    ("documents.city_record", "GET"): (P, 200),
    ("declarations.feed", "GET"): (P, 200),
    ("declarations.sign", "GET"): ("delegate", 200),
    ("declarations.sign", "POST"): ("delegate", 409),  # the delegate's city has signed
    ("api.declarations", "GET"): (P, 200),
    ("api.declaration", "GET"): (P, 200),
    ("api.declaration_signatures", "GET"): (P, 200),
    ("api.motions", "GET"): (P, 200),
    ("api.motion", "GET"): (P, 200),
    ("api.meetings", "GET"): (P, 200),
    ("api.meeting", "GET"): (P, 200),
    ("api.minutes", "GET"): (P, 200),  # none published: an empty list
    ("exports.roll_call_csv", "GET"): (P, 404),  # the vote is still open
    ("exports.ballots_csv", "GET"): (P, 404),  # a recorded vote has no secret ballots
    ("exports.resolutions_csv", "GET"): (P, 200),
    # Practices (#20): the library, a practice, its feed and CSV; its city's delegates
    # write and publish (the world's is Hamburg's, published already); the secretariat
    # features.
    ("practices.index", "GET"): (P, 200),
    ("practices.show", "GET"): (P, 200),
    ("practices.feed", "GET"): (P, 200),
    ("practices.export_csv", "GET"): (P, 200),
    ("practices.new", "GET"): ("delegate", 200),
    ("practices.new", "POST"): ("delegate", 422),
    ("practices.edit", "GET"): ("delegate", 200),
    ("practices.edit", "POST"): ("delegate", 422),
    ("practices.publish", "POST"): ("delegate", 302),
    ("practices.feature", "POST"): (S, 302),
    # A practice's documents: its city's delegates and the secretariat attach and remove
    # them (the world's practice has one); anyone downloads one of a published practice.
    ("practice_documents.new", "GET"): (("delegate", S), 200),
    ("practice_documents.new", "POST"): (("delegate", S), 422),
    ("practice_documents.download", "GET"): (P, 200),
    ("practice_documents.remove", "GET"): (("delegate", S), 200),
    ("practice_documents.remove", "POST"): (("delegate", S), 422),
    ("api.practices", "GET"): (P, 200),
    ("api.practice", "GET"): (P, 200),
    # Commitments and reports (#20): the world's open period of its declaration, which
    # Hamburg signed; an empty report is refused (422), a submission without a draft
    # goes back with its message, an empty period form too.
    ("commitments.progress", "GET"): (P, 200),
    ("commitments.city_report", "GET"): (P, 200),
    ("commitments.reports_csv", "GET"): (P, 200),
    ("commitments.edit_report", "GET"): ("delegate", 200),
    ("commitments.edit_report", "POST"): ("delegate", 422),
    ("commitments.submit_report", "POST"): ("delegate", 302),
    ("commitments.open_period", "POST"): (S, 302),
    ("commitments.close_period", "POST"): (S, 302),
    ("api.declaration_reports", "GET"): (P, 200),
    # Indicators (#20): the world's indicator and open collection; the secretariat defines
    # and runs collections (empty forms refused, or sent back with their message); a
    # city's delegates enter and publish its values (an empty value is refused, a
    # publication without a draft goes back with its message).
    ("indicators.index", "GET"): (P, 200),
    ("indicators.show", "GET"): (P, 200),
    ("indicators.city", "GET"): (P, 200),
    ("indicators.values_csv", "GET"): (P, 200),
    ("indicators.new", "GET"): (S, 200),
    ("indicators.new", "POST"): (S, 422),
    ("indicators.edit", "GET"): (S, 200),
    ("indicators.edit", "POST"): (S, 422),
    ("indicators.open_collection", "POST"): (S, 302),
    ("indicators.close_collection", "POST"): (S, 302),
    ("indicators.enter", "GET"): ("delegate", 200),
    ("indicators.enter", "POST"): ("delegate", 422),
    ("indicators.publish", "POST"): ("delegate", 302),
    ("api.indicators", "GET"): (P, 200),
    ("api.indicator", "GET"): (P, 200),
    ("api.indicator_values", "GET"): (P, 200),
    ("secretariat_declarations.index", "GET"): (S, 200),
    ("secretariat_declarations.edit", "GET"): (S, 200),
    ("secretariat_declarations.edit", "POST"): (S, 409),  # open: only a draft changes
    ("secretariat_declarations.open_for_signature", "POST"): (S, 302),
    ("secretariat_declarations.close", "POST"): (S, 302),
    ("secretariat_declarations.in_person", "POST"): (S, 422),
    ("secretariat_declarations.withdraw", "POST"): (S, 302),
    # Mail: the outbox, one's notice settings, the one-click unsubscribe, password reset.
    ("secretariat_outbox.index", "GET"): (S, 200),
    ("secretariat_outbox.message", "GET"): (S, 200),
    ("secretariat_outbox.retry", "POST"): (S, 302),
    ("secretariat_outbox.cancel", "POST"): (S, 302),
    # "Remind now" on the dashboard: back to it, with a message (no such vote: 404).
    ("secretariat.remind_now", "POST"): (S, 302),
    ("notices.preferences", "GET"): (A, 200),
    ("notices.preferences", "POST"): (A, 302),  # an empty form: every kind by e-mail
    ("notices.unsubscribe", "GET"): (P, 400),  # a made-up token
    ("notices.unsubscribe", "POST"): (P, 400),
    ("auth.forgot_password", "GET"): (P, 200),
    ("auth.forgot_password", "POST"): (P, 422),
    ("auth.reset_password", "GET"): (P, 400),  # a made-up token
    ("auth.reset_password", "POST"): (P, 400),
}


def routes_of(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return found


def test_every_route_is_in_the_table(app):
    found = {(endpoint, method) for endpoint, method, _ in routes_of(app)}
    assert found - ROUTES.keys() == set(), "add the new routes to ROUTES with their access"
    assert ROUTES.keys() - found == set(), "ROUTES names routes that no longer exist"


def test_every_view_declares_its_access(app):
    for endpoint, method, _ in routes_of(app):
        view = app.view_functions[endpoint]
        declared = getattr(view, "access", None)
        expected = ROUTES[(endpoint, method)][0]
        if isinstance(expected, tuple):
            assert declared == frozenset(Role(role) for role in expected), endpoint
        elif expected in ROLES:
            assert declared == frozenset({Role(expected)}), endpoint
        else:
            assert declared == expected, endpoint


WORLD_IDS: dict[str, str] = {}
WORLD_SLUGS: dict[str, str] = {}


def _url(rule: str, slug: str, user_id: int) -> str:
    city = slug
    if rule.startswith(("/declarations/", "/api/v1/declarations/", "/secretariat/declarations/")):
        slug = WORLD_SLUGS["<slug>"]
    if rule.startswith(("/practices/", "/api/v1/practices/")):
        slug = WORLD_SLUGS["<practice>"]
    if rule.startswith(("/indicators/", "/api/v1/indicators/")):
        rule = rule.replace("<code>", WORLD_SLUGS["<indicator>"])
    url = (
        rule.replace("<slug>", slug)
        .replace("<int:user_id>", str(user_id))
        .replace("<token>", "made-up-token")
        .replace("<code>", "made-up-code")
        .replace("<city>", city)
    )
    for name, value in WORLD_IDS.items():
        url = url.replace(f"<int:{name}>", value)
    return url


@pytest.fixture
def world(app, make):
    """A member city with people, a charter draft put to the vote, and a resolution."""
    city = make.city("Hamburg", country="DE")
    target = make.delegate(city, password=None)  # invited, not yet accepted
    users = {
        "delegate": make.delegate(city, signing_authority=True),
        "observer": make.observer(),
        "secretariat": make.secretariat(),
    }
    with app.app_context():
        from network.charter import services as charter
        from network.common import clock
        from network.db import db
        from network.resolutions.models import DecisionMode, ResolutionKind
        from network.resolutions.services import register_resolution

        officer = db.session.get(type(users["secretariat"]), users["secretariat"].id)
        now = clock.now()
        version = charter.create_draft(actor=officer, now=now)
        charter.save_article(
            version,
            1,
            [charter.ArticleEntry("en", "Purpose", "Text.")],
            replacing=None,
            actor=officer,
            now=now,
        )
        vote = charter.put_to_vote(
            version, secrecy=charter.Secrecy.recorded, closes_at=None, actor=officer, now=now
        )
        resolution = register_resolution(
            title="A decision",
            kind=ResolutionKind.ordinary,
            mode=DecisionMode.in_session,
            adopted_on=date(2018, 12, 12),
            vote=None,
            actor=officer,
            now=now,
        )
        from network.cities.models import City
        from network.elections import services as elections
        from network.elections.models import Office

        election = elections.create_election(
            office=Office.chair,
            term_start=date(2019, 1, 1),
            term_end=None,
            nominations_close_at=None,
            actor=officer,
            now=now,
        )
        nominee = db.session.get(City, city.id)
        nominator = db.session.get(type(users["delegate"]), users["delegate"].id)
        nomination = elections.nominate(election, nominee, actor=nominator, now=now)
        from network.meetings import services as meetings
        from network.motions import services as motions
        from network.motions.models import MotionKind

        motion = motions.propose(
            title="A motion",
            text="Text.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=nominator,
            now=now,
        )
        meeting = meetings.create_meeting(
            title="Roundtable",
            held_on=date(2018, 12, 12),
            place="Seoul City Hall",
            actor=officer,
            now=now,
        )
        import io

        from network.common.storage import storage
        from network.meetings import papers

        paper = papers.add_paper(
            meeting,
            stream=io.BytesIO(b"%PDF-1.7\n%%EOF\n"),
            filename="agenda.pdf",
            title="Agenda",
            language="en",
            item=None,
            translation_of=None,
            visibility=papers.PaperVisibility.public,
            max_size=1000,
            store=storage(),
            actor=officer,
            now=now,
        )
        from network.declarations import services as declarations

        declaration = declarations.save_declaration(
            None,
            slug="joint-agreement",
            authoritative_language="en",
            actor=officer,
            now=now,
            texts=[declarations.TextEntry("en", "Joint agreement", "We agree.", ["To agree."])],
        )
        declarations.open_for_signature(declaration, actor=officer, now=now)
        signature = declarations.record_in_person(
            declaration,
            db.session.get(City, city.id),
            name="Mayor",
            title="Mayor of Hamburg",
            signed_on=now.date(),
            actor=officer,
            now=now,
        )
        from network.notices import services as notices
        from network.notices.models import NoticeKind

        message = notices.queue(
            NoticeKind.security, nominator, now=now, context={"event": "password_changed"}
        )
        from network.practices import services as practices
        from network.practices.models import Instrument, Pillar

        practice = practices.save_practice(
            None,
            practices.PracticeEntry(
                slug="world-practice",
                authoritative_language="en",
                texts=[practices.TextEntry("en", "Procurement law", "Summary.", "Text.")],
                pillars=[Pillar.employment],
                instrument=Instrument.procurement,
            ),
            city=nominee,
            actor=nominator,
            now=now,
        )
        practices.publish(practice, actor=nominator, now=now)
        from network.practices import documents as practice_documents

        practice_document = practice_documents.add_document(
            practice,
            stream=io.BytesIO(b"%PDF-1.7\n%%EOF\n"),
            filename="law.pdf",
            title="The law",
            language="de",
            max_size=1000,
            store=storage(),
            actor=nominator,
            now=now,
        )
        from network.commitments import services as commitments

        period = commitments.open_period(
            declaration, label="2026", due_on=now.date(), actor=officer, now=now
        )
        from network.indicators import services as indicators
        from network.indicators.models import Direction, Unit

        indicators.save_indicator(
            None,
            indicators.IndicatorEntry(
                code="world-indicator",
                texts=[indicators.TextEntry("en", "Living wage coverage", "The share.")],
                unit=Unit.percent,
                direction=Direction.higher,
                pillar=Pillar.social_protection,
            ),
            actor=officer,
            now=now,
        )
        collection = indicators.open_collection(
            year=now.year, due_on=now.date(), actor=officer, now=now
        )
        db.session.commit()
        WORLD_SLUGS["<slug>"] = "joint-agreement"
        WORLD_SLUGS["<practice>"] = "world-practice"
        WORLD_SLUGS["<indicator>"] = "world-indicator"
        WORLD_IDS.update(signature_id=str(signature.id))
        WORLD_IDS.update(
            number=str(version.number),
            article="1",
            vote_id=str(vote.id),
            year=str(resolution.year),
            sequence=str(resolution.sequence),
            election_id=str(election.id),
            nomination_id=str(nomination.id),
            motion_id=str(motion.id),
            meeting_id=str(meeting.id),
            paper_id=str(paper.id),
            document_id=str(practice_document.id),
            version="1",
            message_id=str(message.id),
            period_id=str(period.id),
            collection_id=str(collection.id),
        )
    return city, target, users


def is_allowed(access: str, role: str) -> bool:
    """Who may use a route: everyone, anyone logged in, or one role."""
    if access == P:
        return True
    if access == A:
        return role != "anonymous"
    if isinstance(access, tuple):
        return role in access
    return access == role


def _expected_status(status: int | dict[str, int], role: str) -> int:
    if isinstance(status, int):
        return status
    return status.get(role, status["*"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), sorted(ROUTES))
def test_route_answers_each_role(app, client, login_as, world, endpoint, method, role):
    city, target, users = world
    rule = next(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = _url(rule, city.slug, target.id)
    if role != "anonymous":
        login_as(users[role])
    access, status = ROUTES[(endpoint, method)]
    response = client.open(url, method=method, data={})
    if is_allowed(access, role):
        assert response.status_code == _expected_status(status, role), response.location
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")
    else:
        assert response.status_code == 403


def test_a_delegate_gets_403_on_every_secretariat_page(app, client, login_as, world):
    city, target, users = world
    login_as(users["delegate"])
    secretariat_routes = [(e, m, r) for e, m, r in routes_of(app) if ROUTES[(e, m)][0] == S]
    assert len(secretariat_routes) >= 10
    for endpoint, method, rule in secretariat_routes:
        response = client.open(_url(rule, city.slug, target.id), method=method, data={})
        assert response.status_code == 403, endpoint
        assert "Not allowed" in response.get_data(as_text=True)


# RFC 8058's one-click unsubscribe is posted by mail clients, with no cookie and no form:
# the signed token in its address is what authorises it (it only turns a notice off).
CSRF_EXEMPT = {"notices.unsubscribe"}


def test_every_form_post_without_csrf_token_gets_400(app, client, login_as, world, monkeypatch):
    city, target, users = world
    login_as(users["secretariat"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    posts = [(e, r) for e, m, r in routes_of(app) if m == "POST" and e not in CSRF_EXEMPT]
    assert len(posts) >= 8
    for endpoint, rule in posts:
        response = client.post(_url(rule, city.slug, target.id), data={"x": "1"})
        assert response.status_code == 400, endpoint
        assert "security token" in response.get_data(as_text=True), endpoint

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
    ("exports.roll_call_csv", "GET"): (P, 404),  # the vote is still open
    ("exports.ballots_csv", "GET"): (P, 404),  # a recorded vote has no secret ballots
    ("exports.resolutions_csv", "GET"): (P, 200),
    ("secretariat_declarations.index", "GET"): (S, 200),
    ("secretariat_declarations.edit", "GET"): (S, 200),
    ("secretariat_declarations.edit", "POST"): (S, 409),  # open: only a draft changes
    ("secretariat_declarations.open_for_signature", "POST"): (S, 302),
    ("secretariat_declarations.close", "POST"): (S, 302),
    ("secretariat_declarations.in_person", "POST"): (S, 422),
    ("secretariat_declarations.withdraw", "POST"): (S, 302),
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
    if rule.startswith(("/declarations/", "/api/v1/declarations/", "/secretariat/declarations/")):
        slug = WORLD_SLUGS["<slug>"]
    url = (
        rule.replace("<slug>", slug)
        .replace("<int:user_id>", str(user_id))
        .replace("<token>", "made-up-token")
        .replace("<code>", "made-up-code")
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
        db.session.commit()
        WORLD_SLUGS["<slug>"] = "joint-agreement"
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


def test_every_form_post_without_csrf_token_gets_400(app, client, login_as, world, monkeypatch):
    city, target, users = world
    login_as(users["secretariat"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    posts = [(e, r) for e, m, r in routes_of(app) if m == "POST"]
    assert len(posts) >= 8
    for endpoint, rule in posts:
        response = client.post(_url(rule, city.slug, target.id), data={"x": "1"})
        assert response.status_code == 400, endpoint
        assert "security token" in response.get_data(as_text=True), endpoint

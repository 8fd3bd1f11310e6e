"""The home page and the language switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug import Response

from network.auth import services as account_services
from network.auth.models import Role
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import public
from network.common.errors import DomainError
from network.common.http import is_safe_next
from network.common.i18n import COOKIE_MAX_AGE, COOKIE_NAME, SESSION_KEY
from network.db import db
from network.declarations import queries as declaration_queries
from network.elections import queries as election_queries
from network.elections.models import Office
from network.extensions import csrf
from network.home import desk
from network.meetings import queries as meeting_queries
from network.resolutions import queries as resolution_queries
from network.votes import queries as vote_queries
from network.votes import services as vote_services

bp = Blueprint("home", __name__)
LATEST_RESOLUTIONS = 5


@bp.route("/")
@public
def index() -> str:
    """Say what the network is and what is happening in it now; to a delegate, their desk.

    Visitors (and the secretariat, whose desk is its dashboard) read the open votes with
    their closing time, declarations open for signature, the latest resolutions and the
    next meeting; then the cities and the chair at a glance. A logged-in delegate reads
    their city's desk, an observer theirs (``desk``): pages of logged-in people are
    never kept in the public cache (``common.conditional``).
    """
    if current_user.is_authenticated and current_user.role is Role.delegate:
        return render_template(
            "home/desk.html", desk=desk.delegate_desk(current_user, now=clock.now())
        )
    if current_user.is_authenticated and current_user.role is Role.observer:
        return render_template("home/observer.html", desk=desk.observer_desk(now=clock.now()))
    today = clock.today()
    open_votes = [(vote, *vote_services.describe(vote)) for vote in vote_queries.open_votes()]
    return render_template(
        "home/index.html",
        counts=city_queries.status_counts(),
        open_votes=open_votes,
        declarations=declaration_queries.open_for_signature(),
        resolutions=resolution_queries.latest(LATEST_RESOLUTIONS),
        next_meeting=meeting_queries.next_meeting(today),
        chair=election_queries.holder(Office.chair, today),
    )


@bp.route("/language", methods=["POST"])
@csrf.exempt
@public
def set_language() -> Response:
    """Switch the interface language; a logged-in account keeps it as its setting.

    A visitor's switch only sets a cookie with their own language, so it needs no
    CSRF token, and the public pages that carry the switcher hold nothing personal
    and can be cached for everyone. A logged-in account's setting is a change of
    state: its token is checked.
    """
    if current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    locale = request.form.get("locale", "")
    target = request.form.get("next")
    response = redirect(target if is_safe_next(target) else url_for("home.index"))
    if locale in current_app.config["LANGUAGES"]:
        response.set_cookie(
            COOKIE_NAME,
            locale,
            max_age=COOKIE_MAX_AGE,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        if current_user.is_authenticated:
            session[SESSION_KEY] = locale
            try:
                account_services.set_locale(current_user, locale, now=clock.now())
            except DomainError:
                db.session.rollback()
            else:
                db.session.commit()
    return response

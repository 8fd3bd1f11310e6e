"""The calendar feeds, and the button that gives a person a new private address."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from icalendar import Calendar

from network.calendars import feeds, queries, services
from network.common import clock
from network.common import feeds as atom_feeds
from network.common.decorators import login_required, public
from network.common.forms import EmptyForm
from network.db import db

bp = Blueprint("calendars", __name__)


def _answer(calendar: Calendar, language: str, filename: str) -> Response:
    return Response(
        calendar.to_ical(),
        mimetype="text/calendar",
        headers={
            "Content-Language": language.replace("_", "-"),
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )


@bp.route("/calendar.ics")
@public
def public_feed() -> Response:
    """Give the network's calendar: meetings, vote closings and signature deadlines.

    In ``?lang=`` (else the reader's language), as the Atom feeds are.
    """
    language = atom_feeds.feed_language()
    with force_locale(language.interface):
        calendar = feeds.public_calendar()
    return _answer(calendar, language.interface, "dwcn.ics")


@bp.route("/calendar/<token>.ics")
@public
def private_feed(token: str) -> Response:
    """Give a person's own calendar, at their secret address, in their language.

    The address is the credential (calendar applications send no cookie): an address
    that was renewed, or of an account that is no longer active, is not found. Like
    any public answer it has an ETag, and may be kept in the page cache, but only
    under its own (secret) address; a new address is an audit entry, so nothing kept
    for the old one is served again.
    """
    user = queries.user_for_token(token)
    if user is None:
        abort(404)
    config = current_app.config
    language = user.locale if user.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        calendar = feeds.personal_calendar(user)
    response = _answer(calendar, language, "dwcn-mine.ics")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/account/calendar", methods=["POST"])
@login_required
def renew_link() -> Response:
    """Give one's calendar a new private address; the old one stops working."""
    if EmptyForm().validate_on_submit():
        had_one = queries.feed_of(current_user) is not None
        services.renew_link(current_user, actor=current_user, now=clock.now())
        db.session.commit()
        flash(
            _("Your calendar has a new address; the old one no longer works.")
            if had_one
            else _("Your calendar's address is ready."),
            "success",
        )
    return redirect(url_for("auth.account", _anchor="calendar-heading"))

"""The live session: the secretariat's screen, the room's projector, the delegates' page.

The three pages show the state ``live.state`` describes, rendered on the server, so a
reload shows what the script (``static/js/live.js``) would have shown; the script
polls ``live.json`` every two seconds with ``If-None-Match`` and updates the page in
place. The JSON's validator is the public one (audit head, next closing time, day,
path, query, language, release): every change the pages show writes an audit entry,
so an unchanged head means an unchanged answer and a 304. A signed-in person's answer
also says whether their city has voted, so its validator names the city too.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from network.auth.models import Role
from network.common import clock, conditional
from network.common.decorators import login_required, public, role_required
from network.common.errors import InvalidInput
from network.common.forms import EmptyForm, perform
from network.common.http import small_int
from network.common.i18n import supported_locale
from network.db import db
from network.meetings import live, queries, session
from network.meetings.forms import SessionVoteForm
from network.meetings.models import AgendaItem, AgendaKind, Meeting
from network.votes.models import Secrecy

bp = Blueprint("live", __name__, url_prefix="/meetings")

POLL_MILLISECONDS = 2000  # how often the pages ask live.json (live.js backs off from it)


def _meeting_or_404(meeting_id: int) -> Meeting:
    found = queries.meeting(meeting_id)
    if found is None:
        abort(404)
    return found


def _facts_or_404(meeting_id: int) -> live.LiveFacts:
    facts = live.read_facts(meeting_id)
    if facts is None:
        abort(404)
    return facts


def _languages() -> tuple[str | None, str | None]:
    """Return the languages asked for in ``?lang=`` and ``?second=`` (None if not one of ours)."""
    return supported_locale(request.args.get("lang")), supported_locale(request.args.get("second"))


def _delegate_city() -> int | None:
    if current_user.is_authenticated and current_user.role is Role.delegate:
        return current_user.city_id
    return None


def _state(facts: live.LiveFacts) -> dict[str, Any]:
    _lang, second = _languages()
    return live.state(facts, language=str(get_locale()), second=second, city_id=_delegate_city())


def _json_url(meeting_id: int) -> str:
    lang, second = _languages()
    return url_for("live.state", meeting_id=meeting_id, lang=lang, second=second)


# --- the secretariat's screen -------------------------------------------------------------


@bp.get("/<int:meeting_id>/session")
@role_required(Role.secretariat)
def run(meeting_id: int) -> str:
    """Run the session: open it, take up items, open and close their votes, adjourn."""
    meeting = _meeting_or_404(meeting_id)
    facts = _facts_or_404(meeting_id)
    item = session.current_item(meeting)
    vote_form = SessionVoteForm()
    if item is not None and item.kind is AgendaKind.election:
        vote_form.secrecy.data = Secrecy.secret.value  # a choice among cities: secret
    return render_template(
        "meetings/session.html",
        meeting=meeting,
        item=item,
        votable=item is not None
        and any((item.motion_id, item.charter_version_id, item.election_id)),
        live=_state(facts),
        json_url=_json_url(meeting_id),
        poll=POLL_MILLISECONDS,
        button=EmptyForm(),
        vote_form=vote_form,
    )


def _back(meeting_id: int) -> Response:
    return redirect(url_for("live.run", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/session/open")
@role_required(Role.secretariat)
def open_session(meeting_id: int) -> Response:
    """Open the session (the meeting is in session)."""
    meeting = _meeting_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: session.open_session(meeting, actor=current_user, now=clock.now()),
            _("The session is open."),
        )
    return _back(meeting_id)


@bp.post("/<int:meeting_id>/session/item")
@role_required(Role.secretariat)
def take_up(meeting_id: int) -> Response:
    """Take up the next item of the agenda, or the one chosen (``item``)."""
    meeting = _meeting_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        raw = request.form.get("item", "")
        chosen = db.session.get(AgendaItem, small_int(raw)) if small_int(raw) else None

        def take_up_item() -> None:
            if raw and chosen is None:
                raise InvalidInput(_("Choose an item of the agenda."), field="item")
            session.take_up_item(meeting, chosen, actor=current_user, now=clock.now())

        perform(take_up_item, _("The item is taken up."))
    return _back(meeting_id)


@bp.post("/<int:meeting_id>/session/vote")
@role_required(Role.secretariat)
def open_vote(meeting_id: int) -> Response:
    """Open the vote of the current item (from its motion, charter version or election)."""
    meeting = _meeting_or_404(meeting_id)
    form = SessionVoteForm()
    if form.validate_on_submit():
        perform(
            lambda: session.open_item_vote(
                meeting,
                secrecy=Secrecy(form.secrecy.data),
                actor=current_user,
                now=clock.now(),
            ),
            _("The vote is open: the delegates' pages show the ballot."),
        )
    else:
        flash(_("Choose the kind of ballot."), "error")
    return _back(meeting_id)


@bp.post("/<int:meeting_id>/session/close")
@role_required(Role.secretariat)
def close_vote(meeting_id: int) -> Response:
    """Close the current item's vote now and publish its result."""
    meeting = _meeting_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: session.close_item_vote(meeting, actor=current_user, now=clock.now()),
            _("The vote is closed and its result published."),
        )
    return _back(meeting_id)


@bp.post("/<int:meeting_id>/session/adjourn")
@role_required(Role.secretariat)
def adjourn(meeting_id: int) -> Response:
    """Adjourn the meeting."""
    meeting = _meeting_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: session.adjourn(meeting, actor=current_user, now=clock.now()),
            _("The meeting is adjourned."),
        )
    return _back(meeting_id)


# --- the room's projector and the delegates' page ---------------------------------------


@bp.get("/<int:meeting_id>/projector")
@public
def projector(meeting_id: int) -> str:
    """Show the room's screen: the current item, live turnout, then the result.

    ``?lang=`` sets its language, ``?second=`` adds a line in another.
    """
    meeting = _meeting_or_404(meeting_id)
    facts = _facts_or_404(meeting_id)
    lang, second = _languages()
    language = lang or str(get_locale())
    with force_locale(language):
        return render_template(
            "meetings/projector.html",
            meeting=meeting,
            live=live.state(facts, language=language, second=second),
            second=second if second != language else None,
            json_url=_json_url(meeting_id),
            poll=POLL_MILLISECONDS,
        )


@bp.get("/<int:meeting_id>/live")
@login_required
def follow(meeting_id: int) -> str:
    """Follow the session: the current item and, for a delegate, the ballot once it opens."""
    meeting = _meeting_or_404(meeting_id)
    facts = _facts_or_404(meeting_id)
    return render_template(
        "meetings/live.html",
        meeting=meeting,
        live=_state(facts),
        json_url=_json_url(meeting_id),
        poll=POLL_MILLISECONDS,
    )


@bp.get("/<int:meeting_id>/live.json")
@public
def state(meeting_id: int) -> Response:
    """Give the session's state as JSON, for the pages' script (304 while unchanged).

    Visitors' answers are validated (and kept) by the public hooks, before this runs.
    """
    personal = g.get("public_etag") is None
    etag = None
    if personal:
        # A signed-in person's answer: theirs (a delegate's says whether the city voted).
        whose = (
            f"{current_user.role}:{current_user.city_id or ''}"
            if current_user.is_authenticated
            else ""
        )
        etag = conditional.validator_for(whose)
        if request.if_none_match.contains_weak(etag):
            return _unchanged(etag)
    facts = _facts_or_404(meeting_id)
    lang, _second = _languages()
    language = lang or str(get_locale())
    with force_locale(language):
        answer = jsonify(
            live.state(facts, language=language, second=_second, city_id=_delegate_city())
        )
    if etag is not None:
        answer.set_etag(etag)
        answer.headers["Cache-Control"] = "private, no-cache"
    return answer


def _unchanged(etag: str) -> Response:
    response = current_app.response_class(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response

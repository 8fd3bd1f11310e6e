"""The secretariat's outbox: every notice mailed, its state, and what went wrong.

Messages that failed, or still wait, can be sent again or cancelled; both are audited.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.common import clock
from network.common.decorators import role_required
from network.common.forms import EmptyForm, perform
from network.common.pagination import page_request
from network.db import db
from network.notices import queries, services
from network.notices.compose import build_email
from network.notices.models import MessageStatus, OutboxMessage

bp = Blueprint("secretariat_outbox", __name__, url_prefix="/secretariat/outbox")
PER_PAGE = 50


@bp.route("")
@role_required(Role.secretariat)
def index() -> str:
    """List the outbox's messages, newest first, of one status or waiting too long."""
    raw = request.args.get("status")
    status = MessageStatus(raw) if raw in set(MessageStatus) else None
    overdue = request.args.get("waiting") == "overdue"
    queued_before = clock.now() - queries.overdue_after() if overdue else None
    wanted = page_request(request.args, PER_PAGE)
    pagination = db.paginate(
        queries.outbox_statement(status, queued_before=queued_before),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template(
        "secretariat/outbox.html",
        pagination=pagination,
        status=status,
        statuses=list(MessageStatus),
        counts=queries.status_counts(),
        overdue=overdue,
        overdue_minutes=int(queries.overdue_after().total_seconds() // 60),
    )


@bp.route("/<int:message_id>")
@role_required(Role.secretariat)
def message(message_id: int) -> str:
    """Show one message: its state, headers, text and HTML source, and the actions left."""
    found = db.get_or_404(OutboxMessage, message_id)
    email = build_email(found)
    return render_template(
        "secretariat/outbox_message.html",
        message=found,
        headers=[(name, str(value)) for name, value in email.items()],
        actionable=found.status in (MessageStatus.pending, MessageStatus.failed),
        button=EmptyForm(),
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@role_required(Role.secretariat)
def retry(message_id: int) -> Response:
    """Send a failed or waiting message again now (same Message-ID)."""
    found = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.retry(found, actor=current_user, now=clock.now()),
            _("The message will be sent again at the next delivery."),
        )
    return redirect(url_for("secretariat_outbox.message", message_id=message_id))


@bp.route("/<int:message_id>/cancel", methods=["POST"])
@role_required(Role.secretariat)
def cancel(message_id: int) -> Response:
    """Give up sending a failed or waiting message."""
    found = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.cancel(found, actor=current_user, now=clock.now()),
            _("The message is cancelled: it will not be sent."),
        )
    return redirect(url_for("secretariat_outbox.message", message_id=message_id))

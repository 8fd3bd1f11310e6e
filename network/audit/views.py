"""The secretariat's reading of the full audit log."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from network.audit import queries
from network.auth.models import Role
from network.common.decorators import role_required
from network.common.pagination import page_request
from network.db import db

bp = Blueprint("audit", __name__, url_prefix="/secretariat/audit")


@bp.route("/")
@role_required(Role.secretariat)
def index() -> str:
    """List audit entries newest first, private ones included, with the chain's head."""
    wanted = page_request(request.args, 50)
    pagination = db.paginate(
        queries.latest_entries_statement(),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template("audit/index.html", pagination=pagination, head=queries.head())

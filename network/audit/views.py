"""The audit log: the secretariat reads all of it, the public its public entries."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from network.audit import queries
from network.auth.models import Role
from network.common.decorators import public, role_required
from network.common.pagination import page_request
from network.db import db

bp = Blueprint("audit", __name__, url_prefix="/secretariat/audit")
public_bp = Blueprint("public_audit", __name__, url_prefix="/audit")


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


@public_bp.route("/")
@public
def record() -> str:
    """Show the chain's head and its public entries, newest first, and a receipt check.

    Private entries (accounts, ballot contents of secret votes) are counted in the
    chain but not shown.
    """
    wanted = page_request(request.args, 50)
    pagination = db.paginate(
        queries.public_entries_statement(),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template("audit/record.html", pagination=pagination, head=queries.head())

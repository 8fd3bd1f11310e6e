"""Anyone can check what a receipt code belongs to."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug import Response

from network.common.decorators import public
from network.verify.queries import lookup
from network.votes import rules as vote_rules

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.route("/")
@public
def form() -> Response | str:
    """Ask for a code (or go to its page when one is given)."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("verify.show", code=vote_rules.normalise_code(code)[:40]))
    return render_template("verify/form.html")


@bp.route("/<code>")
@public
def show(code: str) -> tuple[str, int] | str:
    """Say what a code belongs to; an unknown code gets a clear 404."""
    found = lookup(code)
    if found is None:
        return render_template("verify/show.html", found=None, code=code[:40]), 404
    return render_template("verify/show.html", found=found, code=found["code"])

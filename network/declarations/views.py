"""Public declaration pages, exports and feed; delegates sign for their city."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.api.serializers import signature_row
from network.auth.models import Role
from network.common import clock
from network.common.decorators import public, role_required
from network.common.enums import label
from network.common.errors import DomainError
from network.common.export import chunked, csv_response
from network.common.forms import show_error
from network.common.pagination import Window, page_request
from network.db import db
from network.declarations import queries, services
from network.declarations.forms import SignForm
from network.declarations.models import Declaration, DeclarationStatus, SignatureMode
from network.extensions import limiter

bp = Blueprint("declarations", __name__, url_prefix="/declarations")

DECLARATIONS_PER_PAGE = 25
# A declaration of the whole network has 13,000 signatories: the page shows them a
# hundred at a time; the CSV and JSON exports give the full list.
SIGNATORIES_PER_PAGE = 100

EXPORT_FIELDS = [
    "city",
    "city_name",
    "signatory_name",
    "signatory_title",
    "signed_on",
    "mode",
    "verification_code",
    "withdrawn",
    "withdrawal_reason",
]


def public_declaration(slug: str) -> Declaration:
    """Return a declaration the public may see (drafts are 404 for everyone but staff)."""
    found = queries.declaration(slug)
    if found is None:
        abort(404)
    # Drafts are for the people who work on them: every logged-in role reads them.
    if found.status is DeclarationStatus.draft and not current_user.is_authenticated:
        abort(404)
    return found


@bp.route("/")
@public
def index() -> str:
    """List the declarations, a page at a time, with their signature counts."""
    wanted = page_request(request.args, DECLARATIONS_PER_PAGE)
    pagination = db.paginate(
        queries.public_statement(), page=wanted.page, per_page=wanted.per_page, error_out=False
    )
    return render_template(
        "declarations/index.html",
        pagination=pagination,
        declarations=pagination.items,
        counts=queries.signature_counts(pagination.items),
        locale=str(get_locale()),
    )


def _may_sign(declaration: Declaration) -> bool:
    """Tell whether the person reading may sign it for their city (the service's rules)."""
    if not current_user.is_authenticated:
        return False
    try:
        services.check_can_sign(declaration, current_user)
    except DomainError:
        return False
    return True


@bp.route("/<slug>")
@public
def show(slug: str) -> str:
    """Show a declaration in the reader's language, with a page of its signatories."""
    declaration = public_declaration(slug)
    total, standing = queries.signature_tally(declaration.id)
    wanted = page_request(request.args, SIGNATORIES_PER_PAGE)
    signatories = Window.read(
        wanted, total, functools.partial(queries.signatory_page, declaration.id)
    )
    can_sign = _may_sign(declaration) and not queries.has_signed(
        declaration.id, current_user.city_id
    )
    return render_template(
        "declarations/show.html",
        declaration=declaration,
        signatories=signatories,
        standing=standing,
        # Each label and date formatted once per page, not once per row.
        modes={mode: label(mode) for mode in SignatureMode},
        dates={day: format_date(day) for day in {row.signed_on for row in signatories.items}},
        locale=str(get_locale()),
        text=declaration.text_in(str(get_locale())),
        can_sign=can_sign,
    )


@bp.route("/<slug>/signatures.csv")
@public
def signatures_csv(slug: str) -> Response:
    """Export every signatory as CSV, streamed row by row from one query."""
    declaration = public_declaration(slug)
    rows = (
        [row[field] for field in EXPORT_FIELDS]
        for row in map(signature_row, queries.signatures_for_export(declaration))
    )
    return csv_response(EXPORT_FIELDS, rows, f"{declaration.slug}-signatures.csv")


@bp.route("/<slug>/signatures.json")
@public
def signatures_json(slug: str) -> Response:
    """Export every signatory as JSON, streamed row by row from one query like the CSV."""
    declaration = public_declaration(slug)
    name = json.dumps(declaration.slug)

    def body() -> Iterator[str]:
        yield f'{{"declaration":{name},"signatures":['
        for number, row in enumerate(queries.signatures_for_export(declaration)):
            item = json.dumps(signature_row(row), sort_keys=True, separators=(",", ":"))
            yield f",{item}" if number else item
        yield "]}\n"

    return Response(stream_with_context(chunked(body())), mimetype="application/json")


@bp.route("/feed.atom")
@public
def feed() -> Response:
    """Publish the declarations as an Atom feed."""
    declarations = list(db.session.scalars(queries.public_statement().limit(50)))
    body = render_template(
        "declarations/feed.xml", declarations=declarations, locale=str(get_locale())
    )
    return Response(body, mimetype="application/atom+xml")


def _password_failed(response: Response) -> bool:
    return response.status_code == 422


def _signer_key() -> str:
    return f"sign-password:{current_user.get_id().partition(':')[0]}"


@bp.route("/<slug>/sign", methods=["GET", "POST"])
@role_required(Role.delegate)
@limiter.limit(
    lambda: current_app.config["SIGN_PASSWORD_LIMIT"],
    methods=["POST"],
    key_func=_signer_key,
    deduct_when=_password_failed,
)
def sign(slug: str) -> Response | str | tuple[str, int]:
    """Sign the declaration for one's city (signing authority, password re-entered)."""
    declaration = public_declaration(slug)
    services.check_can_sign(declaration, current_user)  # refused before any password is typed
    form = SignForm()
    if form.validate_on_submit():
        try:
            signature = services.sign(
                declaration,
                name=form.signatory_name.data,
                title=form.signatory_title.data,
                password=form.password.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            code = signature.verification_code
            db.session.commit()
            flash(
                _(
                    "%(city)s has signed. The signature's public verification code is %(code)s.",
                    city=current_user.city.name,
                    code=code,
                ),
                "success",
            )
            return redirect(url_for("declarations.show", slug=declaration.slug))
    else:
        status = 422 if form.is_submitted() else 200
    return render_template(
        "declarations/sign.html",
        declaration=declaration,
        form=form,
        text=declaration.text_in(str(get_locale())),
        locale=str(get_locale()),
    ), status

"""Public declaration pages, exports and feed; delegates sign for their city."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.api import views as api_views
from network.api.serializers import signature_row
from network.auth.models import Role, User
from network.cities import queries as city_queries
from network.cities.models import City
from network.common import clock, feeds
from network.common.decorators import public, role_required
from network.common.enums import label
from network.common.errors import DomainError
from network.common.export import csv_response
from network.common.forms import show_error
from network.common.languages import asked_language, content_language, is_same_language
from network.common.pagination import Window, page_request
from network.common.templating import city_name
from network.db import db
from network.declarations import queries, services
from network.declarations.forms import SignForm
from network.declarations.models import (
    Declaration,
    DeclarationStatus,
    DeclarationText,
    Signature,
    SignatureMode,
)
from network.extensions import limiter

bp = Blueprint("declarations", __name__, url_prefix="/declarations")

DECLARATIONS_PER_PAGE = 25
# A declaration of the whole network has 13,000 signatories: the page shows them a
# hundred at a time; the CSV export gives the full list, the JSON one pages of it.
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


@dataclass(frozen=True)
class SigningState:
    """Where the reader's city stands with a declaration: signed, may sign, or why not."""

    city: City
    signature: Signature | None  # the city's signature, once it has signed
    refusal: DomainError | None  # why the reader cannot sign now, if they cannot
    signers: list[User]  # who in the city may sign, told to a delegate who may not

    @property
    def may_sign(self) -> bool:
        """Tell whether the reader may sign now (the city has not signed, nothing refuses)."""
        return self.signature is None and self.refusal is None

    @property
    def reason(self) -> str | None:
        """Name the refusal for the page: no-authority, not-in-good-standing or not-open."""
        if isinstance(self.refusal, services.NoSigningAuthority):
            return "no-authority"
        if isinstance(self.refusal, services.NotInGoodStanding):
            return "not-in-good-standing"
        return None if self.refusal is None else "not-open"


def signing_state(declaration: Declaration) -> SigningState | None:
    """Tell a delegate where their city stands with the declaration (None for anyone else).

    The refusal is the one the service would give (``services.check_can_sign``), so
    the page says beforehand what signing would answer.
    """
    if not current_user.is_authenticated or current_user.role is not Role.delegate:
        return None
    city = current_user.city
    if city is None:
        return None
    refusal = None
    try:
        services.check_can_sign(declaration, current_user)
    except DomainError as error:
        refusal = error
    return SigningState(
        city=city,
        signature=queries.city_signature(declaration.id, city.id),
        refusal=refusal,
        signers=city_queries.signers_of(city.id)
        if isinstance(refusal, services.NoSigningAuthority)
        else [],
    )


def _content_language(declaration: Declaration) -> str:
    """Return the language to show the text in: the one asked for with ?lang=, else the reader's."""
    return asked_language(declaration.texts) or str(get_locale())


@bp.route("/<slug>")
@public
def show(slug: str) -> str:
    """Show a declaration in the reader's language (or ?lang=), with a page of its signatories."""
    declaration = public_declaration(slug)
    total, standing = queries.signature_tally(declaration.id)
    wanted = page_request(request.args, SIGNATORIES_PER_PAGE)
    locale = str(get_locale())
    signatories = Window.read(
        wanted,
        total,
        functools.partial(queries.signatory_page, declaration.id, language=locale),
    )
    language = _content_language(declaration)
    return render_template(
        "declarations/show.html",
        declaration=declaration,
        signatories=signatories,
        standing=standing,
        # Each label and date formatted once per page, not once per row.
        modes={mode: label(mode) for mode in SignatureMode},
        dates={day: format_date(day) for day in {row.signed_on for row in signatories.items}},
        locale=locale,
        language=language,
        text=declaration.text_in(language),
        signing=signing_state(declaration),
    )


def _export_language() -> str:
    """Return the language the export names cities in: ``?lang=``, else the reader's.

    Read as the API reads it (``en-US`` is ``en``): a value that is no language tag
    answers 400, as the JSON list and every other export do, rather than being ignored.
    """
    return api_views.content_language()


@bp.route("/<slug>/signatures.csv")
@public
def signatures_csv(slug: str) -> Response:
    """Export every signatory as CSV, streamed row by row from one query."""
    declaration = public_declaration(slug)
    rows = (
        [row[field] for field in EXPORT_FIELDS]
        for row in map(
            signature_row,
            queries.signatures_for_export(declaration, language=_export_language()),
        )
    )
    return csv_response(EXPORT_FIELDS, rows, f"{declaration.slug}-signatures.csv")


@bp.route("/<slug>/signatures.json")
@public
def signatures_json(slug: str) -> Response | tuple[Response, int]:
    """List the signatories as JSON, paginated as the API's lists (``page``, ``per_page``).

    The same list as ``/api/v1/declarations/<slug>/signatures``, documented in the
    OpenAPI document; the CSV export gives the full list in one file.
    """
    api_views.refuse_ambiguous_parameters()
    return api_views.declaration_signatures(slug)


@dataclass(frozen=True)
class FeedEntry:
    """A declaration as a feed entry: its text in the feed's language, and its times."""

    declaration: Declaration
    text: DeclarationText | None
    language: str | None  # the text's BCP 47 tag, for xml:lang
    published: datetime
    updated: datetime


def feed_entry(declaration: Declaration, language: str, signed: datetime | None) -> FeedEntry:
    """Describe ``declaration`` for the feed in ``language``.

    Published when it was opened (not before it was recorded); updated by its latest
    signature or withdrawal, or its closing, whichever came last.
    """
    text = next(
        (text for code, text in declaration.texts.items() if is_same_language(code, language)),
        None,
    ) or declaration.text_in(language)
    published = feeds.latest(declaration.created_at, feeds.start_of(declaration.opened_on))
    tag = content_language(text.language) if text is not None else None
    return FeedEntry(
        declaration=declaration,
        text=text,
        language=tag.tag if tag else None,
        published=published,
        updated=feeds.latest(published, signed, feeds.start_of(declaration.closed_on)),
    )


@bp.route("/feed.atom")
@public
def feed() -> Response:
    """Publish the declarations as an Atom feed, in ``?lang=`` or the reader's language."""
    language = feeds.feed_language()
    declarations = list(db.session.scalars(queries.public_statement().limit(50)))
    signed = queries.signature_times([declaration.id for declaration in declarations])
    entries = sorted(
        (
            feed_entry(declaration, language.content, signed.get(declaration.id))
            for declaration in declarations
        ),
        key=lambda entry: (entry.updated, entry.declaration.id),
        reverse=True,
    )
    return feeds.atom_response(
        "declarations/feed.xml",
        language,
        entries=entries,
        updated=feeds.feed_updated(entry.updated for entry in entries),
    )


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
    """Sign the declaration for one's city (signing authority, password re-entered).

    A delegate who cannot sign is told why instead of being given the form: their city
    has signed already (when, by whom, with the verification code), they have no
    signing authority (and who in their city has), or the city is not in good standing.
    """
    declaration = public_declaration(slug)
    state = signing_state(declaration)
    if state is None:  # a delegate of no city
        raise services.NoSigningAuthority()
    if state.signature is not None:
        if request.method == "POST":
            flash(
                _(
                    "%(city)s has already signed this declaration.",
                    city=city_name(state.city),
                ),
                "error",
            )
        return _sign_page(declaration, state, None, 409 if request.method == "POST" else 200)
    if state.refusal is not None:  # refused before any password is typed
        return _sign_page(declaration, state, None, state.refusal.status)
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
            # Signed meanwhile by another delegate of the city: show that signature.
            state = signing_state(declaration) or state
            return _sign_page(declaration, state, form, error.status)
        code = signature.verification_code
        db.session.commit()
        flash(
            _(
                "%(city)s has signed. The signature's public verification code is %(code)s.",
                city=city_name(state.city),
                code=code,
            ),
            "success",
        )
        return redirect(url_for("declarations.show", slug=declaration.slug))
    if not form.is_submitted():
        # Prefilled from the account (editable): its name, and the title it last signed with.
        form.signatory_name.data = current_user.name
        form.signatory_title.data = queries.last_title_signed_by(current_user.id) or ""
    return _sign_page(declaration, state, form, 422 if form.is_submitted() else 200)


def _sign_page(
    declaration: Declaration, state: SigningState, form: SignForm | None, status: int
) -> tuple[str, int]:
    language = _content_language(declaration)
    return render_template(
        "declarations/sign.html",
        declaration=declaration,
        signing=state,
        form=form if state.may_sign else None,
        modes={mode: label(mode) for mode in SignatureMode},
        language=language,
        text=declaration.text_in(language),
        locale=str(get_locale()),
    ), status

"""The secretariat's declaration pages: draft, open, close, paper signatures, withdrawals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth.models import Role
from network.auth.reauth import after_password, reauth_limit
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import role_required
from network.common.errors import Conflict, DomainError
from network.common.forms import EmptyForm, perform, show_error
from network.db import db
from network.declarations import queries, services
from network.declarations.forms import DeclarationForm, InPersonForm, WithdrawForm
from network.declarations.models import Declaration, DeclarationStatus, Signature

bp = Blueprint("secretariat_declarations", __name__, url_prefix="/secretariat/declarations")


def _declaration_or_404(slug: str) -> Declaration:
    found = queries.declaration(slug)
    if found is None:
        abort(404)
    return found


def _entries(form: DeclarationForm) -> list[services.TextEntry]:
    return [
        services.TextEntry(
            row.form.language.data,
            row.form.title.data,
            row.form.preamble.data or "",
            row.form.commitment_list(),
        )
        for row in form.texts
        if not row.form.is_blank()
    ]


def _in_person_form() -> InPersonForm:
    form = InPersonForm()
    form.city.choices = [SelectChoice(c.slug, c.name) for c in city_queries.all_cities_for_choice()]
    return form


def _page(
    declaration: Declaration | None,
    form: DeclarationForm,
    status: int,
    in_person: InPersonForm | None = None,
) -> tuple[str, int]:
    while (
        len(form.texts) < form.texts.max_entries
        and sum(row.form.is_blank() for row in form.texts) < 1
    ):
        form.texts.append_entry()
    signatures = queries.signatures(declaration) if declaration else []
    return render_template(
        "secretariat/declaration.html",
        declaration=declaration,
        form=form,
        in_person=in_person or _in_person_form(),
        withdraw_form=WithdrawForm(),
        button=EmptyForm(),
        signatures=signatures,
    ), status


@bp.route("/")
@role_required(Role.secretariat)
def index() -> str:
    """List every declaration, drafts included."""
    return render_template("secretariat/declarations.html", declarations=queries.all_declarations())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<slug>", methods=["GET", "POST"])
@role_required(Role.secretariat)
def edit(slug: str | None = None) -> Response | tuple[str, int]:
    """Draft a declaration, or change a draft; manage its signatures once open."""
    declaration = _declaration_or_404(slug) if slug else None
    form = DeclarationForm()
    if request.method == "GET":
        if declaration is not None:
            form.slug.data = declaration.slug
            form.authoritative_language.data = declaration.authoritative_language
            form.signatures_close_on.data = declaration.signatures_close_on
            while len(form.texts):
                form.texts.pop_entry()
            for language, text in sorted(declaration.texts.items()):
                form.texts.append_entry(
                    {
                        "language": language,
                        "title": text.title,
                        "preamble": text.preamble,
                        "commitments": "\n\n".join(text.commitments),
                    }
                )
        return _page(declaration, form, 200)
    if declaration is not None and declaration.status is not DeclarationStatus.draft:
        # The page shows no text form once open, so a form error would go unseen.
        raise Conflict(_("Only a draft can be changed."))
    if form.validate_on_submit():
        try:
            saved = services.save_declaration(
                declaration,
                slug=form.slug.data,
                actor=current_user,
                now=clock.now(),
                authoritative_language=form.authoritative_language.data,
                texts=_entries(form),
                signatures_close_on=form.signatures_close_on.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The declaration is saved."), "success")
            return redirect(url_for("secretariat_declarations.edit", slug=saved.slug))
    return _page(declaration, form, 422)


def _act(slug: str, action, message: str) -> Response:  # noqa: ANN001
    declaration = _declaration_or_404(slug)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: action(declaration),
            message,
        )
    return redirect(url_for("secretariat_declarations.edit", slug=declaration.slug))


@bp.route("/<slug>/open", methods=["POST"])
@role_required(Role.secretariat)
def open_for_signature(slug: str) -> Response:
    """Open the declaration for signature."""
    return _act(
        slug,
        lambda d: services.open_for_signature(d, actor=current_user, now=clock.now()),
        _("The declaration is open for signature."),
    )


@bp.route("/<slug>/close", methods=["POST"])
@role_required(Role.secretariat)
def close(slug: str) -> Response:
    """Close the declaration to new signatures."""
    return _act(
        slug,
        lambda d: services.close(d, actor=current_user, now=clock.now()),
        _("The declaration is closed."),
    )


@bp.route("/<slug>/in-person", methods=["POST"])
@role_required(Role.secretariat)
def in_person(slug: str) -> Response | tuple[str, int]:
    """Record a signature made on paper at an event."""
    declaration = _declaration_or_404(slug)
    form = _in_person_form()
    if form.validate_on_submit():
        city = city_queries.city_by_slug(form.city.data)
        try:
            services.record_in_person(
                declaration,
                city,
                name=form.signatory_name.data,
                title=form.signatory_title.data,
                signed_on=form.signed_on.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The signature of %(city)s is recorded.", city=city.name), "success")
            return redirect(url_for("secretariat_declarations.edit", slug=declaration.slug))
    edit_form = DeclarationForm()
    return _page(declaration, edit_form, 422, in_person=form)


@bp.route("/<slug>/signatures/<int:signature_id>/withdraw", methods=["POST"])
@role_required(Role.secretariat)
@reauth_limit
def withdraw(slug: str, signature_id: int) -> Response:
    """Withdraw a signature, with the reason recorded (the officer's password asked again)."""
    declaration = _declaration_or_404(slug)
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.declaration_id != declaration.id:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the withdrawal and type your password."), "error")
    else:
        perform(
            after_password(
                form.password.data,
                lambda: services.withdraw(
                    signature, form.reason.data, actor=current_user, now=clock.now()
                ),
            ),
            _("The signature is withdrawn; it stays listed as withdrawn."),
        )
    return redirect(url_for("secretariat_declarations.edit", slug=declaration.slug))

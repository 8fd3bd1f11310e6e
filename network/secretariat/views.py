"""The secretariat's pages: cities and accounts. They own no models; they call services."""

from __future__ import annotations

import pycountry
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth import services as accounts
from network.auth.forms import AccountForm, ConfirmPasswordForm, EditAccountForm, InviteForm
from network.auth.models import Role, User
from network.auth.queries import account_list_statement, pending_invitation
from network.auth.reauth import after_password, reauth_limit
from network.cities import queries as city_queries
from network.cities import services as cities
from network.cities.forms import CityForm, NewCityForm, StatusForm
from network.cities.models import City, MembershipStatus, Region
from network.common import clock
from network.common.decorators import role_required
from network.common.errors import DomainError
from network.common.forms import EmptyForm, perform, show_error
from network.common.pagination import page_request
from network.db import db
from network.notices import reminders
from network.secretariat import dashboard
from network.votes.models import Vote

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")
BLANK_TEXT_ROWS = 2


def _city_or_404(slug: str) -> City:
    city = city_queries.city_by_slug(slug)
    if city is None:
        abort(404)
    return city


def _country_choices() -> list[SelectChoice]:
    names = get_locale().territories
    countries = sorted(
        (names.get(country.alpha_2, country.name), country.alpha_2)
        for country in pycountry.countries
    )
    return [SelectChoice("", _("Choose a country"))] + [
        SelectChoice(code, name) for name, code in countries
    ]


def _details_from(form: CityForm) -> cities.CityDetails:
    texts = [
        cities.TextEntry(
            language=row.form.language.data.strip(),
            name=(row.form.name.data or "").strip() or None,
            profile=(row.form.profile.data or "").strip() or None,
        )
        for row in form.texts
        if not row.form.is_blank()
    ]
    return cities.CityDetails(
        name=form.name.data.strip(),
        country=form.country.data,
        region=Region(form.region.data),
        website=form.website.data or None,
        texts=texts,
    )


def _add_blank_rows(form: CityForm) -> None:
    while (
        len(form.texts) < form.texts.max_entries
        and sum(row.form.is_blank() for row in form.texts) < BLANK_TEXT_ROWS
    ):
        form.texts.append_entry()


@bp.route("/")
@role_required(Role.secretariat)
def index() -> str:
    """Show the secretariat's dashboard: what is under way, what awaits it, every desk.

    Open votes with their turnout and the cities yet to vote, the openings and closings
    to come, motions awaiting a vote, elections by stage, declarations with their
    signatures, invitations not yet accepted and the meetings ahead (``dashboard``).
    """
    now = clock.now()
    return render_template(
        "secretariat/index.html",
        counts=city_queries.status_counts(),
        board=dashboard.dashboard(now=now, today=now.date()),
        now=now,
    )


@bp.route("/votes/<int:vote_id>/remind", methods=["POST"])
@role_required(Role.secretariat)
def remind_now(vote_id: int) -> Response:
    """Remind the delegates of the cities that have not voted in an open vote, at once."""
    vote = db.get_or_404(Vote, vote_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: reminders.remind_now(vote, actor=current_user, now=clock.now()),
            _("A reminder is on its way to the delegates of the cities that have not voted."),
        )
    return redirect(url_for("secretariat.index"))


@bp.route("/cities")
@role_required(Role.secretariat)
def cities_index() -> str:
    """List every city with its status, for management."""
    return render_template("secretariat/cities.html", cities=city_queries.all_cities_for_choice())


@bp.route("/cities/new", methods=["GET", "POST"])
@role_required(Role.secretariat)
def new_city() -> Response | tuple[str, int] | str:
    """Register a city as an applicant."""
    form = NewCityForm()
    form.country.choices = _country_choices()
    if request.method == "GET":
        form.applied_on.data = clock.today()
        form.texts[0].form.language.data = "ko"
    if form.validate_on_submit():
        try:
            city = cities.create_city(
                _details_from(form),
                slug=form.slug.data or None,
                applied_on=form.applied_on.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("%(city)s is registered as an applicant.", city=city.name), "success")
            return redirect(url_for("cities.show", slug=city.slug))
    _add_blank_rows(form)
    status = 422 if form.is_submitted() else 200
    return render_template("secretariat/city_form.html", form=form, city=None), status


@bp.route("/cities/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.secretariat)
def edit_city(slug: str) -> Response | tuple[str, int] | str:
    """Edit a city's names, country, region, website and profiles."""
    city = _city_or_404(slug)
    form = CityForm(obj=None)
    form.country.choices = _country_choices()
    if request.method == "GET":
        form.name.data, form.country.data = city.name, city.country
        form.region.data, form.website.data = city.region.value, city.website
        while len(form.texts):
            form.texts.pop_entry()
        for language, text in sorted(city.texts.items()):
            form.texts.append_entry(
                {"language": language, "name": text.name or "", "profile": text.profile or ""}
            )
    if form.validate_on_submit():
        try:
            cities.update_city(city, _details_from(form), actor=current_user, now=clock.now())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("%(city)s is updated.", city=city.name), "success")
            return redirect(url_for("cities.show", slug=city.slug))
    _add_blank_rows(form)
    status = 422 if form.is_submitted() else 200
    return render_template("secretariat/city_form.html", form=form, city=city), status


@bp.route("/cities/<slug>/status", methods=["GET", "POST"])
@role_required(Role.secretariat)
def change_status(slug: str) -> Response | tuple[str, int] | str:
    """Move a city to another membership status, with a date and a reason."""
    city = _city_or_404(slug)
    form = StatusForm()
    form.set_targets(city.status)
    if request.method == "GET":
        form.effective_on.data = clock.today()
    if form.validate_on_submit():
        try:
            cities.change_status(
                city,
                MembershipStatus(form.status.data),
                effective_on=form.effective_on.data,
                reason=form.reason.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The status of %(city)s is changed.", city=city.name), "success")
            return redirect(url_for("cities.show", slug=city.slug))
    status = 422 if form.is_submitted() else 200
    return render_template("secretariat/city_status.html", form=form, city=city), status


def _city_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No city"))] + [
        SelectChoice(city.slug, city.name) for city in city_queries.all_cities_for_choice()
    ]


def _account_details(form: AccountForm) -> accounts.AccountDetails:
    role = Role(form.role.data)
    city = city_queries.city_by_slug(form.city.data) if form.city.data else None
    return accounts.AccountDetails(
        name=form.name.data,
        role=role,
        city=city,
        organisation=(form.organisation.data or "").strip() or None,
        signing_authority=bool(form.signing_authority.data),
    )


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/accounts")
@role_required(Role.secretariat)
def accounts_index() -> str:
    """List accounts, newest first, with their role, city and state."""
    role = request.args.get("role")
    wanted = page_request(request.args, 50)
    pagination = db.paginate(
        account_list_statement(Role(role) if role in set(Role) else None),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template(
        "secretariat/accounts.html", pagination=pagination, roles=list(Role), role=role
    )


@bp.route("/accounts/invite", methods=["GET", "POST"])
@role_required(Role.secretariat)
def invite() -> Response | tuple[str, int] | str:
    """Invite a person: the account waits for them to set a password."""
    form = InviteForm()
    form.city.choices = _city_choices()
    if form.validate_on_submit():
        try:
            user, _invitation = accounts.invite_user(
                form.email.data, _account_details(form), actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The invitation for %(name)s is on its way by e-mail. If it does not "
                    "arrive, issue a new invitation link from this page.",
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("secretariat.account", user_id=user.id))
    status = 422 if form.is_submitted() else 200
    return render_template("secretariat/invite.html", form=form), status


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.secretariat)
@reauth_limit
def account(user_id: int) -> Response | tuple[str, int] | str:
    """Show and edit an account (the officer's password asked again); show its invitation."""
    user = _user_or_404(user_id)
    form = EditAccountForm()
    form.city.choices = _city_choices()
    if request.method == "GET":
        form.name.data, form.role.data = user.name, user.role.value
        form.city.data = user.city.slug if user.city else ""
        form.organisation.data, form.signing_authority.data = (
            user.organisation,
            user.signing_authority,
        )
    if form.validate_on_submit():
        try:
            after_password(
                form.password.data,
                lambda: accounts.update_account(
                    user, _account_details(form), actor=current_user, now=clock.now()
                ),
            )()
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The account of %(name)s is updated.", name=user.name), "success")
            return redirect(url_for("secretariat.account", user_id=user.id))
    invitation = pending_invitation(user, clock.now())
    link = (
        url_for(
            "auth.accept_invitation", token=accounts.invitation_token(invitation), _external=True
        )
        if invitation
        else None
    )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "secretariat/account.html",
        form=form,
        user=user,
        invitation=invitation,
        link=link,
        button=EmptyForm(),
        reset_form=ConfirmPasswordForm(prefix="reset"),
    ), status


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@role_required(Role.secretariat)
def set_active(user_id: int) -> Response:
    """Deactivate or reactivate an account."""
    user = _user_or_404(user_id)
    form = EmptyForm()
    wanted = request.form.get("active") == "1"
    if form.validate_on_submit():
        try:
            accounts.set_active(user, wanted, actor=current_user, now=clock.now())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(
                _("The account is reactivated.")
                if wanted
                else _("The account is deactivated and its sessions ended."),
                "success",
            )
    return redirect(url_for("secretariat.account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/invitation", methods=["POST"])
@role_required(Role.secretariat)
def renew_invitation(user_id: int) -> Response:
    """Issue a fresh invitation link, revoking the old one."""
    user = _user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: accounts.renew_invitation(user, actor=current_user, now=clock.now()),
            _("A new invitation link is ready; the old one no longer works."),
        )
    return redirect(url_for("secretariat.account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/two-factor/reset", methods=["POST"])
@role_required(Role.secretariat)
@reauth_limit
def reset_two_factor(user_id: int) -> Response:
    """Clear a person's second factor after a lost phone (the officer's password asked again)."""
    user = _user_or_404(user_id)
    form = ConfirmPasswordForm(prefix="reset")
    if form.validate_on_submit():
        perform(
            after_password(
                form.password.data,
                lambda: accounts.reset_two_factor(user, actor=current_user, now=clock.now()),
            ),
            _(
                "Two-factor authentication of %(name)s is reset; they set it up again at "
                "their next login.",
                name=user.name,
            ),
        )
    else:
        flash(_("Type your password to reset two-factor authentication."), "error")
    return redirect(url_for("secretariat.account", user_id=user.id))

"""The library of practices: search, a practice's page, the editor, the feed and the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.cities.models import Region
from network.common import clock, feeds
from network.common.decorators import public, role_required
from network.common.errors import DomainError
from network.common.export import csv_response
from network.common.forms import EmptyForm, perform, show_error
from network.common.http import search_text
from network.common.languages import asked_language, content_language, is_same_language
from network.common.pagination import page_request
from network.db import db
from network.practices import documents, queries, rules, services
from network.practices.forms import PracticeForm
from network.practices.models import Instrument, Pillar, Practice, PracticeStatus, PracticeText

bp = Blueprint("practices", __name__, url_prefix="/practices")

PRACTICES_PER_PAGE = 20


def _lenient(enum_class: type, name: str) -> Any:
    """Read a filter of the page: a value outside the enum means "any" (the API refuses it)."""
    try:
        return enum_class(request.args.get(name, ""))
    except ValueError:
        return None


def typed_city() -> str:
    """Return the city filter as the reader gave it (an address, or a name typed)."""
    return (request.args.get("city") or "").strip()[:64]


def page_filters() -> tuple[str | None, queries.PracticeFilter]:
    """Read the library's query and filters from the page's address."""
    typed = typed_city()
    city = queries.city_slug_named(typed) if typed else None
    return search_text(request.args.get("q")), queries.PracticeFilter(
        pillar=_lenient(Pillar, "pillar"),
        instrument=_lenient(Instrument, "instrument"),
        region=_lenient(Region, "region"),
        city=city,
    )


def _readable(slug: str) -> Practice:
    """Return a practice the reader may see (a draft: its city's delegates, the secretariat)."""
    found = queries.practice(slug)
    if found is None or not rules.can_read(
        current_user, city_id=found.city_id, published=found.is_published
    ):
        abort(404)
    return found


def _writable(slug: str) -> Practice:
    found = queries.practice(slug)
    if found is None:
        abort(404)
    if not rules.writes_for(current_user, found.city_id):
        raise services.NotTheCitysDelegate()
    return found


@bp.route("/")
@public
def index() -> str:
    """Search the published practices in every language, filtered, a page at a time."""
    query, filters = page_filters()
    results = queries.search(query, filters, page_request(request.args, PRACTICES_PER_PAGE))
    own_city = (
        current_user.city
        if current_user.is_authenticated and current_user.role is Role.delegate
        else None
    )
    return render_template(
        "practices/index.html",
        query=query or "",
        filters=filters,
        results=results,
        pillars=list(Pillar),
        instruments=list(Instrument),
        regions=list(Region),
        cities=queries.cities_with_practices(),
        city_typed=typed_city(),
        own_city=own_city,
        drafts=queries.drafts_of(own_city.id) if own_city else [],
        locale=str(get_locale()),
    )


@bp.route("/<slug>")
@public
def show(slug: str) -> str:
    """Show a practice in the reader's language (or ?lang=), saying which text prevails."""
    practice = _readable(slug)
    language = asked_language(practice.texts) or str(get_locale())
    return render_template(
        "practices/show.html",
        practice=practice,
        text=practice.text_in(language),
        wanted=language,
        may_write=rules.writes_for(current_user, practice.city_id),
        may_feature=rules.can_feature(current_user),
        documents=practice.documents,
        may_manage=documents.can_manage(current_user, practice),
        button=EmptyForm(),
        locale=str(get_locale()),
    )


def _entry(form: PracticeForm, slug: str) -> services.PracticeEntry:
    return services.PracticeEntry(
        slug=slug,
        authoritative_language=form.authoritative_language.data,
        texts=[
            services.TextEntry(
                row.form.language.data,
                row.form.title.data or "",
                row.form.summary.data or "",
                row.form.body.data or "",
            )
            for row in form.texts
            if not row.form.is_blank()
        ],
        pillars=[Pillar(value) for value in form.pillars.data or []],
        instrument=Instrument(form.instrument.data),
        status=PracticeStatus(form.status.data) if form.status.data else None,
        started_on=form.started_on.data,
        links=form.link_list(),
    )


def _fill_form(form: PracticeForm, practice: Practice) -> None:
    form.slug.data = practice.slug
    form.authoritative_language.data = practice.authoritative_language
    form.pillars.data = [pillar.value for pillar in practice.pillars]
    form.instrument.data = practice.instrument.value
    form.status.data = practice.status.value if practice.status else ""
    form.started_on.data = practice.started_on
    form.links.data = "\n".join(practice.links or [])
    while len(form.texts):
        form.texts.pop_entry()
    ordered = sorted(
        practice.texts.items(),
        key=lambda item: (item[0] != practice.authoritative_language, item[0]),
    )
    for language, text in ordered:
        form.texts.append_entry(
            {"language": language, "title": text.title, "summary": text.summary, "body": text.body}
        )
    if len(form.texts) < 2:
        form.texts.append_entry()


def _editor(practice: Practice | None, form: PracticeForm, status: int) -> tuple[str, int]:
    return render_template("practices/edit.html", practice=practice, form=form), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.delegate)
def new() -> Response | tuple[str, int]:
    """Draft a practice for the delegate's city."""
    city = current_user.city
    if city is None:
        raise services.NotTheCitysDelegate()
    form = PracticeForm()
    if request.method == "GET":
        form.authoritative_language.data = str(get_locale())
        return _editor(None, form, 200)
    if form.validate_on_submit():
        try:
            saved = services.save_practice(
                None, _entry(form, form.slug.data), city=city, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            slug = saved.slug
            db.session.commit()
            flash(_("The draft is saved. Publish it when it is ready."), "success")
            return redirect(url_for("practices.show", slug=slug))
    return _editor(None, form, 422)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.delegate)
def edit(slug: str) -> Response | tuple[str, int]:
    """Change a practice of the delegate's city (once published, the change is public)."""
    practice = _writable(slug)
    form = PracticeForm()
    if request.method == "GET":
        _fill_form(form, practice)
        return _editor(practice, form, 200)
    form.slug.data = practice.slug  # the address never changes
    if form.validate_on_submit():
        try:
            services.save_practice(
                practice,
                _entry(form, practice.slug),
                city=practice.city,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The practice is saved."), "success")
            return redirect(url_for("practices.show", slug=slug))
    return _editor(practice, form, 422)


@bp.route("/<slug>/publish", methods=["POST"])
@role_required(Role.delegate)
def publish(slug: str) -> Response:
    """Publish a draft of the delegate's city."""
    practice = _writable(slug)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.publish(practice, actor=current_user, now=clock.now()),
            _("The practice is published: anyone can read it now."),
        )
    return redirect(url_for("practices.show", slug=slug))


@bp.route("/<slug>/feature", methods=["POST"])
@role_required(Role.secretariat)
def feature(slug: str) -> Response:
    """Feature a published practice in the library (``featured=0``: stop featuring it)."""
    practice = queries.practice(slug)
    if practice is None:
        abort(404)
    featured = request.form.get("featured", "1") != "0"
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.set_featured(practice, featured, actor=current_user, now=clock.now()),
            _("The practice is featured in the library.")
            if featured
            else _("The practice is no longer featured."),
        )
    return redirect(url_for("practices.show", slug=slug))


@dataclass(frozen=True)
class FeedEntry:
    """A practice as a feed entry: its text in the feed's language, and its times."""

    practice: Practice
    text: PracticeText | None
    language: str | None  # the text's BCP 47 tag, for xml:lang
    published: datetime
    updated: datetime


def feed_entry(practice: Practice, language: str) -> FeedEntry:
    """Describe ``practice`` for the feed in ``language`` (else its authoritative text)."""
    text = next(
        (text for code, text in practice.texts.items() if is_same_language(code, language)),
        None,
    ) or practice.text_in(language)
    tag = content_language(text.language) if text is not None else None
    published = practice.published_at
    return FeedEntry(
        practice=practice,
        text=text,
        language=tag.tag if tag else None,
        published=published,
        updated=max(published, practice.updated_at),
    )


@bp.route("/feed.atom")
@public
def feed() -> Response:
    """Publish the newest practices as an Atom feed, in ``?lang=`` or the reader's language."""
    language = feeds.feed_language()
    entries = [feed_entry(practice, language.content) for practice in queries.latest_published()]
    return feeds.atom_response(
        "practices/feed.xml",
        language,
        entries=entries,
        updated=feeds.feed_updated(entry.updated for entry in entries),
    )


EXPORT_FIELDS = [
    "slug",
    "city",
    "title",
    "language",
    "authoritative_language",
    "pillars",
    "instrument",
    "status",
    "started_on",
    "published_at",
    "featured",
    "url",
]


@bp.route("/export.csv")
@public
def export_csv() -> Response:
    """Export the published practices matching the page's search and filters, as CSV."""
    query, filters = page_filters()
    language = str(get_locale())
    wanted = (request.args.get("lang") or "").strip()[:16]
    if wanted and content_language(wanted) is not None:
        language = wanted
    # Read before the answer streams: the rows need the texts and cities loaded with them.
    found = list(db.session.scalars(queries.search_statement(query, filters)))
    rows = [
        [row[name] for name in EXPORT_FIELDS] for row in (export_row(p, language) for p in found)
    ]
    return csv_response(EXPORT_FIELDS, rows, "practices.csv")


def export_row(practice: Practice, language: str) -> dict[str, Any]:
    """Return a practice as a CSV row, its text in ``language`` (else the authoritative)."""
    text = practice.text_in(language)
    return {
        "slug": practice.slug,
        "city": practice.city.slug,
        "title": text.title if text else "",
        "language": text.language if text else "",
        "authoritative_language": practice.authoritative_language,
        "pillars": " ".join(pillar.value for pillar in practice.pillars),
        "instrument": practice.instrument.value,
        "status": practice.status.value if practice.status else "",
        "started_on": practice.started_on.isoformat() if practice.started_on else "",
        "published_at": practice.published_at.isoformat() if practice.published_at else "",
        "featured": "true" if practice.featured else "false",
        "url": url_for("practices.show", slug=practice.slug, _external=True),
    }

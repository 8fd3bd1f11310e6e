"""Indicators: the list, an indicator across cities, a city over the years, the editors.

Each chart is drawn on the server (``network.common.charts``) and has the same figures
beside it as a table with a caption, for whoever cannot see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.cities.models import City
from network.common import clock
from network.common.charts import bar_chart
from network.common.decorators import public, role_required
from network.common.errors import DomainError
from network.common.export import csv_response
from network.common.forms import EmptyForm, perform, show_error
from network.common.templating import city_name
from network.db import db
from network.indicators import queries, rules, services
from network.indicators.figures import city_series, indicator_name, number, unit_text
from network.indicators.forms import EDITOR_LANGUAGES, CollectionForm, IndicatorForm, ValueForm
from network.indicators.models import (
    Collection,
    Direction,
    Indicator,
    IndicatorValue,
    Unit,
    ValueVersion,
)
from network.practices.models import Pillar

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


def _indicator(code: str) -> Indicator:
    found = queries.indicator(code)
    if found is None:
        abort(404)
    return found


def _city(slug: str) -> City:
    found = queries.city(slug)
    if found is None:
        abort(404)
    return found


def _own_city() -> City | None:
    """Return the reader's city when the reader is a delegate."""
    if current_user.is_authenticated and current_user.role is Role.delegate:
        return current_user.city
    return None


@bp.route("/")
@public
def index() -> str:
    """List the indicators by pillar, the collections, and the secretariat's buttons."""
    found = queries.indicators()
    may_define = rules.can_define(current_user)
    collections = queries.collections()
    open_now = [collection for collection in collections if collection.is_open]
    return render_template(
        "indicators/index.html",
        by_pillar=[
            (pillar, [indicator for indicator in found if indicator.pillar is pillar])
            for pillar in Pillar
        ],
        latest=queries.latest_published_years(),
        collections=collections,
        open_collections=open_now,
        own_city=_own_city(),
        may_define=may_define,
        collection_form=CollectionForm(),
        button=EmptyForm(),
        locale=str(get_locale()),
    )


@dataclass(frozen=True)
class Row:
    """A published figure as a table shows it."""

    city: City
    year: int
    amount: float
    shown: str  # formatted as the chart formats it
    version: ValueVersion


def _rows(versions: list[ValueVersion]) -> list[Row]:
    return [Row(v.value.city, v.value.year, v.amount, number(v.amount), v) for v in versions]


@bp.route("/<code>")
@public
def show(code: str) -> str:
    """Compare the cities' published figures of one year (``?year=``, else the latest)."""
    indicator = _indicator(code)
    years = queries.published_years(indicator.id)
    year = request.args.get("year", type=int)
    if year is None:
        year = years[0] if years else None
    elif year not in years:
        abort(404)
    versions = queries.published(indicator_id=indicator.id, year=year) if year else []
    better_first = indicator.direction is Direction.higher
    rows = sorted(
        _rows(versions),
        key=lambda row: (-row.amount if better_first else row.amount, city_name(row.city)),
    )
    name = indicator_name(indicator)
    unit = unit_text(indicator)
    chart = (
        bar_chart(
            title=_("%(indicator)s in %(year)s, by city", indicator=name, year=year),
            description=ngettext(
                "%(num)s city's published value of %(indicator)s for %(year)s.",
                "%(num)s cities' published values of %(indicator)s for %(year)s, best first.",
                len(rows),
                indicator=name,
                year=year,
            ),
            bars=[(city_name(row.city), row.amount) for row in rows],
            unit=unit,
            chart_id=f"compare-{indicator.code}",
            better=indicator.direction.value,
        )
        if rows
        else None
    )
    collection = queries.open_collection()
    own_city = _own_city()
    return render_template(
        "indicators/show.html",
        indicator=indicator,
        text=indicator.text_in(str(get_locale())),
        name=name,
        unit=unit,
        low=number(indicator.min_value) if indicator.min_value is not None else None,
        high=number(indicator.max_value) if indicator.max_value is not None else None,
        years=years,
        year=year,
        rows=rows,
        chart=chart,
        own_city=own_city,
        may_enter=collection is not None and own_city is not None,
        may_define=rules.can_define(current_user),
        locale=str(get_locale()),
    )


@bp.route("/cities/<city>")
@public
def city(city: str) -> str:
    """Show a city's published figures over the years, a chart and a table per indicator."""
    found_city = _city(city)
    values = queries.values_of_city(found_city.id)
    may_read_drafts = rules.can_read_draft(current_user, found_city.id)
    drafts = [value for value in values if value.draft is not None] if may_read_drafts else []
    series = city_series(found_city, values)
    may_enter = rules.enters_for(current_user, found_city.id)
    collection = queries.open_collection()
    return render_template(
        "indicators/city.html",
        city=found_city,
        series=series,
        drafts=drafts,
        may_enter=may_enter,
        collection=collection,
        indicators=queries.indicators() if may_enter and collection else [],
        button=EmptyForm(),
        number=number,
        locale=str(get_locale()),
    )


def _texts(form: IndicatorForm) -> list[services.TextEntry]:
    return [
        services.TextEntry(
            row.form.language.data, row.form.name.data or "", row.form.definition.data or ""
        )
        for row in form.texts
        if not row.form.is_blank()
    ]


def _optional_number(text: str | None) -> float | None:
    amount = rules.parse_amount(text) if text else None
    return float(amount) if amount is not None else None


def _entry(form: IndicatorForm, code: str) -> services.IndicatorEntry:
    return services.IndicatorEntry(
        code=code,
        texts=_texts(form),
        unit=Unit(form.unit.data),
        direction=Direction(form.direction.data),
        pillar=Pillar(form.pillar.data),
        currency=form.currency.data or None,
        min_value=_optional_number(form.min_value.data),
        max_value=_optional_number(form.max_value.data),
    )


def _fill_texts(form: IndicatorForm, indicator: Indicator | None) -> None:
    while len(form.texts):
        form.texts.pop_entry()
    have = dict(indicator.texts) if indicator else {}
    languages = [*EDITOR_LANGUAGES, *sorted(set(have) - set(EDITOR_LANGUAGES))]
    for language in languages:
        text = have.get(language)
        form.texts.append_entry(
            {
                "language": language,
                "name": text.name if text else "",
                "definition": text.definition if text else "",
            }
        )


def _editor(indicator: Indicator | None, form: IndicatorForm, status: int) -> tuple[str, int]:
    return render_template("indicators/edit.html", indicator=indicator, form=form), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.secretariat)
def new() -> Response | tuple[str, int]:
    """Define an indicator."""
    form = IndicatorForm()
    if request.method == "GET":
        _fill_texts(form, None)
        return _editor(None, form, 200)
    if form.validate_on_submit():
        try:
            saved = services.save_indicator(
                None, _entry(form, form.code.data), actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            code = saved.code
            db.session.commit()
            flash(_("The indicator is defined."), "success")
            return redirect(url_for("indicators.show", code=code))
    return _editor(None, form, 422)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@role_required(Role.secretariat)
def edit(code: str) -> Response | tuple[str, int]:
    """Change an indicator's definition (its code never changes)."""
    indicator = _indicator(code)
    form = IndicatorForm()
    if request.method == "GET":
        form.code.data = indicator.code
        form.pillar.data = indicator.pillar.value
        form.unit.data = indicator.unit.value
        form.currency.data = indicator.currency or ""
        form.direction.data = indicator.direction.value
        form.min_value.data = (
            services.amount_text(indicator.min_value) if indicator.min_value is not None else ""
        )
        form.max_value.data = (
            services.amount_text(indicator.max_value) if indicator.max_value is not None else ""
        )
        _fill_texts(form, indicator)
        return _editor(indicator, form, 200)
    form.code.data = indicator.code  # the address never changes
    if form.validate_on_submit():
        try:
            services.save_indicator(
                indicator, _entry(form, indicator.code), actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The definition is saved."), "success")
            return redirect(url_for("indicators.show", code=code))
    return _editor(indicator, form, 422)


@bp.route("/collections", methods=["POST"])
@role_required(Role.secretariat)
def open_collection() -> Response:
    """Open the yearly collection of values."""
    form = CollectionForm()
    if form.validate_on_submit():
        try:
            collection = services.open_collection(
                year=form.year.data, due_on=form.due_on.data, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            year = collection.year
            db.session.commit()
            flash(_("The collection for %(year)s is open.", year=year), "success")
    else:
        for field in (form.year, form.due_on):
            for message in field.errors:
                flash(f"{field.label.text}: {message}", "error")
    return redirect(url_for("indicators.index"))


@bp.route("/collections/<int:collection_id>/close", methods=["POST"])
@role_required(Role.secretariat)
def close_collection(collection_id: int) -> Response:
    """Close a collection: drafts not published stay unpublished."""
    collection = queries.collection(collection_id)
    if collection is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.close_collection(collection, actor=current_user, now=clock.now()),
            _("The collection is closed."),
        )
    return redirect(url_for("indicators.index"))


def _delegate_city() -> City:
    city = current_user.city
    if city is None:
        raise services.NotTheCitysDelegate()
    return city


def _value_page(
    indicator: Indicator,
    city: City,
    collection: Collection | None,
    form: ValueForm,
    value: IndicatorValue | None,
    status: int,
) -> tuple[str, int]:
    return (
        render_template(
            "indicators/value.html",
            indicator=indicator,
            name=indicator_name(indicator),
            unit=unit_text(indicator),
            city=city,
            collection=collection,
            form=form,
            value=value,
            revising=value is not None and value.current is not None,
            number=number,
        ),
        status,
    )


@bp.route("/<code>/value", methods=["GET", "POST"])
@role_required(Role.delegate)
def enter(code: str) -> Response | tuple[str, int]:
    """Enter the delegate's city's value of an indicator (``?year=``), saved as a draft."""
    indicator = _indicator(code)
    city = _delegate_city()
    collection = queries.open_collection()
    form = ValueForm()
    if request.method == "GET":
        year = request.args.get("year", type=int)
        if year is None and collection is not None:
            year = collection.year
        value = queries.value(indicator.id, city.id, year) if year is not None else None
        form.year.data = year
        shown = (value.draft or value.current) if value else None
        if shown is not None:
            form.amount.data = services.amount_text(shown.amount)
            form.source.data = shown.source
            form.source_url.data = shown.source_url or ""
            if not shown.is_published:
                form.reason.data = shown.reason or ""
        return _value_page(indicator, city, collection, form, value, 200)
    value = None
    if form.validate_on_submit():
        value = queries.value(indicator.id, city.id, form.year.data)
        if collection is None:
            flash(_("No collection is open: values cannot be entered now."), "error")
        else:
            try:
                services.save_value(
                    collection,
                    indicator,
                    city,
                    services.ValueEntry(
                        year=form.year.data,
                        amount=form.amount.data or "",
                        source=form.source.data or "",
                        source_url=form.source_url.data or "",
                        reason=form.reason.data or "",
                    ),
                    actor=current_user,
                    now=clock.now(),
                )
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                city_slug = city.slug
                db.session.commit()
                flash(
                    _("The draft is saved. Publish it when it is ready: then it is public."),
                    "success",
                )
                return redirect(url_for("indicators.city", city=city_slug, _anchor="drafts"))
    return _value_page(indicator, city, collection, form, value, 422)


@bp.route("/<code>/value/<int:year>/publish", methods=["POST"])
@role_required(Role.delegate)
def publish(code: str, year: int) -> Response:
    """Publish the delegate's city's draft of a value: from now on anyone reads it."""
    indicator = _indicator(code)
    city = _delegate_city()
    target = url_for("indicators.city", city=city.slug)
    value = queries.value(indicator.id, city.id, year)
    if value is None or value.draft is None:
        flash(_("There is no draft to publish: enter the value first."), "error")
        return redirect(target)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.publish_value(value, actor=current_user, now=clock.now()),
            _("The value is published: anyone can read it now."),
        )
    return redirect(target)


EXPORT_FIELDS = [
    "indicator",
    "name",
    "city",
    "city_name",
    "year",
    "value",
    "unit",
    "currency",
    "source",
    "source_url",
    "version",
    "published_at",
    "reason",
]


def export_row(version: ValueVersion, language: str) -> dict[str, Any]:
    """Return a published value as a CSV row, names in ``language`` (else English)."""
    value = version.value
    text = value.indicator.text_in(language)
    return {
        "indicator": value.indicator.code,
        "name": text.name if text else "",
        "city": value.city.slug,
        "city_name": value.city.local_name(language) or value.city.name,
        "year": value.year,
        "value": services.amount_text(version.amount),
        "unit": value.indicator.unit.value,
        "currency": value.indicator.currency or "",
        "source": version.source,
        "source_url": version.source_url or "",
        "version": version.number,
        "published_at": version.published_at.isoformat() if version.published_at else "",
        "reason": version.reason or "",
    }


@bp.route("/values.csv")
@public
def values_csv() -> Response:
    """Export the published values (the current version of each) as CSV.

    ``?indicator=``, ``?city=`` and ``?year=`` keep some; an unknown one keeps none.
    """
    indicator_code = (request.args.get("indicator") or "").strip()[:64]
    city_slug = (request.args.get("city") or "").strip()[:64] or None
    year = request.args.get("year", type=int)
    indicator_id = None
    if indicator_code:
        found = queries.indicator(indicator_code)
        if found is None:
            abort(404)
        indicator_id = found.id
    language = str(get_locale())
    # Read before the answer streams: the rows need the names loaded with them.
    rows = [
        [row[name] for name in EXPORT_FIELDS]
        for row in (
            export_row(version, language)
            for version in queries.published(
                indicator_id=indicator_id, city_slug=city_slug, year=year
            )
        )
    ]
    return csv_response(EXPORT_FIELDS, rows, "indicator-values.csv")

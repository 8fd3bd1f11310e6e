"""A city's published figures said for readers: names, units, numbers and line charts.

Shared by the city's indicators page and its membership record (the PDF), so that the
printed copy shows the same charts and tables as the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from network.cities.models import City
from network.common.charts import Series, line_chart
from network.common.enums import label
from network.common.templating import city_name
from network.indicators import queries
from network.indicators.models import Indicator, IndicatorValue, Unit
from network.practices.models import Pillar


def unit_text(indicator: Indicator) -> str:
    """Say an indicator's unit the way a chart's axis and a table's heading need it."""
    if indicator.unit is Unit.percent:
        return _("percent")
    if indicator.unit is Unit.currency_per_hour:
        return _("%(currency)s per hour", currency=indicator.currency or "")
    if indicator.unit is Unit.hours_per_week:
        return _("hours per week")
    return ""


def number(amount: float) -> str:
    """Format a figure in the reader's locale, as the charts do."""
    return format_decimal(amount + 0.0)


def indicator_name(indicator: Indicator) -> str:
    """Name an indicator in the reader's language (or its code, with no text at all)."""
    text = indicator.text_in(str(get_locale()))
    return text.name if text else indicator.code


@dataclass(frozen=True)
class CitySeries:
    """One indicator's figures for a city, for its chart and table."""

    indicator: Indicator
    name: str
    unit: str
    chart: Markup
    values: list[IndicatorValue]  # published, by year


def city_series(city: City, values: list[IndicatorValue] | None = None) -> list[CitySeries]:
    """Return a city's published figures, one line chart per indicator, by pillar and code.

    :param values: the city's values when the caller has read them already.
    """
    if values is None:
        values = queries.values_of_city(city.id)
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in values:
        if value.current is not None:
            by_indicator.setdefault(value.indicator_id, []).append(value)
    shown_name = city_name(city)
    series = []
    for published in by_indicator.values():
        indicator = published[0].indicator
        name = indicator_name(indicator)
        unit = unit_text(indicator)
        amounts = {value.year: value.current.amount for value in published}  # type: ignore[union-attr]
        # A year with no figure is a gap in the line, not a straight line across it.
        first, last = min(amounts), max(amounts)
        points = [(year, amounts.get(year)) for year in range(first, last + 1)]
        series.append(
            CitySeries(
                indicator=indicator,
                name=name,
                unit=unit,
                chart=line_chart(
                    title=_("%(indicator)s in %(city)s, by year", indicator=name, city=shown_name),
                    description=_(
                        "The published values of %(indicator)s for %(city)s from %(first)s "
                        "to %(last)s. %(direction)s.",
                        indicator=name,
                        city=shown_name,
                        first=first,
                        last=last,
                        direction=label(indicator.direction),
                    )
                    if first != last
                    else _(
                        "The published value of %(indicator)s for %(city)s in %(year)s. "
                        "%(direction)s.",
                        indicator=name,
                        city=shown_name,
                        year=first,
                        direction=label(indicator.direction),
                    ),
                    series=[Series(shown_name, points)],
                    unit=unit,
                    chart_id=f"city-{indicator.code}",
                ),
                values=published,
            )
        )
    series.sort(key=lambda item: (list(Pillar).index(item.indicator.pillar), item.indicator.code))
    return series

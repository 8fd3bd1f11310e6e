"""Charts drawn on the server as inline SVG: no JavaScript, nothing fetched.

The decent-work indicators pages show a city's figures over the years (a line chart)
and cities side by side (a bar chart, horizontal so that long city names fit). Each
chart is one ``<svg role="img">`` whose accessible name and description are its
``<title>`` and ``<desc>``, referenced by ``aria-labelledby`` and ``aria-describedby``
(naming it by both would make its name the whole description); the page beside it
carries the figures as a table for anyone who cannot see the picture.

- **Readable without colour**: every series has its own colour (each at least 4.5:1
  against white, WCAG AA for text), marker shape and dash pattern, and a legend
  names them when there is more than one.
- **Safe**: every text a caller gives is escaped; the chart's id is cut down to
  ``[A-Za-z0-9_-]``. Colours and sizes are presentation attributes, not ``style``:
  the Content-Security-Policy (``style-src 'self'``) blocks inline styles.
- **Local**: numbers go through Flask-Babel's ``format_decimal`` in the request's
  locale ("1,234.5" in English, "1 234,5" in French); outside an application
  context they fall back to a plain English-style format. Coordinates are written
  the same way everywhere.
- **Deterministic**: same input, same bytes (pages that embed a chart are cached by
  validator; see ``conditional``). No randomness, no clock, no generated ids.

The width is fixed (a 640-unit viewBox, drawn at 100% of its box by CSS); the height
is 360 for a line chart, taller by one row per legend line, and grows with the number
of bars in a bar chart. Text is 14 viewBox units high.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 640
LINE_HEIGHT = 360
FONT_SIZE = 14
INK = "#1b1f24"
MUTED = "#4a5360"  # 7.8:1 on white
GRID = "#d5dae0"
BAR = "#0b4f8a"
# Each at least 4.5:1 against white; shapes and dashes tell them apart without colour.
PALETTE = ("#0b4f8a", "#b34700", "#1d6b34", "#8e2c8a", "#1b1f24", "#5c3c92")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down")
DASHES = ("", "8 4", "2 4", "12 4 2 4")
ELLIPSIS = "…"
MAX_LABEL_WIDTH = 200  # a bar's label, in viewBox units
MIN_EXPONENT = -6  # the finest tick step: 10 ** MIN_EXPONENT
# Characters XML 1.0 does not allow: a chart holding one would not parse as SVG.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One line of a line chart: (year, value) points, None where a year has no value."""

    label: str
    points: Sequence[tuple[int, float | None]]


def line_chart(
    *, title: str, description: str, series: Sequence[Series], unit: str, chart_id: str
) -> Markup:
    """Draw values over the years, one line per series, broken where a value is missing."""
    cid = clean_id(chart_id)
    title, unit = _plain(title), _plain(unit)
    desc = str(escape(_plain(description)))
    series = [Series(_plain(one.label), one.points) for one in series]
    runs_by_series = [_runs(s.points) for s in series]
    values = [v for runs in runs_by_series for run in runs for _year, v in run]
    if not values:
        return _no_data(cid, title, desc)
    years = sorted({year for s in series for year, _value in s.points})
    ticks, decimals = nice_ticks(min(values), max(values))

    legend_rows, legend = _legend(series) if len(series) > 1 else (0, [])
    legend_height = legend_rows * 22 + (8 if legend_rows else 0)
    height = LINE_HEIGHT + legend_height
    tick_labels = [_format(t, decimals) for t in ticks]
    left = max(48.0, max(text_width(t) for t in tick_labels) + 16)
    top, bottom, right = legend_height + 32, height - 40, WIDTH - 24
    lo, hi = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return bottom - (value - lo) / (hi - lo) * (bottom - top)

    pad = 12  # keeps the first and last markers off the axis
    first, last = years[0], years[-1]

    def x_of(year: int) -> float:
        if first == last:
            return (left + right) / 2
        return left + pad + (year - first) / (last - first) * (right - left - 2 * pad)

    parts = [_open(cid, title, desc, height, "chart chart-line")]
    parts.extend(legend)
    if unit:
        parts.append(
            f'<text class="unit" x="{_n(left)}" y="{_n(top - 14)}" fill="{MUTED}">'
            f"{escape(unit)}</text>"
        )
    parts.append('<g class="axis axis-y">')
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        colour = MUTED if tick == 0 and lo < 0 else GRID
        parts.append(_line(left, y, right, y, colour))
        parts.append(
            f'<text x="{_n(left - 8)}" y="{_n(y + 5)}" text-anchor="end" fill="{MUTED}">'
            f"{label}</text>"
        )
    parts.append("</g>")
    parts.append('<g class="axis axis-x">')
    parts.append(_line(left, bottom, right, bottom, MUTED))
    for year in _year_labels(years, right - left):
        x = x_of(year)
        parts.append(_line(x, bottom, x, bottom + 5, MUTED))
        parts.append(
            f'<text x="{_n(x)}" y="{_n(bottom + 22)}" text-anchor="middle" fill="{MUTED}">'
            f"{year}</text>"
        )
    parts.append("</g>")

    for index, (one, runs) in enumerate(zip(series, runs_by_series, strict=True)):
        colour, marker, dash = _style(index)
        parts.append(f'<g class="series" fill="{colour}" stroke="{colour}">')
        for run in runs:
            if len(run) > 1:
                coords = " ".join(f"{_n(x_of(yr))},{_n(y_of(v))}" for yr, v in run)
                dashes = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(
                    f'<polyline class="line" points="{coords}" fill="none" stroke-width="2.5"'
                    f' stroke-linejoin="round" stroke-linecap="round"{dashes}/>'
                )
        for run in runs:
            for year, value in run:
                label = _(
                    "%(series)s, %(year)s: %(value)s %(unit)s",
                    series=one.label,
                    year=year,
                    value=_format(value),
                    unit=unit,
                ).strip()
                parts.append(_marker(marker, x_of(year), y_of(value), label))
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    *,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    unit: str,
    chart_id: str,
    better: str = "higher",
) -> Markup:
    """Draw one horizontal bar per category, from zero, longest label cut short.

    :param better: "higher" or "lower": which direction is better, said in the description.
    :raises ValueError: when ``better`` is neither.
    """
    if better == "higher":
        note = _("Higher values are better.")
    elif better == "lower":
        note = _("Lower values are better.")
    else:
        raise ValueError(f"better must be 'higher' or 'lower', not {better!r}")
    cid = clean_id(chart_id)
    title, unit = _plain(title), _plain(unit)
    desc = " ".join(str(t) for t in (escape(_plain(description)), escape(note)) if t)
    bars = [(_plain(str(label)), value) for label, value in bars]
    values = [v for _label, v in bars if _is_number(v)]
    if not values:
        return _no_data(cid, title, desc)
    low, high = min(min(values), 0.0), max(max(values), 0.0)
    ticks, decimals = nice_ticks(low, high)
    lo, hi = _trimmed(ticks, low, high)
    ticks = [t for t in ticks if lo <= t <= hi]

    shown = [_format(v) if _is_number(v) else _("no data") for _label, v in bars]
    # Room beside the bars for their values: right of positive bars, left of negative.
    after = max(
        [text_width(s) + 8 for (_l, v), s in zip(bars, shown, strict=True) if not _below(v)]
        or [0.0]
    )
    before = max(
        [text_width(s) + 8 for (_l, v), s in zip(bars, shown, strict=True) if _below(v)] or [0.0]
    )
    tick_labels = [_format(t, decimals) for t in ticks]
    # Tick labels are centred on their ticks: half of the end ones must fit too.
    before = max(before, text_width(tick_labels[0]) / 2)
    after = max(after, text_width(tick_labels[-1]) / 2)
    # The category labels get what the bars (at least 200 wide) and their values leave.
    room = min(MAX_LABEL_WIDTH, WIDTH - 28 - before - after - 200)
    labels = [truncate(label, max(room, 40)) for label, _value in bars]
    label_width = max(text_width(label) for label in labels)
    left = 8 + label_width + 12 + before
    right = WIDTH - 8 - after
    row, thickness, top = 28, 18, 12
    bottom = top + row * len(bars)
    height = bottom + 52 + (0 if unit else -18)

    def x_of(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    zero = x_of(0.0)
    parts = [_open(cid, title, desc, height, "chart chart-bar")]
    parts.append('<g class="axis axis-x">')
    for tick, label in zip(ticks, tick_labels, strict=True):
        x = x_of(tick)
        parts.append(_line(x, top, x, bottom + 5, GRID if tick else MUTED))
        parts.append(
            f'<text x="{_n(x)}" y="{_n(bottom + 22)}" text-anchor="middle" fill="{MUTED}">'
            f"{label}</text>"
        )
    if unit:
        parts.append(
            f'<text class="unit" x="{_n((left + right) / 2)}" y="{_n(bottom + 44)}"'
            f' text-anchor="middle" fill="{MUTED}">{escape(unit)}</text>'
        )
    parts.append("</g>")

    for index, ((label, value), short, number) in enumerate(zip(bars, labels, shown, strict=True)):
        middle = top + row * index + row / 2
        full = _("%(label)s: %(value)s %(unit)s", label=label, value=number, unit=unit).strip()
        parts.append(f'<g class="bar"><title>{escape(full)}</title>')
        parts.append(
            f'<text class="label" x="{_n(8 + label_width)}" y="{_n(middle + 5)}"'
            f' text-anchor="end" fill="{INK}">{escape(short)}</text>'
        )
        end = x_of(value) if _is_number(value) else zero
        if _is_number(value):
            parts.append(
                f'<rect x="{_n(min(zero, end))}" y="{_n(middle - thickness / 2)}"'
                f' width="{_n(abs(end - zero))}" height="{thickness}" fill="{BAR}"/>'
            )
        anchor, shift = ("end", -6) if _below(value) else ("start", 6)
        parts.append(
            f'<text class="value" x="{_n(end + shift)}" y="{_n(middle + 5)}"'
            f' text-anchor="{anchor}" fill="{INK}">{escape(number)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def clean_id(chart_id: str) -> str:
    """Keep only the characters an id may safely have here: ``[A-Za-z0-9_-]``."""
    return re.sub(r"[^A-Za-z0-9_-]", "", chart_id) or "chart"


def nice_ticks(low: float, high: float, target: int = 5) -> tuple[list[float], int]:
    """Return round tick values covering ``low``–``high``, and how many decimals they need.

    Steps are 1, 2 or 5 times a power of ten (a millionth at least), about ``target``
    of them. Equal ends get a range from zero to the value (or 0–1 for zero), so a flat
    line still has an axis.
    """
    if low > high:
        low, high = high, low
    if low == high:
        low, high = min(low, 0.0), max(high, 0.0)
        if low == high:
            high = 1.0
    raw = (high - low) / target
    if raw < 10.0**MIN_EXPONENT:  # finer steps than a millionth would only be noise
        multiple, exponent = 1, MIN_EXPONENT
    else:
        exponent = math.floor(math.log10(raw))
        for multiple in (1, 2, 5, 10):
            if multiple * 10.0**exponent >= raw * (1 - 1e-9):
                break
        if multiple == 10:
            multiple, exponent = 1, exponent + 1
    step = multiple * 10.0**exponent
    decimals = max(0, -exponent)
    # The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a tick below.
    first = math.floor(low / step + 1e-9)
    last = max(math.ceil(high / step - 1e-9), first + 1)
    return [round(i * step, decimals) + 0.0 for i in range(first, last + 1)], decimals


def _trimmed(ticks: list[float], low: float, high: float) -> tuple[float, float]:
    """Return the axis's ends: the outer ticks, unless one lies far beyond the data.

    A small negative bar beside large positive ones would otherwise get a whole
    step of empty axis (-500 for -4 when the steps are 500).
    """
    span = ticks[-1] - ticks[0]
    lo, hi = ticks[0], ticks[-1]
    if low == high:  # all zero: keep the made-up 0–1 axis
        return lo, hi
    if low - lo > span / 10:
        lo = low - span / 20
    if hi - high > span / 10:
        hi = high + span / 20
    return lo, hi


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimate how wide ``text`` is drawn: wide (CJK) characters a full em, others 0.6."""
    return sum(size if unicodedata.east_asian_width(c) in ("W", "F") else size * 0.6 for c in text)


def truncate(text: str, width: float, size: float = FONT_SIZE) -> str:
    """Cut ``text`` short with an ellipsis so that it fits ``width``."""
    if text_width(text, size) <= width:
        return text
    kept = text
    while kept and text_width(kept + ELLIPSIS, size) > width:
        kept = kept[:-1]
    return kept.rstrip() + ELLIPSIS


def _format(value: float, decimals: int | None = None) -> str:
    """Format a number for the current locale, with fixed decimals if given."""
    value = value + 0.0  # -0.0 reads as 0
    if get_locale() is None:  # outside an application context: no locale to ask
        if decimals is None:
            text = f"{value:,.3f}".rstrip("0").rstrip(".")
            return "0" if text == "-0" else text
        return f"{value:,.{decimals}f}"
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern)


def _plain(text: str) -> str:
    """Drop the characters XML cannot hold from a caller's text (it is escaped later)."""
    return NOT_XML.sub("", str(text))


def _n(value: float) -> str:
    """Write a coordinate: at most two decimals, the same in every locale."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _below(value: float) -> bool:
    return _is_number(value) and value < 0


def _runs(points: Sequence[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Split points, in year order, into runs of consecutive values, breaking at a None."""
    runs: list[list[tuple[int, float]]] = [[]]
    for year, value in sorted(points, key=lambda point: point[0]):
        if value is None or not _is_number(value):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((int(year), float(value)))
    return [run for run in runs if run]


def _year_labels(years: list[int], width: float) -> list[int]:
    """Choose the years to label: all when they fit, else every 2nd, 5th, 10th… year."""
    span = range(years[0], years[-1] + 1)
    fits = max(1, int(width // 48))
    if len(span) <= fits:
        return list(span)
    for every in (2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        labelled = [year for year in span if year % every == 0]
        if len(labelled) <= fits:
            return labelled
    return [span[0], span[-1]]


def _style(index: int) -> tuple[str, str, str]:
    """Give a series its colour, marker shape and dash pattern."""
    return (
        PALETTE[index % len(PALETTE)],
        MARKERS[index % len(MARKERS)],
        DASHES[index % len(DASHES)],
    )


def _marker(kind: str, x: float, y: float, label: str, cls: str = "point") -> str:
    """Draw one point's marker, with ``label`` (escaped here) as its tooltip."""
    size = 4.5
    attributes = f'class="{cls}" stroke="#ffffff" stroke-width="1"'
    tip = f"<title>{escape(label)}</title>"
    if kind == "circle":
        return f'<circle {attributes} cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}">{tip}</circle>'
    if kind == "square":
        side = size * 1.8
        return (
            f'<rect {attributes} x="{_n(x - side / 2)}" y="{_n(y - side / 2)}"'
            f' width="{_n(side)}" height="{_n(side)}">{tip}</rect>'
        )
    s = size * 1.25
    corners = {
        "triangle": ((x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)),
        "triangle-down": ((x, y + s), (x + s, y - s * 0.8), (x - s, y - s * 0.8)),
        "diamond": ((x, y - s), (x + s, y), (x, y + s), (x - s, y)),
    }[kind]
    path = "M" + " L".join(f"{_n(cx)},{_n(cy)}" for cx, cy in corners) + " Z"
    return f'<path {attributes} d="{path}">{tip}</path>'


def _legend(series: Sequence[Series]) -> tuple[int, list[str]]:
    """Lay out the legend's entries in rows across the top; return the rows and the markup."""
    parts = ['<g class="legend">']
    x, rows = 16.0, 1
    for index, one in enumerate(series):
        colour, marker, dash = _style(index)
        label = truncate(one.label, WIDTH - 32 - 50)
        width = 30 + text_width(label) + 20
        if x + width > WIDTH - 16 and x > 16:
            x, rows = 16.0, rows + 1
        y = 22 * rows - 4
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="legend-item" fill="{colour}" stroke="{colour}">'
            f"<title>{escape(one.label)}</title>"
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 24)}" y2="{_n(y)}"'
            f' stroke-width="2.5"{dashes}/>'
            + _marker(marker, x + 12, y, one.label, "legend-marker")
            + f'<text x="{_n(x + 30)}" y="{_n(y + 5)}" fill="{INK}" stroke="none">'
            f"{escape(label)}</text></g>"
        )
        x += width
    parts.append("</g>")
    return rows, parts


def _open(cid: str, title: str, desc: str, height: float, classes: str) -> str:
    """Open the ``<svg>`` with its title and description (``desc`` is escaped already)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" role="img"'
        f' aria-labelledby="{cid}-title" aria-describedby="{cid}-desc"'
        f' viewBox="0 0 {WIDTH} {_n(height)}"'
        f' font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{desc}</desc>'
    )


def _no_data(cid: str, title: str, desc: str) -> Markup:
    """Draw the small chart that says there is nothing to draw."""
    return Markup(
        _open(cid, title, desc, 64, "chart chart-empty")
        + f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="63" fill="#ffffff"'
        f' stroke="{GRID}"/>'
        f'<text x="{WIDTH // 2}" y="37" text-anchor="middle" fill="{MUTED}">'
        f"{escape(_('No data available.'))}</text></svg>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
        f' stroke="{colour}" stroke-width="1"/>'
    )

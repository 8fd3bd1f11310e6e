"""Server-side SVG charts: structure, accessibility, escaping, scales and locales."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from network.common.charts import (
    PALETTE,
    Series,
    bar_chart,
    clean_id,
    line_chart,
    nice_ticks,
    truncate,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def texts(element: ET.Element) -> list[str]:
    return [e.text or "" for e in element.iter(f"{SVG}text")]


def line(series: list[Series], chart_id: str = "employment") -> ET.Element:
    return parse(
        line_chart(
            title="Employment",
            description="Share employed",
            series=series,
            unit="%",
            chart_id=chart_id,
        )
    )


def bars(values: list[tuple[str, float]], better: str = "higher") -> ET.Element:
    return parse(
        bar_chart(
            title="Wages",
            description="Hourly wage",
            bars=values,
            unit="USD",
            chart_id="wages",
            better=better,
        )
    )


def bar_widths(root: ET.Element) -> list[float]:
    return [float(g.find(f"{SVG}rect").get("width")) for g in with_class(root, "bar")]


def axis_ticks(root: ET.Element, axis: str) -> list[str]:
    """Return an axis's tick labels (not its unit)."""
    (group,) = with_class(root, axis)
    return [t.text for t in group.iter(f"{SVG}text") if t.get("class") != "unit"]


def tick_values(root: ET.Element, axis: str) -> list[float]:
    """Return an axis's ticks as numbers (English format)."""
    return [float(t.replace(",", "")) for t in axis_ticks(root, axis)]


SERIES = [
    Series("Women", [(2018, 61.2), (2019, 62.0), (2020, None), (2021, 63.5), (2022, 64.1)]),
    Series("Men", [(2018, 71.0), (2019, 71.5), (2020, 72.2), (2021, 70.0), (2022, 71.9)]),
]


# --- the accessible frame ------------------------------------------------------------


@pytest.mark.parametrize(
    "root",
    [
        pytest.param(lambda: line(series=SERIES), id="line"),
        pytest.param(lambda: bars([("Seoul", 3.0), ("Lyon", 4.0)]), id="bar"),
        pytest.param(lambda: line(series=[]), id="empty"),
    ],
)
def test_title_and_description_come_first_and_name_the_image(root) -> None:  # noqa: ANN001
    root = root()
    assert root.get("role") == "img"
    assert "chart" in root.get("class").split()
    assert root.get("viewBox").startswith("0 0 640 ")
    title, desc = list(root)[:2]
    assert title.tag == f"{SVG}title" and desc.tag == f"{SVG}desc"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text and desc.text


def test_chart_id_is_sanitised() -> None:
    assert clean_id('a b"><script>x') == "abscriptx"
    assert clean_id("") == "chart"
    root = line(series=SERIES, chart_id='wage "chart" 2024')
    assert root.get("aria-labelledby") == "wagechart2024-title"
    assert root.get("aria-describedby") == "wagechart2024-desc"


def test_caller_text_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    markup = str(
        bar_chart(title=evil, description=evil, bars=[(evil, 1.0)], unit=evil, chart_id="x")
    ) + str(
        line_chart(
            title=evil,
            description=evil,
            series=[Series(evil, [(2020, 1.0)]), *SERIES],
            unit=evil,
            chart_id="y",
        )
    )
    assert "<script" not in markup
    assert "&lt;script&gt;" in markup
    root = bars([(evil, 1.0)])
    (group,) = with_class(root, "bar")
    assert group.find(f"{SVG}title").text.startswith(evil)  # read back as text, not markup
    assert not list(root.iter(f"{SVG}script"))


def test_output_is_deterministic() -> None:
    assert line_chart(
        title="T", description="D", series=SERIES, unit="%", chart_id="a"
    ) == line_chart(title="T", description="D", series=SERIES, unit="%", chart_id="a")
    rows = [("Seoul", 3.25), ("Lyon", -1.0)]
    assert bar_chart(title="T", description="D", bars=rows, unit="", chart_id="b") == bar_chart(
        title="T", description="D", bars=rows, unit="", chart_id="b"
    )


# --- line charts -----------------------------------------------------------------------


def test_one_marker_per_value_and_a_none_breaks_the_line() -> None:
    root = line(series=SERIES)
    women, men = with_class(root, "series")
    assert len(with_class(women, "point")) == 4  # 2020 has no value
    assert len(with_class(men, "point")) == 5
    # Women's line stops at 2019 and starts again at 2021: two pieces, neither through 2020.
    pieces = with_class(women, "line")
    assert [len(p.get("points").split()) for p in pieces] == [2, 2]
    assert len(with_class(men, "line")) == 1


def test_a_gap_is_not_drawn_as_zero() -> None:
    root = line(series=[Series("A", [(2019, 50.0), (2020, None), (2021, 60.0), (2022, 55.0)])])
    assert axis_ticks(root, "axis-y")[0] != "0"  # the axis does not reach down to zero
    (joined,) = with_class(root, "line")  # only 2021–2022: 2019 stands alone
    assert len(joined.get("points").split()) == 2


def test_years_label_the_x_axis() -> None:
    assert axis_ticks(line(series=SERIES), "axis-x") == ["2018", "2019", "2020", "2021", "2022"]
    many = line(series=[Series("A", [(year, float(year % 7)) for year in range(1990, 2025)])])
    labels = axis_ticks(many, "axis-x")
    assert 3 <= len(labels) <= 12 and "2000" in labels
    assert all(int(year) % 5 == 0 for year in labels)


def test_series_differ_by_more_than_colour_and_have_a_legend() -> None:
    three = [*SERIES, Series("All", [(2018, 66.0), (2022, 67.0)])]
    root = line(series=three)
    groups = with_class(root, "series")
    shapes = [(g.get("stroke"), with_class(g, "point")[0].tag) for g in groups]
    assert len(set(shapes)) == 3
    assert len({c for c, _shape in shapes}) == 3 and len({s for _c, s in shapes}) == 3
    dashes = [with_class(g, "line")[0].get("stroke-dasharray") for g in groups]
    assert len(set(dashes)) == 3
    (legend,) = with_class(root, "legend")
    assert [t for t in texts(legend)] == ["Women", "Men", "All"]
    assert not with_class(line(series=SERIES[:1]), "legend")


def test_long_legend_labels_are_cut_with_the_full_text_kept() -> None:
    long = "Share of workers in informal employment, all sectors, " * 3
    root = line(series=[Series(long, [(2020, 1.0)]), *SERIES])
    entry = with_class(root, "legend-item")[0]
    assert texts(entry)[0].endswith("…") and len(texts(entry)[0]) < len(long)
    assert entry.find(f"{SVG}title").text == long


@pytest.mark.parametrize(
    "points",
    [
        [(2021, 5.0)],  # a single point
        [(2019, 5.0), (2020, 5.0), (2021, 5.0)],  # all equal
        [(2019, 0.0), (2020, 0.0)],  # all zero
        [(2019, -3.5), (2020, -7.25), (2021, 2.0)],  # negative values
    ],
)
def test_edge_cases_draw_inside_the_frame(points: list[tuple[int, float]]) -> None:
    root = line(series=[Series("A", points)])
    height = float(root.get("viewBox").split()[3])
    markers = with_class(root, "point")
    assert len(markers) == len(points)
    for marker in markers:
        x = float(marker.get("cx") or marker.get("x"))
        y = float(marker.get("cy") or marker.get("y"))
        assert 0 < x < 640 and 0 < y < height
    values = [v for _year, v in points]
    ticks = tick_values(root, "axis-y")
    assert ticks[0] <= min(values) and max(values) <= ticks[-1] and ticks[0] < ticks[-1]


@pytest.mark.parametrize(
    "series", [[], [Series("A", [])], [Series("A", [(2020, None), (2021, None)])]]
)
def test_nothing_to_draw_gives_the_no_data_chart(series: list[Series]) -> None:
    root = line(series=series)
    assert "chart-empty" in root.get("class")
    assert texts(root) == ["No data available."]
    assert float(root.get("viewBox").split()[3]) < 100


# --- bar charts ------------------------------------------------------------------------


def test_one_bar_per_input_with_lengths_proportional_to_values() -> None:
    root = bars([("Seoul", 30.0), ("Lyon", 10.0), ("Quito", 25.0)])
    assert len(with_class(root, "bar")) == 3
    seoul, lyon, quito = bar_widths(root)
    assert seoul / lyon == pytest.approx(3.0, rel=0.01)
    assert quito / lyon == pytest.approx(2.5, rel=0.01)
    assert "0" in axis_ticks(root, "axis-x")


def test_a_single_bar_and_a_zero_bar() -> None:
    (only,) = bar_widths(bars([("Seoul", 7.0)]))
    assert only > 100
    root = bars([("Seoul", 0.0)])
    assert bar_widths(root) == [0.0]
    assert tick_values(root, "axis-x")[0] == 0


def test_negative_bars_extend_left_of_zero() -> None:
    root = bars([("Gain", 4.0), ("Loss", -2.0)])
    ticks = axis_ticks(root, "axis-x")
    assert "0" in ticks and any(t.startswith("-") for t in ticks)
    gain, loss = (g.find(f"{SVG}rect") for g in with_class(root, "bar"))
    # Both bars meet at zero: the loss ends where the gain begins.
    assert float(loss.get("x")) + float(loss.get("width")) == pytest.approx(float(gain.get("x")))
    assert float(gain.get("width")) / float(loss.get("width")) == pytest.approx(2.0, rel=0.01)
    all_negative = bars([("A", -5.0), ("B", -10.0)])
    assert axis_ticks(all_negative, "axis-x")[-1] == "0"
    assert bar_widths(all_negative)[1] / bar_widths(all_negative)[0] == pytest.approx(2.0)


def test_long_labels_are_truncated_with_the_full_label_in_a_title() -> None:
    name = "Ciudad Autónoma de Buenos Aires, Capital Federal de la República Argentina"
    root = bars([(name, 1.0), ("서울특별시 강남구 테헤란로 아주 아주 긴 이름의 동네", 2.0)])
    for group in with_class(root, "bar"):
        (label,) = with_class(group, "label")
        assert label.text.endswith("…")
        full = group.find(f"{SVG}title").text
        assert full.startswith(label.text[:-1])
    assert with_class(root, "bar")[0].find(f"{SVG}title").text.startswith(name)


def test_better_direction_is_said_in_the_description() -> None:
    rows = [("Seoul", 1.0)]
    assert bars(rows).find(f"{SVG}desc").text == "Hourly wage Higher values are better."
    lower = bars(rows, better="lower").find(f"{SVG}desc").text
    assert lower.endswith("Lower values are better.")
    with pytest.raises(ValueError, match="better"):
        bar_chart(title="T", description="D", bars=rows, unit="", chart_id="x", better="up")


def test_no_bars_gives_the_no_data_chart() -> None:
    root = bars([])
    assert "chart-empty" in root.get("class")
    assert texts(root) == ["No data available."]


# --- locales ---------------------------------------------------------------------------


def test_numbers_follow_the_locale(app: Flask) -> None:
    rows = [("Seoul", 1234.5), ("Lyon", 10.0)]
    with app.test_request_context("/"):
        with force_locale("en"):
            english = bars(rows)
        with force_locale("fr"):
            french = bars(rows)
    (value,) = with_class(with_class(english, "bar")[0], "value")
    assert value.text == "1,234.5"
    assert "1,000" in axis_ticks(english, "axis-x")
    (value,) = with_class(with_class(french, "bar")[0], "value")
    assert re.fullmatch(r"1\s234,5", value.text)  # a (narrow) no-break space groups
    assert any(re.fullmatch(r"1\s000", t) for t in axis_ticks(french, "axis-x"))


def test_decimal_ticks_follow_the_locale(app: Flask) -> None:
    series = [Series("A", [(2020, 0.25), (2021, 0.75)])]
    with app.test_request_context("/"), force_locale("fr"):
        root = line(series=series)
    assert "0,5" in axis_ticks(root, "axis-y")


def test_outside_an_application_the_format_is_plain() -> None:
    (value,) = with_class(with_class(bars([("Seoul", 1234.5)]), "bar")[0], "value")
    assert value.text == "1,234.5"


# --- the pieces ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 1234.5, [0, 500, 1000, 1500]),
        (0.3, 0.7, [0.3, 0.4, 0.5, 0.6, 0.7]),
        (-3.2, 7.9, [-5, 0, 5, 10]),
        (5, 5, [0, 1, 2, 3, 4, 5]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (-5, -5, [-5, -4, -3, -2, -1, 0]),
    ],
)
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    ticks, _decimals = nice_ticks(low, high)
    assert ticks == expected


def test_truncate() -> None:
    assert truncate("Lyon", 100) == "Lyon"
    cut = truncate("A" * 100, 100)
    assert cut.endswith("…") and len(cut) < 20


def test_palette_meets_wcag_aa_on_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour
    assert len(set(PALETTE)) == len(PALETTE)


# --- any input -------------------------------------------------------------------------

VALUES = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


def inside(root: ET.Element) -> None:
    """Assert every drawn coordinate lies within the viewBox."""
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for element in root.iter():
        for name in ("x", "cx", "x1", "x2"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name)) <= width, (name, element.attrib)
        for name in ("y", "cy", "y1", "y2"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name)) <= height, (name, element.attrib)


@given(
    st.lists(
        st.dictionaries(st.integers(1990, 2030), st.none() | VALUES, max_size=12),
        max_size=5,
    )
)
def test_any_line_chart_is_well_formed(data: list[dict[int, float | None]]) -> None:
    series = [Series(f"S{i}", sorted(points.items())) for i, points in enumerate(data)]
    markup = line_chart(title="T", description="D", series=series, unit="u", chart_id="c")
    assert markup == line_chart(title="T", description="D", series=series, unit="u", chart_id="c")
    root = parse(markup)
    inside(root)
    values = [v for points in data for v in points.values() if v is not None]
    if not values:
        assert "chart-empty" in root.get("class")
        return
    assert len(with_class(root, "point")) == len(values)


@given(st.lists(st.tuples(st.text(max_size=60), VALUES), max_size=12))
def test_any_bar_chart_is_well_formed(rows: list[tuple[str, float]]) -> None:
    markup = bar_chart(title="T", description="D", bars=rows, unit="u", chart_id="c")
    root = parse(markup)
    inside(root)
    if not rows:
        assert "chart-empty" in root.get("class")
        return
    assert len(with_class(root, "bar")) == len(rows)
    assert 0 in tick_values(root, "axis-x")

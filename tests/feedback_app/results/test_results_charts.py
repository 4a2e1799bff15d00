"""SVG charts: well-formed, described for screen readers, readable without colour."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from feedback_app.results.charts import (
    Point,
    Series,
    SparkPoint,
    bar_chart,
    interval_chart,
    sparkline,
)

SVG = "{http://www.w3.org/2000/svg}"

WAVES = Series(
    "This area",
    (
        Point("Baseline 2024", 38.5, 33.1, 44.2, base=300),
        Point("Follow-up", None, base=7),
        Point("Annual 2025 <repeat>", 51.0, 40.0, 62.0, base=25, caution=True),
    ),
)
OTHERS = Series("Other areas' average", (Point("Baseline 2024", 45.0, base=900),))


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*</svg>", markup, flags=re.S).group(0))


def test_interval_chart_has_title_desc_target_and_no_style_attributes() -> None:
    figure = interval_chart(
        [WAVES, OTHERS], chart_id="kpi-4-1", title="Trust & confidence", target=48.5
    )
    root = _svg(str(figure.svg))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "kpi-4-1-title kpi-4-1-desc"
    assert root.find(f"{SVG}title").text == "Trust & confidence"
    desc = root.find(f"{SVG}desc").text
    assert "3 waves" in desc and "Target 48.5%" in desc and "table below" in desc
    # CSP: presentation attributes only, never a style attribute or element.
    assert not [el for el in root.iter() if "style" in el.attrib or el.tag == f"{SVG}style"]
    texts = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    # Direct labels: every shown value is written on the chart; the hidden one says so.
    assert "38.5%" in texts and "51.0%" in texts and "not shown" in texts
    assert "Target 48.5%" in texts and "Annual 2025<repeat>" in texts  # two tspans
    # Two series: different marker shapes, and a legend naming both.
    assert root.findall(f"{SVG}circle") and root.findall(f"{SVG}rect")
    assert "Other areas' average" in texts
    # The caution point is hollow; the target is a dashed line.
    assert any(c.get("fill") == "#ffffff" for c in root.iter(f"{SVG}circle"))
    assert any(
        line.get("stroke-dasharray")
        for line in root.iter(f"{SVG}line")
        if "target" in line.get("class", "")
    )


def test_data_table_holds_every_figure_with_caption() -> None:
    figure = interval_chart(WAVES, chart_id="c", title="Trust")
    table = str(figure.table)
    assert 'role="region"' in table and 'aria-labelledby="c-table-caption"' in table
    assert "Trust: figures</caption>" in table
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", table)]
    assert cells[:4] == ["Wave", "Percentage", "95% confidence interval", "Base"]
    assert cells[4:8] == ["Baseline 2024", "38.5%", "33.1% to 44.2%", "300"]
    assert cells[8:12] == ["Follow-up", "not shown (base under 10)", "–", "7"]
    assert cells[12:16] == [
        "Annual 2025 &lt;repeat&gt;",
        "51.0% (treat with caution)",
        "40.0% to 62.0%",
        "25",
    ]
    whole = str(figure)
    assert whole.startswith('<figure class="app-results-figure" id="c">')
    assert whole.index("<svg") < whole.index("<table")


def test_bar_chart_uses_patterns_for_second_series_and_wraps_long_labels() -> None:
    theme = "Waiting times for assessments and the communication while families wait"
    first = Series("2024", (Point(theme, 40.0, 35.0, 45.0, base=400), Point("Short", 100.0)))
    second = Series("2025", (Point(theme, 55.0, 50.0, 60.0, base=380),))
    figure = bar_chart([first, second], chart_id="themes", title="Themes")
    root = _svg(str(figure.svg))
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert [p.get("id") for p in patterns] == ["themes-pattern-1"]
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "")}
    assert fills == {"#1d70b8", "url(#themes-pattern-1)"}
    assert len(root.findall(f".//{SVG}tspan")) >= 2
    assert "2025: Percentage" in str(figure.table)
    assert "groups" in root.find(f"{SVG}desc").text


def test_a_chart_needs_a_series() -> None:
    with pytest.raises(ValueError, match="at least one series"):
        bar_chart([], chart_id="x", title="x")


def test_the_target_line_never_strikes_through_a_value_label() -> None:
    # The target (62%) sits just above the point (60%): where the label used to be.
    figure = interval_chart(
        Series("This area", (Point("Baseline", 40.0), Point("Follow-up", 60.0))),
        chart_id="c",
        title="Trust",
        target=62.0,
    )
    root = _svg(str(figure.svg))
    target = next(line for line in root.iter(f"{SVG}line") if "target" in line.get("class", ""))
    target_y = float(target.get("y1"))
    label = next(el for el in root.iter(f"{SVG}text") if "".join(el.itertext()) == "60.0%")
    baseline = float(label.get("y"))
    # The 14 px text spans from about 14 px above its baseline to 4 px below.
    assert not baseline - 14 <= target_y <= baseline + 4


def test_a_sparkline_names_itself_shows_its_numbers_and_leaves_gaps() -> None:
    points = [SparkPoint(f"W{i}", v) for i, v in enumerate([10, 20.25, None, 30, 40, 50, 62.25])]
    html = str(sparkline(points, spark_id="trend-k", title="Trend of KPI 4/1"))
    svg = ET.fromstring(re.search(r"<svg.*</svg>", html, flags=re.S).group(0))  # type: ignore[union-attr]
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "trend-k-title trend-k-desc"
    assert "style" not in html
    # The last six figures only; the number rounded half away from zero, as everywhere.
    desc = svg.find("{http://www.w3.org/2000/svg}desc") or svg.find("desc")
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("W1: 20.3%; W2: not shown; W3: 30.0%")
    numbers = re.findall(r"</span>([^<]+)</li>", html)
    assert numbers == ["20.3%", "not shown", "30.0%", "40.0%", "50.0%", "62.3%"]
    # The gap splits the line in two; every known figure has a dot.
    assert html.count("<polyline") == 1 and html.count("<circle") == 5
    assert str(sparkline(points[:1], spark_id="x", title="t")) == ""
    weeks = str(sparkline([SparkPoint("a", 9), SparkPoint("b", 8.25)], spark_id="w", title="t",
                          percentage=False, unit="weeks"))  # fmt: skip
    assert re.findall(r"</span>([^<]+)</li>", weeks) == ["9.0 weeks", "8.3 weeks"]


def test_a_published_chart_writes_its_figures_as_the_publication_tables_do() -> None:
    """One rounding and writing rule wherever a figure shows (issue 14 §4): a
    published chart says "78%" and "<1%" like the report's tables, not "78.0%"."""
    points = (
        Point("Agree", 78.0, 70.0, 85.0, base=120, published=True),
        Point("Disagree", 0.4, 0.1, 2.0, base=120, published=True),
    )
    figure = bar_chart([Series("Wave", points)], chart_id="p", title="Published")
    words = str(figure)
    assert "78%" in words and "70% to 85%" in words and "&lt;1%" in words
    assert not re.search(r"\d\.\d%", words)
    officer = bar_chart(
        [Series("Wave", (Point("Agree", 78.0, 70.0, 85.0, base=120),))], chart_id="o", title="Own"
    )
    assert "78.0%" in str(officer) and "70.0% to 85.0%" in str(officer)

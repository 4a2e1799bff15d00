"""HTML rendering: one self-contained, accessible page (no scripts, no external files).

Every chart is an inline SVG with a text alternative and is followed by a table of
the same figures, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from analysis.comparison import Comparison
from analysis.render_csv import publication_percent
from analysis.result_tables import tables_for
from analysis.rounding import format_number, format_percent, publication_text
from analysis.tables import Cell, Table
from analysis.trends import Trend

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1rem auto;
max-width:70rem;padding:0 1rem;color:#0b0c0c;line-height:1.4}
table{border-collapse:collapse;margin:0 0 2rem;font-size:.9rem;display:block;overflow-x:auto}
caption{text-align:start;font-weight:700;padding:.5rem 0}
th,td{border:1px solid #b1b4b6;padding:.25rem .5rem;text-align:start;vertical-align:top}
td.n{text-align:end;font-variant-numeric:tabular-nums}
figure{margin:0 0 1rem}svg text{font-size:12px;fill:#0b0c0c}
"""

BAR_COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c")


def to_html(result: object, *, publication: bool = False, title: str | None = None) -> str:
    """A complete HTML page with the tables (and charts) of ``result``.

    Examples
    --------
    >>> from analysis.method import Method
    >>> page = to_html(Comparison("2023", "2024", Method(), ()))
    >>> page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    True
    """
    tables = tables_for(result)
    heading = title or tables[0].title
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(heading)}</h1>",
    ]
    if publication:
        parts.append(
            "<p>Small numbers are suppressed for publication. Percentages are rounded.</p>"
        )
    parts += _charts(result, publication=publication)
    for index, table in enumerate(tables):
        parts.append(f"<h2>{escape(table.title)}</h2>")
        parts.append(_table(table, publication=publication, table_id=f"table-{index}"))
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _charts(result: object, *, publication: bool) -> list[str]:
    series: list[tuple[str, list[tuple[str, float | None, float | None, float | None]]]] = []
    if isinstance(result, Comparison):
        for item in result.kpis:
            points = [
                (e.wave, e.percent, e.ci_low, e.ci_high) for e in (item.baseline, item.follow_up)
            ]
            series.append((item.kpi.label, points))
    elif isinstance(result, Trend):
        for trend in result.kpis:
            points = [
                (s.wave, s.estimate.percent, s.estimate.ci_low, s.estimate.ci_high)
                for s in trend.steps
            ]
            series.append((trend.kpi.label, points))
    if not series:
        return []
    out = ["<h2>Charts</h2>"]
    for number, (label, points) in enumerate(series):
        out.append(_bar_chart(label, points, chart_id=f"chart-{number}", publication=publication))
        rows = tuple((wave, p, lo, hi) for wave, p, lo, hi in points)
        data = Table(
            "data",
            f"Data for the chart: {label}",
            ("wave", "percent", "ci_low", "ci_high"),
            rows,
            frozenset({"percent", "ci_low", "ci_high"}),
        )
        out.append(_table(data, publication=publication, table_id=f"chart-{number}-data"))
    return out


def _bar_chart(
    label: str,
    points: Sequence[tuple[str, float | None, float | None, float | None]],
    *,
    chart_id: str,
    publication: bool = False,
) -> str:
    # Chart labels show the same figure as the table beside them (one rounding rule).
    def shown(value: float | None) -> str:
        if publication:
            return publication_text(value)
        return format_percent(value)

    width, left, bar_height, gap = 560, 110, 22, 12
    height = len(points) * (bar_height + gap) + 30
    scale = (width - left - 20) / 100.0
    described = "; ".join(
        f"{wave}: "
        + ("not shown" if p is None else f"{shown(p)} (95% CI {shown(lo)} to {shown(hi)})")
        for wave, p, lo, hi in points
    )
    svg = [
        f'<figure><svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'width="100%" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(label)}: percentage by wave</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}</desc>',
    ]
    for i, (wave, p, lo, hi) in enumerate(points):
        y = 10 + i * (bar_height + gap)
        svg.append(f'<text x="0" y="{y + 15}">{escape(wave)}</text>')
        if p is None:
            svg.append(f'<text x="{left}" y="{y + 15}">not shown (small numbers)</text>')
            continue
        colour = BAR_COLOURS[i % len(BAR_COLOURS)]
        svg.append(
            f'<rect x="{left}" y="{y}" width="{p * scale:.1f}" height="{bar_height}" '
            f'fill="{colour}"/>'
        )
        if lo is not None and hi is not None:
            middle = y + bar_height / 2
            svg.append(
                f'<line x1="{left + lo * scale:.1f}" x2="{left + hi * scale:.1f}" y1="{middle}" '
                f'y2="{middle}" stroke="#0b0c0c" stroke-width="2"/>'
            )
        svg.append(f'<text x="{left + p * scale + 6:.1f}" y="{y + 15}">{shown(p)}</text>')
    svg.append("</svg>")
    svg.append(
        f"<figcaption>{escape(label)}, with 95% confidence intervals. "
        "The figures are in the table below.</figcaption></figure>"
    )
    return "\n".join(svg)


def _table(table: Table, *, publication: bool, table_id: str) -> str:
    percent_at = {i for i, c in enumerate(table.columns) if c in table.percent_columns}
    head = "".join(f'<th scope="col">{escape(c.replace("_", " "))}</th>' for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for i, value in enumerate(row):
            text = _format(value, percent=i in percent_at, publication=publication)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(
                f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table id="{table_id}"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _format(value: Cell, *, percent: bool, publication: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if percent and isinstance(value, float | int):
        shown = publication_percent(value) if publication else format_number(value)
        return str(shown)
    if isinstance(value, float):
        if value != 0 and abs(value) < 0.001:
            return "<0.001"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)

"""Server-rendered SVG charts for results pages and reports: no chart script.

Two charts, one shape of input:

* :func:`interval_chart`: a percentage with its 95% interval at each category
  (usually waves, left to right), optionally with a target line. Points of a series
  are joined by a line.
* :func:`bar_chart`: one horizontal bar per category (breakdown groups, themes),
  with its interval as a whisker.

Both take one or more :class:`Series` of :class:`Point` s (percentages 0-100, as
``analysis`` reports them) and return a :class:`Figure`: the ``<svg>`` and its data
table, ready to drop into a template with ``{{ figure }}`` (or place ``figure.svg``
and ``figure.table`` yourself).

What makes them accessible and printable:

* ``<svg role="img" aria-labelledby="ID-title ID-desc">`` with ``<title>`` and
  ``<desc>``; the same figures are in a captioned table next to the chart.
* Not colour alone: each series has its own marker shape (circle, square,
  triangle, diamond) or fill pattern (solid, hatched, dotted), its own line dash,
  and the value is written beside every point or bar (direct labels). A legend
  names the series when there is more than one.
* Colours, strokes and sizes are SVG presentation attributes, not ``style``
  attributes, so the Content-Security-Policy (``style-src 'self'``) allows them
  and they survive printing and PDF rendering without the site's CSS. Classes
  (``app-results-chart__*``) let the stylesheet set the font.
* A base under 10 is not drawn (``percent=None``): the chart says "not shown".
  A base under 30 (``caution=True``) is drawn hollow and marked in the table.

``ids`` of elements inside a chart are prefixed with ``chart_id``: give each chart
on a page its own ``chart_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from flask_babel import gettext
from markupsafe import Markup, escape

from analysis.rounding import format_number, format_percent, publication_text

#: Drawing width of every chart (user units; the SVG scales to its container).
WIDTH = 640
#: Series styles in order: colour, marker, line dash, bar pattern.
COLOURS = ("#1d70b8", "#0b0c0c", "#d4351c", "#00703c")
MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = ("", "8 4", "2 4", "12 4 2 4")
PATTERNS = ("solid", "hatch", "dots", "cross")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT_SIZE = 16
#: Bars from a base under 30 are paler (and marked in the table).
CAUTION_FILL = ' fill-opacity="0.45"'


@dataclass(frozen=True, slots=True)
class Point:
    """One value: a percentage with its 95% interval (``None`` when not shown).

    ``base`` is the unweighted base; ``caution`` flags a base under 30.
    """

    label: str
    percent: float | None
    low: float | None = None
    high: float | None = None
    base: int | None = None
    caution: bool = False
    #: Withheld for publication (a count of 1 to 4, or one that would reveal it):
    #: not drawn, and said so rather than "base under 10".
    withheld: bool = False
    #: A published figure: its labels are written as the publication tables write
    #: them (whole numbers, "<1%"), by the one rule in ``analysis.rounding``.
    published: bool = False


def _not_shown(point: Point) -> str:
    if point.withheld:
        return gettext("withheld (fewer than 5, or would reveal one)")
    return gettext("not shown (base under 10)")


@dataclass(frozen=True, slots=True)
class Series:
    """A named set of points (e.g. "This area", "Other areas' average")."""

    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """A rendered chart and its data table. ``str(figure)`` is both, in a ``<figure>``."""

    chart_id: str
    title: str
    description: str
    svg: Markup
    table: Markup

    def __html__(self) -> str:
        return str(
            Markup(
                '<figure class="app-results-figure" id="{id}">'
                '<figcaption class="govuk-body" id="{id}-caption">{description}</figcaption>'
                "{svg}{table}</figure>"
            ).format(id=self.chart_id, description=self.description, svg=self.svg, table=self.table)
        )

    def __str__(self) -> str:
        return self.__html__()

    def for_document(self) -> Figure:
        """The same figure for a tagged PDF (PDF/UA).

        WeasyPrint takes a chart's alternative text (``/Alt``) from its ``<title>``
        alone, so there the title carries the description too: a screen reader
        reading the PDF hears the chart's name and what it shows, then meets the
        same figures in the data table after it.
        """
        short = Markup('<title id="{id}-title">{title}</title>').format(
            id=self.chart_id, title=self.title
        )
        full = Markup('<title id="{id}-title">{title}. {description}</title>').format(
            id=self.chart_id, title=self.title, description=self.description
        )
        # Both pieces are escaped Markup built the same way as the chart itself.
        svg = Markup(str(self.svg).replace(str(short), str(full), 1))  # noqa: S704
        return replace(self, svg=svg)


def interval_chart(
    series: Series | Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    target: float | None = None,
    target_label: str | None = None,
    category_heading: str | None = None,
) -> Figure:
    """Points with 95% intervals across categories (waves), and a target line.

    Parameters
    ----------
    series
        One series or several (drawn side by side at each category).
    chart_id
        Unique on the page; prefixes the ids of the title, description and table.
    title
        Short name of the chart (the ``<title>`` and the table caption).
    description
        What the chart shows, in a sentence or two; a default is written from the
        data when omitted.
    target
        A target level (0-100) drawn as a dashed line labelled ``target_label``.
    category_heading
        Heading of the table's first column ("Wave" by default).
    """
    all_series = _as_list(series)
    categories = _categories(all_series)
    target_text = target_label or (
        gettext("Target %(value)s", value=_pct(target)) if target is not None else None
    )
    top, bottom, left, right = (48 if len(all_series) > 1 else 24), 72, 56, 96
    height = 340
    plot_h = height - top - bottom
    plot_w = WIDTH - left - right
    slot = plot_w / max(len(categories), 1)

    def y(value: float) -> float:
        return round(top + plot_h * (1 - value / 100), 2)

    parts: list[str] = []
    parts.extend(_y_grid(left=left, right=WIDTH - right, y=y))
    for index, name in enumerate(categories):
        x = left + slot * (index + 0.5)
        parts.append(_wrapped_text(name, x=x, y=height - bottom + 22, anchor="middle", width=slot))
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line class="app-results-chart__target" x1="{left}" y1="{ty}" x2="{WIDTH - right}" '
            f'y2="{ty}" stroke="{TEXT}" stroke-width="2" stroke-dasharray="10 6"></line>'
        )
        parts.append(
            _text(target_text or "", x=WIDTH - right + 4, y=ty + 5, anchor="start", size=14)
        )
    offsets = _offsets(len(all_series), spread=min(slot * 0.5, 48))
    for number, one in enumerate(all_series):
        colour, dash = COLOURS[number % 4], DASHES[number % 4]
        by_label = {point.label: point for point in one.points}
        line: list[str] = []
        for index, name in enumerate(categories):
            point = by_label.get(name)
            x = round(left + slot * (index + 0.5) + offsets[number], 2)
            if point is None:
                continue
            if point.percent is None:
                parts.append(_text(gettext("not shown"), x=x, y=y(50), anchor="middle", size=14))
                continue
            py = y(point.percent)
            line.append(f"{x},{py}")
            if point.low is not None and point.high is not None:
                parts.append(_whisker_v(x=x, y1=y(point.low), y2=y(point.high), colour=colour))
            parts.append(_marker(number, x=x, y=py, hollow=point.caution))
            label_y = _value_label_y(py, None if target is None else y(target))
            parts.append(
                _text(_point_pct(point, point.percent), x=x + 9, y=label_y, anchor="start", size=14)
            )
        if len(line) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.insert(
                0,
                f'<polyline class="app-results-chart__line" points="{" ".join(line)}" fill="none" '
                f'stroke="{colour}" stroke-width="2"{dash_attr}></polyline>',
            )
    if len(all_series) > 1:
        parts.extend(_legend(all_series, y=18))
    text = description or _describe_intervals(all_series, categories, target_text)
    return _figure(
        chart_id=chart_id,
        title=title,
        description=text,
        height=height,
        body=parts,
        series=all_series,
        categories=categories,
        category_heading=category_heading or gettext("Wave"),
        defs="",
    )


def bar_chart(
    series: Series | Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    category_heading: str | None = None,
) -> Figure:
    """Horizontal bars with 95% interval whiskers, one row per category.

    Each category's name is written above its bars, so long names (themes, groups)
    wrap instead of squeezing the bars. Parameters as for :func:`interval_chart`;
    ``category_heading`` defaults to "Group".
    """
    all_series = _as_list(series)
    categories = _categories(all_series)
    left, right, top = 8, 96, 48 if len(all_series) > 1 else 28
    plot_w = WIDTH - left - right
    bar_h, gap = 18, 6
    label_h = 22

    def x(value: float) -> float:
        return round(left + plot_w * value / 100, 2)

    rows: list[str] = []
    cursor = top + 8
    for name in categories:
        rows.append(_wrapped_text(name, x=left, y=cursor + 14, anchor="start", width=WIDTH))
        cursor += label_h * max(1, len(_wrap(name, _chars(WIDTH))))
        for number, one in enumerate(all_series):
            point = next((p for p in one.points if p.label == name), None)
            if point is not None:
                rows.extend(_bar(point, number, chart_id=chart_id, y=cursor, height=bar_h, x=x))
            cursor += bar_h + gap
        cursor += gap * 2
    height = cursor + 8
    grid = [
        f'<line class="app-results-chart__grid" x1="{x(v)}" y1="{top}" x2="{x(v)}" '
        f'y2="{height - 8}" stroke="{GRID}" stroke-width="1"></line>'
        + _text(_pct(v, digits=0), x=x(v), y=top - 6, anchor="middle", size=14)
        for v in (0, 25, 50, 75, 100)
    ]
    parts = grid + rows
    if len(all_series) > 1:
        parts.extend(_legend(all_series, y=16, chart_id=chart_id))
    text = description or gettext(
        "Horizontal bar chart of the percentage for each of %(n)s groups, with 95%% "
        "confidence intervals as lines. The figures are in the table below.",
        n=len(categories),
    )
    return _figure(
        chart_id=chart_id,
        title=title,
        description=text,
        height=height,
        body=parts,
        series=all_series,
        categories=categories,
        category_heading=category_heading or gettext("Group"),
        defs=_patterns(chart_id, len(all_series)),
    )


# --- pieces ---------------------------------------------------------------------


def _value_label_y(point_y: float, target_y: float | None) -> float:
    """Where a point's value label sits (its baseline): above the point, or below
    it when the target line would run through the label's 14 px text."""
    above = point_y - 8
    if target_y is not None and above - 14 <= target_y <= above + 4:
        return point_y + 22
    return above


def _as_list(series: Series | Sequence[Series]) -> list[Series]:
    found = [series] if isinstance(series, Series) else list(series)
    if not found:
        raise ValueError("a chart needs at least one series")
    return found


def _categories(series: Iterable[Series]) -> list[str]:
    seen: dict[str, None] = {}
    for one in series:
        for point in one.points:
            seen.setdefault(point.label, None)
    return list(seen)


def _point_pct(point: Point, value: float | None) -> str:
    """One of a point's figures (its percentage or an interval end) as its table
    writes it: the publication rule for a published figure, else one decimal."""
    if point.published:
        return "" if value is None else publication_text(value)
    return _pct(value)


def _pct(value: float | None, *, digits: int = 1) -> str:
    if value is None:
        return ""
    return format_percent(value, digits)


def _text(words: str, *, x: float, y: float, anchor: str, size: int = FONT_SIZE) -> str:
    return (
        f'<text class="app-results-chart__text" x="{round(x, 2)}" y="{round(y, 2)}" '
        f'text-anchor="{anchor}" font-size="{size}" fill="{TEXT}">{escape(words)}</text>'
    )


def _chars(width: float) -> int:
    # About 8.5 user units per character at 16px in a proportional font.
    return max(8, int(width / 8.5))


def _wrap(words: str, limit: int, *, lines: int = 3) -> list[str]:
    out: list[str] = []
    for word in words.split():
        if out and len(out[-1]) + 1 + len(word) <= limit:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
        if len(out[-1]) > limit:
            out[-1] = out[-1][: limit - 1] + "…"
    return out or [""]


def _wrapped_text(words: str, *, x: float, y: float, anchor: str, width: float) -> str:
    lines = _wrap(words, _chars(width))
    spans = "".join(
        f'<tspan x="{round(x, 2)}" dy="{0 if i == 0 else 18}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text class="app-results-chart__text" x="{round(x, 2)}" y="{round(y, 2)}" '
        f'text-anchor="{anchor}" font-size="{FONT_SIZE - 2}" fill="{TEXT}">{spans}</text>'
    )


def _y_grid(*, left: float, right: float, y: Callable[[float], float]) -> list[str]:
    scale = y
    out = []
    for value in (0, 25, 50, 75, 100):
        at = scale(value)
        out.append(
            f'<line class="app-results-chart__grid" x1="{left}" y1="{at}" x2="{right}" '
            f'y2="{at}" stroke="{GRID}" stroke-width="1"></line>'
        )
        out.append(_text(_pct(value, digits=0), x=left - 6, y=at + 5, anchor="end", size=14))
    return out


def _offsets(count: int, *, spread: float) -> list[float]:
    if count == 1:
        return [0.0]
    step = spread / (count - 1)
    return [round(-spread / 2 + step * i, 2) for i in range(count)]


def _whisker_v(*, x: float, y1: float, y2: float, colour: str) -> str:
    return (
        f'<path class="app-results-chart__interval" d="M{x - 5},{y1}H{x + 5}M{x},{y1}V{y2}'
        f'M{x - 5},{y2}H{x + 5}" stroke="{colour}" stroke-width="2" fill="none"></path>'
    )


def _marker(number: int, *, x: float, y: float, hollow: bool) -> str:
    colour = COLOURS[number % 4]
    fill = "#ffffff" if hollow else colour
    common = f'class="app-results-chart__marker" fill="{fill}" stroke="{colour}" stroke-width="2"'
    shape = MARKERS[number % 4]
    x, y = round(x, 2), round(y, 2)
    if shape == "circle":
        return f'<circle {common} cx="{x}" cy="{y}" r="6"></circle>'
    if shape == "square":
        return f'<rect {common} x="{x - 5.5:g}" y="{y - 5.5:g}" width="11" height="11"></rect>'
    if shape == "triangle":
        d = f"M{x:g},{y - 7:g}L{x + 7:g},{y + 5:g}L{x - 7:g},{y + 5:g}Z"
    else:
        d = f"M{x:g},{y - 7:g}L{x + 7:g},{y:g}L{x:g},{y + 7:g}L{x - 7:g},{y:g}Z"
    return f'<path {common} d="{d}"></path>'


def _patterns(chart_id: str, count: int) -> str:
    out = []
    for number in range(1, min(count, 4)):
        colour = COLOURS[number]
        pattern_id = f"{chart_id}-pattern-{number}"
        if PATTERNS[number] == "hatch":
            mark = f'<path d="M0,8L8,0" stroke="{colour}" stroke-width="2"></path>'
        elif PATTERNS[number] == "dots":
            mark = f'<circle cx="4" cy="4" r="1.8" fill="{colour}"></circle>'
        else:
            mark = f'<path d="M0,4H8M4,0V8" stroke="{colour}" stroke-width="1.5"></path>'
        out.append(
            f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#ffffff"></rect>{mark}</pattern>'
        )
    return f"<defs>{''.join(out)}</defs>" if out else ""


def _fill(number: int, chart_id: str) -> str:
    if number % 4 == 0:
        return COLOURS[0]
    return f"url(#{chart_id}-pattern-{number % 4})"


def _bar(
    point: Point,
    number: int,
    *,
    chart_id: str,
    y: float,
    height: float,
    x: Callable[[float], float],
) -> list[str]:
    scale = x
    colour = COLOURS[number % 4]
    if point.percent is None:
        return [_text(_not_shown(point), x=8, y=y + 14, anchor="start", size=14)]
    end = scale(point.percent)
    start = scale(0)
    out = [
        f'<rect class="app-results-chart__bar" x="{start}" y="{y}" width="{round(end - start, 2)}" '
        f'height="{height}" fill="{_fill(number, chart_id)}" stroke="{colour}" stroke-width="1.5"'
        f"{CAUTION_FILL if point.caution else ''}></rect>"
    ]
    label_at = end
    if point.low is not None and point.high is not None:
        low, high = scale(point.low), scale(point.high)
        mid = y + height / 2
        out.append(
            f'<path class="app-results-chart__interval" d="M{low},{mid - 6}V{mid + 6}M{low},{mid}'
            f'H{high}M{high},{mid - 6}V{mid + 6}" stroke="{TEXT}" stroke-width="2" '
            f'fill="none"></path>'
        )
        label_at = max(end, high)
    out.append(
        _text(_point_pct(point, point.percent), x=label_at + 6, y=y + 14, anchor="start", size=14)
    )
    return out


def _legend(series: Sequence[Series], *, y: float, chart_id: str | None = None) -> list[str]:
    out, x = [], 8.0
    for number, one in enumerate(series):
        if chart_id is None:
            out.append(_marker(number, x=x + 6, y=y - 5, hollow=False))
        else:
            colour = COLOURS[number % 4]
            out.append(
                f'<rect x="{x}" y="{y - 12}" width="14" height="14" '
                f'fill="{_fill(number, chart_id)}" stroke="{colour}" stroke-width="1.5"></rect>'
            )
        out.append(_text(one.name, x=x + 20, y=y, anchor="start", size=14))
        x += 40 + len(one.name) * 7.5
    return out


def _describe_intervals(
    series: Sequence[Series], categories: Sequence[str], target_text: str | None
) -> str:
    parts = [
        gettext(
            "Chart of the percentage at each of %(n)s waves, from %(first)s to %(last)s, "
            "each with its 95%% confidence interval as a vertical line.",
            n=len(categories),
            first=categories[0] if categories else "",
            last=categories[-1] if categories else "",
        )
    ]
    if target_text:
        parts.append(gettext("A dashed line shows the target (%(target)s).", target=target_text))
    parts.append(gettext("The figures are in the table below."))
    return " ".join(parts)


def _figure(
    *,
    chart_id: str,
    title: str,
    description: str,
    height: float,
    body: Sequence[str],
    series: Sequence[Series],
    categories: Sequence[str],
    category_heading: str,
    defs: str,
) -> Figure:
    svg = Markup(
        '<svg class="app-results-chart" id="{id}-svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
    ).format(id=chart_id, w=WIDTH, h=round(height), title=title, desc=description)
    # Every piece above was built from numbers and escape()d words.
    drawing = Markup(defs + "".join(body) + "</svg>")  # noqa: S704
    return Figure(
        chart_id=chart_id,
        title=title,
        description=description,
        svg=svg + drawing,
        table=data_table(
            series, categories=categories, chart_id=chart_id, title=title, heading=category_heading
        ),
    )


def data_table(
    series: Sequence[Series],
    *,
    categories: Sequence[str],
    chart_id: str,
    title: str,
    heading: str,
) -> Markup:
    """The chart's figures as a captioned table in its own scrolling region."""
    many = len(series) > 1
    head = [Markup('<th scope="col" class="govuk-table__header">{}</th>').format(heading)]
    for one in series:
        for column in (gettext("Percentage"), gettext("95% confidence interval"), gettext("Base")):
            words = f"{one.name}: {column}" if many else column
            head.append(
                Markup(
                    '<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
                    "{}</th>"
                ).format(words)
            )
    rows = []
    for name in categories:
        cells = [Markup('<th scope="row" class="govuk-table__header">{}</th>').format(name)]
        for one in series:
            point = next((p for p in one.points if p.label == name), None)
            cells.extend(_cells(point))
        rows.append(Markup('<tr class="govuk-table__row">{}</tr>').format(Markup("").join(cells)))
    return Markup(
        '<div class="app-table-scroll" role="region" aria-labelledby="{id}-table-caption" '
        'tabindex="0"><table class="govuk-table" id="{id}-table">'
        '<caption class="govuk-table__caption govuk-table__caption--s" id="{id}-table-caption">'
        "{caption}</caption>"
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
        '<tbody class="govuk-table__body">{rows}</tbody></table></div>'
    ).format(
        id=chart_id,
        caption=gettext("%(title)s: figures", title=title),
        head=Markup("").join(head),
        rows=Markup("").join(rows),
    )


def _cells(point: Point | None) -> list[Markup]:
    cell = Markup('<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>')
    if point is None:
        return [cell.format("–")] * 3
    base = f"{point.base:,}" if point.base is not None else "–"
    if point.percent is None:
        return [
            cell.format(_not_shown(point)),
            cell.format("–"),
            cell.format(base),
        ]
    shown = _point_pct(point, point.percent)
    if point.caution:
        shown = gettext("%(value)s (treat with caution)", value=shown)
    interval = (
        gettext(
            "%(low)s to %(high)s",
            low=_point_pct(point, point.low),
            high=_point_pct(point, point.high),
        )
        if point.low is not None and point.high is not None
        else "–"
    )
    return [cell.format(shown), cell.format(interval), cell.format(base)]


__all__ = ["Figure", "Point", "Series", "bar_chart", "data_table", "interval_chart"]


# --- sparklines -----------------------------------------------------------------------

#: How many of the latest figures a sparkline shows (Sefton's "6 point trend").
SPARK_POINTS = 6
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 4


@dataclass(frozen=True, slots=True)
class SparkPoint:
    """One figure of a trend: its label (wave or period) and value (None: not shown)."""

    label: str
    value: float | None


def sparkline(
    points: Sequence[SparkPoint],
    *,
    spark_id: str,
    title: str,
    percentage: bool = True,
    unit: str | None = None,
) -> Markup:
    """The last :data:`SPARK_POINTS` figures as a small line with the numbers beside it.

    The ``<svg role="img">`` is named by its ``<title>`` (what it is) and described by
    ``<desc>`` (every figure with its label, in order); the same numbers are written
    out under it, rounded by the one rule (``analysis.rounding``), so nothing is
    only in the picture. A figure that is not shown (base under 10) is a gap.
    Empty markup when there are fewer than two figures.
    """
    shown = list(points)[-SPARK_POINTS:]
    if len(shown) < 2:
        return Markup("")

    def text(value: float | None) -> str:
        if value is None:
            return gettext("not shown")
        if percentage:
            return format_percent(value, 1)
        return f"{format_number(value, 1)} {unit}".strip() if unit else format_number(value, 1)

    known = [p.value for p in shown if p.value is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(shown) - 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / (high - low) * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return round(SPARK_PAD + index * step, 1), round(y, 1)

    runs: list[list[tuple[float, float]]] = [[]]
    for index, point in enumerate(shown):
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append(xy(index, point.value))
    lines = [
        Markup('<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2"/>').format(
            p=" ".join(f"{x},{y}" for x, y in run), c=COLOURS[0]
        )
        for run in runs
        if len(run) > 1
    ]
    dots = [
        Markup('<circle cx="{x}" cy="{y}" r="{r}" fill="{c}"/>').format(
            x=x, y=y, r=3 if i == len(shown) - 1 else 2, c=COLOURS[0]
        )
        for i, point in enumerate(shown)
        if point.value is not None
        for x, y in [xy(i, point.value)]
    ]
    described = "; ".join(f"{p.label}: {text(p.value)}" for p in shown)
    numbers = Markup("").join(
        Markup('<li><span class="govuk-visually-hidden">{label}: </span>{value}</li>').format(
            label=p.label, value=text(p.value)
        )
        for p in shown
    )
    return Markup(
        '<div class="app-sparkline" id="{id}">'
        '<svg class="app-sparkline__svg" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{lines}{dots}</svg>"
        '<ol class="app-sparkline__numbers" aria-label="{numbers_label}">{numbers}</ol></div>'
    ).format(
        id=spark_id,
        w=SPARK_WIDTH,
        h=SPARK_HEIGHT,
        title=title,
        desc=described,
        lines=Markup("").join(lines),
        dots=Markup("").join(dots),
        numbers_label=gettext("The figures, oldest first"),
        numbers=numbers,
    )

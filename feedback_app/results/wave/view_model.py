"""What the wave results pages draw and download, made from the service's dicts.

Charts come from ``results/charts.py``; the workbook from ``analysis.render_xlsx``.
Every chart, table and sheet names options and groups by their labels; a code
appears only in the workbook's own ``code`` column, for analysts.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from analysis.render_xlsx import tables_to_xlsx
from analysis.tables import Cell, Table
from feedback_app.results.charts import Figure, Point, Series, bar_chart, interval_chart
from feedback_app.results.wave import service
from surveys import Questionnaire


def _point(
    label: str, share: dict[str, Any], *, base: int | None, caution: bool, published: bool
) -> Point:
    return Point(
        label=label,
        percent=share.get("percent"),
        low=share.get("ci_low"),
        high=share.get("ci_high"),
        base=base,
        caution=caution,
        withheld=bool(share.get("withheld")),
        published=published,
    )


def question_figures(result: dict[str, Any]) -> dict[str, Figure]:
    """Per closed question: a bar chart of its options' percentages and intervals."""
    figures = {}
    for item in result["questions"]:
        if item["base"] is not None and item["suppressed"]:
            continue
        points = tuple(
            _point(
                o["label"],
                o,
                base=item["base"],
                caution=bool(item["caution"]),
                published=bool(result.get("publication")),
            )
            for o in item["options"]
        )
        figures[item["question"]] = bar_chart(
            [Series(result["wave"], points)],
            chart_id=f"q-{item['question']}",
            title=item["text"],
            category_heading=gettext("Answer"),
        )
    return figures


def group_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(column, name) of every grouping: each closed single-choice question, then
    language and channel."""
    return [
        *(
            (q.id, service.question_text(questionnaire, q.id))
            for q in service.breakdown_questions(questionnaire)
        ),
        ("language", gettext("Language")),
        ("channel", gettext("Channel")),
    ]


def crosstab_figure(result: dict[str, Any]) -> Figure:
    """One series per option, one category per group (withheld groups drawn as not shown)."""
    series = []
    for i, label in enumerate(result["option_labels"]):
        points = tuple(
            _point(
                row["label"],
                row["options"][i],
                base=row["base"],
                caution=bool(row["caution"]),
                published=bool(result.get("publication")),
            )
            for row in result["rows"]
        )
        series.append(Series(label, points))
    return bar_chart(
        series[:4] if len(series) > 4 else series,
        chart_id="crosstab",
        title=result["question_text"],
        category_heading=gettext("Group"),
    )


def trend_figures(result: dict[str, Any]) -> dict[str, Figure]:
    """Per KPI, its percentage and interval in each period (or event)."""
    figures: dict[str, Figure] = {}
    if not result.get("trend"):
        return figures
    for item in result["trend"]["kpis"]:
        kpi = item["kpi"]
        title = kpi["short_title"] or kpi["title"]
        points = tuple(
            Point(
                label=step["wave"],
                percent=step["estimate"]["percent"],
                low=step["estimate"]["ci_low"],
                high=step["estimate"]["ci_high"],
                base=step["estimate"]["base"],
                caution=bool(step["estimate"]["caution"]),
                withheld=bool(step["estimate"].get("withheld")),
                published=bool(result.get("publication")),
            )
            for step in item["steps"]
        )
        figures[kpi["id"]] = interval_chart(
            Series(title, points), chart_id=f"trend-{kpi['id']}", title=title
        )
    return figures


def _count(value: int | None) -> Cell:
    return value


def report_extra_figures(extras: dict[str, Any]) -> dict[str, Figure]:
    """The charts of the breakdown and periods added to a report (none when not chosen)."""
    figures: dict[str, Figure] = {}
    if extras.get("crosstab"):
        figures["crosstab"] = crosstab_figure(extras["crosstab"])
    if extras.get("periods"):
        figures.update(trend_figures(extras["periods"]))
    return figures


#: The figures of each answer in a table of answers, after what the row is about.
ANSWER_FIGURES = ("base", "count", "percent", "ci_low", "ci_high", "note")


def crosstab_table(result: dict[str, Any]) -> Table:
    """A cross-tabulation, one row per group and answer: labels first, codes after."""
    rows: list[tuple[Cell, ...]] = []
    for row in [*result["rows"], {**result["total"], "label": gettext("Everyone who answered")}]:
        for label, option in zip(result["option_labels"], row["options"], strict=True):
            rows.append(
                (
                    row["label"],
                    label,
                    row["group"],
                    option["option"],
                    row["base"],
                    option["count"],
                    option["percent"],
                    option["ci_low"],
                    option["ci_high"],
                    gettext("withheld") if option["withheld"] else "",
                )
            )
    return Table(
        "breakdown",
        gettext("%(question)s, by group", question=result["question_text"]),
        ("group", "answer", "group_code", "answer_code", *ANSWER_FIGURES),
        tuple(rows),
        frozenset({"percent", "ci_low", "ci_high"}),
    )


#: The columns of a table of every closed question's answers (labels, then codes).
OPTION_COLUMNS = ("question", "answer", "question_code", "answer_code", *ANSWER_FIGURES)


def _option_rows(outcome: dict[str, Any]) -> list[tuple[Cell, ...]]:
    """One row per answer of each closed question in a wave's (or period's) results."""
    return [
        (
            item["text"],
            option["label"],
            item["question"],
            option["option"],
            item["base"],
            option["count"],
            option["percent"],
            option["ci_low"],
            option["ci_high"],
            gettext("withheld") if option["withheld"] else "",
        )
        for item in outcome["questions"]
        for option in item["options"]
    ]


def period_tables(result: dict[str, Any]) -> list[tuple[str, Table]]:
    """The wave by period: each period's questions, and each KPI's (and each % positive's)
    trend with the change from the period before."""
    periods = Table(
        "periods",
        gettext("Every closed question, period by period (then all periods together)"),
        ("period", *OPTION_COLUMNS),
        tuple(
            (outcome["wave"], *row)
            for outcome in [*result["per_period"], result["together"]]
            for row in _option_rows(outcome)
        ),
        frozenset({"percent", "ci_low", "ci_high"}),
    )
    steps: list[tuple[Cell, ...]] = []
    for item in (result.get("trend") or {}).get("kpis", []):
        kpi = item["kpi"]
        for step in item["steps"]:
            e, change = step["estimate"], step["against_previous"] or {}
            steps.append(
                (
                    kpi["short_title"] or kpi["title"],
                    step["wave"],
                    kpi["id"],
                    e["base"],
                    e["percent"],
                    e["ci_low"],
                    e["ci_high"],
                    change.get("change_pp"),
                    _significant(change.get("significant")),
                    flag_text(e),
                )
            )
    trend = Table(
        "trend",
        gettext("KPIs and percentage positive, period by period"),
        (
            "measure",
            "period",
            "measure_code",
            "base",
            "percent",
            "ci_low",
            "ci_high",
            "change_points",
            "significant",
            "flag",
        ),
        tuple(steps),
        frozenset({"percent", "ci_low", "ci_high", "change_points"}),
    )
    return [("Periods", periods), ("Trend", trend)]


def _significant(value: bool | None) -> str:
    return "" if value is None else gettext("yes") if value else gettext("no")


def report_workbook(result: dict[str, Any], extras: dict[str, Any] | None = None) -> bytes:
    """The wave report as XLSX: who responded, KPIs, every question, themes, and the
    breakdown and periods chosen (each in its own sheet)."""
    wave = result["wave"]
    outcome = result["results"]
    who = result["who"]
    responded = Table(
        "responses",
        gettext("Who responded"),
        ("measure", "code", "label", "responses"),
        (
            ("all", "", gettext("All responses"), outcome["responses"]),
            *(("channel", c["code"], c["label"], c["count"]) for c in who["channel"]),
            *(("language", c["code"], c["label"], c["count"]) for c in who["language"]),
        ),
    )
    kpis = Table(
        "kpis",
        gettext("KPIs measured in %(wave)s", wave=wave),
        (
            "kpi",
            "title",
            "base",
            "percent",
            "ci_low",
            "ci_high",
            "flag",
            "agreed_baseline",
            "target",
            "against_target",
        ),
        tuple(
            (
                k["kpi"]["reference"] or k["kpi"]["id"],
                k["kpi"]["title"],
                k["estimate"]["base"],
                k["estimate"]["percent"],
                k["estimate"]["ci_low"],
                k["estimate"]["ci_high"],
                flag_text(k["estimate"]),
                k.get("against", {}).get("baseline"),
                k.get("against", {}).get("target"),
                k.get("against", {}).get("status") or "",
            )
            for k in outcome["kpis"]
        ),
        frozenset({"percent", "ci_low", "ci_high", "agreed_baseline", "target"}),
    )
    questions = Table(
        "questions",
        gettext("Every closed question"),
        OPTION_COLUMNS,
        tuple(_option_rows(outcome)),
        frozenset({"percent", "ci_low", "ci_high"}),
    )
    positive = positive_table(
        outcome["questions"], gettext("Percentage positive, question by question")
    )
    theme_rows = tuple(
        (block["text"], theme["label"], theme["theme"], theme["comments"], theme["percent"])
        for block in result["themes"]
        for theme in block["themes"]
    )
    themes = Table(
        "themes",
        gettext("What people wrote about"),
        ("question", "theme", "theme_code", "comments", "percent"),
        theme_rows,
        frozenset({"percent"}),
    )
    sheets = [
        ("Who responded", responded),
        ("KPIs", kpis),
        ("Questions", questions),
        ("Positive", positive),
        ("Themes", themes),
    ]
    if extras and extras.get("crosstab"):
        sheets.append(("Breakdown", crosstab_table(extras["crosstab"])))
    if extras and extras.get("periods") and extras["periods"]["periods"]:
        sheets += period_tables(extras["periods"])
    return tables_to_xlsx(sheets, publication=True)


def positive_table(questions: list[dict[str, Any]], title: str, name: str = "positive") -> Table:
    """Each question's % positive (where it marks positive answers): words, then codes."""
    rows = tuple(
        (
            item["text"],
            ", ".join(item.get("positive_labels", ())),
            item["question"],
            item["positive"]["base"],
            item["positive"]["positive"],
            item["positive"]["percent"],
            item["positive"]["ci_low"],
            item["positive"]["ci_high"],
            flag_text(item["positive"]),
        )
        for item in questions
        if item.get("positive")
    )
    return Table(
        name,
        title,
        (
            "question",
            "counted_as_positive",
            "question_code",
            "base",
            "positive",
            "percent",
            "ci_low",
            "ci_high",
            "flag",
        ),
        rows,
        frozenset({"percent", "ci_low", "ci_high"}),
    )


def flag_text(estimate: dict[str, Any]) -> str:
    """The small-number note of an estimate in words."""
    if estimate.get("withheld"):
        return gettext("withheld (fewer than 5, or would reveal one)")
    if estimate.get("suppressed"):
        return gettext("not shown (base under 10)")
    if estimate.get("caution"):
        return gettext("treat with caution")
    return ""

"""The board report as a workbook (issue 13 §7): the same figures, words and
suppression as the report page and PDF, one sheet per table, for officers who
build their board papers in Excel.

Every cell comes from the report model the page renders (``board_report``), so a
figure is rounded and suppressed once: a percentage is the text the page shows
("38.5%", "not shown"), never a number recomputed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import format_date, gettext

from analysis.tables import Cell, Table
from feedback_app.plan.actions.tracker import TrackerSummary


def _shown(estimate: Mapping[str, Any] | None) -> str:
    """A wave's percentage as the report shows it (``percent`` in report_body.html)."""
    if not estimate:
        return ""
    if estimate.get("flag") in ("suppressed", "withheld"):
        return gettext("not shown")
    return str(estimate.get("text", "")) + ("*" if estimate.get("flag") == "caution" else "")


def _change(text: str) -> str:
    """The report's change ("+15 points") in words a spreadsheet keeps as text: a
    leading sign would otherwise be neutralised as a possible formula ("'+15")."""
    if text.startswith("+"):
        return gettext("up %(change)s", change=text[1:])
    if text.startswith(("-", "\u2212")):
        return gettext("down %(change)s", change=text[1:])
    return text


def _direction(direction: str) -> str:
    """The direction of travel in the report page's words (``direction_words``)."""
    if direction == "improved":
        return gettext("Improved")
    if direction == "declined":
        return gettext("Declined")
    if direction == "no significant change":
        return gettext("No significant change")
    return gettext("Not enough data")


def board_pack_tables(
    report: Mapping[str, Any], summary: TrackerSummary | None, *, audience: str
) -> list[tuple[str, Table]]:
    """The workbook's sheets: (sheet name, table), in reading order."""
    plan = report.get("plan_version")
    about: list[tuple[Cell, ...]] = [
        (gettext("Report for"), audience),
        (gettext("Area"), report["area"]),
        *(((gettext("Compared"), gettext("%(latest)s with the baseline, %(baseline)s",
                                         latest=report["latest"], baseline=report["baseline"])),
            (gettext("Responses"), gettext("withheld") if report["responses_total"] is None
             else report["responses_total"]))
          if report["waves"] else
          ((gettext("Compared"), gettext("No survey waves are compared: this board pack "
                                         "carries the KPIs the area enters.")),)),
        (gettext("Plan version"), gettext("Version %(number)s, as it stood on %(date)s",
                                          number=plan["number"], date=plan["date"])
         if plan else gettext("No plan")),
        (gettext("Small numbers"), gettext("Counts of 1 to 4, and figures that would reveal "
                                           "them, are not shown; * marks a base under 30")),
    ]  # fmt: skip
    kpis = list(report["kpis"])
    entered = list(report.get("entered") or ())
    return [
        ("Board pack", Table("about", gettext("About this board pack"),
                             (gettext("Item"), gettext("Detail")), tuple(about))),
        ("KPIs", Table("kpis", gettext("Headline KPIs"), _kpi_columns(),
                       tuple(_kpi_row(kpi) for kpi in kpis)
                       + tuple(_entered_row(kpi) for kpi in entered))),
        ("Targets", Table("targets", gettext("Each staged target and its judgement"),
                          _target_columns(), tuple(_target_rows(kpis + entered)))),
        ("Benchmarks", Table("benchmarks", gettext("Benchmarks beside each KPI"),
                             _benchmark_columns(), tuple(_benchmark_rows(kpis + entered)))),
        *_action_tables(summary),
    ]  # fmt: skip


def _kpi_columns() -> tuple[str, ...]:  # translated at request time
    return (gettext("KPI"), gettext("Measure"), gettext("Kind"), gettext("Baseline"),
            gettext("Latest"), gettext("Change"), gettext("Direction of travel"),
            gettext("Agreed baseline"), gettext("Target status"), gettext("Status"),
            gettext("Status override"), gettext("Trend: the last 6 figures, oldest first"),
            gettext("Commentary"), gettext("Commentary by"))  # fmt: skip


def _kpi_row(kpi: Mapping[str, Any]) -> tuple[Cell, ...]:
    statuses = "; ".join(t["status"] for t in kpi.get("plan_targets") or ())
    return (
        kpi["reference"],
        kpi["title"],
        gettext("Survey"),
        _shown(kpi.get("baseline")),
        _shown(kpi.get("latest")),
        _change(kpi.get("change_text") or ""),
        _direction(kpi.get("direction", "")),
        kpi.get("agreed_baseline") or "",
        statuses or kpi.get("target_status") or "",
        *_plan_cells(kpi),
    )


def _entered_row(kpi: Mapping[str, Any]) -> tuple[Cell, ...]:
    """An entered KPI: no measured baseline; its latest value with its period."""
    latest = kpi.get("latest") or ""
    return (
        kpi["reference"],
        kpi["title"],
        gettext("Entered"),
        "",
        f"{latest} ({kpi['latest_period']})" if latest else gettext("No value entered yet"),
        _change(kpi.get("change_text") or ""),
        "",
        kpi.get("agreed_baseline") or "",
        "; ".join(t["status"] for t in kpi.get("plan_targets") or ()),
        *_plan_cells(kpi),
    )


def _plan_cells(kpi: Mapping[str, Any]) -> tuple[Cell, ...]:
    """Status, its override, the trend and the latest commentary, as on the page."""
    status = kpi.get("status") or {}
    commentary = kpi.get("commentary") or {}
    trend = "; ".join(f"{p['wave']}: {_shown(p)}" for p in kpi.get("trend") or ())
    by = (
        gettext("%(author)s, %(date)s", author=commentary["author"], date=commentary["date"])
        if commentary
        else ""
    )
    return (
        status.get("text", ""),
        status.get("override", ""),
        trend,
        commentary.get("body", ""),
        by,
    )


def _target_columns() -> tuple[str, ...]:
    return (gettext("KPI"), gettext("Target"), gettext("Label"), gettext("Due"),
            gettext("Judgement"), gettext("Judged on"), gettext("Benchmark used"))  # fmt: skip


def _target_rows(kpis: Sequence[Mapping[str, Any]]) -> list[tuple[Cell, ...]]:
    return [
        (kpi["reference"], t["level"], t["label"], t["due"] or "", t["status"],
         t["judged_on"], t["benchmark"])
        for kpi in kpis
        for t in kpi.get("plan_targets") or ()
    ]  # fmt: skip


def _benchmark_columns() -> tuple[str, ...]:
    return (gettext("KPI"), gettext("Comparator"), gettext("Figure"), gettext("Period"),
            gettext("Source"), gettext("Published"))  # fmt: skip


def _benchmark_rows(kpis: Sequence[Mapping[str, Any]]) -> list[tuple[Cell, ...]]:
    return [
        (kpi["reference"], b["name"], b["value"], b["period"], b["source"], b["published"])
        for kpi in kpis
        for b in kpi.get("benchmarks") or ()
    ]


def _action_tables(summary: TrackerSummary | None) -> list[tuple[str, Table]]:
    if summary is None or not summary.total:
        return []
    counts: tuple[tuple[Cell, ...], ...] = (
        *((row.label or gettext("No status yet"), row.count) for row in summary.counts),
        (gettext("All actions"), summary.total),
    )
    flagged = tuple(
        (
            f.reference,
            f.action,
            f.owner,
            f.status_label or gettext("No status yet"),
            format_date(f.status_date, "d MMM yyyy") if f.status_date else "",
            format_date(f.overdue_since, "d MMM yyyy") if f.overdue_since else "",
            f.commentary if f.exception else "",
        )
        for f in summary.flagged
    )
    day = format_date(summary.today, "d MMMM yyyy")
    return [
        ("Actions by status", Table("action_counts",
                                    gettext("Actions by status on %(day)s", day=day),
                                    (gettext("Status"), gettext("Actions")), counts)),
        ("Actions to look at", Table("action_flagged",
                                     gettext("Overdue or needing exception commentary"),
                                     (gettext("Reference"), gettext("Action"), gettext("Owner"),
                                      gettext("Status"), gettext("Status set"),
                                      gettext("Overdue since"), gettext("Exception commentary")),
                                     flagged)),
    ]  # fmt: skip

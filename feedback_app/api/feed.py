"""The API's tables: what each endpoint returns, as rows of published figures.

Every figure comes from the services the staff pages use, always on their
publication path: the board report (``results.downloads.board_report``) for KPIs,
comparisons and breakdowns, and ``results.wave.service.results(publication=True)``
for one wave. So a count of 1 to 4, or a cell that could be worked out from the
totals, is withheld here exactly as in the board report (``analysis.disclosure``).
A wave's total of responses from 1 to 4 is withheld too.

Each table is defined once, as data (:data:`TABLES`): its columns and their types
give the JSON items, the CSV header and the OpenAPI schema, so they cannot drift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.suppression import SMALLEST_SHOWN
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Response, Wave, utcnow
from feedback_app.plan.service import area_plan
from feedback_app.results import data
from feedback_app.results.downloads import board_report
from feedback_app.results.downloads.analysis_tables import (
    Selection,
    SelectionError,
    make_selection,
)
from feedback_app.results.wave import service as wave_service


class FeedError(ValueError):
    """A choice of waves the figures cannot be made from (the message says why)."""


class UnknownWave(FeedError):
    """A wave id that is not one of the area's waves."""


@dataclass(frozen=True)
class Column:
    """One column: its name, JSON type and meaning (the OpenAPI description)."""

    name: str
    type: str  # "string", "integer", "number", "boolean"
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    """One tabular endpoint."""

    name: str
    summary: str
    columns: tuple[Column, ...]
    #: Whether the rows come from a choice of waves (``baseline``, ``follow_up``).
    selection: bool = False


def _c(name: str, kind: str, description: str, *, nullable: bool = True) -> Column:
    return Column(name, kind, description, nullable)


_ESTIMATE = "Withheld (null) when publication suppression hides the cell or the base is under 10."

PLAN = Table(
    "plan",
    "The area's improvement plan: each KPI and its staged targets (one row per target).",
    (
        _c("kpi_id", "string", "The KPI's id.", nullable=False),
        _c("reference", "string", "The plan's own reference for the KPI."),
        _c("title", "string", "The KPI.", nullable=False),
        _c("kind", "string", "survey (measured by a question) or entered.", nullable=False),
        _c("question", "string", "The question that measures a survey KPI."),
        _c("higher_is_better", "boolean", "Whether a higher figure is better.", nullable=False),
        _c("frequency", "string", "How often it is measured."),
        _c("target_rule", "string", "How the target is set from the baseline or a benchmark."),
        _c("target_value", "number", "The target's value for its rule."),
        _c("target_due_on", "string", "The day the target is due (ISO 8601)."),
        _c("target_label", "string", "The plan's name for the stage."),
    ),
)
WAVES = Table(
    "waves",
    "The area's survey waves, oldest first.",
    (
        _c("wave_id", "integer", "The wave's id.", nullable=False),
        _c("name", "string", "The wave's name.", nullable=False),
        _c("questionnaire", "string", "The questionnaire's id.", nullable=False),
        _c("opens_at", "string", "When it opens (ISO 8601).", nullable=False),
        _c("closes_at", "string", "When it closes (ISO 8601), null while open-ended."),
        _c("responses", "integer", "Counted responses; null when 1 to 4 (withheld)."),
    ),
)
KPIS = Table(
    "kpis",
    "The KPI board as the board report publishes it: each KPI at the baseline and latest"
    " wave of the chosen waves, the change, and the target.",
    (
        _c("kpi_id", "string", "The KPI's id.", nullable=False),
        _c("reference", "string", "The plan's reference for the KPI.", nullable=False),
        _c("title", "string", "The KPI.", nullable=False),
        _c("baseline_wave", "string", "The baseline wave.", nullable=False),
        _c("baseline_base", "integer", "Valid answers at the baseline. " + _ESTIMATE),
        _c("baseline_percent", "number", "Per cent positive at the baseline. " + _ESTIMATE),
        _c("latest_wave", "string", "The latest wave.", nullable=False),
        _c("latest_base", "integer", "Valid answers in the latest wave. " + _ESTIMATE),
        _c("latest_percent", "number", "Per cent positive in the latest wave. " + _ESTIMATE),
        _c("latest_ci_low", "number", "95% interval, low end. " + _ESTIMATE),
        _c("latest_ci_high", "number", "95% interval, high end. " + _ESTIMATE),
        _c("change_pp", "number", "Change from the baseline in percentage points."),
        _c("direction", "string", "improved, worsened or no clear change."),
        _c("target_percent", "number", "The target level (per cent)."),
        _c("target_status", "string", "How the latest wave stands against the target."),
        _c("summary", "string", "The board report's sentence."),
    ),
    selection=True,
)
KPI_SERIES = Table(
    "kpi-series",
    "Each KPI in each chosen wave (long format, for a line chart).",
    (
        _c("kpi_id", "string", "The KPI's id.", nullable=False),
        _c("wave", "string", "The wave.", nullable=False),
        _c(
            "order",
            "integer",
            "The wave's place in the series (1 is the baseline).",
            nullable=False,
        ),
        _c("base", "integer", "Valid answers. " + _ESTIMATE),
        _c("percent", "number", "Per cent positive. " + _ESTIMATE),
        _c("ci_low", "number", "95% interval, low end. " + _ESTIMATE),
        _c("ci_high", "number", "95% interval, high end. " + _ESTIMATE),
        _c("flag", "string", "suppressed, caution or empty."),
    ),
    selection=True,
)
BREAKDOWNS = Table(
    "breakdowns",
    "Each KPI by group (type of support, age, locality, language, channel), baseline and"
    " latest wave, with publication suppression.",
    (
        _c("kpi_id", "string", "The KPI's id.", nullable=False),
        _c(
            "breakdown",
            "string",
            "What the groups are (a question id, language or channel).",
            nullable=False,
        ),
        _c("breakdown_name", "string", "The breakdown in words.", nullable=False),
        _c("group", "string", "The group in words.", nullable=False),
        _c("baseline_base", "integer", "Valid answers at the baseline. " + _ESTIMATE),
        _c("baseline_percent", "number", "Per cent positive at the baseline. " + _ESTIMATE),
        _c("latest_base", "integer", "Valid answers in the latest wave. " + _ESTIMATE),
        _c("latest_percent", "number", "Per cent positive in the latest wave. " + _ESTIMATE),
        _c("direction", "string", "improved, worsened or no clear change."),
    ),
    selection=True,
)
WAVE_RESULTS = Table(
    "wave-results",
    "One wave's closed questions: each option's count and percentage, published as the"
    " wave's report publishes them.",
    (
        _c("question", "string", "The question's id.", nullable=False),
        _c("question_text", "string", "The question.", nullable=False),
        _c("option", "string", "The option's code.", nullable=False),
        _c("option_label", "string", "The option in words.", nullable=False),
        _c(
            "multiple_choice",
            "boolean",
            "Whether people could choose several options.",
            nullable=False,
        ),
        _c("base", "integer", "People who answered the question. " + _ESTIMATE),
        _c("count", "integer", "People who chose the option. " + _ESTIMATE),
        _c("percent", "number", "Per cent of those who answered. " + _ESTIMATE),
        _c(
            "withheld",
            "boolean",
            "True when publication suppression hides the cell.",
            nullable=False,
        ),
    ),
)
TABLES = (PLAN, WAVES, KPIS, KPI_SERIES, BREAKDOWNS, WAVE_RESULTS)


def published_total(count: int | None) -> int | None:
    """A total as published: withheld (None) from 1 to 4."""
    if count is None or 0 < count < SMALLEST_SHOWN:
        return None
    return count


def plan_rows(session: Session, area: LocalArea) -> list[dict[str, Any]]:
    """:data:`PLAN`'s rows (none when the area has no plan yet)."""
    plan = area_plan(session, area)
    rows: list[dict[str, Any]] = []
    for kpi in plan.kpis if plan is not None else ():
        common = {
            "kpi_id": kpi.id,
            "reference": kpi.reference,
            "title": kpi.title,
            "kind": kpi.kind,
            "question": kpi.question,
            "higher_is_better": kpi.higher_is_better,
            "frequency": kpi.frequency,
        }
        for target in kpi.all_targets or (None,):
            rows.append(
                {
                    **common,
                    "target_rule": target.rule if target else None,
                    "target_value": target.value if target else None,
                    "target_due_on": target.due_on.isoformat()
                    if target and target.due_on
                    else None,
                    "target_label": target.label if target else None,
                }
            )
    return rows


def area_waves(session: Session, area: LocalArea) -> list[Wave]:
    """The area's waves, oldest first."""
    return list(
        session.scalars(
            select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at, Wave.id)
        )
    )


def wave_rows(session: Session, area: LocalArea) -> list[dict[str, Any]]:
    """:data:`WAVES`' rows."""
    waves = area_waves(session, area)
    counts = dict(
        session.execute(
            select(Response.wave_id, func.count())
            .where(*data.counted(w.id for w in waves))
            .group_by(Response.wave_id)
        ).all()
    )
    return [
        {
            "wave_id": wave.id,
            "name": wave.name,
            "questionnaire": questionnaire_for(wave.version).id,
            "opens_at": wave.opens_at.isoformat(),
            "closes_at": wave.closes_at.isoformat() if wave.closes_at else None,
            "responses": published_total(counts.get(wave.id, 0)),
        }
        for wave in waves
    ]


def selection(
    session: Session, area: LocalArea, baseline: int | None, follow_ups: Sequence[int]
) -> Selection:
    """The chosen waves; by default the closed waves of the questionnaire of the
    latest closed wave, the oldest as the baseline."""
    waves = {wave.id: wave for wave in area_waves(session, area)}
    if baseline is None and not follow_ups:
        now = utcnow()
        closed = [
            w for w in waves.values() if w.closes_at is not None and _aware(w.closes_at) <= now
        ]
        # The series of the latest closed wave: the closed waves of its questionnaire.
        if closed:
            latest = questionnaire_for(closed[-1].version).id
            closed = [w for w in closed if questionnaire_for(w.version).id == latest]
        if len(closed) < 2:
            raise FeedError(
                "The area has fewer than two closed waves: choose them with baseline and follow_up"
            )
        chosen_baseline, chosen = closed[0], closed[1:]
    else:
        if baseline is None or baseline not in waves:
            raise UnknownWave("baseline must be the id of one of the area's waves (see /waves)")
        if not follow_ups or any(i not in waves for i in follow_ups):
            raise UnknownWave("follow_up must be ids of the area's waves (see /waves)")
        chosen_baseline, chosen = waves[baseline], [waves[i] for i in follow_ups]
    try:
        return make_selection(chosen_baseline, chosen)
    except SelectionError as error:
        raise FeedError(str(error)) from error


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _report(session: Session, area: LocalArea, chosen: Selection) -> dict[str, Any]:
    try:
        return board_report.cached_report(session, area, chosen)
    except SelectionError as error:
        raise FeedError(str(error)) from error


def kpi_rows(session: Session, area: LocalArea, chosen: Selection) -> list[dict[str, Any]]:
    """:data:`KPIS`' rows: the board report's KPIs."""
    return [
        {
            "kpi_id": kpi["id"],
            "reference": kpi["reference"],
            "title": kpi["title"],
            "baseline_wave": kpi["baseline"]["wave"],
            "baseline_base": kpi["baseline"]["base"],
            "baseline_percent": kpi["baseline"]["percent"],
            "latest_wave": kpi["latest"]["wave"],
            "latest_base": kpi["latest"]["base"],
            "latest_percent": kpi["latest"]["percent"],
            "latest_ci_low": kpi["latest"]["ci_low"],
            "latest_ci_high": kpi["latest"]["ci_high"],
            "change_pp": kpi["change_pp"],
            "direction": kpi["direction"],
            "target_percent": kpi["target_percent"],
            "target_status": kpi["target_status"] or None,
            "summary": kpi["summary"],
        }
        for kpi in _report(session, area, chosen)["kpis"]
    ]


def kpi_series_rows(session: Session, area: LocalArea, chosen: Selection) -> list[dict[str, Any]]:
    """:data:`KPI_SERIES`' rows: each KPI's series from the board report."""
    return [
        {
            "kpi_id": kpi["id"],
            "wave": point["wave"],
            "order": order,
            "base": point["base"],
            "percent": point["percent"],
            "ci_low": point["ci_low"],
            "ci_high": point["ci_high"],
            "flag": point["flag"] or None,
        }
        for kpi in _report(session, area, chosen)["kpis"]
        for order, point in enumerate(kpi["series"], start=1)
    ]


def breakdown_rows(session: Session, area: LocalArea, chosen: Selection) -> list[dict[str, Any]]:
    """:data:`BREAKDOWNS`' rows: the board report's breakdowns."""
    return [
        {
            "kpi_id": kpi["id"],
            "breakdown": breakdown["column"],
            "breakdown_name": breakdown["name"],
            "group": group["group"],
            "baseline_base": group["baseline"]["base"],
            "baseline_percent": group["baseline"]["percent"],
            "latest_base": group["latest"]["base"],
            "latest_percent": group["latest"]["percent"],
            "direction": group["direction"],
        }
        for kpi in _report(session, area, chosen)["kpis"]
        for breakdown in kpi["breakdowns"]
        for group in breakdown["groups"]
    ]


def wave_result_rows(session: Session, area: LocalArea, wave: Wave) -> list[dict[str, Any]]:
    """:data:`WAVE_RESULTS`' rows: the wave's report (publication suppression on).

    The cells withheld are the report's own (``analysis.disclosure``): a base of 1
    to 4, or one that would give away a withheld option, is already withheld there.
    """
    result = wave_service.results(session, area, wave, publication=True)["results"]
    rows = []
    for question in result["questions"]:
        options = question["options"]
        base = question["base"]
        rows += [
            {
                "question": question["question"],
                "question_text": question["text"],
                "option": option["option"],
                "option_label": option["label"],
                "multiple_choice": bool(question["multiple_choice"]),
                "base": base,
                "count": option["count"],
                "percent": option["percent"],
                "withheld": bool(option.get("withheld")),
            }
            for option in options
        ]
    return rows


#: Rows of a table that is not about a choice of waves.
AreaRows = Callable[[Session, LocalArea], list[dict[str, Any]]]
#: Rows of a table about a choice of waves.
SelectionRows = Callable[[Session, LocalArea, Selection], list[dict[str, Any]]]

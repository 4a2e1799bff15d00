"""Comparing waves: which waves can be compared, what they share, and the figures.

Every figure comes from ``analysis/`` (``compare_waves``, ``compare_questions``,
``trend_kpis``, ``reach``); this module picks the waves and the questions they
share, runs the analysis on ``data.wave_frame`` through the result cache, and
returns JSON-able dicts with the labels pages need (no Flask views here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import analysis
from analysis import KpiDefinition
from analysis.estimates import SUPPRESS_BELOW
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Response, Wave
from feedback_app.monitor import population
from feedback_app.monitor.view_model import channel_name, dimensions, language_name
from feedback_app.results import data
from feedback_app.results.charts import Figure, Point, Series, bar_chart, interval_chart
from feedback_app.translating.content_translation import content_gettext
from surveys import AnswerType, Question, Questionnaire

#: Response columns (not questions) that results can be broken down by.
META_DIMENSIONS = ("language", "channel")


class CompareError(ValueError):
    """A choice of waves that cannot be compared; the message is for the officer.

    ``field`` names the form field the error summary links to.
    """

    def __init__(self, message: str, field: str = "baseline") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Shared:
    """What two (or more) waves' questionnaires have in common."""

    #: Closed questions asked the same way (same id, kind of answer and option codes).
    closed: tuple[Question, ...]
    #: Free-text questions with the same id.
    free_text: tuple[Question, ...]
    #: KPIs whose question is among ``closed``.
    kpis: tuple[KpiDefinition, ...]


def area_waves(session: Session, area: LocalArea) -> list[Wave]:
    """The area's waves that have counted responses, oldest first."""
    counted = (
        select(Response.wave_id)
        .where(Response.status == "submitted", Response.review != "excluded")
        .group_by(Response.wave_id)
        .having(func.count() > 0)
    )
    return list(
        session.scalars(
            select(Wave)
            .where(Wave.area_id == area.id, Wave.id.in_(counted))
            .order_by(Wave.opens_at, Wave.id)
        )
    )


def shared_questions(questionnaires: Sequence[Questionnaire]) -> Shared:
    """Questions every questionnaire asks the same way, in the first one's order."""
    first, *others = questionnaires
    closed, free_text = [], []
    for question in first.questions():
        matches = [other.question(question.id) for other in others]
        if any(match is None for match in matches):
            continue
        if question.is_closed and all(_same_closed(question, m) for m in matches if m):
            closed.append(question)
        elif question.type is AnswerType.TEXT and all(
            m is not None and m.type is AnswerType.TEXT for m in matches
        ):
            free_text.append(question)
    ids = {q.id for q in closed}
    kpis = tuple(kpi for kpi in data.bank_kpis() if kpi.question in ids)
    return Shared(tuple(closed), tuple(free_text), kpis)


def _same_closed(question: Question, other: Question) -> bool:
    multiple = question.type is AnswerType.MULTIPLE
    return (
        other.is_closed
        and (other.type is AnswerType.MULTIPLE) == multiple
        and [o.code for o in question.options] == [o.code for o in other.options]
    )


def choose_pair(
    session: Session, area: LocalArea, baseline: str, follow_up: str
) -> tuple[Wave, Wave, Shared]:
    """The two waves chosen (by id, as submitted) and what they share.

    Raises
    ------
    CompareError
        Unknown ids, the same wave twice, or questionnaires with nothing in common.
    """
    waves = {str(wave.id): wave for wave in area_waves(session, area)}
    first, second = waves.get(baseline), waves.get(follow_up)
    if first is None:
        raise CompareError(gettext("Choose a baseline wave from the list"))
    if second is None:
        raise CompareError(gettext("Choose a follow-up wave from the list"), "follow_up")
    if first.id == second.id:
        raise CompareError(gettext("Choose two different waves to compare"), "follow_up")
    order = list(waves)
    if order.index(str(first.id)) > order.index(str(second.id)):
        raise CompareError(
            gettext(
                "%(baseline)s ran after %(follow_up)s. Choose the earlier wave as the "
                "baseline and the later one as the follow-up",
                baseline=first.name,
                follow_up=second.name,
            )
        )
    shared = shared_questions([questionnaire_for(w.version) for w in (first, second)])
    if not shared.closed and not shared.free_text:
        raise CompareError(
            gettext(
                "%(a)s and %(b)s ask no questions in common, so they cannot be compared",
                a=first.name,
                b=second.name,
            )
        )
    return first, second, shared


def _with_data(session: Session, waves: Sequence[Wave]) -> list[Wave]:
    # Enough counted responses for figures to be shown, not all "not shown".
    counts = {row[0]: row[1] for row in data.fingerprint(session, waves)}
    return [wave for wave in waves if int(str(counts.get(wave.id, 0))) >= SUPPRESS_BELOW]


def default_pair(session: Session, waves: Sequence[Wave]) -> tuple[Wave, Wave] | None:
    """What Compare shows first: the latest two waves (of ``waves``, oldest first)
    with enough responses for figures that ask questions in common, the earlier
    as the baseline. None when no two waves qualify."""
    candidates = _with_data(session, waves)
    asked = {wave.id: questionnaire_for(wave.version) for wave in candidates}
    for later in range(len(candidates) - 1, 0, -1):
        follow_up = candidates[later]
        for baseline in reversed(candidates[:later]):
            if shared_questions([asked[baseline.id], asked[follow_up.id]]).closed:
                return baseline, follow_up
    return None


def default_trend(session: Session, waves: Sequence[Wave]) -> list[Wave]:
    """What Trend ticks first: the most waves (three or more, with data) that ask
    one KPI question the same way; none when no KPI is shared by three."""
    candidates = _with_data(session, waves)
    asked = {wave.id: questionnaire_for(wave.version) for wave in candidates}
    best: list[Wave] = []
    for kpi in data.bank_kpis():
        asking = [w for w in candidates if asked[w.id].question(kpi.question) is not None]
        if (
            len(asking) >= 3
            and len(asking) > len(best)
            and shared_questions([asked[w.id] for w in asking]).kpis
        ):
            best = asking
    return best


def choose_trend(session: Session, area: LocalArea, chosen: Sequence[str]) -> list[Wave]:
    """Three or more of the area's waves, oldest first, that share at least one KPI."""
    waves = area_waves(session, area)
    picked = [wave for wave in waves if str(wave.id) in set(chosen)]
    if len(set(chosen)) != len(picked):
        raise CompareError(gettext("Choose waves from the list"), "wave")
    if len(picked) < 3:
        raise CompareError(gettext("Choose three or more waves to see a trend"), "wave")
    if not shared_questions([questionnaire_for(w.version) for w in picked]).kpis:
        raise CompareError(gettext("These waves have no KPI question in common"), "wave")
    return picked


def comparison(session: Session, area: LocalArea, first: Wave, second: Wave, shared: Shared) -> Any:
    """Every shared KPI and every option of every shared closed question, for two waves."""
    labels = data.wave_labels([first, second])
    questionnaire = questionnaire_for(first.version)
    later = questionnaire_for(second.version)
    # A question's % positive compares when both versions count the same answers.
    positives = data.question_positives(
        q
        for q in shared.closed
        if (o := later.question(q.id)) and o.positive_codes == q.positive_codes
    )

    def compute() -> dict[str, Any]:
        frame = data.wave_frame(session, [first, second], questions=[q.id for q in shared.closed])
        kpis = (
            analysis.to_dict(
                analysis.compare_waves(
                    frame, shared.kpis, baseline=labels[first.id], follow_up=labels[second.id]
                )
            )
            if shared.kpis
            else None
        )
        questions = analysis.to_dict(
            analysis.compare_questions(
                frame,
                {q.id: tuple(o.code for o in q.options) for q in shared.closed},
                baseline=labels[first.id],
                follow_up=labels[second.id],
                multiple_choice={q.id for q in shared.closed if q.type is AnswerType.MULTIPLE},
                option_labels=option_labels(shared.closed),
            )
        )
        for item in questions["questions"]:
            question = questionnaire.question(item["question"])
            item["text"] = content_gettext(question.text) if question else item["question"]
            for option in item["options"]:
                option["label"] = _option_label(question, option["option"])
        positive: dict[str, Any] = {}
        if positives:
            compared = analysis.to_dict(
                analysis.compare_waves(
                    frame, positives, baseline=labels[first.id], follow_up=labels[second.id]
                )
            )
            for row in compared["kpis"]:
                question = questionnaire.question(row["question"])
                row["labels"] = [_option_label(question, c) for c in row["positive"]]
                positive[row["question"]] = row
        return {"kpis": kpis, "questions": questions, "positive": positive}

    params = {
        "first": first.id,
        "second": second.id,
        "positive": data.positive_params(positives),
    }
    return data.cached(session, area, "compare", params, [first, second], compute)


def option_labels(questions: Sequence[Question]) -> dict[str, dict[str, str]]:
    """Question id -> option code -> its label in words (for analysis' sentences)."""
    return {q.id: {o.code: _option_label(q, o.code) for o in q.options} for q in questions}


def breakdown_dimensions(questionnaires: Sequence[Questionnaire]) -> list[tuple[str, str]]:
    """(column, name) for each grouping both questionnaires ask: the usual context
    questions first (plan type, age, locality, ethnicity), then every other closed
    single-choice question they share (milestone, role, setting, the area's own
    "who are you"), then language and channel."""
    shared = [
        q for q in shared_questions(questionnaires).closed if q.type is not AnswerType.MULTIPLE
    ]
    shared_ids = {q.id for q in shared}
    found = [(qid, text) for qid, text in dimensions(questionnaires[0]) if qid in shared_ids]
    usual = {qid for qid, _ in found}
    found += [(q.id, content_gettext(q.text)) for q in shared if q.id not in usual]
    return [*found, ("language", gettext("Language")), ("channel", gettext("Channel"))]


def breakdown(
    session: Session, area: LocalArea, first: Wave, second: Wave, shared: Shared, by: str
) -> Any:
    """Each shared KPI by one grouping, with publication suppression, and reach."""
    labels = data.wave_labels([first, second])
    questionnaire = questionnaire_for(first.version)
    question = questionnaire.question(by)
    saved = population.populations(session, area, by) if question is not None else {}

    def compute() -> dict[str, Any]:
        from analysis.reach import reach  # loads pandas: imported with the first breakdown

        columns = [kpi.question for kpi in shared.kpis]
        if question is not None and by not in columns:
            columns.append(by)
        frame = data.wave_frame(session, [first, second], questions=columns)
        result = analysis.to_dict(
            analysis.compare_waves(
                frame,
                shared.kpis,
                baseline=labels[first.id],
                follow_up=labels[second.id],
                by=[by],
                publication=True,
            )
        )
        names: dict[str, str] = {}
        for kpi in result["kpis"]:
            for group in kpi["groups"][by]:
                names[group["group"]] = group_name(by, group["group"], question)
        margins = (
            analysis.PopulationMargins(
                counts=((by, tuple((c, float(n)) for c, n in saved.items())),)
            )
            if saved
            else None
        )
        reached = (
            [
                analysis.to_dict(
                    reach(
                        frame,
                        margins,
                        wave=labels[wave.id],
                        rows=(frame["wave_id"] == wave.id).to_numpy(),
                        publication=True,
                    )
                )
                for wave in (first, second)
            ]
            if margins
            else []
        )
        for table in reached:
            for row in table["rows"]:
                names.setdefault(row["category"], group_name(by, row["category"], question))
        return {"result": result, "names": names, "reach": reached}

    params = {"first": first.id, "second": second.id, "by": by, "population": sorted(saved.items())}
    return data.cached(session, area, "compare-breakdown", params, [first, second], compute)


def trend(session: Session, area: LocalArea, waves: Sequence[Wave]) -> Any:
    """Each KPI the waves share, over the waves in order."""
    labels = data.wave_labels(waves)
    shared = shared_questions([questionnaire_for(w.version) for w in waves])

    def compute() -> dict[str, Any]:
        frame = data.wave_frame(session, waves, questions=[k.question for k in shared.kpis])
        return analysis.to_dict(
            analysis.trend_kpis(
                frame,
                shared.kpis,
                waves=[labels[w.id] for w in waves],
                dates=[w.opens_at.date() for w in waves],
            )
        )

    params = {"waves": [w.id for w in waves]}
    return data.cached(session, area, "trend", params, waves, compute)


def group_name(by: str, code: str, question: Question | None) -> str:
    """A group of a breakdown in words."""
    if code == analysis.NOT_STATED:
        return str(gettext("Not stated"))
    if by == "channel":
        return channel_name(code)
    if by == "language":
        return language_name(code)
    return _option_label(question, code)


def _option_label(question: Question | None, code: str) -> str:
    option = question.option(code) if question is not None else None
    return content_gettext(option.label) if option is not None else code


def _point(label: str, estimate: dict[str, Any]) -> Point:
    return Point(
        label=label,
        percent=estimate["percent"],
        low=estimate["ci_low"],
        high=estimate["ci_high"],
        base=estimate["base"],
        caution=bool(estimate["caution"]),
    )


def _pair_series(
    rows: Sequence[tuple[str, dict[str, Any], dict[str, Any]]], names: tuple[str, str]
) -> list[Series]:
    return [
        Series(names[0], tuple(_point(label, b) for label, b, _ in rows)),
        Series(names[1], tuple(_point(label, f) for label, _, f in rows)),
    ]


def comparison_figures(result: Any, first: Wave, second: Wave) -> dict[str, Figure]:
    """A bar chart of every KPI in both waves (its data table comes with it)."""
    if not result["kpis"]:
        return {}
    rows = [
        (k["short_title"] or k["title"], k["baseline"], k["follow_up"])
        for k in result["kpis"]["kpis"]
    ]
    return {
        "kpis": bar_chart(
            _pair_series(rows, (first.name, second.name)),
            chart_id="kpi-chart",
            title=gettext("KPIs, percentage positive in each wave"),
            category_heading=gettext("KPI"),
        )
    }


def breakdown_figures(result: Any, first: Wave, second: Wave, by: str) -> dict[str, Figure]:
    """Per KPI, a bar chart of its groups in both waves (withheld groups not drawn)."""
    if not result:
        return {}
    figures = {}
    for kpi in result["result"]["kpis"]:
        rows = [
            (result["names"].get(g["group"], g["group"]), g["baseline"], g["follow_up"])
            for g in kpi["groups"][by]
        ]
        figures[kpi["id"]] = bar_chart(
            _pair_series(rows, (first.name, second.name)),
            chart_id=f"chart-{kpi['id']}",
            title=kpi["short_title"] or kpi["title"],
            category_heading=gettext("Group"),
        )
    return figures


def trend_figures(result: Any) -> dict[str, Figure]:
    """Per KPI, its percentage and interval at each wave."""
    figures = {}
    for item in result["kpis"]:
        kpi = item["kpi"]
        title = kpi["short_title"] or kpi["title"]
        figures[kpi["id"]] = interval_chart(
            Series(title, tuple(_point(s["wave"], s["estimate"]) for s in item["steps"])),
            chart_id=f"chart-{kpi['id']}",
            title=title,
        )
    return figures

"""One wave's results: which figures, from which responses, in words (no Flask views).

Every figure comes from ``analysis.wave_results`` (and ``trend_kpis``,
``compare_questions``, ``themes``, ``reach``) run on ``data.wave_frame``, cached by
``data.cached``. This module picks the wave's questions and KPIs, adds the words
pages need (question text and option labels: codes stay beside them as ``option``
for downloads) and returns JSON-able dicts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
from analysis import AnalysisInputError, KpiDefinition
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Response, Wave
from feedback_app.monitor import population
from feedback_app.monitor.view_model import channel_name, language_name
from feedback_app.results import data
from feedback_app.results.compare.service import group_name, option_labels
from feedback_app.results.themes.service import corrections
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web import local_days
from surveys import AnswerType, Question, Questionnaire

if TYPE_CHECKING:
    import pandas as pd

    from analysis import Period


#: Themes and quotes shown per free-text question.
TOP_THEMES = 6
QUOTES_PER_THEME = 2
#: The label of every event of a series taken together.
ALL_EVENTS = "all"


class ResultsError(ValueError):
    """A choice the results cannot be made from; the message is for the officer.

    ``field`` names the form field the error summary links to.
    """

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def area_waves(session: Session, area: LocalArea) -> list[Wave]:
    """Every wave of the area, newest first (each has a results page)."""
    return list(
        session.scalars(
            select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc(), Wave.id)
        )
    )


def closed_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questionnaire's closed questions (options to count), in its order."""
    return [q for q in questionnaire.questions() if q.is_closed]


def breakdown_questions(questionnaire: Questionnaire) -> list[Question]:
    """Closed single-choice questions a result can be broken down by."""
    return [q for q in closed_questions(questionnaire) if q.type is not AnswerType.MULTIPLE]


def wave_kpis(area: LocalArea, questionnaire: Questionnaire) -> tuple[KpiDefinition, ...]:
    """The survey KPIs of the area's plan whose question this questionnaire asks."""
    asked = {q.id for q in closed_questions(questionnaire)}
    return tuple(kpi for kpi in data.area_kpis(area) if kpi.question in asked)


def series_waves(session: Session, area: LocalArea, wave: Wave) -> list[Wave]:
    """The waves of ``wave``'s series: the area's waves of the same questionnaire,
    oldest first (for event feedback, one wave per event)."""
    questionnaire_id = questionnaire_for(wave.version).id
    found = [
        w
        for w in session.scalars(
            select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at, Wave.id)
        )
        if questionnaire_for(w.version).id == questionnaire_id
    ]
    return found


def option_label(question: Question | None, code: str) -> str:
    """An option code in words (the code itself when the question has no such option)."""
    return group_name("", code, question)


def question_text(questionnaire: Questionnaire, question_id: str) -> str:
    """A question's wording (its id when the version does not ask it)."""
    question = questionnaire.question(question_id)
    return content_gettext(question.text) if question is not None else question_id


def _label_question(item: dict[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    question = questionnaire.question(item["question"])
    item["text"] = question_text(questionnaire, item["question"])
    for option in item["options"]:
        option["label"] = option_label(question, option["option"])
    if item.get("positive") is not None and question is not None:
        item["positive_labels"] = [option_label(question, c) for c in question.positive_codes]
    return item


def _option_order(questions: Sequence[Question]) -> dict[str, list[str]]:
    return {q.id: [o.code for o in q.options] for q in questions}


def _present(frame: pd.DataFrame, questions: Sequence[Question]) -> list[Question]:
    """Questions with a column in ``frame`` (a question nobody answered has none)."""
    return [q for q in questions if q.id in frame.columns]


def results(session: Session, area: LocalArea, wave: Wave, *, publication: bool) -> Any:
    """Everything one wave's results page (or report) shows, as a JSON-able dict."""
    questionnaire = questionnaire_for(wave.version)
    closed = closed_questions(questionnaire)
    texts = [q for q in questionnaire.questions() if q.type is AnswerType.TEXT]
    kpis = wave_kpis(area, questionnaire)
    positives = data.question_positives(closed)
    label = data.wave_labels([wave])[wave.id]

    def compute() -> dict[str, Any]:
        from analysis.wave_results import wave_results  # loads pandas with the first results page

        frame = data.wave_frame(session, [wave], questions=[q.id for q in [*closed, *texts]])
        if frame.empty:
            return _no_responses(label)
        asked = _present(frame, closed)
        result = analysis.to_dict(
            wave_results(
                frame,
                wave=label,
                questions=[q.id for q in asked],
                option_order=_option_order(asked),
                kpis=kpis,
                positive=_asked_positives(positives, asked),
                publication=publication,
            )
        )
        for item in result["questions"]:
            _label_question(item, questionnaire)
        for item, kpi in zip(result["kpis"], kpis, strict=True):
            item["against"] = against_plan(kpi, item["estimate"])
        return {
            "wave": label,
            "results": result,
            "who": _who(session, area, frame, label, questionnaire, publication=publication),
            "themes": _themes(session, frame, wave, label, texts),
        }

    params = {
        "wave": wave.id,
        "publication": publication,
        "positive": data.positive_params(positives),
    }
    return data.cached(
        session,
        area,
        "wave.results",
        params,
        [wave],
        compute,
        extra=data.corrections_fingerprint(session, [wave]),
    )


def against_plan(kpi: KpiDefinition, estimate: dict[str, Any]) -> dict[str, Any]:
    """A KPI's figure in the wave against the plan: the agreed baseline, the level its
    target asks for (``analysis.targets.target_level``) and the status
    (``judge_level``, on the figure and its 95% interval)."""
    from analysis.targets import judge_level, target_level

    level = None
    if kpi.target is not None:
        level = target_level(
            str(kpi.target.rule),
            kpi.target.value,
            baseline=kpi.recorded_baseline,
            higher_is_better=kpi.higher_is_better,
            percentage=True,
        )
    status = None
    if level is not None and estimate["percent"] is not None:
        status = judge_level(
            level,
            point=estimate["percent"],
            low=estimate["ci_low"],
            high=estimate["ci_high"],
            higher_is_better=kpi.higher_is_better,
        ).value
    return {
        "baseline": kpi.recorded_baseline,
        "target": level,
        "due": kpi.target.due if kpi.target is not None else None,
        "status": status,
    }


def _asked_positives(
    positives: Sequence[KpiDefinition], asked: Sequence[Question]
) -> list[KpiDefinition]:
    ids = {q.id for q in asked}
    return [d for d in positives if d.question in ids]


def _no_responses(label: str) -> dict[str, Any]:
    """What a wave nobody has answered yet shows."""
    return {
        "wave": label,
        "results": {"wave": label, "responses": 0, "questions": [], "kpis": [], "method": {}},
        "who": {"responses": 0, "channel": [], "language": [], "reach": []},
        "themes": [],
    }


def _who(
    session: Session,
    area: LocalArea,
    frame: pd.DataFrame,
    label: str,
    questionnaire: Questionnaire,
    *,
    publication: bool,
) -> dict[str, Any]:
    """Who responded: by channel and language, and reach against population counts."""
    from analysis.reach import reach  # runs on the frame: pandas is already loaded

    found: dict[str, Any] = {"responses": len(frame)}
    for column, name in (("channel", channel_name), ("language", language_name)):
        counts = frame[column].value_counts().sort_index()
        hidden = (
            analysis.protect_counts([int(n) for n in counts.to_numpy()])
            if publication and len(counts)
            else [False] * len(counts)
        )
        found[column] = [
            {"code": str(code), "label": name(str(code)), "count": None if h else int(n)}
            for (code, n), h in zip(counts.items(), hidden, strict=True)
        ]
    reached = []
    for question in breakdown_questions(questionnaire):
        saved = population.populations(session, area, question.id)
        if not saved or question.id not in frame.columns:
            continue
        margins = analysis.PopulationMargins(
            counts=((question.id, tuple((c, float(n)) for c, n in saved.items())),)
        )
        table = analysis.to_dict(
            reach(
                frame,
                margins,
                wave=label,
                rows=(frame["wave"] == label).to_numpy(),
                publication=publication,
            )
        )
        table["text"] = content_gettext(question.text)
        for row in table["rows"]:
            row["label"] = group_name(question.id, row["category"], question)
        reached.append(table)
    found["reach"] = reached
    return found


def _themes(
    session: Session, frame: pd.DataFrame, wave: Wave, label: str, texts: Sequence[Question]
) -> list[dict[str, Any]]:
    found = []
    for question in texts:
        if question.id not in frame.columns:
            continue
        report = analysis.to_dict(
            analysis.themes(
                frame,
                column=question.id,
                waves=[label],
                quotes_per_theme=QUOTES_PER_THEME,
                overrides=corrections(session, [wave], question.id),
            )
        )
        counts = sorted(
            (c for c in report["counts"] if c["comments"]),
            key=lambda c: -int(c["comments"]),
        )[:TOP_THEMES]
        quotes = dict((theme, list(said)) for theme, said in report["quotes"])
        found.append(
            {
                "question": question.id,
                "text": content_gettext(question.text),
                "themes": [{**c, "quotes": quotes.get(c["theme"], [])} for c in counts],
            }
        )
    return found


# --- Periods and series --------------------------------------------------------------


def submitted_days(session: Session, area: LocalArea, waves: Sequence[Wave]) -> dict[int, dt.date]:
    """response id -> the day it was submitted, on the area's calendar."""
    rows = session.execute(
        select(Response.id, Response.submitted_at).where(*data.counted(w.id for w in waves))
    ).all()
    return {
        int(rid): local_days.local_day(when, area.timezone)
        for rid, when in rows
        if when is not None
    }


def parse_dates(text: str) -> list[dt.date]:
    """Officer-chosen period start dates (YYYY-MM-DD, separated by commas or lines)."""
    found = []
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            found.append(dt.date.fromisoformat(part))
        except ValueError:
            raise ResultsError(
                gettext(
                    "Enter each start date as year-month-day, for example 2026-04-01"
                    " (not %(given)s)",
                    given=part[:20],
                ),
                "dates",
            ) from None
    if len(found) < 2:
        raise ResultsError(gettext("Enter two or more start dates"), "dates")
    if sorted(set(found)) != found:
        raise ResultsError(gettext("Enter the start dates in order, each once"), "dates")
    return found


def chosen_periods(
    days: Sequence[dt.date], *, every: str, starts: Sequence[dt.date] = ()
) -> list[Period]:
    """Months, quarters or periods starting on ``starts`` (the last runs to the last day)."""
    if every in ("month", "quarter"):
        return analysis.periods_for(days, every=every)
    last = max([*days, starts[-1]]) if days else starts[-1]
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [max(last, starts[-1])]
    return [
        analysis.Period(f"{s.isoformat()} to {e.isoformat()}", s, e)
        for s, e in zip(starts, ends, strict=True)
    ]


def periods(
    session: Session,
    area: LocalArea,
    waves: Sequence[Wave],
    *,
    every: str,
    starts: Sequence[dt.date] = (),
    by_wave: bool = False,
    publication: bool = False,
) -> Any:
    """The waves' responses by period (or, with ``by_wave``, by wave: one event each).

    Per period: each closed question's options with intervals (and its % positive);
    between consecutive periods: each option's change and its test
    (``compare_questions``); each KPI's and each question's % positive trend
    (``trend_kpis``: change against the first and the previous period). With
    ``publication`` (the report) every table withholds counts of 1 to 4 and what
    would reveal them.
    """
    questionnaire = questionnaire_for(waves[-1].version)
    closed = closed_questions(questionnaire)
    kpis = wave_kpis(area, questionnaire)
    positives = data.question_positives(closed)
    labels = data.wave_labels(waves)

    def compute() -> dict[str, Any]:
        frame = data.wave_frame(session, waves, questions=[q.id for q in closed])
        if frame.empty:
            return {"periods": [], "per_period": [], "changes": [], "trend": None, "together": None}
        asked = _present(frame, closed)
        if by_wave:
            order = [labels[w.id] for w in waves if (frame["wave_id"] == w.id).any()]
            starts_of = {labels[w.id]: w.first_day for w in waves}
            split = frame
            dates = [starts_of[label] for label in order]
        else:
            day_of = submitted_days(session, area, waves)
            days = [day_of.get(int(r)) for r in frame["response_id"]]
            chosen = chosen_periods([d for d in days if d], every=every, starts=starts)
            split = analysis.by_period(frame, days=days, periods=chosen)
            present = set(split["wave"])
            kept = [p for p in chosen if p.label in present]
            order = [p.label for p in kept]
            dates = [p.first for p in kept]
            if split.empty:
                return {
                    "periods": [], "per_period": [], "changes": [], "trend": None,
                    "together": None,
                }  # fmt: skip
        return _series(
            split,
            order,
            dates,
            asked,
            kpis,
            questionnaire,
            positives=_asked_positives(positives, asked),
            publication=publication,
        )

    params = {
        "waves": [w.id for w in waves],
        "every": "wave" if by_wave else every,
        "starts": [s.isoformat() for s in starts],
        "positive": data.positive_params(positives),
        "publication": publication,
    }
    return data.cached(session, area, "wave.periods", params, waves, compute)


def _series(
    frame: pd.DataFrame,
    order: Sequence[str],
    dates: Sequence[dt.date],
    asked: Sequence[Question],
    kpis: Sequence[KpiDefinition],
    questionnaire: Questionnaire,
    *,
    positives: Sequence[KpiDefinition] = (),
    publication: bool = False,
) -> dict[str, Any]:
    from analysis.wave_results import wave_results  # these run on frames: pandas is loaded

    option_order = _option_order(asked)

    def results_of(rows: pd.DataFrame, label: str) -> dict[str, Any]:
        return analysis.to_dict(
            wave_results(
                rows,
                wave=label,
                questions=[q.id for q in asked],
                option_order=option_order,
                kpis=kpis,
                positive=positives,
                publication=publication,
            )
        )

    per_period = [results_of(frame, label) for label in order]
    for result in per_period:
        for item in result["questions"]:
            _label_question(item, questionnaire)
    changes = []
    for previous, current in itertools.pairwise(order):
        compared = analysis.to_dict(
            analysis.compare_questions(
                frame,
                {q.id: tuple(q_options) for q, q_options in _options(asked)},
                baseline=previous,
                follow_up=current,
                multiple_choice={q.id for q in asked if q.type is AnswerType.MULTIPLE},
                option_labels=option_labels(asked),
                publication=publication,
            )
        )
        for item in compared["questions"]:
            _label_question(item, questionnaire)
        changes.append({"from": previous, "to": current, "questions": compared["questions"]})
    trend = None
    if len(order) >= 2 and (kpis or positives):
        trend = analysis.to_dict(
            analysis.trend_kpis(
                frame,
                [*kpis, *positives],
                waves=list(order),
                dates=list(dates),
                publication=publication,
            )
        )
        for item in trend["kpis"]:
            item["kpi"]["title"] = _positive_title(item["kpi"], questionnaire)
    together = results_of(frame.assign(wave=ALL_EVENTS), ALL_EVENTS)
    for item in together["questions"]:
        _label_question(item, questionnaire)
    return {
        "periods": list(order),
        "per_period": per_period,
        "changes": changes,
        "trend": trend,
        "together": together,
        "publication": publication,
    }


def _positive_title(kpi: dict[str, Any], questionnaire: Questionnaire) -> str:
    """A KPI's title, or for a question's % positive its words in the officer's language."""
    if kpi["id"].endswith(".positive") and questionnaire.question(kpi["question"]) is not None:
        return gettext("%% positive: %(question)s", question=question_text(
            questionnaire, kpi["question"]))  # fmt: skip
    return str(kpi["title"])


def _options(questions: Sequence[Question]) -> list[tuple[Question, list[str]]]:
    return [(q, [o.code for o in q.options]) for q in questions]


# --- Cross-tabulation -------------------------------------------------------------


def cross(
    session: Session,
    area: LocalArea,
    wave: Wave,
    *,
    question_id: str,
    by: str,
    publication: bool,
) -> Any:
    """``question_id``'s options by each group of ``by`` (any closed single-choice
    question, or language or channel), with the small-number rules."""
    questionnaire = questionnaire_for(wave.version)
    question = questionnaire.question(question_id)
    group = questionnaire.question(by)
    kpis = wave_kpis(area, questionnaire)
    label = data.wave_labels([wave])[wave.id]

    def compute() -> dict[str, Any] | None:
        columns = [question_id] if by in ("channel", "language") else [question_id, by]
        columns += [k.question for k in kpis if k.question not in columns]
        frame = data.wave_frame(session, [wave], questions=columns)
        if frame.empty:
            return None
        try:
            result = analysis.to_dict(
                analysis.crosstab(
                    frame,
                    wave=label,
                    question=question_id,
                    by=by,
                    option_order=[o.code for o in question.options] if question else (),
                    group_order=[o.code for o in group.options] if group else (),
                    publication=publication,
                    kpis=kpis,
                )
            )
        except AnalysisInputError as error:
            raise ResultsError(str(error), "by") from None
        for option in result["total"]["options"]:
            option["label"] = option_label(question, option["option"])
        result["option_labels"] = [option_label(question, o) for o in result["options"]]
        for row in result["rows"]:
            row["label"] = group_name(by, row["group"], group)
        result["question_text"] = question_text(questionnaire, question_id)
        return result

    params = {"wave": wave.id, "question": question_id, "by": by, "publication": publication}
    return data.cached(session, area, "wave.crosstab", params, [wave], compute)

"""What the monitor page needs, built from counts (no Flask views here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from feedback_app.models import Wave
from feedback_app.monitor import counts
from feedback_app.monitor.chart import day_chart
from feedback_app.monitor.representation import GroupOption, is_small, representation
from feedback_app.translating.content_translation import content_gettext
from surveys import AnswerType, Questionnaire

#: Questions the monitor breaks responses down by, when a version has them.
GROUP_QUESTIONS = ("plan_type", "age_phase", "locality", "ethnicity")


def show_count(count: int) -> str:
    """A count as shown: 1 to 4 become "fewer than 5"."""
    return gettext("fewer than 5") if is_small(count) else f"{count:,}"


def show_share(share: float | None, count: int) -> str:
    """A share as a whole per cent; hidden when it would reveal a small count."""
    if share is None:
        return "–"
    if is_small(count):
        return gettext("not shown")
    return f"{share:.0%}"


def dimensions(questionnaire: Questionnaire, chosen: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(question id, question text) for each group question the version has: the
    questions the coordinator chose (``chosen``), else the usual ``GROUP_QUESTIONS``."""
    found = []
    for question_id in chosen or GROUP_QUESTIONS:
        question = questionnaire.question(question_id)
        if question is not None and question.is_closed and question.type is not AnswerType.MULTIPLE:
            found.append((question_id, content_gettext(question.text)))
    return found


def group_questions(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(question id, text) of every closed single-choice question: what a wave can be
    monitored by."""
    return [
        (q.id, content_gettext(q.text))
        for q in questionnaire.questions()
        if q.is_closed and q.type is not AnswerType.MULTIPLE
    ]


def group_options(questionnaire: Questionnaire, question_id: str) -> list[GroupOption]:
    """The options of a group question, with whether each counts in the base."""
    question = questionnaire.question(question_id)
    if question is None:
        return []
    return [
        GroupOption(o.code, content_gettext(o.label), not o.exclude_from_base)
        for o in question.options
    ]


@dataclass(frozen=True)
class Stop:
    """Where in-progress respondents stopped."""

    text: str
    people: int


def drop_off(db: Session, wave: Wave, questionnaire: Questionnaire) -> list[Stop]:
    """People still in progress by the page of their latest answer, in page order."""
    by_question, nothing = counts.last_answered(db, wave)
    stops = [Stop(gettext("Started, but answered nothing yet"), nothing)] if nothing else []
    for number, page in enumerate(questionnaire.pages, start=1):
        people = sum(by_question.get(q.id, 0) for q in page.questions)
        if people:
            heading = content_gettext(page.title or page.questions[0].text)
            stops.append(
                Stop(gettext("Page %(n)s: %(heading)s", n=number, heading=heading), people)
            )
    return stops


CHANNELS = {"online": _l("Online"), "paper": _l("Paper"), "imported": _l("Imported")}


def channel_name(code: str) -> str:
    """A channel in words."""
    return str(CHANNELS[code]) if code in CHANNELS else code


def language_name(code: str) -> str:
    """A language code as its English name and own name, e.g. "Polish (polski)"."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code
    english = locale.get_display_name("en") or code
    own = locale.get_display_name() or english
    return english if own == english else f"{english} ({own})"


def monitor_page(
    session: Session,
    wave: Wave,
    questionnaire: Questionnaire,
    *,
    by: str,
    options: list[GroupOption],
    saved: dict[str, int],
) -> dict[str, Any]:
    """The monitor page's figures for ``wave``, broken down by the question ``by``.

    ``options`` and ``saved`` are the groups of ``by`` and their stored population
    counts (none when the version has no question to break down by).
    """
    days = counts.per_day(session, wave)
    return {
        "wave": wave,
        "days": days,
        "chart": day_chart(days),
        "status": counts.by_status(session, wave),
        "stops": drop_off(session, wave, questionnaire),
        "channels": [
            (channel_name(c), n) for c, n in counts.by_column(session, wave, "channel").items()
        ],
        "languages": [
            (language_name(c), n) for c, n in counts.by_column(session, wave, "language").items()
        ],
        "by": by,
        "groups": representation(options, counts.by_answer(session, wave, by), saved) if by else [],
    }

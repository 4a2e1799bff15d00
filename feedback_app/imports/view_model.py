"""What the import pages show: problems in words, the first rows as they will be
stored, and how many rows chose each option. Counts only; no statistics."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from feedback_app.imports.checking import ImportedRow, ImportProblem, option_counts
from feedback_app.imports.mapping import ImportMapping
from feedback_app.translating.content_translation import content_gettext
from surveys import Questionnaire
from surveys.answers import format_answer

#: Rows shown in the preview.
PREVIEW_ROWS = 5
#: Problems shown on one page; the rest are counted.
SHOWN_PROBLEMS = 500


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the table shows it."""

    row: str
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class PreviewRow:
    """One row as it will be stored: (question text, answer in words) pairs."""

    row: int
    language: str
    answers: list[tuple[str, str]]


@dataclass(frozen=True)
class OptionCount:
    """One option of a closed question and how many rows chose it."""

    label: str
    code: str
    count: int


@dataclass(frozen=True)
class QuestionCounts:
    """The counts for one closed question."""

    question_id: str
    text: str
    options: list[OptionCount]
    answered: int


def shown_problems(problems: list[ImportProblem]) -> list[ShownProblem]:
    """The first problems, translated, for the problems table."""
    return [
        ShownProblem(
            row=str(p.row) if p.row is not None else gettext("Whole file"),
            column=p.column or "",
            value=p.value[:100],
            message=gettext(p.message, **p.params),
        )
        for p in problems[:SHOWN_PROBLEMS]
    ]


def preview_rows(questionnaire: Questionnaire, rows: list[ImportedRow]) -> list[PreviewRow]:
    """The first rows with each answer in words, in questionnaire order."""
    shown = []
    for row in rows[:PREVIEW_ROWS]:
        answers = [
            (content_gettext(q.text), format_answer(q, row.answers[q.id]))
            for q in questionnaire.questions()
            if q.id in row.answers
        ]
        shown.append(PreviewRow(row=row.row, language=row.language, answers=answers))
    return shown


def question_counts(questionnaire: Questionnaire, rows: list[ImportedRow]) -> list[QuestionCounts]:
    """Rows choosing each option, for every closed question with a mapped answer."""
    counts = option_counts(questionnaire, rows)
    result = []
    for question in questionnaire.questions():
        counter = counts.get(question.id)
        if not counter:
            continue
        answered = sum(1 for r in rows if question.id in r.answers)
        result.append(
            QuestionCounts(
                question_id=question.id,
                text=content_gettext(question.text),
                options=[
                    OptionCount(content_gettext(o.label), o.code, counter.get(o.code, 0))
                    for o in question.options
                ],
                answered=answered,
            )
        )
    return result


@dataclass(frozen=True)
class ImportEffects:
    """What the import will and will not change, shown before anything is written."""

    #: Questions that get answers from the file.
    answered: list[str]
    #: Questions marked as not asked in the other survey: out of every base.
    not_asked: list[str]
    #: Questions asked but with no column (optional, or skipped by routing).
    without_column: list[str]


def import_effects(questionnaire: Questionnaire, mapping: ImportMapping) -> ImportEffects:
    """The questions the import fills, leaves as not asked, or leaves unanswered."""
    mapped = mapping.question_columns()
    not_asked = set(mapping.not_asked)
    answered, skipped, without = [], [], []
    for question in questionnaire.questions():
        text = content_gettext(question.text)
        if question.id in mapped:
            answered.append(text)
        elif question.id in not_asked:
            skipped.append(text)
        else:
            without.append(text)
    return ImportEffects(answered=answered, not_asked=skipped, without_column=without)

"""Checking every row of a mapped file, and turning it into answers to store.

Pure (no Flask, no database). The rules are the paper rules
(``feedback_app.collection.keying``), because an imported baseline is answers
someone else collected:

- a blank cell means "not answered"; an answer is checked by the same domain
  rule as online (``surveys.answers.clean_answer``), so a number out of range or
  two answers to a one-answer question is a problem;
- an answer the respondent's own answers skip is dropped, exactly as online;
- a question every respondent is asked must have a column (file-level problem),
  unless the officer marked it as not asked in that survey: then it has no
  answers in the wave, so it is out of every base for it.

Problems are collected for the whole file, never only the first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from feedback_app.collection.keying import KeyingError, kept_answers, read_keyed
from feedback_app.imports.mapping import (
    BLANK,
    ImportMapping,
    answer_key,
    language_code,
    split_cell,
)
from feedback_app.imports.reading import ImportFile, column_letter
from surveys import Question, Questionnaire
from surveys.answers import AnswerError, clean_answer
from surveys.i18n import N_
from surveys.model import AnswerValue
from surveys.routing import END


@dataclass(frozen=True)
class ImportProblem:
    """One problem: where (row and column, None for the whole file) and what."""

    row: int | None
    column: str | None
    value: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportedRow:
    """One response as it will be stored."""

    row: int
    language: str
    answers: dict[str, AnswerValue]


@dataclass
class CheckedFile:
    """The outcome of checking: problems (nothing may be imported) or rows to store."""

    problems: list[ImportProblem]
    rows: list[ImportedRow]
    #: Rows with nothing in any mapped column: left out, counted.
    empty_rows: int = 0
    #: Answers left out because the respondent's own answers skip the question.
    skipped_answers: int = 0

    @property
    def valid(self) -> bool:
        """True when the whole file can be imported."""
        return not self.problems and bool(self.rows)


def column_label(file: ImportFile, position: int) -> str:
    """How a column is named in a problem: its letter and its header."""
    return f"{column_letter(position)} ({file.columns[position]})"


def always_asked(questionnaire: Questionnaire) -> list[Question]:
    """Required questions on pages every respondent sees (no skip, no route past them)."""
    index_of = {page.id: i for i, page in enumerate(questionnaire.pages)}
    last = len(questionnaire.pages)
    asked: list[Question] = []
    furthest_jump = -1
    for index, page in enumerate(questionnaire.pages):
        skippable = page.show_when is not None or furthest_jump > index
        if not skippable:
            asked += [q for q in page.questions if not q.optional]
        for route in page.routes:
            target = last if route.goto == END else index_of.get(route.goto, index)
            furthest_jump = max(furthest_jump, target)
    return asked


def mapping_problems(
    file: ImportFile, questionnaire: Questionnaire, mapping: ImportMapping
) -> list[ImportProblem]:
    """Problems with the mapping itself: required questions with no column (and not
    marked as not asked), and questions both marked as not asked and given a column."""
    mapped = mapping.question_columns()
    not_asked = set(mapping.not_asked)
    problems = [
        ImportProblem(
            row=None,
            column=None,
            value="",
            message=N_(
                "No column is mapped to “%(question)s”, which every respondent is asked. "
                "Map a column to it, or mark it as not asked in this survey"
            ),
            params={"question": question.text},
        )
        for question in always_asked(questionnaire)
        if question.id not in mapped and question.id not in not_asked
    ]
    problems += [
        ImportProblem(
            row=None,
            column=None,
            value="",
            message=N_(
                "“%(question)s” is marked as not asked in this survey, but a column is mapped to it"
            ),
            params={"question": question.text},
        )
        for question in questionnaire.questions()
        if question.id in not_asked and question.id in mapped
    ]
    return problems


def check_file(
    file: ImportFile, questionnaire: Questionnaire, mapping: ImportMapping
) -> CheckedFile:
    """Check every row; the rows to store only when there is no problem at all."""
    problems = mapping_problems(file, questionnaire, mapping)
    columns = [
        (question, positions)
        for question_id, positions in mapping.question_columns().items()
        if (question := questionnaire.question(question_id)) is not None
    ]
    language_position = mapping.language_column()
    # Exports repeat the same few answers thousands of times: each is checked once.
    seen: dict[tuple[str, tuple[str, ...]], _Checked] = {}
    rows: list[ImportedRow] = []
    empty = skipped = 0
    for index, cells in enumerate(file.rows):
        number = file.row_number(index)
        answers: dict[str, AnswerValue] = {}
        for question, positions in columns:
            given = tuple(cells[p] for p in positions)
            key = (question.id, given)
            checked = seen.get(key)
            if checked is None:
                checked = seen[key] = _check_cells(question, mapping, given)
            value, fault = checked
            if fault is not None:
                offset, text, message, params = fault
                where = column_label(file, positions[offset])
                problems.append(ImportProblem(number, where, text, message, params))
            elif value is not None:
                answers[question.id] = value
        language = "en"
        if language_position is not None:
            code = language_code(cells[language_position])
            if code is None:
                problems.append(
                    ImportProblem(
                        number, column_label(file, language_position),
                        cells[language_position],
                        N_("This is not a language the service knows: use a code like “cy”"),
                    )
                )  # fmt: skip
            language = code or "en"
        if not answers:
            empty += 1
            continue
        kept = kept_answers(questionnaire, answers)
        skipped += len(answers) - len(kept)
        rows.append(ImportedRow(row=number, language=language, answers=kept))
    if not rows and not problems:
        problems.append(
            ImportProblem(None, None, "", N_("No row has an answer in the mapped columns"))
        )
    return CheckedFile(
        problems=problems,
        rows=rows if not problems else [],
        empty_rows=empty,
        skipped_answers=skipped,
    )


#: A fault in one question's cells: which of its columns, the value, the message.
_Fault = tuple[int, str, str, dict[str, Any]]
_Checked = tuple[AnswerValue | None, _Fault | None]


def _check_cells(question: Question, mapping: ImportMapping, cells: tuple[str, ...]) -> _Checked:
    """The answer in one row's cells for ``question`` (one cell, or one per option)."""
    if not question.is_closed:
        try:
            return read_keyed(question, cells[0]), None
        except KeyingError as error:
            return None, (0, cells[0], error.message, error.params)
    codes: list[str] = []
    given: list[str] = []
    known = mapping.answers.get(question.id, {})
    for offset, cell in enumerate(cells):
        for text in split_cell(question, cell, mapping.separator):
            given.append(text)
            code = known.get(answer_key(text))
            if code is None or (code != BLANK and question.option(code) is None):
                message = N_("This answer is not matched to an option of the question")
                return None, (offset, text, message, {})
            if code != BLANK:
                codes.append(code)
    if not codes:
        return None, None
    try:
        # Several texts meaning the same option are one answer, as on paper.
        return clean_answer(question, list(dict.fromkeys(codes))), None
    except AnswerError as error:
        return None, (0, "; ".join(given), error.message, error.params)


def option_counts(questionnaire: Questionnaire, rows: list[ImportedRow]) -> dict[str, Counter[str]]:
    """Closed question id -> option code -> how many rows chose it."""
    counts: dict[str, Counter[str]] = {}
    for question in questionnaire.questions():
        if not question.is_closed:
            continue
        counter: Counter[str] = Counter()
        for row in rows:
            value = row.answers.get(question.id)
            if isinstance(value, tuple):
                counter.update(value)
            elif isinstance(value, str):
                counter[value] += 1
        counts[question.id] = counter
    return counts

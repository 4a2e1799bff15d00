"""Labels, never codes: the words of a question, option or group beside its code.

Analysis tables name questions, options and breakdown groups by code (``ehcp``,
``dont_know``), which analysts need. Every table an officer downloads gets a label
column beside each code column, from the questionnaires of the waves it came from:
``question_text`` after ``question``, ``option_label`` after ``option``,
``group_label`` after ``group`` and ``category_label`` after ``category``.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.tables import Cell, Table
from feedback_app.results.compare.service import group_name
from feedback_app.translating.content_translation import content_gettext
from surveys import Question, Questionnaire

#: code column -> (label column, the column naming its question or breakdown).
LABELLED = {
    "question": ("question_text", None),
    "option": ("option_label", "question"),
    "group": ("group_label", "breakdown"),
    "category": ("category_label", "column"),
}


def _find(questionnaires: Sequence[Questionnaire], question_id: object) -> Question | None:
    for questionnaire in questionnaires:
        found = questionnaire.question(str(question_id))
        if found is not None:
            return found
    return None


def _label(
    code_column: str, code: Cell, owner: Cell, questionnaires: Sequence[Questionnaire]
) -> Cell:
    if code is None or code == "":
        return code
    if code_column == "question":
        question = _find(questionnaires, code)
        return content_gettext(question.text) if question is not None else str(code)
    by = str(owner) if owner is not None else ""
    return group_name(by, str(code), _find(questionnaires, owner))


def labelled(table: Table, questionnaires: Sequence[Questionnaire]) -> Table:
    """``table`` with a label column after each code column it has (see the module)."""
    columns = list(table.columns)
    wanted = [c for c in columns if c in LABELLED and LABELLED[c][0] not in columns]
    if not wanted:
        return table
    rows = []
    for row in table.rows:
        values = dict(zip(table.columns, row, strict=True))
        out: list[Cell] = []
        for column, value in zip(table.columns, row, strict=True):
            out.append(value)
            if column in wanted:
                owner_column = LABELLED[column][1]
                owner = values.get(owner_column) if owner_column else None
                out.append(_label(column, value, owner, questionnaires))
        rows.append(tuple(out))
    new_columns: list[str] = []
    for column in columns:
        new_columns.append(column)
        if column in wanted:
            new_columns.append(LABELLED[column][0])
    return Table(table.name, table.title, tuple(new_columns), tuple(rows), table.percent_columns)


def labelled_tables(
    named: Sequence[tuple[str, Table]], questionnaires: Sequence[Questionnaire]
) -> list[tuple[str, Table]]:
    """Every table of ``named`` with its label columns."""
    return [(name, labelled(table, questionnaires)) for name, table in named]

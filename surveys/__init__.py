"""What a questionnaire is: definitions, validation, routing and answer cleaning.

Pure Python (pydantic and PyYAML only): no Flask, SQLAlchemy, pandas, ``analysis``
or ``feedback_app``, so the rules can be tested and used anywhere.
"""

from surveys.answer_types import ANSWER_TYPES, AnswerTypeSpec, Setting, spec_of
from surveys.answers import AnswerError, clean_answer, format_answer
from surveys.checks import semantic_problems
from surveys.kpis import KpiBank, KpiDefinition, Target, load_kpi_bank
from surveys.loading import dump_questionnaire, load_questionnaire, parse_questionnaire
from surveys.model import (
    AnswerType,
    AnswerValue,
    Condition,
    Option,
    Page,
    Question,
    Questionnaire,
    Route,
)
from surveys.paths import covering_answer_sets
from surveys.problems import Problem, QuestionnaireError
from surveys.routing import (
    OPERATORS,
    evaluate,
    is_shown,
    next_page_id,
    on_path_answers,
    path,
    previous_page_id,
)

__all__ = [
    "ANSWER_TYPES",
    "OPERATORS",
    "AnswerError",
    "AnswerType",
    "AnswerTypeSpec",
    "AnswerValue",
    "Condition",
    "KpiBank",
    "KpiDefinition",
    "Option",
    "Page",
    "Problem",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Route",
    "Setting",
    "Target",
    "clean_answer",
    "covering_answer_sets",
    "dump_questionnaire",
    "evaluate",
    "format_answer",
    "is_shown",
    "load_kpi_bank",
    "load_questionnaire",
    "next_page_id",
    "on_path_answers",
    "parse_questionnaire",
    "path",
    "previous_page_id",
    "semantic_problems",
    "spec_of",
]

"""Loading questionnaires from YAML/JSON: schema and semantic checks, every problem found.

A definition is validated once here, then used as immutable objects. Problems are
collected, not raised one at a time, so a coordinator can fix a file in one pass;
each names the file, the line and the place inside the questionnaire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from surveys.checks import semantic_findings
from surveys.kpis import KpiBank, bundled_kpi_bank
from surveys.model import Questionnaire
from surveys.problems import QuestionnaireError
from surveys.source import parse_document, read_definition_file, schema_problems


def parse_questionnaire(
    text: str, *, source: str = "<string>", kpi_bank: KpiBank | None = None
) -> Questionnaire:
    """Parse and validate questionnaire text (YAML or JSON).

    Raises QuestionnaireError listing every problem. Schema problems are reported
    first; the semantic checks need a well-formed questionnaire, so they run once
    the schema is satisfied. ``kpi_bank`` defaults to the bundled bank.
    """
    document = parse_document(text, source=source)
    if not isinstance(document.data, dict):
        raise QuestionnaireError(
            [document.problem((), "must be a mapping with id, title, pages and so on")]
        )
    too_big = size_problems(document.data)
    if too_big:
        raise QuestionnaireError([document.problem((), message) for message in too_big])
    try:
        questionnaire = Questionnaire.model_validate(document.data)
    except ValidationError as exc:
        raise QuestionnaireError(schema_problems(exc, document)) from None
    if kpi_bank is None:
        kpi_bank = bundled_kpi_bank()
    findings = semantic_findings(questionnaire, kpi_bank=kpi_bank)
    if findings:
        problems = [document.problem(loc, message) for loc, message in findings]
        raise QuestionnaireError(sorted(problems, key=lambda p: p.line or 0))
    return questionnaire


#: The most one definition may hold. Ten times what any real questionnaire needs,
#: and a bound on the work of checking one (routing checks grow with pages x rules).
MAX_PAGES = 150
MAX_QUESTIONS = 200
MAX_OPTIONS_PER_QUESTION = 200
MAX_RULES = 300


def size_problems(data: dict[str, Any]) -> list[str]:
    """Plain messages for a definition too big to check, counted before any checking."""
    pages = [p for p in data.get("pages") or [] if isinstance(p, dict)]
    questions = [q for p in pages for q in (p.get("questions") or []) if isinstance(q, dict)]
    rules = sum(len(p.get("routes") or []) + (p.get("show_when") is not None) for p in pages)
    widest = max((len(q.get("options") or []) for q in questions), default=0)
    problems = []
    for count, most, what in (
        (len(data.get("pages") or []), MAX_PAGES, "pages"),
        (len(questions), MAX_QUESTIONS, "questions"),
        (widest, MAX_OPTIONS_PER_QUESTION, "options in one question"),
        (rules, MAX_RULES, "routes and show_when conditions"),
    ):
        if count > most:
            problems.append(f"has {count} {what}; at most {most} are allowed")
    return problems


def load_questionnaire(path: str | Path, *, kpi_bank: KpiBank | None = None) -> Questionnaire:
    """Read and validate a questionnaire file; raise QuestionnaireError listing every problem.

    Unreadable, oversized, non-UTF-8 and badly formed files are problems too.
    """
    text = read_definition_file(path)
    return parse_questionnaire(text, source=str(path), kpi_bank=kpi_bank)


def dump_questionnaire(q: Questionnaire) -> str:
    """The questionnaire as YAML that ``parse_questionnaire`` reads back to an equal object."""
    data = q.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

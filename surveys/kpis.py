"""The KPI question bank: which question measures each KPI, and its target rule."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from surveys.model import ID_PATTERN
from surveys.problems import QuestionnaireError
from surveys.source import parse_document, read_definition_file, schema_problems


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Frozen):
    """How a KPI's target is set.

    ``baseline_plus_pp``: baseline + ``value`` percentage points;
    ``baseline_plus_relative``: baseline × (1 + ``value``/100);
    ``absolute``: the level ``value`` per cent. Explicit because the real plans say
    "baseline plus 10%" and leave the reader to guess which.
    """

    rule: Literal["baseline_plus_pp", "baseline_plus_relative", "absolute"]
    value: float
    due: str | None = None


class KpiDefinition(_Frozen):
    """One KPI measured by one closed question: the share giving a positive answer."""

    id: str = Field(pattern=ID_PATTERN, max_length=60)
    reference: str | None = None
    title: str = Field(min_length=1)
    short_title: str | None = None
    #: Id of the question that measures it.
    question: str = Field(pattern=ID_PATTERN, max_length=60)
    #: Option codes counted as positive.
    positive: tuple[str, ...] = Field(min_length=1)
    #: Option codes removed from the base (e.g. "don't know").
    exclude: tuple[str, ...] = ()
    higher_is_better: bool = True
    frequency: str | None = None
    recorded_baseline: float | None = None
    target: Target | None = None


class KpiBank(_Frozen):
    """Every KPI a questionnaire may reference."""

    kpis: tuple[KpiDefinition, ...]

    def get(self, kpi_id: str) -> KpiDefinition | None:
        """The KPI with this id, or None."""
        return next((k for k in self.kpis if k.id == kpi_id), None)

    def for_question(self, question_id: str) -> tuple[KpiDefinition, ...]:
        """The KPIs measured by this question."""
        return tuple(k for k in self.kpis if k.question == question_id)


def parse_kpi_bank(text: str, *, source: str = "<string>") -> KpiBank:
    """Parse KPI bank text (YAML or JSON); raise QuestionnaireError listing every problem."""
    document = parse_document(text, source=source)
    try:
        bank = KpiBank.model_validate(document.data)
    except ValidationError as exc:
        raise QuestionnaireError(schema_problems(exc, document)) from None
    problems = []
    seen: set[str] = set()
    for index, kpi in enumerate(bank.kpis):
        if kpi.id in seen:
            problems.append(document.problem(("kpis", index, "id"), "KPI id is used twice"))
        seen.add(kpi.id)
        overlap = sorted(set(kpi.positive) & set(kpi.exclude))
        if overlap:
            problems.append(
                document.problem(
                    ("kpis", index, "exclude"),
                    f"{', '.join(overlap)} cannot be both positive and excluded",
                )
            )
    if problems:
        raise QuestionnaireError(problems)
    return bank


def load_kpi_bank(path: str | Path) -> KpiBank:
    """Read and validate a KPI bank file; raise QuestionnaireError listing every problem."""
    return parse_kpi_bank(read_definition_file(path), source=str(path))

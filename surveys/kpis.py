"""The KPI question bank: which question measures each KPI, and its target rule.

This is the one reader of the KPI bank format, for the web app and for the
command lines (``analysis`` converts what it returns into its own definitions).
Option codes are read as text whatever YAML makes of them: ``positive: [yes]``
is the code "yes" (the definition loader keeps yes/no as strings) and
``positive: [9, 10]`` the codes "9" and "10" of a 0 to 10 scale.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from surveys.model import ID_PATTERN
from surveys.problems import QuestionnaireError
from surveys.source import SourceDocument, parse_document, read_definition_file, schema_problems


def _code_text(value: Any) -> Any:
    # A whole number written without quotes is a score code ("9"), not a number.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


#: An option code, read as text.
Code = Annotated[str, BeforeValidator(_code_text), Field(min_length=1)]


def _says_something(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


#: Text that must say something (spaces alone do not).
Words = Annotated[str, AfterValidator(_says_something)]


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
    due: Annotated[str, BeforeValidator(_code_text)] | None = None

    @model_validator(mode="after")
    def _absolute_is_a_percentage(self) -> Target:
        if self.rule == "absolute" and not 0 <= self.value <= 100:
            raise ValueError("an absolute target must be 0 to 100 (per cent)")
        return self


class KpiDefinition(_Frozen):
    """One KPI measured by one closed question: the share giving a positive answer."""

    id: str = Field(pattern=ID_PATTERN, max_length=60)
    reference: Words | None = None
    title: Words
    short_title: str | None = None
    #: Id of the question that measures it.
    question: str = Field(pattern=ID_PATTERN, max_length=60)
    #: Option codes counted as positive.
    positive: tuple[Code, ...] = Field(min_length=1)
    #: Option codes removed from the base (e.g. "don't know"). When the file does
    #: not say, ``analysis`` removes its default "don't know"-like codes.
    exclude: tuple[Code, ...] = ()
    #: Every option code of the question, when the file lists them (the command
    #: line then checks data against it).
    options: tuple[Code, ...] | None = None
    higher_is_better: bool = True
    frequency: Words | None = None
    #: The percentage the plan recorded, 0 to 100.
    recorded_baseline: float | None = Field(default=None, ge=0, le=100)
    target: Target | None = None

    @property
    def exclude_given(self) -> bool:
        """True when the file said which codes leave the base."""
        return "exclude" in self.model_fields_set


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
    return validate_kpi_bank(parse_document(text, source=source))


def kpi_bank_from_data(data: Any, *, source: str = "<kpis>") -> KpiBank:
    """Validate an already-parsed KPI bank (a mapping with a ``kpis`` list)."""
    return validate_kpi_bank(SourceDocument(source=source, data=data))


def validate_kpi_bank(document: SourceDocument) -> KpiBank:
    """The KPI bank in ``document``; raise QuestionnaireError listing every problem."""
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
        unknown = sorted(set(kpi.positive) - set(kpi.options or kpi.positive))
        if unknown:
            problems.append(
                document.problem(
                    ("kpis", index, "positive"), f"{', '.join(unknown)} is not in 'options'"
                )
            )
    if problems:
        raise QuestionnaireError(problems)
    return bank


def load_kpi_bank(path: str | Path) -> KpiBank:
    """Read and validate a KPI bank file; raise QuestionnaireError listing every problem."""
    return parse_kpi_bank(read_definition_file(path), source=str(path))


#: The KPI bank that ships with the package (surveys/library/kpis.yaml).
BUNDLED_KPI_BANK_PATH = Path(__file__).resolve().parent / "library" / "kpis.yaml"


@cache
def bundled_kpi_bank() -> KpiBank:
    """The bundled KPI bank (read once)."""
    return load_kpi_bank(BUNDLED_KPI_BANK_PATH)

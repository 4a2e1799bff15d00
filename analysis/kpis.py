"""KPI definitions: what counts as positive, what leaves the base, and the target.

Reads the KPI bank format of ``surveys/library/kpis.yaml`` with the one parser
the web app uses too (``surveys.kpis``), so a file means the same everywhere and
option codes are always text (``positive: [yes]``, ``positive: [9, 10]``). The
plan's own labels are kept for the board table but play no part in the
statistics: ``reference`` ("KPI 4/1"), ``frequency`` ("annually"),
``recorded_baseline`` (the percentage the plan recorded, 0-100) and
``target.due`` ("18 months").
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisInputError
from surveys import kpis as bank_format
from surveys.answer_types import standard_code_lists
from surveys.problems import QuestionnaireError

#: Codes removed from the base when a KPI does not say otherwise
#: (statistics.md: "don't know", "not applicable", "prefer not to say").
DEFAULT_EXCLUDE: tuple[str, ...] = ("dont_know", "not_applicable", "prefer_not_to_say")

#: Answer scales of the bundled questionnaires, then the standard scales of the
#: answer type registry (``surveys.answer_types``). When a KPI has no ``options``
#: list, the first scale whose codes include all its positive codes is used to
#: check the data for codes that are not in the definition.
KNOWN_SCALES: tuple[tuple[str, ...], ...] = (
    ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"),
    ("very_good", "good", "neither", "poor", "very_poor", "dont_know"),
    (
        "very_satisfied",
        "satisfied",
        "neither",
        "dissatisfied",
        "very_dissatisfied",
        "dont_know",
    ),
    ("yes", "no", "dont_know"),
    *standard_code_lists(),
)


class TargetRule(enum.StrEnum):
    """How a target level is derived (statistics.md, "Targets")."""

    BASELINE_PLUS_PP = "baseline_plus_pp"
    BASELINE_PLUS_RELATIVE = "baseline_plus_relative"
    ABSOLUTE = "absolute"


@dataclass(frozen=True, slots=True)
class Target:
    """A KPI target: the rule, its value and (optionally) when it is due."""

    rule: TargetRule
    value: float
    due: str | None = None


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    """One KPI measured by one survey question.

    ``options`` is the full list of valid codes for the question; ``None`` means
    "use the known answer scale that contains the positive codes, if any".
    """

    id: str
    title: str
    question: str
    positive: tuple[str, ...]
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    higher_is_better: bool = True
    target: Target | None = None
    short_title: str | None = None
    options: tuple[str, ...] | None = None
    reference: str | None = None
    frequency: str | None = None
    recorded_baseline: float | None = None

    @property
    def label(self) -> str:
        """The name used in sentences: ``short_title`` when present, else ``title``."""
        return self.short_title or self.title

    def valid_codes(self) -> frozenset[str] | None:
        """Codes allowed in the question column, or ``None`` when they cannot be known."""
        if self.options is not None:
            return frozenset(self.options) | frozenset(self.positive) | frozenset(self.exclude)
        for scale in KNOWN_SCALES:
            if set(self.positive) <= set(scale):
                return frozenset(scale) | frozenset(self.exclude)
        return None


def load_kpis(source: str | Path | Mapping[str, Any]) -> tuple[KpiDefinition, ...]:
    """Read KPI definitions from a YAML file or an already-parsed mapping.

    Parameters
    ----------
    source
        Path to a YAML file in the KPI bank format (top-level key ``kpis``), or a
        mapping with the same shape.

    Returns
    -------
    tuple of KpiDefinition
        In file order.

    Raises
    ------
    AnalysisInputError
        When the file is missing or unreadable, or the KPI bank reader
        (``surveys.kpis``) finds problems; the message names the file, the line
        and the KPI, on one line.

    Examples
    --------
    >>> kpis = load_kpis({"kpis": [{"id": "k1", "title": "Trust", "question": "trust",
    ...                             "positive": ["agree", "strongly_agree"],
    ...                             "target": {"rule": "absolute", "value": 80}}]})
    >>> kpis[0].target.rule.value, kpis[0].exclude
    ('absolute', ('dont_know', 'not_applicable', 'prefer_not_to_say'))
    """
    if isinstance(source, Mapping):
        return parse_kpis(source, where="<kpis>")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnalysisInputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisInputError(f"{path}: cannot read: {exc}") from None
    try:
        bank = bank_format.parse_kpi_bank(text, source=str(path))
    except QuestionnaireError as error:
        raise _input_error(error) from None
    return definitions(bank)


def _refuse_boolean_codes(data: Mapping[str, Any], *, where: str) -> None:
    # A mapping parsed elsewhere (YAML 1.1) may hold True for `yes`: say how to fix it.
    entries = data.get("kpis")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        for key in ("positive", "exclude", "options"):
            codes = entry.get(key) if isinstance(entry, Mapping) else None
            if isinstance(codes, list) and any(isinstance(code, bool) for code in codes):
                raise AnalysisInputError(
                    f"{where}: kpis[{i}].{key}: a code was read as true/false; put codes"
                    " such as yes, no, on and off in quotes"
                )


def parse_kpis(data: Mapping[str, Any], *, where: str) -> tuple[KpiDefinition, ...]:
    """Validate a parsed KPI bank; ``where`` names the source in error messages.

    Examples
    --------
    >>> codes = parse_kpis({"kpis": [{"id": "k", "title": "T", "question": "q",
    ...                       "positive": ["yes"]}]}, where="x")[0].valid_codes()
    >>> sorted(codes)
    ['dont_know', 'no', 'not_applicable', 'prefer_not_to_say', 'yes']
    """
    _refuse_boolean_codes(data, where=where)
    try:
        bank = bank_format.kpi_bank_from_data(dict(data), source=where)
    except QuestionnaireError as error:
        raise _input_error(error) from None
    return definitions(bank)


def _input_error(error: QuestionnaireError) -> AnalysisInputError:
    # One line, as the command line prints it.
    return AnalysisInputError("; ".join(str(p) for p in error.problems) or str(error))


def definitions(bank: bank_format.KpiBank) -> tuple[KpiDefinition, ...]:
    """The survey KPIs of a bank or plan as analysis definitions (entered measures,
    which no survey asks, are not analysis's to compute)."""
    return tuple(_definition(kpi) for kpi in bank.survey_kpis)


def _definition(kpi: bank_format.KpiDefinition) -> KpiDefinition:
    assert kpi.question is not None  # survey KPIs always name their question
    # analysis judges one target (the command line's); the first that needs no
    # benchmark. The web app judges every staged target (analysis.targets.judge_level).
    target = next((t for t in kpi.all_targets if t.rule in set(TargetRule)), None)
    due = None
    if target is not None:
        due = target.due or (target.due_on.isoformat() if target.due_on else None)
    return KpiDefinition(
        id=kpi.id,
        title=kpi.title.strip(),
        question=kpi.question,
        positive=kpi.positive,
        exclude=kpi.exclude if kpi.exclude_given else DEFAULT_EXCLUDE,
        higher_is_better=kpi.higher_is_better,
        target=Target(TargetRule(target.rule), target.value, due) if target else None,
        short_title=kpi.short_title or None,
        options=kpi.options,
        reference=kpi.reference.strip() if kpi.reference else None,
        frequency=kpi.frequency.strip() if kpi.frequency else None,
        recorded_baseline=kpi.baseline_figure,
    )


def question_positive(
    question: str, positive: Sequence[str], *, exclude: Sequence[str] = (), title: str = ""
) -> KpiDefinition:
    """A question's positive options in the shape of a KPI, for ``wave_results``'s
    ``positive`` (and ``compare_waves``/``trend_kpis``, which then give its change).

    ``exclude`` are the options left out of the base ("don't know").

    Examples
    --------
    >>> d = question_positive("q", ["yes"], exclude=["not_sure"])
    >>> d.id, d.positive, d.exclude
    ('q.positive', ('yes',), ('not_sure',))
    """
    return KpiDefinition(
        id=f"{question}.positive",
        title=title or question,
        question=question,
        positive=tuple(positive),
        exclude=tuple(exclude),
    )

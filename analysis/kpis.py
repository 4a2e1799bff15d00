"""KPI definitions: what counts as positive, what leaves the base, and the target.

Reads the KPI bank format of ``surveys/library/kpis.yaml``. The plan's own
labels are kept for the board table but play no part in the statistics:
``reference`` ("KPI 4/1"), ``frequency`` ("annually"), ``recorded_baseline`` (the
percentage the plan recorded, 0-100) and ``target.due`` ("18 months"). Other keys
are accepted and ignored, so the bank can grow without breaking us.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import AnalysisInputError
from surveys.source import load_definition_yaml

#: Codes removed from the base when a KPI does not say otherwise
#: (statistics.md: "don't know", "not applicable", "prefer not to say").
DEFAULT_EXCLUDE: tuple[str, ...] = ("dont_know", "not_applicable", "prefer_not_to_say")

#: Answer scales of the bundled questionnaires. When a KPI has no ``options``
#: list, the scale whose codes include all its positive codes is used to check
#: the data for codes that are not in the definition.
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
        When the file is missing, is not valid YAML, or a KPI lacks a required
        key or has a bad value. The message names the file and ``kpis[i].key``.

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
        # Codes such as ``yes``/``no``/``on``/``off`` stay strings (YAML 1.1 would
        # read them as booleans): the same loader as the questionnaire definitions.
        data = load_definition_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise AnalysisInputError(f"{path}:{line}: malformed YAML: {problem}") from None
    if not isinstance(data, Mapping):
        raise AnalysisInputError(f"{path}: expected a mapping with a 'kpis' list")
    return parse_kpis(data, where=str(path))


def parse_kpis(data: Mapping[str, Any], *, where: str) -> tuple[KpiDefinition, ...]:
    """Validate a parsed KPI bank; ``where`` names the source in error messages.

    Examples
    --------
    >>> codes = parse_kpis({"kpis": [{"id": "k", "title": "T", "question": "q",
    ...                       "positive": ["yes"]}]}, where="x")[0].valid_codes()
    >>> sorted(codes)
    ['dont_know', 'no', 'not_applicable', 'prefer_not_to_say', 'yes']
    """
    entries = data.get("kpis")
    if not isinstance(entries, list) or not entries:
        raise AnalysisInputError(f"{where}: 'kpis' must be a non-empty list")
    kpis = tuple(_parse_one(entry, where=f"{where}: kpis[{i}]") for i, entry in enumerate(entries))
    seen: set[str] = set()
    for i, kpi in enumerate(kpis):
        if kpi.id in seen:
            raise AnalysisInputError(f"{where}: kpis[{i}].id: duplicate KPI id {kpi.id!r}")
        seen.add(kpi.id)
    return kpis


def _parse_one(entry: object, *, where: str) -> KpiDefinition:
    if not isinstance(entry, Mapping):
        raise AnalysisInputError(f"{where}: expected a mapping")
    for key in ("id", "title", "question", "positive"):
        if key not in entry:
            raise AnalysisInputError(f"{where}: missing key {key!r}")
    kpi_id = _text(entry, "id", where=where)
    positive = _codes(entry, "positive", where=where)
    if not positive:
        raise AnalysisInputError(f"{where}.positive: must list at least one code")
    exclude = _codes(entry, "exclude", where=where) if "exclude" in entry else DEFAULT_EXCLUDE
    clash = sorted(set(positive) & set(exclude))
    if clash:
        raise AnalysisInputError(f"{where}: code {clash[0]!r} is both positive and excluded")
    options = _codes(entry, "options", where=where) if "options" in entry else None
    if options is not None:
        unknown = sorted(set(positive) - set(options))
        if unknown:
            raise AnalysisInputError(f"{where}.positive: {unknown[0]!r} is not in 'options'")
    higher = entry.get("higher_is_better", True)
    if not isinstance(higher, bool):
        raise AnalysisInputError(f"{where}.higher_is_better: must be true or false")
    short = entry.get("short_title")
    return KpiDefinition(
        id=kpi_id,
        title=_text(entry, "title", where=where),
        question=_text(entry, "question", where=where),
        positive=positive,
        exclude=exclude,
        higher_is_better=higher,
        target=_target(entry.get("target"), where=f"{where}.target"),
        short_title=str(short) if short else None,
        options=options,
        reference=_optional_text(entry, "reference", where=where),
        frequency=_optional_text(entry, "frequency", where=where),
        recorded_baseline=_recorded_baseline(entry.get("recorded_baseline"), where=where),
    )


def _text(entry: Mapping[str, Any], key: str, *, where: str) -> str:
    value = entry[key]
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise AnalysisInputError(f"{where}.{key}: must be a non-empty string")
    return str(value).strip()


def _optional_text(entry: Mapping[str, Any], key: str, *, where: str) -> str | None:
    if entry.get(key) is None:
        return None
    return _text(entry, key, where=where)


def _recorded_baseline(value: object, *, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise AnalysisInputError(f"{where}.recorded_baseline: must be a percentage from 0 to 100")
    return float(value)


def _codes(entry: Mapping[str, Any], key: str, *, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Sequence) and any(isinstance(c, bool) for c in value):
        raise AnalysisInputError(
            f"{where}.{key}: a code was read as true/false; YAML reads unquoted yes, no, on "
            f"and off as booleans, so put the code in quotes (e.g. ['yes'])"
        )
    if not isinstance(value, Sequence) or not all(isinstance(c, str) and c for c in value):
        raise AnalysisInputError(f"{where}.{key}: must be a list of option codes")
    return tuple(value)


def _target(value: object, *, where: str) -> Target | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise AnalysisInputError(f"{where}: expected a mapping with 'rule' and 'value'")
    rule_text = value.get("rule")
    try:
        rule = TargetRule(str(rule_text))
    except ValueError:
        allowed = ", ".join(r.value for r in TargetRule)
        raise AnalysisInputError(f"{where}.rule: {rule_text!r} is not one of {allowed}") from None
    number = value.get("value")
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise AnalysisInputError(f"{where}.value: must be a number")
    if rule is TargetRule.ABSOLUTE and not 0 <= number <= 100:
        raise AnalysisInputError(f"{where}.value: an absolute target must be 0 to 100 (per cent)")
    due = value.get("due")
    return Target(rule=rule, value=float(number), due=str(due) if due is not None else None)

"""Comparability of KPI questions between a published version and a new one.

A KPI is tracked from wave to wave (baseline, follow-up, annual repeat). Its
figures only compare like with like when the question asked stays the same: the
same wording, the same answer options, and positive codes that still exist.
These pure functions say what changed so the web layer can warn, in plain words,
before a change that breaks the series is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from surveys.kpis import KpiBank
from surveys.model import Question, Questionnaire


class BreakKind(StrEnum):
    """How a KPI question changed."""

    #: The question text is different.
    WORDING = "wording"
    #: Option codes or labels (or their order) are different.
    OPTIONS = "options"
    #: Codes the KPI counts as positive are no longer among the options.
    POSITIVE_CODES = "positive_codes"
    #: The question no longer measures the KPI (removed, or unlinked from it).
    REMOVED = "removed"


@dataclass(frozen=True)
class ComparabilityBreak:
    """One change to a KPI question that breaks comparison with earlier waves.

    ``before`` and ``after`` are short descriptions of the two states (question
    text, or option lists as ``code: label`` joined by "; "), empty when not
    applicable.
    """

    question_id: str
    kpi_ids: tuple[str, ...]
    kind: BreakKind
    before: str = ""
    after: str = ""


def _options_text(question: Question) -> str:
    return "; ".join(f"{o.code}: {o.label}" for o in question.options)


def _option_pairs(question: Question) -> tuple[tuple[str, str], ...]:
    return tuple((o.code, o.label) for o in question.options)


def _changed_since(before: Question, question: Question) -> list[ComparabilityBreak]:
    """The wording and options breaks of a KPI question that was a KPI question before,
    for the KPIs both versions measure (or, sharing none, the ones it measures now)."""
    kpis = tuple(k for k in question.kpis if k in before.kpis) or question.kpis
    aspects = (
        (BreakKind.WORDING, before.text != question.text, before.text, question.text),
        (
            BreakKind.OPTIONS,
            _option_pairs(before) != _option_pairs(question),
            _options_text(before),
            _options_text(question),
        ),
    )
    return [
        ComparabilityBreak(question.id, kpis, kind, was, now)
        for kind, changed, was, now in aspects
        if changed
    ]


def _bank_breaks(question: Question, bank: KpiBank) -> list[ComparabilityBreak]:
    breaks = []
    codes = {o.code for o in question.options}
    for kpi_id in question.kpis:
        kpi = bank.get(kpi_id)
        if kpi is None:
            continue
        missing = tuple(c for c in kpi.positive if c not in codes)
        if missing:
            breaks.append(
                ComparabilityBreak(
                    question_id=question.id,
                    kpi_ids=(kpi_id,),
                    kind=BreakKind.POSITIVE_CODES,
                    before=", ".join(kpi.positive),
                    after=", ".join(missing),
                )
            )
    return breaks


def comparability_breaks(
    earlier: Questionnaire | None, later: Questionnaire, bank: KpiBank
) -> tuple[ComparabilityBreak, ...]:
    """Every change in ``later`` that stops its KPI figures comparing with ``earlier``.

    ``earlier`` is the latest published version (None when there is none: then only
    the KPI bank is checked). Each KPI question of ``later`` (a question with
    ``kpis``) is compared with the question of the same id in ``earlier``: changed
    text, changed option codes or labels, and positive codes (from the bank) missing
    from its options. A KPI question of ``earlier`` that no longer measures its KPI
    in ``later`` is a break too.

    >>> from surveys.library import bundled_questionnaires, kpi_bank
    >>> q = bundled_questionnaires()["parent_annual"]
    >>> comparability_breaks(q, q, kpi_bank())
    ()
    """
    breaks: list[ComparabilityBreak] = []
    for question in later.questions():
        if not question.kpis:
            continue
        before = earlier.question(question.id) if earlier is not None else None
        if before is not None and before.kpis:
            breaks += _changed_since(before, question)
        breaks += _bank_breaks(question, bank)
    if earlier is not None:
        for before in earlier.questions():
            now = later.question(before.id)
            lost = tuple(k for k in before.kpis if now is None or k not in now.kpis)
            if lost:
                breaks.append(
                    ComparabilityBreak(
                        question_id=before.id,
                        kpi_ids=lost,
                        kind=BreakKind.REMOVED,
                        before=before.text,
                    )
                )
    return tuple(breaks)

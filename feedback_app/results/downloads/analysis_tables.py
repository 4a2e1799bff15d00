"""A chosen comparison's analysis: the tables officers download and the board report.

A *selection* is a baseline wave and one or more follow-up waves of the same area.
Everything here comes from ``analysis/`` run on ``data.wave_frame``: one
``compare_waves`` per follow-up (every KPI both questionnaires ask, broken down by
the context questions both ask, language and channel), a trend when there are
several follow-ups, ``describe_wave`` per wave and ``themes`` per free-text
question. Results are cached (``data.cached``) as plain tables, so a second
download of the same figures does not compute them again.

The board report (``report.board_report``) is the same analysis with publication
suppression on, reshaped for the page: see ``report_model.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

import analysis
from analysis import AnalysisInputError, KpiDefinition
from analysis.tables import Table
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave
from feedback_app.results import data
from feedback_app.results.labels import labelled_tables
from feedback_app.results.themes.service import corrections
from surveys.model import Questionnaire

if TYPE_CHECKING:
    from analysis import Comparison, ThemeReport, Trend, WaveDescription

#: Context questions results are broken down by, when both waves ask them, then
#: the response's language and channel (always known).
BREAKDOWN_QUESTIONS = ("plan_type", "age_phase", "locality")
BREAKDOWN_META = ("language", "channel")


class SelectionError(ValueError):
    """The chosen waves cannot be analysed together (the message says why)."""


@dataclass(frozen=True)
class Selection:
    """A baseline wave and the follow-up waves compared with it, oldest first."""

    baseline: Wave
    follow_ups: tuple[Wave, ...]

    @property
    def waves(self) -> tuple[Wave, ...]:
        """Baseline first, then the follow-ups."""
        return (self.baseline, *self.follow_ups)

    @property
    def params(self) -> dict[str, Any]:
        """What identifies the selection in the result cache and in URLs."""
        return {"baseline": self.baseline.id, "follow_up": [w.id for w in self.follow_ups]}


@dataclass(frozen=True)
class Results:
    """The analysis of a selection, as ``analysis`` returns it."""

    labels: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    trend: Trend | None
    descriptions: tuple[WaveDescription, ...]
    theme_reports: tuple[tuple[str, ThemeReport], ...]
    kpis: tuple[KpiDefinition, ...]
    breakdowns: tuple[str, ...]


def make_selection(baseline: Wave, follow_ups: Sequence[Wave]) -> Selection:
    """Check and order a selection; raises :class:`SelectionError`."""
    if not follow_ups:
        raise SelectionError("Choose at least one follow-up wave")
    if baseline.id in {w.id for w in follow_ups}:
        raise SelectionError("The baseline cannot also be a follow-up wave")
    if len({w.id for w in follow_ups}) != len(follow_ups):
        raise SelectionError("Choose each follow-up wave once")
    ordered = tuple(sorted(follow_ups, key=lambda w: (_naive(w.opens_at), w.id)))
    selection = Selection(baseline, ordered)
    if not shared_kpis(selection):
        raise SelectionError("These waves share no KPI question, so they cannot be compared")
    return selection


def shared_kpis(selection: Selection) -> tuple[KpiDefinition, ...]:
    """The KPIs whose question every wave of the selection asks."""
    asked = [_question_ids(questionnaire_for(w.version)) for w in selection.waves]
    return tuple(k for k in data.bank_kpis() if all(k.question in ids for ids in asked))


def text_questions(waves: Sequence[Wave]) -> list[tuple[str, str]]:
    """Free-text questions the waves ask: (question id, wording), each once."""
    found: dict[str, str] = {}
    for wave in waves:
        for q in questionnaire_for(wave.version).questions():
            if q.spec.free_text:
                found.setdefault(q.id, q.text)
    return list(found.items())


def analyse(session: Session, selection: Selection, *, publication: bool) -> Results:
    """Run the analysis of ``selection`` (see the module docstring)."""
    kpis = shared_kpis(selection)
    breakdowns = _breakdowns(selection)
    texts = [q for q, _ in text_questions(selection.waves)]
    wanted = list(dict.fromkeys([*(k.question for k in kpis), *breakdowns, *texts]))
    closed = {
        w.id: [*_closed_ids(questionnaire_for(w.version)), *BREAKDOWN_META] for w in selection.waves
    }
    questions = list(
        dict.fromkeys(
            [*wanted, *(q for ids in closed.values() for q in ids if q not in BREAKDOWN_META)]
        )
    )
    frame = data.wave_frame(session, selection.waves, questions=questions)
    names = data.wave_labels(selection.waves)
    labels = tuple(names[w.id] for w in selection.waves)
    by = [*breakdowns, *BREAKDOWN_META]
    try:
        comparisons = tuple(
            analysis.compare_waves(
                frame, kpis, baseline=labels[0], follow_up=label, by=by, publication=publication
            )
            for label in labels[1:]
        )
        trend = (
            analysis.trend_kpis(
                frame,
                kpis,
                waves=labels,
                publication=publication,
                dates=[_naive(w.opens_at).date() for w in selection.waves],
            )
            if len(labels) > 2
            else None
        )
        # With the KPIs, so the options hidden here match the headlines published
        # by compare and trend (one disclosure rule for the wave).
        descriptions = tuple(
            analysis.describe_wave(
                frame,
                wave=names[w.id],
                questions=closed[w.id],
                option_order=_option_order(questionnaire_for(w.version)),
                publication=publication,
                kpis=kpis,
            )
            for w in selection.waves
        )
        theme_reports = tuple(
            (
                question,
                analysis.themes(
                    frame,
                    column=question,
                    waves=_asking(selection, question, names),
                    overrides=corrections(session, selection.waves, question),
                ),
            )
            for question in texts
        )
    except AnalysisInputError as error:
        raise SelectionError(str(error)) from error
    return Results(labels, comparisons, trend, descriptions, theme_reports, kpis, tuple(breakdowns))


def named_tables(results: Results) -> list[tuple[str, Table]]:
    """Every table of ``results`` with a short unique name (a sheet or file name)."""
    several = len(results.comparisons) > 1
    named: list[tuple[str, Table]] = []
    for index, comparison in enumerate(results.comparisons, start=2):
        prefix = f"wave{index}_" if several else ""
        named.extend((prefix + t.name, t) for t in analysis.tables_for(comparison))
    if results.trend is not None:
        named.extend(
            (f"trend_{t.name}" if t.name != "trend" else "trend", t)
            for t in analysis.tables_for(results.trend)
        )
    for index, description in enumerate(results.descriptions, start=1):
        named.extend((f"wave{index}_{t.name}", t) for t in analysis.tables_for(description))
    for question, report in results.theme_reports:
        named.extend((f"{question}_{t.name}", t) for t in analysis.tables_for(report))
    return _unique(named)


def cached_tables(
    session: Session, area: LocalArea, selection: Selection, *, publication: bool
) -> list[tuple[str, Table]]:
    """:func:`named_tables` of the selection, from the result cache when current,
    with a label column beside each code column (``results.labels``)."""
    found = data.cached(
        session,
        area,
        "downloads.tables",
        {**selection.params, "publication": publication},
        selection.waves,
        lambda: named_tables(analyse(session, selection, publication=publication)),
        encode=_encode_tables,
        decode=_decode_tables,
        extra=data.corrections_fingerprint(session, selection.waves),
    )
    return labelled_tables(found, [questionnaire_for(w.version) for w in selection.waves])


def _encode_tables(named: list[tuple[str, Table]]) -> list[Any]:
    return [
        [
            name,
            t.name,
            t.title,
            list(t.columns),
            [list(r) for r in t.rows],
            sorted(t.percent_columns),
        ]
        for name, t in named
    ]


def _decode_tables(encoded: list[Any]) -> list[tuple[str, Table]]:
    return [
        (
            name,
            Table(table, title, tuple(columns), tuple(tuple(r) for r in rows), frozenset(percent)),
        )
        for name, table, title, columns, rows, percent in encoded
    ]


def _unique(named: list[tuple[str, Table]]) -> list[tuple[str, Table]]:
    """Names cut to Excel's 31 characters and made unique."""
    seen: set[str] = set()
    out = []
    for name, table in named:
        candidate, number = name[:31], 2
        while candidate in seen:
            suffix = f"_{number}"
            candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
        seen.add(candidate)
        out.append((candidate, table))
    return out


def _breakdowns(selection: Selection) -> list[str]:
    asked = [_question_ids(questionnaire_for(w.version)) for w in selection.waves]
    return [q for q in BREAKDOWN_QUESTIONS if all(q in ids for ids in asked)]


def _asking(selection: Selection, question: str, names: dict[int, str]) -> list[str]:
    return [
        names[w.id]
        for w in selection.waves
        if question in _question_ids(questionnaire_for(w.version))
    ]


def _question_ids(questionnaire: Questionnaire) -> set[str]:
    return {q.id for q in questionnaire.questions()}


def _option_order(questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Question id -> option codes in definition order (the order results show)."""
    return {q.id: tuple(o.code for o in q.options) for q in questionnaire.questions()}


def _closed_ids(questionnaire: Questionnaire) -> list[str]:
    return [q.id for q in questionnaire.questions() if q.is_closed]


def _naive(moment: Any) -> Any:
    return moment.replace(tzinfo=None) if getattr(moment, "tzinfo", None) else moment

"""Distributions of every closed question per wave: counts and percentages per option."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.disclosure import publish_percent, wave_question_patterns
from analysis.kpis import KpiDefinition
from analysis.responses import MULTI_SEPARATOR, RESPONSE_ID, WAVE, check_columns, encode

#: An option code: lower-case letters, digits and underscores (e.g. ``strongly_agree``).
CODE = re.compile(r"^[a-z0-9_]+$")
#: More distinct codes than this and a column is treated as free text, not closed.
MAX_OPTIONS = 60

METHOD = (
    "percentage of respondents who answered the question in the wave (don't know included); "
    "for multiple-choice questions the percentages can add up to more than 100"
)


@dataclass(frozen=True, slots=True)
class OptionCount:
    """One option of a question in one wave; ``None`` figures are withheld."""

    option: str
    count: int | None
    percent: float | None
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class QuestionDistribution:
    """How the respondents of one wave answered one closed question."""

    question: str
    wave: str
    #: ``None`` when withheld for publication (it would reveal a hidden count).
    answered: int | None
    multiple_choice: bool
    options: tuple[OptionCount, ...]


def closed_questions(responses: pd.DataFrame) -> tuple[str, ...]:
    """Columns whose answers all look like option codes (not free text).

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": [1, 2], "wave": ["a", "a"],
    ...                    "q": ["yes", "no;yes"], "comments": ["Too slow.", ""]})
    >>> closed_questions(df)
    ('q',)
    """
    known = responses.attrs.get("closed_questions")
    if known is not None:  # the product's download says which questions are closed
        return tuple(c for c in known if c in responses.columns)
    found = []
    for column in responses.columns:
        if column in (RESPONSE_ID, WAVE):
            continue
        labels = encode(responses[column]).labels
        codes = {c.strip() for label in labels for c in label.split(MULTI_SEPARATOR)}
        codes.discard("")
        if codes and len(codes) <= MAX_OPTIONS and all(CODE.match(c) for c in codes):
            found.append(str(column))
    return tuple(found)


def option_sequence(codes: Collection[str], order: Sequence[str] = ()) -> list[str]:
    """``codes`` in the order the definition lists them (``order``), never as text.

    Codes the definition does not list follow, whole numbers by value (a 0 to 10
    scale reads 0, 3, 5, 10, not 0, 10, 3, 5), then the rest alphabetically.

    Examples
    --------
    >>> option_sequence({"10", "0", "5", "3", "dont_know"})
    ['0', '3', '5', '10', 'dont_know']
    >>> option_sequence({"no", "yes", "not_sure"}, ("yes", "no", "not_sure"))
    ['yes', 'no', 'not_sure']
    """
    position = {code: i for i, code in enumerate(order)}
    return sorted(
        codes,
        key=lambda c: (
            position.get(c, len(position)),
            not c.isdigit(),
            int(c) if c.isdigit() else 0,
            c,
        ),
    )


def distributions(
    responses: pd.DataFrame,
    *,
    waves: Sequence[str],
    wave_index: npt.NDArray[np.int64],
    questions: Sequence[str] | None = None,
    option_order: Mapping[str, Sequence[str]] | None = None,
    publication: bool = False,
    source: str = "responses",
    kpis: Sequence[KpiDefinition] = (),
) -> tuple[QuestionDistribution, ...]:
    """Counts and percentages per option, per question and wave.

    ``wave_index`` gives each row's position in ``waves`` (``-1`` for other waves).
    With ``publication`` the disclosure rule (:mod:`analysis.disclosure`) decides
    what is hidden, together with the headlines of ``kpis`` (the same KPIs the
    wave's ``compare`` and ``trend`` publish), so no output reveals another's
    hidden cell.

    ``option_order`` gives a question's option codes in definition order; options
    are reported in that order (see :func:`option_sequence`).

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": [1, 2, 3], "wave": ["a"] * 3, "q": ["yes", "no", ""]})
    >>> d = distributions(df, waves=["a"], wave_index=np.zeros(3, dtype=np.int64))[0]
    >>> d.answered, [(o.option, o.count, o.percent) for o in d.options]
    (2, [('no', 1, 50.0), ('yes', 1, 50.0)])
    """
    columns = tuple(questions) if questions is not None else closed_questions(responses)
    check_columns(responses, columns, source=source)
    patterns = (
        [
            wave_question_patterns(
                responses, kpis, rows=np.flatnonzero(wave_index == w), questions=columns
            )
            for w in range(len(waves))
        ]
        if publication
        else []
    )
    found = []
    for question in columns:
        series = responses[question]
        encoded = encode(series)
        n_labels = len(encoded.labels)
        cell = np.where(
            (wave_index >= 0) & (encoded.codes >= 0), wave_index * n_labels + encoded.codes, -1
        )
        counts = np.bincount(cell[cell >= 0], minlength=len(waves) * n_labels).reshape(
            len(waves), -1
        )
        split = [
            [c.strip() for c in label.split(MULTI_SEPARATOR) if c.strip()]
            for label in encoded.labels
        ]
        options = option_sequence(
            {c for codes in split for c in codes}, (option_order or {}).get(question, ())
        )
        position = {option: i for i, option in enumerate(options)}
        # Unique answers -> options (a sparse 0/1 matrix, small: labels x options).
        membership = np.zeros((n_labels, len(options)), dtype=np.int64)
        for i, codes in enumerate(split):
            for code in codes:
                membership[i, position[code]] = 1
        per_option = counts @ membership
        multiple = any(len(codes) > 1 for codes in split)
        for w, wave in enumerate(waves):
            answered = int(counts[w].sum())
            hidden = np.zeros(len(options), dtype=bool)
            shown_total: int | None = answered
            if publication:
                pattern = patterns[w][question]
                hidden = np.array([o in pattern.hidden_options for o in options], dtype=bool)
                shown_total = None if pattern.hide_answered else answered
            rows = tuple(
                OptionCount(option, None, None, True)
                if hidden[i]
                else OptionCount(
                    option,
                    int(per_option[w, i]),
                    _share(int(per_option[w, i]), shown_total, publication=publication),
                )
                for i, option in enumerate(options)
            )
            found.append(QuestionDistribution(question, wave, shown_total, multiple, rows))
    return tuple(found)


def _share(count: int, answered: int | None, *, publication: bool) -> float | None:
    if not answered:
        return None
    share = count / answered * 100.0
    return publish_percent(share) if publication else share

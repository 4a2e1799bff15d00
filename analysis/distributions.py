"""Distributions of every closed question per wave: counts and percentages per option."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.responses import MULTI_SEPARATOR, RESPONSE_ID, WAVE, check_columns, encode
from analysis.suppression import protect_cells

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
    answered: int
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
) -> tuple[QuestionDistribution, ...]:
    """Counts and percentages per option, per question and wave.

    ``wave_index`` gives each row's position in ``waves`` (``-1`` for other waves).
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
            hidden = (
                _hidden(per_option[w], multiple=multiple)
                if publication
                else np.zeros(len(options), dtype=bool)
            )
            rows = tuple(
                OptionCount(option, None, None, True)
                if hidden[i]
                else OptionCount(
                    option,
                    int(per_option[w, i]),
                    float(per_option[w, i]) / answered * 100.0 if answered else None,
                )
                for i, option in enumerate(options)
            )
            found.append(QuestionDistribution(question, wave, answered, multiple, rows))
    return tuple(found)


def _hidden(counts: npt.NDArray[np.int64], *, multiple: bool) -> npt.NDArray[np.bool_]:
    if multiple:
        # Options of a multiple-choice question do not add up to a total, so only
        # primary suppression applies: there is nothing to subtract from.
        return (counts >= 1) & (counts <= 4)
    return protect_cells(counts)

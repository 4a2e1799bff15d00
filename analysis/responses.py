"""The responses table: checking it and turning its columns into integer codes.

One row per submitted response: ``response_id``, ``wave``, then one column per
question holding option codes (multiple choice joined with ``;``). Every column is
factorised once, and all later counting is ``numpy.bincount`` on the integer codes,
which is what lets a million rows be compared faster than pandas can read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.errors import AnalysisInputError
from analysis.kpis import KpiDefinition

RESPONSE_ID = "response_id"
WAVE = "wave"
NOT_STATED = "(not stated)"
#: Separator of the codes of a multiple-choice answer.
MULTI_SEPARATOR = ";"

IntArray = npt.NDArray[np.int64]

POSITIVE = 1
NOT_POSITIVE = 0
OUT_OF_BASE = -1


@dataclass(frozen=True, slots=True)
class Encoded:
    """A column as integer codes (``-1`` = no answer) and the label of each code."""

    codes: IntArray
    labels: tuple[str, ...]


def check_table(responses: pd.DataFrame, *, source: str) -> None:
    """Fail with a clear message unless ``responses`` has rows and the two fixed columns.

    Examples
    --------
    >>> check_table(pd.DataFrame({"response_id": [1], "wave": ["2024"]}), source="x.csv")
    """
    if responses.shape[1] == 0:
        raise AnalysisInputError(f"{source}: the file is empty (no header row)")
    for column in (RESPONSE_ID, WAVE):
        if column not in responses.columns:
            raise AnalysisInputError(f"{source}: missing column {column!r}")
    if len(responses) == 0:
        raise AnalysisInputError(f"{source}: no responses (the table has a header but no rows)")


def check_columns(responses: pd.DataFrame, columns: Sequence[str], *, source: str) -> None:
    """Fail naming the first of ``columns`` that the table does not have.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"a": [1]}), ["b"], source="x.csv")
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisInputError: x.csv: missing column 'b'
    """
    for column in columns:
        if column not in responses.columns:
            raise AnalysisInputError(f"{source}: missing column {column!r}")


def encode(series: pd.Series, rows: IntArray | None = None) -> Encoded:
    """Factorise a column (only ``rows``, if given); blanks and missing become ``-1``.

    Examples
    --------
    >>> e = encode(pd.Series(["agree", "", None, "agree", " no "]))
    >>> e.codes.tolist(), e.labels
    ([0, -1, -1, 0, 1], ('agree', 'no'))
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        raw_codes = series.cat.codes.to_numpy(dtype=np.int64)
        raw_codes = raw_codes if rows is None else raw_codes[rows]
        raw_labels = [str(label) for label in series.cat.categories]
    else:
        # Factorising the plain object array is about a third faster than the Series.
        values = series.to_numpy(dtype=object) if series.dtype != np.int64 else series.to_numpy()
        values = values if rows is None else values[rows]
        factor_codes, uniques = pd.factorize(values, use_na_sentinel=True)
        raw_codes = np.asarray(factor_codes, dtype=np.int64)
        raw_labels = [_label(label) for label in uniques]
    # Labels that differ only by surrounding spaces, or are blank, are merged here,
    # on the few unique values rather than on every row.
    cleaned = [label.strip() for label in raw_labels]
    labels = sorted({label for label in cleaned if label})
    position = {label: i for i, label in enumerate(labels)}
    remap = np.array([position.get(label, -1) for label in cleaned] + [-1], dtype=np.int64)
    return Encoded(codes=remap[raw_codes], labels=tuple(labels))


def encode_waves(responses: pd.DataFrame, waves: Sequence[str], *, source: str) -> IntArray:
    """Index of each row's wave in ``waves``, ``-1`` for rows of other waves.

    Raises
    ------
    AnalysisInputError
        Naming the unknown wave and the waves the file has.

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": [1, 2, 3], "wave": ["2023", "2024", "2025"]})
    >>> encode_waves(df, ["2023", "2025"], source="x").tolist()
    [0, -1, 1]
    """
    encoded = encode(responses[WAVE])
    for wave in waves:
        if wave not in encoded.labels:
            known = ", ".join(repr(label) for label in encoded.labels)
            raise AnalysisInputError(f"{source}: unknown wave {wave!r} (the file has {known})")
    order = {wave: i for i, wave in enumerate(waves)}
    remap = np.array([order.get(label, -1) for label in encoded.labels] + [-1], dtype=np.int64)
    return remap[encoded.codes]


def waves_in_order(responses: pd.DataFrame) -> tuple[str, ...]:
    """Waves in order of first appearance in the table.

    Examples
    --------
    >>> waves_in_order(pd.DataFrame({"wave": ["b", "a", "b"]}))
    ('b', 'a')
    """
    labels = (_label(value).strip() for value in pd.unique(responses[WAVE]) if pd.notna(value))
    return tuple(dict.fromkeys(label for label in labels if label))


def encode_groups(
    responses: pd.DataFrame, column: str, *, source: str, rows: IntArray | None = None
) -> Encoded:
    """Group codes for a breakdown column; no answer becomes the last group, "(not stated)".

    Examples
    --------
    >>> e = encode_groups(pd.DataFrame({"phase": ["primary", "", "early"]}), "phase", source="x")
    >>> e.codes.tolist(), e.labels
    ([1, 2, 0], ('early', 'primary', '(not stated)'))
    """
    check_columns(responses, [column], source=source)
    encoded = encode(responses[column], rows)
    codes = np.where(encoded.codes < 0, len(encoded.labels), encoded.codes)
    return Encoded(codes=codes, labels=(*encoded.labels, NOT_STATED))


def classify_answers(
    responses: pd.DataFrame, kpi: KpiDefinition, *, source: str, rows: IntArray | None = None
) -> IntArray:
    """Per row: 1 positive, 0 in the base but not positive, -1 out of the base.

    With ``rows``, only those rows are read (and checked), in that order.
    A multiple-choice answer is positive when any chosen code is positive and out of
    the base only when every chosen code is excluded.

    Raises
    ------
    AnalysisInputError
        When the question column is missing, or holds a code that is not in the KPI
        definition (see :meth:`KpiDefinition.valid_codes`); names row and response_id.

    Examples
    --------
    >>> from analysis.kpis import KpiDefinition
    >>> kpi = KpiDefinition(id="k", title="T", question="q", positive=("agree",))
    >>> df = pd.DataFrame({"response_id": [1, 2, 3, 4], "wave": ["w"] * 4,
    ...                    "q": ["agree", "disagree", "dont_know", ""]})
    >>> classify_answers(df, kpi, source="x").tolist()
    [1, 0, -1, -1]
    """
    check_columns(responses, [kpi.question], source=source)
    encoded = encode(responses[kpi.question], rows)
    valid = kpi.valid_codes()
    positive = set(kpi.positive)
    excluded = set(kpi.exclude)
    classes: list[int] = []
    for index, label in enumerate(encoded.labels):
        chosen = [code.strip() for code in label.split(MULTI_SEPARATOR) if code.strip()]
        if valid is not None:
            unknown = [code for code in chosen if code not in valid]
            if unknown:
                _raise_unknown_code(
                    responses, encoded, index, unknown[0], kpi=kpi, source=source, rows=rows
                )
        if any(code in positive for code in chosen):
            classes.append(POSITIVE)
        elif all(code in excluded for code in chosen):
            classes.append(OUT_OF_BASE)
        else:
            classes.append(NOT_POSITIVE)
    lookup = np.array([*classes, OUT_OF_BASE], dtype=np.int64)
    return lookup[encoded.codes]


def _raise_unknown_code(
    responses: pd.DataFrame,
    encoded: Encoded,
    index: int,
    code: str,
    *,
    kpi: KpiDefinition,
    source: str,
    rows: IntArray | None,
) -> None:
    position = int(np.flatnonzero(encoded.codes == index)[0])
    position = position if rows is None else int(rows[position])
    response_id = responses[RESPONSE_ID].iloc[position]
    raise AnalysisInputError(
        f"{source}: row {position + 1} (response_id {response_id}): column {kpi.question!r}: "
        f"code {code!r} is not an option of KPI {kpi.id!r}"
    )


def _label(value: object) -> str:
    # Numbers read from a CSV keep the look they had there: 2023, not 2023.0.
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)

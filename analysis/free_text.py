"""Free-text themes per wave from a codeframe, with change, sentiment and redacted quotes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.breakdowns import slice_counts
from analysis.codeframe import Theme, load_codeframe
from analysis.errors import AnalysisInputError
from analysis.estimates import CellCounts, Change, changes
from analysis.redaction import METHOD as REDACTION_METHOD
from analysis.redaction import redact
from analysis.responses import (
    RESPONSE_ID,
    check_columns,
    check_table,
    encode_waves,
    waves_in_order,
)
from analysis.sentiment import METHOD as SENTIMENT_METHOD
from analysis.sentiment import SentimentDistribution, sentiment_distribution

THEME_METHOD = (
    "a comment counts towards a theme when it contains any keyword or phrase of the theme "
    "(case-insensitive, whole words); percentages are of non-empty comments in the wave; "
    "change between the first and last wave uses the Newcombe interval and the z-test "
    "(Fisher's exact test for small expected counts)"
)


@dataclass(frozen=True, slots=True)
class ThemeCount:
    """One theme in one wave."""

    theme: str
    label: str
    wave: str
    comments: int
    mentions: int
    percent: float | None


@dataclass(frozen=True, slots=True)
class ThemeChange:
    """A theme's change in share of comments (points) between the first and last wave.

    ``movement`` is "mentioned more", "mentioned less", "no significant change" or
    "insufficient data": more mentions of a theme is not in itself good or bad.
    """

    theme: str
    label: str
    change_pp: float | None
    change_ci_low: float | None
    change_ci_high: float | None
    test: str | None
    p_value: float | None
    significant: bool | None
    movement: str


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """The result of :func:`themes`."""

    column: str
    waves: tuple[str, ...]
    counts: tuple[ThemeCount, ...]
    changes: tuple[ThemeChange, ...]
    sentiment: tuple[SentimentDistribution, ...]
    quotes: tuple[tuple[str, tuple[str, ...]], ...]
    method: dict[str, str]
    #: Comments whose themes an officer set by hand (they override the keywords).
    corrected: int = 0


def themes(
    responses: pd.DataFrame,
    *,
    column: str,
    waves: Sequence[str] = (),
    codeframe: str | Path | Mapping[str, Any] | Sequence[Theme] | None = None,
    quotes_per_theme: int = 3,
    overrides: Mapping[Any, Collection[str]] | None = None,
    source: str = "responses",
) -> ThemeReport:
    """Theme counts per wave, change, sentiment distribution and redacted example quotes.

    Parameters
    ----------
    column
        The free-text column.
    waves
        Waves in order (default: order of first appearance); change is last minus first.
    codeframe
        Path or mapping of a codeframe YAML, a sequence of :class:`Theme`, or ``None``
        for the default SEND codeframe.
    overrides
        ``response_id`` -> the theme codes an officer gave that comment by hand. They
        replace the keyword coding of that comment (an empty collection: no theme).

    Raises
    ------
    AnalysisInputError
        Missing column, unknown wave, or an override naming a theme the codeframe
        does not have.

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": [1, 2], "wave": ["2024", "2024"],
    ...                    "comments": ["We waited far too long for the EHC plan.", ""]})
    >>> r = themes(df, column="comments")
    >>> [(c.theme, c.mentions) for c in r.counts if c.mentions]
    [('waiting_times', 1), ('ehc_plan_process', 1)]
    """
    check_table(responses, source=source)
    check_columns(responses, [column], source=source)
    order = tuple(waves) or waves_in_order(responses)
    wave_index = encode_waves(responses, order, source=source)
    frame = _as_themes(codeframe)
    if quotes_per_theme < 0:
        raise AnalysisInputError("quotes_per_theme must be 0 or more")
    text = responses[column].fillna("").astype(str).str.strip()
    has_text = (text != "").to_numpy() & (wave_index >= 0)
    cell = np.where(has_text, wave_index, -1)
    comments = np.bincount(cell[cell >= 0], minlength=len(order))
    counts: list[ThemeCount] = []
    found: list[ThemeChange] = []
    quotes: list[tuple[str, tuple[str, ...]]] = []
    latest = has_text & (wave_index == len(order) - 1)
    corrected_rows, corrected_themes = _corrections(
        responses, overrides or {}, frame, has_text=has_text, source=source
    )
    for theme in frame:
        hits = text.str.contains(theme.pattern(), regex=True).to_numpy(dtype=bool) & has_text
        hits[corrected_rows] = [theme.theme in given for given in corrected_themes]
        mentions = np.bincount(cell[hits], minlength=len(order))
        for w, wave in enumerate(order):
            share = mentions[w] / comments[w] * 100.0 if comments[w] else None
            counts.append(
                ThemeCount(
                    theme.theme, theme.label, wave, int(comments[w]), int(mentions[w]), share
                )
            )
        if len(order) >= 2:
            cells = CellCounts(
                base=comments.astype(np.int64),
                positive=mentions.astype(np.int64),
                proportion=np.divide(
                    mentions, comments, out=np.zeros(len(order)), where=comments > 0
                ),
                effective_base=comments.astype(np.float64),
            )
            change = changes(
                baseline=slice_counts(cells, 0, 1),
                follow_up=slice_counts(cells, len(order) - 1, len(order)),
                higher_is_better=True,
            )[0]
            found.append(_theme_change(theme, change))
        examples = text[hits & latest].drop_duplicates().head(quotes_per_theme)
        quotes.append((theme.theme, tuple(redact(q) for q in examples)))
    sentiment = tuple(
        sentiment_distribution(text[has_text & (wave_index == w)].tolist(), wave=wave)
        for w, wave in enumerate(order)
    )
    method = {
        "themes": THEME_METHOD
        + (
            f"; {len(corrected_rows)} comments coded by hand by an officer instead"
            if len(corrected_rows)
            else ""
        ),
        "sentiment": SENTIMENT_METHOD,
        "quotes": REDACTION_METHOD + f"; up to {quotes_per_theme} per theme from the last wave",
    }
    return ThemeReport(
        column,
        order,
        tuple(counts),
        tuple(found),
        sentiment,
        tuple(quotes),
        method,
        corrected=len(corrected_rows),
    )


def comment_themes(
    text: str,
    *,
    codeframe: str | Path | Mapping[str, Any] | Sequence[Theme] | None = None,
) -> tuple[str, ...]:
    """The theme codes the keyword coding gives one comment, in codeframe order.

    Examples
    --------
    >>> comment_themes("We waited far too long for the EHC plan.")
    ('waiting_times', 'ehc_plan_process')
    """
    return tuple(theme.theme for theme in _as_themes(codeframe) if theme.pattern().search(text))


def _corrections(
    responses: pd.DataFrame,
    overrides: Mapping[Any, Collection[str]],
    frame: Sequence[Theme],
    *,
    has_text: np.ndarray[Any, np.dtype[np.bool_]],
    source: str,
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], list[frozenset[str]]]:
    """Rows (with text) whose themes were set by hand, and the themes set for each."""
    known = {theme.theme for theme in frame}
    for response_id, given in overrides.items():
        unknown = sorted(set(given) - known)
        if unknown:
            raise AnalysisInputError(
                f"{source}: response_id {response_id}: theme {unknown[0]!r} is not in the codeframe"
            )
    if not overrides:
        return np.zeros(0, dtype=np.int64), []
    ids = responses[RESPONSE_ID]
    rows = np.flatnonzero(ids.isin(list(overrides)).to_numpy(dtype=bool) & has_text)
    given_themes = [frozenset(overrides[ids.iloc[row]]) for row in rows]
    return rows.astype(np.int64), given_themes


def _theme_change(theme: Theme, change: Change) -> ThemeChange:
    if change.significant is None:
        movement = "insufficient data"
    elif not change.significant or not change.change_pp:
        movement = "no significant change"
    else:
        movement = "mentioned more" if change.change_pp > 0 else "mentioned less"
    return ThemeChange(
        theme.theme,
        theme.label,
        change.change_pp,
        change.change_ci_low,
        change.change_ci_high,
        change.test,
        change.p_value,
        change.significant,
        movement,
    )


def _as_themes(
    codeframe: str | Path | Mapping[str, Any] | Sequence[Theme] | None,
) -> tuple[Theme, ...]:
    if isinstance(codeframe, Sequence) and not isinstance(codeframe, str):
        return tuple(codeframe)
    return load_codeframe(codeframe)

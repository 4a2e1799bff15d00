"""Optional weighting: raking respondents to population margins, with a weight cap.

Margins come from officers as CSV ``column,category,population`` (e.g. the number
of children with an EHC plan in each age phase). Each wave is raked separately
(iterative proportional fitting); weights are scaled to a mean of 1 within each
wave and capped. Intervals and tests then use the Kish effective sample size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.errors import AnalysisInputError
from analysis.responses import check_columns, encode

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_CAP: Final[float] = 5.0
MAX_ITERATIONS: Final[int] = 200
TOLERANCE: Final[float] = 1e-6
#: A weighted share further than this (percentage points) from the population share
#: is a weighting problem: the weighted figures do not represent the population.
MARGIN_TOLERANCE_PP: Final[float] = 0.5


class WeightingProblem(AnalysisInputError):
    """Raking failed (see :attr:`WaveWeighting.problems`) and nobody accepted it."""


@dataclass(frozen=True, slots=True)
class PopulationMargins:
    """Known population counts: ``counts[column][category] = population``."""

    counts: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    source: str = "margins"

    def columns(self) -> tuple[str, ...]:
        """The grouping columns that have margins."""
        return tuple(column for column, _ in self.counts)

    def for_column(self, column: str) -> dict[str, float]:
        """Population by category for one column."""
        return dict(dict(self.counts)[column])


@dataclass(frozen=True, slots=True)
class WaveWeighting:
    """What weighting did to one wave: Kish effective size, design effect, extremes."""

    wave: str
    respondents: int
    effective_sample_size: float
    design_effect: float
    min_weight: float
    max_weight: float
    capped: int
    iterations: int
    converged: bool
    notes: tuple[str, ...]
    #: Largest distance (percentage points) of a weighted share from its population share.
    max_margin_gap_pp: float = 0.0
    #: What went wrong: non-convergence, a binding cap, an empty margin category,
    #: a margin missed by more than :data:`MARGIN_TOLERANCE_PP`.
    problems: tuple[str, ...] = ()


def load_margins(path: str | Path) -> PopulationMargins:
    """Read population margins from a CSV with columns ``column,category,population``.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("column,category,population\\nphase,primary,600\\nphase,secondary,400\\n")
    >>> load_margins(f.name).for_column("phase")
    {'primary': 600.0, 'secondary': 400.0}
    >>> os.unlink(f.name)
    """
    where = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise AnalysisInputError(f"{where}: file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AnalysisInputError(f"{where}: cannot read CSV: {exc}") from None
    return parse_margins(frame, source=where)


def parse_margins(frame: pd.DataFrame, *, source: str) -> PopulationMargins:
    """Validate a margins table; rows are numbered from 1 after the header.

    Examples
    --------
    >>> t = pd.DataFrame({"column": ["phase"], "category": ["early"], "population": ["x"]})
    >>> parse_margins(t, source="m.csv")
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisInputError: m.csv: row 1: population 'x' is not a positive number
    """
    check_columns(frame, ["column", "category", "population"], source=source)
    if frame.empty:
        raise AnalysisInputError(f"{source}: no margins (header but no rows)")
    counts: dict[str, dict[str, float]] = {}
    for row, (column, category, population) in enumerate(
        zip(frame["column"], frame["category"], frame["population"], strict=True), start=1
    ):
        try:
            number = float(population)
        except (TypeError, ValueError):
            number = float("nan")
        if not number > 0 or not np.isfinite(number):
            raise AnalysisInputError(
                f"{source}: row {row}: population {population!r} is not a positive number"
            )
        column_text, category_text = str(column).strip(), str(category).strip()
        if not column_text or not category_text:
            raise AnalysisInputError(f"{source}: row {row}: column and category are required")
        if category_text in counts.setdefault(column_text, {}):
            raise AnalysisInputError(
                f"{source}: row {row}: duplicate category {category_text!r} for {column_text!r}"
            )
        counts[column_text][category_text] = number
    return PopulationMargins(
        counts=tuple((c, tuple(cats.items())) for c, cats in counts.items()), source=source
    )


def rake(
    responses: pd.DataFrame,
    margins: PopulationMargins,
    *,
    wave_index: IntArray,
    waves: Sequence[str],
    cap: float = DEFAULT_CAP,
    source: str = "responses",
) -> tuple[FloatArray, tuple[WaveWeighting, ...]]:
    """Rake each wave to the margins; return one weight per row (0 outside ``waves``).

    A respondent with no answer for a margin column keeps their weight on that
    margin, and the margin is applied to those who answered. Weights are scaled to a
    mean of 1 within each wave and kept between ``1/cap`` and ``cap``.

    Examples
    --------
    >>> df = pd.DataFrame({"wave": ["w"] * 4, "phase": ["a", "a", "a", "b"]})
    >>> m = PopulationMargins(counts=(("phase", (("a", 50.0), ("b", 50.0))),))
    >>> w, summary = rake(df, m, wave_index=np.zeros(4, dtype=np.int64), waves=["w"])
    >>> [round(x, 3) for x in w.tolist()], round(summary[0].design_effect, 3)
    ([0.667, 0.667, 0.667, 2.0], 1.333)
    """
    check_cap(cap)
    check_columns(responses, list(margins.columns()), source=source)
    n_waves = len(waves)
    active = wave_index >= 0
    margin_codes = [
        _margin_codes(responses, margins, column, source=source) for column in margins.columns()
    ]
    weights = np.where(active, 1.0, 0.0)
    notes: list[list[str]] = [[] for _ in waves]
    problems: list[list[str]] = [[] for _ in waves]
    targets = []
    for (codes, shares_population), column in zip(margin_codes, margins.columns(), strict=True):
        present = np.bincount(
            (wave_index * len(shares_population) + codes)[active & (codes >= 0)],
            minlength=n_waves * len(shares_population),
        ).reshape(n_waves, -1)
        shares = np.where(present > 0, shares_population, 0.0)
        for w in range(n_waves):
            if not present[w].any():
                problems[w].append(f"no respondent answered {column}: its margin cannot be applied")
                continue
            for c in np.flatnonzero((present[w] == 0) & (shares_population > 0)):
                category = list(margins.for_column(column))[c]
                problems[w].append(
                    f"no respondents in {column}={category} (empty margin category): its share "
                    "of the population cannot be met"
                )
        totals = shares.sum(axis=1, keepdims=True)
        # A wave where nobody answered the column keeps its weights on that margin.
        targets.append(np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0))
    raked = [
        _Margin(codes, share, wave_index, active)
        for (codes, _), share in zip(margin_codes, targets, strict=True)
    ]
    converged = np.zeros(n_waves, dtype=np.bool_)
    sweeps = np.full(n_waves, MAX_ITERATIONS, dtype=np.int64)
    for iteration in range(1, MAX_ITERATIONS + 1):
        for margin in raked:
            weights = margin.adjust(weights)
        weights = _normalise_and_cap(weights, wave_index=wave_index, n_waves=n_waves, cap=cap)
        gaps = [margin.gap(weights) for margin in raked]
        worst = np.max(np.vstack(gaps), axis=0) if gaps else np.zeros(n_waves)
        newly = (worst < TOLERANCE) & ~converged
        sweeps[newly] = iteration
        converged = converged | newly
        if converged.all():
            break
    # How far each wave is from the population itself (not the respondents' categories).
    missed = [
        _Margin(
            codes, np.broadcast_to(population, (n_waves, len(population))), wave_index, active
        ).gap(weights)
        for codes, population in margin_codes
    ]
    gap_pp = (np.max(np.vstack(missed), axis=0) if missed else np.zeros(n_waves)) * 100.0
    summaries = tuple(
        _summary(
            weights,
            wave_index == w,
            wave=wave,
            cap=cap,
            iterations=int(sweeps[w]),
            converged=bool(converged[w]),
            notes=notes[w],
            gap_pp=float(gap_pp[w]),
            problems=problems[w],
        )
        for w, wave in enumerate(waves)
    )
    return weights, summaries


def check_cap(cap: float) -> None:
    """Refuse a weight cap that is not a finite number above 1.

    Examples
    --------
    >>> check_cap(float("nan"))
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisInputError: weight cap must be a finite number above 1, got nan
    """
    if isinstance(cap, bool) or not math.isfinite(cap) or cap <= 1:
        raise AnalysisInputError(f"weight cap must be a finite number above 1, got {cap}")


def refuse_problems(summaries: Sequence[WaveWeighting], *, source: str) -> None:
    """Raise :class:`WeightingProblem` naming the first wave whose weighting failed."""
    for summary in summaries:
        if summary.problems:
            raise WeightingProblem(
                f"{source}: weighting failed for wave {summary.wave!r}: "
                f"{'; '.join(summary.problems)}. Check the margins, or accept the problems "
                "explicitly (--accept-weighting-problems) and every output will say so"
            )


def weighting_caveat(summaries: Sequence[WaveWeighting]) -> str:
    """The sentence every output carries when weighting problems were accepted ("" if none).

    Examples
    --------
    >>> weighting_caveat(())
    ''
    """
    failed = [s.wave for s in summaries if s.problems]
    if not failed:
        return ""
    return (
        f"Caution: weighting failed for {', '.join(failed)} and the officer accepted it; the "
        "weighted figures may not represent the population (see the weighting table)."
    )


def kish_effective_size(weights: npt.ArrayLike) -> float:
    """Kish effective sample size ``(sum w)^2 / sum w^2``.

    Examples
    --------
    >>> kish_effective_size([1, 1, 1, 3])
    3.0
    """
    w = np.asarray(weights, dtype=np.float64)
    squares = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / squares if squares > 0 else 0.0


def _margin_codes(
    responses: pd.DataFrame, margins: PopulationMargins, column: str, *, source: str
) -> tuple[IntArray, FloatArray]:
    population = margins.for_column(column)
    categories = list(population)
    encoded = encode(responses[column])
    unknown = [label for label in encoded.labels if label not in population]
    if unknown:
        row = int(np.flatnonzero(encoded.codes == encoded.labels.index(unknown[0]))[0])
        raise AnalysisInputError(
            f"{source}: row {row + 1}: column {column!r}: category {unknown[0]!r} has no "
            f"population in {margins.source}"
        )
    remap = np.array([categories.index(label) for label in encoded.labels] + [-1], dtype=np.int64)
    values = np.array([population[c] for c in categories], dtype=np.float64)
    return remap[encoded.codes], values / values.sum()


@dataclass(frozen=True, slots=True)
class _Margin:
    """One margin of the raking: each row's category code (-1: not known) and the
    share each wave should have of each category, for the rows of ``active`` waves."""

    codes: IntArray
    share: FloatArray
    wave_index: IntArray
    active: npt.NDArray[np.bool_]

    def _cells(self, weights: FloatArray) -> tuple[npt.NDArray[np.bool_], IntArray, FloatArray]:
        """The rows with a known category, each one's (wave, category) cell in a flat
        wave-by-category table, and the table's weighted counts (flat)."""
        n_waves, n_categories = self.share.shape
        known = self.active & (self.codes >= 0)
        cell = self.wave_index[known] * n_categories + self.codes[known]
        current = np.bincount(cell, weights=weights[known], minlength=n_waves * n_categories)
        return known, cell, np.asarray(current, dtype=np.float64)

    def adjust(self, weights: FloatArray) -> FloatArray:
        """``weights`` scaled so that each wave meets this margin's shares."""
        known, cell, current = self._cells(weights)
        total = current.reshape(self.share.shape).sum(axis=1, keepdims=True)
        wanted = (self.share * total).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(current > 0, wanted / current, 1.0)
        adjusted = weights.copy()
        adjusted[known] = weights[known] * factor[cell]
        return adjusted

    def gap(self, weights: FloatArray) -> FloatArray:
        """Per wave, the largest difference between a weighted share and its target."""
        current = self._cells(weights)[2].reshape(self.share.shape)
        total = np.maximum(current.sum(axis=1, keepdims=True), 1e-300)
        return np.asarray(np.abs(current / total - self.share).max(axis=1), dtype=np.float64)


def _normalise_and_cap(
    weights: FloatArray, *, wave_index: IntArray, n_waves: int, cap: float
) -> FloatArray:
    active = wave_index >= 0
    index = wave_index[active]
    for _ in range(20):
        mean = np.bincount(index, weights=weights[active], minlength=n_waves) / np.maximum(
            np.bincount(index, minlength=n_waves), 1
        )
        scaled = weights.copy()
        scaled[active] = weights[active] / mean[index]
        clipped = scaled.copy()
        clipped[active] = np.clip(scaled[active], 1.0 / cap, cap)
        if np.allclose(clipped, scaled):
            return clipped
        weights = clipped
    return weights


def _summary(
    weights: FloatArray,
    rows: npt.NDArray[np.bool_],
    *,
    wave: str,
    cap: float,
    iterations: int,
    converged: bool,
    notes: list[str],
    gap_pp: float,
    problems: list[str],
) -> WaveWeighting:
    w = weights[rows]
    n = int(rows.sum())
    effective = kish_effective_size(w)
    at_cap = int(np.sum(np.isclose(w, cap) | np.isclose(w, 1.0 / cap)))
    found = list(problems)
    if not converged:
        found.append(
            f"raking did not converge in {iterations} sweeps"
            + (
                f" with {at_cap} weights held at the cap of {cap:g} (binding weight cap)"
                if at_cap
                else " (the margins may contradict each other)"
            )
        )
    if gap_pp > MARGIN_TOLERANCE_PP:
        found.append(
            f"weighted shares miss the population margins by up to {gap_pp:.1f} points "
            f"(tolerance {MARGIN_TOLERANCE_PP:g})"
        )
    return WaveWeighting(
        wave=wave,
        respondents=n,
        effective_sample_size=effective,
        design_effect=n / effective if effective > 0 else float("nan"),
        min_weight=float(w.min()) if n else float("nan"),
        max_weight=float(w.max()) if n else float("nan"),
        capped=at_cap,
        iterations=iterations,
        converged=converged,
        notes=tuple(notes),
        max_margin_gap_pp=gap_pp,
        problems=tuple(found),
    )

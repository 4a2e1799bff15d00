"""Builders of small response tables for the analysis tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from analysis import KpiDefinition, Target, TargetRule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analysis"

YES_NO = KpiDefinition(
    id="k",
    title="Feel listened to",
    question="q",
    positive=("yes",),
    exclude=("dont_know",),
    options=("yes", "no", "dont_know"),
)


def kpi(
    *,
    higher_is_better: bool = True,
    target: tuple[str, float] | None = None,
    short_title: str | None = None,
) -> KpiDefinition:
    """A yes/no KPI on question ``q`` with an optional target."""
    return KpiDefinition(
        id="k",
        title="Feel listened to",
        question="q",
        positive=("yes",),
        exclude=("dont_know",),
        higher_is_better=higher_is_better,
        target=Target(TargetRule(target[0]), target[1]) if target else None,
        short_title=short_title,
        options=("yes", "no", "dont_know"),
    )


def responses(
    counts: Mapping[str, tuple[int, int]],
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    dont_know: int = 0,
) -> pd.DataFrame:
    """A table with ``positive`` "yes" and ``base - positive`` "no" answers per wave.

    ``counts`` maps wave to ``(positive, base)``. ``groups`` optionally maps a
    column name to one label per row of each wave, cycled.
    """
    waves: list[str] = []
    answers: list[str] = []
    for wave, (positive, base) in counts.items():
        waves += [wave] * (base + dont_know)
        answers += ["yes"] * positive + ["no"] * (base - positive) + ["dont_know"] * dont_know
    frame = pd.DataFrame({"response_id": range(1, len(waves) + 1), "wave": waves, "q": answers})
    for column, labels in (groups or {}).items():
        frame[column] = [labels[i % len(labels)] for i in range(len(frame))]
    return frame

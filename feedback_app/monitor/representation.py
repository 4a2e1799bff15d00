"""Who is responding compared with who lives in the area, and small-count display.

The rules, in one place:

- Every count from 1 to 4 is shown as "fewer than 5" (0 shows as 0), so a family
  in a small group cannot be picked out. A share worked out from such a count is
  not shown either, because it would give the count away.
- Shares are of the "base": the options that describe a group, leaving out
  "Don't know" and "Prefer not to say" (``exclude_from_base``).
- A group is **under-represented** when its share of responses is less than 0.8 of
  its share of the population (representation ratio below 0.8), e.g. 20% of
  families but fewer than 16% of responses. 0.8 is the "four-fifths" rule of
  thumb used to spot adverse impact: loose enough not to flag ordinary noise
  once a few dozen people have answered, tight enough to catch a group being
  missed while there is still time to reach it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Counts below this (and above 0) are never shown exactly.
SMALL_COUNT = 5
#: Share of responses / share of population below this: under-represented.
UNDER_REPRESENTED_RATIO = 0.8


def is_small(count: int) -> bool:
    """True for counts that must not be shown exactly (1 to 4)."""
    return 0 < count < SMALL_COUNT


@dataclass(frozen=True)
class GroupOption:
    """One option of a group question, as the monitor needs it."""

    code: str
    label: str
    in_base: bool


@dataclass(frozen=True)
class GroupRow:
    """One group's responses against its population."""

    code: str
    label: str
    responses: int
    in_base: bool
    response_share: float | None
    population: int | None
    population_share: float | None
    under_represented: bool

    @property
    def small(self) -> bool:
        """True when the count (and its share) must be hidden."""
        return is_small(self.responses)


def representation(
    options: Sequence[GroupOption],
    responses: Mapping[str, int],
    populations: Mapping[str, int],
) -> list[GroupRow]:
    """One row per option: responses, shares and the under-representation flag."""
    base = [o for o in options if o.in_base]
    response_total = sum(responses.get(o.code, 0) for o in base)
    population_total = sum(populations.get(o.code, 0) for o in base if o.code in populations)
    rows = []
    for option in options:
        count = responses.get(option.code, 0)
        population = populations.get(option.code) if option.in_base else None
        response_share = count / response_total if option.in_base and response_total else None
        population_share = (
            population / population_total
            if population is not None and population_total > 0
            else None
        )
        under = (
            response_share is not None
            and population_share is not None
            and population_share > 0
            and response_share < UNDER_REPRESENTED_RATIO * population_share
        )
        rows.append(
            GroupRow(
                code=option.code,
                label=option.label,
                responses=count,
                in_base=option.in_base,
                response_share=response_share,
                population=population,
                population_share=population_share,
                under_represented=under,
            )
        )
    return rows

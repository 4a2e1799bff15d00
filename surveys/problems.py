"""What is wrong with a questionnaire or KPI file, said so a person can fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition file.

    ``where`` is a readable path inside the file, e.g.
    ``page "about_child" > question "plan_type" > options[1] > code``.
    """

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place}: {self.where}: {self.message}"


class QuestionnaireError(ValueError):
    """A definition could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid definition")

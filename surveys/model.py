"""What a questionnaire is: immutable definitions validated from YAML/JSON data.

Every piece of text here is an English message id; translations live in gettext
catalogs, so the same tools serve the interface and the questionnaire content.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

# Options and answer types are defined beside the answer type registry; they are
# re-exported here, where every definition object can be found.
from surveys.answer_types import AnswerType, AnswerTypeSpec, spec_of
from surveys.options import CODE_PATTERN, ID_PATTERN, Code, Frozen, Option

__all__ = [
    "CODE_PATTERN",
    "ID_PATTERN",
    "AnswerType",
    "AnswerValue",
    "Condition",
    "Frozen",
    "Option",
    "Page",
    "Question",
    "Questionnaire",
    "Route",
]

#: Routing and skip rules, in the shape the ONS questionnaire runner uses, e.g.
#: ``{"==": [{"answer": "plan_type"}, "ehcp"]}``. Operators are looked up in
#: ``surveys.routing.OPERATORS``; their shape is checked by ``surveys.checks``.
Condition = dict[str, Any]

#: A cleaned answer: an option code, a tuple of codes, a whole number, free text,
#: or a month as ``"YYYY-MM"``.
AnswerValue = str | int | tuple[str, ...]


class Question(Frozen):
    """One question. Closed types without explicit options get standard ones."""

    id: str = Field(pattern=ID_PATTERN, max_length=60)
    type: AnswerType
    text: str = Field(min_length=1)
    hint: str | None = None
    options: tuple[Option, ...] = ()
    optional: bool = False
    #: KPI ids (from the KPI bank) this question feeds.
    kpis: tuple[str, ...] = ()
    #: Who the question is for, e.g. "parents", "young_people", "ehcp_families".
    audience: str | None = None
    #: Face scales: 3 points for younger respondents, or 5.
    points: Literal[3, 5] | None = None
    #: Free text: the most characters accepted.
    max_length: int = Field(default=1200, ge=1, le=10000)
    #: Whole numbers: the range accepted (inclusive).
    min_value: int | None = None
    max_value: int | None = None
    #: Options supplied by the local area when the questionnaire is published
    #: (e.g. its list of localities) instead of by the file.
    area_options: Literal["localities"] | None = None
    #: Easy Read: a picture beside the question.
    picture: str | None = None
    #: Closed questions: the option codes counted as positive ("% positive" in the
    #: results). Unset: the answer type's default (agree and strongly agree, yes,
    #: the happy faces, 9 and 10); an empty list: no option is positive.
    positive: tuple[Code, ...] | None = None

    @model_validator(mode="after")
    def _standard_options(self) -> Question:
        # Standard scales are filled in here so every consumer sees one shape.
        spec = self.spec
        if self.points is None and spec.default_points is not None:
            object.__setattr__(self, "points", spec.default_points)
        if not self.options and spec.standard:
            object.__setattr__(self, "options", spec.standard_options(self.points))
        return self

    @property
    def spec(self) -> AnswerTypeSpec:
        """The answer type's registry entry (``surveys.answer_types``)."""
        return spec_of(self.type)

    @property
    def is_closed(self) -> bool:
        """True when answers are option codes."""
        return self.spec.closed

    @property
    def positive_codes(self) -> tuple[str, ...]:
        """The option codes counted as positive, in option order (may be none).

        The answer type's default applies only to the options the question has (a
        coordinator's own list on a "choose one" question has no default).
        """
        chosen = self.positive
        if chosen is None:
            chosen = self.spec.default_positive(self.points)
        return tuple(o.code for o in self.options if o.code in chosen)

    def option(self, code: str) -> Option | None:
        """The option with this code, or None."""
        return next((o for o in self.options if o.code == code), None)


class Route(Frozen):
    """Go to ``goto`` (a later page id, or ``"end"``) when ``when`` holds."""

    when: Condition | None = None
    goto: str


class Page(Frozen):
    """One page: usually one question; a few short related questions at most."""

    id: str = Field(pattern=ID_PATTERN, max_length=60)
    #: Heading for a page that groups several questions.
    title: str | None = None
    questions: tuple[Question, ...] = Field(min_length=1)
    #: Skip condition: the page is shown only when this holds.
    show_when: Condition | None = None
    #: Tried in order; the first whose ``when`` holds (or has none) decides.
    #: With no match, the next shown page in file order follows.
    routes: tuple[Route, ...] = ()


class Questionnaire(Frozen):
    """A whole questionnaire definition, as loaded from one file."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=80)
    title: str = Field(min_length=1)
    #: Who it is for, shown on the start page.
    description: str = Field(min_length=1)
    kind: Literal[
        "annual",
        "follow_up",
        "young_people",
        "milestone",
        "event",
        "professionals",
        "co_production",
        "always_on",
    ]
    estimated_minutes: int = Field(ge=1, le=120)
    #: Easy Read interface (larger text, pictures, face scales).
    easy_read: bool = False
    #: How answers are used and kept, shown on the start page.
    privacy_notice: str = Field(min_length=1)
    #: What happens next, shown on the confirmation page.
    next_steps: str = Field(min_length=1)
    first_page: str
    pages: tuple[Page, ...] = Field(min_length=1)

    def page(self, page_id: str) -> Page | None:
        """The page with this id, or None."""
        return next((p for p in self.pages if p.id == page_id), None)

    def questions(self) -> tuple[Question, ...]:
        """Every question, in file order."""
        return tuple(q for p in self.pages for q in p.questions)

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions() if q.id == question_id), None)

    def page_of(self, question_id: str) -> Page | None:
        """The page holding this question, or None."""
        return next((p for p in self.pages if any(q.id == question_id for q in p.questions)), None)

    def with_area_options(self, *, localities: tuple[tuple[str, str], ...]) -> Questionnaire:
        """A copy whose area-supplied option lists are filled in.

        ``localities`` is a tuple of ``(code, label)`` pairs from the local area.
        """
        pages = []
        for page in self.pages:
            questions = []
            for q in page.questions:
                if q.area_options == "localities":
                    options = tuple(Option(code=c, label=label) for c, label in localities)
                    options += tuple(o for o in q.options if o.exclude_from_base)
                    # Filled in: the published version is concrete, like any other list.
                    q = q.model_copy(update={"options": options, "area_options": None})
                questions.append(q)
            pages.append(page.model_copy(update={"questions": tuple(questions)}))
        return self.model_copy(update={"pages": tuple(pages)})

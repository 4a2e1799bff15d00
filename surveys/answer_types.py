"""Every answer type in one place: what it is, how its answers are cleaned, how it prints.

Adding an answer type means adding one ``AnswerTypeSpec`` to ``ANSWER_TYPES`` here
(and its rendering to ``feedback_app/respond/answer_types.py``); everything else
reads these entries instead of branching on the type. A test fails when a type
lacks an entry in either place.

Respondent-facing text (option labels, missing-answer messages) is marked ``N_``;
staff-facing text (designer and review names, paper instructions) is marked ``S_``,
which only the staff catalog extracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from surveys import answers
from surveys.i18n import N_, S_
from surveys.options import Option

if TYPE_CHECKING:  # surveys.model reads this registry, so it is imported for types only.
    from surveys.model import AnswerValue, Question

#: Cleans the strings posted for a question into an answer (None = unanswered).
Cleaner = Callable[["Question", list[str]], "AnswerValue | None"]
#: A printed tick box: its number on paper and the option it stands for.
NumberedOption = tuple[int, Option]


class AnswerType(StrEnum):
    """The kinds of answer a question can ask for; each has an entry in ``ANSWER_TYPES``."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    AGREEMENT = "agreement"
    YES_NO = "yes_no"
    FACE = "face"
    TEXT = "text"
    NUMBER = "number"
    MONTH_YEAR = "month_year"
    SCALE_0_10 = "scale_0_10"


class Setting(StrEnum):
    """What a coordinator can set in the designer beyond the words and the hint."""

    #: They write the list of answers.
    OWN_OPTIONS = "options"
    #: Face scales: 3 or 5 faces.
    POINTS = "points"
    #: Whole numbers: the smallest and largest accepted (``min_value``/``max_value``).
    RANGE = "range"
    #: Offer "Don't know" after an "or" divider.
    DONT_KNOW = "dont_know"


#: Question fields that belong to one setting; a question of a type without the
#: setting must leave them unset.
SETTING_FIELDS: Mapping[Setting, tuple[str, ...]] = {Setting.RANGE: ("min_value", "max_value")}


def numbered_in_order(question: Question) -> tuple[NumberedOption, ...]:
    """Boxes numbered 1, 2, 3... in the order the definition lists the options."""
    return tuple(enumerate(question.options, start=1))


def numbered_by_score(question: Question) -> tuple[NumberedOption, ...]:
    """Score options carry their own number (box 7 is a score of 7); others follow on."""
    numbered: list[NumberedOption] = []
    last = -1
    for option in question.options:
        last = int(option.code) if option.code.isdigit() else last + 1
        numbered.append((last, option))
    return tuple(numbered)


@dataclass(frozen=True)
class AnswerTypeSpec:
    """Everything the domain knows about one answer type."""

    type: AnswerType
    #: Answers are option codes.
    closed: bool
    #: Cleans posted strings into an answer; see ``surveys.answers``.
    clean: Cleaner
    #: The error when a required question is left unanswered (N_).
    missing: str
    #: The designer's name for the type, and a plain description under it (S_).
    name: str
    description: str
    #: The name on the review page ("Answer: ...") (S_).
    review_name: str
    #: The printed instruction ("Tick one box.") and the keying hint (S_).
    print_how: str
    key_how: str
    #: How the answer space is printed: tick boxes, lines to write on, a month and
    #: year, or digit boxes.
    paper_layout: Literal["options", "write", "month_year", "digits"] = "options"
    #: Several option codes may be chosen.
    several: bool = False
    #: Options left out of the base ("don't know") follow an "or" divider.
    divide_excluded: bool = False
    #: The answer is words a person wrote (themes, retention, personal data checks).
    free_text: bool = False
    #: Answers compare with <, <=, >, >= in conditions (numbers, months).
    ordered: bool = False
    #: What is keyed from paper splits into this many parts (month and year: 2).
    keyed_parts: int = 1
    #: Standard options, keyed by number of points (None when points do not apply).
    standard: Mapping[int | None, tuple[Option, ...]] = field(default_factory=dict)
    #: Designer settings the type takes.
    settings: frozenset[Setting] = frozenset()
    #: Box number beside each option on paper (and keyed back).
    numbering: Callable[[Question], tuple[NumberedOption, ...]] = numbered_in_order
    #: Extra checks on a question of this type: messages about its options.
    check: Callable[[Question], list[str]] | None = None
    #: Shows a stored answer in English words (months: "March 2025"); None: as stored.
    show: Callable[[str], str] | None = None
    #: Option codes counted as positive ("% positive" in results) when a question of
    #: this type does not say, keyed by number of points like ``standard``. A
    #: question's own ``positive`` list replaces them (an empty list: none).
    positive: Mapping[int | None, tuple[str, ...]] = field(default_factory=dict)

    def standard_options(self, points: int | None = None) -> tuple[Option, ...]:
        """The standard options for ``points`` (or the type's default list)."""
        return self.standard.get(points) or self.standard.get(None) or ()

    def default_positive(self, points: int | None = None) -> tuple[str, ...]:
        """The option codes counted as positive by default for ``points``."""
        return self.positive.get(points) or self.positive.get(None) or ()

    @property
    def default_points(self) -> int | None:
        """The number of points a question gets when it does not say (face scales: 5)."""
        points = [p for p in self.standard if p is not None]
        return max(points) if points else None


def _options(*rows: tuple[str, str, bool]) -> tuple[Option, ...]:
    return tuple(Option(code=c, label=label, exclude_from_base=x) for c, label, x in rows)


def _faces(*rows: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(
        Option(code=c, label=label, picture=f"face_{c}", exclude_from_base=c == "dont_know")
        for c, label in rows
    )


DONT_KNOW = Option(code="dont_know", label=N_("Don't know"), exclude_from_base=True)

#: A score from 0 to 10, labelled at both ends; the label is the number itself.
SCORES = tuple(
    Option(code=str(score), label=label, hint=hint)
    for score, label, hint in (
        (0, N_("0"), N_("Not at all likely")),
        (1, N_("1"), None),
        (2, N_("2"), None),
        (3, N_("3"), None),
        (4, N_("4"), None),
        (5, N_("5"), None),
        (6, N_("6"), None),
        (7, N_("7"), None),
        (8, N_("8"), None),
        (9, N_("9"), None),
        (10, N_("10"), N_("Extremely likely")),
    )
)


def _scores_then_excluded(question: Question) -> list[str]:
    """A 0 to 10 scale: the eleven scores in order, then only options left out of the base."""
    scores = [o.code for o in question.options if not o.exclude_from_base]
    if scores != [o.code for o in SCORES]:
        return ["a 0 to 10 scale has the scores 0 to 10 in order (then, if wanted, dont_know)"]
    if any(o.exclude_from_base for o in question.options[: len(SCORES)]):
        return ["options left out of the base (like dont_know) come after the scores"]
    return []


_CHOOSE_ONE = {
    "closed": True,
    "clean": answers.one_option,
    "print_how": N_("Tick one box."),
    "key_how": S_("Type the number of the ticked box"),
}

ANSWER_TYPES: Mapping[AnswerType, AnswerTypeSpec] = {
    spec.type: spec
    for spec in (
        AnswerTypeSpec(
            type=AnswerType.SINGLE,
            missing=N_("Select an answer to “%(question)s”"),
            name=S_("Choose one answer"),
            description=S_("A list of answers you write; people choose one."),
            review_name=S_("Choose one answer"),
            settings=frozenset({Setting.OWN_OPTIONS}),
            **_CHOOSE_ONE,  # type: ignore[arg-type]
        ),
        AnswerTypeSpec(
            type=AnswerType.MULTIPLE,
            closed=True,
            several=True,
            clean=answers.several_options,
            missing=N_("Select at least one option"),
            name=S_("Choose any answers that apply"),
            description=S_("A list of answers you write; people tick all that apply."),
            review_name=S_("Choose one or more answers"),
            print_how=N_("Tick all that apply."),
            key_how=S_("Type the number of every ticked box, like 1 3"),
            settings=frozenset({Setting.OWN_OPTIONS}),
        ),
        AnswerTypeSpec(
            type=AnswerType.AGREEMENT,
            missing=N_("Select an answer to “%(question)s”"),
            name=S_("How much do you agree"),
            description=S_(
                "Strongly agree, agree, neither, disagree, strongly disagree, don't know."
            ),
            review_name=S_("Agree or disagree scale"),
            standard={
                None: _options(
                    ("strongly_agree", N_("Strongly agree"), False),
                    ("agree", N_("Agree"), False),
                    ("neither", N_("Neither agree nor disagree"), False),
                    ("disagree", N_("Disagree"), False),
                    ("strongly_disagree", N_("Strongly disagree"), False),
                    ("dont_know", N_("Don't know"), True),
                )
            },
            positive={None: ("strongly_agree", "agree")},
            **_CHOOSE_ONE,  # type: ignore[arg-type]
        ),
        AnswerTypeSpec(
            type=AnswerType.YES_NO,
            missing=N_("Select yes or no"),
            name=S_("Yes or no"),
            description=S_("Yes, no, not sure."),
            review_name=S_("Yes or no"),
            standard={
                None: _options(
                    ("yes", N_("Yes"), False),
                    ("no", N_("No"), False),
                    ("not_sure", N_("Not sure"), True),
                )
            },
            positive={None: ("yes",)},
            **_CHOOSE_ONE,  # type: ignore[arg-type]
        ),
        AnswerTypeSpec(
            type=AnswerType.FACE,
            missing=N_("Select a face"),
            name=S_("Faces (Easy Read)"),
            description=S_('Very happy to very sad faces with words, and "I don\'t know".'),
            review_name=S_("Face scale"),
            standard={
                3: _faces(
                    ("happy", N_("Happy")),
                    ("ok", N_("OK")),
                    ("sad", N_("Sad")),
                    ("dont_know", N_("I don't know")),
                ),
                5: _faces(
                    ("very_happy", N_("Very happy")),
                    ("happy", N_("Happy")),
                    ("ok", N_("OK")),
                    ("sad", N_("Sad")),
                    ("very_sad", N_("Very sad")),
                    ("dont_know", N_("I don't know")),
                ),
            },
            positive={3: ("happy",), 5: ("very_happy", "happy")},
            settings=frozenset({Setting.POINTS}),
            **_CHOOSE_ONE,  # type: ignore[arg-type]
        ),
        AnswerTypeSpec(
            type=AnswerType.TEXT,
            closed=False,
            free_text=True,
            clean=answers.free_text,
            missing=N_("Enter your answer"),
            name=S_("Their own words"),
            description=S_("A box to write in."),
            review_name=S_("Free text"),
            print_how=N_("Write your answer in the box. Please do not write any names."),
            key_how=S_("Copy the words as written, leaving out any names"),
            paper_layout="write",
        ),
        AnswerTypeSpec(
            type=AnswerType.NUMBER,
            closed=False,
            clean=answers.whole_number,
            missing=N_("Enter a number"),
            name=S_("A whole number"),
            description=S_("For example, how many professionals."),
            review_name=S_("A whole number"),
            print_how=N_("Write a number."),
            key_how=S_("Type the number written"),
            paper_layout="digits",
            ordered=True,
            settings=frozenset({Setting.RANGE}),
        ),
        AnswerTypeSpec(
            type=AnswerType.MONTH_YEAR,
            closed=False,
            clean=answers.month_year,
            missing=N_("Enter a month and year"),
            name=S_("A month and year"),
            description=S_("For example, when an assessment began."),
            review_name=S_("A month and year"),
            print_how=N_("Write the month and year."),
            key_how=S_("Type the month and year, like 3 2025"),
            paper_layout="month_year",
            ordered=True,
            keyed_parts=2,
            show=answers.format_month,
        ),
        AnswerTypeSpec(
            type=AnswerType.SCALE_0_10,
            missing=N_("Select a number from 0 to 10"),
            name=S_("A score from 0 to 10"),
            description=S_(
                'From 0 (not at all likely) to 10 (extremely likely), and "don\'t know" '
                "if you want it. For example, how likely are you to recommend us?"
            ),
            review_name=S_("Score from 0 to 10"),
            standard={None: (*SCORES, DONT_KNOW)},
            # Those who would recommend (9 or 10), as the Net Promoter Score counts them.
            positive={None: ("9", "10")},
            settings=frozenset({Setting.DONT_KNOW}),
            divide_excluded=True,
            numbering=numbered_by_score,
            check=_scores_then_excluded,
            **_CHOOSE_ONE,  # type: ignore[arg-type]
        ),
    )
}


def spec_of(answer_type: AnswerType | str) -> AnswerTypeSpec:
    """The registry entry of ``answer_type``."""
    return ANSWER_TYPES[AnswerType(answer_type)]


def closed_types() -> frozenset[AnswerType]:
    """Answer types whose answers are option codes."""
    return frozenset(t for t, spec in ANSWER_TYPES.items() if spec.closed)


def numbered_options(question: Question) -> tuple[NumberedOption, ...]:
    """The printed box number beside each option of ``question``, in option order."""
    return spec_of(question.type).numbering(question)


def option_number(question: Question, code: str) -> int | None:
    """The box number printed beside option ``code``, or None if unknown."""
    return next((n for n, o in numbered_options(question) if o.code == code), None)


def option_by_number(question: Question, number: int) -> str | None:
    """The option code printed with box ``number``, or None when there is none."""
    return next((o.code for n, o in numbered_options(question) if n == number), None)


def standard_code_lists() -> tuple[tuple[str, ...], ...]:
    """The option codes of every standard scale, in order (for analysis to check data)."""
    return tuple(
        tuple(o.code for o in options)
        for spec in ANSWER_TYPES.values()
        for options in spec.standard.values()
    )

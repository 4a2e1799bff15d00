"""The printable questionnaire: questions numbered as on the entry screen, routing in words.

A paper form cannot route itself, so each skip becomes a sentence: "Answer
question 6 only if you ticked 'The Local Offer website' at question 5", "If you
answered 'Week 16', go to question 4".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext

from feedback_app.collection.numbering import numbered_options, page_numbers, question_numbers
from feedback_app.translating.content_translation import content_gettext
from surveys import Questionnaire
from surveys.model import Condition, Question
from surveys.routing import END, answer_ref


@dataclass(frozen=True)
class PrintedOption:
    """A tick box and its number."""

    number: int
    label: str
    hint: str | None
    #: Name of the Easy Read picture beside the label (decorative: the words are there).
    picture: str | None = None


@dataclass(frozen=True)
class PrintedQuestion:
    """One question as printed."""

    number: int
    question: Question
    text: str
    hint: str | None
    #: What to tick or write ("Tick one box", "Tick all that apply", ...).
    how: str
    options: tuple[PrintedOption, ...]
    #: "Answer question 6 only if ..." (first question of a page with a skip rule).
    only_if: str | None = None
    #: "If ..., go to question 9" (after the last question of a page with routes).
    go_to: tuple[str, ...] = field(default_factory=tuple)


#: Hints that only say what the printed instruction (the answer type's ``print_how``) already says.
_SAID_BY_HOW = frozenset({"select all that apply", "tick all that apply", "select one"})


def _printed_hint(question: Question) -> str | None:
    # "Select all that apply." above "Tick all that apply." says it twice on paper.
    if not question.hint or question.hint.strip().rstrip(".").lower() in _SAID_BY_HOW:
        return None
    return content_gettext(question.hint)


def _label(question: Question, value: object) -> str:
    option = question.option(str(value)) if question.is_closed else None
    return f"“{content_gettext(option.label)}”" if option is not None else f"“{value}”"


def describe(q: Questionnaire, condition: Condition) -> str:
    """A condition in words, naming questions by their printed numbers."""
    numbers = question_numbers(q)
    ((name, args),) = condition.items()
    if name in {"all", "any"}:
        parts = [describe(q, c) for c in args]
        joiner = gettext(" and ") if name == "all" else gettext(" or ")
        return joiner.join(parts)
    ref = answer_ref(args if name in {"answered", "not answered"} else args[0])
    question = q.question(ref)
    number = numbers.get(ref, 0)
    if name == "answered":
        return gettext("you answered question %(n)s", n=number)
    if name == "not answered":
        return gettext("you did not answer question %(n)s", n=number)
    value = args[1]
    if name in {"==", "!=", "in", "not in"} and question is not None:
        values = value if isinstance(value, list | tuple) else [value]
        labels = gettext(" or ").join(_label(question, v) for v in values)
        if name in {"==", "in"}:
            return gettext("you ticked %(labels)s at question %(n)s", labels=labels, n=number)
        return gettext("you did not tick %(labels)s at question %(n)s", labels=labels, n=number)
    words = {
        ">": gettext("your answer to question %(n)s is more than %(value)s"),
        ">=": gettext("your answer to question %(n)s is %(value)s or more"),
        "<": gettext("your answer to question %(n)s is less than %(value)s"),
        "<=": gettext("your answer to question %(n)s is %(value)s or less"),
    }
    return words.get(name, gettext("question %(n)s allows it")) % {"n": number, "value": value}


def _only_if(q: Questionnaire, first: int, last: int, condition: Condition) -> str:
    if first == last:
        return gettext(
            "Answer question %(n)s only if %(condition)s. Otherwise go to the next question.",
            n=first, condition=describe(q, condition),
        )  # fmt: skip
    return gettext(
        "Answer questions %(first)s to %(last)s only if %(condition)s. "
        "Otherwise go to question %(next)s.",
        first=first, last=last, next=last + 1, condition=describe(q, condition),
    )  # fmt: skip


def _go_to(q: Questionnaire, goto: str, when: Condition | None) -> str:
    if goto == END:
        target = gettext("you have finished: go to the end of the form")
    else:
        page = q.page(goto)
        number = page_numbers(q, page)[0] if page is not None else 0
        target = gettext("go to question %(n)s", n=number)
    if when is None:
        return gettext("Now %(target)s.", target=target)
    return gettext("If %(condition)s, %(target)s.", condition=describe(q, when), target=target)


def printed_questions(q: Questionnaire) -> list[PrintedQuestion]:
    """Every question in order, numbered, with its boxes and routing instructions."""
    numbers = question_numbers(q)
    printed = []
    for page in q.pages:
        first, last = page_numbers(q, page)
        for index, question in enumerate(page.questions):
            only_if = None
            if index == 0 and page.show_when is not None:
                only_if = _only_if(q, first, last, page.show_when)
            go_to: tuple[str, ...] = ()
            if index == len(page.questions) - 1:
                go_to = tuple(_go_to(q, r.goto, r.when) for r in page.routes)
            options = tuple(
                PrintedOption(
                    n,
                    content_gettext(o.label),
                    content_gettext(o.hint) if o.hint else None,
                    o.picture,
                )
                for n, o in numbered_options(question)
            )
            printed.append(
                PrintedQuestion(
                    number=numbers[question.id],
                    question=question,
                    text=content_gettext(question.text),
                    hint=_printed_hint(question),
                    how=gettext(question.spec.print_how),
                    options=options,
                    only_if=only_if,
                    go_to=go_to,
                )
            )
    return printed

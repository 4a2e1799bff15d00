"""Cleaning what a form posted into an answer, and showing an answer back in English.

Every message is an English message id marked with ``N_`` so Babel extracts it;
the web layer translates it and fills in ``params``. Bad or tampered input always
becomes an AnswerError, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from surveys.i18n import N_

if TYPE_CHECKING:  # The registry uses the cleaners below, and the model the registry.
    from surveys.model import AnswerValue, Question

#: Longest raw value looked at; anything longer is cut before work is done on it.
MAX_RAW_CHARS = 100_000
_MAX_DIGITS = 12

MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
_MONTH_NAMES = {name.lower(): n for n, name in enumerate(MONTHS, start=1)} | {
    name[:3].lower(): n for n, name in enumerate(MONTHS, start=1)
}
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
# Control characters other than tab and newline have no place in an answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WHOLE_NUMBER = re.compile(rf"[+-]?\d{{1,{_MAX_DIGITS}}}")


class AnswerError(ValueError):
    """An answer that cannot be accepted; ``message`` is an English message id."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params: dict[str, Any] = params
        super().__init__(message % params if params else message)


def clean_text(raw: str) -> str:
    """Text with NUL and control bytes removed, line endings as ``\\n``, ends stripped."""
    text = raw[:MAX_RAW_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def clean_answer(question: Question, raw: Sequence[str]) -> AnswerValue | None:
    """The cleaned answer to ``question`` from the strings a form posted for it.

    ``raw`` holds every value posted under the question's name (month_year posts
    ``[month, year]``). Returns None when unanswered and the question is optional;
    raises AnswerError with a GOV.UK-style message otherwise.
    """
    spec = question.spec
    values = [clean_text(v) for v in raw if isinstance(v, str)]
    value = spec.clean(question, values)
    if value is None and not question.optional:
        # The message may name the question ("Select an answer to “...”").
        raise AnswerError(spec.missing, question=question.text)
    return value


def one_option(question: Question, values: list[str]) -> AnswerValue | None:
    """One option code from the question's options."""
    chosen = [v for v in values if v]
    if not chosen:
        return None
    if len(set(chosen)) > 1 or question.option(chosen[0]) is None:
        raise AnswerError(N_("Select one of the options"))
    return chosen[0]


def several_options(question: Question, values: list[str]) -> AnswerValue | None:
    """Several option codes, in option order; an exclusive option stands alone."""
    chosen = {v for v in values if v}
    if not chosen:
        return None
    codes = {o.code for o in question.options}
    if not chosen <= codes:
        raise AnswerError(N_("Select one of the options"))
    exclusive = [o for o in question.options if o.exclusive and o.code in chosen]
    if exclusive and len(chosen) > 1:
        raise AnswerError(
            N_('Select "%(option)s" on its own, or other options'), option=exclusive[0].label
        )
    # Option order, not click order, so equal answers compare equal.
    return tuple(o.code for o in question.options if o.code in chosen)


def free_text(question: Question, values: list[str]) -> AnswerValue | None:
    """Free text up to the question's ``max_length``."""
    text = "\n".join(v for v in values if v)
    if not text:
        return None
    if len(text) > question.max_length:
        raise AnswerError(
            N_("Your answer must be %(max)s characters or fewer"), max=question.max_length
        )
    return text


def whole_number(question: Question, values: list[str]) -> AnswerValue | None:
    """A whole number within the question's range."""
    given = [v for v in values if v]
    if not given:
        return None
    text = given[0].replace(",", "").replace(" ", "")
    if len(given) > 1 or not _WHOLE_NUMBER.fullmatch(text):
        raise AnswerError(N_("Enter a whole number, like 3"))
    number = int(text)
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise AnswerError(N_("Enter a number between %(min)s and %(max)s"), min=low, max=high)
        if low is not None:
            raise AnswerError(N_("Enter a number that is %(min)s or more"), min=low)
        raise AnswerError(N_("Enter a number that is %(max)s or less"), max=high)
    return number


def month_year(question: Question, values: list[str]) -> AnswerValue | None:
    """A month and year as ``YYYY-MM`` (posted as month and year, or ``YYYY-MM``)."""
    if not any(values):
        return None
    if len(values) == 1 and re.fullmatch(r"\d{4}-\d{1,2}", values[0]):
        year_text, month_text = values[0].split("-")
    elif len(values) == 2:
        month_text, year_text = values
    else:
        raise AnswerError(N_("Enter a real month and year"))
    if not month_text:
        raise AnswerError(N_("The date must include a month"))
    if not year_text:
        raise AnswerError(N_("The date must include a year"))
    month = _month_number(month_text)
    if month is None or not re.fullmatch(r"\d{4}", year_text):
        raise AnswerError(N_("Enter a real month and year"))
    year = int(year_text)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise AnswerError(N_("Enter a real month and year"))
    return f"{year:04d}-{month:02d}"


def _month_number(text: str) -> int | None:
    if re.fullmatch(r"\d{1,2}", text):
        month = int(text)
        return month if 1 <= month <= 12 else None
    return _MONTH_NAMES.get(text.lower().rstrip("."))


def format_month(value: str) -> str:
    """``"2025-03"`` as ``"March 2025"`` (English; the web layer translates the month)."""
    year, month = value.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def format_answer(question: Question, value: AnswerValue | None) -> str:
    """The answer in English words for check-your-answers ("" when unanswered).

    Closed answers show option labels (several joined with ", "); months show as
    "March 2025"; numbers and text as given.
    """
    if value is None or value == "" or value == ():
        return ""
    if question.is_closed:
        codes = value if isinstance(value, tuple) else (str(value),)
        labels = []
        for code in codes:
            option = question.option(code)
            labels.append(option.label if option is not None else code)
        return ", ".join(labels)
    shown = question.spec.show
    if shown is not None and isinstance(value, str):
        try:
            return shown(value)
        except (ValueError, IndexError):
            return value
    return str(value)

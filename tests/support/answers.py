"""Turn domain answers into what a browser posts for a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys import AnswerType, AnswerValue, Page


def page_form_data(page: Page, answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """The form fields a person fills in to give ``answers`` on ``page``."""
    data: dict[str, Any] = {}
    for question in page.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.type is AnswerType.MONTH_YEAR:
            year, month = str(value).split("-")
            data[f"{question.id}-month"] = str(int(month))
            data[f"{question.id}-year"] = year
        elif isinstance(value, tuple):
            data[question.id] = list(value)
        else:
            data[question.id] = str(value)
    return data

"""Turn domain answers into what a browser posts for a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from surveys import AnswerType, AnswerValue, Page
from tests.support.browser import PageBrowser

#: The demo data's event feedback wave: three short pages.
DEMO_EVENT = "demo-event-feedback"


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


def answer_demo_event(app: Flask, *, lang: str | None = None) -> PageBrowser:
    """A family that has answered every page of the demo event survey (in ``lang``
    when given) and not sent it yet."""
    family = PageBrowser(app.test_client())
    family.get(f"/s/{DEMO_EVENT}" + (f"?lang={lang}" if lang else ""))
    family.post(f"/s/{DEMO_EVENT}/start")
    family.post(family.path, {"event_useful": "agree"})
    family.post(family.path, {"do_differently": "no"})
    family.post(family.path, {"event_comments": ""})
    return family

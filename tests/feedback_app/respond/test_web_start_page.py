"""The start page speaks to the person answering: an Easy Read survey (the young
people's, or any the designer marks Easy Read) in short, everyday sentences, in
every language it is offered in; the parents' surveys keep the fuller wording."""

from __future__ import annotations

import pytest
from flask import Flask

ADULT = (
    ">Your answers are anonymous</h2>",
    "You can skip any question marked optional.",
)
EASY = (
    ">Who sees your answers</h2>",
    "You do not have to answer every question.",
    "You can stop and come back later.",
)


def _minutes_lines(page: str) -> int:
    return page.count("It takes about")


def test_the_young_peoples_start_page_is_easy_read(app: Flask, demo: dict[str, str]) -> None:
    page = app.test_client().get("/s/demo-young-people").get_data(as_text=True)
    assert all(sentence in page for sentence in EASY)
    assert not any(sentence in page for sentence in ADULT)
    assert _minutes_lines(page) == 1


def test_a_parents_start_page_keeps_its_wording(app: Flask, demo: dict[str, str]) -> None:
    page = app.test_client().get("/s/demo-parent-annual").get_data(as_text=True)
    assert all(sentence in page for sentence in ADULT)
    assert not any(sentence in page for sentence in EASY)
    assert _minutes_lines(page) == 1


@pytest.mark.parametrize("lang", ["cy", "pl", "ur"])
def test_the_easy_read_start_page_is_translated(
    app: Flask, demo: dict[str, str], lang: str
) -> None:
    page = app.test_client().get(f"/s/demo-young-people?lang={lang}", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f'lang="{lang}"' in text
    assert not any(sentence in text for sentence in EASY)

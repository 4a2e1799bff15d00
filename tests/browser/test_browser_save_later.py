"""On a phone (390 px): text typed on a page survives "Save and come back later",
a choice survives switching language, and Enter still means "Save and continue"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.harness import LiveServer, NewPage
from tests.browser.respondent import click_and_wait, press_main_button, start_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "out" / "screenshots"
PHONE = {"width": 390, "height": 844}
TYPED = "The hall was too loud for my daughter; a quiet room would help."


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_typed_text_survives_save_later_and_a_choice_survives_a_language_switch(
    new_page: NewPage, live_server: LiveServer, js: bool
) -> None:
    slug = live_server.slugs["event_feedback"]
    page = new_page(js=js, **PHONE)
    start_in(page, slug)

    # A choice, then a change of language from the header: the choice is kept.
    page.locator('input[name="event_useful"][value="disagree"]').check()
    click_and_wait(page, page.locator('header button[value="cy"]'))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.url.endswith(f"/s/{slug}/q/event_useful")
    expect(page.locator('input[name="event_useful"][value="disagree"]')).to_be_checked()
    click_and_wait(page, page.locator('header button[value="en"]'))

    # Enter on a radio button saves and continues (not the first language button).
    page.locator('input[name="event_useful"][value="disagree"]').focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/s/{slug}/q/do_differently")
    page.locator('input[name="do_differently"][value="no"]').check()
    press_main_button(page)

    # Typed, not yet saved: "Save and come back later" keeps it.
    page.locator("#event_comments").fill(TYPED)
    click_and_wait(page, page.locator("#save-later"))
    assert page.url.endswith(f"/s/{slug}/save")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    press_main_button(page)
    code = page.locator("#resume-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4} [2-9A-Z]{4}", code)

    other = new_page(js=js, **PHONE)
    other.goto(f"/s/{slug}/resume")
    other.locator("#code").fill(code)
    press_main_button(other)
    other.goto(f"/s/{slug}/q/event_comments")
    expect(other.locator("#event_comments")).to_have_value(TYPED)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    other.screenshot(path=str(SCREENSHOTS / f"save-later-resumed-{'js' if js else 'no-js'}.png"))

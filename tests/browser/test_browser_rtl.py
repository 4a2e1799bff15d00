"""Right to left: the layout mirrors, and Latin text and numbers still read correctly.

The accessibility walk runs the mirroring checks (``audit.mirroring``) on every page
in every language; a check that finds nothing to look at passes quietly, so this
test makes sure each one really had something to measure, on pages known to have
it: a back link, an error summary and an inline error, radios, a face scale and
Easy Read pictures, and the resume code. English runs too, as the control: the
same checks must find everything on the left there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.audit import _SIDES, WIDTHS, easy_read_problems, mirroring
from tests.browser.harness import LiveServer, NewPage
from tests.browser.languages import RTL, direction
from tests.browser.respondent import open_in, press_main_button, start_in

pytestmark = pytest.mark.browser

#: Radios and a back link (event feedback); faces and pictures (Easy Read).
SURVEYS = ("event_feedback", "young_people")


@pytest.mark.parametrize("lang", [*RTL, "en"])
@pytest.mark.parametrize("questionnaire_id", SURVEYS)
def test_a_question_with_an_error_mirrors(
    new_page: NewPage, live_server: LiveServer, questionnaire_id: str, lang: str
) -> None:
    slug = live_server.slugs[questionnaire_id]
    questionnaire = live_server.questionnaire(slug)
    page = new_page(locale=lang)
    open_in(page, f"/s/{slug}", lang)
    start_in(page, slug)
    press_main_button(page)  # nothing chosen: the error state
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", direction(lang))

    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        found = page.evaluate(_SIDES)
        assert found["back"] and found["back"]["text"], "no back link measured"
        assert found["options"], "no radios measured"
        assert found["errorGroups"], "no inline error measured"
        assert found["summaryTitle"] and found["summaryTitle"]["text"], "no error summary"
        if questionnaire.easy_read:
            assert found["faces"], "no face scale measured"
            problems += easy_read_problems(page, lang)
        problems += [f"{width}px: {p}" for p in mirroring(page, lang)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", RTL)
def test_the_resume_code_reads_left_to_right_in_rtl(
    new_page: NewPage, live_server: LiveServer, lang: str
) -> None:
    slug = live_server.slugs["event_feedback"]
    page = new_page(locale=lang)
    open_in(page, f"/s/{slug}", lang)
    start_in(page, slug)
    page.locator("#save-later").click()
    page.wait_for_url(f"**/s/{slug}/save")
    press_main_button(page)
    code = page.locator("#resume-code")
    expect(code).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    style = code.evaluate(
        "(el) => ({direction: getComputedStyle(el).direction,"
        " unicodeBidi: getComputedStyle(el).unicodeBidi})"
    )
    assert style == {"direction": "ltr", "unicodeBidi": "isolate"}
    # The code's characters are laid out in reading order, left to right.
    boxes = code.evaluate(
        """(el) => {
            const node = el.firstChild, out = [];
            for (let i = 0; i < node.textContent.length; i++) {
                if (!node.textContent[i].trim()) continue;
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                out.push(range.getBoundingClientRect().left);
            }
            return out;
        }"""
    )
    assert boxes == sorted(boxes), "the resume code's characters are not left to right"
    assert not mirroring(page, lang)

"""The 0 to 10 scale in a real browser, in every shipped language, at 320 and 1280 px.

A fixture questionnaire (tests/fixtures/browser/recommend_scale.yaml, its own
question translated by an uploaded translation) starts with the scale. On its page,
blank and with the error, every check of ``audit.py`` runs at both widths (axe,
fieldset and legend, the question as the <h1>, 44×44 px targets, no sideways
scroll at 320 px, mirroring in right-to-left languages); beyond that, the scores
run from the start side (0 on the right in Urdu and Arabic), "Don't know" follows
a visible "or" on a line of its own, and a score is saved.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.browser.languages import LANGUAGES, direction, translated
from tests.browser.respondent import current_page_id, open_in, press_main_button, start_in

pytestmark = pytest.mark.browser

SCALE = "recommend_scale"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "browser"
ENGLISH = "How likely are you to recommend our events to other parents and carers?"
#: The question as each language shows it (the fixture's uploaded translation).
QUESTION = {
    "en": ENGLISH,
    **{
        lang: messages[ENGLISH]
        for lang, messages in yaml.safe_load(
            (FIXTURES / "recommend_scale_translations.yaml").read_text(encoding="utf-8")
        ).items()
    },
}


def _box(page: Page, value: str) -> dict[str, float]:
    box = page.locator(f'input[name="recommend"][value="{value}"]').bounding_box()
    assert box is not None, value
    return box


def _layout_problems(page: Page, lang: str, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    zero, one, ten, dont_know = (_box(page, v) for v in ("0", "1", "10", "dont_know"))
    rtl = direction(lang) == "rtl"
    if (zero["x"] > one["x"]) != rtl:
        problems.append(f"{width}px: 0 is not on the start side of 1 ({lang})")
    divider = page.locator(".app-scale .govuk-radios__divider")
    expect(divider).to_be_visible()
    expect(divider).to_have_text(translated(lang, "or"))
    line = divider.bounding_box()
    assert line is not None
    if not ten["y"] + ten["height"] <= line["y"] < dont_know["y"]:
        problems.append(f"{width}px: the 'or' is not on a line between 10 and don't know")
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_0_to_10_scale_in_every_language(
    new_page: NewPage, live_server: LiveServer, axe_source: str, lang: str
) -> None:
    slug = live_server.slugs[SCALE]
    page = new_page(locale=lang)
    open_in(page, f"/s/{slug}", lang)
    assert page.locator("html").get_attribute("lang") == lang, "language not offered"
    start_in(page, slug)
    assert current_page_id(page) == "recommend"
    expect(page.locator("fieldset legend h1")).to_have_text(QUESTION[lang])
    expect(page.locator('.app-scale input[type="radio"]')).to_have_count(12)
    hint = page.locator("#recommend-hint")
    expect(hint).to_contain_text(translated(lang, "Not at all likely"))
    expect(hint).to_contain_text(translated(lang, "Extremely likely"))
    problems = audit(page, axe_source, "0 to 10 scale, blank", lang=lang, one_question=True)
    for width in (320, 1280):
        problems += _layout_problems(page, lang, width)

    press_main_button(page)  # nothing chosen: the error
    assert current_page_id(page) == "recommend"
    expect(page.locator(".govuk-error-message")).to_contain_text(
        translated(lang, "Select a number from 0 to 10")
    )
    problems += audit(page, axe_source, "0 to 10 scale, with errors", lang=lang, one_question=True)

    box = page.locator('input[name="recommend"][value="9"]')
    page.locator(f'label[for="{box.get_attribute("id")}"]').click()
    expect(box).to_be_checked()
    press_main_button(page)
    assert current_page_id(page) == "event_useful", page.url
    assert not problems, report(problems)

"""The questionnaire designer in Chromium: axe (WCAG 2.2 AA), no horizontal scroll at
320 px and with text spacing, on every designer page state a coordinator meets.
"""

from __future__ import annotations

import pytest

from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.support.staff import make_area_with_staff, sign_in_page

pytestmark = pytest.mark.browser


def test_designer_pages_are_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str
) -> None:
    make_area_with_staff(live_server.app, "designer-a11y")
    page = new_page()
    sign_in_page(page, "coordinator@designer-a11y.example")
    problems: list[str] = []

    def check(state: str) -> None:
        problems.extend(audit(page, axe_source, state))

    designer = "/staff/designer-a11y/designer/"
    page.goto(designer)
    check("drafts, none yet")
    page.get_by_role("button", name="Start designing").click()
    check("new draft with errors")
    page.get_by_role("button", name="Upload and check").click()
    check("import with errors")

    page.get_by_label("A copy of “Parent and carer survey”").check()
    page.get_by_role("button", name="Start designing").click()
    page.wait_for_load_state()
    draft = page.url
    check("overview of a full questionnaire")
    for step in (
        "add-kpi",
        "add",
        "add/single",
        "add/number",
        "details",
        "history",
        "questions/trust_confidence/edit",
        "questions/local_offer_useful/show-if",
        "questions/local_offer_useful/show-if/services_used",
        "preview",
        "preview/q/services_used",
        "preview/q/services_used?width=full",
        "preview/done",
    ):
        page.goto(draft + step)
        check(step)
    page.goto(draft + "add/single")
    page.get_by_role("button", name="Add question").click()
    check("own question with errors")
    page.goto(draft + "questions/trust_confidence/edit")
    page.get_by_role("button", name="Save question").click()
    page.wait_for_load_state()
    check("overview after an edit")
    page.goto(designer)
    check("drafts, one being designed")
    assert not problems, report(problems)

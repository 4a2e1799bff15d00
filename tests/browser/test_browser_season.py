"""A whole survey season in Chromium (issue 15): a coordinator designs and
publishes at 1280 px, a parent reviewer previews the real journey, a wave is
scheduled with a readable short link, a family answers it on a phone (390 px)
from the link typed in capitals, and the officer sees the response. Screenshots
of each step go to ``tests/browser/out/season/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from feedback_app import create_app, db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Response, Wave
from feedback_app.review.publishing import publish_version
from surveys import Questionnaire
from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage, serving
from tests.support.staff import make_area_with_staff, sign_in_page

pytestmark = pytest.mark.browser

OUT = Path(__file__).parent / "out" / "season"
PHONE = {"width": 390, "height": 844}
STAFF = {"width": 1280, "height": 900}


def _shot(page: Page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


#: A baseline that asked only the first question, as a survey tool exports it.
LAST_YEAR = b"Respondent ID,Today's event was useful to me\r\n1,Agree\r\n2,Disagree\r\n"


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    """This module's own server on a new database, once on SQLite and once on
    PostgreSQL: the whole season must work on both (``database_url`` empties the
    PostgreSQL database afterwards)."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-test-" + "x" * 40})
    with serving(app) as url:
        yield LiveServer(url, app, {})


def _day(day: dt.date) -> str:
    """A date as the pages and the poster write it: 31 January 2027."""
    return f"{day.day} {day:%B %Y}"


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width  # type: ignore[index]


def test_a_season_from_design_to_results(
    new_page: NewPage, live_server: LiveServer, axe_source: str
) -> None:
    make_area_with_staff(live_server.app, "season")
    coordinator = new_page(**STAFF)
    sign_in_page(coordinator, "coordinator@season.example")

    # Design: a copy of the event feedback questionnaire.
    coordinator.goto("/staff/season/designer/")
    coordinator.get_by_label("A copy of “Event feedback”").check()
    coordinator.get_by_role("button", name="Start designing").click()
    coordinator.wait_for_load_state()
    draft = coordinator.url
    _shot(coordinator, "1-designer")

    # Co-production: the parent reviewer previews the real journey (was 403).
    reviewer = new_page(**PHONE)
    sign_in_page(reviewer, "reviewer@season.example")
    reviewer.goto(draft.replace("/designer/", "/review/").rstrip("/"))
    reviewer.locator("#preview-link").click()
    reviewer.wait_for_load_state()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Event feedback")
    reviewer.get_by_role("button", name="Start now").click() if reviewer.get_by_role(
        "button", name="Start now"
    ).count() else reviewer.get_by_role("link", name="Start now").click()
    reviewer.wait_for_load_state()
    reviewer.get_by_label("Agree", exact=True).check()
    reviewer.get_by_role("button", name="Save and continue").click()
    reviewer.wait_for_load_state()
    assert "/preview/q/do_differently" in reviewer.url
    _shot(reviewer, "2-reviewer-preview")

    # Publish from the designer's link, then schedule a wave with a short link.
    coordinator.get_by_role("link", name="Publish this questionnaire").click()
    coordinator.get_by_role("button", name="Publish this draft").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("body")).to_contain_text("Published as version 1")
    table = coordinator.locator("table.govuk-table").first.bounding_box()
    assert table is not None and table["width"] > 960  # staff tables use the full width
    _shot(coordinator, "3-versions")
    coordinator.get_by_role("link", name="Schedule a wave").first.click()
    coordinator.wait_for_load_state()
    today = dt.date.today()
    last = today + dt.timedelta(days=30)
    coordinator.get_by_label("Name of the wave").fill("Season event 2027")
    for name, day in (("opens", today), ("closes", last)):
        coordinator.locator(f'[name="{name}-day"]').fill(str(day.day))
        coordinator.locator(f'[name="{name}-month"]').fill(str(day.month))
        coordinator.locator(f'[name="{name}-year"]').fill(str(day.year))
    coordinator.locator('[name="opens_time"]').fill("00:00")
    coordinator.locator('[name="link"]').fill("season-event-2027")
    coordinator.locator('[name="retention_years"]').first.check()
    coordinator.get_by_role("button", name="Schedule").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("body")).to_contain_text("The wave is open")
    # The A4 poster gives the last day itself, not the day after (issue 15 point 1).
    with live_server.app.app_context():
        wave_id = db.session().scalar(select(Wave.id).where(Wave.name == "Season event 2027"))
    coordinator.goto(f"/staff/season/waves/{wave_id}/share/poster")
    poster = coordinator.locator("main").inner_text()
    assert _day(last) in poster and _day(last + dt.timedelta(days=1)) not in poster
    _shot(coordinator, "3b-poster")
    # A published draft stays editable (issue 15 point 4).
    coordinator.goto(draft + "add")
    expect(coordinator.get_by_role("heading", level=1)).to_be_visible()
    assert "cannot be changed" not in coordinator.content()

    # A family answers on a phone, typing the link in capitals.
    family = new_page(**PHONE)
    family.goto("/s/SEASON-EVENT-2027")
    expect(family.get_by_role("heading", level=1)).to_contain_text("Event feedback")
    family.get_by_role("button", name="Start now").click()
    family.wait_for_load_state()
    family.get_by_role("button", name="Save and continue").click()
    family.wait_for_load_state()
    expect(family.locator(".govuk-error-summary")).to_contain_text("Select an answer to")
    family.get_by_label("Agree", exact=True).check()
    family.get_by_role("button", name="Save and continue").click()
    family.wait_for_load_state()
    family.get_by_label("Yes", exact=True).check()
    family.get_by_role("button", name="Save and continue").click()
    family.wait_for_load_state()
    # Typed, then "Save and come back later": the text is saved with the page and is
    # there again on another phone after the resume code (issue 15 point 5).
    family.locator("textarea").fill("More quiet spaces, please.")
    family.get_by_role("button", name="Save and come back later").click()
    family.wait_for_load_state()
    family.get_by_role("button", name="Get a resume code").click()
    family.wait_for_load_state()
    code = family.locator("#resume-code").inner_text()
    _shot(family, "4a-family-saved")
    family = new_page(**PHONE)
    family.goto("/s/season-event-2027/resume")
    family.get_by_label("Enter your resume code").fill(code)
    family.get_by_role("button", name="Continue").click()
    family.wait_for_load_state()
    expect(family.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(family.locator("main")).to_contain_text("More quiet spaces, please.")
    expect(family.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    _no_sideways_scroll(family)
    _shot(family, "4-family-check-answers")
    family.get_by_role("button", name="Send my answers").click()
    family.wait_for_load_state()
    expect(family.locator(".govuk-panel")).to_be_visible()
    _shot(family, "5-family-done")

    # The officer sees the response.
    officer = new_page(**STAFF)
    sign_in_page(officer, "officer@season.example")
    officer.goto(f"/staff/season/waves/{wave_id}/monitor")
    _shot(officer, "6-officer-monitor")
    # One response: shown as "fewer than 5" so no family can be picked out.
    expect(officer.locator("main")).to_contain_text("Submitted")
    expect(officer.locator("main")).to_contain_text("fewer than 5")
    with live_server.app.app_context():
        submitted = db.session().scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.wave_id == wave_id, Response.status == "submitted")
        )
    assert submitted == 1

    # Last year's paper baseline asked only the first question: the others are marked
    # "not asked in this survey", and the preview says so before anything is written
    # (issue 15 point 6).
    officer.goto("/staff/season/imports")
    officer.locator('input[type="file"]').set_input_files(
        {"name": "last year.csv", "mimeType": "text/csv", "buffer": LAST_YEAR}
    )
    officer.locator('[name="version"]').first.check()
    officer.get_by_role("button", name="Upload and continue").click()
    officer.wait_for_load_state()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Match the columns")
    for question in ("Will you do something differently after today?",
                     "What could we do better next time?"):  # fmt: skip
        officer.locator(".govuk-checkboxes").get_by_label(question).check()
    officer.get_by_role("button", name="Continue", exact=True).click()
    officer.wait_for_load_state()
    if officer.get_by_role("button", name="Continue to the preview").count():
        officer.get_by_role("button", name="Continue to the preview").click()
        officer.wait_for_load_state()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Check the import")
    expect(officer.locator("#not-asked")).to_contain_text("What could we do better next time?")
    _shot(officer, "7-import-preview")
    officer.get_by_label("Name of the wave").fill("Paper baseline 2026")
    for name, day in (
        ("opens", today.replace(year=today.year - 1)),
        ("closes", today - dt.timedelta(days=300)),
    ):
        officer.locator(f'[name="{name}-day"]').fill(str(day.day))
        officer.locator(f'[name="{name}-month"]').fill(str(day.month))
        officer.locator(f'[name="{name}-year"]').fill(str(day.year))
    officer.get_by_role("button", name="Import 2 responses").click()
    officer.wait_for_load_state()
    expect(officer.locator("main")).to_contain_text("2 responses imported")
    _shot(officer, "8-imported")

    # A hint is corrected after the wave opened: the running wave moves to the new
    # version on a page that passes axe, and says so (issue 15 point 4).
    with live_server.app.app_context():
        session = db.session()
        wave = session.get(Wave, wave_id)
        assert wave is not None
        data = questionnaire_for(wave.version).model_dump()
        for page in data["pages"]:
            for question in page["questions"]:
                if question["id"] == "do_differently":
                    question["hint"] = "For example, ring a service or read the Local Offer."
        publish_version(session, wave.area, Questionnaire.model_validate(data))
        session.commit()
    coordinator.goto(f"/staff/season/waves/{wave_id}/version")
    problems = audit(coordinator, axe_source, "move a wave to a corrected version")
    assert not problems, report(problems)
    _shot(coordinator, "9-switch-version")
    coordinator.get_by_role("button", name="Move the wave to version 2").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("body")).to_contain_text("now runs version 2")


def test_you_said_we_did_stacks_on_a_phone(new_page: NewPage, live_server: LiveServer) -> None:
    """Issue 15 point 10: no sideways scroll hides the Change column at 390 px."""
    from feedback_app.demo.loading import load_demo
    from feedback_app.demo.results import load_demo_results

    with live_server.app.app_context():
        # The demo area and its closed waves with results.
        load_demo(db.session())
        load_demo_results(db.session())
    page = new_page(**PHONE)
    page.goto("/a/demo/you-said-we-did")
    table = page.locator("#kpi-results")
    expect(table).to_be_visible()
    _no_sideways_scroll(page)
    change = table.locator("td[data-label]").last
    box = change.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    expect(change).to_be_visible()
    _shot(page, "7-you-said-we-did-390")

"""The confirmation after making invitation links passes axe, and its file downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.support.page_checks import page_problems
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser

EMAIL = "links.coordinator@demo.example"
PASSWORD = "a long browser-test passphrase"


def test_invitation_links_are_confirmed_on_screen(
    new_page: NewPage, live_server: LiveServer, axe_source: str
) -> None:
    from sqlalchemy import select

    from feedback_app import db
    from feedback_app.models import LocalArea, Wave
    from feedback_app.staff.accounts import create_user
    from feedback_app.staff.roles import Role

    with live_server.app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        create_user(session, area=area, email=EMAIL, role=Role.COORDINATOR, password=PASSWORD)
        wave_id = session.scalar(
            select(Wave.id).where(Wave.slug == live_server.slugs["event_feedback"])
        )
        session.commit()
    page = new_page()
    sign_in_page(page, EMAIL, PASSWORD)
    page.goto(f"/staff/demo/waves/{wave_id}/invitations")
    page.locator("#size").fill("3")
    page.locator("#label").fill("Year 9 families, March letter")
    page.get_by_role("button", name="Make the links").click()
    page.wait_for_load_state()
    assert "3 invitation links made" in page.locator("h1").inner_text()
    problems = audit(page, axe_source, "invitation links made")
    problems += page_problems(page.content())
    assert not problems, report(problems)
    with page.expect_download() as download:
        page.locator("#download-links").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("link,batch") and text.count("/i/") == 3

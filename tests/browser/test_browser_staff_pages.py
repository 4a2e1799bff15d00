"""Every staff page a person can reach passes axe and the page checks.

Signed in as an administrator of the demo area (who may do everything), the test
follows every link inside the workspace, breadth first, from the area's home,
and audits each page with axe-core (WCAG 2.2 AA tags) at 320 px and 1280 px,
the reflow and target-size checks, and the same HTML page checks the web tests
run (one h1, title, lang/dir, unique ids, labelled inputs, fieldsets). Pages are
discovered, not listed, so a new staff page is audited as soon as it is linked.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.browser import two_step
from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.support.page_checks import page_problems
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser

EMAIL = "axe.administrator@demo.example"
PASSWORD = "a long browser-test passphrase"
#: Files, not pages: downloads are tested in the web tests.
DOWNLOADS = (".csv", ".po", ".png", ".svg", ".yaml", ".yml", ".json", ".xlsx", ".pdf")
MAX_PAGES = 160


@pytest.fixture(scope="module")
def administrator(live_server: LiveServer) -> str:
    """An administrator of the demo area, with a draft to review and design, and
    three closed waves of results so every results page shows tables and charts."""
    from sqlalchemy import select

    from feedback_app import db
    from feedback_app.demo.results import load_demo_results
    from feedback_app.designer.drafts import create_draft
    from feedback_app.models import LocalArea
    from feedback_app.staff.accounts import create_user
    from feedback_app.staff.roles import Role
    from surveys.library import bundled_questionnaires

    with live_server.app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        user = create_user(
            session, area=area, email=EMAIL, role=Role.ADMINISTRATOR, password=PASSWORD
        )
        session.commit()
        create_draft(
            session,
            area=area,
            title="Parent survey 2027",
            user=user,
            start_from=bundled_questionnaires()["parent_annual"],
        )
        load_demo_results(session, responses_per_wave=60)
    return EMAIL


def _two_step_pages(page: Page, app: Flask, axe_source: str, email: str) -> list[str]:
    """Audit every two-step sign-in page (ADR 0038), error states included, as the
    administrator is made to set it up, signs out, and signs in with a code."""
    problems: list[str] = []

    def check(what: str, *, expect_error: bool = False) -> None:
        nonlocal problems
        problems += audit(page, axe_source, what)
        problems += [
            f"{page.url}: {p}" for p in page_problems(page.content(), expect_error=expect_error)
        ]

    assert page.url.endswith("/staff/account/two-step/set-up"), page.url
    check("two-step set-up")
    page.get_by_role("button", name="Turn on two-step sign-in").click()  # empty: the error
    check("two-step set-up, with errors", expect_error=True)
    two_step.set_up(page, app, email)
    page.goto("/staff/account/two-step")
    check("two-step sign-in settings")
    page.get_by_role("button", name="Sign out").click()
    sign_in_page(page, email, PASSWORD)
    assert page.url.endswith("/staff/login/code"), page.url
    check("code after the password")
    page.get_by_role("button", name="Continue").click()
    check("code after the password, with errors", expect_error=True)
    page.get_by_role("link", name="I cannot use my app: use a recovery code").click()
    check("recovery code")
    page.get_by_role("link", name="Use a code from my app instead").click()
    two_step.enter_code(page, app, email)
    assert "/staff/login" not in page.url, "sign-in failed"
    return problems


def _links(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        if not parts.path.startswith("/staff/demo/") or parts.path.endswith(DOWNLOADS):
            continue
        if "download" in parts.query:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_every_linked_staff_page_is_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, administrator: str
) -> None:
    page = new_page()
    page.goto("/staff/login")
    page.get_by_role("button", name="Sign in").click()  # empty: the error state
    problems = audit(page, axe_source, "sign in, with errors")
    problems += [f"{page.url}: {p}" for p in page_problems(page.content(), expect_error=True)]
    sign_in_page(page, administrator, PASSWORD)
    problems += _two_step_pages(page, live_server.app, axe_source, administrator)

    queue = deque(["/staff/demo/"])
    seen: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (export, CSV): the web tests check downloads
            raise
        assert response is not None
        if response.status >= 400:
            problems.append(f"{path}: linked page answered {response.status}")
            continue
        problems += audit(page, axe_source, "staff page")
        problems += [f"{path}: {p}" for p in page_problems(page.content())]
        queue.extend(link for link in _links(page, live_server.url) if link not in seen)
    assert len(seen) >= 10, f"only {len(seen)} staff pages found: {sorted(seen)}"
    assert not problems, report(problems)

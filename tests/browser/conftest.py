"""Real-browser fixtures: the app on a live server, one Chromium, a page per test.

The browser tests use SQLite only (the web tests cover PostgreSQL). Chromium is
Debian's (``/usr/bin/chromium``); ``playwright install`` cannot download here. If it
is missing the tests are skipped locally and fail in CI (``CI=true``), so CI
cannot pass without running them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Response as PlaywrightResponse

from feedback_app import create_app
from feedback_app.config import PROJECT_DIR
from feedback_app.migrate import upgrade
from tests.browser.harness import LiveServer, NewPage, serving

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
APP_CSS = PROJECT_DIR / "feedback_app" / "static" / "dist" / "app.css"
#: Offline machine: without these Chromium keeps trying (and failing) to phone home.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(what: str) -> None:
    """Skip locally, fail in CI: CI must run the browser tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests, but {what}", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app, migrated and with the demo area loaded, in a background thread."""
    import datetime as dt

    from feedback_app import db
    from feedback_app.definitions import questionnaire_for
    from feedback_app.demo.loading import load_demo
    from feedback_app.models import utcnow
    from feedback_app.review.publishing import schedule_wave

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test-" + "x" * 40})
    with app.app_context():
        session = db.session()
        waves = load_demo(session)
        slugs = {questionnaire_for(w.version).id: w.slug for w in waves}
        # A closed wave per questionnaire: the "closed" page shows its title and,
        # for Easy Read, its larger text, so each questionnaire's is audited.
        closed_slugs: dict[str, str] = {}
        now = utcnow()
        for wave in waves:
            questionnaire_id = questionnaire_for(wave.version).id
            closed = schedule_wave(
                session,
                version=wave.version,
                name=f"{wave.name} (closed, browser tests)",
                opens_at=now - dt.timedelta(days=400),
                closes_at=now - dt.timedelta(days=300),
                slug=f"closed-{wave.slug}"[:40],
            )
            closed_slugs[questionnaire_id] = closed.slug
        slugs.update(_fixture_waves(session, waves[0].area, now))
        session.commit()
    with serving(app) as url:
        yield LiveServer(url, app, slugs, closed_slugs)


#: Test questionnaires beyond the bundled ones, each with its own translations.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "browser"


def _fixture_waves(session: Any, area: Any, now: Any) -> dict[str, str]:
    """An open wave per fixture questionnaire: questionnaire id -> slug."""
    import datetime as dt

    import yaml

    from feedback_app.review.publishing import publish_version, schedule_wave
    from feedback_app.translating.content_translation import save_upload
    from surveys import load_questionnaire

    found = {}
    for path in sorted(FIXTURES.glob("*.yaml")):
        if path.stem.endswith("_translations"):
            continue
        questionnaire = load_questionnaire(path)
        version = publish_version(session, area, questionnaire)
        translations = yaml.safe_load(
            path.with_name(f"{path.stem}_translations.yaml").read_text(encoding="utf-8")
        )
        for language, messages in translations.items():
            save_upload(
                session, version_id=version.id, language=language, messages=messages, user_id=None
            )
        wave = schedule_wave(
            session,
            version=version,
            name=f"{questionnaire.title} (browser tests)",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
            slug=f"test-{questionnaire.id.replace('_', '-')}",
        )
        found[questionnaire.id] = wave.slug
    return found


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the whole session (contexts keep tests apart)."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if not APP_CSS.exists():
        _missing(f"{APP_CSS} is not built (make assets)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, from the npm package ``make assets`` installs."""
    if not AXE.exists():
        _missing(f"{AXE} is missing (npm ci, or make assets)")
    return AXE.read_text(encoding="utf-8")


@dataclass
class PageProblems:
    """What went wrong in the browser beyond the test's own assertions."""

    server_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def _server_error(response: PlaywrightResponse, problems: PageProblems) -> None:
    if response.status >= 500:
        problems.server_errors.append(f"{response.status} {response.url}")


def _console_error(message: ConsoleMessage, page: Page, problems: PageProblems) -> None:
    # A 4xx page (404, 410, a form with errors) is expected; 5xx is caught above.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.console_errors.append(f"{page.url}: {message.text}")


def _forget_throttles(live_server: LiveServer) -> None:
    # Every test is a new person, though all of them come from 127.0.0.1: the
    # per-client throttles (wrong resume codes, sign-ins) start afresh for each.
    from sqlalchemy import delete

    from feedback_app import db
    from feedback_app.models import LoginThrottle

    with live_server.app.app_context():
        db.session().execute(delete(LoginThrottle))
        db.session().commit()


@pytest.fixture
def new_page(chromium: Browser, live_server: LiveServer) -> Iterator[NewPage]:
    """Open a page in a fresh context (own cookies): ``new_page(width=, height=, js=, locale=)``.

    Every page fails the test if the server answers 5xx or the browser logs an
    error (a script error or a Content-Security-Policy violation).
    """
    contexts: list[tuple[BrowserContext, PageProblems]] = []
    _forget_throttles(live_server)

    def open_page(
        *, width: int = 1280, height: int = 900, js: bool = True, locale: str = "en-GB"
    ) -> Page:
        context = chromium.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=js,
            locale=locale,
        )
        context.set_default_timeout(10_000)
        problems = PageProblems()
        contexts.append((context, problems))
        page = context.new_page()
        page.on("response", lambda r: _server_error(r, problems))
        page.on("console", lambda m: _console_error(m, page, problems))
        page.on("pageerror", lambda e: problems.console_errors.append(f"{page.url}: {e}"))
        return page

    yield open_page
    found: list[str] = []
    for context, problems in contexts:
        context.close()
        found += [f"server error {e}" for e in problems.server_errors]
        found += [f"browser console error {e}" for e in problems.console_errors]
    if found:
        pytest.fail("\n".join(found), pytrace=False)

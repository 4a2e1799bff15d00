"""The KPI board in a browser: at 1280 px nothing is behind a sideways scroll, on a
phone (390 px) each KPI reads as a list; the trend sparklines and benchmarks are
there with their numbers; the board and the benchmark pages (with their error
states) pass axe. Screenshots go to the test's temporary folder for a look."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser import two_step
from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.support.page_checks import page_problems
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser

EMAIL = "board.administrator@demo.example"
PASSWORD = "a long browser-test passphrase"
CSV = """kpi,comparator,name,period,period_end,value,source,published_on
KPI 4/1,England,,2023,2023-12-31,52.0,National parent survey 2023,2024-03-01
KPI 4/1,region,North West,2023,2023-12-31,50.5,National parent survey 2023,2024-03-01
KPI 4/1,neighbour,Wirral,2023,2023-12-31,44.0,Wirral parent survey 2023,2024-02-01
KPI 4/1,neighbour,St Helens,2023,2023-12-31,48.0,St Helens parent survey 2023,2024-02-15
KPI 4/2,England,,2023,2023-12-31,61.0,National parent survey 2023,2024-03-01
"""


@pytest.fixture(scope="module")
def administrator(live_server: LiveServer) -> str:
    """An administrator of the demo area with three closed waves of results and
    benchmarks in the area's plan."""
    from sqlalchemy import select

    from feedback_app import db
    from feedback_app.demo.results import load_demo_results
    from feedback_app.models import LocalArea
    from feedback_app.plan import service
    from feedback_app.plan.benchmarks.service import read_csv, with_figures
    from feedback_app.staff.accounts import create_user
    from feedback_app.staff.roles import Role

    with live_server.app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        create_user(session, area=area, email=EMAIL, role=Role.ADMINISTRATOR, password=PASSWORD)
        session.commit()
        load_demo_results(session, responses_per_wave=60)
        plan = service.area_plan(session, area) or service.start_plan_from_bank(session, area)
        if not plan.get("kpi_4_1") or not plan.get("kpi_4_1").benchmarks:  # type: ignore[union-attr]
            service.save_plan(
                session, area, with_figures(plan, read_csv(CSV, plan)), user_id=None,
                summary="Benchmarks for the browser test",
            )  # fmt: skip
            session.commit()
    return EMAIL


def _sign_in(page: Page, app: Flask, email: str) -> None:
    sign_in_page(page, email, PASSWORD)
    two_step.complete(page, app, email)
    assert "/staff/login" not in page.url, "sign-in failed"


def _shots() -> Path:
    folder = Path(os.environ.get("BOARD_SCREENSHOTS", "/tmp/board-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sideways(page: Page) -> int:
    """How far the page or any element in main can be scrolled sideways, in px."""
    return int(
        page.evaluate(
            """() => {
              const root = document.documentElement;
              let most = root.scrollWidth - root.clientWidth;
              for (const el of document.querySelectorAll('main *')) {
                const style = getComputedStyle(el);
                if (['auto', 'scroll'].includes(style.overflowX)) {
                  most = Math.max(most, el.scrollWidth - el.clientWidth);
                }
              }
              return most;
            }"""
        )
    )


def test_the_board_fits_a_1280_screen_and_reads_as_a_list_on_a_phone(
    new_page: NewPage, live_server: LiveServer, administrator: str
) -> None:
    page = new_page(width=1280, height=900)
    _sign_in(page, live_server.app, administrator)
    page.goto("/staff/demo/results")
    board = page.locator("#kpi-board")
    expect(board).to_be_visible()
    page.screenshot(path=str(_shots() / "board-1280.png"), full_page=True)
    assert _sideways(page) <= 1, "the board scrolls sideways at 1280 px"
    # Every column, the last (commentary and other areas) included, is on screen.
    right = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('#kpi-board th, #kpi-board td')]"
        ".map(c => c.getBoundingClientRect().right))"
    )
    assert right <= 1280, right
    row = page.locator("#kpi-row-kpi_4_1")
    # The trend: an SVG with a name and description, and the numbers written out.
    spark = row.locator(".app-sparkline svg[role=img]")
    expect(spark).to_have_count(1)
    assert (spark.locator("title").text_content() or "").startswith(
        "Trend of KPI 4/1: the last 3 figures"
    )
    numbers = row.locator(".app-sparkline__numbers li")
    expect(numbers).to_have_count(3)
    expect(numbers.first).to_be_visible()
    expect(row.locator("[data-figure=benchmarks]")).to_contain_text("England: 52.0%")
    expect(row.locator("[data-figure=benchmarks]")).to_contain_text(
        "Statistical neighbours' average: 46.0%"
    )

    phone = new_page(width=390, height=844)
    _sign_in(phone, live_server.app, administrator)
    phone.goto("/staff/demo/results")
    phone.screenshot(path=str(_shots() / "board-390.png"), full_page=True)
    assert _sideways(phone) <= 1, "the board scrolls sideways on a phone"
    # A list: each KPI a block, each cell a block with its heading above it.
    assert phone.locator("#kpi-row-kpi_4_1").evaluate("r => getComputedStyle(r).display") == "block"
    cell = phone.locator("#kpi-row-kpi_4_1 td").first
    assert cell.evaluate("c => getComputedStyle(c).display") == "block"
    label = cell.evaluate("c => getComputedStyle(c, '::before').content")
    assert "Agreed baseline" in label
    expect(phone.locator("#kpi-board thead")).to_have_css("position", "absolute")


def _report_path(live_server: LiveServer) -> str:
    """The board report comparing the demo results' first wave with the other two."""
    from sqlalchemy import select

    from feedback_app import db
    from feedback_app.demo.results import load_demo_results
    from feedback_app.models import Wave

    with live_server.app.app_context():
        session = db.session()
        slugs = [w.slug for w in load_demo_results(session, responses_per_wave=60)]
        ids = [session.scalar(select(Wave.id).where(Wave.slug == slug)) for slug in slugs]
        session.commit()
    follow = "&".join(f"follow_up={i}" for i in ids[1:])
    return f"/staff/demo/results/report?baseline={ids[0]}&{follow}"


def _report_reflows(page: Page) -> list[str]:
    """At 320 px every table and chart of the board report fits the screen, or the
    table scrolls in its own focusable, labelled region (WCAG 1.4.10)."""
    expect(page.locator("#report-kpis")).to_be_visible()
    expect(page.locator(".app-results-chart").first).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 640})
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main table, main svg.app-results-chart')]
          .filter(el => {
            const region = el.closest('.app-table-scroll[role=region][tabindex="0"]');
            const box = (region || el).getBoundingClientRect();
            const named = !region || region.getAttribute('aria-label')
              || document.getElementById(region.getAttribute('aria-labelledby') || '');
            return box.right > document.documentElement.clientWidth + 1 || !named;
          })
          .map(el => el.id || el.tagName)"""
    )
    if not wide:
        return []
    return [f"board report at 320px: wider than the screen, not in a region: {wide}"]


def test_the_board_and_benchmark_pages_are_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, administrator: str
) -> None:
    page = new_page()
    _sign_in(page, live_server.app, administrator)
    problems: list[str] = []
    for path in (
        "/staff/demo/results",
        "/staff/demo/results/kpis/kpi_4_1",
        "/staff/demo/plan/benchmarks",
        "/staff/demo/plan/kpis/kpi_4_1/benchmarks",
        "/staff/demo/plan/benchmarks/upload",
        # The agreed baseline with the waves whose figure can be taken (issue 13 §3).
        "/staff/demo/plan/kpis/kpi_4_1/baseline",
        # The board report: its tables scroll in their own regions at 320 px (issue 13).
        _report_path(live_server),
    ):
        page.goto(path, timeout=60_000)  # the report's analysis is slow to make cold
        if path.endswith("/baseline"):
            expect(page.locator("#baseline-wave-table tbody tr")).to_have_count(3)
        if "/results/report" in path:
            problems += _report_reflows(page)
        problems += audit(page, axe_source, path)
        problems += [f"{path}: {p}" for p in page_problems(page.content())]
    # The error states: a figure with nothing filled in, a CSV with bad rows.
    page.goto("/staff/demo/plan/kpis/kpi_4_1/benchmarks")
    page.get_by_role("button", name="Save the benchmark").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += audit(page, axe_source, "benchmark form, with errors")
    problems += [f"form errors: {p}" for p in page_problems(page.content(), expect_error=True)]
    page.goto("/staff/demo/plan/benchmarks/upload")
    page.locator("#text").fill("kpi,comparator,period,period_end,value,source,published_on\n"
                               "KPI 9/9,county,2023,2023-12-31,lots,DfE,2024-02-30\n")  # fmt: skip
    page.get_by_role("button", name="Upload and save the benchmarks").click()
    expect(page.locator("#plan-problems")).to_contain_text("Line 2, column kpi")
    problems += audit(page, axe_source, "benchmark upload, with problems")
    assert not problems, report(problems)

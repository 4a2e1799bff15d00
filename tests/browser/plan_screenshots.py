"""The screenshots in docs/plan.md, taken from the running app in Chromium.

    python -m tests.browser.plan_screenshots [folder]    (default docs/images/plan)

A new area, Peterborough, sets up its plan as docs/plan.md tells an officer to: it
starts from the Sefton Appendix A template, agrees a baseline, adds a staged target,
imports a spreadsheet with mistakes in it, enters KPI 1/2's values and tracks its
actions. The KPI board and the board report are the demo area's, which has three
closed survey waves. Each image is cropped to the part of the page the text talks
about and stored as a palette PNG, so each stays well under 200 KB.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import FloatRect, Locator, Page, sync_playwright

from feedback_app import create_app, db
from feedback_app.migrate import upgrade
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.harness import serving
from tests.support.staff import make_area_with_staff, sign_in_page, signed_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "images" / "plan"
#: Most colours a screenshot keeps (text and GOV.UK colours need far fewer).
COLOURS = 64
VALUES = (
    "Period,Period end,Numerator,Denominator,Value,Source,Note\n"
    "2025-Q3,30/09/2025,25,180,,SEN2 return,\n"
    "2025-Q4,31/12/2025,71,317,,SEN2 return,317 plans finalised in the calendar year\n"
    "2026-Q1,31/03/2026,40,102,,SEN2 return,\n"
)


def _save(shot: bytes, path: Path) -> None:
    """``shot`` as a palette PNG: screenshots of text lose nothing that shows."""
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.name}: {image.width}×{image.height}, {path.stat().st_size // 1024} KB")


def _shoot(target: Page | Locator, path: Path, **options: Any) -> None:
    _save(target.screenshot(animations="disabled", **options), path)


def _shoot_region(page: Page, path: Path, clip: dict[str, float]) -> None:
    """The part ``clip`` of the whole page (measured from the top of the page)."""
    _shoot(page, path, clip=clip, full_page=True)


def _box(page: Page, selector: str) -> FloatRect:
    """Where the element ``selector`` is, from the top of the window (it must be shown)."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    return box


def _main_top(page: Page, path: Path, height: int, *, width: int = 1000) -> None:
    """The page from its back link or heading down, ``width`` × at most ``height`` px."""
    main = page.locator("main").bounding_box()
    first = page.locator(
        "main .govuk-back-link, main .govuk-error-summary, main .govuk-caption-l, main h1"
    ).first
    top = first.bounding_box()
    assert main is not None and top is not None
    # Boxes are measured from the window; the clip from the top of the page.
    scrolled = page.evaluate("window.scrollY")
    main["y"] += scrolled
    y = top["y"] + scrolled - 10
    clip = {"x": main["x"], "y": y, "width": min(width, main["width"]),
            "height": min(height, main["y"] + main["height"] - y)}  # fmt: skip
    _shoot_region(page, path, clip)


def _set_up(app: Any) -> dict[str, Any]:
    """Peterborough's plan as an officer makes it (through the pages, as the web
    tests do) and the demo area's results; returns what the shots need."""
    from sqlalchemy import select

    from feedback_app.demo.loading import load_demo
    from feedback_app.demo.results import load_demo_results
    from feedback_app.models import PlanAction, Wave

    with app.app_context():
        session = db.session()
        load_demo(session)
        session.commit()
        load_demo_results(session, responses_per_wave=400)
        waves = {
            w.slug: w.id
            for w in session.scalars(select(Wave).where(Wave.slug.like("demo-results-%")))
        }
    make_area_with_staff(app, "demo")
    demo = signed_in(app.test_client(), "officer@demo.example")
    demo.get("/staff/demo/results/kpis/kpi_4_1")
    demo.post(
        "/staff/demo/results/kpis/kpi_4_1/commentary",
        {"body": "Up after the forum's co-production events; the 24-month target is in reach."},
    )
    make_area_with_staff(app, "peterborough", plan=False)
    officer = signed_in(app.test_client(), "officer@peterborough.example")
    officer.get("/staff/peterborough/plan")
    officer.post(
        "/staff/peterborough/plan/start",
        {"template": "sefton-appendix-a", "starts_on-day": "30", "starts_on-month": "6",
         "starts_on-year": "2025"},
    )  # fmt: skip
    officer.get("/staff/peterborough/plan/kpis/kpi_1_2/values")
    officer.post(
        "/staff/peterborough/plan/kpis/kpi_1_2/values/upload",
        {"values_file": (io.BytesIO(VALUES.encode()), "ehcp-20-weeks.csv")},
    )
    officer.get("/staff/peterborough/plan/statuses")
    officer.post("/staff/peterborough/plan/statuses/preset", {"preset": "brag_peterborough"})
    today = dt.date.today()
    for reference, action, owner, organisation, due, status, commentary in (
        ("1.1.1", "Set up a duty line that answers within one working day.",
         "Head of SEND", "Council", today + dt.timedelta(days=120), "green", ""),
        ("1.2.1", "Clear the backlog of EHC needs assessments over 20 weeks.",
         "EHC team manager", "Council", today - dt.timedelta(days=20), "amber",
         "Two educational psychologists joined in May; the backlog is down from 61 to 38."),
        ("4.1.1", "Co-produce the annual parent carer survey with the forum.",
         "Forum chair", "Parent carer forum", today + dt.timedelta(days=60), "blue", ""),
        ("5.1.1", "Add a second dietetics clinic in the north of the city.",
         "Designated clinical officer", "NHS ICB", today + dt.timedelta(days=200), "red",
         "The ICB has not yet agreed the funding; escalated to the partnership board."),
    ):  # fmt: skip
        officer.get("/staff/peterborough/plan/actions/new")
        officer.post(
            "/staff/peterborough/plan/actions/new",
            {"reference": reference, "priority": "Families get timely, joined-up support",
             "action": action, "owner": owner, "organisation": organisation,
             "due_on-day": str(due.day), "due_on-month": str(due.month),
             "due_on-year": str(due.year), "kpi_references": ["KPI 1/2"]},
        )  # fmt: skip
        with app.app_context():
            action_id = db.session().scalar(
                select(PlanAction.id).where(PlanAction.reference == reference)
            )
        status_page = f"/staff/peterborough/plan/actions/{action_id}/status"
        officer.get(status_page)
        officer.post(
            status_page,
            {"status": status, "status_date-day": str(today.day),
             "status_date-month": str(today.month), "status_date-year": str(today.year),
             "commentary": commentary},
        )  # fmt: skip
    return {
        "report": (
            f"/staff/demo/results/report?baseline={waves['demo-results-baseline']}"
            f"&follow_up={waves['demo-results-follow-up']}&follow_up={waves['demo-results-repeat']}"
            "&audience=Health+and+Wellbeing+Board"
        ),
    }


def _sign_in(page: Page, email: str) -> None:
    sign_in_page(page, email)
    assert "/staff/login" not in page.url, "sign-in failed"


def _bad_workbook(page: Page) -> bytes:
    """The plan exported as XLSX with three mistakes an officer might make."""
    response = page.request.get("/staff/peterborough/plan/plan.xlsx")
    book = load_workbook(io.BytesIO(response.body()))
    kpis = book["KPIs"]
    headers = {cell.value: cell.column_letter for cell in kpis[1]}
    kpis[f"{headers['Baseline']}2"] = "about 38.5"
    kpis[f"{headers['Target 1 due date']}3"] = "end of next year"
    kpis[f"{headers['KPI id']}4"] = "kpi_4_2"
    values = book["Values"]
    columns = [cell.value for cell in values[1]]
    for row in list(values.iter_rows(min_row=2, max_row=2, values_only=True)):
        values.append(list(row))  # the same period twice
    assert columns
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def take(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screenshots.sqlite"
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "screenshots-" + "x" * 40})
        found = _set_up(app)
        with serving(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            _sign_in(page, "officer@peterborough.example")

            page.goto("/staff/peterborough/plan")
            _main_top(page, folder / "plan-overview.png", 1100)

            page.goto("/staff/peterborough/plan/kpis/kpi_4_1/baseline")
            _main_top(page, folder / "plan-baseline.png", 1100, width=820)

            page.goto("/staff/peterborough/plan/kpis/kpi_4_1/targets")
            page.locator("#rule").select_option("baseline_plus_pp")
            page.locator("#value").fill("20")
            page.locator("#due_months").fill("36")
            page.locator("#label").fill("36 months (Jun-28)")
            page.locator("#label").blur()
            _main_top(page, folder / "plan-target.png", 1100, width=820)

            bad = _bad_workbook(page)
            page.goto("/staff/peterborough/plan/import")
            page.locator("#plan_file").set_input_files(
                files=[{"name": "Appendix A.xlsx", "mimeType": "application/octet-stream",
                        "buffer": bad}]
            )  # fmt: skip
            page.get_by_role("button", name="Import and replace the plan").click()
            page.wait_for_load_state()
            _main_top(page, folder / "plan-import-problems.png", 420, width=820)

            page.goto("/staff/peterborough/plan/kpis/kpi_1_2/values")
            _main_top(page, folder / "plan-values.png", 1000)

            page.goto("/staff/peterborough/plan/actions")
            _main_top(page, folder / "plan-actions.png", 1300)

            demo = context.browser.new_context(  # type: ignore[union-attr]
                base_url=base, viewport={"width": 1280, "height": 900}
            )
            board = demo.new_page()
            _sign_in(board, "officer@demo.example")
            board.goto("/staff/demo/results")
            box = _box(board, "#kpi-board")
            clip = {
                "x": 0,
                "y": box["y"] - 60,
                "width": 1280,
                "height": min(box["height"], 900) + 60,
            }
            _shoot_region(board, folder / "board-1280.png", clip)

            phone = browser.new_context(base_url=base, viewport={"width": 390, "height": 844},
                                        device_scale_factor=1)  # fmt: skip
            small = phone.new_page()
            _sign_in(small, "officer@demo.example")
            small.goto("/staff/demo/results")
            _shoot(small.locator("#kpi-row-kpi_4_1"), folder / "board-390.png")

            board.goto(found["report"], timeout=300_000)
            box = _box(board, "#report-kpis")
            clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": 1000}
            _shoot_region(board, folder / "board-report.png", clip)
            browser.close()


if __name__ == "__main__":
    take(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS)

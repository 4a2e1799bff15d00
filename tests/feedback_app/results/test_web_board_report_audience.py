"""The board pack names the board it is for and the plan version its targets come
from (issue 13 §7), on the page and in the PDF; a name too long is refused plainly."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pikepdf
import yaml
from flask import Flask
from openpyxl import load_workbook

from tests.feedback_app.results.test_web_accessible_documents import _outline_titles
from tests.feedback_app.results.test_web_results_downloads import _setup
from tests.support.staff import signed_in


def _selection(ids: dict[str, int]) -> str:
    return f"baseline={ids['baseline']}&follow_up={ids['follow-up']}&follow_up={ids['repeat']}"


def test_the_report_names_its_board_and_plan_version(app: Flask, demo: dict[str, str]) -> None:
    ids = _setup(app, demo)
    officer = signed_in(app.test_client(), "officer@demo.example")
    usual = unescape(
        officer.get(f"/staff/demo/results/report?{_selection(ids)}").get_data(as_text=True)
    )
    assert "results for the SEND Improvement Board" in usual
    assert "from version 1 of the area's improvement plan, as it stood on" in usual

    chosen = f"{_selection(ids)}&audience=the+Health+and+Wellbeing++Board"
    # Chosen on Downloads: the form leads to the report with the board's name.
    led = officer.client.get(f"/staff/demo/downloads/analysis?{chosen}&format=html")
    assert led.status_code == 302 and "audience=Health+and+Wellbeing+Board" in led.location
    page = officer.get(f"/staff/demo/results/report?{chosen}")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Parent carer survey: results for the Health and Wellbeing Board" in html
    assert "audience=Health+and+Wellbeing+Board" in html  # the PDF link keeps it
    if "sqlite" not in app.config["DATABASE_URL"]:
        return  # WeasyPrint is slow and the PDF does not depend on the database
    pdf = officer.get(f"/staff/demo/results/report.pdf?{chosen}")
    assert pdf.status_code == 200
    titles = _outline_titles(pikepdf.open(io.BytesIO(pdf.data)))
    assert "Parent carer survey: results for the Health and Wellbeing Board" in titles


def test_a_board_name_too_long_is_refused(app: Flask, demo: dict[str, str]) -> None:
    ids = _setup(app, demo)
    officer = signed_in(app.test_client(), "officer@demo.example")
    for path in ("report", "report.pdf"):
        page = officer.get(f"/staff/demo/results/{path}?{_selection(ids)}&audience={'B' * 121}")
        html = unescape(page.get_data(as_text=True))
        assert page.status_code == 400
        assert "The board's name must be 120 characters or fewer" in html
        assert 'href="#audience"' in html


def test_the_board_pack_workbook_holds_the_reports_figures(
    app: Flask, demo: dict[str, str]
) -> None:
    """The report as XLSX: the same words and figures as the page (suppressed and
    rounded once), the board's name and plan version, a read-me sheet first."""
    ids = _setup(app, demo)
    officer = signed_in(app.test_client(), "officer@demo.example")
    chosen = f"{_selection(ids)}&audience=Health+and+Wellbeing+Board"
    page = unescape(officer.get(f"/staff/demo/results/report?{chosen}").get_data(as_text=True))
    assert "report.xlsx?" in page
    response = officer.client.get(f"/staff/demo/results/report.xlsx?{chosen}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:5] == ["Read me", "Board pack", "KPIs", "Targets", "Benchmarks"]
    about = {row[0]: row[1] for row in book["Board pack"].iter_rows(min_row=3, values_only=True)}
    assert about["Report for"] == "Health and Wellbeing Board"
    assert str(about["Plan version"]).startswith("Version 1, as it stood on")
    kpis = list(book["KPIs"].iter_rows(min_row=3, values_only=True))
    assert kpis and all(not sheet.merged_cells.ranges for sheet in book.worksheets)
    assert not any(str(row[5] or "").startswith("'") for row in kpis)  # no neutralised sign
    for reference, _title, kind, baseline, latest, *_rest in kpis:
        if kind != "Survey":
            continue
        # Each figure is the text the page shows for that KPI, not a number made here.
        row = page.split(f'<th scope="row" class="govuk-table__header">{reference}</th>', 1)[1]
        cells = row.split("</tr>", 1)[0]
        assert f">{baseline}<" in cells and f">{latest}<" in cells
    targets = list(book["Targets"].iter_rows(min_row=3, values_only=True))
    assert any(row[0] == "KPI 4/1" for row in targets)
    with app.app_context():
        from sqlalchemy import select

        from feedback_app import db
        from feedback_app.models import AuditEvent

        event = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.action == "download_report"))
            .all()[-1]
        )
        assert event.detail is not None and event.detail["format"] == "xlsx"
    too_long = f"{_selection(ids)}&audience={'B' * 121}"
    refused = officer.client.get(f"/staff/demo/results/report.xlsx?{too_long}")
    assert refused.status_code == 400


ENTERED = """\
    values:
      - {period: 2025-Q1, date: 2025-03-31, numerator: 25, denominator: 180, source: SEN2}
      - {period: 2025-Q2, date: 2025-06-30, numerator: 71, denominator: 317, source: SEN2}
    benchmarks:
      - {comparator: england, period: '2024', date: 2024-12-31, value: 46.4,
         source: SEN2 statistics, published_on: 2025-06-26}
"""


def test_the_board_pack_carries_status_commentary_targets_trend_and_entered_kpis(
    app: Flask, demo: dict[str, str]
) -> None:
    """Issue 13 §7: the page, the PDF and the workbook carry what the board shows:
    each KPI's status (an override said as one), its commentary, both staged targets
    with their due dates, benchmarks, the trend, the entered KPIs beside the survey
    ones, the action tracker summary, the board's name and the plan version."""
    ids = _setup(app, demo)
    officer = signed_in(app.test_client(), "officer@demo.example")
    plan = officer.client.get("/staff/demo/plan/plan.yaml").get_data(as_text=True)
    block = plan.index("  - id: kpi_1_2")
    at = plan.index("    measure: proportion\n", block) + len("    measure: proportion\n")
    officer.get("/staff/demo/plan/import")
    imported = officer.post("/staff/demo/plan/import", {"text": plan[:at] + ENTERED + plan[at:]})
    assert "Plan imported" in imported.get_data(as_text=True)
    officer.get("/staff/demo/results/kpis/kpi_4_1")
    officer.post(
        "/staff/demo/results/kpis/kpi_4_1/commentary",
        {"body": "Trust rose after the co-production events; the forum checked the figures."},
    )
    officer.get("/staff/demo/plan/kpi-status")
    officer.post(
        "/staff/demo/plan/kpi-status",
        {"kpi": "KPI 1/2", "status": "amber", "reason": "Two plans await panel sign-off."},
    )
    officer.get("/staff/demo/plan/actions/new")
    officer.post(
        "/staff/demo/plan/actions/new",
        {"reference": "4.1.1", "priority": "Co-production", "action": "Run two forum events.",
         "owner": "Head of SEND", "organisation": "Council", "due_on-day": "31",
         "due_on-month": "3", "due_on-year": "2026", "kpi_references": ["KPI 4/1"]},
    )  # fmt: skip

    chosen = f"{_selection(ids)}&audience=Health+and+Wellbeing+Board"
    html = officer.get(f"/staff/demo/results/report?{chosen}").get_data(as_text=True)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "results for the Health and Wellbeing Board" in text
    assert "from version 2 of the area's improvement plan" in text
    headline = html.split('id="report-kpis"', 1)[1].split("</table>", 1)[0]
    row_4_1 = headline.split('data-kpi="kpi_4_1"', 1)[1].split("</tr>", 1)[0]
    assert 'data-figure="status"' in row_4_1
    # Both staged targets: "due <date>" until their date, then met or not met on a
    # wave. The demo plan's dates move with today (demo_plan_start), so they are
    # read from the plan rather than written here.
    kpi_4_1 = next(k for k in yaml.safe_load(plan)["kpis"] if k["id"] == "kpi_4_1")
    for target in kpi_4_1["targets"]:
        due = dt.date.fromisoformat(str(target["due_on"]))
        if due > dt.date.today():
            assert f"due {due.day} {due:%b %Y}" in row_4_1
    judged = sum(
        1
        for target in kpi_4_1["targets"]
        if dt.date.fromisoformat(str(target["due_on"])) <= dt.date.today()
    )
    assert row_4_1.count("met (on ") == judged
    commentary = html.split('id="report-commentary"', 1)[1].split("</dl>", 1)[0]
    assert "Trust rose after the co-production events" in commentary
    assert "officer@demo.example" in commentary
    entered = html.split('id="report-entered"', 1)[1].split("</table>", 1)[0]
    entered_text = " ".join(unescape(re.sub(r"<[^>]+>", " ", entered)).split())
    assert "KPI 1/2" in entered_text and "22.4% (2025-Q2)" in entered_text
    assert "2025-Q1: 13.9%; 2025-Q2: 22.4%" in entered_text  # the trend, oldest first
    assert "England: 46.4%" in entered_text
    assert "Override: Two plans await panel sign-off." in entered_text
    assert 'id="action-tracker"' in html

    book = load_workbook(
        io.BytesIO(officer.client.get(f"/staff/demo/results/report.xlsx?{chosen}").data)
    )
    header = [c.value for c in book["KPIs"][2]]
    rows = {
        row[0]: dict(zip(header, row, strict=True))
        for row in book["KPIs"].iter_rows(min_row=3, values_only=True)
    }
    assert rows["KPI 4/1"]["Commentary"].startswith("Trust rose after the co-production")
    assert rows["KPI 4/1"]["Commentary by"].startswith("officer@demo.example, ")
    assert rows["KPI 4/1"]["Status"] and rows["KPI 4/1"]["Kind"] == "Survey"
    assert rows["KPI 1/2"]["Kind"] == "Entered" and rows["KPI 1/2"]["Latest"] == "22.4% (2025-Q2)"
    assert rows["KPI 1/2"]["Status override"].startswith("Override: Two plans await")
    assert rows["KPI 1/2"]["Trend: the last 6 figures, oldest first"] == (
        "2025-Q1: 13.9%; 2025-Q2: 22.4%"
    )
    # Each status is the page's words for that KPI.
    for reference, row in rows.items():
        assert row["Status"] and row["Status"] in text, reference
    targets = [r for r in book["Targets"].iter_rows(min_row=3, values_only=True)]
    due_dates = [dt.date.fromisoformat(str(t["due_on"])) for t in kpi_4_1["targets"]]
    assert [r[3] for r in targets if r[0] == "KPI 4/1"] == [
        f"{due.day} {due:%b %Y}" for due in due_dates
    ]
    assert any(r[0] == "KPI 1/2" for r in targets)
    benchmarks = [r for r in book["Benchmarks"].iter_rows(min_row=3, values_only=True)]
    assert ("KPI 1/2", "England", "46.4%") in [r[:3] for r in benchmarks]
    assert "Actions by status" in book.sheetnames

    if "sqlite" not in app.config["DATABASE_URL"]:
        return  # WeasyPrint is slow and the PDF does not depend on the database
    pdf = officer.get(f"/staff/demo/results/report.pdf?{chosen}")
    titles = _outline_titles(pikepdf.open(io.BytesIO(pdf.data)))
    assert "Commentary on each KPI" in titles and "Action tracker" in titles

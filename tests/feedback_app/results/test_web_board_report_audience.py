"""The board pack names the board it is for and the plan version its targets come
from (issue 13 §7), on the page and in the PDF; a name too long is refused plainly."""

from __future__ import annotations

import io
from html import unescape

import pikepdf
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
    assert not any(str(row[4] or "").startswith("'") for row in kpis)  # no neutralised sign
    for reference, _title, baseline, latest, *_rest in kpis:
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

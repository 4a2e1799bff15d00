"""The board pack names the board it is for and the plan version its targets come
from (issue 13 §7), on the page and in the PDF; a name too long is refused plainly."""

from __future__ import annotations

import io
from html import unescape

import pikepdf
from flask import Flask

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

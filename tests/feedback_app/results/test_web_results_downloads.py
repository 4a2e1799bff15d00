"""Officers' downloads: responses (CSV, XLSX), analysis tables (zip, XLSX), board report.

One small demo area (three closed waves) plus one response whose free text would
run as a formula in a spreadsheet. Every download is checked for its status, type,
file name, audit event with row counts, and content; the XLSX files cell by cell.
"""

from __future__ import annotations

import csv
import io
import zipfile

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.demo.results import load_demo_results
from feedback_app.models import AuditEvent, Response, Wave
from feedback_app.respond import journey
from tests.support.staff import make_area_with_staff, signed_in

PER_WAVE = 30
#: Free-text answers a spreadsheet would run as formulas if written as they are.
RISKY = {
    "works_well": '=HYPERLINK("http://evil.example","click")',
    "one_improvement": "+1",
}
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _setup(app: Flask, demo: dict[str, str]) -> dict[str, int]:
    """Three closed demo waves, one risky response in the baseline; returns wave ids."""
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=PER_WAVE)
        waves = {
            w.slug: w for w in session.scalars(select(Wave).where(Wave.slug.like("demo-results-%")))
        }
        baseline = waves["demo-results-baseline"]
        questionnaire = questionnaire_for(baseline.version)
        response = journey.start_response(session, baseline, language="en", channel="paper")
        for page in (
            {"plan_type": "ehcp"},
            {"trust_confidence": "agree"},
            {"services_used": ("sendiass", "camhs")},
            RISKY,
        ):
            journey.save_page(session, response, cleaned=page, language="en")
        assert journey.submit(session, response, questionnaire)
        ids = {slug.removeprefix("demo-results-"): w.id for slug, w in waves.items()}
    make_area_with_staff(app, "demo")
    return ids


def _demo_waves(app: Flask, demo: dict[str, str]) -> dict[str, int]:
    """Two of the demo area's (open, empty) waves, without loading results."""
    make_area_with_staff(app, "demo")
    with app.app_context():
        found = {
            w.slug: w.id
            for w in db.session().scalars(select(Wave).where(Wave.slug.in_(demo.values())))
        }
    return {"baseline": found[demo["parent_annual"]], "repeat": found[demo["parent_follow_up"]]}


def _audit(app: Flask, action: str) -> dict[str, object]:
    with app.app_context():
        events = db.session().scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        assert len(events) == 1, action
        assert events[0].user_id is not None
        return dict(events[0].detail)


def _counted(app: Flask, wave_ids: list[int]) -> int:
    with app.app_context():
        return int(
            db.session().scalar(
                select(func.count()).where(
                    Response.wave_id.in_(wave_ids), Response.status == "submitted"
                )
            )
        )


def _disposition(response, suffix: str) -> None:  # type: ignore[no-untyped-def]
    value = response.headers["Content-Disposition"]
    assert value.startswith('attachment; filename="') and value.endswith(f'{suffix}"'), value


def test_every_download_is_safe_complete_and_audited(app: Flask, demo: dict[str, str]) -> None:
    ids = _setup(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")
    page = browser.get("/staff/demo/downloads")
    assert page.status_code == 200
    assert b"/staff/demo/downloads" in browser.get("/staff/demo/").data  # in the navigation
    text = page.get_data(as_text=True)
    assert f'data-wave="{ids["baseline"]}">{PER_WAVE + 1}<' in text

    # Responses as CSV: one row per counted response, codes and labels, formulas neutralised.
    query = f"wave={ids['baseline']}&wave={ids['follow-up']}"
    response = browser.client.get(f"/staff/demo/downloads/responses?{query}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    _disposition(response, ".csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    expected = _counted(app, [ids["baseline"], ids["follow-up"]])
    assert len(body) == expected == 2 * PER_WAVE + 1
    assert header[:5] == ["response", "wave", "channel", "language", "submitted"]
    assert {"trust_confidence", "trust_confidence_label", "works_well", "what_changed"} <= set(
        header
    )
    assert [r[0] for r in body] == [str(n) for n in range(1, expected + 1)]
    risky = next(r for r in body if r[header.index("works_well")].startswith("'="))
    assert risky[header.index("one_improvement")] == "'+1"
    assert risky[header.index("trust_confidence_label")] == "Agree"
    assert risky[header.index("services_used")] == "sendiass; camhs"
    assert risky[header.index("services_used_label")].startswith("SENDIASS")
    assert risky[header.index("channel")] == "paper"
    assert len(risky[header.index("submitted")]) == 10  # a date, no time of day
    assert _audit(app, "download_responses") == {
        "format": "csv",
        "waves": [ids["baseline"], ids["follow-up"]],
        "rows": expected,
    }

    # Responses as XLSX: every text cell a string, never a formula.
    response = browser.client.get(
        f"/staff/demo/downloads/responses?wave={ids['baseline']}&format=xlsx"
    )
    assert response.status_code == 200 and response.mimetype == XLSX
    _disposition(response, ".xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Read me", "responses", "questions"]
    assert "Suppression: none" in str(book["Read me"]["A4"].value)
    sheet = book["responses"]
    header = [c.value for c in sheet[1]]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert sheet.max_row - 1 == PER_WAVE + 1
    assert all(c.data_type != "f" for c in cells)
    texts = [c for c in cells if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in texts)
    assert not [c.value for c in texts if c.value.startswith(RISKY_STARTS)]
    values = {c.value for c in texts}
    assert "'" + RISKY["works_well"] in values and "'+1" in values
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == PER_WAVE + 1)
    assert row[header.index("trust_confidence")] == "agree"
    assert row[header.index("trust_confidence_label")] == "Agree"
    assert isinstance(row[0], int)
    with app.app_context():
        latest = db.session().scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "download_responses")
            .order_by(AuditEvent.id.desc())
        )
        assert latest.first().detail == {
            "format": "xlsx",
            "waves": [ids["baseline"]],
            "rows": PER_WAVE + 1,
        }

    # Every analysis table: one formatted workbook, and a zip of CSV files.
    selection = f"baseline={ids['baseline']}&follow_up={ids['follow-up']}&follow_up={ids['repeat']}"
    response = browser.client.get(f"/staff/demo/downloads/analysis?{selection}&format=xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    _disposition(response, ".xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert {"wave2_kpis", "wave3_kpis", "trend", "wave1_distributions"} <= set(book.sheetnames)
    kpis = book["wave3_kpis"]
    assert kpis.freeze_panes == "A3" and kpis["A2"].font.b
    header = [c.value for c in kpis[2]]
    first = kpis.cell(row=3, column=header.index("baseline_percent") + 1)
    assert isinstance(first.value, float) and first.number_format == '0.0"%"'
    assert kpis.column_dimensions["B"].width > 10
    # Labels, never codes (issue 14): each code column has its label beside it.
    assert header.index("group_label") == header.index("group") + 1
    groups = {
        row[header.index("group")]: row[header.index("group_label")]
        for row in kpis.iter_rows(min_row=3, values_only=True)
        if row[header.index("breakdown")] == "plan_type"
    }
    assert groups.get("ehcp") not in (None, "ehcp"), groups
    options = [c.value for c in book["wave1_distributions"][2]]
    assert {"question_text", "option_label"} <= set(options)
    detail = _audit(app, "download_analysis")
    tables = book.worksheets[1:]  # after the "Read me" sheet
    assert detail["format"] == "xlsx" and detail["tables"] == len(tables)
    assert detail["rows"] == sum(s.max_row - 2 for s in tables)

    response = browser.client.get(
        f"/staff/demo/downloads/analysis?{selection}&format=zip&publication=1"
    )
    assert response.status_code == 200 and response.mimetype == "application/zip"
    _disposition(response, ".zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {f"{s.title}.csv" for s in tables}
    kpi_csv = archive.read("wave3_kpis.csv").decode("utf-8")
    assert kpi_csv.startswith("\ufeffkpi_id,")

    # The board report: a staff page that passes the page checks, and the same as PDF.
    page = browser.get(f"/staff/demo/results/report?{selection}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="report-kpis"' in html and "KPI 4/1" in html and "<svg" in html
    assert "/static/report.css?v=" in html
    if "sqlite" not in app.config["DATABASE_URL"]:
        return  # WeasyPrint is slow and the PDF does not depend on the database: once a run
    response = browser.client.get(f"/staff/demo/results/report.pdf?{selection}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    _disposition(response, ".pdf")
    assert response.data.startswith(b"%PDF-")
    detail = _audit(app, "download_report")
    assert detail["pages"] >= 3
    assert detail["rows"] == _counted(app, list(ids.values()))


BAD_CHOICES = (
    "/staff/demo/downloads/responses?wave=abc&format=csv",
    "/staff/demo/downloads/responses?wave=999999&format=csv",
    "/staff/demo/downloads/responses?format=csv",
    "/staff/demo/downloads/responses?wave={baseline}&format=exe",
    "/staff/demo/downloads/analysis?baseline={baseline}&follow_up={baseline}&format=xlsx",
    "/staff/demo/downloads/analysis?baseline={baseline}&format=zip",
    "/staff/demo/downloads/analysis?baseline={baseline}&follow_up={repeat}&format=doc",
    "/staff/demo/results/report?baseline={baseline}",
    "/staff/demo/results/report.pdf?follow_up={repeat}",
)


def test_bad_choices_are_shown_on_the_page_and_nothing_is_audited(
    app: Flask, demo: dict[str, str]
) -> None:
    ids = _demo_waves(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")
    for path in BAD_CHOICES:
        response = browser.get(path.format(**ids))  # page checks: error summary links work
        assert response.status_code == 400, path
        assert "There is a problem" in response.get_data(as_text=True), path
    with app.app_context():
        actions = db.session().scalars(select(AuditEvent.action)).all()
    assert not [a for a in actions if a.startswith("download")]


def test_coordinators_cannot_download(app: Flask, demo: dict[str, str]) -> None:
    ids = _demo_waves(app, demo)
    browser = signed_in(app.test_client(), "coordinator@demo.example")
    selection = f"baseline={ids['baseline']}&follow_up={ids['repeat']}"
    for path in (
        "/staff/demo/downloads",
        f"/staff/demo/downloads/responses?wave={ids['baseline']}&format=csv",
        f"/staff/demo/downloads/analysis?{selection}&format=xlsx",
        f"/staff/demo/results/report?{selection}",
        f"/staff/demo/results/report.pdf?{selection}",
    ):
        assert browser.client.get(path).status_code == 403, path
    assert b"/staff/demo/downloads" not in browser.get("/staff/demo/").data


def test_a_wave_with_1_to_4_responses_says_fewer_than_5(app: Flask, demo: dict[str, str]) -> None:
    """Issue 14 §4: the downloads page said "4 responses" where the monitor says
    "fewer than 5"; one small-number wording everywhere."""
    ids = _demo_waves(app, demo)
    with app.app_context():
        session = db.session()
        wave = session.get(Wave, ids["repeat"])
        assert wave is not None
        questionnaire = questionnaire_for(wave.version)
        first = questionnaire.pages[0].questions[0]
        for _ in range(4):
            response = journey.start_response(session, wave, language="en", channel="online")
            journey.save_page(
                session, response, cleaned={first.id: first.options[0].code}, language="en"
            )
            assert journey.submit(session, response, questionnaire)
    browser = signed_in(app.test_client(), "officer@demo.example")
    text = browser.get("/staff/demo/downloads").get_data(as_text=True)
    assert "fewer than 5 responses" in text
    assert "4 responses" not in text

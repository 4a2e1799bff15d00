"""The plan's benchmarks: entered on a page or uploaded as CSV (every bad row named,
nothing written), versioned with the plan, carried by the plan file, shown beside the
area's figure and used by "the higher of a level and a benchmark" targets."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import AreaPlan, AuditEvent, PlanRevision, Wave
from surveys.kpis import parse_kpi_bank
from tests.feedback_app.plan.test_web_plan import KPI_1_2_VALUES, _rows, _wave
from tests.feedback_app.plan.test_web_plan import _version as _questionnaire
from tests.support.staff import make_area_with_staff, signed_in


def _sefton(app: Flask):  # type: ignore[no-untyped-def]
    staff = make_area_with_staff(app, "sefton", plan=False)
    officer = signed_in(app.test_client(), staff["officer"])
    officer.get("/staff/sefton/plan")
    officer.post("/staff/sefton/plan/start", {"template": "sefton-appendix-a"})
    exported = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    marker = "  - id: kpi_5_1\n"
    officer.get("/staff/sefton/plan/import")
    officer.post(
        "/staff/sefton/plan/import", {"text": exported.replace(marker, KPI_1_2_VALUES + marker)}
    )
    return staff, officer


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _version(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(AreaPlan.version))  # type: ignore[return-value]


ENGLAND = {
    "comparator": "england", "period": "2019", "date-day": "31", "date-month": "12",
    "date-year": "2019", "value": "60.1", "source": "DfE SEN2 2019",
    "published_on-day": "20", "published_on-month": "6", "published_on-year": "2020",
}  # fmt: skip


def test_entered_benchmarks_set_the_comparator_targets_and_show_beside_the_figure(
    app: Flask,
) -> None:
    _staff, officer = _sefton(app)
    page = officer.get("/staff/sefton/plan/kpis/kpi_1_2/benchmarks")
    assert page.status_code == 200
    before = _version(app)
    saved = officer.post("/staff/sefton/plan/kpis/kpi_1_2/benchmarks", ENGLAND)
    assert "Benchmark saved" in saved.get_data(as_text=True)
    later = {**ENGLAND, "period": "2020", "date-year": "2020", "value": "58.2",
             "published_on-year": "2021", "source": "DfE SEN2 2020"}  # fmt: skip
    officer.post("/staff/sefton/plan/kpis/kpi_1_2/benchmarks", later)
    assert _version(app) == before + 2

    # A region needs its name; a percentage over 100 is refused; nothing written.
    refused = officer.post(
        "/staff/sefton/plan/kpis/kpi_1_2/benchmarks",
        {**ENGLAND, "comparator": "region", "value": "160"},
    )
    assert refused.status_code == 400
    text = unescape(refused.get_data(as_text=True))
    assert "a region benchmark needs its 'name'" in text
    assert _version(app) == before + 2

    rows = _rows(unescape(officer.get("/staff/sefton/results").get_data(as_text=True)))
    ehcp = rows["KPI 1/2"]
    # Beside the area's 22.4%: the latest England figure with source and date.
    assert ehcp[2].startswith("22.4% 2019-Q4")
    assert ehcp[6] == "England: 58.2% (2020; DfE SEN2 2020, published 20 Jun 2021)"
    # Oct-20: 50% or England's 2019 figure (the latest by then), 60.1%; Jun-21: 75%
    # (higher than 2020's 58.2%).
    assert "60.1% (50.0% or National average, whichever is the higher" in ehcp[3]
    assert "England: 60.1% (2019; DfE SEN2 2019, published 20 Jun 2020)" in ehcp[3]
    assert "75.0% (75.0% or National average, whichever is the higher" in ehcp[3]
    assert "National average is not entered yet" not in ehcp[3]

    kpi = unescape(officer.get("/staff/sefton/results/kpis/kpi_1_2").get_data(as_text=True))
    published = _text(kpi.split('id="kpi-published"', 1)[1].split("</dd>", 1)[0])
    assert "This area: 22.4% (2019-Q4)" in published and "England: 58.2%" in published

    # Versioned and audited like every plan change; removing one is a version too.
    with app.app_context():
        detail = (
            db.session()
            .scalars(select(AuditEvent.detail).where(AuditEvent.action == "plan_changed"))
            .all()[-1]
        )
        assert detail["changed"] == ["kpi_1_2"]
    listing = officer.get("/staff/sefton/plan/benchmarks")
    assert "DfE SEN2 2019" in listing.get_data(as_text=True)
    removed = officer.post("/staff/sefton/plan/kpis/kpi_1_2/benchmarks/1/remove", {})
    assert "Benchmark removed" in removed.get_data(as_text=True)
    assert "DfE SEN2 2019" not in removed.get_data(as_text=True)
    assert (
        officer.post("/staff/sefton/plan/kpis/kpi_1_2/benchmarks/9/remove", {}).status_code == 404
    )


CSV_GOOD = """kpi,comparator,name,period,period_end,value,source,published_on,note
KPI 4/1,England,,2020,2020-12-31,52.0,National parent survey,2021-03-01,
KPI 4/1,region,North West,2020,2020-12-31,50.5,National parent survey,2021-03-01,
kpi_4_1,neighbour,Wirral,2020,2020-12-31,44.0,Wirral survey,2021-02-01,
kpi_4_1,neighbour,St Helens,2020,2020-12-31,48.0,St Helens survey,2021-02-15,
"""


def test_a_benchmark_csv_lists_every_bad_row_and_writes_nothing(app: Flask) -> None:
    _staff, officer = _sefton(app)
    assert officer.get("/staff/sefton/plan/benchmarks/upload").status_code == 200
    before = _version(app)
    bad = (
        "kpi,comparator,name,period,period_end,value,source,published_on\n"
        "KPI 4/1,England,,2020,2020-12-31,52.0,DfE,2021-03-01\n"
        "KPI 9/9,England,,2020,2020-12-31,52.0,DfE,2021-03-01\n"
        "KPI 4/1,county,,2020,2020-12-31,52.0,DfE,2021-03-01\n"
        "KPI 4/1,region,,2020,2020-12-31,lots,DfE,2021-03-01\n"
        "KPI 4/1,region,,2020,2020-12-31,50,DfE,2021-02-30\n"
        "KPI 4/1,England,,2020,2020-12-31,152.0,DfE,2021-03-01\n"
        "KPI 4/1,England,,2020,2020-12-31,51.0,DfE,2021-03-01\n"
    )
    response = officer.post("/staff/sefton/plan/benchmarks/upload", {"text": bad})
    assert response.status_code == 400
    text = unescape(response.get_data(as_text=True))
    assert "Line 3, column kpi: no KPI 'KPI 9/9' in the plan" in text
    assert "Line 4, column comparator: must be England, region, neighbours or neighbour" in text
    assert "Line 5, column value: enter a number, like 58.2" in text
    assert "Line 6, column published_on:" in text
    assert "Line 7, column value: must be 0 to 100 (per cent)" in text
    assert "Line 8, column period: this comparator's period is also on line 2" in text
    assert _version(app) == before
    missing = officer.post("/staff/sefton/plan/benchmarks/upload", {"text": "kpi,value\nx,1\n"})
    assert missing.status_code == 400
    assert "Line 1: missing columns: comparator, period" in unescape(missing.get_data(as_text=True))
    assert _version(app) == before

    saved = officer.post("/staff/sefton/plan/benchmarks/upload", {"text": CSV_GOOD})
    assert "4 benchmark figures saved" in unescape(saved.get_data(as_text=True))
    assert _version(app) == before + 1

    # The named neighbours' average is worked out (46.0%) and shown with the rest.
    kpi = unescape(officer.get("/staff/sefton/results/kpis/kpi_4_1").get_data(as_text=True))
    published = _text(kpi.split('id="kpi-published"', 1)[1].split("</dd>", 1)[0])
    for expected in (
        "England: 52.0%", "North West (region): 50.5%", "Statistical neighbours' average: 46.0%",
        "Mean of 2 statistical neighbours (St Helens survey, Wirral survey)",
        "Wirral (statistical neighbour): 44.0%",
    ):  # fmt: skip
        assert expected in published, expected


def test_benchmarks_round_trip_in_the_plan_file(app: Flask) -> None:
    _staff, officer = _sefton(app)
    officer.get("/staff/sefton/plan/benchmarks/upload")
    officer.post("/staff/sefton/plan/benchmarks/upload", {"text": CSV_GOOD})
    exported = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    assert "benchmarks:" in exported and "published_on: '2021-03-01'" in exported
    officer.get("/staff/sefton/plan/import")
    officer.post("/staff/sefton/plan/import", {"text": exported})
    again = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    assert again == exported
    plan = parse_kpi_bank(again)
    kpi = plan.get("kpi_4_1")
    assert kpi is not None and len(kpi.benchmarks) == 4
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(PlanRevision)) == 4


def test_who_may_change_benchmarks(app: Flask) -> None:
    staff, _officer = _sefton(app)
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    assert coordinator.get("/staff/sefton/plan/benchmarks").status_code == 200
    assert coordinator.client.get("/staff/sefton/plan/benchmarks/upload").status_code == 403
    template = coordinator.client.get("/staff/sefton/plan/benchmarks-template.csv")
    assert template.status_code == 200
    assert template.get_data(as_text=True).startswith("kpi,comparator,name,period,period_end")


def test_the_board_report_shows_the_benchmarks_beside_the_figures(app: Flask) -> None:
    _staff, officer = _sefton(app)
    officer.get("/staff/sefton/plan/benchmarks/upload")
    officer.post("/staff/sefton/plan/benchmarks/upload", {"text": CSV_GOOD})
    version = _questionnaire(app, "sefton")
    _wave(app, version, "Baseline survey 2019", dt.date(2019, 12, 18), agree=382, other=618)
    _wave(app, version, "Follow-up survey 2020", dt.date(2020, 11, 30), agree=490, other=510)
    with app.app_context():
        ids = db.session().scalars(select(Wave.id).order_by(Wave.closes_at)).all()
    report = unescape(
        officer.get(f"/staff/sefton/results/report?baseline={ids[0]}&follow_up={ids[1]}").get_data(
            as_text=True
        )
    )
    row = _text(report.split('data-kpi="kpi_4_1"', 1)[1].split("</tr>", 1)[0])
    assert "49% England: 52.0% (2020; National parent survey, published 1 Mar 2021)" in row
    assert "Statistical neighbours' average: 46.0%" in row
    assert "North West (region): 50.5%" in row

"""Each area's own plan: Sefton's Appendix A reproduced from the template and a plan
file, versions and audit, import/export, and a new or older wave never re-basing a KPI."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from itertools import count
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, insert, select

from feedback_app import db
from feedback_app.models import (
    AreaPlan,
    AuditEvent,
    Base,
    LocalArea,
    PlanRevision,
    QuestionnaireVersion,
    Response,
    Wave,
)
from feedback_app.review.publishing import publish_version, schedule_wave
from surveys.kpis import parse_kpi_bank
from surveys.library import bundled_questionnaires
from tests.support.staff import make_area_with_staff, signed_in

LONDON = ZoneInfo("Europe/London")
_tokens = count()


def _version(app: Flask, slug: str, name: str = "parent_annual") -> int:
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == slug))
        version = publish_version(session, area, bundled_questionnaires()[name])
        session.commit()
        return version.id


def _wave(
    app: Flask, version_id: int, name: str, last_day: dt.date, *, agree: int, other: int
) -> None:
    """A wave whose last day (London) is ``last_day``; ``agree`` of ``agree + other``
    trust the local area."""
    closes = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    with app.app_context():
        session = db.session()
        version = session.get(QuestionnaireVersion, version_id)
        wave = schedule_wave(
            session, version=version, name=name, opens_at=closes - dt.timedelta(days=40),
            closes_at=closes,
        )  # fmt: skip
        rows = [
            {"wave_id": wave.id, "version_id": version_id, "token_hash": f"p{next(_tokens):063d}",
             "status": "submitted", "channel": "online", "language": "en", "started_at": closes,
             "updated_at": closes, "submitted_at": closes, "review": "", "rate_count": 0}
            for _ in range(agree + other)
        ]  # fmt: skip
        session.execute(insert(Base.metadata.tables["response"]), rows)
        ids = session.scalars(
            select(Response.id).where(Response.wave_id == wave.id).order_by(Response.id)
        ).all()
        values = ["agree"] * agree + ["disagree"] * other
        session.execute(
            insert(Base.metadata.tables["answer"]),
            [{"response_id": i, "question_id": "trust_confidence", "value": v, "updated_at": closes}
             for i, v in zip(ids, values, strict=True)],
        )  # fmt: skip
        session.commit()


def _rows(html: str) -> dict[str, list[str]]:
    table = html.split('id="kpi-board"', 1)[1].split("</table>", 1)[0]
    rows = [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
         for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    ]  # fmt: skip
    return {row[0].split(":")[0].strip(): row for row in rows[1:]}


#: KPI 1/2's entered values: 25 of 180 (13.9%) by Sep-19, 71 of 317 (22.4%) by Dec-19
#: (the report: "317 plans finalised, 22.4% of them within 20 weeks").
KPI_1_2_VALUES = """\
    values:
      - {period: 2019-Q3, date: 2019-09-30, numerator: 25, denominator: 180, source: SEN2 return}
      - {period: 2019-Q4, date: 2019-12-31, numerator: 71, denominator: 317, source: SEN2 return,
         note: 317 plans finalised in the calendar year}
"""


def test_sefton_appendix_a_from_the_template_and_a_plan_file(app: Flask) -> None:
    staff = make_area_with_staff(app, "sefton", plan=False)
    officer = signed_in(app.test_client(), staff["officer"])

    # A new area: no plan, and an empty board that says how to start.
    board = unescape(officer.get("/staff/sefton/results").get_data(as_text=True))
    assert 'id="board-empty"' in board and "/staff/sefton/plan" in board
    assert "KPI 4/1" not in board and "38.5%" not in board
    assert 'id="no-plan"' in officer.get("/staff/sefton/plan").get_data(as_text=True)

    # Start from the bundled template, then import a plan file with KPI 1/2's values.
    started = officer.post("/staff/sefton/plan/start", {"template": "sefton-appendix-a"})
    assert "Plan started" in started.get_data(as_text=True)
    exported = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    marker = "  - id: kpi_5_1\n"
    plan_file = exported.replace(marker, KPI_1_2_VALUES + marker)
    assert plan_file != exported
    officer.get("/staff/sefton/plan/import")
    imported = officer.post("/staff/sefton/plan/import", {"text": plan_file})
    assert "Plan imported" in imported.get_data(as_text=True)

    # The survey: baseline closed 18 December 2019 (measured 38.2%, agreed 38.5%),
    # follow-up by the end of November 2020: 49.0% of 1,000.
    version = _version(app, "sefton")
    _wave(app, version, "Baseline survey 2019", dt.date(2019, 12, 18), agree=382, other=618)
    _wave(app, version, "Follow-up survey 2020", dt.date(2020, 11, 30), agree=490, other=510)

    html = unescape(officer.get("/staff/sefton/results").get_data(as_text=True))
    rows = _rows(html)
    trust = rows["KPI 4/1"]
    assert trust[1].startswith("38.5% agreed 18 Dec 2019, SEND Continuous Improvement Board")
    assert "Measured: 38.2%, Baseline survey 2019, n=1,000" in trust[1]
    assert trust[2].startswith("49.0% Follow-up survey 2020, n=1,000")
    # Both staged targets from the agreed baseline, each judged on its own date.
    cut = trust[3].index("53.5%")
    first, second = trust[3][:cut], trust[3][cut:]
    assert first.startswith("48.5% (Baseline + 10 points; 18 months (Dec-20)) due 31 Dec 2020:")
    assert "Met on the point estimate (judged on Follow-up survey 2020, 49.0%)" in first
    assert second.startswith("53.5% (Baseline + 15 points; 24 months (Jun-21)) due 30 Jun 2021:")
    assert "Not met (confirmed) (judged on Follow-up survey 2020, 49.0%)" in second
    # Both due dates have passed; the status follows the last target (not met, confirmed).
    assert trust[4] == "Red: Not met by the due date"

    # KPI 1/2 from the entered values: 22.4% (71 of 317), against 3% agreed.
    ehcp = rows["KPI 1/2"]
    assert ehcp[1].startswith("3.0% agreed 30 Jun 2019")
    assert ehcp[2].startswith("22.4% 2019-Q4") and "+19.4 since the agreed baseline" in ehcp[2]
    # 14% by Oct-19, judged on Q3 (13.9%, its interval reaching 14%): not met.
    assert "14.0% (14.0% (a set level); 3 months (Oct-19)) due 31 Oct 2019: Not met" in ehcp[3]
    assert "(judged on 2019-Q3, 13.9%)" in ehcp[3]
    # "50% or the national average": no national average entered, so 50% alone.
    assert "50.0% (50.0% or National average, whichever is the higher" in ehcp[3]
    assert "National average is not entered yet" in ehcp[3]
    # Waiting weeks: lower is better; no values yet.
    assert "lower is better" in rows["KPI 5/1"][0] and "No value entered yet" in rows["KPI 5/1"][2]

    # The board report carries both staged targets, judged as the board judges them.
    with app.app_context():
        ids = db.session().scalars(select(Wave.id).order_by(Wave.closes_at)).all()
    report = unescape(
        officer.get(f"/staff/sefton/results/report?baseline={ids[0]}&follow_up={ids[1]}").get_data(
            as_text=True
        )
    )
    row = report.split('data-kpi="kpi_4_1"', 1)[1].split("</tr>", 1)[0]
    assert "48.5% (18 months (Dec-20)), due 31 Dec 2020" in row
    assert "53.5% (24 months (Jun-21)), due 30 Jun 2021" in row
    assert "met on point estimate (on Follow-up survey 2020)" in row
    assert "not met (confirmed) (on Follow-up survey 2020)" in row

    # One more value entered on the page: a new version, audited.
    page = officer.get("/staff/sefton/plan/kpis/kpi_5_1/values")
    assert page.status_code == 200
    saved = officer.post(
        "/staff/sefton/plan/kpis/kpi_5_1/values",
        {"period": "Nov-19", "date-day": "30", "date-month": "11", "date-year": "2019",
         "value": "9", "source": "Provider waiting list"},
    )  # fmt: skip
    assert "Value saved" in saved.get_data(as_text=True)
    row = _rows(unescape(officer.get("/staff/sefton/results").get_data(as_text=True)))["KPI 5/1"]
    # 9 weeks against 8 by Oct-19 (lower is better): measured after the due date, not met.
    assert row[2].startswith("9.0 weeks Nov-19") and "0.0 since the agreed baseline" in row[2]
    assert "8.0 weeks (8.0 weeks (a set level); 3 months (Oct-19)) due 31 Oct 2019" in row[3]
    assert "Not met (confirmed) (judged on Nov-19, 9.0 weeks) measured after the due date" in row[3]
    with app.app_context():
        session = db.session()
        versions = session.scalars(select(PlanRevision.version).order_by(PlanRevision.version))
        assert list(versions) == [1, 2, 3]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("plan_%"))
        ).all()
        assert actions == ["plan_started", "plan_changed", "plan_changed"]
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "plan_changed")
        ).all()[-1]
        assert detail["version"] == 3 and detail["changed"] == ["kpi_5_1"]


def test_a_plan_file_round_trips_and_a_bad_one_changes_nothing(app: Flask) -> None:
    staff = make_area_with_staff(app, "sefton", plan=False)
    officer = signed_in(app.test_client(), staff["officer"])
    officer.get("/staff/sefton/plan")
    officer.post("/staff/sefton/plan/start", {"template": "sefton-appendix-a"})
    exported = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    officer.get("/staff/sefton/plan/import")
    officer.post("/staff/sefton/plan/import", {"text": exported})
    again = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    assert again == exported
    assert parse_kpi_bank(again) == parse_kpi_bank(exported)

    # Every problem with its line and field in one reading, those of form (a measure
    # that is not one, a date that is not a date) beside those only a well-formed plan
    # shows (a period entered twice, a KPI id used twice, a figure out of range), even
    # in the same KPI; nothing written.
    values = (
        "    values:\n"
        "      - {period: 2019-Q3, date: sometime, numerator: 25, denominator: 180}\n"
        "      - {period: 2019-Q4, date: 2019-12-31, numerator: 71, denominator: 317}\n"
        "      - {period: 2019-Q4, date: 2019-12-31, numerator: 70, denominator: 317}\n"
    )
    bad = (
        exported.replace("value: 38.5", "value: 138.5")
        .replace("measure: proportion", "measure: ratio" + "\n" + values.rstrip("\n"))
        .replace("id: kpi_4_3", "id: kpi_4_2")
    )
    with app.app_context():
        before = db.session().scalar(select(AreaPlan.version))
    response = officer.post("/staff/sefton/plan/import", {"text": bad})
    assert response.status_code == 400
    text = unescape(response.get_data(as_text=True))
    line = next(i for i, row in enumerate(bad.splitlines(), start=1) if "ratio" in row)
    assert f'Line {line}: KPI "kpi_1_2" > measure' in text
    value_line = next(i for i, row in enumerate(bad.splitlines(), start=1) if "138.5" in row)
    assert f'Line {value_line}: KPI "kpi_4_1" > agreed_baseline > value' in text
    lines = bad.splitlines()
    when = next(i for i, row in enumerate(lines, start=1) if "sometime" in row)
    assert f'Line {when}: KPI "kpi_1_2" > values[0] > date' in text
    assert f'Line {when + 2}: KPI "kpi_1_2" > values[2] > period: this period is entered twice' in (
        text
    )
    twice = [i for i, row in enumerate(lines, start=1) if row.strip() == "- id: kpi_4_2"][1]
    assert f'Line {twice}: KPI "kpi_4_2" > id: KPI id is used twice' in text
    with app.app_context():
        assert db.session().scalar(select(AreaPlan.version)) == before
        assert db.session().scalar(select(func.count()).select_from(PlanRevision)) == 2


def test_the_plan_as_it_stood_on_a_date_and_who_may_change_it(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    officer = signed_in(app.test_client(), staff["officer"])
    page = officer.get("/staff/north/plan/kpis/kpi_4_1/baseline")
    assert page.status_code == 200
    saved = officer.post(
        "/staff/north/plan/kpis/kpi_4_1/baseline",
        {"value": "40.1", "base": "1,000", "date-day": "6", "date-month": "2",
         "date-year": "2020", "source": "Parent carer survey", "agreed_by": "SENDCIB"},
    )  # fmt: skip
    assert "Agreed baseline saved" in saved.get_data(as_text=True)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    history = officer.get(f"/staff/north/plan/history?on={today}").get_data(as_text=True)
    assert "value: 40.1" in history and "agreed_by: SENDCIB" in history
    before = officer.get("/staff/north/plan/history?on=2000-01-01").get_data(as_text=True)
    assert "The area had no plan on that date" in before
    assert officer.client.get("/staff/north/plan/history?on=nonsense").status_code == 400
    # A bad figure: refused, nothing written.
    officer.get("/staff/north/plan/kpis/kpi_4_1/baseline")
    refused = officer.post("/staff/north/plan/kpis/kpi_4_1/baseline", {"value": "140"})
    assert refused.status_code == 400 and "0 to 100" in refused.get_data(as_text=True)
    # Coordinators and reviewers read the plan; they cannot change it.
    for role in ("coordinator", "reviewer"):
        reader = signed_in(app.test_client(), staff[role])
        assert reader.client.get("/staff/north/plan").status_code == 200
        assert reader.client.get("/staff/north/plan/plan.yaml").status_code == 200
        assert reader.client.get("/staff/north/plan/kpis/kpi_4_1/baseline").status_code == 403
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(PlanRevision)) == 2


def test_an_older_wave_imported_later_rebases_nothing(app: Flask) -> None:
    staff = make_area_with_staff(app, "sefton", plan=False)
    officer = signed_in(app.test_client(), staff["officer"])
    officer.get("/staff/sefton/plan")
    officer.post("/staff/sefton/plan/start", {"template": "sefton-appendix-a"})
    version = _version(app, "sefton")
    _wave(app, version, "Baseline survey 2019", dt.date(2019, 12, 18), agree=382, other=618)
    _wave(app, version, "Follow-up survey 2020", dt.date(2020, 11, 30), agree=490, other=510)
    public_before = officer.client.get("/a/sefton/you-said-we-did").get_data(as_text=True)
    board_before = _rows(unescape(officer.get("/staff/sefton/results").get_data(as_text=True)))

    # 48 responses from March 2019, imported later: older than the agreed baseline.
    _wave(app, version, "March 2019 survey", dt.date(2019, 3, 31), agree=30, other=18)
    public_after = officer.client.get("/a/sefton/you-said-we-did").get_data(as_text=True)
    board_after = _rows(unescape(officer.get("/staff/sefton/results").get_data(as_text=True)))
    assert public_after == public_before
    trust_before, trust_after = board_before["KPI 4/1"], board_after["KPI 4/1"]
    assert trust_after[2:] == trust_before[2:]
    assert "Measured: 38.2%, Baseline survey 2019" in trust_after[1]
    assert "1 earlier wave closed before the agreed baseline and is not used." in trust_after[1]
    with app.app_context():
        plan = db.session().scalar(select(AreaPlan))
        assert plan is not None and plan.version == 1
        assert db.session().scalar(select(func.count()).select_from(Wave)) == 3

    # The board says so and offers the choice: the baseline page lists every wave
    # that measured the KPI, the older one marked, and takes a figure only when asked.
    board = officer.get("/staff/sefton/results").get_data(as_text=True)
    assert "/staff/sefton/plan/kpis/kpi_4_1/baseline#baseline-waves" in board
    page = officer.get("/staff/sefton/plan/kpis/kpi_4_1/baseline")
    table = unescape(page.get_data(as_text=True)).split('id="baseline-wave-table"', 1)[1]
    rows = {
        row.split("<br>", 1)[0].rsplit(">", 1)[-1].strip(): " ".join(
            re.sub(r"<[^>]+>", " ", row).split()
        )
        for row in table.split("</table>", 1)[0].split('data-wave="')[1:]
    }
    assert "62.5% (n=48)" in rows["March 2019 survey"]
    assert "before the agreed baseline, so not used" in rows["March 2019 survey"]
    assert "38.2% (n=1,000)" in rows["Baseline survey 2019"]
    with app.app_context():
        wave_id = db.session().scalar(select(Wave.id).where(Wave.name == "Baseline survey 2019"))
    refused = officer.post("/staff/sefton/plan/kpis/kpi_4_1/baseline/wave", {"wave": "999999"})
    assert refused.status_code == 400
    assert "Choose one of the waves listed" in refused.get_data(as_text=True)
    officer.get("/staff/sefton/plan/kpis/kpi_4_1/baseline")
    taken = officer.post("/staff/sefton/plan/kpis/kpi_4_1/baseline/wave", {"wave": str(wave_id)})
    assert "Agreed baseline taken from Baseline survey 2019" in taken.get_data(as_text=True)
    exported = parse_kpi_bank(
        officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    )
    trust = exported.get("kpi_4_1")
    assert trust is not None and trust.agreed_baseline is not None
    assert (trust.agreed_baseline.value, trust.agreed_baseline.base) == (38.2, 1000)
    assert trust.agreed_baseline.date == dt.date(2019, 12, 18)
    assert trust.agreed_baseline.agreed_by == "SEND Continuous Improvement Board"
    with app.app_context():
        assert db.session().scalar(select(AreaPlan.version)) == 2


def test_an_area_with_only_entered_kpis_has_a_board_pack(app: Flask) -> None:
    """Issue 13: a plan of council and NHS data with no survey wave yet still makes
    a board pack (page, PDF, XLSX) of its entered KPIs; the survey parts are absent."""
    import io

    from openpyxl import load_workbook

    make_area_with_staff(app, "rutland", plan=False)
    officer = signed_in(app.test_client(), "officer@rutland.example")
    officer.post("/staff/rutland/plan/start", {"template": "sefton-appendix-a"})
    exported = officer.client.get("/staff/rutland/plan/plan.yaml").get_data(as_text=True)
    marker = "  - id: kpi_5_1\n"
    officer.get("/staff/rutland/plan/import")
    imported = officer.post(
        "/staff/rutland/plan/import", {"text": exported.replace(marker, KPI_1_2_VALUES + marker)}
    )
    assert "Plan imported" in imported.get_data(as_text=True)

    downloads = officer.get("/staff/rutland/downloads").get_data(as_text=True)
    assert 'id="plan-only-pack"' in downloads and "/staff/rutland/results/report.xlsx" in downloads
    page = officer.get("/staff/rutland/results/report?audience=SEND+Improvement+Board")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200, html[:2000]
    assert "Improvement plan KPIs for the SEND Improvement Board" in html
    assert "No survey waves are compared" in html
    assert 'id="report-entered"' in html and 'id="report-kpis"' not in html
    assert 'id="who-responded"' not in html and 'id="themes"' not in html
    entered = html[html.index('id="report-entered"') :]
    row = entered[entered.index('data-kpi="kpi_1_2"') :]
    assert "KPI 1/2" in row[:400]
    assert "Status" in html and "Targets, due dates and judgements" in html

    book = officer.client.get("/staff/rutland/results/report.xlsx")
    assert book.status_code == 200
    sheets = load_workbook(io.BytesIO(book.data), read_only=True)
    kpis = [r for r in sheets["KPIs"].iter_rows(values_only=True) if r and r[0]]
    references = {r[0] for r in kpis}
    assert {"KPI 1/2", "KPI 5/1"} <= references and "KPI 4/1" not in references
    about = [r for r in sheets["Board pack"].iter_rows(values_only=True) if r and r[0]]
    assert any("No survey waves are compared" in str(r[1]) for r in about)
    assert any(r[0] == "KPI 1/2" for r in sheets["Targets"].iter_rows(values_only=True))

    if "sqlite" not in app.config["DATABASE_URL"]:
        return  # WeasyPrint is slow and the PDF does not depend on the database
    pdf = officer.client.get("/staff/rutland/results/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

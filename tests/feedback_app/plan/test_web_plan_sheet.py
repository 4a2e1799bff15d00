"""The plan as a spreadsheet laid out like Appendix A (XLSX and CSV), both ways, and
entered values uploaded as CSV: every problem named by its sheet, row and column,
nothing written on a problem, every change a new audited version."""

from __future__ import annotations

import calendar
import csv
import io
import re
from html import unescape
from typing import Any

from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import AreaPlan, AuditEvent, PlanRevision
from feedback_app.plan import sheet
from surveys.kpis import parse_kpi_bank, plan_data
from surveys.library import plan_template
from tests.support.staff import make_area_with_staff, signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _versions(app: Flask) -> tuple[int | None, int]:
    with app.app_context():
        session = db.session()
        return (
            session.scalar(select(AreaPlan.version)),
            session.scalar(select(func.count()).select_from(PlanRevision)),
        )


def _import(officer: Any, content: bytes, filename: str) -> Any:
    officer.get("/staff/sefton/plan/import")
    return officer.post("/staff/sefton/plan/import", {"plan_file": (io.BytesIO(content), filename)})


def _sefton_officer(app: Flask) -> Any:
    staff = make_area_with_staff(app, "sefton", plan=False)
    officer = signed_in(app.test_client(), staff["officer"])
    officer.get("/staff/sefton/plan")
    officer.post("/staff/sefton/plan/start", {"template": "sefton-appendix-a"})
    return officer


def test_a_plan_exported_as_xlsx_or_csv_imports_back_to_the_same_plan(app: Flask) -> None:
    officer = _sefton_officer(app)
    yaml_before = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    download = officer.client.get("/staff/sefton/plan/plan.xlsx")
    assert download.status_code == 200 and download.mimetype == XLSX
    book = load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["KPIs", "Plan", "Values"]
    headers = [c.value for c in book["KPIs"][1]]
    assert headers[:3] == ["KPI ref", "KPI id", "Description"]
    assert "Target 2 due date" in headers and "Target 3 comparator" in headers

    imported = _import(officer, download.data, "sefton-plan.xlsx")
    assert "Plan imported" in imported.get_data(as_text=True)
    assert officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True) == (
        yaml_before
    )
    assert _versions(app) == (2, 2)

    as_csv = officer.client.get("/staff/sefton/plan/plan.csv")
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[1][:2] == ["KPI 4/1", "kpi_4_1"] and len(rows) == 1 + 11
    assert "Plan imported" in _import(officer, as_csv.data, "plan.csv").get_data(as_text=True)
    after = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    assert parse_kpi_bank(after) == parse_kpi_bank(yaml_before)


def _appendix_a_workbook() -> bytes:
    """Sefton's Appendix A as an officer's own workbook: a title row, the columns in
    another order, the KPI id left blank, figures with %, rules in words, due dates
    as Appendix A writes them ("Dec-20")."""
    template = plan_data(plan_template("sefton-appendix-a"))
    book = Workbook()
    kpis = book.active
    kpis.title = "KPIs"
    kpis.append(["Appendix A: Current KPI Performance"])
    columns = [
        "KPI ref", "Description", "Short title", "Priority or outcome", "Partners",
        "Kind", "Measure", "Unit", "Question id", "Positive codes", "Excluded codes",
        "Direction", "Frequency", "Baseline", "Baseline agreed on", "Baseline source",
        "Baseline agreed by",
    ]  # fmt: skip
    most = max(len(item.get("targets", [])) for item in template["kpis"])
    for number in range(1, most + 1):
        columns += [
            f"Target {number} {part}"
            for part in ("label", "rule", "value", "comparator", "due date")
        ]
    kpis.append(columns)
    for item in template["kpis"]:
        base = item.get("agreed_baseline", {})
        row: list[Any] = [
            item["reference"], item["title"], item["short_title"], item["priority"],
            "; ".join(item["partners"]), "Entered" if item.get("kind") else None,
            item.get("measure"), item.get("unit"), item.get("question"),
            "; ".join(item.get("positive", [])) or None,
            "; ".join(item.get("exclude", [])) or None,
            "Higher is better" if item["higher_is_better"] else "Lower is better",
            item["frequency"], f"{base['value']:g}%" if base else None,
            base.get("date"), base.get("source"), base.get("agreed_by"),
        ]  # fmt: skip
        for target in item.get("targets", []):
            year, month, _ = target["due_on"].split("-")
            due = f"{calendar.month_abbr[int(month)]}-{year[2:]}"
            row += [target["label"], sheet.RULE_WORDS[target["rule"]].upper(),
                    target["value"], target.get("benchmark"), due]  # fmt: skip
        kpis.append(row)
    plan = book.create_sheet("Plan")
    header = template["plan"]
    plan.append(["Title", header["title"]])
    plan.append(["Starts on", "30/06/2019"])
    plan.append(["Source", header["source"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_sefton_appendix_a_from_a_spreadsheet_is_the_template(app: Flask) -> None:
    staff = make_area_with_staff(app, "sefton", plan=False)
    officer = signed_in(app.test_client(), staff["officer"])
    imported = _import(officer, _appendix_a_workbook(), "Appendix A.xlsx")
    assert "Plan imported" in imported.get_data(as_text=True)
    exported = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    assert plan_data(parse_kpi_bank(exported)) == plan_data(plan_template("sefton-appendix-a"))
    html = officer.get("/staff/sefton/results").get_data(as_text=True)
    board = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "48.5% (Baseline + 10 points; 18 months (Dec-20)) due 31 Dec 2020" in board
    assert "53.5% (Baseline + 15 points; 24 months (Jun-21)) due 30 Jun 2021" in board
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "plan_changed"))
        assert event is not None and "kpi_4_1" in str(event.detail)


def test_a_bad_spreadsheet_lists_every_problem_by_cell_and_writes_nothing(app: Flask) -> None:
    officer = _sefton_officer(app)
    book = load_workbook(io.BytesIO(officer.client.get("/staff/sefton/plan/plan.xlsx").data))
    kpis = book["KPIs"]
    headers = {cell.value: cell.column_letter for cell in kpis[1]}
    kpis[f"{headers['Baseline']}2"] = 138.5  # KPI 4/1: not a percentage
    kpis[f"{headers['Measure']}8"] = "ratio"  # KPI 1/2
    kpis[f"{headers['Target 1 due date']}3"] = "soon"  # KPI 4/2
    kpis[f"{headers['Target 1 rule']}4"] = "much better"  # KPI 4/3
    kpis["AZ1"] = "Commentary"  # not a column of the sheet
    kpis[f"{headers['KPI id']}5"] = "kpi_4_2"  # KPI 4/4 takes KPI 4/2's id
    # KPI 1/2's values: a date that is not one, and a period entered twice, in the same
    # reading as the problems of form.
    values = book["Values"]
    columns = [cell.value for cell in values[1]]
    for period, end, numerator in (("2019-Q3", "sometime", 25), ("2019-Q4", "31/12/2019", 71),
                                   ("2019-Q4", "31/12/2019", 70)):  # fmt: skip
        row = {"KPI id": "kpi_1_2", "Period": period, "Period end": end,
               "Numerator": numerator, "Denominator": 317}  # fmt: skip
        values.append([row.get(name) for name in columns])
    out = io.BytesIO()
    book.save(out)
    before = _versions(app)

    response = _import(officer, out.getvalue(), "bad.xlsx")
    assert response.status_code == 400
    text = unescape(response.get_data(as_text=True))
    base = headers["Baseline"]
    assert f'sheet KPIs, row 2, column {base} (Baseline): KPI "kpi_4_1" > agreed_baseline' in text
    assert f"row 8, column {headers['Measure']} (Measure)" in text
    assert f"row 3, column {headers['Target 1 due date']} (Target 1 due date)" in text
    assert f"row 4, column {headers['Target 1 rule']} (Target 1 rule)" in text
    assert "sheet KPIs, row 1, column AZ (Commentary): is not a column" in text
    assert f'sheet KPIs, row 5, column {headers["KPI id"]} (KPI id): KPI "kpi_4_2" > id: ' in text
    assert "KPI id is used twice" in text
    end = chr(ord("A") + columns.index("Period end"))
    period = chr(ord("A") + columns.index("Period"))
    assert f"sheet Values, row 2, column {end} (Period end)" in text
    assert f"sheet Values, row 4, column {period} (Period): " in text
    assert "this period is entered twice" in text
    assert _versions(app) == before

    # Not a workbook at all, and a CSV whose header names nothing known: said so.
    not_xlsx = _import(officer, b"KPI ref,Description\n", "plan.xlsx")
    assert not_xlsx.status_code == 400
    assert "is not an Excel workbook" in not_xlsx.get_data(as_text=True)
    no_header = _import(officer, b"a,b\n1,2\n", "plan.csv")
    assert no_header.status_code == 400
    assert "has no header row" in unescape(no_header.get_data(as_text=True))
    assert _versions(app) == before


def test_the_spreadsheet_is_formula_safe_and_reads_back_what_it_said(app: Flask) -> None:
    officer = _sefton_officer(app)
    officer.get("/staff/sefton/plan/kpis/kpi_4_1/baseline")
    officer.post(
        "/staff/sefton/plan/kpis/kpi_4_1/baseline",
        {"value": "38.5", "source": '=HYPERLINK("http://x.example","y")', "agreed_by": "-SENDCIB"},
    )
    book = load_workbook(io.BytesIO(officer.client.get("/staff/sefton/plan/plan.xlsx").data))
    kpis = book["KPIs"]
    headers = {cell.value: cell.column_letter for cell in kpis[1]}
    source = kpis[f"{headers['Baseline source']}2"]
    assert source.data_type == "s" and source.value.startswith("'=HYPERLINK")
    csv_text = officer.client.get("/staff/sefton/plan/plan.csv").get_data(as_text=True)
    assert "'-SENDCIB" in csv_text and ",=HYPERLINK" not in csv_text
    yaml_before = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    _import(officer, csv_text.encode(), "plan.csv")
    after = officer.client.get("/staff/sefton/plan/plan.yaml").get_data(as_text=True)
    assert parse_kpi_bank(after) == parse_kpi_bank(yaml_before)


GOOD_VALUES = (
    "Period,Period end,Numerator,Denominator,Value,Source,Note\r\n"
    "2019-Q4,31/12/2019,71,317,,Statutory return,Calendar year 2019 to date\r\n"
    "Jan-20,2020-01-31,40,100,,Monthly return,\r\n"
)


def test_entered_values_uploaded_as_csv(app: Flask) -> None:
    officer = _sefton_officer(app)
    page = officer.get("/staff/sefton/plan/kpis/kpi_1_2/values")
    assert "Upload values" in page.get_data(as_text=True)
    uploaded = officer.post(
        "/staff/sefton/plan/kpis/kpi_1_2/values/upload",
        {"values_file": (io.BytesIO(GOOD_VALUES.encode()), "ehcp.csv")},
    )
    html = unescape(uploaded.get_data(as_text=True))
    assert "Values uploaded" in html and "71 / 317" in html and "40 / 100" in html
    assert _versions(app) == (2, 2)
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "plan_changed"))
        assert event is not None and "ehcp.csv" in str(event.detail)

    # A period uploaded again replaces its figure; others stay.
    officer.get("/staff/sefton/plan/kpis/kpi_1_2/values")
    again = officer.post(
        "/staff/sefton/plan/kpis/kpi_1_2/values/upload",
        {"values_file": (io.BytesIO(b"Period,Period end,Numerator,Denominator\n"
                                    b"Jan-20,2020-01-31,44,100\n"), "jan.csv")},
    )  # fmt: skip
    html = unescape(again.get_data(as_text=True))
    assert "44 / 100" in html and "40 / 100" not in html and "71 / 317" in html

    bad = (
        "Period,Period end,Numerator,Denominator,Value,Source\n"
        "Feb-20,2020-02-29,50,40,,Return\n"  # numerator above denominator
        "Mar-20,someday,5,10,,Return\n"  # not a date
        "Apr-20,2020-04-30,,,12,Return\n"  # a value for a proportion
        "Apr-20,2020-04-30,3,4,,Return\n"  # the same period twice
    )
    before = _versions(app)
    officer.get("/staff/sefton/plan/kpis/kpi_1_2/values")
    refused = officer.post(
        "/staff/sefton/plan/kpis/kpi_1_2/values/upload",
        {"values_file": (io.BytesIO(bad.encode()), "bad.csv")},
    )
    assert refused.status_code == 400
    text = unescape(refused.get_data(as_text=True))
    assert 'row 2: KPI "kpi_1_2" > values[2]: the numerator cannot be larger' in text
    assert "row 3, column B (Period end)" in text
    # In the same reading: what only well-formed rows show.
    assert "row 4, column E (Value): " in text
    assert "a proportion needs numerator and denominator" in text
    assert "row 5, column A (Period): " in text and "this period is entered twice" in text
    assert _versions(app) == before
    # No file, or a KPI that is not entered: refused.
    officer.get("/staff/sefton/plan/kpis/kpi_1_2/values")
    assert officer.post("/staff/sefton/plan/kpis/kpi_1_2/values/upload", {}).status_code == 400
    assert officer.client.get("/staff/sefton/plan/kpis/kpi_4_1/values").status_code == 404
    assert _versions(app) == before

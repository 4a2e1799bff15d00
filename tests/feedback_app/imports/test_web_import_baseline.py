"""Importing a baseline collected elsewhere: upload, map, preview, import, refuse repeats.

The fixture is shaped like a SurveyMonkey export (byte order mark, a second
header row, "tick all that apply" spread over one column per option, answer
texts that differ from our labels in case and spacing).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from feedback_app import db
from feedback_app.imports import checking, storing
from feedback_app.models import (
    Answer,
    AuditEvent,
    BaselineImport,
    LocalArea,
    PendingImport,
    Response,
    StaffUser,
    Wave,
    utcnow,
)
from feedback_app.review.publishing import publish_version
from feedback_app.staff.accounts import create_user
from feedback_app.staff.areas import create_area
from feedback_app.staff.roles import Role
from feedback_app.web.area_records import area_version
from surveys.library import bundled_questionnaires
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD, make_area_with_staff, signed_in

FIXTURE = (
    Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "surveymonkey_parent_annual.csv"
)
WAVE = {
    "name": "Baseline 2025 (SurveyMonkey)",
    "opens-day": "15", "opens-month": "9", "opens-year": "2025",
    "closes-day": "31", "closes-month": "10", "closes-year": "2025",
}  # fmt: skip


class _Selects(HTMLParser):
    """Every <select> on a page: name -> (selected value, label text)."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self._label_for: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self._label_for = a.get("for")
            self.labels.setdefault(self._label_for or "", "")
        elif tag == "select":
            self._select = a.get("name")
            self.selected[self._select or ""] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label_for:
            self.labels[self._label_for] += data


def selects(html: str) -> tuple[dict[str, str], dict[str, str]]:
    parser = _Selects()
    parser.feed(html)
    labels = {name: " ".join(parser.labels.get(name, "").split()) for name in parser.selected}
    return parser.selected, labels


def _pending(app: Flask) -> int:
    """Uploads kept between the steps (in the database, for any instance)."""
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(PendingImport)) or 0)


def _area_with_version(app: Flask, tmp_path: Path, questionnaire: str = "parent_annual") -> int:
    make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        area.localities = [["n1", "North Town"], ["s1", "South Town"]]
        version = publish_version(session, area, bundled_questionnaires()[questionnaire])
        session.commit()
        return version.id


def _upload(browser: PageBrowser, version_id: int, name: str, content: bytes) -> TestResponse:
    browser.get("/staff/north/imports")
    return browser.client.post(
        "/staff/north/imports/upload",
        data={
            "csrf_token": browser.csrf_token(),
            "version": str(version_id),
            "csv_file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def _counts(app: Flask) -> tuple[int, int, int, int]:
    with app.app_context():
        session = db.session()
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (Wave, Response, Answer, BaselineImport)
        )


def test_surveymonkey_export_is_mapped_previewed_and_imported_once(
    app: Flask, tmp_path: Path
) -> None:
    version_id = _area_with_version(app, tmp_path)
    officer = signed_in(app.test_client(), "officer@north.example")
    assert "Import a baseline" in officer.get("/staff/north/imports").get_data(as_text=True)
    content = FIXTURE.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    uploaded = _upload(officer, version_id, "SEND survey 2025.csv", content)
    assert uploaded.status_code == 302
    columns_url = uploaded.location
    assert _pending(app) == 1

    # Columns: suggestions from headers (the BOM is gone, "Q2." is ignored, the
    # SurveyMonkey option columns all go to the multiple-choice question).
    page = officer.get(columns_url).get_data(as_text=True)
    chosen, labels = selects(page)
    assert labels["column_0"] == "A: Respondent ID" and chosen["column_0"] == ""
    assert chosen["column_4"] == ""  # IP address: never imported
    assert chosen["column_5"] == "plan_type"
    assert chosen["column_6"] == "age_phase"
    assert [chosen[f"column_{i}"] for i in (9, 10, 11)] == ["services_used"] * 3
    assert labels["column_10"].endswith("- The Local Offer website")
    assert chosen["column_12"] == "local_offer_useful"
    assert chosen["column_19"] == "works_well"
    assert chosen["column_20"] == "@language"
    answers_page = officer.post(columns_url, {**chosen, "separator": ";"})
    assert answers_page.status_code == 200 and officer.path.endswith("/answers")

    # Answers: labels matched ignoring case and spaces; the rest chosen by hand.
    chosen, labels = selects(answers_page.get_data(as_text=True))
    by_label = {(name.rsplit("_", 1)[0], labels[name]): name for name in chosen}
    assert chosen[by_label[("answer_trust_confidence", "“AGREE”")]] == "agree"
    assert chosen[by_label[("answer_locality", "“North Town”")]] == "n1"
    assert chosen[by_label[("answer_services_used", "“SENDIASS”")]] == "sendiass"  # its code
    assert chosen[by_label[("answer_plan_type", "“Has an EHCP”")]] == ""
    chosen[by_label[("answer_plan_type", "“Has an EHCP”")]] = "ehcp"
    preview = officer.post(officer.path, chosen)
    assert officer.path.endswith("/preview")
    html = preview.get_data(as_text=True)
    assert re.search(r'id="responses-to-import">9<', html)
    assert "Rows left out because every mapped column is blank" in html
    assert re.search(r'counts-plan_type.*?data-code="ehcp">5<', html, re.S)
    assert "The school, = SUM(A1)" in html  # shown escaped, as stored

    # Dates are checked before anything is written.
    bad = officer.post(officer.path.replace("/preview", "/import"), {**WAVE, "closes-year": "2099"})
    assert bad.status_code == 400 and "today or in the past" in bad.get_data(as_text=True)
    assert _counts(app) == (0, 0, 0, 0)
    done = officer.post(officer.path.replace("/preview", "/import"), WAVE)
    assert done.status_code == 200 and officer.path == "/staff/north/imports"
    assert "9 responses imported" in done.get_data(as_text=True)
    assert _pending(app) == 0

    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave))
        assert wave.name == WAVE["name"] and not wave.is_open()
        responses = session.scalars(select(Response).where(Response.wave_id == wave.id)).all()
        assert len(responses) == 9
        assert {(r.status, r.channel) for r in responses} == {("submitted", "imported")}
        assert sorted(r.language for r in responses) == ["cy"] + ["en"] * 7 + ["pl"]
        values = session.execute(select(Answer.question_id, Answer.value)).all()
        plan = sorted(v for q, v in values if q == "plan_type")
        assert plan == ["dont_know"] + ["ehcp"] * 5 + ["sen_support"] * 3
        services = [v for q, v in values if q == "services_used"]
        assert ["sendiass", "local_offer"] in services and services.count(["none"]) == 3
        # Answered on the sheet but skipped by the person's own answers: left out.
        assert len([v for q, v in values if q == "local_offer_useful"]) == 4
        record = session.scalar(select(BaselineImport))
        assert (record.rows, record.filename, record.wave_id) == (
            9,
            "SEND survey 2025.csv",
            wave.id,
        )
        assert record.mapping["answers"]["plan_type"]["Has an EHCP"] == "ehcp"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "baseline_imported"))
        assert event.detail["responses"] == 9 and event.detail["answers"] == len(values)
        assert "SUM" not in str(event.detail)

    again = _upload(officer, version_id, "copy.csv", content)
    assert again.status_code == 409
    assert "already been imported" in again.get_data(as_text=True)
    assert _counts(app)[0] == 1


MILESTONE_CSV = (
    "Stage;Understand next steps;Started;Professionals;Comments\r\n"
    "Week 6;Yes;March 2025;3;Très bien\r\n"
    "Week 99;No;2025-04;75;\r\n"
    "Week 16;Maybe;Smarch 2025;2;\r\n"
).encode("cp1252")


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version_id = _area_with_version(app, tmp_path, "ehc_assessment_milestone")
    officer = signed_in(app.test_client(), "officer@north.example")
    uploaded = _upload(officer, version_id, "milestones.csv", MILESTONE_CSV)
    assert uploaded.status_code == 302
    columns = {"column_0": "milestone", "column_1": "understand_next",
               "column_2": "assessment_start", "column_3": "professionals_count",
               "column_4": "milestone_comments", "separator": ";"}  # fmt: skip
    officer.get(uploaded.location)
    answers_page = officer.post(uploaded.location, columns)
    chosen, labels = selects(answers_page.get_data(as_text=True))
    # "Week 99" and "Maybe" are left unmatched.
    named = {labels[n]: n for n in chosen}
    chosen[named["“Week 6”"]] = "week_6"
    chosen[named["“Week 16”"]] = "week_16"
    preview = officer.post(officer.path, chosen)
    html = preview.get_data(as_text=True)
    problems = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]*)</th>\s*'
        r'<td class="govuk-table__cell">([^<]*)</td>\s*<td class="govuk-table__cell">([^<]*)</td>',
        html,
    )
    assert problems == [
        ("Whole file", "", ""),
        ("3", "A (Stage)", "Week 99"),
        ("3", "D (Professionals)", "75"),
        ("4", "B (Understand next steps)", "Maybe"),
        ("4", "C (Started)", "Smarch 2025"),
    ]
    assert "How would you rate the way the SEND team has kept you informed" in html
    assert "Enter a number between 0 and 50" in html
    assert "Import 2 responses" not in html
    # Posting the import anyway writes nothing.
    refused = officer.post(officer.path.replace("/preview", "/import"), WAVE)
    assert refused.status_code == 400
    assert _counts(app) == (0, 0, 0, 0)
    _unique_constraint_refuses_a_simultaneous_second_import(app, version_id, monkeypatch)


BAD_FILES = [
    ("answers.xlsx", b"a,b\n1,2\n", "must be a CSV file"),
    ("answers.csv", b"PK\x03\x04rest-of-a-workbook", "Excel workbook"),
    ("answers.csv", b"   \r\n", "is empty"),
    ("answers.csv", b"a,b\n\x00\x01\x02,\xff\xfe\n", "binary"),
    ("answers.csv", b"Stage,Comments\n", "no responses"),
    ("answers.csv", b"Stage,Comments\nWeek 6,ok\nWeek 16,ok,extra\nWeek 20\n", "3, 4"),
    ("answers.csv", b"Stage,Comments\n" + b"Week 6,ok\n" * 2000, "smaller than 16 KB"),
]


def test_bad_files_and_other_peoples_uploads_are_refused(app: Flask, tmp_path: Path) -> None:
    version_id = _area_with_version(app, tmp_path, "ehc_assessment_milestone")
    app.config["IMPORT_MAX_BYTES"] = 16 * 1024
    officer = signed_in(app.test_client(), "officer@north.example")
    for name, content, message in BAD_FILES:
        refused = _upload(officer, version_id, name, content)
        assert refused.status_code == 400, message
        assert message in refused.get_data(as_text=True)
    assert _pending(app) == 0
    huge = _upload(officer, version_id, "answers.csv", BAD_FILES[-1][1] * 6)
    assert huge.status_code == 413
    assert "largest file you can import is 16 KB" in huge.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    _only_the_officer_who_uploaded_can_continue(app, tmp_path, version_id)


def _only_the_officer_who_uploaded_can_continue(
    app: Flask, tmp_path: Path, version_id: int
) -> None:
    with app.app_context():
        south = create_area(db.session(), slug="south", name="South")
        create_user(db.session(), area=south, email="officer@south.example", role=Role.OFFICER,
                    password=PASSWORD)  # fmt: skip
        db.session().commit()
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    assert coordinator.client.get("/staff/north/imports").status_code == 403
    assert "Import a baseline" not in coordinator.get("/staff/north").get_data(as_text=True)
    officer = signed_in(app.test_client(), "officer@north.example")
    columns_url = _upload(officer, version_id, "m.csv", MILESTONE_CSV).location
    assert officer.client.get(columns_url).status_code == 200
    admin = signed_in(app.test_client(), "administrator@north.example")
    assert admin.client.get(columns_url).status_code == 404  # someone else's upload
    other = signed_in(app.test_client(), "officer@south.example")
    assert other.client.get(columns_url.replace("/north/", "/south/")).status_code == 404
    assert officer.client.get("/staff/north/imports/forged-token/columns").status_code == 404
    discard = officer.post(columns_url.replace("/columns", "/discard"))
    assert discard.status_code == 200 and _pending(app) == 0
    assert officer.client.get(columns_url).status_code == 410


def _unique_constraint_refuses_a_simultaneous_second_import(
    app: Flask, version_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both imports pass the friendly look-up, as two at the same moment would.
    monkeypatch.setattr(storing, "refuse_repeat", lambda *_args: None)
    now = utcnow()
    details = storing.WaveDetails("Baseline", now - dt.timedelta(days=30), now)
    rows = [checking.ImportedRow(row=2, language="en", answers={"milestone": "week_6"})]
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        user = session.scalar(select(StaffUser).where(StaffUser.email == "officer@north.example"))
        version = area_version(session, area, version_id)
        kwargs = dict(area=area, version=version, details=details, rows=rows, sha256="a" * 64,
                      filename="m.csv", mapping={}, user=user)  # fmt: skip
        storing.import_baseline(session, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(storing.ImportRefused):
            storing.import_baseline(session, **kwargs)  # type: ignore[arg-type]
    assert _counts(app) == (1, 1, 1, 1)


KPI_ONLY_CSV = (
    b"Respondent ID,What support does your child have at the moment?,"
    b"I have trust and confidence in the local area to provide support for my child\r\n"
    b"1,SEN support,Agree\r\n"
    b"2,EHC plan,Disagree\r\n"
    b"3,SEN support,Strongly agree\r\n"
)


def test_questions_not_asked_in_the_other_survey_are_recorded_as_not_asked(
    app: Flask, tmp_path: Path
) -> None:
    """Issue 15 point 6: a file with the KPI question and the support type imports
    into the annual survey once the other questions are marked as not asked."""
    version_id = _area_with_version(app, tmp_path)
    officer = signed_in(app.test_client(), "officer@north.example")
    uploaded = _upload(officer, version_id, "kpi only.csv", KPI_ONLY_CSV)
    columns_url = uploaded.location
    page = officer.get(columns_url).get_data(as_text=True)
    assert "Questions the other survey did not ask" in page
    chosen, _labels = selects(page)
    assert chosen["column_1"] == "plan_type" and chosen["column_2"] == "trust_confidence"
    # Without marking the rest as not asked, the file cannot be imported.
    officer.post(columns_url, {**chosen, "separator": ";"})
    officer.post(officer.path, {"answer_plan_type_0": "sen_support",
                                "answer_plan_type_1": "ehcp",
                                "answer_trust_confidence_0": "agree",
                                "answer_trust_confidence_1": "disagree",
                                "answer_trust_confidence_2": "strongly_agree"})  # fmt: skip
    html = officer.get(officer.path).get_data(as_text=True)
    assert "or mark it as not asked in this survey" in html
    assert "Nothing has been imported" in html

    questionnaire = bundled_questionnaires()["parent_annual"]
    others = [
        q.id for q in questionnaire.questions() if q.id not in {"plan_type", "trust_confidence"}
    ]
    # A question both marked and mapped is refused plainly.
    both = officer.post(
        columns_url, {**chosen, "separator": ";", "not_asked": [*others, "plan_type"]}
    )
    assert both.status_code == 400
    assert "marked as not asked" in both.get_data(as_text=True)
    officer.post(columns_url, {**chosen, "separator": ";", "not_asked": others})
    html = officer.get(officer.path.replace("/answers", "/preview")).get_data(as_text=True)
    assert "Nothing has been imported" not in html
    assert "What the import will change" in html and "What the import will not change" in html
    assert 'id="not-asked"' in html and "What is working well for your child and family?" in html
    assert _counts(app) == (0, 0, 0, 0)  # nothing written before the import
    done = officer.post(officer.path.rsplit("/", 1)[0] + "/import", WAVE)
    assert "3 responses imported" in done.get_data(as_text=True)
    with app.app_context():
        session = db.session()
        asked = {q for (q,) in session.execute(select(Answer.question_id)).all()}
        assert asked == {"plan_type", "trust_confidence"}
        record = session.scalar(select(BaselineImport))
        assert record is not None and sorted(record.mapping["not_asked"]) == sorted(others)

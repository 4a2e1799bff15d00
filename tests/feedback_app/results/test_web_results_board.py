"""The KPI board: figures straight from analysis, status rules, commentary, other areas."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from itertools import count

from flask import Flask
from sqlalchemy import insert, select

from analysis import compare_waves
from feedback_app import db
from feedback_app.models import (
    AuditEvent,
    Base,
    KpiCommentary,
    LocalArea,
    QuestionnaireVersion,
    Response,
    Wave,
    utcnow,
)
from feedback_app.results import data
from feedback_app.review.publishing import publish_version, schedule_wave
from feedback_app.staff.areas import create_area
from surveys.library import bundled_questionnaires
from tests.support.staff import make_area_with_staff, signed_in

_tokens = count()


def _versions(session, area: LocalArea) -> dict[str, QuestionnaireVersion]:
    return {
        name: publish_version(session, area, bundled_questionnaires()[name])
        for name in ("parent_annual", "parent_follow_up")
    }


def add_wave(
    session, version: QuestionnaireVersion, name: str, *, closed_days_ago: int,
    answers: dict[str, list[str]],
) -> Wave:  # fmt: skip
    """A closed wave whose responses answer ``answers`` (question -> one value per response)."""
    closes = utcnow() - dt.timedelta(days=closed_days_ago)
    wave = schedule_wave(
        session, version=version, name=name, opens_at=closes - dt.timedelta(days=30),
        closes_at=closes,
    )  # fmt: skip
    size = max(len(values) for values in answers.values())
    rows = [
        {"wave_id": wave.id, "version_id": version.id, "token_hash": f"t{next(_tokens):063d}",
         "status": "submitted", "channel": "online", "language": "en", "started_at": closes,
         "updated_at": closes, "submitted_at": closes, "review": "", "rate_count": 0}
        for _ in range(size)
    ]  # fmt: skip
    session.execute(insert(Base.metadata.tables["response"]), rows)
    ids = session.scalars(
        select(Response.id).where(Response.wave_id == wave.id).order_by(Response.id)
    ).all()
    session.execute(
        insert(Base.metadata.tables["answer"]),
        [
            {"response_id": ids[i], "question_id": q, "value": v, "updated_at": closes}
            for q, values in answers.items()
            for i, v in enumerate(values)
            if v
        ],
    )
    session.commit()
    return wave


def _split(**counts: int) -> list[str]:
    return [code for code, n in counts.items() for _ in range(n)]


def _known_area(app: Flask) -> dict[str, str]:
    """North: a baseline and a follow-up; three other areas for the benchmark."""
    staff = make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        north = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        versions = _versions(session, north)
        add_wave(session, versions["parent_annual"], "Baseline 2025", closed_days_ago=600,
                 answers={"trust_confidence": _split(agree=40, disagree=60, dont_know=10),
                          "help_support_rating": _split(good=50, poor=50)})  # fmt: skip
        follow_up = {"trust_confidence": _split(strongly_agree=20, agree=50, disagree=30),
                     "help_support_rating": _split(very_good=2, good=50, poor=48)}  # fmt: skip
        add_wave(session, versions["parent_follow_up"], "Follow-up 2026", closed_days_ago=10,
                 answers=follow_up)  # fmt: skip
        # Other areas: South (75%, n=40) and West (50%, n=100) count; East (n=29) does not.
        for slug, trust, help_ in (
            ("south", _split(agree=30, disagree=10), _split(good=20, poor=20)),
            ("east", _split(agree=29), _split(good=29)),
            ("west", _split(agree=50, disagree=50), _split(good=5, poor=4)),
        ):
            area = create_area(session, slug=slug, name=f"Zz{slug.title()}town")
            version = _versions(session, area)["parent_annual"]
            add_wave(session, version, f"{slug} survey", closed_days_ago=30,
                     answers={"trust_confidence": trust, "help_support_rating": help_})  # fmt: skip
    return staff


def _rows(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    ]


def test_board_shows_analysis_figures_status_and_other_areas(app: Flask) -> None:
    staff = _known_area(app)
    officer = signed_in(app.test_client(), staff["officer"])
    html = unescape(officer.get("/staff/north/results").get_data(as_text=True))
    rows = {row[0].split(":")[0].strip(): row for row in _rows(html, "kpi-board")[1:]}
    trust, help_ = rows["KPI 4/1"], rows["KPI 4/2"]

    # The same numbers analysis gives on the same frame.
    with app.test_request_context():
        session = db.session()
        waves = session.scalars(
            select(Wave).join(LocalArea).where(LocalArea.slug == "north").order_by(Wave.closes_at)
        ).all()
        expected = compare_waves(
            data.wave_frame(session, waves), data.bank_kpis()[:2],
            baseline="Baseline 2025", follow_up="Follow-up 2026",
        ).kpis  # fmt: skip
    first = expected[0]
    assert (first.baseline.percent, first.follow_up.percent) == (40.0, 70.0)
    # The agreed baseline (the plan's 38.5%), with what the baseline wave measured.
    assert trust[1].startswith("38.5% agreed")
    assert "Measured: 40.0%, Baseline 2025, n=100" in trust[1]
    assert trust[2].startswith("70.0% Follow-up 2026, n=100")
    assert (
        f"+30.0 points 95% CI {first.change.change_ci_low:+.1f} to "
        f"{first.change.change_ci_high:+.1f}"
    ) in trust[2]
    assert "↑ Improved" in trust[2]
    # The target follows the agreed baseline (38.5 + 10), not the measured one (40 + 10),
    # and is judged on the follow-up's interval (70%, 95% CI 60.4% to 78.1%).
    assert trust[3].startswith("48.5% (Baseline + 10 points) due ")
    assert "Met (confirmed) (judged on Follow-up 2026, 70.0%)" in trust[3]
    assert trust[4] == "Blue: Achieved"
    # 52% against 58 + 10 = 68%, due 18 months after a baseline that closed 600 days ago.
    assert "68.0% (Baseline + 10 points)" in help_[3] and "Not met (confirmed)" in help_[3]
    assert "↔ No significant change" in help_[2]
    assert help_[4] == "Red: Not met by the due date"
    # Other areas: South 75% and West 50% (East's base of 29 is left out): 62.5% of 2.
    assert trust[7].endswith("Other areas: 62.5% unweighted average of 2 other areas")
    # The trend: both figures, rounded as everywhere else, under the sparkline.
    assert trust[5].endswith("Baseline 2025: 40.0% Follow-up 2026: 70.0%")
    assert trust[6] == "None entered"
    # Help and support: only South has a base of 30, so no average is shown.
    assert "Other areas: Not shown: fewer than 2 other areas" in help_[7]
    for name in ("Zzsouth", "Zzeast", "Zzwest", "south survey"):
        assert name not in html
    # The rule is shown on the page, and the status is words as well as colour.
    assert "Target met (confirmed), at any time: Blue, “Achieved”" in html
    assert 'class="govuk-tag govuk-tag--blue">Blue: Achieved<' in html
    # No sideways scroll: eight columns that stack on a phone (CSS), not a scrolled region
    # (tests/browser/test_browser_board.py checks it at 1280 and 390 px).
    assert 'aria-labelledby="kpi-board-caption"' not in html
    assert len(_rows(html, "kpi-board")[0]) == 8

    # The detail page: every wave with its interval, the chart, the sentence, the method.
    page = unescape(officer.get("/staff/north/results/kpis/kpi_4_1").get_data(as_text=True))
    assert first.summary in page
    waves_table = _rows(page, "kpi-waves")
    assert [row[0] for row in waves_table[1:]] == ["Baseline 2025 (baseline)", "Follow-up 2026"]
    assert waves_table[2][3] == (
        f"70.0% 95% CI {first.follow_up.ci_low:.1f}% to {first.follow_up.ci_high:.1f}%"
    )
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'aria-labelledby="chart-kpi_4_1-title chart-kpi_4_1-desc"' in svg
    assert "<title id=" in svg and "<desc id=" in svg and "Target 48.5%" in svg
    assert 'id="chart-kpi_4_1-table"' in page
    assert "95% Wilson score interval" in page and "Newcombe" in page
    assert officer.client.get("/staff/north/results/kpis/nope").status_code == 404
    assert 'id="kpi-board-link"' in officer.get("/staff/north/").get_data(as_text=True)


def test_status_rules_are_configurable_and_reset(app: Flask) -> None:
    staff = _known_area(app)
    officer = signed_in(app.test_client(), staff["officer"])
    page = officer.get("/staff/north/results/settings").get_data(as_text=True)
    rows_offered = len(re.findall(r'<fieldset[^>]*id="rule-\d+"', page))
    assert rows_offered == 8 + 2  # the default rules and two spare rows
    # A rule with words but no colour choice cannot be saved; nothing changes.
    bad = officer.client.post(
        "/staff/north/results/settings",
        data={"csrf_token": officer.csrf_token(), "rule_1_status": "met (confirmed)",
              "rule_1_due": "any", "rule_1_colour": "purple", "rule_1_words": "Done"},
    )  # fmt: skip
    assert bad.status_code == 400 and "There is a problem" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(LocalArea.results_settings).where(
            LocalArea.slug == "north")) is None  # fmt: skip
    form = {
        "rule_1_status": "any", "rule_1_due": "passed", "rule_1_colour": "amber",
        "rule_1_words": "Review at the board", "rule_2_status": "met (confirmed)",
        "rule_2_due": "any", "rule_2_colour": "green", "rule_2_words": "Done",
    }  # fmt: skip
    for i in range(3, rows_offered + 1):  # the rest "Not used", as a browser sends them
        form |= {f"rule_{i}_status": "", f"rule_{i}_due": "any", f"rule_{i}_colour": "grey"}
    saved = officer.post("/staff/north/results/settings", {"baseline": "", **form})
    assert "Results settings saved" in saved.get_data(as_text=True)
    html = unescape(officer.get("/staff/north/results").get_data(as_text=True))
    rows = {row[0].split(":")[0].strip(): row for row in _rows(html, "kpi-board")[1:]}
    # Both due dates have passed, so the first rule wins for every KPI with a target.
    assert rows["KPI 4/1"][4] == "Amber: Review at the board"
    assert "Target any status, once the due date has passed: Amber" in html
    with app.app_context():
        saved = db.session().scalar(
            select(LocalArea.results_settings).where(LocalArea.slug == "north")
        )
        assert len(saved["status_rules"]) == 2
        events = (
            db.session()
            .scalars(select(AuditEvent.action).where(AuditEvent.action == "results_settings_saved"))
            .all()
        )
        assert len(events) == 1
    officer.get("/staff/north/results/settings")
    officer.post("/staff/north/results/settings", {"reset": "1"})
    html = unescape(officer.get("/staff/north/results").get_data(as_text=True))
    assert "Blue: Achieved" in html
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    assert coordinator.client.get("/staff/north/results/settings").status_code == 403


def test_commentary_keeps_every_version_and_roles_are_checked(app: Flask) -> None:
    staff = _known_area(app)
    officer = signed_in(app.test_client(), staff["officer"])
    url = "/staff/north/results/kpis/kpi_4_1"
    officer.get(url)
    empty = officer.client.post(
        f"{url}/commentary", data={"csrf_token": officer.csrf_token(), "body": "  "}
    )
    assert empty.status_code == 400 and "Enter the commentary" in empty.get_data(as_text=True)
    officer.post(f"{url}/commentary", {"body": "First <b>draft</b>"})
    page = officer.post(f"{url}/commentary", {"body": "Survey shows improvement."})
    html = page.get_data(as_text=True)
    latest = html.split('id="commentary-latest"', 1)[1].split("</div>", 1)[0]
    assert "Survey shows improvement." in latest and staff["officer"] in latest
    history = html.split('id="commentary-history"', 1)[1]
    assert "Previous versions (1)" in history and "First &lt;b&gt;draft&lt;/b&gt;" in history
    board = unescape(officer.get("/staff/north/results").get_data(as_text=True))
    assert "Survey shows improvement." in board
    with app.app_context():
        session = db.session()
        assert session.scalar(select(KpiCommentary.body).order_by(KpiCommentary.id)) == (
            "First <b>draft</b>"
        )
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "kpi_commentary_saved")
        ).all()
        assert detail == [{"kpi_id": "kpi_4_1"}] * 2
    assert officer.client.post("/staff/north/results/kpis/nope/commentary").status_code in (
        400,
        404,
    )
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    assert coordinator.client.get("/staff/north/results").status_code == 403
    assert coordinator.client.post(f"{url}/commentary", data={"body": "x"}).status_code in (
        400,
        403,
    )
    reviewer = signed_in(app.test_client(), staff["reviewer"])
    assert reviewer.client.get(url).status_code == 403
    with app.app_context():
        assert db.session().query(KpiCommentary).count() == 2


def test_an_answer_analysis_cannot_read_is_named_by_its_real_response(app: Flask) -> None:
    """The board reads counts; when analysis refuses an answer, the problem still names
    the response that gave it, not a row of counts."""
    staff = _known_area(app)
    with app.app_context():
        session = db.session()
        north = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        version = _versions(session, north)["parent_annual"]
        wave = add_wave(session, version, "Late 2026", closed_days_ago=2,
                        answers={"trust_confidence": [*_split(agree=12), "sideways"]})  # fmt: skip
        odd = session.scalar(
            select(Response.id).where(Response.wave_id == wave.id).order_by(Response.id.desc())
        )
    html = unescape(signed_in(app.test_client(), staff["officer"]).get("/staff/north/results")
                    .get_data(as_text=True))  # fmt: skip
    assert f"(response_id {odd}): column 'trust_confidence': code 'sideways'" in html

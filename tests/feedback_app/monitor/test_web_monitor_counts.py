"""The live response monitor: counts from a known set of responses, small counts hidden."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import select, update

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, PopulationCount, Response, Wave, utcnow
from feedback_app.monitor import counts
from feedback_app.respond import journey
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import add_wave, make_wave

FREE_TEXT = "Our family secret about the school"


def _respond(
    session, wave: Wave, *, pages: list[dict[str, object]], submit: bool,
    language: str = "en", channel: str = "online", days_ago: int = 0,
) -> None:  # fmt: skip
    questionnaire = questionnaire_for(wave.version)
    response = journey.start_response(session, wave, language=language, channel=channel)
    for page in pages:
        journey.save_page(session, response, cleaned=page, language=language)
    if submit:
        assert journey.submit(session, response, questionnaire)
    if days_ago:
        moment = utcnow() - dt.timedelta(days=days_ago)
        session.execute(
            update(Response)
            .where(Response.id == response.id)
            .values(started_at=moment, submitted_at=moment if submit else None)
        )
        session.commit()


def _known_wave(app: Flask) -> int:
    """10 submitted (6 EHC plan, 1 SEN support, 3 "don't know"), 7 in progress."""
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        area.localities = [["n1", "North Town"], ["s1", "South Town"]]
        now = utcnow()
        wave = add_wave(
            session, questionnaire="parent_annual", name="Baseline 2026",
            opens_at=now - dt.timedelta(days=20), closes_at=now + dt.timedelta(days=20),
        )  # fmt: skip
        session.commit()
        full = [{"plan_type": "ehcp"}, {"works_well": FREE_TEXT}, {"trust_confidence": "agree"}]
        for _ in range(6):  # 2 days ago
            _respond(session, wave, pages=full, submit=True, days_ago=2)
        _respond(session, wave, pages=[{"plan_type": "sen_support"}], submit=True, language="pl")
        for _ in range(3):
            _respond(session, wave, pages=[{"plan_type": "dont_know"}], submit=True)
        for _ in range(6):  # stopped after the second page
            _respond(
                session, wave, pages=[{"plan_type": "ehcp"}, {"age_phase": "primary"}],
                submit=False,
            )  # fmt: skip
        _respond(session, wave, pages=[], submit=False, channel="paper")
        return wave.id


@pytest.fixture
def known_wave_id(app: Flask) -> int:
    """Area north with its staff, and the wave of ``_known_wave``."""
    make_area_with_staff(app, "north")
    return _known_wave(app)


def test_counts_are_sql_aggregates_of_the_known_responses(app: Flask, known_wave_id: int) -> None:
    with app.app_context():
        session = db.session()
        wave = session.get(Wave, known_wave_id)
        assert counts.by_status(session, wave) == {"in_progress": 7, "submitted": 10}
        days = counts.per_day(session, wave)
        assert [(d.started, d.submitted) for d in days] == [(6, 6), (11, 4)]
        assert days[1].day - days[0].day == dt.timedelta(days=2)
        assert counts.last_answered(session, wave) == ({"age_phase": 6}, 1)
        assert counts.by_column(session, wave, "channel") == {"online": (16, 10), "paper": (1, 0)}
        assert counts.by_column(session, wave, "language") == {"en": (16, 9), "pl": (1, 1)}
        assert counts.by_answer(session, wave, "plan_type") == {
            "ehcp": 6,
            "sen_support": 1,
            "dont_know": 3,
        }


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)
        ]
        for r in rows
    ]


def test_monitor_page_hides_small_counts_and_never_shows_answers(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id = _known_wave(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    html = unescape(browser.get(f"/staff/north/waves/{wave_id}/monitor").get_data(as_text=True))
    assert re.search(r'id="total-started">17<', html)
    assert re.search(r'id="total-submitted">10<', html)
    assert re.search(r'id="total-in-progress">7<', html)
    assert _cells(html, "per-day")[1][1:] == ["6", "6"]
    assert _cells(html, "per-day")[2][1:] == ["11", "fewer than 5"]
    assert _cells(html, "drop-off")[1:] == [
        ["Started, but answered nothing yet", "fewer than 5"],
        ["Page 2: How old is your child?", "6"],
    ]
    assert _cells(html, "by-channel")[1:] == [
        ["Online", "16", "10"],
        ["Paper", "fewer than 5", "0"],
    ]
    assert ["Polish (polski)", "fewer than 5", "fewer than 5"] in _cells(html, "by-language")
    assert "<svg" in html and "app-chart__bar--few" in html
    assert FREE_TEXT not in html
    assert "Strongly agree" not in html and ">Agree<" not in html


def test_population_counts_flag_under_represented_groups(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id = _known_wave(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    url = f"/staff/north/waves/{wave_id}/monitor?by=plan_type"
    browser.get(url)
    # A bad number is a form error and nothing is saved.
    page = browser.client.post(
        url, data={"csrf_token": browser.csrf_token(), "population_ehcp": "-3"}
    )
    assert page.status_code == 400
    assert "Enter the number of families as a whole number" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(PopulationCount)).all() == []
    page = browser.post(
        url,
        {"population_ehcp": "100", "population_sen_support": "300",
         "population_waiting": "1,00", "population_none": ""},
    )  # fmt: skip
    html = unescape(page.get_data(as_text=True))
    assert "Population counts saved" in html
    rows = {row[0]: row[1:] for row in _cells(html, "by-group")[1:]}
    # Base: 7 responses (the 3 "don't know" are left out); population 500.
    assert rows["Education, Health and Care plan (EHC plan)"] == ["6", "86%", "100", "20%", ""]
    assert rows["SEN support"] == [
        "fewer than 5", "not shown", "300", "60%", "Under-represented",
    ]  # fmt: skip
    assert rows["Waiting for an EHC needs assessment"] == [
        "0",
        "0%",
        "100",
        "20%",
        "Under-represented",
    ]
    assert rows["None of these"] == ["0", "0%", "–", "–", ""]
    assert rows["Don't know"] == ["fewer than 5", "–", "–", "–", ""]
    with app.app_context():
        saved = {
            (p.question_id, p.category): p.population
            for p in db.session().scalars(select(PopulationCount))
        }
    assert saved == {
        ("plan_type", "ehcp"): 100,
        ("plan_type", "sen_support"): 300,
        ("plan_type", "waiting"): 100,
    }
    # One dimension at a time, chosen by a GET parameter; unknown ones are a 404.
    other = unescape(
        browser.get(f"/staff/north/waves/{wave_id}/monitor?by=age_phase").get_data(as_text=True)
    )
    assert "How old is your child?" in other.split('id="by-group"', 1)[1].split("</caption>")[0]
    assert (
        browser.client.get(f"/staff/north/waves/{wave_id}/monitor?by=works_well").status_code == 404
    )
    reviewer = signed_in(app.test_client(), staff["reviewer"])
    assert reviewer.client.get(url).status_code == 403


def test_days_are_the_areas_local_days(app: Flask, known_wave_id: int) -> None:
    with app.app_context():
        session = db.session()
        wave = session.get(Wave, known_wave_id)
        late_evening_bst = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 July
        session.execute(
            update(Response)
            .where(Response.wave_id == known_wave_id, Response.status == "submitted")
            .values(started_at=late_evening_bst, submitted_at=late_evening_bst)
        )
        session.commit()
        days = counts.per_day(session, wave)
        assert days[0] == counts.DayCount(dt.date(2026, 7, 2), 10, 10)


def test_a_questionnaire_without_group_questions_shows_counts_only(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id = make_wave(
        app, questionnaire="event_feedback", name="Fair", opens_at=utcnow(), closes_at=None
    ).id
    browser = signed_in(app.test_client(), staff["officer"])
    html = browser.get(f"/staff/north/waves/{wave_id}/monitor").get_data(as_text=True)
    assert "Nobody has started this survey yet." in html
    assert 'id="by-group"' not in html
    posted = browser.client.post(
        f"/staff/north/waves/{wave_id}/monitor", data={"csrf_token": browser.csrf_token()}
    )
    assert posted.status_code == 404

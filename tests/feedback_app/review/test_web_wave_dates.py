"""One rule for a wave's last day, in the area's time zone, on every page and poster."""

from __future__ import annotations

import datetime as dt
from html import unescape

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import LocalArea, Wave, utcnow
from feedback_app.review.publishing import publish_version
from feedback_app.web.local_days import end_of_day_utc, last_day
from surveys.library import bundled_questionnaires
from tests.feedback_app.results.test_web_results_board import add_wave
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import make_wave

LONDON = "Europe/London"


def test_the_last_day_survives_every_day_of_three_years_in_bst_and_gmt() -> None:
    day = dt.date(2025, 1, 1)
    while day < dt.date(2028, 1, 1):
        assert last_day(end_of_day_utc(day, LONDON), LONDON) == day
        day += dt.timedelta(days=1)
    # Winter (GMT): the last day 31 January 2027 is stored as 1 February 00:00 UTC.
    assert end_of_day_utc(dt.date(2027, 1, 31), LONDON) == dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    # Summer (BST): the last day 2 June 2025 is stored as 2 June 23:00 UTC.
    summer = dt.datetime(2025, 6, 2, 23, 0, tzinfo=dt.UTC)
    assert end_of_day_utc(dt.date(2025, 6, 2), LONDON) == summer
    assert last_day(summer, LONDON) == dt.date(2025, 6, 2)
    # The clocks go back on 26 October 2025 (a 25-hour day) and forward on 30 March.
    assert last_day(dt.datetime(2025, 10, 27, 0, 0, tzinfo=dt.UTC), LONDON) == dt.date(2025, 10, 26)
    assert last_day(dt.datetime(2025, 3, 30, 23, 0, tzinfo=dt.UTC), LONDON) == dt.date(2025, 3, 30)
    # Closed early in the afternoon: that day was the last one.
    assert last_day(dt.datetime(2026, 7, 9, 13, 32, tzinfo=dt.UTC), LONDON) == dt.date(2026, 7, 9)
    # Naive moments (SQLite) are UTC.
    assert last_day(dt.datetime(2027, 2, 1), LONDON) == dt.date(2027, 1, 31)


def _open_wave(app: Flask, last: dt.date, name: str) -> str:
    return make_wave(
        app,
        questionnaire="parent_follow_up",
        name=name,
        opens_at=utcnow() - dt.timedelta(days=1),
        closes_at=end_of_day_utc(last, LONDON),
    ).slug


def test_staff_list_home_start_page_and_poster_show_the_last_day(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    year = utcnow().year + 2
    for last, name, short, long_, next_day in (
        (dt.date(year, 1, 31), "Winter", "31 Jan", "31 January", "1 February"),
        (dt.date(year, 6, 2), "Summer", "2 Jun", "2 June", "3 June"),
    ):
        slug = _open_wave(app, last, name)
        coordinator = signed_in(app.test_client(), staff["coordinator"])
        listing = coordinator.get("/staff/north/").get_data(as_text=True)
        assert f"{short} {year}" in listing
        home = unescape(app.test_client().get("/").get_data(as_text=True))
        assert f"Closes {long_} {year}" in home
        assert f"{next_day} {year}" not in home
        start = unescape(app.test_client().get(f"/s/{slug}").get_data(as_text=True))
        assert f"This survey closes on {long_} {year}." in start
        with app.app_context():
            wave_id = db.session().scalar(select(Wave.id).where(Wave.slug == slug))
        poster = coordinator.get(f"/staff/north/waves/{wave_id}/share/poster")
        poster_html = unescape(poster.get_data(as_text=True))
        assert f"Open until {long_} {year}." in poster_html
        assert f"{next_day} {year}" not in poster_html


def test_the_kpi_page_shows_the_last_day_of_a_summer_wave(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        version = publish_version(session, area, bundled_questionnaires()["parent_annual"])
        wave = add_wave(
            session,
            version,
            "Baseline 2025",
            closed_days_ago=1,
            answers={"trust_confidence": ["agree"] * 20 + ["disagree"] * 20},
        )
        # Its last day was 2 June 2025 (BST): it closed at 23:00 UTC that day.
        wave.closes_at = end_of_day_utc(dt.date(2025, 6, 2), LONDON)
        wave.opens_at = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
        session.commit()
    officer = signed_in(app.test_client(), staff["officer"])
    page = unescape(officer.get("/staff/north/results/kpis/kpi_4_1").get_data(as_text=True))
    assert "2 Jun 2025" in page
    assert "3 Jun 2025" not in page

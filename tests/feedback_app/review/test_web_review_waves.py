"""Scheduling waves in the area's time zone, versions list, scheduled state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import AuditEvent, Response, Wave
from feedback_app.web.local_days import end_of_day_utc, local_to_utc
from tests.support.browser import PageBrowser
from tests.support.rows import detached_rows
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import make_version, wave_form_data


def _version(app: Flask) -> int:
    return make_version(app, "parent_follow_up")


def _form(**overrides: str) -> dict[str, Any]:
    return wave_form_data(**{"name": "Follow-up", **overrides})


def _waves(app: Flask) -> list[Wave]:
    return detached_rows(app, Wave)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _on_the_schedule_page(app: Flask, email: str) -> tuple[PageBrowser, str]:
    """Area north with its staff and a published version; ``email`` signed in, and
    the address of the page that schedules a wave of that version."""
    make_area_with_staff(app, "north")
    url = f"/staff/north/waves/new?version={_version(app)}"
    return signed_in(app.test_client(), email), url


def test_local_times_convert_to_utc_in_summer_and_winter() -> None:
    summer = local_to_utc(dt.date(2030, 7, 1), dt.time(9, 0), "Europe/London")
    winter = local_to_utc(dt.date(2030, 12, 1), dt.time(9, 0), "Europe/London")
    assert summer == dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert winter == dt.datetime(2030, 12, 1, 9, 0, tzinfo=dt.UTC)
    # The clocks go back on 27 October 2030: that day has 25 hours.
    assert end_of_day_utc(dt.date(2030, 10, 27), "Europe/London") == dt.datetime(
        2030, 10, 28, 0, 0, tzinfo=dt.UTC
    )
    assert end_of_day_utc(dt.date(2030, 10, 26), "Europe/London") == dt.datetime(
        2030, 10, 26, 23, 0, tzinfo=dt.UTC
    )


def test_scheduling_a_summer_and_a_winter_wave(app: Flask) -> None:
    make_area_with_staff(app, "north")
    version_id = _version(app)
    url = f"/staff/north/waves/new?version={version_id}"
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    page = coordinator.get(url)
    assert "Europe/London" in page.get_data(as_text=True)
    page = coordinator.post(url, _form(name="Summer", invitation_only="y"))
    assert page.request.path == "/staff/north/"
    html = page.get_data(as_text=True)
    assert "The wave is scheduled" in html and "Scheduled" in html
    coordinator.get(url)
    coordinator.post(
        url,
        _form(
            name="Winter",
            **{"opens-month": "12", "closes-month": "12", "retention_years": "5"},
        ),
    )
    summer, winter = _waves(app)
    assert _utc(summer.opens_at) == dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert _utc(summer.closes_at) == dt.datetime(2030, 7, 31, 23, 0, tzinfo=dt.UTC)
    assert summer.invitation_only is True and summer.retention_years == 3
    assert _utc(winter.opens_at) == dt.datetime(2030, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert _utc(winter.closes_at) == dt.datetime(2031, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert winter.invitation_only is False and winter.retention_years == 5
    assert summer.version_id == winter.version_id == version_id

    versions = coordinator.get("/staff/north/versions").get_data(as_text=True)
    assert "Summer" in versions and "Winter" in versions and "Scheduled" in versions
    with app.app_context():
        scheduled = db.session().scalars(
            select(AuditEvent).where(AuditEvent.action == "schedule_wave")
        )
        assert len(list(scheduled)) == 2

    # Respondents cannot start a wave that has not opened yet.
    respondent = PageBrowser(app.test_client())
    response = respondent.client.get(f"/s/{summer.slug}")
    assert response.status_code != 200 or "Start now" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Response)) == 0


def test_an_open_ended_wave_opening_now_is_open(app: Flask) -> None:
    officer, url = _on_the_schedule_page(app, "officer@north.example")
    officer.get(url)
    page = officer.post(
        url,
        _form(**{"opens-year": "2020", "closes-day": "", "closes-month": "", "closes-year": ""}),
    )
    assert "The wave is open" in page.get_data(as_text=True)
    (wave,) = _waves(app)
    assert wave.closes_at is None and wave.is_open()


def _errors(app: Flask, browser: PageBrowser, url: str, data: dict[str, Any]) -> str:
    page = browser.post(url, data)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "<title>Error:" in html
    assert _waves(app) == []
    return html


def test_bad_dates_are_clear_errors_and_write_nothing(app: Flask) -> None:
    coordinator, url = _on_the_schedule_page(app, "coordinator@north.example")
    coordinator.get(url)
    html = _errors(app, coordinator, url, _form(**{"opens-day": "31", "opens-month": "2"}))
    assert "Enter a real date" in html and 'href="#opens"' in html
    html = _errors(app, coordinator, url, _form(**{"closes-day": "x"}))
    assert "Enter a real date" in html and 'href="#closes"' in html
    html = _errors(app, coordinator, url, _form(**{"closes-day": "30", "closes-month": "6"}))
    assert "Close date must be after the open date" in html
    html = _errors(app, coordinator, url, _form(**{"opens-year": "2019", "closes-year": "2019"}))
    assert "Close date must be in the future" in html
    html = _errors(
        app, coordinator, url, _form(**{"opens-day": "", "opens-month": "", "opens-year": ""})
    )
    assert "Enter the date the wave opens" in html
    html = _errors(app, coordinator, url, _form(opens_time="25:00"))
    assert "Enter a time in the 24-hour clock" in html
    html = _errors(app, coordinator, url, _form(retention_years="4", name=""))
    assert "Enter a name for the wave" in html and 'href="#retention_years"' in html


def test_a_version_of_another_area_or_none_is_not_found(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    version_id = _version(app)
    south = signed_in(app.test_client(), "coordinator@south.example")
    assert south.client.get(f"/staff/south/waves/new?version={version_id}").status_code == 404
    assert south.client.get("/staff/south/waves/new").status_code == 404
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    assert reviewer.client.get(f"/staff/north/waves/new?version={version_id}").status_code == 403

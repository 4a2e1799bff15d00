"""Changing a scheduled wave: rename, extend, bring forward, close now, reopen; audited."""

from __future__ import annotations

import datetime as dt
from html import unescape

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import AuditEvent, Wave, utcnow
from feedback_app.web.local_days import end_of_day_utc, last_day
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import add_wave

LONDON = "Europe/London"


def _wave(app: Flask, *, closes_at: dt.datetime | None, opens_days_ago: int = 10) -> int:
    with app.app_context():
        session = db.session()
        wave = add_wave(
            session,
            questionnaire="parent_follow_up",
            name="Follow-up 2027",
            opens_at=utcnow() - dt.timedelta(days=opens_days_ago),
            closes_at=closes_at,
        )
        wave.retention_years = 1
        session.commit()
        return wave.id


def _stored(app: Flask, wave_id: int) -> Wave:
    with app.app_context():
        session = db.session()
        wave = session.get(Wave, wave_id)
        assert wave is not None
        session.expunge(wave)
        return wave


def _day_form(name: str, day: dt.date | None) -> dict[str, str]:
    return {
        "name": name,
        "closes-day": str(day.day) if day else "",
        "closes-month": str(day.month) if day else "",
        "closes-year": str(day.year) if day else "",
    }


def _events(app: Flask, action: str) -> list[dict[str, object]]:
    with app.app_context():
        events = db.session().scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return [event.detail or {} for event in events]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment and not moment.tzinfo else moment


def test_rename_extend_bring_forward_close_and_reopen(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    today = last_day(utcnow() + dt.timedelta(microseconds=1), LONDON)
    first_last = today + dt.timedelta(days=20)
    wave_id = _wave(app, closes_at=end_of_day_utc(first_last, LONDON))
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    url = f"/staff/north/waves/{wave_id}/change"

    # The form shows the last day, not the stored next midnight.
    page = coordinator.get(url)
    html = page.get_data(as_text=True)
    assert f'value="{first_last.day}"' in html and "Close the wave now" in html

    # Rename and extend by a month (across a change of the clocks whatever the date).
    extended = first_last + dt.timedelta(days=180)
    page = coordinator.post(url, _day_form("Follow-up spring 2027", extended))
    assert page.request.path == f"/staff/north/waves/{wave_id}/share"
    assert "The wave has been changed" in page.get_data(as_text=True)
    wave = _stored(app, wave_id)
    assert wave.name == "Follow-up spring 2027"
    assert _aware(wave.closes_at) == end_of_day_utc(extended, LONDON)
    share = unescape(page.get_data(as_text=True))
    assert f"Closes at the end of {extended.day} {extended:%B} {extended.year}" in share
    poster = unescape(
        coordinator.get(f"/staff/north/waves/{wave_id}/share/poster").get_data(as_text=True)
    )
    assert f"Open until {extended.day} {extended:%B} {extended.year}." in poster
    [renamed] = _events(app, "change_wave")
    assert renamed["name"] == ["Follow-up 2027", "Follow-up spring 2027"]
    assert renamed["reopened"] is False

    # Bring the close forward to tomorrow.
    tomorrow = today + dt.timedelta(days=1)
    coordinator.get(url)
    coordinator.post(url, _day_form("Follow-up spring 2027", tomorrow))
    assert _aware(_stored(app, wave_id).closes_at) == end_of_day_utc(tomorrow, LONDON)

    # A day in the past is refused with a plain message; nothing changes.
    coordinator.get(url)
    refused = coordinator.post(url, _day_form("Other", today - dt.timedelta(days=1)))
    assert refused.status_code == 400
    assert "The last day must be today or later" in unescape(refused.get_data(as_text=True))
    assert _stored(app, wave_id).name == "Follow-up spring 2027"

    # Close now: respondents see it closed at once.
    slug = _stored(app, wave_id).slug
    coordinator.get(url)
    closed = coordinator.post(f"/staff/north/waves/{wave_id}/close", {})
    assert "The wave is closed" in closed.get_data(as_text=True)
    wave = _stored(app, wave_id)
    assert not wave.is_open()
    assert "Start now" not in app.test_client().get(f"/s/{slug}").get_data(as_text=True)
    assert len(_events(app, "close_wave")) == 1

    # Renaming a wave closed early keeps it closed (its last day is today).
    coordinator.get(url)
    coordinator.post(url, _day_form("Follow-up (closed)", today))
    wave = _stored(app, wave_id)
    assert wave.name == "Follow-up (closed)" and not wave.is_open()

    # Reopen: a new last day from today on, within the retention period.
    coordinator.get(url)
    reopened = coordinator.post(url, _day_form("Follow-up (closed)", tomorrow))
    assert reopened.status_code == 200
    assert _stored(app, wave_id).is_open()
    assert _events(app, "change_wave")[-1]["reopened"] is True
    assert "Start now" in app.test_client().get(f"/s/{slug}").get_data(as_text=True)


def test_a_wave_past_its_retention_period_cannot_be_reopened(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id = _wave(
        app, closes_at=utcnow() - dt.timedelta(days=400), opens_days_ago=500
    )  # retention 1 year
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    url = f"/staff/north/waves/{wave_id}/change"
    coordinator.get(url)
    future = dt.date.today() + dt.timedelta(days=30)
    page = coordinator.post(url, _day_form("Old", future))
    assert page.status_code == 400
    assert "retention period has ended" in page.get_data(as_text=True)
    assert not _stored(app, wave_id).is_open()
    assert _events(app, "change_wave") == []


def test_changing_needs_run_surveys_and_the_same_area(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    wave_id = _wave(app, closes_at=None)
    viewer = signed_in(app.test_client(), staff["reviewer"])
    assert viewer.client.get(f"/staff/north/waves/{wave_id}/change").status_code == 403
    other = signed_in(app.test_client(), "coordinator@south.example")
    assert other.client.get(f"/staff/south/waves/{wave_id}/change").status_code == 404
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    assert "No end date" in coordinator.get(f"/staff/north/waves/{wave_id}/change").get_data(
        as_text=True
    )
    assert coordinator.client.post(f"/staff/north/waves/{wave_id}/close").status_code == 400

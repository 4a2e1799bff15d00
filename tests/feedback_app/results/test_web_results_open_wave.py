"""Results over an open wave: new submissions wait for the refresh time bucket, staff
exclusions show at once, and pages say when open-wave figures were worked out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask, g

from feedback_app import db
from feedback_app.models import Wave, utcnow
from feedback_app.respond import journey
from feedback_app.results import data
from tests.feedback_app.results.test_web_results_compare import BASE, _setup
from tests.feedback_app.results.test_web_results_data import _respond
from tests.support.staff import signed_in


def test_open_wave_recomputes_per_time_bucket_and_at_once_after_exclusion(
    app: Flask, demo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    start = utcnow()
    clock = {"now": start}
    monkeypatch.setattr(data, "utcnow", lambda: clock["now"])
    app.config["RESULTS_OPEN_WAVE_REFRESH_SECONDS"] = 300

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(data.wave_frame(db.session(), [wave]))}

    def page_view() -> dict[str, int]:
        g.pop("result_cache", None)  # a new request
        g.pop("results_open_worked_out", None)
        found = data.cached(session, area, "count", {}, [wave], compute)
        session.commit()
        return found

    with app.test_request_context():
        session = db.session()
        wave = journey.find_wave(session, demo["parent_follow_up"])
        assert wave is not None and wave.is_open()
        area = wave.area
        first = _respond(session, wave, {"trust_confidence": "agree"})
        session.commit()
        assert page_view() == {"n": 1}
        assert data.worked_out_at() == start

        # A second submission within the window: served from the cache.
        second = _respond(session, wave, {"trust_confidence": "agree"})
        session.commit()
        clock["now"] = start + dt.timedelta(seconds=1)
        assert page_view() == {"n": 1}
        assert len(calls) == 1

        # Once the window has passed, it is worked out again.
        clock["now"] = start + dt.timedelta(seconds=301)
        assert page_view() == {"n": 2}
        assert len(calls) == 2
        assert data.worked_out_at() == clock["now"]

        # A staff exclusion shows at once, within the same window.
        first.review = "excluded"
        session.commit()
        assert page_view() == {"n": 1}
        assert len(calls) == 3
        second.review = "kept"
        session.commit()
        assert page_view() == {"n": 1}
        assert len(calls) == 4


def test_compare_page_says_when_open_wave_figures_were_worked_out(
    app: Flask, demo: dict[str, str]
) -> None:
    waves = _setup(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")
    url = f"{BASE}/compare?baseline={waves['baseline']}&follow_up={waves['repeat']}"

    closed = browser.get(url).get_data(as_text=True)
    assert "Compare waves" in closed
    assert 'id="open-wave-figures"' not in closed

    with app.app_context():
        session = db.session()
        repeat = session.get(Wave, waves["repeat"])
        assert repeat is not None
        repeat.closes_at = None
        session.commit()
    page = browser.get(url).get_data(as_text=True)
    assert 'id="open-wave-figures"' in page
    note = page.split('id="open-wave-figures">', 1)[1].split("</div>", 1)[0]
    assert "refreshed every 5 minutes; these were worked out at" in note
    assert re.search(r"at \d\d:\d\d\.", note)

    app.config["RESULTS_OPEN_WAVE_REFRESH_SECONDS"] = 60
    page = browser.get(url).get_data(as_text=True)
    assert "refreshed every minute; these were worked out at" in page

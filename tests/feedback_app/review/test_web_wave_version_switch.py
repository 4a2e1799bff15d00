"""Moving a running wave to a corrected version (issue 15 point 4, ADR 0027): only
when the change keeps results comparable, audited, answers already sent keep
their version, a response in progress carries on in the new one."""

from __future__ import annotations

import datetime as dt
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import AuditEvent, Response, Wave, utcnow
from surveys import Questionnaire
from surveys.library import bundled_questionnaires
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import make_version, make_wave

ANSWERS = [
    ("event_useful", {"event_useful": "agree"}),
    ("do_differently", {"do_differently": "yes"}),
    ("event_comments", {}),
]


def _corrected(**question_changes: Any) -> Questionnaire:
    """The event questionnaire with ``do_differently`` changed (hint, text...)."""
    data = bundled_questionnaires()["event_feedback"].model_dump()
    for page in data["pages"]:
        for question in page["questions"]:
            if question["id"] == "do_differently":
                question.update(question_changes)
    return Questionnaire.model_validate(data)


def _wave(app: Flask, *, closes_in_days: int = 20) -> tuple[int, str]:
    now = utcnow()
    wave = make_wave(
        app, questionnaire="event_feedback", name="Coffee morning",
        opens_at=now - dt.timedelta(days=5), closes_at=now + dt.timedelta(days=closes_in_days),
    )  # fmt: skip
    return wave.id, wave.slug


def _publish(app: Flask, questionnaire: Questionnaire) -> int:
    return make_version(app, questionnaire)


def _state(app: Flask, wave_id: int) -> tuple[int, list[tuple[str, int]], list[dict[str, Any]]]:
    """The wave's version number, its responses (status, version number) and the
    switch audit events."""
    with app.app_context():
        session = db.session()
        wave = session.get(Wave, wave_id)
        assert wave is not None
        responses = [
            (r.status, session.get(type(wave.version), r.version_id).version)  # type: ignore[union-attr]
            for r in session.scalars(select(Response).where(Response.wave_id == wave_id))
        ]
        events = [
            e.detail or {}
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "switch_wave_version")
            )
        ]
        return wave.version.version, sorted(responses), events


def _respondent(app: Flask, slug: str, pages: int) -> PageBrowser:
    """A respondent who has answered the first ``pages`` pages."""
    browser = PageBrowser(app.test_client())
    browser.get(f"/s/{slug}")
    browser.post(f"/s/{slug}/start")
    for page_id, data in ANSWERS[:pages]:
        assert browser.path == f"/s/{slug}/q/{page_id}", browser.path
        browser.post(browser.path, data)
    return browser


def _finish(browser: PageBrowser, slug: str) -> str:
    while browser.path != f"/s/{slug}/check":
        page_id = browser.path.rsplit("/", 1)[-1]
        browser.post(browser.path, dict(ANSWERS)[page_id])
    return browser.post(f"/s/{slug}/check").get_data(as_text=True)


def test_a_corrected_hint_moves_the_running_wave_audited(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id, slug = _wave(app)
    _finish(_respondent(app, slug, 3), slug)  # sent on version 1
    halfway = _respondent(app, slug, 1)  # in progress on version 1
    new_hint = "For example, ring a service or read the Local Offer website."
    _publish(app, _corrected(hint=new_hint))

    coordinator = signed_in(app.test_client(), staff["coordinator"])
    change = coordinator.get(f"/staff/north/waves/{wave_id}/change").get_data(as_text=True)
    assert "This wave runs version 1; version 2 of the questionnaire is published." in change
    page = unescape(coordinator.get(f"/staff/north/waves/{wave_id}/version").get_data(as_text=True))
    assert "question “Will you do something differently after today?”: hint changed" in page
    assert "Results compare" in page and "Move the wave to version 2" in page
    assert "Does not compare" not in page

    form_version = _hidden_version(page)
    done = coordinator.post(f"/staff/north/waves/{wave_id}/version", {"version": form_version})
    assert coordinator.path == f"/staff/north/waves/{wave_id}/share"
    assert "Coffee morning now runs version 2 (it ran version 1)" in unescape(
        done.get_data(as_text=True)
    )
    number, responses, events = _state(app, wave_id)
    assert number == 2
    # Sent stays with version 1; the one in progress carries on in version 2.
    assert responses == [("in_progress", 2), ("submitted", 1)]
    assert len(events) == 1
    assert events[0]["version"] == [1, 2] and events[0]["responses_in_progress"] == 1
    assert events[0]["wave_id"] == wave_id

    # The respondent part-way through resumes and sends, seeing the new hint.
    question = halfway.get(f"/s/{slug}/q/do_differently").get_data(as_text=True)
    assert new_hint in unescape(question)
    assert halfway.path == f"/s/{slug}/q/do_differently"
    _finish(halfway, slug)
    assert halfway.path == f"/s/{slug}/done"
    # Someone new gets version 2.
    _finish(_respondent(app, slug, 3), slug)
    _number, responses, _events = _state(app, wave_id)
    assert responses == [("submitted", 1), ("submitted", 2), ("submitted", 2)]
    # Nothing newer: the page says so, and posting again changes nothing.
    page = coordinator.get(f"/staff/north/waves/{wave_id}/version").get_data(as_text=True)
    assert "There is no newer published version" in page
    coordinator.get(f"/staff/north/waves/{wave_id}/change")
    assert "A newer version is published" not in coordinator.last.get_data(as_text=True)  # type: ignore[union-attr]
    coordinator.post(f"/staff/north/waves/{wave_id}/version", {"version": form_version})
    assert coordinator.last is not None and coordinator.last.status_code == 409
    assert len(_state(app, wave_id)[2]) == 1


def _hidden_version(html: str) -> str:
    marker = 'name="version" type="hidden" value="'
    if marker not in html:
        marker = 'type="hidden" name="version" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_a_corrected_typo_moves_the_running_wave(app: Flask) -> None:
    """Issue 15 point 4: a typo fixed in a question (here "somethign") keeps results
    comparable, so the running wave moves; a changed word does not (below)."""
    staff = make_area_with_staff(app, "north")
    wave_id, _slug = _wave(app)
    _publish(app, _corrected(text="Will you do somethign differently after today ?"))
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    page = unescape(coordinator.get(f"/staff/north/waves/{wave_id}/version").get_data(as_text=True))
    assert ": spelling or punctuation corrected" in page and "Does not compare" not in page
    coordinator.post(f"/staff/north/waves/{wave_id}/version", {"version": _hidden_version(page)})
    number, _responses, events = _state(app, wave_id)
    assert number == 2 and len(events) == 1


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"text": "Will you do anything differently now?"}, "wording changed"),
        ({"optional": True}, "whether it can be skipped changed"),
    ],
)
def test_a_change_that_breaks_comparability_is_refused(
    app: Flask, change: dict[str, Any], shown: str
) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id, _slug = _wave(app)
    target_id = _publish(app, _corrected(**change))
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    page = unescape(coordinator.get(f"/staff/north/waves/{wave_id}/version").get_data(as_text=True))
    assert shown in page and "Does not compare" in page
    assert "This wave cannot move to version 2" in page and "Move the wave to" not in page
    refused = coordinator.post(f"/staff/north/waves/{wave_id}/version", {"version": str(target_id)})
    assert refused.status_code == 409
    assert "some answers would not mean what they meant" in unescape(refused.get_data(as_text=True))
    number, _responses, events = _state(app, wave_id)
    assert number == 1 and events == []


def test_a_closed_wave_keeps_its_version(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id, _slug = _wave(app)
    target_id = _publish(app, _corrected(hint="A clearer hint."))
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    coordinator.get(f"/staff/north/waves/{wave_id}/change")
    coordinator.post(f"/staff/north/waves/{wave_id}/close")
    page = coordinator.get(f"/staff/north/waves/{wave_id}/version").get_data(as_text=True)
    assert coordinator.last is not None and coordinator.last.status_code == 200
    assert "This wave is closed, so it keeps the version it was answered with" in page
    assert "A newer version is published" not in coordinator.get(
        f"/staff/north/waves/{wave_id}/change"
    ).get_data(as_text=True)
    refused = coordinator.post(f"/staff/north/waves/{wave_id}/version", {"version": str(target_id)})
    assert refused.status_code == 409
    assert _state(app, wave_id)[0] == 1 and _state(app, wave_id)[2] == []


def test_switching_needs_run_surveys_the_same_area_and_a_real_form(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    wave_id, _slug = _wave(app)
    target_id = _publish(app, _corrected(hint="A clearer hint."))
    url = f"/staff/north/waves/{wave_id}/version"
    reviewer = signed_in(app.test_client(), staff["reviewer"])
    assert reviewer.client.get(url).status_code == 403
    other = signed_in(app.test_client(), "coordinator@south.example")
    assert other.client.get(f"/staff/south/waves/{wave_id}/version").status_code == 404
    other.get("/staff/south/")
    token = other.csrf_token()
    posted = other.client.post(
        f"/staff/south/waves/{wave_id}/version", data={"csrf_token": token, "version": target_id}
    )
    assert posted.status_code == 404
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    assert coordinator.client.post(url, data={"version": str(target_id)}).status_code == 400
    coordinator.get(url)
    token = coordinator.csrf_token()
    with app.app_context():
        own_id = db.session().get(Wave, wave_id).version_id  # type: ignore[union-attr]
    stale = coordinator.client.post(url, data={"csrf_token": token, "version": own_id})
    assert stale.status_code == 409
    assert "That is not the newest version" in unescape(stale.get_data(as_text=True))
    for bad in ["", "two", "9" * 40, "-1"]:
        answer = coordinator.client.post(url, data={"csrf_token": token, "version": bad})
        assert answer.status_code in (400, 409), (bad, answer.status_code)
    assert _state(app, wave_id)[0] == 1 and _state(app, wave_id)[2] == []

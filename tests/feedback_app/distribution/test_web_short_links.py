"""Readable, case-insensitive short links for waves; older links keep working."""

from __future__ import annotations

from html import unescape

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.distribution.links import WORDS, normalise
from feedback_app.models import AuditEvent, Wave
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import make_version


def _version(app: Flask) -> int:
    return make_version(app, "parent_follow_up")


def _schedule(browser, version_id: int, *, name: str, link: str = ""):  # type: ignore[no-untyped-def]
    url = f"/staff/north/waves/new?version={version_id}"
    browser.get(url)
    return browser.post(
        url,
        {
            "name": name,
            "opens-day": "1",
            "opens-month": "1",
            "opens-year": "2025",
            "opens_time": "09:00",
            "link": link,
            "retention_years": "3",
        },
    )


def _wave(app: Flask, name: str) -> tuple[int, str, list[str]]:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.name == name))
        assert wave is not None
        return wave.id, wave.slug, [link.name for link in wave.links]


def test_normalising_what_a_coordinator_types() -> None:
    assert normalise("  Parent Survey 2027 ") == "parent-survey-2027"
    assert normalise("https://example.org/s/Parent_Survey--2027/") == "parent-survey-2027"
    assert all(word.isalpha() and word.islower() for word in WORDS)
    assert len(set(WORDS)) == len(WORDS) >= 90


def test_a_chosen_link_opens_the_survey_in_any_case(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    version_id = _version(app)
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    page = _schedule(coordinator, version_id, name="Parents 2027", link="Parent Survey 2027")
    assert page.request.path == "/staff/north/"
    assert "http://localhost/s/parent-survey-2027" in page.get_data(as_text=True)
    wave_id, slug, links = _wave(app, "Parents 2027")
    assert links == ["parent-survey-2027"]

    respondent = app.test_client()
    for typed in ("parent-survey-2027", "PARENT-SURVEY-2027", "Parent-Survey-2027", slug):
        start = respondent.get(f"/s/{typed}")
        assert start.status_code == 200 and "Start now" in start.get_data(as_text=True), typed
    # The random link is case-sensitive as it always was: another case is another link.
    if slug.lower() != slug:
        assert respondent.get(f"/s/{slug.lower()}").status_code == 404

    # Starting from the readable link keeps one response for the wave.
    family = PageBrowser(app.test_client())
    family.get("/s/PARENT-SURVEY-2027")
    begun = family.client.post(f"/s/{slug}/start", data={"csrf_token": family.csrf_token()})
    assert begun.status_code == 302 and f"/s/{slug}/q/" in begun.headers["Location"]
    again = family.get("/s/parent-survey-2027").get_data(as_text=True)
    assert "Continue your answers" in again and "Start now" not in again

    # Share page, poster and QR code all give the readable link.
    share = unescape(coordinator.get(f"/staff/north/waves/{wave_id}/share").get_data(as_text=True))
    assert 'id="public-link" href="http://localhost/s/parent-survey-2027"' in share
    poster = coordinator.get(f"/staff/north/waves/{wave_id}/share/poster").get_data(as_text=True)
    assert "http://localhost/s/parent-survey-2027" in poster

    # The same link cannot be given twice, in any case.
    refused = _schedule(coordinator, version_id, name="Other", link="PARENT-survey-2027")
    assert refused.status_code == 400
    assert "already used by a survey" in refused.get_data(as_text=True)
    bad = _schedule(coordinator, version_id, name="Other", link="parents/£2027")
    assert bad.status_code == 400
    assert "letters a to z, numbers and hyphens" in bad.get_data(as_text=True)


def test_generated_words_and_new_links_keep_old_ones_working(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    version_id = _version(app)
    coordinator = signed_in(app.test_client(), staff["coordinator"])
    _schedule(coordinator, version_id, name="Autumn")
    wave_id, slug, [generated] = _wave(app, "Autumn")
    words = generated.split("-")
    assert len(words) == 3 and all(word in WORDS for word in words)

    url = f"/staff/north/waves/{wave_id}/change"
    coordinator.get(url)
    changed = coordinator.post(
        url,
        {
            "name": "Autumn",
            "closes-day": "",
            "closes-month": "",
            "closes-year": "",
            "link": "autumn-survey",
        },
    )
    assert changed.status_code == 200
    assert _wave(app, "Autumn")[2] == [generated, "autumn-survey"]
    for link in (slug, generated, generated.upper(), "Autumn-Survey"):
        assert app.test_client().get(f"/s/{link}").status_code == 200, link
    share = coordinator.get(f"/staff/north/waves/{wave_id}/share").get_data(as_text=True)
    assert 'href="http://localhost/s/autumn-survey"' in share
    with app.app_context():
        event = (
            db.session().scalars(select(AuditEvent).where(AuditEvent.action == "change_wave")).one()
        )
        assert event.detail["link"] == [generated, "autumn-survey"]

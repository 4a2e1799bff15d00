""" "You said, we did": staff write, publish and delete actions; the public page shows
the published ones with the headline KPI results, suppressed for publication."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html import unescape

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import Answer, AreaAction, AuditEvent, LocalArea, Response, utcnow
from feedback_app.respond import journey
from feedback_app.review.publishing import publish_version, schedule_wave
from surveys.library import bundled_questionnaires
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in

GOOD = {
    "you_said": "Nobody answers the phone at the SEND team.",
    "we_did": "We set up a duty line that answers within one working day.",
    "kpi_id": "kpi_4_6",
    "theme": "",
    "action_date-day": "3",
    "action_date-month": "2",
    "action_date-year": "2026",
}


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_staff_add_check_change_publish_and_delete_actions(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    officer = signed_in(app.test_client(), "officer@north.example")
    page = officer.get("/staff/north/actions")
    assert "You said, we did" in page.get_data(as_text=True)
    officer.get("/staff/north/actions/new")

    bad = [
        ({"you_said": "  "}, "Enter what families said"),
        ({"we_did": ""}, "Enter what the local area did"),
        ({"you_said": "x" * 2001}, "2,000 characters or fewer"),
        ({"kpi_id": "kpi_9_9"}, "Choose a KPI from the list"),
        ({"kpi_id": "", "theme": "weather"}, "Choose a theme from the list"),
        ({"kpi_id": "", "theme": ""}, "Choose the KPI or the theme this action answers"),
        ({"action_date-day": "31", "action_date-month": "2"}, "must be a real date"),
        (
            {"action_date-day": "", "action_date-month": "", "action_date-year": ""},
            "Enter the date",
        ),
        ({"action_date-year": "2999"}, "must be a real date"),
        ({"action_date-year": str(utcnow().year + 3)}, "within the next year"),
    ]
    for change, message in bad:
        response = officer.post("/staff/north/actions/new", {**GOOD, **change})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, change
        assert message in unescape(html), change
        assert "<title>Error:" in html
    assert _count(app, AreaAction) == 0

    officer.post("/staff/north/actions/new", GOOD)
    officer.get("/staff/north/actions/new")
    officer.post(
        "/staff/north/actions/new",
        {**GOOD, "kpi_id": "", "theme": "waiting_times", "you_said": "Waits are long."},
    )
    with app.app_context():
        actions = db.session().scalars(select(AreaAction).order_by(AreaAction.id)).all()
        first, second = actions
        assert (first.kpi_id, first.theme, first.published) == ("kpi_4_6", None, False)
        assert first.action_date == dt.date(2026, 2, 3)
        assert (second.kpi_id, second.theme) == (None, "waiting_times")
        first_id, second_id = first.id, second.id
    listing = _text(officer.get("/staff/north/actions").get_data(as_text=True))
    assert "KPI 4/6: Communication has improved" in listing and "Waiting times" in listing

    # Change: the form shows what is stored; a bad change writes nothing.
    edit = f"/staff/north/actions/{first_id}/edit"
    form = officer.get(edit).get_data(as_text=True)
    assert "duty line" in form and 'value="2026"' in form
    assert officer.post(edit, {**GOOD, "we_did": ""}).status_code == 400
    officer.get(edit)
    officer.post(edit, {**GOOD, "we_did": "A duty line, answered the same day."})

    # Publish and unpublish are POSTs with CSRF; a GET or no token does nothing.
    publish = f"/staff/north/actions/{first_id}/publish"
    assert officer.client.get(publish).status_code == 405
    assert officer.client.post(publish).status_code == 400
    officer.get("/staff/north/actions")
    officer.post(publish)
    officer.get("/staff/north/actions")
    officer.post(f"/staff/north/actions/{second_id}/publish")
    officer.get("/staff/north/actions")
    officer.post(f"/staff/north/actions/{second_id}/unpublish")
    with app.app_context():
        session = db.session()
        stored = session.get(AreaAction, first_id)
        assert stored is not None and stored.published
        assert stored.we_did == "A duty line, answered the same day."
        assert not session.get(AreaAction, second_id).published  # type: ignore[union-attr]

    # Another area's staff cannot see or touch it; a reviewer cannot either.
    south = signed_in(app.test_client(), "officer@south.example")
    assert south.client.get(edit).status_code == 404
    assert south.client.get(f"/staff/south/actions/{first_id}/edit").status_code == 404
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    assert reviewer.client.get("/staff/north/actions").status_code == 403
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    assert coordinator.get("/staff/north/actions").status_code == 200

    # Delete: a confirmation page, then the POST.
    delete = f"/staff/north/actions/{second_id}/delete"
    assert "Waits are long." in coordinator.get(delete).get_data(as_text=True)
    coordinator.post(delete)
    assert _count(app, AreaAction) == 1
    with app.app_context():
        audited = db.session().scalars(select(AuditEvent.action)).all()
    for action in ("action_created", "action_changed", "action_published"):
        assert action in audited
    assert "action_unpublished" in audited and "action_deleted" in audited


def _wave(app: Flask, area_slug: str, days_closed: int, answers: list[dict[str, str]]) -> int:
    """A closed parent follow-up wave with these submitted answers."""
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
        assert area is not None
        version = publish_version(session, area, bundled_questionnaires()["parent_follow_up"])
        closes = utcnow() - dt.timedelta(days=days_closed)
        wave = schedule_wave(
            session, version=version, name=f"Wave {days_closed}",
            opens_at=closes - dt.timedelta(days=30), closes_at=closes,
        )  # fmt: skip
        for number, given in enumerate(answers):
            token = hashlib.sha256(f"{wave.id}:{number}".encode()).hexdigest()
            response = Response(
                wave_id=wave.id, version_id=version.id, token_hash=token, status="submitted",
                submitted_at=closes - dt.timedelta(days=1),
            )  # fmt: skip
            session.add(response)
            session.flush()
            for question_id, value in given.items():
                session.add(Answer(response_id=response.id, question_id=question_id, value=value))
        session.commit()
        return wave.id


def _answers(trust: tuple[int, int], help_good: tuple[int, int]) -> list[dict[str, str]]:
    """Answers with ``trust`` (agree, disagree) and ``help_good`` (good, poor) counts."""
    total = sum(trust)
    assert total == sum(help_good)
    rows = []
    for n in range(total):
        rows.append(
            {
                "plan_type": "sen_support",
                "trust_confidence": "agree" if n < trust[0] else "disagree",
                "help_support_rating": "good" if n < help_good[0] else "poor",
            }
        )
    return rows


def test_public_page_shows_published_actions_and_suppressed_figures(app: Flask) -> None:
    make_area_with_staff(app, "north")
    # Baseline: trust 12 of 40 (30%); help 3 of 40 good: fewer than 5, never shown.
    _wave(app, "north", 400, _answers((12, 28), (3, 37)))
    # Latest: trust 28 of 40 (70%); help 20 of 40 (50%).
    _wave(app, "north", 20, _answers((28, 12), (20, 20)))
    officer = signed_in(app.test_client(), "officer@north.example")
    officer.get("/staff/north/actions/new")
    officer.post("/staff/north/actions/new", GOOD)  # stays unpublished
    for when, said, kpi, theme in [
        ("2025", "Older, about trust.", "kpi_4_1", ""),
        ("2026", "Newer, about trust.", "kpi_4_1", ""),
        ("2026", "Long waits for therapy.", "", "waiting_times"),
    ]:
        officer.get("/staff/north/actions/new")
        officer.post(
            "/staff/north/actions/new",
            {**GOOD, "you_said": said, "kpi_id": kpi, "theme": theme, "action_date-year": when},
        )
    with app.app_context():
        ids = db.session().scalars(select(AreaAction.id).order_by(AreaAction.id)).all()
    for action_id in ids[1:]:
        officer.get("/staff/north/actions")
        officer.post(f"/staff/north/actions/{action_id}/publish")

    public = PageBrowser(app.test_client())  # nobody signed in
    response = public.get("/a/north/you-said-we-did")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = _text(html)
    assert "Nobody answers the phone" not in text  # unpublished
    assert text.index("Newer, about trust.") < text.index("Older, about trust.")
    assert text.index("Older, about trust.") < text.index("Long waits for therapy.")
    assert "I have trust and confidence in the local area" in text  # the KPI's question
    assert "Waiting times" in text

    row = _text(re.search(r'<tr[^>]*id="kpi-kpi_4_1".*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "30%" in row and "70%" in row and "Better" in row and "up 40 points" in row
    assert "↑" in unescape(re.search(r'id="kpi-kpi_4_1".*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]
    help_row = _text(re.search(r'<tr[^>]*id="kpi-kpi_4_2".*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "Not shown" in help_row and "8%" not in help_row and "50%" in help_row
    assert "Not enough answers to tell" in help_row
    # Light: one small HTML page and no script of its own.
    assert len(response.get_data()) < 25_000
    assert public.client.get("/a/nowhere/you-said-we-did").status_code == 404


def test_confirmation_page_links_to_it_in_the_respondents_language(
    app: Flask, demo: dict[str, str]
) -> None:
    slug = demo["always_on"]
    client = app.test_client()
    with app.app_context():
        session = db.session()
        wave = journey.find_wave(session, slug)
        assert wave is not None
        response = journey.start_response(session, wave, language="pl")
        response.status, response.submitted_at = "submitted", utcnow()
        session.commit()
        response_id = response.id
    with client.session_transaction() as cookie:
        cookie["responses"] = {slug: response_id}
        cookie["lang"] = "pl"
    browser = PageBrowser(client)
    done = browser.get(f"/s/{slug}/done").get_data(as_text=True)
    link = re.search(r'<a[^>]*id="you-said-we-did"[^>]*>([^<]*)</a>', done)
    assert link is not None
    assert 'href="/a/demo/you-said-we-did?lang=pl"' in link.group(0)
    assert link.group(1) != "See what families told us before and what we did about it"
    page = browser.get("/a/demo/you-said-we-did?lang=pl")
    html = page.get_data(as_text=True)
    assert '<html lang="pl"' in html
    assert '<h1 class="govuk-heading-xl">You said, we did</h1>' not in html  # translated

"""Invitation links: made in batches as a CSV, stored as hashes, single use, counted,
and required on invitation-only waves. SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import AuditEvent, Invitation, InvitationBatch, Response, Wave
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in

EVENT_ANSWERS = [
    ("event_useful", {"event_useful": "agree"}),
    ("do_differently", {"do_differently": "yes"}),
    ("event_comments", {}),
]
TOKEN = re.compile(r"^http://localhost/i/([A-Za-z0-9_-]{22,})$")


def _wave_id(app: Flask, slug: str) -> int:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        return wave.id


def _staff(app: Flask, demo: dict[str, str]) -> tuple[PageBrowser, int, str]:
    emails = make_area_with_staff(app, "demo")
    browser = signed_in(app.test_client(), emails["coordinator"])
    slug = demo["event_feedback"]
    return browser, _wave_id(app, slug), slug


def _make_links(browser: PageBrowser, wave_id: int, size: object, label: str) -> list[list[str]]:
    browser.get(f"/staff/demo/waves/{wave_id}/invitations")
    response = browser.post(
        f"/staff/demo/waves/{wave_id}/invitations", {"size": str(size), "label": label}
    )
    assert response.status_code == 200, response.status_code
    # Confirmed on screen, with the file to save from the page.
    html = response.get_data(as_text=True)
    made = f"{size} invitation link made" if str(size) == "1" else f"{size} invitation links made"
    assert made in html
    found = re.search(
        r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="', html
    )
    assert found is not None
    assert response.headers["Cache-Control"] == "no-store"
    text = base64.b64decode(found.group(1)).decode()
    return list(csv.reader(io.StringIO(text)))


def _tokens(rows: list[list[str]]) -> list[str]:
    tokens = []
    for link, _label in rows[1:]:
        match = TOKEN.match(link)
        assert match, link
        tokens.append(match.group(1))
    return tokens


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def _submitted(app: Flask) -> int:
    with app.app_context():
        return int(
            db.session().scalar(
                select(func.count()).select_from(Response).where(Response.status == "submitted")
            )
            or 0
        )


def _answer_all(browser: PageBrowser, slug: str) -> None:
    browser.post(f"/s/{slug}/start")
    for page_id, data in EVENT_ANSWERS:
        assert browser.path == f"/s/{slug}/q/{page_id}", browser.path
        browser.post(browser.path, data)
    assert browser.path == f"/s/{slug}/check"


def test_a_batch_downloads_once_as_a_safe_csv_and_only_hashes_are_kept(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id, _slug = _staff(app, demo)
    rows = _make_links(browser, wave_id, 25, '=HYPERLINK("x") March')
    assert rows[0] == ["link", "batch"]
    tokens = _tokens(rows)
    assert len(tokens) == 25 and len(set(tokens)) == 25
    # 22 URL-safe characters carry 132 bits: at least 128 from secrets.token_urlsafe(16).
    assert all(len(t) >= 22 for t in tokens)
    assert {label for _link, label in rows[1:]} == {'\'=HYPERLINK("x") March'}
    with app.app_context():
        stored = set(db.session().scalars(select(Invitation.token_hash)))
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "download"))
        detail = event.detail if event is not None else {}
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    assert not any(t in "".join(stored) for t in tokens)
    assert detail["rows"] == 25 and detail["what"] == "invitation_links"
    page = browser.get(f"/staff/demo/waves/{wave_id}/share").get_data(as_text=True)
    assert "=HYPERLINK" in page and tokens[0] not in page  # counts, never links


@pytest.mark.parametrize(
    ("size", "label", "message"),
    [
        ("0", "March", "Enter a number of links of 1 or more"),
        ("100000", "March", "You can make up to 5,000 links at a time"),
        ("abc", "March", "Enter how many links you need as a whole number, like 200"),
        ("-3", "March", "Enter how many links you need as a whole number, like 200"),
        ("", "March", "Enter how many links you need"),
        ("10", "   ", "Enter a label for these links"),
        ("10", "x" * 201, "Label must be 200 characters or fewer"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(
    app: Flask, demo: dict[str, str], size: str, label: str, message: str
) -> None:
    browser, wave_id, _slug = _staff(app, demo)
    browser.get(f"/staff/demo/waves/{wave_id}/invitations")
    response = browser.post(
        f"/staff/demo/waves/{wave_id}/invitations", {"size": size, "label": label}
    )  # the page checks: "Error:" title, summary linking to the input
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "<title>Error:" in html
    assert _count(app, InvitationBatch) == 0 and _count(app, Invitation) == 0


def test_a_link_used_twice_shows_the_confirmation_and_makes_one_response(
    app: Flask, demo: dict[str, str]
) -> None:
    staff, wave_id, slug = _staff(app, demo)
    token = _tokens(_make_links(staff, wave_id, 3, "Letters"))[0]
    first = PageBrowser(app.test_client())
    second = PageBrowser(app.test_client())  # someone the letter was passed on to

    assert first.get(f"/i/{token}").request.path == f"/s/{slug}"
    second.get(f"/i/{token}")
    _answer_all(first, slug)
    _answer_all(second, slug)
    csrf = first.csrf_token()
    done = first.post(f"/s/{slug}/check")
    assert done.request.path == f"/s/{slug}/done"
    again = first.client.post(f"/s/{slug}/check", data={"csrf_token": csrf})  # a double tap
    assert again.status_code == 302 and again.location.endswith(f"/s/{slug}/done")

    refused = second.post(f"/s/{slug}/check")
    assert "This invitation link has already been used" in refused.get_data(as_text=True)
    for visitor in (first, second, PageBrowser(app.test_client())):
        page = visitor.get(f"/i/{token}")
        assert page.status_code == 200
        assert "Thank you, your answers have been sent" in page.get_data(as_text=True)
    assert _submitted(app) == 1
    with app.app_context():
        assert db.session().scalar(select(func.count(Invitation.used_at))) == 1
    share = staff.get(f"/staff/demo/waves/{wave_id}/share").get_data(as_text=True)
    assert re.search(r"Letters</td>.*?>3</td>\s*<td[^>]*>1</td>", share, re.S)


def test_unknown_or_malformed_links_are_not_found(app: Flask, demo: dict[str, str]) -> None:
    client = app.test_client()
    for token in ("nothing-here-at-all-123456", "x" * 500):
        response = client.get(f"/i/{token}")
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
    # A control character in any URL is refused before routing (feedback_app/web/security.py).
    assert client.get("/i/%00").status_code == 400


def test_invitation_only_waves_refuse_visitors_without_a_link(
    app: Flask, demo: dict[str, str]
) -> None:
    staff, wave_id, slug = _staff(app, demo)
    staff.get(f"/staff/demo/waves/{wave_id}/share")
    saved = staff.post(f"/staff/demo/waves/{wave_id}/access", {"access": "invited"})
    assert "Only people with an invitation link can answer now" in saved.get_data(as_text=True)
    assert (
        staff.client.post(
            f"/staff/demo/waves/{wave_id}/access",
            data={"csrf_token": staff.csrf_token(), "access": "x"},
        ).status_code
        == 400
    )
    with app.app_context():
        wave = db.session().get(Wave, wave_id)
        assert wave is not None and wave.invitation_only
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "wave_access"))
        assert event is not None and event.detail["invitation_only"] is True
    token = _tokens(_make_links(staff, wave_id, 1, "Only one"))[0]

    stranger = PageBrowser(app.test_client())
    assert stranger.get(f"/s/{slug}").status_code == 200
    refused = stranger.post(f"/s/{slug}/start")
    assert refused.status_code == 403
    assert "You need the link from your invitation" in refused.get_data(as_text=True)
    for path in ("q/event_useful", "check", "save", "resume"):
        assert stranger.client.get(f"/s/{slug}/{path}").status_code == 403, path
    assert _count(app, Response) == 0

    invited = PageBrowser(app.test_client())
    invited.get(f"/i/{token}")
    _answer_all(invited, slug)
    assert invited.post(f"/s/{slug}/check").request.path == f"/s/{slug}/done"
    # Starting again with the used link is refused: one link, one response.
    invited.get(f"/s/{slug}")
    again = invited.post(f"/s/{slug}/start")
    assert "already been used" in again.get_data(as_text=True)
    assert _submitted(app) == 1 and _count(app, Response) == 1

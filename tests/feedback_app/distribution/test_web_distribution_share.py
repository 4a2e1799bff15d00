"""Sharing a wave: public link, QR codes that encode it, the A4 poster, the
always-on link of an area. Runs on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import segno
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import AuditEvent, Wave
from tests.support.staff import make_area_with_staff, signed_in

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def _wave_id(app: Flask, slug: str) -> int:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        return wave.id


def _svg_modules(svg: bytes) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path (``M x y h n m dx dy ...``)."""
    root = ET.fromstring(svg)
    paths = [p for p in root.iter(f"{SVG}path") if p.attrib.get("class") == "qrline"]
    assert len(paths) == 1, "the SVG has no path of dark modules"
    data = paths[0].attrib["d"]
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, args in re.findall(r"([MmHhVv])([-\d. ]+)", data):
        numbers = [float(n) for n in args.replace("-", " -").split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            for step in range(int(numbers[0])):
                dark.add((int(x) + step, int(y)))
            x += numbers[0]
        else:  # pragma: no cover - segno draws rows only
            raise AssertionError(f"unexpected path command {command}")
    return dark


def _matrix_modules(link: str, border: int = 4) -> set[tuple[int, int]]:
    matrix = segno.make(link, error="m", micro=False).matrix
    return {
        (col + border, row + border)
        for row, cells in enumerate(matrix)
        for col, cell in enumerate(cells)
        if cell
    }


def test_qr_codes_encode_the_public_link(app: Flask, demo: dict[str, str]) -> None:
    emails = make_area_with_staff(app, "demo")
    browser = signed_in(app.test_client(), emails["coordinator"])
    slug = demo["event_feedback"]
    wave_id = _wave_id(app, slug)
    share = browser.get(f"/staff/demo/waves/{wave_id}/share")
    link = f"http://localhost/s/{slug}"
    page = share.get_data(as_text=True)
    assert link in page
    assert f"/staff/demo/waves/{wave_id}/share/qr.svg" in page

    svg = browser.client.get(f"/staff/demo/waves/{wave_id}/share/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "attachment" not in svg.headers.get("Content-Disposition", "")
    assert _svg_modules(svg.data) == _matrix_modules(link)
    assert _svg_modules(svg.data) != _matrix_modules(link + "x")

    png = browser.client.get(f"/staff/demo/waves/{wave_id}/share/qr.png?download=1")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(PNG_SIGNATURE)
    assert "attachment" in png.headers["Content-Disposition"]
    expected = segno.make(link, error="m", micro=False)
    assert png.data == _png_of(expected)

    with app.app_context():
        events = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "download"))
        assert [e.detail["what"] for e in events] == ["qr_code_png"]


def _png_of(code: segno.QRCode) -> bytes:
    import io

    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=12, border=4, dark="#0b0c0c", light="#ffffff")
    return buffer.getvalue()


def test_poster_has_what_a_passer_by_needs(app: Flask, demo: dict[str, str]) -> None:
    emails = make_area_with_staff(app, "demo")
    browser = signed_in(app.test_client(), emails["officer"])
    slug = demo["event_feedback"]
    wave_id = _wave_id(app, slug)
    poster = browser.get(f"/staff/demo/waves/{wave_id}/share/poster")  # page checks run
    assert poster.status_code == 200
    html = poster.get_data(as_text=True)
    assert '<h1 class="app-poster__title">Event feedback</h1>' in html
    assert "For everyone who came to today" in html
    assert "It takes about 1 minute." in html
    assert "Scan the code with your phone camera" in html
    assert f"/staff/demo/waves/{wave_id}/share/qr.svg" in html
    assert f"http://localhost/s/{slug}" in html
    assert "anonymous" in html


def test_share_pages_list_the_waves_and_refuse_other_areas_waves(
    app: Flask, demo: dict[str, str]
) -> None:
    emails = make_area_with_staff(app, "demo")
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), emails["coordinator"])
    listing = browser.get("/staff/demo/share").get_data(as_text=True)
    wave_id = _wave_id(app, demo["parent_annual"])
    assert f"/staff/demo/waves/{wave_id}/share" in listing
    assert "Share surveys" in listing  # the workspace navigation row
    assert "http://localhost/a/demo/feedback" in listing

    north = signed_in(app.test_client(), "coordinator@north.example")
    for path in ("share", "share/qr.svg", "share/qr.png", "share/poster"):
        assert north.client.get(f"/staff/north/waves/{wave_id}/{path}").status_code == 404
    assert north.client.get("/staff/north/waves/999999/share").status_code == 404


def test_always_on_link_opens_the_areas_always_on_form(app: Flask, demo: dict[str, str]) -> None:
    client = app.test_client()
    response = client.get("/a/demo/feedback")
    assert response.status_code == 302
    assert response.location.endswith(f"/s/{demo['always_on']}")
    assert client.get("/a/nowhere/feedback").status_code == 404
    make_area_with_staff(app, "north")  # an area without an always-on wave
    assert client.get("/a/north/feedback").status_code == 404

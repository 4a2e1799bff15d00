"""Translating a questionnaire made in the area: .po download, checked upload,
coverage, and a language offered to families only when it is complete."""

from __future__ import annotations

import io

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import AuditEvent, QuestionnaireTranslation
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.translations import filled_po
from tests.support.waves import make_open_minimal_wave


def _upload(browser: PageBrowser, version_id: int, data: bytes, language: str = "cy"):  # type: ignore[no-untyped-def]
    browser.get(f"/staff/north/versions/{version_id}/translations")
    return browser.client.post(
        f"/staff/north/versions/{version_id}/translations/{language}",
        data={"csrf_token": browser.csrf_token(), "po_file": (io.BytesIO(data), "cy.po")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_complete_upload_offers_the_language_and_translates_the_questions(app: Flask) -> None:
    make_area_with_staff(app, "north")
    made = make_open_minimal_wave(app, slug="minimal-wave")
    version_id, slug = made.version_id, made.slug
    coordinator = signed_in(app.test_client(), "coordinator@north.example")

    family = PageBrowser(app.test_client())
    start = family.get(f"/s/{slug}").get_data(as_text=True)
    assert "?lang=cy" not in start, "an untranslated language must not be offered"

    po = coordinator.client.get(f"/staff/north/versions/{version_id}/translations/cy.po")
    assert po.status_code == 200
    assert b'msgid "What support does your child have?"' in po.data
    partial = _upload(coordinator, version_id, filled_po(po.data, "CY ", skip=2))
    assert partial.status_code == 200
    assert "?lang=cy" not in family.get(f"/s/{slug}").get_data(as_text=True)

    complete = _upload(coordinator, version_id, filled_po(po.data, "CY "))
    assert complete.status_code == 200
    assert "100%" in complete.get_data(as_text=True)

    page = family.get(f"/s/{slug}?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page and "CY Minimal example" in page
    family.post(f"/s/{slug}/start")
    question = family.last.get_data(as_text=True)  # type: ignore[union-attr]
    assert "CY What support does your child have?" in question
    assert "CY EHC plan" in question

    with app.app_context():
        actions = db.session().scalars(select(AuditEvent.action)).all()
    assert "download" in actions and "translation_upload" in actions


def test_bad_uploads_are_refused_with_reasons_and_nothing_is_saved(app: Flask) -> None:
    make_area_with_staff(app, "north")
    version_id = make_open_minimal_wave(app, slug="minimal-wave").version_id
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    po = coordinator.client.get(f"/staff/north/versions/{version_id}/translations/cy.po").data
    unknown = po + b'\nmsgid "A question we never asked"\nmsgstr "Cwestiwn"\n'
    placeholders = po.replace(
        b'msgid "Anonymous."\nmsgstr ""', b'msgid "Anonymous."\nmsgstr "%(name)s"'
    )
    cases = {
        "not a po file": b"\x00\x01\x02binary",
        "unknown message": unknown,
        "placeholders": placeholders,
        # Babel raised AttributeError on a folded header line after POT-Creation-Date.
        "folded header": b'msgid ""\nmsgstr ""\n"POT-Creation-Date: \\n"\n" x\\n"\n',
        "bad plural forms": b'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=x; plural=n\\n"\n',
    }
    for name, data in cases.items():
        response = _upload(coordinator, version_id, data)
        assert response.status_code == 400, name
        assert "was not saved" in response.get_data(as_text=True), name
    # Anything bigger than any form needs is stopped before it reaches the view.
    assert _upload(coordinator, version_id, b"#" * (300 * 1024)).status_code == 413
    with app.app_context():
        assert db.session().scalar(select(func.count(QuestionnaireTranslation.id))) == 0


def test_reviewers_cannot_download_or_upload(app: Flask) -> None:
    make_area_with_staff(app, "north")
    version_id = make_open_minimal_wave(app, slug="minimal-wave").version_id
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    assert (
        reviewer.client.get(f"/staff/north/versions/{version_id}/translations/cy.po").status_code
        == 403
    )
    assert reviewer.client.get("/staff/north/versions/999/translations").status_code == 403
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    assert coordinator.client.get("/staff/north/versions/999/translations").status_code == 404
    assert (
        coordinator.client.get(f"/staff/north/versions/{version_id}/translations/xx.po").status_code
        == 404
    )


def test_place_names_do_not_hold_a_language_back(app: Flask, demo: dict[str, str]) -> None:
    # The annual survey's locality options are the area's place names, which no
    # catalog holds; every shipped language is still offered.
    html = PageBrowser(app.test_client()).get(f"/s/{demo['parent_annual']}").get_data(as_text=True)
    for language in ("cy", "ur", "uk"):
        assert f"?lang={language}" in html

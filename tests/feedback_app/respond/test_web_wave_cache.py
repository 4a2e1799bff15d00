"""The per-process cache of a version's offered languages and uploaded translations
(``feedback_app.respond.wave_cache``, ADR 0040): a coordinator's upload shows on
the very next respondent request, and nothing passes from one version to another."""

from __future__ import annotations

import io

from flask import Flask

from feedback_app.respond import wave_cache
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.translations import filled_po
from tests.support.waves import make_open_minimal_wave

QUESTION = "What support does your child have?"


def _po(coordinator: PageBrowser, area: str, version_id: int, prefix: str, skip: int = 0) -> bytes:
    blank = coordinator.client.get(f"/staff/{area}/versions/{version_id}/translations/cy.po").data
    return filled_po(blank, prefix, skip=skip)


def _upload(coordinator: PageBrowser, area: str, version_id: int, data: bytes) -> None:
    coordinator.get(f"/staff/{area}/versions/{version_id}/translations")
    reply = coordinator.client.post(
        f"/staff/{area}/versions/{version_id}/translations/cy",
        data={"csrf_token": coordinator.csrf_token(), "po_file": (io.BytesIO(data), "cy.po")},
        content_type="multipart/form-data",
    )
    assert reply.status_code in (200, 302), reply.status_code


def _welsh_question_page(app: Flask, slug: str) -> tuple[PageBrowser, str]:
    family = PageBrowser(app.test_client())
    family.get(f"/s/{slug}?lang=cy")
    family.post(f"/s/{slug}/start")
    return family, family.path


def test_a_replaced_translation_shows_on_the_next_question_page(app: Flask) -> None:
    make_area_with_staff(app, "north")
    made = make_open_minimal_wave(app, slug="cache-wave", area_slug="north")
    version_id, slug = made.version_id, made.slug
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    _upload(coordinator, "north", version_id, _po(coordinator, "north", version_id, "CY "))

    family, question = _welsh_question_page(app, slug)
    assert f"CY {QUESTION}" in family.get(question).get_data(as_text=True)  # now cached

    _upload(coordinator, "north", version_id, _po(coordinator, "north", version_id, "NEWYDD "))
    page = family.get(question).get_data(as_text=True)
    assert f"NEWYDD {QUESTION}" in page
    assert f"CY {QUESTION}" not in page


def test_a_language_is_offered_and_withdrawn_at_the_next_request(app: Flask) -> None:
    make_area_with_staff(app, "north")
    made = make_open_minimal_wave(app, slug="cache-offer", area_slug="north")
    version_id, slug = made.version_id, made.slug
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    family = PageBrowser(app.test_client())
    assert "?lang=cy" not in family.get(f"/s/{slug}").get_data(as_text=True)  # cached: none

    _upload(coordinator, "north", version_id, _po(coordinator, "north", version_id, "CY "))
    assert "?lang=cy" in family.get(f"/s/{slug}").get_data(as_text=True)

    # Replaced by an incomplete file: Welsh is no longer offered, at once.
    _upload(coordinator, "north", version_id, _po(coordinator, "north", version_id, "CY ", 2))
    assert "?lang=cy" not in family.get(f"/s/{slug}").get_data(as_text=True)


def test_one_versions_translation_never_shows_on_another_version(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    made = make_open_minimal_wave(app, slug="cache-north", area_slug="north")
    north_version, north_slug = made.version_id, made.slug
    made = make_open_minimal_wave(app, slug="cache-south", area_slug="south")
    south_version, south_slug = made.version_id, made.slug
    assert north_version != south_version
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    _upload(coordinator, "north", north_version, _po(coordinator, "north", north_version, "CY "))

    north, north_question = _welsh_question_page(app, north_slug)
    assert f"CY {QUESTION}" in north.get(north_question).get_data(as_text=True)

    south = PageBrowser(app.test_client())
    start = south.get(f"/s/{south_slug}?lang=cy").get_data(as_text=True)
    assert "?lang=cy" not in start, "south has no Welsh of its own"
    south.post(f"/s/{south_slug}/start")
    page = south.get(south.path).get_data(as_text=True)
    assert QUESTION in page and f"CY {QUESTION}" not in page
    # Each version has its own entries in the cache.
    assert {key[0] for key in wave_cache._CACHE} >= {north_version, south_version}


def test_two_waves_of_one_version_share_its_translation(app: Flask) -> None:
    make_area_with_staff(app, "north")
    made = make_open_minimal_wave(app, slug="cache-first", area_slug="north")
    version_id, first = made.version_id, made.slug
    made = make_open_minimal_wave(app, slug="cache-second", area_slug="north")
    second_version, second = made.version_id, made.slug
    assert second_version == version_id  # the same text is published once
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    _upload(coordinator, "north", version_id, _po(coordinator, "north", version_id, "CY "))
    for slug in (first, second):
        family, question = _welsh_question_page(app, slug)
        assert f"CY {QUESTION}" in family.get(question).get_data(as_text=True)

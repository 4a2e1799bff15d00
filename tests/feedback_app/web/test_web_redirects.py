"""One safe-redirect check for every target a request supplies (issue 11, part 7).

``POST /staff/login?next=/staff/%0D%0A...`` with valid credentials was an error page;
``GET /%0d%0aX:1?lang=en`` put CR/LF into a Location header (a 500);
``GET //evil.example/?lang=en`` redirected off the site.
"""

from __future__ import annotations

import pytest
from flask import Flask

from feedback_app.web.redirects import local_path
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD, make_area_with_staff


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "staff/x",
        "//evil.example/staff/",
        "/\\evil.example/staff/",
        "/staff/\\\\evil.example",
        "https://evil.example/staff/",
        "/staff/\r\nSet-Cookie: x=1",
        "/staff/\x00",
        "/staff/\t",
        "/other/",
        "javascript:alert(1)",
    ],
)
def test_anything_but_a_local_path_is_refused(target: str | None) -> None:
    assert local_path(target, within="/staff/") is None


def test_local_paths_are_kept() -> None:
    assert local_path("/staff/demo/waves?x=1", within="/staff/") == "/staff/demo/waves?x=1"
    assert local_path("/s/abc?lang=cy") == "/s/abc?lang=cy"


@pytest.mark.parametrize(
    ("next_value", "status", "location"),
    [
        ("/staff/%0D%0ASet-Cookie:%20x=1", 400, None),
        ("//evil.example/", 302, "/staff/"),
        ("/%5Cevil.example/", 302, "/staff/"),
        ("https://evil.example/staff/", 302, "/staff/"),
        ("/staff/demo/", 302, "/staff/demo/"),
    ],
)
def test_sign_in_follows_only_a_local_next(
    app: Flask, next_value: str, status: int, location: str | None
) -> None:
    make_area_with_staff(app, "demo")
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    response = browser.client.post(
        f"/staff/login?next={next_value}",
        data={
            "csrf_token": browser.csrf_token(),
            "email": "administrator@demo.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == status
    if location is not None:
        assert response.location == location


def test_language_choice_redirects_stay_on_the_site(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/%0d%0aX:1?lang=en").status_code == 400
    response = client.get("//evil.example/?lang=en")
    assert response.status_code == 302 and response.location == "/"
    kept = client.get("/privacy?lang=cy&x=1")
    assert kept.status_code == 302 and kept.location == "/privacy?x=1"

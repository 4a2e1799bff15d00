"""Designer text is data on every page and download (issue 11, part 3).

"38.5% of parents" in a description was a 500 on the paper form and the poster;
"100% anonymous" printed as "100{}nonymous"; question text with "%(" was a 500 on the
import answer-mapping page. Here every text of a published questionnaire (and of its
draft) carries ``%``, ``%(x)s``, ``{}`` and ``{0}``; then every staff page and download
is crawled as an administrator (every GET route of the URL map and every link under
the area, as the XSS crawl does), the respondent journey is walked, the public home
page, paper forms (normal and large print), the poster and the import mapping page
are opened. Never a 500, and the text comes out exactly as written.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import QuestionnaireVersion, Wave
from surveys.paths import covering_answer_sets
from tests.support.answers import page_form_data
from tests.support.browser import PageBrowser
from tests.support.questionnaires import plant_text
from tests.support.route_values import build_url, demo_route_values, find_forms
from tests.support.staff import signed_in

PAYLOAD = "38.5% of parents, 100% anonymous, %(x)s %s %d {} {0} {x} 50%%"


def _plant(app: Flask, values: dict[str, Any]) -> str:
    """Publish the marked definition on the demo wave; return its slug."""
    with app.app_context():
        session = db.session()
        wave, version, _ = plant_text(session, values, PAYLOAD, name="Marked")
        values["version_id"] = version.id
        session.commit()
        return wave.slug


def _check(url: str, status: int, body: bytes, problems: list[str]) -> bool:
    """Record a 500 or mangled text; True when the page shows the payload intact."""
    if status >= 500:
        problems.append(f"{url}: {status}")
        return False
    text = body.decode("utf-8", "replace")
    problems.extend(f"{url}: {bad!r}" for bad in ("100{}nonymous", "100nonymous") if bad in text)
    return PAYLOAD in text


def _walk_respondent(app: Flask, slug: str, problems: list[str]) -> int:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        questionnaire = questionnaire_for(wave.version)
    answers = covering_answer_sets(questionnaire)[0]
    browser = PageBrowser(app.test_client())
    shown = 0
    for url, data in [(f"/s/{slug}", None), (f"/s/{slug}/start", {})]:
        response = browser.get(url) if data is None else browser.post(url, data)
        shown += _check(url, response.status_code, response.get_data(), problems)
    for _step in range(len(questionnaire.pages) + 1):
        if browser.path.endswith("/check"):
            break
        page = questionnaire.page(browser.path.rsplit("/", 1)[-1])
        assert page is not None, browser.path
        response = browser.post(browser.path, page_form_data(page, answers))
        shown += _check(browser.path, response.status_code, response.get_data(), problems)
    done = browser.post(f"/s/{slug}/check")
    shown += _check(done.request.path, done.status_code, done.get_data(), problems)
    assert done.request.path.endswith("/done")
    home = browser.get("/")
    shown += _check("/", home.status_code, home.get_data(), problems)
    return shown


def _import_mapping_page(app: Flask, admin: PageBrowser, values: dict[str, Any]) -> str:
    with app.app_context():
        version = db.session().get(QuestionnaireVersion, values["version_id"])
        questionnaire = questionnaire_for(version)
    closed = next(q for q in questionnaire.questions() if q.is_closed)
    admin.get("/staff/demo/imports")
    uploaded = admin.client.post(
        "/staff/demo/imports/upload",
        data={
            "csrf_token": admin.csrf_token(),
            "version": str(values["version_id"]),
            "csv_file": (io.BytesIO(b"answer\nsomething else\n"), "baseline.csv"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.status_code
    admin.get(uploaded.location)
    page = admin.post(uploaded.location, {"column_0": closed.id, "separator": ";"})
    assert page.status_code == 200 and admin.path.endswith("/answers"), admin.path
    return page.get_data(as_text=True)


def test_designer_text_with_format_markers_is_shown_as_written_everywhere(
    app: Flask, demo: dict[str, str]
) -> None:
    values = demo_route_values(app)
    slug = _plant(app, values)
    admin = signed_in(app.test_client(), "administrator@demo.example")
    problems: list[str] = []
    wave = values["wave_id"]
    must_show = [
        f"/staff/demo/waves/{wave}/print",
        f"/staff/demo/waves/{wave}/print?size=large",
        f"/staff/demo/waves/{wave}/share/poster",
    ]
    queue = must_show + [
        build_url(rule, values)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith("/staff/<area_slug>")
    ]
    seen: set[str] = set()
    pages = shown = 0
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = admin.client.get(url)
        body = response.get_data()
        response.close()
        intact = _check(url, response.status_code, body, problems)
        shown += intact
        if url in must_show:
            assert response.status_code == 200 and intact, url
        if response.status_code == 200 and response.mimetype == "text/html":
            pages += 1
            for href, _attrs in find_forms(body.decode(), url).links:
                path = href.split("#")[0]
                if path.startswith("/staff/demo/") and path not in seen:
                    queue.append(path)
    mapping = _import_mapping_page(app, admin, values)
    assert PAYLOAD in mapping
    respondent_pages = _walk_respondent(app, slug, problems)
    print(f"text is data: {pages} staff pages ({shown} showing the text), {respondent_pages}")
    assert problems == [], "\n".join(problems)
    assert pages >= 20 and shown >= 10 and respondent_pages >= 4, (pages, shown)

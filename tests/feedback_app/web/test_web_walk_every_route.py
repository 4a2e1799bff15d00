"""Walk every bundled questionnaire along every route, generated from its definition.

The answer sets come from ``surveys.paths.covering_answer_sets`` (every route,
every skip, every option a rule looks at), not from a hand-written list. Each
walk goes through the real HTTP journey with CSRF on, checks every page it
renders, submits, and compares what was stored with what was answered.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Answer, Response, Wave
from surveys.library import bundled_questionnaires
from surveys.paths import covering_answer_sets
from surveys.routing import on_path_answers, path
from tests.support.answers import page_form_data
from tests.support.browser import PageBrowser


def _published(app: Flask, slug: str):  # type: ignore[no-untyped-def]
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        return questionnaire_for(wave.version)


@pytest.mark.parametrize("questionnaire_id", list(bundled_questionnaires()))
def test_every_route_can_be_completed(
    app: Flask, demo: dict[str, str], questionnaire_id: str
) -> None:
    slug = demo[questionnaire_id]
    questionnaire = _published(app, slug)
    answer_sets = covering_answer_sets(questionnaire)
    assert answer_sets, "the generator found no way through"
    for answers in answer_sets:
        browser = PageBrowser(app.test_client())
        browser.get(f"/s/{slug}")
        browser.post(f"/s/{slug}/start")
        visited = []
        for _step in range(len(questionnaire.pages) + 1):
            if browser.path.endswith("/check"):
                break
            page_id = browser.path.rsplit("/", 1)[-1]
            page = questionnaire.page(page_id)
            assert page is not None, browser.path
            visited.append(page_id)
            response = browser.post(browser.path, page_form_data(page, answers))
            assert response.status_code == 200, (page_id, response.status_code)
        assert browser.path.endswith("/check")
        expected_path = path(questionnaire, answers)
        assert tuple(visited) == expected_path
        done = browser.post(f"/s/{slug}/check")
        assert done.request.path == f"/s/{slug}/done"
        assert "your answers have been sent" in done.get_data(as_text=True)

        with app.app_context():
            stored = (
                db.session()
                .scalars(
                    select(Response)
                    .where(Response.status == "submitted")
                    .order_by(Response.id.desc())
                )
                .first()
            )
            assert stored is not None
            rows = db.session().scalars(select(Answer).where(Answer.response_id == stored.id))
            saved = {a.question_id: a.value for a in rows}
        expected = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in on_path_answers(questionnaire, answers).items()
        }
        assert saved == expected

"""Reviewers preview the real journey: routing, check answers and the languages
the draft is translated into, without creating responses (issue 15 point 7)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import Response
from surveys.library import bundled_questionnaires
from tests.support.answers import page_form_data
from tests.support.drafts import make_draft
from tests.support.page_checks import page_problems
from tests.support.staff import make_area_with_staff, signed_in

ANSWERS = {
    "plan_type": "sen_support",  # not an EHC plan: "listened_to_ehcp" is skipped
    "trust_confidence": "agree",
    "help_support_rating": "good",
    "assessment_information_rating": "good",
    "influence_change": "agree",
    "communication_improved": "agree",
    "what_changed": "More phone calls back",
}


def test_a_reviewer_previews_the_route_and_check_answers(app: Flask) -> None:
    make_area_with_staff(app, "north")
    draft_id = make_draft(app, title="Follow-up", start_from="parent_follow_up")
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    review = reviewer.get(f"/staff/north/review/{draft_id}").get_data(as_text=True)
    preview = f"/staff/north/designer/{draft_id}/preview"
    assert preview in review

    start = reviewer.get(preview)
    assert start.status_code == 200  # it was 403 for reviewers
    questionnaire = bundled_questionnaires()["parent_follow_up"]
    page = reviewer.get(f"{preview}/q/{questionnaire.first_page}")
    assert page.status_code == 200
    # An unanswered required question is an error, as for families.
    refused = reviewer.post(f"{preview}/q/plan_type?width=phone&language=en", {})
    assert refused.status_code == 400 and "There is a problem" in refused.get_data(as_text=True)

    visited = []
    response = reviewer.post(
        f"{preview}/q/plan_type", page_form_data(questionnaire.pages[0], ANSWERS)
    )
    while "/preview/q/" in response.request.path:
        page_id = response.request.path.rsplit("/", 1)[1]
        visited.append(page_id)
        qpage = questionnaire.page(page_id)
        assert qpage is not None
        response = reviewer.post(response.request.full_path, page_form_data(qpage, ANSWERS))
    assert "listened_to_ehcp" not in visited  # "show only if" is followed
    assert response.request.path == f"{preview}/check"
    html = response.get_data(as_text=True)
    assert "Check your answers before sending them" in html
    assert "More phone calls back" in html
    assert page_problems(html) == []
    # The skipped page cannot be opened directly either: it leads back to the route.
    skipped = reviewer.get(f"{preview}/q/listened_to_ehcp")
    assert skipped.request.path == f"{preview}/check"

    done = reviewer.post(f"{preview}/check")
    assert done.request.path == f"{preview}/done"
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Response)) == 0


def test_the_preview_is_offered_in_the_languages_the_draft_is_translated_into(
    app: Flask,
) -> None:
    make_area_with_staff(app, "north")
    draft_id = make_draft(app, title="Follow-up", start_from="parent_follow_up")
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    preview = f"/staff/north/designer/{draft_id}/preview"
    html = reviewer.get(preview).get_data(as_text=True)
    assert 'hreflang="cy"' in html and 'hreflang="ur"' in html
    welsh = reviewer.get(f"{preview}?language=cy").get_data(as_text=True)
    assert 'lang="cy"' in welsh and "Start now" not in welsh
    urdu = reviewer.get(f"{preview}?language=ur").get_data(as_text=True)
    assert 'dir="rtl"' in urdu

"""Publishing does not lock the draft: a corrected draft publishes as the next
version with its lineage, waves keep their version (issue 15 point 4, ADR 0027)."""

from __future__ import annotations

from html import unescape

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import QuestionnaireVersion, Wave
from surveys.changes import ChangeKind, keeps_comparability, questionnaire_changes
from surveys.library import bundled_questionnaires
from tests.support.drafts import make_draft
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import wave_form_data

#: The change as the pages say it: the question by its text, not its id.
HINT_CHANGED = "question “What is your child's main area of need?”: hint changed"


def _versions(app: Flask) -> list[QuestionnaireVersion]:
    with app.app_context():
        rows = list(
            db.session().scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id))
        )
        db.session().expunge_all()
        return rows


def _need_form(text: str, *, hint: str) -> dict[str, str]:
    """The edit form of the "need" question, with its bundled options."""
    need = bundled_questionnaires()["parent_annual"].question("need")
    assert need is not None
    options = "\n".join(o.label for o in need.options)
    return {"text": text, "hint": hint, "must_answer": "yes", "options": options}


def test_changes_say_whether_results_stay_comparable() -> None:
    annual = bundled_questionnaires()["parent_annual"]
    follow_up = bundled_questionnaires()["parent_follow_up"]
    changes = questionnaire_changes(annual, follow_up)
    assert changes and not keeps_comparability(changes)
    assert any(c.kind is ChangeKind.REMOVED for c in changes)
    hinted = annual.model_copy(update={"estimated_minutes": 7})
    assert [c.kind for c in questionnaire_changes(annual, hinted)] == [ChangeKind.DETAILS]
    assert keeps_comparability(questionnaire_changes(annual, hinted))


def test_a_published_draft_stays_editable_and_publishes_the_next_version(app: Flask) -> None:
    make_area_with_staff(app, "north")
    draft_id = make_draft(app, title="Parent survey")
    review = f"/staff/north/review/{draft_id}"
    designer = f"/staff/north/designer/{draft_id}/"
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    reviewer.get(review)
    reviewer.post(f"{review}/comments", {"question_id": "need", "body": "Say what 'need' means"})
    coordinator.get(review)
    coordinator.post(f"{review}/publish")
    (first,) = _versions(app)
    assert first.version == 1 and first.draft_id == draft_id and first.previous_version_id is None

    coordinator.get(f"/staff/north/waves/new?version={first.id}")
    coordinator.post(
        f"/staff/north/waves/new?version={first.id}",
        wave_form_data(name="Spring"),
    )

    # The designer still edits it: the page that answered 409 after publishing.
    overview = coordinator.get(designer).get_data(as_text=True)
    assert "Version 1 was published from revision 1" in overview
    assert "Nothing has changed since version 1" in overview
    assert f"/staff/north/review/{draft_id}" in overview  # review and publish are linked
    assert coordinator.client.get(designer + "add").status_code == 200
    edit = designer + "questions/need/edit"
    form = coordinator.get(edit).get_data(as_text=True)
    assert coordinator.last.status_code == 200 and 'name="text"' in form
    page = coordinator.post(
        edit,
        _need_form(
            "What is your child's main area of need?",
            hint="If your child has more than one need, choose the one that matters most.",
        ),
    )
    overview = coordinator.get(designer).get_data(as_text=True)
    assert HINT_CHANGED in unescape(overview)
    assert "These changes keep results comparable with version 1" in overview

    html = coordinator.get(review).get_data(as_text=True)
    assert "Say what &#39;need&#39; means" in html or "Say what 'need' means" in html
    assert "Publishing now makes version 2. Its changes keep results comparable" in html
    page = coordinator.post(f"{review}/publish")
    html = page.get_data(as_text=True)
    assert "Published as version 2" in html
    assert (
        "From version 1:" in html
        and "question “What is your child's main area of need?”: hint changed" in unescape(html)
    )
    assert "Results compare" in html
    first, second = _versions(app)
    assert second.version == 2 and second.previous_version_id == first.id
    assert second.draft_id == draft_id and second.draft_revision and second.draft_revision > 1
    assert second.changes == [{"kind": "hint", "question_id": "need"}]
    with app.app_context():
        (wave,) = db.session().scalars(select(Wave))
        assert wave.version_id == first.id  # the wave keeps its version

    # A change to wording says results will not compare.
    coordinator.get(edit)
    coordinator.post(edit, _need_form("Which need affects your child most?", hint=""))
    overview = coordinator.get(designer).get_data(as_text=True)
    assert "question “Which need affects your child most?”: wording changed" in unescape(overview)
    assert "Some of these changes mean results will not compare with version 2" in overview

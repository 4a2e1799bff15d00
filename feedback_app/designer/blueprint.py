"""The designer's blueprint and what every designer view needs: the draft, or a refusal."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template
from flask_wtf import FlaskForm

from feedback_app import db
from feedback_app.designer.workbench import editable_questionnaire, find_draft
from feedback_app.models import LocalArea, QuestionnaireDraft
from surveys import Questionnaire

bp = Blueprint(
    "designer",
    __name__,
    url_prefix="/staff/<area_slug>/designer",
)


def draft_or_404(area: LocalArea, draft_id: int) -> QuestionnaireDraft:
    """The area's draft, or a 404 (another area's drafts are not revealed)."""
    draft = find_draft(db.session(), area, draft_id)
    if draft is None:
        abort(404)
    return draft


def editable_or_refuse(area: LocalArea, draft_id: int) -> tuple[QuestionnaireDraft, Questionnaire]:
    """The draft and its questionnaire, ready to change; otherwise a page saying why not.

    A published draft stays editable: publishing it again makes the next version."""
    draft = draft_or_404(area, draft_id)
    questionnaire = editable_questionnaire(draft)
    if questionnaire is None:
        abort(
            make_response(
                render_template("staff/designer/cannot_edit.html", area=area, draft=draft),
                409,
            )
        )
    return draft, questionnaire


def require_csrf() -> None:
    """A change without a valid form token is refused (the token is checked globally
    too; this keeps the views honest if that ever changes)."""
    if not FlaskForm().validate_on_submit():
        abort(400)

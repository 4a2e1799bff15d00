"""Officers correct the themes coded for a comment; corrections override the keywords."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea
from feedback_app.results.themes import service as themes
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("themes", __name__, url_prefix="/staff")


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        abort(404)


@bp.get("/<area_slug>/results/comments/<int:wave_id>/<question_id>")
@requires(Permission.VIEW_RESULTS)
def comments(area: LocalArea, wave_id: int, question_id: str) -> str:
    """A page of one wave's comments to one question, redacted, with their themes."""
    session = db.session()
    found = themes.find_question(area, session, wave_id, question_id)
    if found is None:
        abort(404)
    wave, _question = found
    listing = themes.comment_page(session, wave, question_id, page=_page_number())
    return render_template(
        "staff/results/themes_comments.html",
        area=area,
        listing=listing,
        codeframe=themes.codeframe(),
    )


@bp.post("/<area_slug>/results/comments/answers/<int:answer_id>")
@requires(Permission.VIEW_RESULTS)
def correct(area: LocalArea, answer_id: int) -> HttpResponse:
    """Save the themes an officer ticked for one comment (none ticked: no theme)."""
    session = db.session()
    try:
        saved = themes.correct_themes(
            session,
            area,
            answer_id=answer_id,
            given=request.form.getlist("theme"),
            user_id=g.staff_user.id,
        )
    except ValueError:
        abort(400)
    if saved is None:
        abort(404)
    wave, question_id = saved
    flash(gettext("Themes saved. They now replace the automatic coding for this comment."))
    return _back_to_comment(area, wave.id, question_id, answer_id)


def _back_to_comment(
    area: LocalArea, wave_id: int, question_id: str, answer_id: int
) -> HttpResponse:
    """Back to the corrected comment, on the page of comments the form was sent from
    (the first page when the form does not say which)."""
    try:
        page = max(1, int(request.form.get("page", "1")))
    except ValueError:
        page = 1
    return redirect(
        url_for(
            ".comments",
            area_slug=area.slug,
            wave_id=wave_id,
            question_id=question_id,
            page=page,
            _anchor=f"comment-{answer_id}",
        )
    )

"""Designer pages for "show this question only if ...": plain controls, not expressions.

Step 1 picks an earlier question with answers to choose from (or "always");
step 2 ticks the answers that show the question. The result is the rule
``{"in": [{"answer": q}, [codes]]}`` on the question's page.

Also the answers a closed question counts as positive (``positive`` on the
question): ticked the same way, they give its "% positive" in the results.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.designer import editing
from feedback_app.designer.blueprint import bp, editable_or_refuse
from feedback_app.designer.codes import DesignError
from feedback_app.designer.forms import PositiveForm, ShowIfAnswersForm, ShowIfSourceForm
from feedback_app.designer.question_views import to_question
from feedback_app.designer.summaries import question_words
from feedback_app.designer.view_model import ALWAYS, show_if_choices
from feedback_app.designer.workbench import save_change
from feedback_app.models import LocalArea, QuestionnaireDraft
from feedback_app.staff.auth import current_user, requires
from feedback_app.staff.roles import Permission
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.choices import select_choices
from surveys import Questionnaire


def _to_answers(
    area: LocalArea, draft_id: int, question_id: str, *, source_id: str
) -> HttpResponse:
    """Step 2: tick the answers to ``source_id`` that show the question."""
    return redirect(
        url_for(
            ".show_if_answers",
            area_slug=area.slug,
            draft_id=draft_id,
            question_id=question_id,
            source_id=source_id,
        )
    )


@bp.route("/<int:draft_id>/questions/<question_id>/show-if", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def show_if(area: LocalArea, draft_id: int, question_id: str) -> HttpResponse | tuple[str, int]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    question = questionnaire.question(question_id)
    if question is None:
        abort(404)
    form = ShowIfSourceForm()
    form.source.choices = select_choices(show_if_choices(questionnaire, question_id))
    if form.validate_on_submit():
        if form.source.data != ALWAYS:
            return _to_answers(area, draft.id, question_id, source_id=form.source.data)
        changed = editing.clear_show_if(questionnaire, question_id)
        summary = f"always show question {question_words(questionnaire, question_id)}"
        save_change(db.session(), draft, changed, user=current_user(), summary=summary)
        return to_question(area, draft.id, question_id)
    status = 400 if form.errors else 200
    return render_template(
        "staff/designer/show_if.html", area=area, draft=draft, form=form, question=question
    ), status


@bp.route("/<int:draft_id>/questions/<question_id>/show-if/<source_id>", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def show_if_answers(
    area: LocalArea, draft_id: int, question_id: str, source_id: str
) -> HttpResponse | tuple[str, int]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    question = questionnaire.question(question_id)
    sources = editing.earlier_closed_questions(questionnaire, question_id)
    source = next((s for s in sources if s.id == source_id), None)
    if question is None or source is None:
        abort(404)
    form = ShowIfAnswersForm()
    form.codes.choices = select_choices((o.code, content_gettext(o.label)) for o in source.options)
    if form.validate_on_submit() and _set_show_if(
        draft, questionnaire, question_id, source_id=source_id, form=form
    ):
        return to_question(area, draft.id, question_id)
    status = 400 if form.errors else 200
    return render_template(
        "staff/designer/show_if_answers.html",
        area=area,
        draft=draft,
        form=form,
        question=question,
        source=source,
    ), status


def _set_show_if(
    draft: QuestionnaireDraft,
    questionnaire: Questionnaire,
    question_id: str,
    *,
    source_id: str,
    form: ShowIfAnswersForm,
) -> bool:
    """Save "show only for the ticked answers"; False (with the field's error) if refused."""
    try:
        changed = editing.set_show_if(
            questionnaire, question_id, source_id=source_id, codes=form.codes.data or []
        )
    except DesignError as error:
        form.codes.errors = [str(error.message)]
        return False
    summary = (
        f"show question {question_words(questionnaire, question_id)} only for some"
        f" answers to {question_words(questionnaire, source_id)}"
    )
    save_change(db.session(), draft, changed, user=current_user(), summary=summary)
    return True


@bp.route("/<int:draft_id>/questions/<question_id>/positive", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def positive(area: LocalArea, draft_id: int, question_id: str) -> HttpResponse | tuple[str, int]:
    """Tick the answers that count as positive: the question's "% positive" in results."""
    draft, questionnaire = editable_or_refuse(area, draft_id)
    question = questionnaire.question(question_id)
    if question is None or not editing.positive_choices(question):
        abort(404)
    choices = editing.positive_choices(question)
    form = PositiveForm()
    form.codes.choices = select_choices((o.code, content_gettext(o.label)) for o in choices)
    if request.method != "POST":
        form.codes.data = list(question.positive_codes)
    elif form.validate_on_submit():
        try:
            changed = editing.set_positive(questionnaire, question_id, codes=form.codes.data or [])
        except DesignError as error:
            form.codes.errors = [str(error.message)]
        else:
            words = question_words(questionnaire, question_id)
            summary = f"chose the positive answers of question {words}"
            save_change(db.session(), draft, changed, user=current_user(), summary=summary)
            return to_question(area, draft.id, question_id)
    status = 400 if form.errors else 200
    return render_template(
        "staff/designer/positive.html", area=area, draft=draft, form=form, question=question
    ), status

"""Designer pages for questions: add from the KPI bank or write your own, edit,
move and remove. "Show this question only if ..." is in ``rule_views``.

Every change is saved as one draft revision with a plain summary.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.designer import editing
from feedback_app.designer.blueprint import bp, editable_or_refuse, require_csrf
from feedback_app.designer.codes import DesignError, available_pictures, options_from_lines
from feedback_app.designer.forms import (
    AddKpiForm,
    ChooseTypeForm,
    QuestionForm,
)
from feedback_app.designer.summaries import question_words
from feedback_app.designer.view_model import (
    TYPE_NAMES,
    bank_choices,
    fixed_option_labels,
    kpi_references,
    picture_name,
    question_form_data,
    setting_fields,
    writes_own_options,
)
from feedback_app.designer.workbench import save_change
from feedback_app.models import LocalArea, QuestionnaireDraft
from feedback_app.respond.answer_types import DESIGNER_FIELDS
from feedback_app.staff.auth import current_user, requires
from feedback_app.staff.roles import Permission
from feedback_app.web.choices import select_choices
from feedback_app.web.static_files import picture_svg
from surveys import AnswerType, Question, Questionnaire, spec_of


def to_question(area: LocalArea, draft_id: int, question_id: str) -> HttpResponse:
    url = url_for(".overview", area_slug=area.slug, draft_id=draft_id)
    return redirect(f"{url}#question-{question_id}")


def _refused(
    area: LocalArea, draft: QuestionnaireDraft, message: str, question_id: str
) -> tuple[str, int]:
    # A page of its own: the change was a button press, there is no form to correct.
    back = url_for(".overview", area_slug=area.slug, draft_id=draft.id)
    return render_template(
        "staff/designer/refused.html",
        area=area,
        draft=draft,
        message=message,
        back_url=f"{back}#question-{question_id}",
    ), 400


@bp.route("/<int:draft_id>/add-kpi", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def add_kpi(area: LocalArea, draft_id: int) -> HttpResponse | tuple[str, int]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    form = AddKpiForm()
    pairs, items = bank_choices(questionnaire)
    form.kpi.choices = select_choices(pairs)
    if form.validate_on_submit():
        try:
            changed, question = editing.add_bank_question(questionnaire, form.kpi.data or "")
        except DesignError as error:
            form.kpi.errors = [str(error.message)]
        else:
            summary = f"added the KPI question {question_words(changed, question.id)}"
            save_change(db.session(), draft, changed, user=current_user(), summary=summary)
            return to_question(area, draft.id, question.id)
    status = 400 if form.errors else 200
    return render_template(
        "staff/designer/add_kpi.html", area=area, draft=draft, form=form, items=items
    ), status


@bp.route("/<int:draft_id>/add", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def choose_type(area: LocalArea, draft_id: int) -> HttpResponse | tuple[str, int]:
    draft, _questionnaire = editable_or_refuse(area, draft_id)
    form = ChooseTypeForm()
    if form.validate_on_submit():
        return redirect(
            url_for(
                ".add_question",
                area_slug=area.slug,
                draft_id=draft.id,
                answer_type=form.answer_type.data,
            )
        )
    status = 400 if form.errors else 200
    return render_template(
        "staff/designer/choose_type.html", area=area, draft=draft, form=form
    ), status


def _answer_type(value: str) -> AnswerType:
    try:
        return AnswerType(value)
    except ValueError:
        abort(404)


def _question_fields(
    form: QuestionForm, answer_type: AnswerType, questionnaire: Questionnaire
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "hint": form.hint.data or "",
        "optional": form.must_answer.data == "no",
        # Pictures only in Easy Read questionnaires, where every question needs one.
        "picture": (form.picture.data or "") if questionnaire.easy_read else None,
    }
    # Only the settings this type takes (surveys.answer_types); the rest stay unset.
    for setting in spec_of(answer_type).settings:
        fields.update(DESIGNER_FIELDS[setting].read(form))
    return fields


def _picture_choices(form: QuestionForm) -> list[dict[str, object]]:
    """Picture radios: the picture itself beside its name."""
    form.picture.choices = select_choices(
        (name, picture_name(name)) for name in available_pictures()
    )
    return [
        {
            # The same inline pictures respondents see, beside escaped words.
            "html": Markup('<span class="app-face">{}</span>{}').format(
                picture_svg(name), picture_name(name)
            )
        }
        for name in available_pictures()
    ]


def _needs_options(form: QuestionForm, answer_type: AnswerType) -> bool:
    """True (with the message on the options box) when the options cannot be used."""
    if not writes_own_options(answer_type):
        return False
    # Checked here as well as when saving, so the message sits on the options box
    # alongside any other problem on the page.
    if not (form.options.data or "").strip():
        form.options.errors = [gettext("Enter at least one answer, one on each line")]
        return True
    try:
        options_from_lines(form.options.data or "")
    except DesignError as error:
        form.options.errors = [str(error.message)]
        return True
    return False


@bp.route("/<int:draft_id>/add/<answer_type>", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def add_question(
    area: LocalArea, draft_id: int, answer_type: str
) -> HttpResponse | tuple[str, int]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    kind = _answer_type(answer_type)
    form = QuestionForm()
    if _form_ok(form, kind, questionnaire, fixed_options=not writes_own_options(kind)):
        try:
            changed, question_id = editing.add_own_question(
                questionnaire,
                answer_type=kind,
                text=form.text.data or "",
                **_question_fields(form, kind, questionnaire),
            )
        except DesignError as error:
            form[error.field].errors = [str(error.message)]
        else:
            summary = f"added question {question_words(changed, question_id)}"
            save_change(db.session(), draft, changed, user=current_user(), summary=summary)
            return to_question(area, draft.id, question_id)
    return _question_page(area, draft, form, kind, questionnaire, question=None)


def _form_ok(
    form: QuestionForm, kind: AnswerType, questionnaire: Questionnaire, *, fixed_options: bool
) -> bool:
    """Validate the posted form; every check runs, so every problem shows at once."""
    if not form.is_submitted():
        return False
    valid = form.validate_on_submit()
    if not fixed_options:
        valid = not _needs_options(form, kind) and valid
    if questionnaire.easy_read and not form.picture.data:
        form.picture.errors = [gettext("Select a picture to show beside the question")]
        valid = False
    return valid


def _question_page(
    area: LocalArea,
    draft: object,
    form: QuestionForm,
    kind: AnswerType,
    questionnaire: Questionnaire,
    *,
    question: Question | None,
) -> tuple[str, int]:
    picture_items = _picture_choices(form)
    status = 400 if form.errors else 200
    return render_template(
        "staff/designer/question.html",
        area=area,
        draft=draft,
        form=form,
        answer_type=kind,
        question=question,
        locked=question is not None and editing.is_locked(question),
        kpis=kpi_references(question) if question else [],
        own_options=writes_own_options(kind) and not (question and question.area_options),
        fixed_options=fixed_option_labels(kind, question),
        type_names=TYPE_NAMES,
        setting_fields=[]
        if question is not None and editing.is_locked(question)
        else setting_fields(kind),
        easy_read=questionnaire.easy_read,
        picture_items=picture_items,
    ), status


def _posted_question_form(question: Question) -> QuestionForm:
    """The posted edit form, with locked wording put back as it is (it is not on the page,
    so whatever was sent for it is not used)."""
    form = QuestionForm()
    if editing.is_locked(question):
        form.text.data, form.text.raw_data = question.text, [question.text]
    return form


def _edited(
    form: QuestionForm, questionnaire: Questionnaire, question: Question
) -> Questionnaire | None:
    """The questionnaire with ``question`` changed as the form says, or None with the
    refusal shown on the form's field."""
    try:
        return editing.edit_question(
            questionnaire,
            question.id,
            text=form.text.data or "",
            **_question_fields(form, question.type, questionnaire),
        )
    except DesignError as error:
        form[error.field].errors = [str(error.message)]
        return None


@bp.route("/<int:draft_id>/questions/<question_id>/edit", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def edit_question(
    area: LocalArea, draft_id: int, question_id: str
) -> HttpResponse | tuple[str, int]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    question = questionnaire.question(question_id)
    if question is None:
        abort(404)
    if request.method != "POST":
        form = QuestionForm(data=question_form_data(question))
        return _question_page(area, draft, form, question.type, questionnaire, question=question)
    form = _posted_question_form(question)
    fixed = editing.is_locked(question) or not writes_own_options(question.type)
    if _form_ok(form, question.type, questionnaire, fixed_options=fixed):
        changed = _edited(form, questionnaire, question)
        if changed is not None:
            summary = f"changed question {question_words(changed, question_id)}"
            save_change(db.session(), draft, changed, user=current_user(), summary=summary)
            return to_question(area, draft.id, question_id)
    return _question_page(area, draft, form, question.type, questionnaire, question=question)


@bp.post("/<int:draft_id>/questions/<question_id>/move")
@requires(Permission.DESIGN)
def move_question(
    area: LocalArea, draft_id: int, question_id: str
) -> HttpResponse | tuple[str, int]:
    require_csrf()
    draft, questionnaire = editable_or_refuse(area, draft_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down") or questionnaire.question(question_id) is None:
        abort(404 if direction in ("up", "down") else 400)
    try:
        changed = editing.move_question(questionnaire, question_id, up=direction == "up")
    except DesignError as error:
        return _refused(area, draft, str(error.message), question_id)
    summary = f"moved question {question_words(changed, question_id)} {direction}"
    save_change(db.session(), draft, changed, user=current_user(), summary=summary)
    return to_question(area, draft.id, question_id)


@bp.post("/<int:draft_id>/questions/<question_id>/remove")
@requires(Permission.DESIGN)
def remove_question(
    area: LocalArea, draft_id: int, question_id: str
) -> HttpResponse | tuple[str, int]:
    require_csrf()
    draft, questionnaire = editable_or_refuse(area, draft_id)
    if questionnaire.question(question_id) is None:
        abort(404)
    try:
        changed, cleared = editing.remove_question(questionnaire, question_id)
    except DesignError as error:
        return _refused(area, draft, str(error.message), question_id)
    flash(gettext("Question removed. To get it back, go back to an earlier version."))
    summary = f"removed question {question_words(questionnaire, question_id)}"
    if cleared:
        summary += " and the rules on " + ", ".join(cleared) + " that looked at it"
    save_change(db.session(), draft, changed, user=current_user(), summary=summary)
    return redirect(url_for(".overview", area_slug=area.slug, draft_id=draft.id))

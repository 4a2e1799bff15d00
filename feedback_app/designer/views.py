"""Questionnaire designer: drafts, the overview, details, import, export and history.

Questions are added, changed and moved in ``question_views``; previews in
``preview_views``. Views are thin: form, service call, redirect or render.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.designer.blueprint import (
    bp,
    draft_or_404,
    editable_or_refuse,
    require_csrf,
)
from feedback_app.designer.drafts import area_drafts, create_draft
from feedback_app.designer.editing import update_details
from feedback_app.designer.forms import DetailsForm, ImportForm, NewDraftForm
from feedback_app.designer.view_model import question_rows
from feedback_app.designer.workbench import (
    ImportRefused,
    editable_questionnaire,
    export_file,
    read_upload,
    restore_revision,
    revisions,
    save_change,
    shown_problems,
)
from feedback_app.extensions import csrf
from feedback_app.models import LocalArea
from feedback_app.review.lineage import draft_lineage
from feedback_app.staff.auth import current_user, record_action, requires
from feedback_app.staff.roles import Permission
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.choices import select_choices
from surveys.library import bundled_questionnaires
from surveys.source import MAX_BYTES

BLANK = "blank"
#: An upload may be a little over the file limit (form overhead) and still get
#: a plain "too big" message rather than the general 413 page.
UPLOAD_REQUEST_LIMIT = 4 * MAX_BYTES


def _new_draft_form() -> NewDraftForm:
    form = NewDraftForm()
    templates = bundled_questionnaires()
    form.start.choices = select_choices(
        [(BLANK, gettext("A blank questionnaire"))]
        + [
            (qid, gettext("A copy of “%(title)s”", title=content_gettext(q.title)))
            for qid, q in templates.items()
        ]
    )
    return form


def _start_hints() -> list[dict[str, dict[str, str]]]:
    hints = [{"hint": {"text": gettext("Write every question yourself.")}}]
    for q in bundled_questionnaires().values():
        hints.append({"hint": {"text": content_gettext(q.description)}})
    return hints


def _drafts_page(
    area: LocalArea, new_form: NewDraftForm, import_form: ImportForm, problems: list[str]
) -> tuple[str, int]:
    failed = bool(new_form.errors or import_form.errors or problems)
    return (
        render_template(
            "staff/designer/drafts.html",
            area=area,
            drafts=area_drafts(db.session(), area),
            new_form=new_form,
            import_form=import_form,
            start_hints=_start_hints(),
            import_problems=problems,
        ),
        400 if failed else 200,
    )


@bp.get("/")
@requires(Permission.DESIGN)
def drafts(area: LocalArea) -> tuple[str, int]:
    return _drafts_page(area, _new_draft_form(), ImportForm(), [])


@bp.post("/new")
@requires(Permission.DESIGN)
def new_draft(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form = _new_draft_form()
    if form.validate_on_submit():
        title = form.title.data or ""
        if form.start.data == BLANK and not title:
            form.title.errors = [gettext("Enter a title for the blank questionnaire")]
        else:
            template = bundled_questionnaires().get(form.start.data or "")
            draft = create_draft(
                db.session(),
                area=area,
                title=title or (content_gettext(template.title) if template else title),
                user=current_user(),
                start_from=template,
            )
            return redirect(url_for(".overview", area_slug=area.slug, draft_id=draft.id))
    return _drafts_page(area, form, ImportForm(), [])


@bp.post("/import")
@requires(Permission.DESIGN)
def import_draft(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.definition_file.data
        try:
            questionnaire = read_upload(upload.filename or "", upload.stream.read(MAX_BYTES + 1))
        except ImportRefused as refused:
            problems = refused.problems
            form.definition_file.errors = [gettext("The selected file cannot be used")]
        else:
            draft = create_draft(
                db.session(),
                area=area,
                title=questionnaire.title,
                user=current_user(),
                start_from=questionnaire,
            )
            return redirect(url_for(".overview", area_slug=area.slug, draft_id=draft.id))
    elif form.csrf_token.errors:
        abort(400)  # Out of date or forged: the same answer as the global check.
    return _drafts_page(area, _new_draft_form(), form, problems)


@bp.url_value_preprocessor
def _allow_larger_uploads(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Only the import takes a file; every other designer form keeps the app's limit.
    # A URL value preprocessor runs before every before_request hook, so the
    # limit is raised before anything (the app's form checks) reads the form.
    if endpoint == "designer.import_draft":
        request.max_content_length = UPLOAD_REQUEST_LIMIT


# The global CSRF check reads the form before the limit above is raised; the
# import form checks its own token instead (FlaskForm does, with CSRF on).
csrf.exempt(import_draft)


@bp.get("/<int:draft_id>/")
@requires(Permission.DESIGN)
def overview(area: LocalArea, draft_id: int) -> str:
    draft = draft_or_404(area, draft_id)
    questionnaire = editable_questionnaire(draft)
    return render_template(
        "staff/designer/overview.html",
        area=area,
        draft=draft,
        questionnaire=questionnaire,
        rows=question_rows(questionnaire) if questionnaire else [],
        problems=shown_problems(draft),
        editable=questionnaire is not None,
        lineage=draft_lineage(db.session(), area, draft),
    )


@bp.route("/<int:draft_id>/details", methods=["GET", "POST"])
@requires(Permission.DESIGN)
def details(area: LocalArea, draft_id: int) -> HttpResponse | tuple[str, int]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    shown = questionnaire.model_dump()
    shown["easy_read"] = "yes" if questionnaire.easy_read else "no"
    form = DetailsForm(data=None if request.method == "POST" else shown)
    if form.validate_on_submit():
        given = {name: form[name].data for name in form.data if name != "csrf_token"}
        given["easy_read"] = form.easy_read.data == "yes"
        changed = update_details(questionnaire, **given)
        save_change(
            db.session(), draft, changed, user=current_user(), summary="changed the details"
        )
        return redirect(url_for(".overview", area_slug=area.slug, draft_id=draft.id))
    status = 400 if form.errors else 200
    return render_template("staff/designer/details.html", area=area, draft=draft, form=form), status


@bp.get("/<int:draft_id>/export")
@requires(Permission.DESIGN)
def export(area: LocalArea, draft_id: int) -> Response:
    draft = draft_or_404(area, draft_id)
    exported = export_file(draft)
    record_action(
        "download",
        area=area,
        what="questionnaire definition",
        draft_id=draft.id,
        revision=draft.revision,
        rows=exported.questions,
    )
    return Response(
        exported.text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


@bp.get("/<int:draft_id>/history")
@requires(Permission.DESIGN)
def history(area: LocalArea, draft_id: int) -> str:
    draft = draft_or_404(area, draft_id)
    return render_template(
        "staff/designer/history.html",
        area=area,
        draft=draft,
        revisions=revisions(db.session(), draft),
        editable=True,
    )


@bp.post("/<int:draft_id>/history/<int:revision>/restore")
@requires(Permission.DESIGN)
def restore(area: LocalArea, draft_id: int, revision: int) -> HttpResponse:
    require_csrf()
    draft = draft_or_404(area, draft_id)
    if not restore_revision(db.session(), draft, revision, user=current_user()):
        abort(404)
    return redirect(url_for(".overview", area_slug=area.slug, draft_id=draft.id))


from feedback_app.designer import preview_views, question_views, rule_views  # noqa: E402, F401

#: The designer blueprint, with the routes of this module and the three above.
__all__ = ["bp"]

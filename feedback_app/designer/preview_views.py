"""Preview a draft exactly as a respondent sees it, in a phone-width frame or full width.

The question pages are built by the respondent journey's own form builder and
view model, so the preview cannot drift from the real thing. Nothing is saved:
"Save and continue" just goes to the next page of the preview.
"""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext

from feedback_app.designer.blueprint import bp, draft_or_404
from feedback_app.designer.view_model import describe_show_when, preview_fields
from feedback_app.designer.workbench import editable_questionnaire
from feedback_app.models import LocalArea, QuestionnaireDraft
from feedback_app.respond.answer_types import page_form
from feedback_app.respond.view_model import page_heading, page_title
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from surveys import Questionnaire

WIDTHS = ("phone", "full")


def _width() -> str:
    width = request.args.get("width", "phone")
    return width if width in WIDTHS else "phone"


def _previewed(area: LocalArea, draft_id: int) -> tuple[QuestionnaireDraft, Questionnaire]:
    draft = draft_or_404(area, draft_id)
    questionnaire = editable_questionnaire(draft)
    if questionnaire is None:
        abort(
            make_response(
                render_template("staff/designer/cannot_edit.html", area=area, draft=draft),
                409,
            )
        )
    # The area's own lists (its localities) fill in, as when it is published.
    localities = tuple((str(c), str(label)) for c, label in (area.localities or []))
    return draft, questionnaire.with_area_options(localities=localities)


#: The preview's steps: the start page (None), a question page (its id), or the end.
DONE = ("done",)


def _url(
    area: LocalArea, draft: QuestionnaireDraft, step: str | tuple[str] | None, width: str
) -> str:
    if step is None:
        return url_for(".preview_start", area_slug=area.slug, draft_id=draft.id, width=width)
    if step == DONE:
        return url_for(".preview_done", area_slug=area.slug, draft_id=draft.id, width=width)
    return url_for(
        ".preview_page", area_slug=area.slug, draft_id=draft.id, page_id=str(step), width=width
    )


def _render(area: LocalArea, draft: QuestionnaireDraft, q: Questionnaire, **context: object) -> str:
    step = context.get("step")
    width = _width()
    return render_template(
        "staff/designer/preview.html",
        area=area,
        draft=draft,
        questionnaire=q,
        width=width,
        other_widths={w: _url(area, draft, step, w) for w in WIDTHS},  # type: ignore[arg-type]
        **context,
    )


@bp.get("/<int:draft_id>/preview")
@requires(Permission.DESIGN)
def preview_start(area: LocalArea, draft_id: int) -> str:
    draft, q = _previewed(area, draft_id)
    return _render(
        area,
        draft,
        q,
        step=None,
        kind="start",
        next_url=_url(area, draft, q.pages[0].id, _width()),
        where=gettext("The start page"),
    )


@bp.get("/<int:draft_id>/preview/q/<page_id>")
@requires(Permission.DESIGN)
def preview_page(area: LocalArea, draft_id: int, page_id: str) -> str:
    draft, q = _previewed(area, draft_id)
    ids = [p.id for p in q.pages]
    if page_id not in ids:
        abort(404)
    index = ids.index(page_id)
    page = q.pages[index]
    width = _width()
    form = page_form(page, answers={})
    return _render(
        area,
        draft,
        q,
        step=page_id,
        kind="question",
        page=page,
        form=form,
        fields=preview_fields(page, form),
        heading=page_heading(page),
        title=page_title(page),
        back_url=_url(area, draft, ids[index - 1] if index else None, width),
        next_url=_url(area, draft, ids[index + 1] if index + 1 < len(ids) else DONE, width),
        show_if=describe_show_when(q, page.show_when),
        where=gettext("Page %(number)d of %(count)d", number=index + 1, count=len(ids)),
    )


@bp.get("/<int:draft_id>/preview/done")
@requires(Permission.DESIGN)
def preview_done(area: LocalArea, draft_id: int) -> str:
    draft, q = _previewed(area, draft_id)
    return _render(
        area,
        draft,
        q,
        step=DONE,
        kind="done",
        where=gettext("The page after someone sends their answers"),
    )

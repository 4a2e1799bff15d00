"""Preview a draft exactly as a respondent goes through it, in a phone-width frame
or full width, in any language it is translated into.

The question pages are built by the respondent journey's own form builder and
view model, and the route through the pages is the journey's own routing, so
"show only if" rules and routes work as they will for families, and the preview
ends with "check your answers". Reviewers can preview as well as designers.
Nothing is stored in the database: the answers given in the preview are kept in
the preview's own session cookie, and sending them only shows the last page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext, refresh
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.designer.blueprint import bp, editable_or_refuse
from feedback_app.designer.view_model import describe_show_when, preview_fields
from feedback_app.models import LocalArea, QuestionnaireDraft
from feedback_app.respond import progress
from feedback_app.respond.answer_types import cleaned_answers, page_form
from feedback_app.respond.view_model import page_heading, page_title
from feedback_app.review.lineage import published_from
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.translating import content_translation
from feedback_app.web.languages import NATIVE_NAMES
from surveys import Page, Questionnaire
from surveys.model import AnswerValue
from surveys.routing import next_page_id, previous_page_id

WIDTHS = ("phone", "full")
#: The session key holding each draft's preview answers (never the database).
PREVIEW_ANSWERS = "preview_answers"


def _width() -> str:
    width = request.args.get("width", "phone")
    return width if width in WIDTHS else "phone"


def _languages(draft: QuestionnaireDraft, questionnaire: Questionnaire) -> tuple[str, ...]:
    """The languages the draft can be previewed in: English, and every shipped
    language its text is completely translated into (the catalog, and the uploads
    of the version last published from it)."""
    version = published_from(db.session(), draft)
    covered = content_translation.coverage(
        db.session(), version_id=version.id if version else 0, questionnaire=questionnaire
    )
    return ("en", *(c.language for c in covered if c.complete and c.language != "en"))


def _previewed(area: LocalArea, draft_id: int) -> tuple[QuestionnaireDraft, Questionnaire]:
    draft, questionnaire = editable_or_refuse(area, draft_id)
    # The area's own lists (its localities) fill in, as when it is published.
    localities = tuple((str(c), str(label)) for c, label in (area.localities or []))
    questionnaire = questionnaire.with_area_options(localities=localities)
    languages = _languages(draft, questionnaire)
    chosen = request.args.get("language", "en")
    g.preview_language = chosen if chosen in languages else "en"
    g.preview_languages = languages
    refresh()  # the staff pages' English gives way to the previewed language
    version = published_from(db.session(), draft)
    if version is not None:
        content_translation.use_version(db.session(), version.id)
    return draft, questionnaire


def _answers(draft: QuestionnaireDraft) -> dict[str, AnswerValue]:
    stored: Mapping[str, Mapping[str, AnswerValue]] = session.get(PREVIEW_ANSWERS, {})
    return dict(stored.get(str(draft.id), {}))


def _keep(draft: QuestionnaireDraft, answers: Mapping[str, AnswerValue] | None) -> None:
    stored = dict(session.get(PREVIEW_ANSWERS, {}))
    if answers is None:
        stored.pop(str(draft.id), None)
    else:
        stored[str(draft.id)] = dict(answers)
    session[PREVIEW_ANSWERS] = stored


#: The preview's steps besides question pages: the start page (None), check, the end.
CHECK = ("check",)
DONE = ("done",)


def _url(
    area: LocalArea,
    draft: QuestionnaireDraft,
    step: str | tuple[str] | None,
    *,
    width: str | None = None,
    language: str | None = None,
    change: bool = False,
) -> str:
    args: dict[str, Any] = {
        "area_slug": area.slug,
        "draft_id": draft.id,
        "width": width or _width(),
        "language": language or g.get("preview_language", "en"),
    }
    if step is None:
        return url_for(".preview_start", **args)
    if step == CHECK:
        return url_for(".preview_check", **args)
    if step == DONE:
        return url_for(".preview_done", **args)
    return url_for(".preview_page", page_id=str(step), change="1" if change else None, **args)


def _render(area: LocalArea, draft: QuestionnaireDraft, q: Questionnaire, **context: object) -> str:
    step = context.get("step")
    current = g.get("preview_language", "en")
    return render_template(
        "staff/designer/preview.html",
        area=area,
        draft=draft,
        questionnaire=q,
        width=_width(),
        other_widths={w: _url(area, draft, step, width=w) for w in WIDTHS},  # type: ignore[arg-type]
        preview_languages=[
            (code, NATIVE_NAMES.get(code, code), _url(area, draft, step, language=code))  # type: ignore[arg-type]
            for code in g.get("preview_languages", ("en",))
        ],
        preview_language=current,
        **context,
    )


@bp.get("/<int:draft_id>/preview")
@requires(Permission.REVIEW)
def preview_start(area: LocalArea, draft_id: int) -> str:
    draft, q = _previewed(area, draft_id)
    _keep(draft, None)  # each preview starts with no answers
    return _render(
        area,
        draft,
        q,
        step=None,
        kind="start",
        next_url=_url(area, draft, q.first_page),
        where=gettext("The start page"),
    )


@bp.route("/<int:draft_id>/preview/q/<page_id>", methods=["GET", "POST"])
@requires(Permission.REVIEW)
def preview_page(
    area: LocalArea, draft_id: int, page_id: str
) -> str | HttpResponse | tuple[str, int]:
    draft, q = _previewed(area, draft_id)
    page = q.page(page_id)
    if page is None:
        abort(404)
    answers = _answers(draft)
    if page_id not in progress.path(q, answers):
        # Routed past (a "show only if" that does not hold): go where the answers lead.
        target = progress.resume_page(q, answers)
        return redirect(_url(area, draft, target if target is not None else CHECK))
    change = request.args.get("change") == "1"
    posted = request.method == "POST"
    form = page_form(page, answers=answers, formdata=request.form if posted else None)
    if posted and form.validate():
        following = _keep_page(draft, q, page, form, answers, change=change)
        return redirect(_url(area, draft, following if following is not None else CHECK))
    if posted and "csrf_token" in form.errors:
        abort(400)
    html = _render_page(area, draft, q, page, form, answers, change=change)
    return (html, 400) if form.errors else html


def _keep_page(
    draft: QuestionnaireDraft,
    q: Questionnaire,
    page: Page,
    form: Any,
    answers: dict[str, AnswerValue],
    *,
    change: bool,
) -> str | None:
    """Keep a valid page's answers in the preview's session; the page to go to next."""
    for question_id, value in cleaned_answers(page, form).items():
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
    _keep(draft, answers)
    return progress.resume_page(q, answers) if change else next_page_id(q, page.id, answers)


def _render_page(
    area: LocalArea,
    draft: QuestionnaireDraft,
    q: Questionnaire,
    page: Page,
    form: Any,
    answers: Mapping[str, AnswerValue],
    *,
    change: bool,
) -> str:
    previous = previous_page_id(q, page.id, answers)
    back_url = _url(area, draft, CHECK) if change else _url(area, draft, previous)
    return _render(
        area,
        draft,
        q,
        step=page.id,
        kind="question",
        page=page,
        form=form,
        fields=preview_fields(page, form),
        heading=page_heading(page),
        title=page_title(page),
        back_url=back_url,
        post_url=_url(area, draft, page.id, change=change),
        show_if=describe_show_when(q, page.show_when),
        where=gettext(
            "Page %(number)d of up to %(count)d",
            number=[p.id for p in q.pages].index(page.id) + 1,
            count=len(q.pages),
        ),
    )


@bp.route("/<int:draft_id>/preview/check", methods=["GET", "POST"])
@requires(Permission.REVIEW)
def preview_check(area: LocalArea, draft_id: int) -> str | HttpResponse:
    draft, q = _previewed(area, draft_id)
    answers = _answers(draft)
    missing = progress.resume_page(q, answers)
    if missing is not None:
        return redirect(_url(area, draft, missing))
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        _keep(draft, None)  # nothing is sent: the preview just ends
        return redirect(_url(area, draft, DONE))
    route = progress.path(q, answers)
    return _render(
        area,
        draft,
        q,
        step=CHECK,
        kind="check",
        form=form,
        rows=[
            (row, _url(area, draft, row.page_id, change=True))
            for row in progress.summary_rows(q, answers)
        ],
        back_url=_url(area, draft, route[-1]) if route else None,
        where=gettext("Check your answers"),
    )


@bp.get("/<int:draft_id>/preview/done")
@requires(Permission.REVIEW)
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

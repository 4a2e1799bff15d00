"""Review pages, publishing versions and scheduling waves. Views are thin: form,
service call, redirect or render."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.designer.drafts import area_drafts
from feedback_app.distribution import links
from feedback_app.models import LocalArea, QuestionnaireDraft, Wave, utcnow
from feedback_app.review import comments
from feedback_app.review.evidence import evidence_rows
from feedback_app.review.forms import (
    CommentForm,
    PublishForm,
    ReplyForm,
    SwitchVersionForm,
    WaveChangeForm,
    WaveForm,
)
from feedback_app.review.publish import PublishCheck, PublishRefused, check_draft, publish_draft
from feedback_app.review.view_model import break_views, published_message, review_page
from feedback_app.review.wave_version import (
    SwitchRefused,
    newest_version,
    plan_switch,
    switch_version,
)
from feedback_app.review.waves import (
    WaveChangeRefused,
    change_wave,
    close_now,
    reopen_deadline,
    schedule,
    versions_overview,
    wave_status,
)
from feedback_app.staff.auth import record_action, requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_version, area_wave_or_404
from feedback_app.web.exports import csv_response
from feedback_app.web.languages import NATIVE_NAMES

bp = Blueprint("review", __name__, url_prefix="/staff")

Page = str | tuple[str, int]


@bp.app_template_global()
def area_time(moment: dt.datetime | None, area: LocalArea) -> str:
    """A stored UTC moment as the area's local date and time."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return format_datetime(
        aware, "d MMM yyyy, HH:mm", tzinfo=ZoneInfo(area.timezone), locale=str(get_locale())
    )


# The area's survey list shows scheduled waves (opening in the future) as such.
bp.add_app_template_global(wave_status, "wave_status")


def _draft(area: LocalArea, draft_id: int) -> QuestionnaireDraft:
    draft = comments.find_draft(db.session(), area, draft_id)
    if draft is None:
        abort(404)
    return draft


def _review(
    area: LocalArea, draft: QuestionnaireDraft, *, error: dict[str, str] | None = None
) -> Page:
    page = review_page(db.session(), area, draft)
    html = render_template(
        "staff/review/review.html", area=area, page=page, error=error, form=PublishForm()
    )
    return (html, 400) if error else html


def _back(area: LocalArea, draft: QuestionnaireDraft, anchor: str) -> HttpResponse:
    return redirect(
        url_for("review.review", area_slug=area.slug, draft_id=draft.id, _anchor=anchor)
    )


@bp.get("/<area_slug>/review/")
@requires(Permission.REVIEW)
def index(area: LocalArea) -> str:
    drafts = area_drafts(db.session(), area)
    counts = comments.open_comment_counts(db.session(), area.id)
    return render_template("staff/review/index.html", area=area, drafts=drafts, counts=counts)


@bp.get("/<area_slug>/review/<int:draft_id>")
@requires(Permission.REVIEW)
def review(area: LocalArea, draft_id: int) -> Page:
    return _review(area, _draft(area, draft_id))


@bp.post("/<area_slug>/review/<int:draft_id>/comments")
@requires(Permission.REVIEW)
def comment(area: LocalArea, draft_id: int) -> Page | HttpResponse:
    draft = _draft(area, draft_id)
    form = CommentForm()
    question_id = (form.question_id.data or "").strip() or None
    target = f"comment-{question_id}" if question_id else "general-comment"
    if form.validate_on_submit():
        try:
            comments.add_comment(
                db.session(),
                draft=draft,
                question_id=question_id,
                body=form.body.data or "",
                user=g.staff_user,
            )
        except comments.ReviewError as problem:
            abort(400, description=str(problem))
        flash(gettext("Your comment has been added"))
        return _back(area, draft, f"question-{question_id}" if question_id else "general")
    if "csrf_token" in form.errors:
        abort(400)
    message = next(iter(form.body.errors), gettext("Enter your comment"))
    return _review(
        area, draft, error={"id": target, "message": str(message), "value": form.body.data or ""}
    )


@bp.post("/<area_slug>/review/<int:draft_id>/comments/<int:comment_id>/reply")
@requires(Permission.DESIGN)
def reply(area: LocalArea, draft_id: int, comment_id: int) -> Page | HttpResponse:
    draft = _draft(area, draft_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            comments.add_reply(
                db.session(),
                draft=draft,
                comment_id=comment_id,
                body=form.body.data or "",
                user=g.staff_user,
            )
        except LookupError:
            abort(404)
        flash(gettext("Your reply has been added"))
        return _back(area, draft, f"comment-{comment_id}-thread")
    if "csrf_token" in form.errors:
        abort(400)
    message = next(iter(form.body.errors), gettext("Enter your reply"))
    return _review(
        area,
        draft,
        error={"id": f"reply-{comment_id}", "message": str(message), "value": form.body.data or ""},
    )


@bp.post("/<area_slug>/review/<int:draft_id>/comments/<int:comment_id>/resolve")
@requires(Permission.DESIGN)
def resolve(area: LocalArea, draft_id: int, comment_id: int) -> HttpResponse:
    draft = _draft(area, draft_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        comments.resolve(db.session(), draft=draft, comment_id=comment_id, user=g.staff_user)
    except LookupError:
        abort(404)
    flash(gettext("The comment has been marked as resolved"))
    return _back(area, draft, f"comment-{comment_id}-thread")


@bp.get("/<area_slug>/review/<int:draft_id>/evidence.csv")
@requires(Permission.DESIGN)
def evidence(area: LocalArea, draft_id: int) -> HttpResponse:
    draft = _draft(area, draft_id)
    rows = evidence_rows(db.session(), draft, area)
    record_action(
        "download",
        area=area,
        what="co-production evidence",
        draft_id=draft.id,
        rows=len(rows) - 1,
    )
    return csv_response(rows, f"co-production-{draft.questionnaire_id}-draft-{draft.id}.csv")


def _comparability_page(
    area: LocalArea, draft: QuestionnaireDraft, form: PublishForm, check: PublishCheck
) -> tuple[str, int]:
    """Ask the reviewer to confirm a comparability break (400 if they ticked on without it)."""
    if form.seen_warning.data:
        form.confirm.errors = [
            gettext("Confirm that you understand the results will not be comparable")
        ]
    html = render_template(
        "staff/review/comparability.html",
        area=area,
        draft=draft,
        form=form,
        breaks=break_views(check.breaks),
        latest=check.latest,
    )
    return html, (400 if form.confirm.errors else 200)


@bp.post("/<area_slug>/review/<int:draft_id>/publish")
@requires(Permission.RUN_SURVEYS)
def publish(area: LocalArea, draft_id: int) -> Page | HttpResponse:
    draft = _draft(area, draft_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    check = check_draft(db.session(), area, draft)
    if check.problems:
        html = render_template(
            "staff/review/publish_refused.html", area=area, draft=draft, problems=check.problems
        )
        return html, 409
    if check.breaks and not form.confirm.data:
        return _comparability_page(area, draft, form, check)
    try:
        published = publish_draft(
            db.session(),
            area=area,
            draft=draft,
            user=g.staff_user,
            confirmed_breaks=bool(form.confirm.data),
        )
    except PublishRefused:
        # The draft changed between the check and publishing: show the review page.
        return _back(area, draft, "publish")
    flash(published_message(published))
    return redirect(url_for("review.versions", area_slug=area.slug))


@bp.get("/<area_slug>/versions")
@requires(Permission.RUN_SURVEYS)
def versions(area: LocalArea) -> str:
    overview = versions_overview(db.session(), area)
    return render_template("staff/review/versions.html", area=area, overview=overview)


@bp.route("/<area_slug>/waves/new", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def new_wave(area: LocalArea) -> Page | HttpResponse:
    version_id = request.args.get("version", type=int)
    version = area_version(db.session(), area, version_id) if version_id else None
    if version is None:
        abort(404)
    form = WaveForm()
    if form.validate_on_submit():
        plan = form.to_plan(area.timezone, utcnow())
        problem = links.problem_with(db.session(), plan.link) if plan and plan.link else None
        if problem is not None:
            form.link.errors = [problem]
            plan = None
        if plan is not None:
            wave = schedule(db.session(), area=area, version=version, plan=plan, user=g.staff_user)
            flash(
                gettext("The wave is scheduled")
                if wave_status(wave) == "scheduled"
                else gettext("The wave is open")
            )
            return redirect(url_for("staff.area_home", area_slug=area.slug))
    if request.method == "POST" and "csrf_token" in form.errors:
        abort(400)
    status = 400 if form.errors else 200
    return render_template(
        "staff/review/new_wave.html", area=area, form=form, version=version
    ), status


def _change_page(area: LocalArea, wave: Wave, form: WaveChangeForm) -> Page:
    html = render_template(
        "staff/review/change_wave.html",
        area=area,
        wave=wave,
        form=form,
        status=wave_status(wave),
        reopen_until=reopen_deadline(wave),
        newer=newest_version(db.session(), wave),
    )
    return (html, 400) if form.errors else html


@bp.route("/<area_slug>/waves/<int:wave_id>/change", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def change(area: LocalArea, wave_id: int) -> Page | HttpResponse:
    """Rename a wave, extend it, bring its close forward or reopen it."""
    wave = area_wave_or_404(area, wave_id)
    form = WaveChangeForm(data={"name": wave.name, "closes": wave.last_day})
    if form.validate_on_submit():
        try:
            changed = change_wave(
                db.session(),
                wave=wave,
                change=form.to_change(),
                user=g.staff_user,
                now=utcnow(),
            )
        except WaveChangeRefused as refused:
            form[refused.field].errors = [str(refused)]
            return _change_page(area, wave, form)
        flash(gettext("The wave has been changed") if changed else gettext("Nothing was changed"))
        return redirect(url_for("distribution.share", area_slug=area.slug, wave_id=wave.id))
    if request.method == "POST" and "csrf_token" in form.errors:
        abort(400)
    return _change_page(area, wave, form)


@bp.post("/<area_slug>/waves/<int:wave_id>/close")
@requires(Permission.RUN_SURVEYS)
def close(area: LocalArea, wave_id: int) -> HttpResponse:
    """Close an open wave now: nobody can start or send answers after this."""
    wave = area_wave_or_404(area, wave_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    if close_now(db.session(), wave=wave, user=g.staff_user, now=utcnow()):
        flash(gettext("The wave is closed. You can reopen it by giving it a new last day"))
    else:
        flash(gettext("The wave was not open, so nothing was changed"))
    return redirect(url_for("distribution.share", area_slug=area.slug, wave_id=wave.id))


def _switch_page(area: LocalArea, wave: Wave, *, refused: str | None = None) -> Page:
    """The confirmation page: what moving the wave to the newest version changes,
    or why it cannot move (``refused``: a POST that was refused, 409)."""
    cannot = None
    try:
        switch = plan_switch(db.session(), wave, utcnow())
    except SwitchRefused as why:
        switch, cannot = None, str(why)
    html = render_template(
        "staff/review/switch_version.html",
        area=area,
        wave=wave,
        switch=switch,
        refused=refused,
        cannot=None if refused else cannot,
        language_names=NATIVE_NAMES,
        form=SwitchVersionForm(data={"version": switch.target.id if switch else None}),
    )
    return (html, 409) if refused else html


@bp.route("/<area_slug>/waves/<int:wave_id>/version", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def switch(area: LocalArea, wave_id: int) -> Page | HttpResponse:
    """Move a running wave to a corrected version that keeps results comparable."""
    wave = area_wave_or_404(area, wave_id)
    if request.method == "GET":
        return _switch_page(area, wave)
    form = SwitchVersionForm()
    if not form.validate_on_submit() or form.version.data is None:
        abort(400)
    before = wave.version.version
    try:
        switch_version(
            db.session(), wave=wave, target_id=form.version.data, user=g.staff_user, now=utcnow()
        )
    except SwitchRefused as refused:
        return _switch_page(area, wave, refused=str(refused))
    flash(
        gettext(
            "%(wave)s now runs version %(after)s (it ran version %(before)s). "
            "Answers already sent stay with the version they answered",
            wave=wave.name,
            after=wave.version.version,
            before=before,
        )
    )
    return redirect(url_for("distribution.share", area_slug=area.slug, wave_id=wave.id))

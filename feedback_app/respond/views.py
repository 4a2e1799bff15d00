"""The public survey journey. Views are thin: form, service call, redirect or render."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse
from wtforms import StringField

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.distribution import gate
from feedback_app.models import Response, Wave, utcnow
from feedback_app.quality import signals
from feedback_app.respond import journey, progress
from feedback_app.respond.answer_types import answer_fields, cleaned_answers, page_form
from feedback_app.respond.view_model import (
    page_heading,
    page_title,
    personal_data_warnings,
)
from feedback_app.translating import content_translation
from feedback_app.web import throttle
from feedback_app.web.i18n import offered_languages
from surveys import Page, Questionnaire
from surveys.routing import next_page_id, previous_page_id

bp = Blueprint("respond", __name__, url_prefix="/s")
#: Posted as "keep" by the button that keeps an answer with contact details in it.
KEEP_FIELD = "personal_data"
#: Posted by "Save and come back later": save what is done of the page, then the code.
SAVE_LATER_FIELD = "save_later"
#: Posted (as a language code) by the language buttons on a question page.
SWITCH_LANGUAGE_FIELD = "switch_language"


@dataclass(frozen=True)
class Visit:
    """The wave, its questionnaire and this visitor's response, if any."""

    wave: Wave
    questionnaire: Questionnaire
    response: Response | None


def _visit(slug: str) -> Visit:
    wave = journey.find_wave(db.session(), slug)
    if wave is None:
        abort(404)
    questionnaire = questionnaire_for(wave.version)
    # Before anything asks for the locale: only complete translations are offered.
    g.wave_languages = content_translation.offered_languages(
        db.session(), version_id=wave.version_id, questionnaire=questionnaire
    )
    content_translation.use_version(db.session(), wave.version_id)
    # Kept under the wave's own slug: a readable link opens the same response.
    response_id = session.get("responses", {}).get(wave.slug)
    response = journey.get_response(db.session(), wave, response_id)
    return Visit(wave, questionnaire, response)


def _closed(visit: Visit) -> tuple[str, int]:
    if visit.wave.is_scheduled():
        # Scheduled: a poster may go up before the survey opens.
        return render_template("respond/not_open_yet.html", visit=visit), 200
    return render_template("respond/closed.html", visit=visit), 410


def _remember(slug: str, response: Response) -> None:
    responses = dict(session.get("responses", {}))
    responses[slug] = response.id
    session["responses"] = responses
    session.permanent = True


def _language() -> str:
    return str(get_locale() or "en")


@bp.get("/<slug>")
def start(slug: str) -> str | tuple[str, int]:
    visit = _visit(slug)
    if not visit.wave.is_open():
        return _closed(visit)
    in_progress = visit.response is not None and not visit.response.is_submitted
    return render_template(
        "respond/start.html", visit=visit, in_progress=in_progress, form=FlaskForm()
    )


@bp.post("/<slug>/start")
def begin(slug: str) -> HttpResponse | tuple[str, int]:
    visit = _visit(slug)
    if not visit.wave.is_open():
        return _closed(visit)
    if not FlaskForm().validate_on_submit():
        abort(400)
    response = visit.response
    if response is None or response.is_submitted:
        response = journey.start_response(db.session(), visit.wave, language=_language())
        _remember(visit.wave.slug, response)
        return redirect(_page_url(slug, visit.questionnaire.first_page))
    answers = journey.saved_answers(db.session(), response)
    return redirect(_page_url(slug, progress.resume_page(visit.questionnaire, answers)))


def _page_url(slug: str, page_id: str | None, *, change: bool = False) -> str:
    if page_id is None:
        return url_for("respond.check", slug=slug)
    return url_for("respond.question", slug=slug, page_id=page_id, change="1" if change else None)


def _require_response(visit: Visit) -> Response | HttpResponse:
    if visit.response is None:
        return redirect(url_for("respond.start", slug=visit.wave.slug))
    if visit.response.is_submitted:
        return redirect(url_for("respond.done", slug=visit.wave.slug))
    return visit.response


@bp.route("/<slug>/q/<page_id>", methods=["GET", "POST"])
@db.reads_first
def question(slug: str, page_id: str) -> str | HttpResponse | tuple[str, int]:
    visit = _visit(slug)
    page = visit.questionnaire.page(page_id)
    if page is None:
        abort(404)
    if not visit.wave.is_open():
        return _closed(visit)
    response = _require_response(visit)
    if not isinstance(response, Response):
        return response
    answers = journey.saved_answers(db.session(), response)
    if page_id not in progress.path(visit.questionnaire, answers):
        # Routed past this page (or not reached yet): go where the answers lead.
        return redirect(_page_url(slug, progress.resume_page(visit.questionnaire, answers)))
    change = request.args.get("change") == "1"
    form = page_form(
        page, answers=answers, formdata=request.form if request.method == "POST" else None
    )
    warnings: dict[str, str] = {}
    if request.method == "POST" and (
        SAVE_LATER_FIELD in request.form or SWITCH_LANGUAGE_FIELD in request.form
    ):
        return _save_as_it_is(visit, page, form, response)
    if request.method == "POST" and form.validate():
        cleaned = cleaned_answers(page, form)
        if request.form.get(KEEP_FIELD) != "keep":
            warnings = personal_data_warnings(page, cleaned)
        if not warnings:
            db.begin_write(db.session())
            try:
                journey.save_page(
                    db.session(),
                    response,
                    cleaned=cleaned,
                    language=_language(),
                    limit=_save_limit(),
                    flags=_bot_flags(response, page.id),
                )
            except journey.TooManySaves as refused:
                return _too_many_saves(visit, page.id, refused.retry_after)
            answers = journey.saved_answers(db.session(), response)
            if change:
                target = progress.resume_page(visit.questionnaire, answers)
                return redirect(_page_url(slug, target, change=target is not None))
            return redirect(_page_url(slug, next_page_id(visit.questionnaire, page.id, answers)))
    back = (
        url_for("respond.check", slug=slug)
        if change
        else _page_url(slug, previous_page_id(visit.questionnaire, page.id, answers))
        if previous_page_id(visit.questionnaire, page.id, answers)
        else url_for("respond.start", slug=slug)
    )
    fields = answer_fields(page, form, warnings=warnings)
    posted_timer = request.form.get(signals.TIMER_FIELD) if request.method == "POST" else None
    status = 400 if form.errors else 200
    return (
        render_template(
            "respond/question.html",
            visit=visit,
            page=page,
            form=form,
            fields=fields,
            heading=page_heading(page),
            title=page_title(page),
            back_url=back,
            change=change,
            personal_data_warning=bool(warnings),
            keep_field=KEEP_FIELD,
            save_later_field=SAVE_LATER_FIELD,
            language_form="answers",
            honeypot_field=signals.HONEYPOT_FIELD,
            timer_field=signals.TIMER_FIELD,
            timer=signals.timer_for_page(posted_timer, page.id),
        ),
        status,
    )


def _save_as_it_is(visit: Visit, page: Page, form: FlaskForm, response: Response) -> HttpResponse:
    """Keep a half-done page before leaving it ("save and come back later", or a
    change of language): every answer that is valid is saved, the rest is left
    as it was, and no error is shown."""
    form.validate()
    if "csrf_token" in form.errors:
        abort(400)
    done = {
        q.id: form[q.id].cleaned
        for q in page.questions
        if not form[q.id].errors and hasattr(form[q.id], "cleaned")
    }
    if done:
        db.begin_write(db.session())
        try:
            # No bot signals: leaving a page part-way is not answering it fast.
            journey.save_page(
                db.session(), response, cleaned=done, language=_language(), limit=_save_limit()
            )
        except journey.TooManySaves as refused:
            return _too_many_saves(visit, page.id, refused.retry_after)
    chosen = request.form.get(SWITCH_LANGUAGE_FIELD)
    if chosen is None:
        return redirect(url_for("respond.save_for_later", slug=visit.wave.slug))
    if chosen in offered_languages():
        session["lang"] = chosen
    return redirect(
        url_for(
            "respond.question",
            slug=visit.wave.slug,
            page_id=page.id,
            change=request.args.get("change") if request.args.get("change") == "1" else None,
        )
    )


def _save_limit() -> journey.SaveLimit:
    config = current_app.config
    return journey.SaveLimit(
        saves=int(config.get("RESPOND_SAVE_LIMIT", journey.SaveLimit.saves)),
        window=dt.timedelta(seconds=float(config.get("RESPOND_SAVE_WINDOW_SECONDS", 60))),
    )


def _bot_flags(response: Response, page_id: str) -> dict[str, Any] | None:
    # Recorded with the save; the respondent sees nothing different either way.
    found = signals.noticed(request.form, page_id=page_id)
    return signals.with_signals(response.flags, found, now=utcnow())


def _too_many_saves(visit: Visit, page_id: str, retry_after: int) -> HttpResponse:
    page = make_response(
        render_template(
            "respond/too_many_saves.html",
            visit=visit,
            page_url=_page_url(visit.wave.slug, page_id),
            retry_after=retry_after,
        ),
        429,
    )
    page.headers["Retry-After"] = str(retry_after)
    return page


def _too_many_codes(visit: Visit, retry_after: int) -> HttpResponse:
    page = make_response(
        render_template(
            "respond/too_many_codes.html",
            visit=visit,
            resume_url=url_for("respond.resume", slug=visit.wave.slug),
            minutes=max(1, math.ceil(retry_after / 60)),
        ),
        429,
    )
    page.headers["Retry-After"] = str(retry_after)
    return page


@bp.route("/<slug>/check", methods=["GET", "POST"])
def check(slug: str) -> str | HttpResponse | tuple[str, int]:
    visit = _visit(slug)
    if not visit.wave.is_open():
        return _closed(visit)
    if visit.response is not None and visit.response.is_submitted:
        return redirect(url_for("respond.done", slug=slug))
    response = _require_response(visit)
    if not isinstance(response, Response):
        return response
    answers = journey.saved_answers(db.session(), response)
    missing = progress.resume_page(visit.questionnaire, answers)
    if missing is not None:
        return redirect(_page_url(slug, missing))
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if not gate.use_invitation_for(visit.wave):
            # Used already: by this visitor's other tap (then they see their
            # confirmation) or by someone else with the same link.
            db.session().refresh(response)
            if response.is_submitted:
                return redirect(url_for("respond.done", slug=slug))
            return gate.used_page(visit.wave)
        journey.submit(db.session(), response, visit.questionnaire)
        return redirect(url_for("respond.done", slug=slug))
    rows = progress.summary_rows(visit.questionnaire, answers)
    # Back goes to the last page on this respondent's route.
    route = progress.path(visit.questionnaire, answers)
    back_url = _page_url(visit.wave.slug, route[-1]) if route else None
    return render_template(
        "respond/check.html", visit=visit, rows=rows, form=form, back_url=back_url
    )


@bp.get("/<slug>/done")
def done(slug: str) -> str | HttpResponse:
    visit = _visit(slug)
    if visit.response is None or not visit.response.is_submitted:
        return redirect(url_for("respond.start", slug=slug))
    return render_template("respond/done.html", visit=visit)


class ResumeForm(FlaskForm):
    code = StringField()


@bp.route("/<slug>/resume", methods=["GET", "POST"])
def resume(slug: str) -> str | HttpResponse | tuple[str, int]:
    visit = _visit(slug)
    if not visit.wave.is_open():
        return _closed(visit)
    form = ResumeForm(data={"code": request.args.get("code", "")[:20]})
    error = None
    if request.method == "POST" and form.validate_on_submit():
        code = (form.code.data or "")[:40]
        found = None
        if code.strip():
            keys = journey.resume_keys(
                wave=visit.wave,
                client=throttle.client_address(),
                secret=throttle.app_secret(),
            )
            try:
                found = journey.resume(db.session(), visit.wave, code, keys=keys)
            except journey.TooManyCodes as refused:
                return _too_many_codes(visit, refused.retry_after)
        if found is not None and not found.is_submitted:
            _remember(visit.wave.slug, found)
            answers = journey.saved_answers(db.session(), found)
            return redirect(_page_url(slug, progress.resume_page(visit.questionnaire, answers)))
        error = (
            gettext("Enter your resume code")
            if not code.strip()
            else gettext("We could not find answers with that code. Check the code and try again")
        )
    elif request.method == "POST":
        abort(400)
    status = 400 if error else 200
    return render_template("respond/resume.html", visit=visit, form=form, error=error), status


@bp.route("/<slug>/save", methods=["GET", "POST"])
def save_for_later(slug: str) -> str | HttpResponse | tuple[str, int]:
    visit = _visit(slug)
    if not visit.wave.is_open():
        return _closed(visit)
    response = _require_response(visit)
    if not isinstance(response, Response):
        return response
    form = FlaskForm()
    code = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        code = journey.format_resume_code(journey.issue_resume_code(db.session(), response))
    answers = journey.saved_answers(db.session(), response)
    continue_url = _page_url(slug, progress.resume_page(visit.questionnaire, answers))
    return render_template(
        "respond/save.html", visit=visit, form=form, code=code, continue_url=continue_url
    )

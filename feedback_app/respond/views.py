"""The public survey journey. Views are thin: form, service call, redirect or render."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
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
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse
from wtforms import StringField

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.distribution import gate
from feedback_app.models import Response, utcnow
from feedback_app.quality import signals
from feedback_app.respond import carry_on, journey, progress, wave_cache
from feedback_app.respond.answer_types import answer_fields, cleaned_answers, page_form
from feedback_app.respond.forms import remembered
from feedback_app.respond.public_wave import JourneyWave
from feedback_app.respond.view_model import (
    KEEP_FIELD,
    SAVE_LATER_FIELD,
    QuestionPage,
    personal_data_warnings,
)
from feedback_app.sending.backends import Backend
from feedback_app.translating import content_translation
from feedback_app.web import throttle
from feedback_app.web.i18n import offered_languages
from feedback_app.web.request_translations import gettext, language, ngettext
from surveys import Page, Questionnaire
from surveys.model import AnswerValue
from surveys.routing import next_page_id, previous_page_id

bp = Blueprint("respond", __name__, url_prefix="/s")
bp.add_app_template_global(remembered, "remembered")
#: Posted (as a language code) by the language buttons on a question page.
SWITCH_LANGUAGE_FIELD = "switch_language"


@dataclass
class Visit:
    """The wave, its questionnaire and this visitor's response, if any."""

    wave: JourneyWave
    questionnaire: Questionnaire
    #: The slug as the visitor typed it (the wave's own, or a readable link).
    link: str
    #: The response id kept in the visitor's session for this wave (not checked yet).
    response_id: object = None

    @functools.cached_property
    def response(self) -> Response | None:
        """This visitor's response to the wave, read when first asked for."""
        return journey.get_response(db.session(), self.wave, self.response_id)

    def answering(self) -> journey.Answering | None:
        """The response with its answers in one statement (the question page's way)."""
        return journey.read_answering(db.session(), self.wave, self.response_id)


#: What a journey view returns: a page, a page with its status, or a redirect.
ViewResult = str | tuple[str, int] | HttpResponse


def _visit(slug: str) -> Visit:
    wave = journey.find_wave(db.session(), slug)
    if wave is None:
        abort(404)
    questionnaire = questionnaire_for(wave.version)
    # Before anything asks for the locale: only complete translations are offered.
    texts = wave_cache.version_texts(db.session(), wave, questionnaire)
    g.wave_languages = texts.offered
    g.content_messages = texts.messages(_language())
    # Kept under the wave's own slug: a readable link opens the same response.
    response_id = session.get("responses", {}).get(wave.slug)
    return Visit(wave, questionnaire, slug, response_id)


def _closed(visit: Visit) -> tuple[str, int]:
    if visit.wave.is_scheduled():
        # Scheduled: a poster may go up before the survey opens.
        return render_template("respond/not_open_yet.html", visit=visit), 200
    return render_template("respond/closed.html", visit=visit), 410


def open_visit(view: Callable[..., ViewResult]) -> Callable[..., ViewResult]:
    """Find the visit behind ``slug`` (404 if none, or if the ``page_id`` asked for is
    not a page of the questionnaire) and refuse a wave that is not open.

    The view is called with ``visit`` instead of ``slug``.
    """

    @functools.wraps(view)
    def wrapped(slug: str, **kwargs: Any) -> ViewResult:
        visit = _visit(slug)
        page_id = kwargs.get("page_id")
        if page_id is not None and visit.questionnaire.page(page_id) is None:
            abort(404)  # before anything else, as it always was: a page that is not there
        if not visit.wave.is_open():
            return _closed(visit)
        return view(visit, **kwargs)

    return wrapped


def answering(view: Callable[..., ViewResult]) -> Callable[..., ViewResult]:
    """An open visit with a response in progress: without one, back to the start page;
    with a sent one, to the confirmation. The view gets ``visit`` and ``response``."""

    @functools.wraps(view)
    def wrapped(visit: Visit, **kwargs: Any) -> ViewResult:
        if visit.response is None:
            return redirect(url_for("respond.start", slug=visit.wave.slug))
        if visit.response.is_submitted:
            return redirect(url_for("respond.done", slug=visit.wave.slug))
        return view(visit, visit.response, **kwargs)

    return open_visit(wrapped)


def answering_page(view: Callable[..., ViewResult]) -> Callable[..., ViewResult]:
    """``answering`` for the question page: the view gets ``visit`` and the response
    with its answers (``journey.Answering``), read by one statement, not the ORM."""

    @functools.wraps(view)
    def wrapped(visit: Visit, **kwargs: Any) -> ViewResult:
        found = visit.answering()
        if found is None:
            return redirect(url_for("respond.start", slug=visit.wave.slug))
        if found.is_submitted:
            return redirect(url_for("respond.done", slug=visit.wave.slug))
        return view(visit, found, **kwargs)

    return open_visit(wrapped)


def _remember(slug: str, response: Response) -> None:
    responses = dict(session.get("responses", {}))
    responses[slug] = response.id
    session["responses"] = responses
    session.permanent = True


def _language() -> str:
    return language()


@bp.get("/<slug>")
@open_visit
def start(visit: Visit) -> ViewResult:
    in_progress = visit.response is not None and not visit.response.is_submitted
    return render_template(
        "respond/start.html", visit=visit, in_progress=in_progress, form=FlaskForm()
    )


@bp.post("/<slug>/start")
@open_visit
def begin(visit: Visit) -> ViewResult:
    if not FlaskForm().validate_on_submit():
        abort(400)
    response = visit.response
    slug = visit.link
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


@bp.route("/<slug>/q/<page_id>", methods=["GET", "POST"])
@db.reads_first
@db.reads_only_on_get
@answering_page
def question(visit: Visit, response: journey.Answering, page_id: str) -> ViewResult:
    page = visit.questionnaire.page(page_id)
    if page is None:
        abort(404)
    slug = visit.link
    answers = response.answers
    route = progress.path(visit.questionnaire, answers)
    if page_id not in route:
        # Routed past this page (or not reached yet): go where the answers lead.
        return redirect(_page_url(slug, progress.resume_page(visit.questionnaire, answers)))
    change = request.args.get("change") == "1"
    posted = request.method == "POST"
    form = page_form(page, answers=answers, formdata=request.form if posted else None)
    if posted and (SAVE_LATER_FIELD in request.form or SWITCH_LANGUAGE_FIELD in request.form):
        return _save_as_it_is(visit, page, form, response)
    warnings: Mapping[str, str] = {}
    if posted and form.validate():
        outcome = _save(page, form, response, answers=answers)
        if outcome.status is not journey.SaveStatus.CONFIRM_CONTACT_DETAILS:
            return _after_save(visit, page, outcome, change=change)
        warnings = outcome.warnings
    view = _question_page(visit, page, form, route, warnings=warnings, change=change)
    page_html = render_template("respond/question.html", visit=visit, view=view)
    return page_html, 400 if form.errors else 200


def _after_save(
    visit: Visit, page: Page, outcome: journey.SaveOutcome, *, change: bool
) -> HttpResponse:
    """Where a page save leads: the next page on the route (back to the check page
    when changing an answer), or "too many saves"."""
    if outcome.status is journey.SaveStatus.TOO_MANY_SAVES:
        return _too_many_saves(visit, page.id, outcome.retry_after)
    if change:
        target = progress.resume_page(visit.questionnaire, outcome.answers)
        return redirect(_page_url(visit.link, target, change=target is not None))
    following = next_page_id(visit.questionnaire, page.id, outcome.answers)
    return redirect(_page_url(visit.link, following))


def _question_page(
    visit: Visit,
    page: Page,
    form: FlaskForm,
    route: tuple[str, ...],
    *,
    warnings: Mapping[str, str],
    change: bool,
) -> QuestionPage:
    """The page's view model; ``route`` is the respondent's path, ``page`` on it."""
    posted = request.method == "POST"
    return QuestionPage.build(
        page=page,
        form=form,
        fields=answer_fields(page, form, warnings=warnings),
        back_url=_back_url(visit, page, route, change=change),
        change=change,
        personal_data_warning=bool(warnings),
        timer=signals.timer_for_page(
            request.form.get(signals.TIMER_FIELD) if posted else None, page.id
        ),
    )


def _back_url(visit: Visit, page: Page, route: tuple[str, ...], *, change: bool) -> str:
    slug = visit.link
    if change:
        return url_for("respond.check", slug=slug)
    previous = previous_page_id(visit.questionnaire, page.id, {}, visited=route)
    return _page_url(slug, previous) if previous else url_for("respond.start", slug=slug)


def _save(
    page: Page, form: FlaskForm, response: journey.Answering, *, answers: Mapping[str, AnswerValue]
) -> journey.SaveOutcome:
    """Save a validated page: saved, refused for contact details to confirm, or too many."""
    cleaned = cleaned_answers(page, form)
    if request.form.get(KEEP_FIELD) != "keep":
        warnings = personal_data_warnings(page, cleaned)
        if warnings:
            return journey.SaveOutcome(
                journey.SaveStatus.CONFIRM_CONTACT_DETAILS, warnings=warnings
            )
    db.begin_write(db.session())
    return journey.save_answers(
        db.session(),
        response,
        cleaned=cleaned,
        before=answers,
        language=_language(),
        limit=_save_limit(),
        flags=_bot_flags(response, page.id),
    )


def _save_as_it_is(
    visit: Visit, page: Page, form: FlaskForm, response: journey.Answering
) -> HttpResponse:
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
        # No bot signals: leaving a page part-way is not answering it fast.
        outcome = journey.save_answers(
            db.session(), response, cleaned=done, language=_language(), limit=_save_limit()
        )
        if outcome.status is journey.SaveStatus.TOO_MANY_SAVES:
            return _too_many_saves(visit, page.id, outcome.retry_after)
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


def _bot_flags(response: journey.Answering, page_id: str) -> dict[str, Any] | None:
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
@answering
def check(visit: Visit, response: Response) -> ViewResult:
    slug = visit.link
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
@open_visit
def resume(visit: Visit) -> ViewResult:
    slug = visit.link
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
@answering
def save_for_later(visit: Visit, response: Response) -> ViewResult:
    form = FlaskForm()
    code = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        code = journey.format_resume_code(journey.issue_resume_code(db.session(), response))
    return _save_page(visit, response, code=code)


class CarryOnForm(FlaskForm):
    contact = StringField()


def _save_page(
    visit: Visit,
    response: Response,
    *,
    code: str | None,
    carry_on_form: CarryOnForm | None = None,
    error: str | None = None,
    sent: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    answers = journey.saved_answers(db.session(), response)
    continue_url = _page_url(visit.link, progress.resume_page(visit.questionnaire, answers))
    page = render_template(
        "respond/save.html",
        visit=visit,
        form=FlaskForm(),
        code=code,
        continue_url=continue_url,
        carry_on_channels=carry_on.channels(current_app.config),
        carry_on_form=carry_on_form or CarryOnForm(formdata=None),
        carry_on_error=error,
        carry_on_sent=sent,
    )
    return page, status


@bp.post("/<slug>/save/send")
@answering
def send_carry_on_link(visit: Visit, response: Response) -> ViewResult:
    """Send the respondent a new resume code and link, once; the contact is not kept."""
    backend = carry_on.sender(current_app.config)
    if backend is None:
        abort(404)
    form = CarryOnForm()
    if not form.validate_on_submit():
        abort(400)
    found = carry_on.read_contact((form.contact.data or "")[:400], backend.channels_for("carry_on"))
    if isinstance(found, str):
        return _save_page(visit, response, code=None, carry_on_form=form, error=found, status=400)
    result = _send_link(visit, response, backend, found)
    if result.outcome is carry_on.Outcome.SENT:
        return _save_page(visit, response, code=result.code, sent=True)
    return _not_sent_page(visit, response, form, result)


def _send_link(
    visit: Visit, response: Response, backend: Backend, contact: carry_on.Contact
) -> carry_on.Sent:
    return carry_on.send_link(
        db.session(),
        backend,
        response=response,
        contact=contact,
        keys=carry_on.keys(
            response_id=response.id, client=throttle.client_address(), secret=throttle.app_secret()
        ),
        survey=content_translation.content_gettext(visit.questionnaire.title),
        area=visit.wave.area.name,
        link_for=lambda code: url_for(
            "respond.resume", slug=visit.wave.slug, code=code.replace(" ", ""), _external=True
        ),
    )


def _not_sent_page(
    visit: Visit, response: Response, form: CarryOnForm, result: carry_on.Sent
) -> ViewResult:
    """The save page again, saying why the link was not sent."""
    if result.outcome is carry_on.Outcome.TOO_MANY:
        minutes = max(1, math.ceil(result.retry_after / 60))
        error = " ".join(
            [
                gettext("You have asked for too many messages."),
                ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes),
            ]
        )
        page, status = _save_page(
            visit, response, code=None, carry_on_form=form, error=error, status=429
        )
        reply = make_response(page, status)
        reply.headers["Retry-After"] = str(result.retry_after)
        return reply
    if result.outcome is carry_on.Outcome.REFUSED:
        error = gettext(
            "We could not send a message to that address or number. Check it and try "
            "again, or write down the resume code below."
        )
        status = 400
    else:  # the provider was slow or down: nothing is queued, the person may retry
        error = gettext(
            "We could not send the message just now. Try again in a few minutes, or "
            "write down the resume code below."
        )
        status = 503
    return _save_page(
        visit, response, code=result.code, carry_on_form=form, error=error, status=status
    )

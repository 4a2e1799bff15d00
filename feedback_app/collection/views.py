"""Staff pages for collection beyond the web: paper entry, second keying, printing.

Views are thin: find the wave, validate the form, call ``paper``, redirect or render.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.collection import paper, printing
from feedback_app.collection.forms import field_name, keyed_answers, keying_form, resolve_form
from feedback_app.collection.view_model import difference_labels, keyed_fields
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, PaperReturn, Wave
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.translating import content_translation
from feedback_app.web.area_records import area_wave_or_404
from feedback_app.web.i18n import text_direction
from feedback_app.web.languages import NATIVE_NAMES
from surveys import Questionnaire

bp = Blueprint("collection", __name__, url_prefix="/staff")


def _return(wave: Wave, return_id: int) -> PaperReturn:
    found = paper.find_return(db.session(), wave, return_id)
    if found is None:
        abort(404)
    return found


def _message(error: paper.PaperError) -> str:
    return gettext(error.message, **error.params)


@bp.get("/<area_slug>/collection")
@requires(Permission.ENTER_PAPER)
def index(area: LocalArea) -> str:
    waves = db.session().scalars(
        select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc(), Wave.id)
    )
    return render_template("staff/collection/index.html", area=area, waves=list(waves))


def _keying_page(
    area: LocalArea, wave: Wave, form: FlaskForm, *, paper_return: PaperReturn | None = None
) -> str:
    """The page for keying a paper form: first keying, or second of ``paper_return``."""
    return render_template(
        "staff/collection/paper_entry.html",
        area=area,
        wave=wave,
        form=form,
        fields=keyed_fields(questionnaire_for(wave.version), form),
        paper_return=paper_return,
    )


@bp.route("/<area_slug>/waves/<int:wave_id>/paper", methods=["GET", "POST"])
@requires(Permission.ENTER_PAPER)
def paper_entry(area: LocalArea, wave_id: int) -> str | HttpResponse | tuple[str, int]:
    wave = area_wave_or_404(area, wave_id)
    questionnaire = questionnaire_for(wave.version)
    form = keying_form(
        questionnaire, with_reference=True, formdata=request.form or None,
        languages=_print_languages(wave, questionnaire),
    )  # fmt: skip
    if form.validate_on_submit():
        try:
            paper_return = paper.record_first_keying(
                db.session(),
                wave=wave,
                reference=form.reference.data or "",
                answers=keyed_answers(questionnaire, form),
                user=g.staff_user,
                language=form.language.data,
            )
        except paper.PaperError as error:
            form.reference.errors = [_message(error)]
        else:
            flash(gettext("Paper form %(reference)s keyed", reference=paper_return.reference))
            return redirect(
                url_for(".paper_return", area_slug=area.slug, wave_id=wave.id,
                        return_id=paper_return.id)
            )  # fmt: skip
    return _keying_page(area, wave, form), 400 if form.errors else 200


@bp.get("/<area_slug>/waves/<int:wave_id>/paper/returns")
@requires(Permission.ENTER_PAPER)
def paper_returns(area: LocalArea, wave_id: int) -> str:
    wave = area_wave_or_404(area, wave_id)
    questionnaire = questionnaire_for(wave.version)
    returns = [
        (item, gettext(paper.status_text(questionnaire, item)))
        for item in paper.wave_returns(db.session(), wave)
    ]
    return render_template(
        "staff/collection/paper_returns.html", area=area, wave=wave, returns=returns
    )


def _return_page(
    area: LocalArea, wave: Wave, paper_return: PaperReturn, *, form: FlaskForm | None = None,
    refusal: str | None = None,
) -> str:  # fmt: skip
    questionnaire = questionnaire_for(wave.version)
    first, second, differing = paper.keyings(questionnaire, paper_return)
    labels = difference_labels(questionnaire, differing, first, second or {})
    if form is None:
        form = resolve_form(differing, labels=labels)
    return render_template(
        "staff/collection/paper_return.html",
        area=area,
        wave=wave,
        paper_return=paper_return,
        form=form,
        differing=[form[field_name(qid)] for qid in differing],
        agreed=second is not None and not differing,
        refusal=refusal,
        may_key_second=_may_key_second(paper_return),
    )


def _may_key_second(paper_return: PaperReturn) -> bool:
    try:
        paper.check_second_keyer(paper_return, g.staff_user)
    except paper.PaperError:
        return False
    return True


@bp.get("/<area_slug>/waves/<int:wave_id>/paper/<int:return_id>")
@requires(Permission.ENTER_PAPER)
def paper_return(area: LocalArea, wave_id: int, return_id: int) -> str:
    wave = area_wave_or_404(area, wave_id)
    return _return_page(area, wave, _return(wave, return_id))


@bp.post("/<area_slug>/waves/<int:wave_id>/paper/<int:return_id>/accept")
@requires(Permission.ENTER_PAPER)
def accept(area: LocalArea, wave_id: int, return_id: int) -> HttpResponse | tuple[str, int]:
    wave = area_wave_or_404(area, wave_id)
    found = _return(wave, return_id)
    questionnaire = questionnaire_for(wave.version)
    first, second, differing = paper.keyings(questionnaire, found)
    labels = difference_labels(questionnaire, differing, first, second or {})
    form = resolve_form(differing, labels=labels, formdata=request.form)
    if not form.validate_on_submit():
        if not form.errors:  # only the CSRF token can be wrong with no fields
            abort(400)
        return _return_page(area, wave, found, form=form), 400
    choices = {qid: form[field_name(qid)].data for qid in differing}
    try:
        paper.accept(
            db.session(), wave=wave, paper_return=found, questionnaire=questionnaire,
            choices=choices, user=g.staff_user,
        )  # fmt: skip
    except paper.PaperError as error:
        return _return_page(area, wave, found, form=form, refusal=_message(error)), 409
    flash(gettext("Paper form %(reference)s accepted as a response", reference=found.reference))
    return redirect(url_for(".paper_returns", area_slug=area.slug, wave_id=wave.id))


@bp.route("/<area_slug>/waves/<int:wave_id>/paper/<int:return_id>/second", methods=["GET", "POST"])
@requires(Permission.ENTER_PAPER)
def second_keying(
    area: LocalArea, wave_id: int, return_id: int
) -> str | HttpResponse | tuple[str, int]:
    wave = area_wave_or_404(area, wave_id)
    found = _return(wave, return_id)
    questionnaire = questionnaire_for(wave.version)
    form = keying_form(questionnaire, with_reference=False, formdata=request.form or None)
    try:
        paper.check_second_keyer(found, g.staff_user)
        if form.validate_on_submit():
            paper.record_second_keying(
                db.session(), wave=wave, paper_return=found,
                answers=keyed_answers(questionnaire, form), user=g.staff_user,
            )  # fmt: skip
            flash(
                gettext(
                    "Second keying of paper form %(reference)s saved", reference=found.reference
                )
            )
            return redirect(
                url_for(".paper_return", area_slug=area.slug, wave_id=wave.id, return_id=found.id)
            )
    except paper.PaperError as error:
        return _return_page(area, wave, found, refusal=_message(error)), 409
    return _keying_page(area, wave, form, paper_return=found), 400 if form.errors else 200


def _print_languages(wave: Wave, questionnaire: Questionnaire) -> tuple[str, ...]:
    """The languages the wave's form can be printed (and so come back) in: English
    and every language its version is completely translated into."""
    offered = content_translation.offered_languages(
        db.session(), version_id=wave.version_id, questionnaire=questionnaire
    )
    return ("en", *(code for code in offered if code != "en"))


def _printed_form(wave: Wave, questionnaire: Questionnaire, language: str, large: bool) -> str:
    """The form itself in ``language``: its text from the version's translation, the
    printed instructions from the interface catalog (the page around it stays English)."""
    with force_locale(language):
        content_translation.use_version(db.session(), wave.version_id)
        form = render_template(
            "staff/collection/_printed_form.html",
            area=wave.area,
            questionnaire=questionnaire,
            questions=printing.printed_questions(questionnaire),
            language=language,
            direction=text_direction(language),
            large=large,
        )
    g.pop("content_messages", None)
    return form


@bp.get("/<area_slug>/waves/<int:wave_id>/print")
@requires(Permission.RUN_SURVEYS)
def print_questionnaire(area: LocalArea, wave_id: int) -> str:
    wave = area_wave_or_404(area, wave_id)
    questionnaire = questionnaire_for(wave.version)
    languages = _print_languages(wave, questionnaire)
    language = request.args.get("lang", "en")
    if language not in languages:
        abort(404)
    large = request.args.get("size") == "large"
    form = _printed_form(wave, questionnaire, language, large)
    return render_template(
        "staff/collection/print.html",
        area=area,
        wave=wave,
        printed_form=Markup(form),  # noqa: S704 - a rendered, autoescaped template
        languages=[(code, NATIVE_NAMES.get(code, code)) for code in languages],
        language=language,
        large=large,
    )

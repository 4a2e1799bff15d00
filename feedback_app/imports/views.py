"""Staff pages to import a baseline collected elsewhere: upload, map columns, map
answers, preview, import. Views are thin: form, service call, redirect or render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.imports import checking, forms, mapping, reading, storing, view_model
from feedback_app.imports.checking import ImportedRow
from feedback_app.imports.uploads import StoredUpload, UploadExpired, UploadStore
from feedback_app.models import BaselineImport, LocalArea, QuestionnaireVersion, utcnow
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.area_records import area_version
from surveys import Questionnaire

bp = Blueprint("imports", __name__, url_prefix="/staff")

#: Room for the form around the file, so a file just over the limit still gets
#: the plain "must be smaller than" message rather than the general 413 page.
_FORM_OVERHEAD = 64 * 1024


def _max_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", reading.DEFAULT_MAX_BYTES))


def _store() -> UploadStore:
    return UploadStore(db.session(), current_app.config["SECRET_KEY"])


@bp.url_value_preprocessor
def _allow_file_upload(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Runs before the CSRF check reads the form, so only the upload takes a file.
    if endpoint == "imports.upload":
        request.max_content_length = 2 * _max_bytes() + _FORM_OVERHEAD


@bp.errorhandler(413)
def _too_big(_error: Exception) -> tuple[str, int]:
    return (
        render_template(
            "error.html",
            heading=gettext("The selected file is too big"),
            message=gettext(
                "The largest file you can import is %(size)s. Split the export into smaller files.",
                size=reading.size_text(_max_bytes()),
            ),
        ),
        413,
    )


def _index_page(area: LocalArea, form: forms.UploadForm, *, refusal: str = "") -> str:
    return render_template(
        "staff/imports/index.html",
        area=area,
        form=form,
        imports=storing.area_imports(db.session(), area),
        has_versions=bool(form.version.choices),
        refusal=refusal,
    )


def _upload_form(area: LocalArea) -> forms.UploadForm:
    versions = storing.published_versions(db.session(), area)
    return forms.upload_form(versions, reading.size_text(_max_bytes()))


@bp.get("/<area_slug>/imports")
@requires(Permission.IMPORT_RESPONSES)
def index(area: LocalArea) -> str:
    return _index_page(area, _upload_form(area))


@bp.post("/<area_slug>/imports/upload")
@requires(Permission.IMPORT_RESPONSES)
def upload(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form = _upload_form(area)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _index_page(area, form), 400
    version = area_version(db.session(), area, int(form.version.data or 0))
    if version is None:
        abort(400)
    sent = form.csv_file.data
    filename = (sent.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    content = sent.stream.read(_max_bytes() + 1)
    try:
        file = reading.read_import_file(filename, content, max_bytes=_max_bytes())
        storing.refuse_repeat(db.session(), area, reading.file_sha256(content))
    except reading.ImportFileError as error:
        form.csv_file.errors = [gettext(error.message, **error.params)]
        return _index_page(area, form), 400
    except storing.ImportRefused as refused:
        message = gettext(refused.message, **refused.params)
        form.csv_file.errors = [message]
        return _index_page(area, form), 409
    token = _keep_upload(area, version, file=file, filename=filename, content=content)
    return redirect(url_for(".columns", area_slug=area.slug, token=token))


def _keep_upload(
    area: LocalArea,
    version: QuestionnaireVersion,
    *,
    file: reading.ImportFile,
    filename: str,
    content: bytes,
) -> str:
    """Keep a checked upload for the next steps, with its columns matched by a guess."""
    suggested = mapping.ImportMapping(
        columns=mapping.suggest_columns(file, questionnaire_for(version))
    )
    return _store().save(
        area_id=area.id,
        user_id=g.staff_user.id,
        content=content,
        state={
            "filename": filename[:255],
            "sha256": reading.file_sha256(content),
            "version_id": version.id,
            "mapping": suggested.to_json(),
        },
    )


@dataclass
class _Step:
    """Everything a step after the upload needs."""

    token: str
    upload: StoredUpload
    file: reading.ImportFile
    version: QuestionnaireVersion
    questionnaire: Questionnaire
    mapping: mapping.ImportMapping

    def save(self) -> None:
        self.upload.state["mapping"] = self.mapping.to_json()
        _store().update(self.upload)


def _step(area: LocalArea, token: str) -> _Step:
    try:
        upload = _store().load(token, area_id=area.id, user_id=g.staff_user.id)
    except UploadExpired:
        abort(make_response(render_template("staff/imports/expired.html", area=area), 410))
    if upload is None:
        abort(404)
    version = area_version(db.session(), area, upload.state.get("version_id"))
    if version is None:
        abort(404)
    file = reading.read_import_file(
        str(upload.state.get("filename") or "upload.csv"), upload.content,
        max_bytes=len(upload.content),
    )  # fmt: skip
    return _Step(
        token=token,
        upload=upload,
        file=file,
        version=version,
        questionnaire=questionnaire_for(version),
        mapping=mapping.ImportMapping.from_json(upload.state.get("mapping")),
    )


def _columns_page(area: LocalArea, step: _Step, form: FlaskForm, problems: list[str]) -> str:
    return render_template(
        "staff/imports/columns.html",
        area=area,
        step=step,
        form=form,
        column_fields=[form[f"{forms.COLUMN_PREFIX}{p}"] for p in range(len(step.file.columns))],
        problems=problems,
    )


def _too_many_answers(questionnaire: Questionnaire, texts: dict[str, Any]) -> list[str]:
    """A problem for each mapped column with more different answers than a question has."""
    return [
        gettext(
            "The column for “%(question)s” has %(count)s different answers: "
            "check it is the right question and separator",
            question=content_gettext(questionnaire.question(question_id).text),  # type: ignore[union-attr]
            count=len(counts),
        )
        for question_id, counts in texts.items()
        if len(counts) > mapping.MAX_DISTINCT_ANSWERS
    ]


def _suggest_answers(step: _Step, texts: dict[str, Any]) -> None:
    """Match each different answer to an option: the officer's choices, else a guess."""
    suggested = mapping.suggested_answers(step.questionnaire, texts)
    step.mapping.answers = {
        qid: {t: c for t, c in (suggested.get(qid, {}) | step.mapping.answers.get(qid, {})).items()
              if t in texts[qid]}
        for qid in texts
    }  # fmt: skip


@bp.route("/<area_slug>/imports/<token>/columns", methods=["GET", "POST"])
@requires(Permission.IMPORT_RESPONSES)
def columns(area: LocalArea, token: str) -> str | HttpResponse | tuple[str, int]:
    step = _step(area, token)
    form = forms.columns_form(
        step.file, step.questionnaire, step.mapping, formdata=request.form or None
    )
    if request.method == "GET":
        return _columns_page(area, step, form, [])
    if not form.validate_on_submit():
        if not form.errors or "csrf_token" in form.errors:
            abort(400)
        return _columns_page(area, step, form, []), 400
    chosen, problems = forms.chosen_columns(step.file, step.questionnaire, form)
    step.mapping.columns = chosen
    step.mapping.separator = form["separator"].data
    step.mapping.not_asked = list(form["not_asked"].data or [])
    texts = mapping.distinct_answers(step.file, step.questionnaire, step.mapping)
    problems += _too_many_answers(step.questionnaire, texts)
    if problems:
        return _columns_page(area, step, form, problems), 400
    _suggest_answers(step, texts)
    step.save()
    target = ".answers" if texts else ".preview"
    return redirect(url_for(target, area_slug=area.slug, token=token))


@bp.route("/<area_slug>/imports/<token>/answers", methods=["GET", "POST"])
@requires(Permission.IMPORT_RESPONSES)
def answers(area: LocalArea, token: str) -> str | HttpResponse | tuple[str, int]:
    step = _step(area, token)
    texts = mapping.distinct_answers(step.file, step.questionnaire, step.mapping)
    form = forms.answers_form(
        step.questionnaire, texts, step.mapping.answers, formdata=request.form or None
    )
    if request.method == "POST":
        if form.validate_on_submit():
            step.mapping.answers = forms.chosen_answers(texts, form)
            step.save()
            return redirect(url_for(".preview", area_slug=area.slug, token=token))
        if not form.errors or "csrf_token" in form.errors:
            abort(400)
    groups = [
        (
            step.questionnaire.question(qid),
            [form[forms.answer_field_name(qid, i)] for i in range(len(counts))],
        )
        for qid, counts in texts.items()
    ]
    page = render_template(
        "staff/imports/answers.html", area=area, step=step, form=form, groups=groups
    )
    return page, 400 if form.errors else 200


def _preview_page(
    area: LocalArea, step: _Step, form: forms.ImportWaveForm, *, refusal: str = ""
) -> str:
    checked = checking.check_file(step.file, step.questionnaire, step.mapping)
    return render_template(
        "staff/imports/preview.html",
        area=area,
        step=step,
        form=form,
        checked=checked,
        problems=view_model.shown_problems(checked.problems),
        rows=view_model.preview_rows(step.questionnaire, checked.rows),
        counts=view_model.question_counts(step.questionnaire, checked.rows),
        effects=view_model.import_effects(step.questionnaire, step.mapping),
        refusal=refusal,
    )


@bp.get("/<area_slug>/imports/<token>/preview")
@requires(Permission.IMPORT_RESPONSES)
def preview(area: LocalArea, token: str) -> str:
    return _preview_page(area, _step(area, token), forms.ImportWaveForm())


@bp.post("/<area_slug>/imports/<token>/import")
@requires(Permission.IMPORT_RESPONSES)
def run_import(area: LocalArea, token: str) -> HttpResponse | tuple[str, int]:
    step = _step(area, token)
    form = forms.ImportWaveForm()
    checked = checking.check_file(step.file, step.questionnaire, step.mapping)
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    moments = form.moments(area.timezone, utcnow()) if valid else None
    if not checked.valid or moments is None:
        return _preview_page(area, step, form), 400
    name = (form.name.data or "").strip()
    try:
        record = _import_wave(area, step, checked.rows, name=name, moments=moments)
    except storing.ImportRefused as refused:
        return _preview_page(
            area, step, form, refusal=gettext(refused.message, **refused.params)
        ), 409
    _store().delete(step.upload)
    flash(
        gettext(
            "%(count)s responses imported as the wave “%(wave)s”",
            count=f"{record.rows:,}",
            wave=name,
        )
    )
    return redirect(url_for(".index", area_slug=area.slug))


def _import_wave(
    area: LocalArea,
    step: _Step,
    rows: list[ImportedRow],
    *,
    name: str,
    moments: tuple[dt.datetime, dt.datetime],
) -> BaselineImport:
    """Store the checked file as a new wave (``storing.ImportRefused`` if it may not be)."""
    return storing.import_baseline(
        db.session(),
        area=area,
        version=step.version,
        details=storing.WaveDetails(name=name, opens_at=moments[0], closes_at=moments[1]),
        rows=rows,
        sha256=str(step.upload.state.get("sha256")),
        filename=str(step.upload.state.get("filename")),
        mapping=_recorded_mapping(step),
        user=g.staff_user,
    )


def _recorded_mapping(step: _Step) -> dict[str, Any]:
    """The confirmed mapping, with column names so it reads without the file."""
    recorded = step.mapping.to_json()
    recorded["column_names"] = {p: step.file.columns[int(p)] for p in step.mapping.columns}
    return recorded


@bp.post("/<area_slug>/imports/<token>/discard")
@requires(Permission.IMPORT_RESPONSES)
def discard(area: LocalArea, token: str) -> HttpResponse:
    if not FlaskForm().validate_on_submit():
        abort(400)
    step = _step(area, token)
    _store().delete(step.upload)
    flash(gettext("The uploaded file has been deleted"))
    return redirect(url_for(".index", area_slug=area.slug))

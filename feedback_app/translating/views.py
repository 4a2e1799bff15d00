"""Staff pages for translating a published questionnaire version.

Coordinators download a ``.po`` file per version and language for a translator,
upload it back (checked before anything is saved) and see coverage per language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, QuestionnaireVersion
from feedback_app.staff.auth import record_action, requires
from feedback_app.staff.roles import Permission
from feedback_app.translating import content_translation
from feedback_app.web.area_records import area_version_or_404
from feedback_app.web.languages import NATIVE_NAMES, SHIPPED_LANGUAGES
from surveys import Questionnaire

bp = Blueprint("translating", __name__, url_prefix="/staff")


class UploadForm(FlaskForm):
    """A translated ``.po`` file for one language."""

    po_file = FileField(_l("Translated file (.po)"))


def _language(code: str) -> str:
    if code not in SHIPPED_LANGUAGES or code == "en":
        abort(404)
    return code


def _overview_page(
    area: LocalArea,
    version: QuestionnaireVersion,
    form: UploadForm,
    *,
    problems: Sequence[str] = (),
    language: str | None = None,
) -> str:
    """Coverage per language, the upload forms, and what was wrong with an upload."""
    questionnaire = questionnaire_for(version)
    coverage = content_translation.coverage(
        db.session(), version_id=version.id, questionnaire=questionnaire
    )
    return render_template(
        "staff/translating/overview.html",
        area=area,
        version=version,
        questionnaire=questionnaire,
        coverage=[c for c in coverage if c.language != "en"],
        names=NATIVE_NAMES,
        form=form,
        **(
            {
                "problems": list(problems),
                "problem_language": language,
                "error_list": [{"text": p, "href": f"#po-file-{language}"} for p in problems],
            }
            if problems
            else {}
        ),
    )


def _read_messages(
    form: UploadForm, questionnaire: Questionnaire, code: str
) -> dict[str, str] | list[str]:
    """The uploaded file's translated messages, or what is wrong with it."""
    upload_file = form.po_file.data
    if upload_file is None or not getattr(upload_file, "filename", ""):
        return [gettext("Choose a translated .po file to upload")]
    data = upload_file.read(content_translation.MAX_PO_BYTES + 1)
    try:
        return content_translation.read_upload(data, questionnaire=questionnaire, language=code)
    except content_translation.TranslationFileError as error:
        return list(error.problems)


@bp.get("/<area_slug>/versions/<int:version_id>/translations")
@requires(Permission.DESIGN)
def overview(area: LocalArea, version_id: int) -> str:
    return _overview_page(area, area_version_or_404(area, version_id), UploadForm())


@bp.get("/<area_slug>/versions/<int:version_id>/translations/<language>.po")
@requires(Permission.DESIGN)
def download(area: LocalArea, version_id: int, language: str) -> HttpResponse:
    version = area_version_or_404(area, version_id)
    code = _language(language)
    questionnaire = questionnaire_for(version)
    data = content_translation.po_file(
        db.session(), version_id=version.id, questionnaire=questionnaire, language=code
    )
    rows = len(content_translation.version_messages(questionnaire))
    record_action(
        "download",
        area=area,
        what=f"translation file {version.questionnaire_id} v{version.version} {code}",
        rows=rows,
    )
    filename = f"{version.questionnaire_id}-v{version.version}-{code}.po"
    return HttpResponse(
        data,
        mimetype="text/x-gettext-translation",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/<area_slug>/versions/<int:version_id>/translations/<language>")
@requires(Permission.DESIGN)
def upload(area: LocalArea, version_id: int, language: str) -> str | HttpResponse | tuple[str, int]:
    version = area_version_or_404(area, version_id)
    code = _language(language)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    messages = _read_messages(form, questionnaire_for(version), code)
    if isinstance(messages, list):
        return _overview_page(area, version, form, problems=messages, language=code), 400
    content_translation.save_upload(
        db.session(),
        version_id=version.id,
        language=code,
        messages=messages,
        user_id=g.staff_user.id,
    )
    record_action(
        "translation_upload",
        area=area,
        commit=False,
        version=version.id,
        language=code,
        messages=len(messages),
    )
    db.session().commit()
    flash(gettext("Translation saved: %(count)d messages", count=len(messages)))
    return redirect(url_for(".overview", area_slug=area.slug, version_id=version.id))

"""Administrators' data protection pages: retention, deleting a wave or the area."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.data_protection import deletion
from feedback_app.data_protection.forms import confirm_form
from feedback_app.data_protection.retention import DEFAULT_RETENTION_YEARS
from feedback_app.data_protection.view_model import retention_rows
from feedback_app.models import LocalArea, Wave
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_wave_or_404

bp = Blueprint("data_protection", __name__, url_prefix="/staff")


@bp.get("/<area_slug>/data-protection")
@requires(Permission.DELETE_DATA)
def index(area: LocalArea) -> str:
    return render_template(
        "staff/data_protection/index.html",
        area=area,
        rows=retention_rows(db.session(), area),
        default_years=DEFAULT_RETENTION_YEARS,
    )


@bp.route("/<area_slug>/data-protection/waves/<int:wave_id>/delete", methods=["GET", "POST"])
@requires(Permission.DELETE_DATA)
def delete_wave(area: LocalArea, wave_id: int) -> str | HttpResponse | tuple[str, int]:
    session = db.session()
    wave = area_wave_or_404(area, wave_id)
    form = confirm_form(wave.name, label=_l("Type the name of the wave to confirm"))
    if form.validate_on_submit():
        name = wave.name
        counts = deletion.delete_wave(session, area=area, wave=wave, user_id=g.staff_user.id)
        flash(
            ngettext(
                "%(wave)s deleted with %(count)s response",
                "%(wave)s deleted with %(count)s responses",
                counts["responses"],
                wave=name,
                count=f"{counts['responses']:,}",
            )
        )
        return redirect(url_for(".index", area_slug=area.slug))
    return _confirm_page(area, form, wave=wave)


@bp.route("/<area_slug>/data-protection/delete-area", methods=["GET", "POST"])
@requires(Permission.DELETE_DATA)
def delete_area(area: LocalArea) -> str | HttpResponse | tuple[str, int]:
    session = db.session()
    form = confirm_form(area.name, label=_l("Type the name of the area to confirm"))
    if form.validate_on_submit():
        name = area.name
        deletion.delete_area(session, area=area, user_id=g.staff_user.id)
        flash(gettext("%(area)s and everything in it has been deleted", area=name))
        return redirect(url_for("staff.home"))
    return _confirm_page(area, form)


def _confirm_page(area: LocalArea, form: FlaskForm, wave: Wave | None = None) -> tuple[str, int]:
    """The page that asks to type the name of the wave (or, without one, the area)
    to delete, with the counts of what goes."""
    if wave is None:
        name, heading = area.name, gettext("Delete %(area)s", area=area.name)
    else:
        name, heading = wave.name, gettext("Delete the wave %(wave)s", wave=wave.name)
    page = render_template(
        "staff/data_protection/delete.html",
        area=area,
        form=form,
        name=name,
        heading=heading,
        preview=deletion.preview(db.session(), area=area, wave=wave),
        whole_area=wave is None,
    )
    return page, 400 if form.errors else 200

"""Staff pages: upload a wave's contact list, choose reminder dates (ADR 0029).

Sending itself runs outside the web request (``feedback-app send``); these pages
only store what to send and show counts.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from sqlalchemy import delete
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea, Wave, WaveReminder
from feedback_app.sending.contacts import ContactCheck, read_contacts, store_contacts
from feedback_app.sending.forms import ContactListForm, RemindersForm, parse_dates
from feedback_app.sending.worker import WaveSending, wave_sending
from feedback_app.staff import audit
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.web import area_records

bp = Blueprint("sending", __name__, url_prefix="/staff")
WAVE = "/<area_slug>/waves/<int:wave_id>"
#: The largest contact list file (5,000 people with long addresses fit easily).
MAX_LIST_BYTES = 1024 * 1024


@bp.url_value_preprocessor
def _allow_file_upload(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    if endpoint == "sending.contacts":
        request.max_content_length = MAX_LIST_BYTES + 64 * 1024


@bp.app_template_global("wave_sending")
def _wave_sending(wave: Wave) -> WaveSending:
    """The wave page's sending counts (a template global, so the share page of
    ``distribution`` shows them without importing this package)."""
    return wave_sending(db.session(), wave)


@bp.app_template_global("sending_enabled")
def _sending_enabled() -> bool:
    return bool(current_app.config.get("SEND_BACKEND"))


def _wave(area: LocalArea, wave_id: int) -> Wave:
    wave = area_records.area_wave(db.session(), area, wave_id)
    if wave is None:
        abort(404)
    return wave


def _store_list(area: LocalArea, wave: Wave, check: ContactCheck, label: str) -> None:
    """Store a checked contact list, record the upload and say what was added."""
    upload = store_contacts(
        db.session(),
        wave=wave,
        check=check,
        label=label,
        secret_key=current_app.config["SECRET_KEY"],
        created_by_id=g.staff_user.id,
    )
    audit.record(
        db.session(),
        "upload",
        user_id=g.staff_user.id,
        area_id=area.id,
        commit=False,
        what="contact_list",
        wave_id=wave.id,
        list_id=upload.id,
        added=len(check.people),
        duplicates=check.duplicates,
        already_listed=check.already_listed,
    )
    db.session().commit()
    flash(
        gettext(
            "%(added)d people added (%(repeated)d repeated in the file, %(listed)d"
            " already on the list). They are sent their link the next time sending runs.",
            added=len(check.people),
            repeated=check.duplicates,
            listed=check.already_listed,
        )
    )


@bp.route(WAVE + "/contacts", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def contacts(area: LocalArea, wave_id: int) -> HttpResponse | tuple[str, int]:
    """Upload a contact list: checked whole, stored whole or not at all."""
    wave = _wave(area, wave_id)
    form = ContactListForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data = form.csv_file.data.read(MAX_LIST_BYTES + 1)
        check = read_contacts(db.session(), wave=wave, data=data)
        if len(data) > MAX_LIST_BYTES:
            check.problems.insert(0, gettext("The file is bigger than 1 MB"))
        problems = check.problems
        if not problems:
            _store_list(area, wave, check, form.label.data or "")
            return redirect(url_for("distribution.share", area_slug=area.slug, wave_id=wave.id))
    status = 400 if (form.errors or problems) else 200
    return render_template(
        "staff/sending/contacts.html", area=area, wave=wave, form=form, problems=problems
    ), status


@bp.route(WAVE + "/reminders", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def reminders(area: LocalArea, wave_id: int) -> HttpResponse | tuple[str, int]:
    """Choose the days reminders go out."""
    wave = _wave(area, wave_id)
    form = RemindersForm()
    if form.validate_on_submit():
        dates = parse_dates(form.dates.data or "")
        session = db.session()
        session.execute(delete(WaveReminder).where(WaveReminder.wave_id == wave.id))
        session.add_all(
            WaveReminder(wave_id=wave.id, step=step, send_on=day)
            for step, day in enumerate(dates, start=1)
        )
        audit.record(
            session,
            "change",
            user_id=g.staff_user.id,
            area_id=area.id,
            commit=False,
            what="reminders",
            wave_id=wave.id,
            reminders=len(dates),
        )
        session.commit()
        flash(ngettext("%(num)d reminder date saved.", "%(num)d reminder dates saved.", len(dates)))
        return redirect(url_for("distribution.share", area_slug=area.slug, wave_id=wave.id))
    return render_template(
        "staff/sending/reminders.html", area=area, wave=wave, form=form
    ), 400 if form.errors else 200

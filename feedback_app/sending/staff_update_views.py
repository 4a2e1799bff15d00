"""The update list's staff page (ADR 0039): send an update to an area's list and
follow its progress. English, like every staff page; the public pages are
``update_views``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import AreaAction, AreaUpdate, LocalArea, Wave
from feedback_app.respond import journey
from feedback_app.sending import updates
from feedback_app.sending.forms import UpdateForm
from feedback_app.staff import audit
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("updates", __name__, url_prefix="/staff")


def _choices(area: LocalArea) -> list[tuple[str, str]]:
    session = db.session()
    actions = session.scalars(
        select(AreaAction)
        .where(AreaAction.area_id == area.id, AreaAction.published.is_(True))
        .order_by(AreaAction.action_date.desc(), AreaAction.id.desc())
    ).all()
    choices = [("", gettext("Choose what to send"))]
    choices += [
        (f"action:{a.id}", gettext("You said, we did: %(text)s", text=a.you_said[:80]))
        for a in actions
    ]
    choices += [
        (f"wave:{w.id}", gettext("New survey: %(name)s", name=w.name))
        for w in journey.public_waves(session, area)
    ]
    return choices


def _send_update(area: LocalArea, about: str, offered: frozenset[str]) -> AreaUpdate:
    """Queue the chosen update (``action:<id>`` or ``wave:<id>``) for the area's
    list, and record who sent it."""
    session = db.session()
    kind, _, number = about.partition(":")
    action = wave = None
    if kind == "action":
        action = session.get(AreaAction, int(number))
        link = url_for("actions_public.you_said_we_did", area_slug=area.slug, _external=True)
    else:
        wave = session.get(Wave, int(number))
        assert wave is not None
        link = url_for("respond.start", slug=wave.slug, _external=True)
    update = updates.compose(
        session,
        area,
        action=action,
        wave=wave,
        link=link,
        offered=offered,
        created_by_id=g.staff_user.id,
    )
    audit.record(
        session,
        "send",
        user_id=g.staff_user.id,
        area_id=area.id,
        commit=False,
        what="update",
        update_id=update.id,
        kind=update.kind,
        recipients=update.recipients,
    )
    session.commit()
    return update


@bp.route("/<area_slug>/updates", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def index(area: LocalArea) -> HttpResponse | tuple[str, int]:
    """The update list: counts, sending an update, and each update's progress."""
    session = db.session()
    form = UpdateForm()
    form.about.choices = _choices(area)
    offered = updates.channels(current_app.config)
    refused = False
    if form.validate_on_submit() and not offered:
        form.about.errors = [gettext("Sending is not set up: an administrator sets SEND_BACKEND")]
        refused = True
    elif form.is_submitted() and not form.errors:
        update = _send_update(area, str(form.about.data), offered)
        flash(
            gettext(
                "Update queued for %(count)d people. It goes out the next time sending runs.",
                count=update.recipients,
            )
        )
        return redirect(url_for(".index", area_slug=area.slug))
    return render_template(
        "staff/sending/updates.html",
        area=area,
        form=form,
        offered=offered,
        counts=updates.list_counts(session, area),
        sent=updates.update_counts(session, area),
    ), 400 if (refused or form.errors) else 200

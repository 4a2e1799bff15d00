"""Distribution pages: share a wave (link, QR code, poster, invitation links), and
the respondent side of invitation and always-on links. Views stay thin."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.distribution import gate, invitations, sharing
from feedback_app.distribution.always_on import always_on_wave
from feedback_app.distribution.forms import InvitationBatchForm, WaveAccessForm
from feedback_app.models import LocalArea, Wave
from feedback_app.staff.auth import record_action, requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_wave_or_404

bp = Blueprint("distribution", __name__, url_prefix="/staff")
public_bp = Blueprint("distribution_public", __name__)
public_bp.before_app_request(gate.guard_journey)

WAVE = "/<area_slug>/waves/<int:wave_id>"


def _public_link(wave: Wave) -> str:
    return url_for("respond.start", slug=wave.link_name, _external=True)


@bp.get("/<area_slug>/share")
@requires(Permission.RUN_SURVEYS)
def waves(area: LocalArea) -> str:
    always_on = always_on_wave(db.session(), area.slug)
    return render_template(
        "staff/distribution/waves.html",
        area=area,
        waves=sharing.area_waves(db.session(), area),
        always_on_link=url_for("distribution_public.always_on", area_slug=area.slug, _external=True)
        if always_on
        else None,
    )


def _invitations_page(area: LocalArea, wave: Wave, form: InvitationBatchForm) -> tuple[str, int]:
    return (
        render_template("staff/distribution/invitations.html", area=area, wave=wave, form=form),
        400 if form.errors else 200,
    )


@bp.get(WAVE + "/share")
@requires(Permission.RUN_SURVEYS)
def share(area: LocalArea, wave_id: int) -> str:
    wave = area_wave_or_404(area, wave_id)
    return render_template(
        "staff/distribution/share.html",
        area=area,
        wave=wave,
        link=_public_link(wave),
        batches=invitations.batch_summaries(db.session(), wave),
        access_form=WaveAccessForm(
            data={"access": "invited" if wave.invitation_only else "anyone"}
        ),
    )


@bp.post(WAVE + "/access")
@requires(Permission.RUN_SURVEYS)
def set_access(area: LocalArea, wave_id: int) -> HttpResponse:
    wave = area_wave_or_404(area, wave_id)
    form = WaveAccessForm()
    if not form.validate_on_submit():
        abort(400)  # the radios always send a choice; anything else is not from our page
    invitation_only = form.access.data == "invited"
    if wave.invitation_only != invitation_only:
        wave.invitation_only = invitation_only
        record_action(
            "wave_access",
            area=area,
            commit=False,
            wave_id=wave.id,
            invitation_only=invitation_only,
        )
        db.session().commit()
    flash(
        gettext("Only people with an invitation link can answer now")
        if invitation_only
        else gettext("Anyone with the public link can answer now")
    )
    return redirect(url_for("distribution.share", area_slug=area.slug, wave_id=wave.id))


#: Each QR code's kind: how it is drawn, and its media type.
_QR_KINDS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "svg": (sharing.qr_svg, "image/svg+xml"),
    "png": (sharing.qr_png, "image/png"),
}


def _qr_download(area: LocalArea, wave_id: int, kind: str) -> Response:
    """The wave's public link as a QR code of ``kind``; with ``download=1`` an
    attachment, and the download audited."""
    wave = area_wave_or_404(area, wave_id)
    draw, mimetype = _QR_KINDS[kind]
    body = draw(_public_link(wave))
    headers = {}
    if request.args.get("download") == "1":
        headers["Content-Disposition"] = f'attachment; filename="survey-{wave.slug}-qr.{kind}"'
        record_action(
            "download",
            area=area,
            what=f"qr_code_{kind}",
            wave_id=wave.id,
            rows=0,
        )
    return Response(body, mimetype=mimetype, headers=headers)


@bp.get(WAVE + "/share/qr.svg")
@requires(Permission.RUN_SURVEYS)
def qr_svg(area: LocalArea, wave_id: int) -> Response:
    return _qr_download(area, wave_id, "svg")


@bp.get(WAVE + "/share/qr.png")
@requires(Permission.RUN_SURVEYS)
def qr_png(area: LocalArea, wave_id: int) -> Response:
    return _qr_download(area, wave_id, "png")


@bp.get(WAVE + "/share/poster")
@requires(Permission.RUN_SURVEYS)
def poster(area: LocalArea, wave_id: int) -> str:
    wave = area_wave_or_404(area, wave_id)
    return render_template(
        "staff/distribution/poster.html",
        area=area,
        wave=wave,
        poster=sharing.poster_for(wave, _public_link(wave)),
    )


def _audited_links_csv(
    area: LocalArea, wave: Wave, made: invitations.NewBatch, *, label: str
) -> str:
    """Record the download of a new batch's links (not committed) and write their file."""
    record_action(
        "download",
        area=area,
        commit=False,
        what="invitation_links",
        wave_id=wave.id,
        batch_id=made.batch.id,
        rows=len(made.tokens),
    )
    return invitations.links_csv(
        made.tokens,
        label=label,
        link_for=lambda token: url_for(
            "distribution_public.invitation", token=token, _external=True
        ),
    )


def _links_made_page(
    area: LocalArea, wave: Wave, made: invitations.NewBatch, *, label: str, body: str
) -> tuple[str, int]:
    """The page that confirms what was made and holds the links' file, to save from there.

    The links exist in clear only in this response: only their hashes are stored.
    """
    return render_template(
        "staff/distribution/invitations_made.html",
        area=area,
        wave=wave,
        made=len(made.tokens),
        label=label,
        filename=f"invitation-links-{wave.slug}-{made.batch.id}.csv",
        data_url=invitations.csv_data_url(body),
    ), 200


@bp.route(WAVE + "/invitations", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def create_invitations(area: LocalArea, wave_id: int) -> Response | tuple[str, int]:
    wave = area_wave_or_404(area, wave_id)
    form = InvitationBatchForm()
    if not form.validate_on_submit():
        return _invitations_page(area, wave, form)
    label = form.label.data or ""
    made = invitations.create_batch(
        db.session(),
        wave=wave,
        size=form.number_of_links(),
        label=label,
        created_by_id=g.staff_user.id,
    )
    body = _audited_links_csv(area, wave, made, label=label)
    db.session().commit()
    return _links_made_page(area, wave, made, label=label, body=body)


@public_bp.get("/i/<token>")
def invitation(token: str) -> HttpResponse | tuple[str, int]:
    found = invitations.find_invitation(db.session(), token)
    if found is None:
        abort(404)
    wave = db.session().get(Wave, found.wave_id)
    if wave is None:  # pragma: no cover - cascaded away with its wave
        abort(404)
    if found.used_at is not None:
        return gate.used_page(wave)
    gate.remember_invitation(wave.slug, found.token_hash)
    return redirect(url_for("respond.start", slug=wave.slug))


@public_bp.get("/a/<area_slug>/feedback")
def always_on(area_slug: str) -> HttpResponse:
    wave = always_on_wave(db.session(), area_slug)
    if wave is None:
        abort(404)
    return redirect(url_for("respond.start", slug=wave.slug))

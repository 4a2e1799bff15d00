"""Single sign-on pages: the way out to the provider, the way back, and each area's
role mappings (ADR 0035). Signing out is ``staff.logout``, which also offers the
provider's own sign-out."""

from __future__ import annotations

from typing import Any

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea, Membership, SsoRoleMapping
from feedback_app.staff import audit, sso
from feedback_app.staff import sessions as staff_sessions
from feedback_app.staff.auth import record_action, requires, sign_in
from feedback_app.staff.forms import SsoMappingForm, SsoOnlyForm
from feedback_app.staff.roles import Permission
from surveys.i18n import N_

bp = Blueprint("sso", __name__, url_prefix="/staff")

#: The session key saying this session began with single sign-on.
SIGNED_ON_KEY = "staff_sso"
#: What a refusal page says, by reason.
_REFUSALS = {
    "no_mapped_role": N_(
        "Your organisation account does not give you a role in any area here."
        " Ask an administrator for your area to add your group."
    ),
    "no_account": N_(
        "There is no account here for your organisation account yet. Ask an"
        " administrator for your area to invite you."
    ),
    "deactivated": N_(
        "Your access has been removed. Ask an administrator for your area if you need it back."
    ),
}
_GENERIC = N_("Single sign-on did not work. Try again, or ask an administrator for your area.")


@bp.get("/sso/start")
def start() -> HttpResponse:
    if not sso.configured():
        abort(404)
    try:
        return sso.client().authorize_redirect(url_for("sso.callback", _external=True))
    except (AuthlibBaseError, RequestException, ValueError, KeyError):
        # The provider's discovery document could not be read.
        audit.record(db.session(), "sso_unavailable")
        return _refused("provider_unavailable", status=503)


def _refused(reason: str, *, status: int = 400) -> HttpResponse:
    message = gettext(_REFUSALS.get(reason, _GENERIC))
    return HttpResponse(render_template("staff/sso_refused.html", message=message), status=status)


def _record_refusal(refusal: sso.Refused, claims: dict[str, Any]) -> None:
    """Undo what signing on had begun and record why it was refused: against the
    account when there is one, else with the e-mail address the provider sent."""
    db.session().rollback()
    if refusal.user_id is not None:
        audit.record_for_account(
            db.session(), "sso_refused", user_id=refusal.user_id, reason=refusal.reason
        )
    else:
        audit.record(
            db.session(),
            "sso_refused",
            reason=refusal.reason,
            email=str(claims.get("email", ""))[:320],
        )


def _sign_in(signed_on: sso.SignedOn) -> None:
    """Record the sign-on and start a session marked as begun with single sign-on."""
    audit.record_for_account(
        db.session(),
        "sso_login",
        user_id=signed_on.user.id,
        commit=False,
        roles=signed_on.roles,
        account_made=signed_on.created,
    )
    sign_in(signed_on.user, method="sso")
    session[SIGNED_ON_KEY] = True


@bp.get("/sso/callback")
def callback() -> HttpResponse:
    """Check what the provider sent back and sign in, or refuse with no session.

    Authlib checks the state (kept in this browser's session and removed on first
    use, so a replayed return is refused), then the ID token's signature, issuer,
    audience, expiry and nonce.
    """
    if not sso.configured():
        abort(404)
    try:
        token = sso.client().authorize_access_token(leeway=sso.CLOCK_LEEWAY_SECONDS)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as error:
        reason = getattr(error, "error", None) or type(error).__name__
        audit.record(db.session(), "sso_refused", reason=str(reason)[:100])
        return _refused("invalid")
    claims = dict(token.get("userinfo") or {})
    try:
        signed_on = sso.sign_on(db.session(), claims)
    except sso.Refused as refusal:
        _record_refusal(refusal, claims)
        return _refused(refusal.reason, status=403)
    _sign_in(signed_on)
    return redirect(url_for("staff.home"))


def end_session_url() -> str | None:
    """Where to send someone signing out of a single sign-on session: the provider's
    ``end_session_endpoint`` (RP-initiated logout), or None."""
    if not session.get(SIGNED_ON_KEY) or not sso.configured():
        return None
    try:
        metadata = sso.client().load_server_metadata()
    except (AuthlibBaseError, RequestException, ValueError):
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    from urllib.parse import urlencode

    query = urlencode(
        {
            "client_id": sso.client().client_id,
            "post_logout_redirect_uri": url_for("staff.login", _external=True),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _mapping_page(area: LocalArea, form: SsoMappingForm, status: int = 200) -> tuple[str, int]:
    only = SsoOnlyForm(sso_only="yes" if area.sso_only else "no")
    return render_template(
        "staff/sso_mappings.html",
        area=area,
        form=form,
        only_form=only,
        mappings=sso.mappings_in_area(db.session(), area),
        configured=sso.configured(),
    ), status


@bp.get("/<area_slug>/single-sign-on")
@requires(Permission.MANAGE_USERS)
def mappings(area: LocalArea) -> tuple[str, int]:
    return _mapping_page(area, SsoMappingForm())


def _has_mapping(area: LocalArea, claim: str, value: str) -> bool:
    return (
        db.session().scalar(
            select(SsoRoleMapping.id).where(
                SsoRoleMapping.area_id == area.id,
                SsoRoleMapping.claim == claim,
                SsoRoleMapping.value == value,
            )
        )
        is not None
    )


def _add_mapping(area: LocalArea, claim: str, value: str, role: str, *, creates: bool) -> None:
    db.session().add(
        SsoRoleMapping(
            area_id=area.id,
            claim=claim,
            value=value,
            role=role,
            creates_accounts=creates,
        )
    )
    record_action(
        "sso_mapping_added",
        area=area,
        claim=claim,
        value=value,
        role=role,
        creates_accounts=creates,
    )


@bp.post("/<area_slug>/single-sign-on")
@requires(Permission.MANAGE_USERS)
def add_mapping(area: LocalArea) -> tuple[str, int] | HttpResponse:
    form = SsoMappingForm()
    if not form.validate_on_submit():
        return _mapping_page(area, form, 400)
    claim, value = form.claim.data or "", (form.value.data or "").strip()
    if claim == "email":
        value = value.lower()
    if _has_mapping(area, claim, value) or not value:
        form.value.errors = [gettext("This area already has a mapping for that value")]
        return _mapping_page(area, form, 400)
    _add_mapping(area, claim, value, form.role.data, creates=form.creates_accounts.data == "yes")
    flash(gettext("Mapping added"))
    return redirect(url_for("sso.mappings", area_slug=area.slug))


@bp.post("/<area_slug>/single-sign-on/<int:mapping_id>/remove")
@requires(Permission.MANAGE_USERS)
def remove_mapping(area: LocalArea, mapping_id: int) -> HttpResponse:
    if not FlaskForm().validate_on_submit():
        abort(400)
    mapping = db.session().get(SsoRoleMapping, mapping_id)
    if mapping is None or mapping.area_id != area.id:
        abort(404)
    claim, value, role = mapping.claim, mapping.value, mapping.role
    db.session().delete(mapping)
    record_action("sso_mapping_removed", area=area, claim=claim, value=value, role=role)
    flash(gettext("Mapping removed. People keep the roles they already have."))
    return redirect(url_for("sso.mappings", area_slug=area.slug))


def _apply_sso_only(area: LocalArea, wanted: bool) -> None:
    """Set the area's sign-in rule; turning it on ends the password sessions its
    staff already have open (ADR 0038). Records the change and says so."""
    area.sso_only = wanted
    ended = 0
    if wanted:
        ended = staff_sessions.end_password_sessions(
            db.session(), select(Membership.user_id).where(Membership.area_id == area.id)
        )
    record_action(
        "sso_only_set", area=area, sso_only=wanted, by=g.staff_user.email, sessions_ended=ended
    )
    flash(
        gettext(
            "Staff of this area now sign in with single sign-on only. Sessions they had"
            " opened with a password have ended."
        )
        if wanted
        else gettext("Staff of this area can sign in with single sign-on or a password.")
    )


@bp.post("/<area_slug>/single-sign-on/only")
@requires(Permission.MANAGE_USERS)
def set_sso_only(area: LocalArea) -> tuple[str, int] | HttpResponse:
    form = SsoOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.sso_only.data == "yes"
    if wanted and not sso.configured():
        flash(
            gettext(
                "Single sign-on is not set up for this service, so it cannot be the only way in."
            )
        )
        return _mapping_page(area, SsoMappingForm(), 400)
    _apply_sso_only(area, wanted)
    return redirect(url_for("sso.mappings", area_slug=area.slug))

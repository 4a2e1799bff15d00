"""Staff single sign-on with OpenID Connect (ADR 0035).

The deployment names one provider (``OIDC_ISSUER``, ``OIDC_CLIENT_ID``,
``OIDC_CLIENT_SECRET``; feedback_app/config.py). Authlib reads its discovery
document, sends people there with a fresh state, nonce and PKCE verifier, and on
their return checks the ID token's signature, issuer, audience, expiry and nonce.

What the checked claims give is decided here, from data: each area's
``SsoRoleMapping`` rows say which claim value (a group, an app role, an e-mail
domain's address) holds which role there. Nobody gets a session without at least
one matching mapping. The account is found by the provider's subject; the first
time, by a verified e-mail address, or made when a matching mapping allows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, Membership, SsoRoleMapping, StaffUser, utcnow
from feedback_app.staff.accounts import normalise_email
from feedback_app.staff.roles import Role

#: When several mappings match in one area, the most capable role is given.
ROLE_RANK = {Role.REVIEWER: 0, Role.COORDINATOR: 1, Role.OFFICER: 2, Role.ADMINISTRATOR: 3}
#: Seconds of clock difference allowed when checking the ID token's times.
CLOCK_LEEWAY_SECONDS = 60
#: Claims a mapping may name: what Entra ID and most providers send about a person.
MAPPABLE_CLAIMS = ("groups", "roles", "email", "sub")


class Refused(Exception):
    """Single sign-on worked, but gives this person no session here (``reason``)."""

    def __init__(self, reason: str, *, user_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user_id = user_id


def configured(app: Flask | None = None) -> bool:
    """True when the deployment has a provider."""
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def client() -> Any:
    """The Authlib client of this app's provider (made on first use)."""
    app = current_app
    oauth = app.extensions.get("sso_oauth")
    if oauth is None:
        oauth = OAuth(app)
        issuer = app.config["OIDC_ISSUER"].rstrip("/")
        oauth.register(
            "provider",
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": app.config.get("OIDC_SCOPES", "openid email profile"),
                "code_challenge_method": "S256",
                "timeout": 10,
            },
        )
        app.extensions["sso_oauth"] = oauth
    return oauth.provider


def subject(claims: Mapping[str, Any]) -> str:
    """The person's stable identity: the issuer and its subject for them."""
    return f"{claims.get('iss', '')} {claims.get('sub', '')}"[:600]


def _values(claims: Mapping[str, Any], claim: str) -> set[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        return {value.lower() if claim == "email" else value}
    if isinstance(value, list):
        return {str(v) for v in value if isinstance(v, str | int)}
    return set()


@dataclass(frozen=True)
class Grant:
    """The role the claims give in one area, and whether they may make an account."""

    area_id: int
    role: Role
    creates_accounts: bool


def grants(mappings: Iterable[SsoRoleMapping], claims: Mapping[str, Any]) -> dict[int, Grant]:
    """Area id -> the most capable role the matching mappings give (pure)."""
    found: dict[int, Grant] = {}
    for mapping in mappings:
        if mapping.value not in _values(claims, mapping.claim):
            continue
        try:
            role = Role(mapping.role)
        except ValueError:
            continue
        before = found.get(mapping.area_id)
        creates = mapping.creates_accounts or (before is not None and before.creates_accounts)
        best = role if before is None or ROLE_RANK[role] > ROLE_RANK[before.role] else before.role
        found[mapping.area_id] = Grant(mapping.area_id, best, creates)
    return found


@dataclass
class SignedOn:
    """The account signed in, and the roles its claims gave (area slug -> role)."""

    user: StaffUser
    roles: dict[str, str] = field(default_factory=dict)
    created: bool = False


def _account(
    db: Session, claims: Mapping[str, Any], given: dict[int, Grant]
) -> tuple[StaffUser, bool]:
    """The account of these claims: by subject, else by verified e-mail, else a new one."""
    user = db.scalar(select(StaffUser).where(StaffUser.sso_subject == subject(claims)))
    if user is not None:
        return user, False
    email = normalise_email(str(claims.get("email") or ""))[:320]
    if not email or "@" not in email:
        raise Refused("no_email")
    if claims.get("email_verified") is not False:
        user = db.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is not None:
            if user.sso_subject is not None:
                # Linked to another identity already: never moved silently.
                raise Refused("linked_elsewhere", user_id=user.id)
            user.sso_subject = subject(claims)
            return user, False
    elif db.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise Refused("email_unverified")
    if not any(grant.creates_accounts for grant in given.values()):
        raise Refused("no_account")
    user = StaffUser(email=email, password_hash="", sso_subject=subject(claims))
    db.add(user)
    db.flush()
    return user, True


def sign_on(db: Session, claims: Mapping[str, Any]) -> SignedOn:
    """Find or make the account of checked ID token ``claims`` and give its mapped roles.

    Raises Refused (nothing written) when no mapping matches, there is no account and
    none may be made, or the account or every one of its roles is deactivated. A role
    an administrator deactivated in an area stays deactivated. Caller commits.
    """
    given = grants(db.scalars(select(SsoRoleMapping)), claims)
    if not given:
        known = db.scalar(select(StaffUser.id).where(StaffUser.sso_subject == subject(claims)))
        raise Refused("no_mapped_role", user_id=known)
    user, created = _account(db, claims, given)
    if not user.active:
        raise Refused("deactivated", user_id=user.id)
    roles: dict[str, str] = {}
    for grant in given.values():
        membership = db.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.area_id == grant.area_id
            )
        )
        if membership is None:
            membership = Membership(
                user_id=user.id, area_id=grant.area_id, role=grant.role.value, active=True
            )
            db.add(membership)
        elif membership.active:
            membership.role = grant.role.value
        if membership.active:
            area = db.get(LocalArea, grant.area_id)
            roles[area.slug if area is not None else str(grant.area_id)] = grant.role.value
    if not roles:
        raise Refused("deactivated", user_id=None if created else user.id)
    user.last_login_at = utcnow()
    db.flush()
    return SignedOn(user, roles, created)


def password_refused(db: Session, user: StaffUser) -> bool:
    """True when ``user`` holds a role in an area whose staff sign in only with SSO.

    A staff session reaches every area of the account, so one such area is enough.
    """
    return (
        db.scalar(
            select(Membership.id)
            .join(LocalArea, LocalArea.id == Membership.area_id)
            .where(Membership.user_id == user.id, LocalArea.sso_only.is_(True))
            .limit(1)
        )
        is not None
    )


def mappings_in_area(db: Session, area: LocalArea) -> list[SsoRoleMapping]:
    """The area's mappings, by claim and value."""
    return list(
        db.scalars(
            select(SsoRoleMapping)
            .where(SsoRoleMapping.area_id == area.id)
            .order_by(SsoRoleMapping.claim, SsoRoleMapping.value)
        )
    )

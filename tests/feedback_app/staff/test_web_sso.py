"""Staff single sign-on against a real OpenID provider (oidc-provider, started by the
tests): sign-in maps roles, every bad answer is refused with no session and audited,
sign-out ends the session, and a single-sign-on-only area refuses passwords."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from feedback_app import create_app, db
from feedback_app.models import (
    AuditEvent,
    LocalArea,
    Membership,
    SsoRoleMapping,
    StaffSession,
    StaffUser,
)
from tests.support.browser import PageBrowser
from tests.support.oidc_provider import OidcTestProvider, oidc_provider, provider_round_trip
from tests.support.staff import PASSWORD, make_area_with_staff, signed_in

__all__ = ["oidc_provider"]


@pytest.fixture
def sso_app(database_url: str, oidc_provider: OidcTestProvider) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-" + "x" * 40,
            **oidc_provider.app_config(),
        }
    )
    make_area_with_staff(application, "north")
    with application.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        session.add_all(
            [
                SsoRoleMapping(
                    area_id=area.id,
                    claim="groups",
                    value="send-officers",
                    role="officer",
                    creates_accounts=True,
                ),
                SsoRoleMapping(
                    area_id=area.id,
                    claim="groups",
                    value="send-admins",
                    role="administrator",
                    creates_accounts=False,
                ),
            ]
        )
        session.commit()
    yield application
    gc.collect()
    application.extensions["db_engine"].dispose()


def _count(app: Flask, model: type, *where: object) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _events(app: Flask, action: str) -> list[dict[str, Any]]:
    """The details of each audit event of ``action``."""
    with app.app_context():
        return list(
            db.session().scalars(select(AuditEvent.detail).where(AuditEvent.action == action))
        )


def _signed_on(client: FlaskClient, account: str) -> str:
    back = client.get(provider_round_trip(client, account))
    assert back.status_code == 302, back.get_data(as_text=True)[:500]
    return back.headers["Location"]


def test_sign_in_makes_the_account_maps_the_role_and_is_audited(sso_app: Flask) -> None:
    client = sso_app.test_client()
    login = client.get("/staff/login").get_data(as_text=True)
    assert "Sign in with your organisation account" in login
    assert _signed_on(client, "alice") == "/staff/"
    page = client.get("/staff/", follow_redirects=True)
    assert page.request.path == "/staff/north/"
    assert "alice@council.example" in page.get_data(as_text=True)
    assert client.get("/staff/north/results/").status_code != 403  # an officer
    with sso_app.app_context():
        user = db.session().scalar(
            select(StaffUser).where(StaffUser.email == "alice@council.example")
        )
        assert user is not None and user.password_hash == ""
        assert user.sso_subject is not None and user.sso_subject.endswith(" alice")
        roles = [
            m.role
            for m in db.session().scalars(select(Membership).where(Membership.user_id == user.id))
        ]
        assert roles == ["officer"]
    assert _count(sso_app, StaffSession) == 1
    [event] = _events(sso_app, "sso_login")
    assert event["roles"] == {"north": "officer"} and event["account_made"] is True


def test_the_most_capable_mapped_role_is_given_and_an_existing_account_is_linked(
    sso_app: Flask,
) -> None:
    # bob has no account and his admin mapping does not make accounts, but his
    # officer group does: he gets the account, and the administrator role.
    client = sso_app.test_client()
    _signed_on(client, "bob")
    page = client.get("/staff/north/people")
    assert page.status_code == 200
    # Signing in again finds the same account by its subject.
    client2 = sso_app.test_client()
    _signed_on(client2, "bob")
    assert _count(sso_app, StaffUser, StaffUser.email == "bob@council.example") == 1
    assert _count(sso_app, StaffSession) == 2


def test_a_person_without_a_mapped_role_is_refused(sso_app: Flask) -> None:
    client = sso_app.test_client()
    back = client.get(provider_round_trip(client, "carol"))
    assert back.status_code == 403
    assert "does not give you a role" in back.get_data(as_text=True)
    assert _count(sso_app, StaffSession) == 0
    assert _count(sso_app, StaffUser, StaffUser.email == "carol@council.example") == 0
    assert [e["reason"] for e in _events(sso_app, "sso_refused")] == ["no_mapped_role"]
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize("mode", ["audience", "nonce", "expired"])
def test_a_wrong_id_token_is_refused(
    sso_app: Flask, oidc_provider: OidcTestProvider, mode: str
) -> None:
    client = sso_app.test_client()
    callback = provider_round_trip(client, "alice")
    oidc_provider.tamper_next_token(mode)
    back = client.get(callback)
    assert back.status_code == 400
    assert "Single sign-on did not work" in back.get_data(as_text=True)
    assert _count(sso_app, StaffSession) == 0
    assert _count(sso_app, StaffUser, StaffUser.email == "alice@council.example") == 0
    assert len(_events(sso_app, "sso_refused")) == 1
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")


def test_a_replayed_state_is_refused(sso_app: Flask) -> None:
    client = sso_app.test_client()
    callback = provider_round_trip(client, "alice")
    assert client.get(callback).status_code == 302
    # The same browser's session as it was, presenting the same return again.
    again = sso_app.test_client()
    with client.session_transaction() as original, again.session_transaction() as copy:
        copy.update(original)
    assert again.get(callback).status_code == 400
    # And another browser that never started a sign-in has no state at all.
    stranger = sso_app.test_client()
    assert stranger.get(callback).status_code == 400
    assert _count(sso_app, StaffSession) == 1
    assert len(_events(sso_app, "sso_refused")) == 2


def test_sign_out_ends_the_session_and_offers_the_provider_sign_out(
    sso_app: Flask, oidc_provider: OidcTestProvider
) -> None:
    browser = PageBrowser(sso_app.test_client())
    _signed_on(browser.client, "alice")
    page = browser.get("/staff/north/")
    assert page.status_code == 200
    out = browser.post("/staff/logout", {})
    html = out.get_data(as_text=True)
    assert out.status_code == 200
    assert f"{oidc_provider.issuer}/session/end?client_id=feedback" in html
    assert _count(sso_app, StaffSession) == 0
    assert browser.client.get("/staff/north/").status_code == 302
    assert len(_events(sso_app, "logout")) == 1


def test_a_single_sign_on_only_area_refuses_passwords(sso_app: Flask) -> None:
    admin = signed_in(sso_app.test_client(), "administrator@north.example")
    page = admin.get("/staff/north/single-sign-on")
    assert page.status_code == 200
    done = admin.post("/staff/north/single-sign-on/only", {"sso_only": "yes"})
    # The administrator signed in with a password too: their session ended with the switch.
    assert done.request.path == "/staff/login"
    assert "Staff of this area now sign in with single sign-on only" in done.get_data(as_text=True)
    assert [e["sso_only"] for e in _events(sso_app, "sso_only_set")] == [True]
    browser = PageBrowser(sso_app.test_client())
    browser.get("/staff/login")
    refused = browser.post("/staff/login", {"email": "officer@north.example", "password": PASSWORD})
    assert refused.status_code == 400
    assert "Your area signs in with single sign-on" in refused.get_data(as_text=True)
    assert _count(sso_app, StaffSession) == 0
    assert _events(sso_app, "login_sso_only")
    # Single sign-on still works for the area.
    assert _signed_on(sso_app.test_client(), "alice") == "/staff/"


def test_making_an_area_single_sign_on_only_ends_its_password_sessions(sso_app: Flask) -> None:
    """Caveat (b) of ADR 0035: sessions opened with a password before the switch end."""
    officer = signed_in(sso_app.test_client(), "officer@north.example")
    make_area_with_staff(sso_app, "south")
    elsewhere = signed_in(sso_app.test_client(), "officer@south.example")
    alice = sso_app.test_client()
    assert _signed_on(alice, "alice") == "/staff/"
    assert officer.client.get("/staff/north/").status_code == 200
    admin = signed_in(sso_app.test_client(), "administrator@north.example")
    admin.get("/staff/north/single-sign-on")
    admin.post("/staff/north/single-sign-on/only", {"sso_only": "yes"})
    # The officer's password session is gone: the next page asks them to sign in.
    after = officer.client.get("/staff/north/")
    assert after.status_code == 302 and after.location.startswith("/staff/login")
    assert admin.client.get("/staff/north/").status_code == 302
    # A single sign-on session of the same area, and another area's staff, carry on.
    assert alice.get("/staff/north/").status_code == 200
    assert elsewhere.client.get("/staff/south/").status_code == 200
    (event,) = _events(sso_app, "sso_only_set")
    assert event["sessions_ended"] == 2


def test_an_invitation_to_a_single_sign_on_only_area_sets_no_password(sso_app: Flask) -> None:
    """Caveat (a) of ADR 0035: the link sends the person to the provider instead."""
    admin = signed_in(sso_app.test_client(), "administrator@north.example")
    admin.get("/staff/north/people")
    made = admin.post("/staff/north/people", {"email": "new@council.example", "role": "officer"})
    link = made.get_data(as_text=True).split('id="invitation-link" href="')[1].split('"')[0]
    with sso_app.app_context():
        area = db.session().scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        area.sso_only = True
        db.session().commit()
    person = PageBrowser(sso_app.test_client())
    page = person.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "signs its staff in with single sign-on, so this link cannot set a password" in text
    assert 'href="/staff/sso/start"' in text and 'type="password"' not in text
    # Posting a password anyway (an old form, a script) sets nothing.
    person.get("/staff/login")
    posted = person.client.post(
        link, data={"password": "a long new password", "csrf_token": person.csrf_token()}
    )
    assert posted.status_code == 400
    assert _count(sso_app, StaffUser, StaffUser.email == "new@council.example") == 0
    assert _count(sso_app, StaffSession) == 1  # the administrator's only
    assert _events(sso_app, "link_sso_only")
    # A reset link for someone of that area does the same.
    admin.get("/staff/north/people")
    with sso_app.app_context():
        officer_id = db.session().scalar(
            select(StaffUser.id).where(StaffUser.email == "officer@north.example")
        )
    reset = admin.post(f"/staff/north/people/{officer_id}/reset").get_data(as_text=True)
    reset_link = reset.split('href="http://localhost/staff/link/')[1].split('"')[0]
    reset_page = PageBrowser(sso_app.test_client()).get(f"/staff/link/{reset_link}")
    assert "this link cannot set a password" in reset_page.get_data(as_text=True)


def test_an_administrator_signed_on_with_the_provider_is_not_asked_for_a_code(
    sso_app: Flask,
) -> None:
    """Multi-factor authentication is the provider's: no TOTP set-up after single sign-on."""
    bob = sso_app.test_client()
    assert _signed_on(bob, "bob") == "/staff/"
    page = bob.get("/staff/", follow_redirects=True)
    assert page.request.path == "/staff/north/"
    assert bob.get("/staff/north/people").status_code == 200

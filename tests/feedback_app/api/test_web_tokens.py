"""Personal access tokens (ADR 0036): made for areas with a results role, stored
hashed, and refused once expired, revoked, deactivated or the role is gone."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.api import tokens
from feedback_app.models import ApiToken, LocalArea, Membership, StaffUser, utcnow
from tests.support.staff import make_area_with_staff


def _user(email: str) -> StaffUser:
    return db.session().scalars(select(StaffUser).where(StaffUser.email == email)).one()


def _area(slug: str) -> LocalArea:
    return db.session().scalars(select(LocalArea).where(LocalArea.slug == slug)).one()


def _make(email: str, slug: str, *, days: int = 30) -> tuple[ApiToken, str]:
    token, secret = tokens.issue(
        db.session(),
        _user(email),
        name="Power BI",
        area_ids=[_area(slug).id],
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    db.session().commit()
    return token, secret


def test_a_token_is_stored_only_as_its_hash_and_reads_its_area_only(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    with app.app_context():
        token, secret = _make("officer@north.example", "north")
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in {token.token_hash, token.name}
        found = tokens.find(db.session(), secret)
        assert found.token is not None and found.refused is None
        assert tokens.may_read(db.session(), found.token, _area("north").id)
        assert not tokens.may_read(db.session(), found.token, _area("south").id)
        assert tokens.find(db.session(), secret + "x").refused is tokens.Refused.UNKNOWN


@pytest.mark.parametrize("role", ["coordinator", "reviewer"])
def test_only_areas_where_the_person_sees_results_can_be_chosen(app: Flask, role: str) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    with app.app_context():
        with pytest.raises(tokens.BadToken):
            _make(f"{role}@north.example", "north")
        with pytest.raises(tokens.BadToken):
            _make("officer@north.example", "south")


@pytest.mark.parametrize("days", [0, -1, 367])
def test_expiry_must_be_in_the_future_and_within_a_year(app: Flask, days: int) -> None:
    make_area_with_staff(app, "north")
    with app.app_context(), pytest.raises(tokens.BadToken):
        _make("officer@north.example", "north", days=days)


def test_expired_revoked_and_deactivated_tokens_are_refused(app: Flask) -> None:
    make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        expiring, expiring_secret = _make("officer@north.example", "north")
        expiring.expires_at = utcnow() - dt.timedelta(seconds=1)
        revoked, revoked_secret = _make("officer@north.example", "north")
        owner = _user("officer@north.example").id
        assert tokens.revoke(session, owner, revoked.id)
        assert not tokens.revoke(session, owner, revoked.id)  # already revoked
        session.commit()
        assert tokens.find(session, expiring_secret).refused is tokens.Refused.EXPIRED
        assert tokens.find(session, revoked_secret).refused is tokens.Refused.REVOKED

        _live, live_secret = _make("administrator@north.example", "north")
        _user("administrator@north.example").active = False
        session.commit()
        assert tokens.find(session, live_secret).refused is tokens.Refused.DEACTIVATED


def test_someone_elses_token_cannot_be_revoked(app: Flask) -> None:
    make_area_with_staff(app, "north")
    with app.app_context():
        token, _secret = _make("officer@north.example", "north")
        other = _user("administrator@north.example").id
        assert not tokens.revoke(db.session(), other, token.id)
        assert token.revoked_at is None


def test_losing_the_role_or_the_area_deactivating_ends_access(app: Flask) -> None:
    make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        token, secret = _make("officer@north.example", "north")
        area_id = _area("north").id
        membership = session.scalars(
            select(Membership).where(Membership.user_id == token.user_id)
        ).one()
        membership.role = "coordinator"
        session.commit()
        found = tokens.find(session, secret).token
        assert found is not None and not tokens.may_read(session, found, area_id)
        membership.role = "officer"
        membership.active = False
        session.commit()
        assert not tokens.may_read(session, found, area_id)
        membership.active = True
        session.commit()
        assert tokens.may_read(session, found, area_id)
        assert [t.id for t in tokens.tokens_of(session, token.user_id)] == [token.id]

"""Issue 11, parts 1 and 2: no administrator can take over an account another area
relies on, and a copied staff cookie stops working once its session has ended.

Two areas, ``north`` and ``south``, each with one person per role; the attacker is
north's administrator throughout (ADR 0017).
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import AuditEvent, LocalArea, Membership, StaffSession, StaffUser, Wave
from feedback_app.staff.accounts import create_user
from feedback_app.staff.roles import Role
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD, enter_second_factor, make_area_with_staff, signed_in
from tests.support.staff_sessions import age_staff_sessions

COOKIE = "feedback_session"
ATTACKER_PASSWORD = "the attacker's own passphrase"


def _user_id(app: Flask, email: str) -> int:
    with app.app_context():
        found = db.session().scalar(select(StaffUser.id).where(StaffUser.email == email))
    assert found is not None
    return found


def _give_role(app: Flask, email: str, area_slug: str, role: Role) -> None:
    """What another area's administrator (or the operator) does: a role for ``email``."""
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
        assert area is not None
        create_user(session, area=area, email=email, role=role, password=None)
        session.commit()


def _audit(app: Flask, area_slug: str, action: str) -> list[dict[str, object]]:
    """Details of ``action`` events filed under area ``area_slug``."""
    with app.app_context():
        session = db.session()
        area_id = session.scalar(select(LocalArea.id).where(LocalArea.slug == area_slug))
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.area_id == area_id, AuditEvent.action == action)
        ).all()
        return [dict(event.detail) for event in events]


def _cannot_sign_in(app: Flask, email: str, password: str) -> None:
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    page = browser.post("/staff/login", {"email": email, "password": password})
    assert page.request.path == "/staff/login", f"{email} signed in with {password!r}"


def _invite(admin: PageBrowser, area_slug: str, email: str, role: str) -> str:
    admin.get(f"/staff/{area_slug}/people")
    page = admin.post(f"/staff/{area_slug}/people", {"email": email, "role": role})
    found = re.search(
        r'id="invitation-link" href="http://localhost(/staff/link/[^"]+)"',
        page.get_data(as_text=True),
    )
    assert found, "no invitation link on screen"
    return found.group(1)


def _reset_link(app: Flask, area: str, person: str) -> str:
    """The path of the reset link ``area``'s administrator makes for ``person``."""
    admin = signed_in(app.test_client(), f"administrator@{area}.example")
    admin.get(f"/staff/{area}/people")
    page = admin.post(f"/staff/{area}/people/{_user_id(app, person)}/reset")
    link = re.search(r'href="http://localhost(/staff/link/[^"]+)"', page.get_data(as_text=True))
    assert link
    return link.group(1)


def _set_password(app: Flask, link: str, password: str) -> None:
    """Whoever holds the reset ``link`` follows it and sets ``password``."""
    owner = PageBrowser(app.test_client())
    owner.get(link)
    owner.post(link, {"password": password})


def test_inviting_someone_elses_account_cannot_set_its_password(app: Flask) -> None:
    """Takeover path 1: invite south's administrator, open the link, choose a password."""
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    victim = "administrator@south.example"
    attacker = signed_in(app.test_client(), "administrator@north.example")
    link = _invite(attacker, "north", victim, "reviewer")

    # The attacker opens the link they were shown and chooses a password.
    opened = attacker.get(link).get_data(as_text=True)
    tried = attacker.post(link, {"password": ATTACKER_PASSWORD})
    _cannot_sign_in(app, victim, ATTACKER_PASSWORD)
    assert tried.status_code == 400
    # The link asks for the password the account already has.
    assert "You already have an account" in opened
    assert "Enter the password you already use to sign in" in tried.get_data(as_text=True)
    assert attacker.client.get("/staff/south/people").status_code == 404
    assert attacker.client.get("/staff/south/audit").status_code == 404
    # The victim's own password still works, and the link is still theirs to use.
    signed_in(app.test_client(), victim)
    owner = PageBrowser(app.test_client())
    owner.get(link)
    joined = owner.post(link, {"password": PASSWORD})
    # The victim (an administrator) has two-step sign-in: the link still asks for a code.
    assert joined.request.path == "/staff/login/code"
    joined = enter_second_factor(owner, victim)
    assert joined.request.path == "/staff/north/"
    assert "You have been added to the North SEND Partnership workspace" in joined.get_data(
        as_text=True
    )
    assert owner.client.get("/staff/south/people").status_code == 200  # unchanged
    signed_in(app.test_client(), victim)  # password unchanged
    # The victim's own area sees the role being added, and who it was for.
    assert [e["for_email"] for e in _audit(app, "south", "role_added")] == [victim]
    assert _audit(app, "north", "role_added")


def test_an_administrator_cannot_reset_someone_who_also_works_elsewhere(app: Flask) -> None:
    """Takeover path 2: south's officer is also a reviewer in north; north resets them."""
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    victim = "officer@south.example"
    _give_role(app, victim, "north", Role.REVIEWER)
    attacker = signed_in(app.test_client(), "administrator@north.example")
    people = attacker.get("/staff/north/people").get_data(as_text=True)
    refused = attacker.post(f"/staff/north/people/{_user_id(app, victim)}/reset")
    html = refused.get_data(as_text=True)
    assert "/staff/link/" not in html
    assert refused.status_code == 403 and "also work in an area" in html
    assert "operator can reset their password" in people
    with app.app_context():
        from feedback_app.models import OneTimeLink

        assert db.session().scalar(select(OneTimeLink)) is None
    # South's administrators see the attempt.
    assert [e["via_area"] for e in _audit(app, "south", "password_reset_refused")] == ["north"]
    signed_in(app.test_client(), victim)


def test_a_reset_link_stops_working_once_the_person_works_in_another_area(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    person = "coordinator@north.example"
    link = _reset_link(app, "north", person)
    _give_role(app, person, "south", Role.OFFICER)  # later, south relies on them too
    holder = PageBrowser(app.test_client())
    holder.get(link)
    used = holder.post(link, {"password": ATTACKER_PASSWORD})
    assert used.status_code == 400
    assert "can no longer be used" in used.get_data(as_text=True)
    _cannot_sign_in(app, person, ATTACKER_PASSWORD)
    signed_in(app.test_client(), person)


def test_password_changes_are_filed_under_every_area_of_the_person(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    person = "officer@south.example"
    _give_role(app, person, "north", Role.REVIEWER)
    # North's administrator also administers south, so may reset them.
    _give_role(app, "administrator@north.example", "south", Role.ADMINISTRATOR)
    link = _reset_link(app, "north", person)
    _set_password(app, link, "my brand new passphrase")
    for area in ("north", "south"):
        assert _audit(app, area, "password_reset_link"), area
        assert [e["for_email"] for e in _audit(app, area, "password_set")] == [person], area
    # And south's own audit page shows it.
    south_admin = signed_in(app.test_client(), "administrator@south.example")
    html = south_admin.get("/staff/south/audit").get_data(as_text=True)
    assert "password_set" in html and person in html


def test_deactivation_in_one_area_leaves_the_others_alone(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    person = "officer@south.example"
    _give_role(app, person, "north", Role.OFFICER)
    working = signed_in(app.test_client(), person)
    admin = signed_in(app.test_client(), "administrator@north.example")
    admin.get("/staff/north/people")
    done = admin.post(f"/staff/north/people/{_user_id(app, person)}/deactivate")
    assert "can no longer use this area" in done.get_data(as_text=True)
    assert working.client.get("/staff/north/").status_code == 404  # at once
    assert working.client.get("/staff/south/").status_code == 200  # south's decision
    assert [e["areas"] for e in _audit(app, "south", "deactivate")] == [["north"]]
    # Reactivating gives north back.
    admin.get("/staff/north/people")
    admin.post(f"/staff/north/people/{_user_id(app, person)}/reactivate")
    assert working.client.get("/staff/north/").status_code == 200


def test_deactivation_by_someone_who_administers_every_area_signs_out_and_refuses(
    app: Flask,
) -> None:
    make_area_with_staff(app, "north")
    person = "coordinator@north.example"
    working = signed_in(app.test_client(), person)
    admin = signed_in(app.test_client(), "administrator@north.example")
    admin.get("/staff/north/people")
    admin.post(f"/staff/north/people/{_user_id(app, person)}/deactivate")
    assert working.client.get("/staff/north/").status_code == 302
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    refused = browser.post("/staff/login", {"email": person, "password": PASSWORD})
    assert refused.status_code == 400
    assert "Your access has been removed" in refused.get_data(as_text=True)
    with app.app_context():
        sessions = select(StaffSession).where(StaffSession.user_id == _user_id(app, person))
        assert db.session().scalar(sessions) is None
        kept = select(Membership.active).where(Membership.user_id == _user_id(app, person))
        assert db.session().scalars(kept).all() == [False]  # the role is kept, inactive
    # Nobody deactivates themselves (an area always keeps an administrator).
    admin.get("/staff/north/people")
    own = admin.post(
        f"/staff/north/people/{_user_id(app, 'administrator@north.example')}/deactivate"
    )
    assert own.status_code == 400
    admin.get("/staff/north/people")
    admin.post(f"/staff/north/people/{_user_id(app, person)}/reactivate")
    signed_in(app.test_client(), person)


def _copy_of(client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = client.application.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def test_a_copied_cookie_is_refused_once_the_session_has_ended(
    app: Flask, demo: dict[str, str]
) -> None:
    make_area_with_staff(app, "demo")
    with app.app_context():
        wave_id = db.session().scalar(select(Wave.id).where(Wave.slug == demo["event_feedback"]))
    download = f"/staff/demo/downloads/responses?wave={wave_id}&format=csv"
    officer = "officer@demo.example"

    def signed_in_officer(password: str = PASSWORD) -> tuple[PageBrowser, FlaskClient]:
        browser = signed_in(app.test_client(), officer, password)
        ok = browser.client.get(download)
        assert ok.status_code == 200 and ok.mimetype == "text/csv"
        ok.close()
        return browser, _copy_of(browser.client)

    def refused(thief: FlaskClient, after: str) -> str:
        replay = thief.get(download)
        assert replay.status_code == 302, after
        assert replay.location.startswith("/staff/login"), after
        return replay.location

    browser, thief = signed_in_officer()
    browser.post("/staff/logout")
    refused(thief, "sign-out")

    _browser, thief = signed_in_officer()
    age_staff_sessions(app, idle_minutes=31)
    assert "timeout=1" in refused(thief, "idle timeout")

    _browser, thief = signed_in_officer()
    for _hour in range(11):  # busy all day, never idle...
        age_staff_sessions(app, age_hours=1)
        assert thief.get("/staff/demo/").status_code == 200
    age_staff_sessions(app, age_hours=1)  # ...but 12 hours after signing in it ends
    assert "timeout=max" in refused(thief, "absolute timeout")

    _browser, thief = signed_in_officer()
    link = _reset_link(app, "demo", officer)
    _set_password(app, link, "my brand new passphrase")
    refused(thief, "password change")

    _browser, thief = signed_in_officer("my brand new passphrase")
    admin = signed_in(app.test_client(), "administrator@demo.example")
    admin.get("/staff/demo/people")
    admin.post(f"/staff/demo/people/{_user_id(app, officer)}/deactivate")
    refused(thief, "deactivation")


def test_session_timeouts_come_from_the_environment(app: Flask) -> None:
    make_area_with_staff(app, "north")
    app.config["STAFF_IDLE_MINUTES"] = 5
    browser = signed_in(app.test_client(), "officer@north.example")
    age_staff_sessions(app, idle_minutes=6)
    assert browser.client.get("/staff/north/").status_code == 302
    page = PageBrowser(app.test_client()).get("/staff/login?timeout=1").get_data(as_text=True)
    assert "had not done anything for 5 minutes" in page


def test_a_request_reads_one_session_row_and_writes_at_most_once_a_minute(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), "officer@north.example")
    with app.app_context():
        before = db.session().scalar(select(StaffSession.last_seen_at))
    for _request in range(3):
        assert browser.client.get("/staff/north/").status_code == 200
    with app.app_context():
        assert db.session().scalar(select(StaffSession.last_seen_at)) == before
    age_staff_sessions(app, idle_minutes=2)
    browser.client.get("/staff/north/")
    with app.app_context():
        touched = db.session().scalar(select(StaffSession.last_seen_at))
    assert touched is not None and before is not None and touched > before


def test_the_operator_resets_and_deactivates_anyone_from_the_command_line(app: Flask) -> None:
    from feedback_app.cli import cli

    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    person = "officer@south.example"
    runner = app.test_cli_runner()
    create = ["users", "create", "--area", "north", "--role", "reviewer", "--email", person]
    added = runner.invoke(cli, [*create, "--password-stdin"], input=ATTACKER_PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "password is unchanged" in added.output
    _cannot_sign_in(app, person, ATTACKER_PASSWORD)
    signed_in(app.test_client(), person)

    printed = runner.invoke(cli, ["users", "reset-link", "--email", person])
    assert printed.exit_code == 0, printed.output
    link = re.search(r"^(/staff/link/\S+)$", printed.output, re.MULTILINE)
    assert link, printed.output
    _set_password(app, link.group(1), "my brand new passphrase")
    signed_in(app.test_client(), person, "my brand new passphrase")
    for area in ("north", "south"):
        assert [e["by"] for e in _audit(app, area, "password_reset_link")] == ["command line"]

    working = signed_in(app.test_client(), person, "my brand new passphrase")
    assert runner.invoke(cli, ["users", "deactivate", "--email", person]).exit_code == 0
    assert working.client.get("/staff/south/").status_code == 302
    _cannot_sign_in(app, person, "my brand new passphrase")
    assert runner.invoke(cli, ["users", "activate", "--email", person]).exit_code == 0
    signed_in(app.test_client(), person, "my brand new passphrase")
    unknown = runner.invoke(cli, ["users", "reset-link", "--email", "nobody@x.example"])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output


def test_a_deactivated_reviewer_is_no_longer_offered_as_a_reviewer(app: Flask) -> None:
    from feedback_app.designer.drafts import create_draft
    from surveys.library import bundled_questionnaires

    make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        draft = create_draft(
            session,
            area=area,
            title="Parent survey 2027",
            user=None,
            start_from=bundled_questionnaires()["parent_annual"],
        )
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    url = f"/staff/north/review/{draft.id}"
    assert "reviewer@north.example" in coordinator.get(url).get_data(as_text=True)
    admin = signed_in(app.test_client(), "administrator@north.example")
    admin.get("/staff/north/people")
    admin.post(f"/staff/north/people/{_user_id(app, 'reviewer@north.example')}/deactivate")
    assert "reviewer@north.example" not in coordinator.get(url).get_data(as_text=True)

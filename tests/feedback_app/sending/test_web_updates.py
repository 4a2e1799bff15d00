"""The update list (issue 16 §1 "Updates", ADR 0039), against the servers the sending
tests start here: an SMTP server (aiosmtpd) and the GOV.UK Notify stand-in.

Double opt-in, the one-click leave link (RFC 8058 headers too), never twice, even
with the worker killed mid-batch, counts on the staff page, retention, and that
nothing about the list is written with an address or joined to an answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select, update

from feedback_app import db
from feedback_app.cli import cli
from feedback_app.data_protection.retention import expire_update_list
from feedback_app.models import (
    AreaAction,
    AreaUpdate,
    AuditEvent,
    LocalArea,
    UpdateMessage,
    UpdateSubscriber,
    Wave,
    utcnow,
)
from feedback_app.sending import updates
from feedback_app.sending.backends import backend_from_config
from tests.support.browser import PageBrowser
from tests.support.sending import (
    EMAIL_TEMPLATE,
    MailBox,
    code_that_names,
    kill_worker_after,
    notify_settings,
    notify_stand_in,
    smtp_server,
    smtp_settings,
    worker_env,
)
from tests.support.staff import make_area_with_staff, signed_in

LINK = re.compile(r"http://localhost/updates/(confirm|leave)/([0-9a-f]+)")


def _run(app: Flask, **kwargs: Any) -> updates.UpdateReport:
    """One run of the worker's update part, as ``feedback-app send`` runs it."""
    with app.app_context():
        backend = backend_from_config(app.config)
        assert backend is not None
        session = app.extensions["db_sessionmaker_write"]()

        def url(endpoint: str, **values: str) -> str:
            from flask import url_for

            with app.test_request_context("/", base_url="http://localhost"):
                return url_for(endpoint, _external=True, **values)

        try:
            return updates.send_updates(
                session,
                backend,
                config=app.config,
                url=url,
                limit=100,
                sleep=lambda _s: None,
                **kwargs,
            )
        finally:
            session.close()


def _join(client: Any, data: dict[str, Any], area: str = "demo") -> Any:
    page = PageBrowser(client)
    page.get(f"/a/{area}/updates")
    return page.post(f"/a/{area}/updates", data)


def _count(app: Flask, *where: Any, model: type = UpdateSubscriber) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where)) or 0


def _add_action(
    app: Flask, *, you_said: str, we_did: str, on: dt.date, published: bool = True
) -> int:
    """A "you said, we did" action of the demo area, committed; its id."""
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        action = AreaAction(
            area_id=area.id, you_said=you_said, we_did=we_did, action_date=on, published=published
        )
        session.add(action)
        session.commit()
        return action.id


def _publish_action(app: Flask) -> int:
    return _add_action(
        app,
        you_said="Letters about reviews came too late",
        we_did="Every review letter now goes out four weeks before",
        on=dt.date(2026, 11, 1),
    )


def _texts(box: MailBox, to: str) -> list[Any]:
    return [m for rcpts, m in box.messages if to in rcpts]


def _no_address_in_audit(app: Flask, *addresses: str) -> None:
    with app.app_context():
        details = [json.dumps(e.detail) for e in db.session().scalars(select(AuditEvent))]
    assert all(a not in d for d in details for a in addresses)


def test_double_opt_in_update_and_leave_by_smtp(
    app: Flask, demo: dict[str, str], tmp_path: Path
) -> None:
    emails = make_area_with_staff(app, "demo")
    coordinator = signed_in(app.test_client(), emails["coordinator"])
    action_id = _publish_action(app)
    with smtp_server(tmp_path, username="relay-user", password="relay-password") as box:
        app.config.update(smtp_settings(box))
        joined = _join(app.test_client(), {"email": "Ann@Example.org", "topics": ["actions"]})
        assert joined.request.path == "/a/demo/updates/check"
        assert "Check your messages" in joined.get_data(as_text=True)
        # Not confirmed: an update sent now reaches nobody.
        coordinator.get("/staff/demo/updates")
        queued = coordinator.post("/staff/demo/updates", {"about": f"action:{action_id}"})
        assert "Update queued for 0 people" in queued.get_data(as_text=True)
        report = _run(app)
        assert (report.sent, report.confirmations_by_area.total()) == (1, 1)
        (confirmation,) = _texts(box, "ann@example.org")
        assert "List-Unsubscribe" not in confirmation
        body = confirmation.get_content()
        kind, token = LINK.search(body).groups()  # type: ignore[union-attr]
        assert kind == "confirm"
        # The link shows a button; only pressing it confirms (a mail scanner may GET).
        page = PageBrowser(app.test_client())
        page.get(f"/updates/confirm/{token}")
        assert _count(app, UpdateSubscriber.confirmed_at.is_not(None)) == 0
        assert "You are on the update list" in page.post(f"/updates/confirm/{token}").get_data(
            as_text=True
        )
        page.get(f"/updates/confirm/{token}")
        again = page.client.post(
            f"/updates/confirm/{token}", data={"csrf_token": page.csrf_token()}
        )
        assert again.status_code == 410  # single use
        # Now the update goes to them, once.
        coordinator.get("/staff/demo/updates")
        queued = coordinator.post("/staff/demo/updates", {"about": f"action:{action_id}"})
        assert "Update queued for 1 people" in queued.get_data(as_text=True)
        assert _run(app).sent == 1
        assert _run(app).sent == 0
        news = _texts(box, "ann@example.org")[-1]
        assert len(_texts(box, "ann@example.org")) == 2
        assert "You said, we did" in str(news["Subject"])
        text = news.get_content()
        assert "Letters about reviews came too late" in text
        leave_url = f"http://localhost/updates/leave/{LINK.findall(text)[-1][1]}"
        assert str(news["List-Unsubscribe"]).strip() == f"<{leave_url}>"
        assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        staff = coordinator.get("/staff/demo/updates").get_data(as_text=True)
        assert 'id="count-confirmed">1<' in staff
        assert re.search(r'data-count="sent">1<', staff)
        # RFC 8058: the mail program POSTs, without a form token; twice is once.
        path = leave_url.removeprefix("http://localhost")
        client = app.test_client()
        assert client.get(path).status_code == 200
        assert _count(app) == 1
        for _ in range(2):
            left = client.post(path, data={"List-Unsubscribe": "One-Click"})
            assert left.status_code == 200 and "You have left" in left.get_data(as_text=True)
        assert _count(app) == 0
        # Leaving deleted the person; the counts of what was sent stay.
        assert _count(app, UpdateMessage.state == "sent", model=UpdateMessage) == 2
        coordinator.get("/staff/demo/updates")
        coordinator.post("/staff/demo/updates", {"about": f"action:{action_id}"})
        assert _run(app).sent == 0
    _no_address_in_audit(app, "ann@example.org")
    with app.app_context():
        actions = sorted(
            (e.action, e.detail.get("what"))
            for e in db.session().scalars(select(AuditEvent))
            if e.detail.get("what") in ("update_list", "update")
        )
    assert ("sign_up", "update_list") in actions and ("confirm", "update_list") in actions
    assert ("leave", "update_list") in actions and ("send", "update") in actions


def test_signing_up_again_reveals_nothing_and_does_not_flood(
    app: Flask, demo: dict[str, str], tmp_path: Path
) -> None:
    with smtp_server(tmp_path, username="relay-user", password="relay-password") as box:
        app.config.update(smtp_settings(box))
        client = app.test_client()
        pages = []
        for _ in range(6):
            answer = _join(client, {"email": "bob@example.org", "topics": ["surveys"]})
            pages.append(answer.get_data(as_text=True).split('name="csrf_token"')[0])
            _run(app)
        assert len(set(pages)) == 1
        # Two confirmations, then at most one an hour: not six.
        assert len(_texts(box, "bob@example.org")) == 2
        token = LINK.findall(_texts(box, "bob@example.org")[-1].get_content())[0][1]
        page = PageBrowser(app.test_client())
        page.get(f"/updates/confirm/{token}")
        page.post(f"/updates/confirm/{token}")
        # Confirmed: signing up again looks the same and sends nothing.
        later = _join(app.test_client(), {"email": "bob@example.org", "topics": ["actions"]})
        assert later.get_data(as_text=True).split('name="csrf_token"')[0] == pages[0]
        assert _run(app).sent == 0 and len(_texts(box, "bob@example.org")) == 2
        with app.app_context():
            person = db.session().scalars(select(UpdateSubscriber)).one()
            assert (person.wants_actions, person.wants_surveys) == (False, True)
        # One client: ten sign-ups an hour, then 429 whoever they are for.
        refused = None
        for n in range(12):
            refused = _join(client, {"email": f"p{n}@example.org", "topics": ["surveys"]})
            if refused.status_code == 429:
                break
        assert refused is not None and refused.status_code == 429


def test_a_confirmation_link_expires(app: Flask, demo: dict[str, str], tmp_path: Path) -> None:
    with smtp_server(tmp_path, username="relay-user", password="relay-password") as box:
        app.config.update(smtp_settings(box))
        _join(app.test_client(), {"email": "cat@example.org", "topics": ["surveys"]})
        _run(app)
        token = LINK.findall(_texts(box, "cat@example.org")[0].get_content())[0][1]
    with app.app_context():
        session = db.session()
        session.execute(
            update(UpdateSubscriber).values(confirm_expires_at=utcnow() - dt.timedelta(minutes=1))
        )
        session.commit()
    page = PageBrowser(app.test_client())
    page.get(f"/updates/confirm/{token}")
    late = page.client.post(f"/updates/confirm/{token}", data={"csrf_token": page.csrf_token()})
    assert late.status_code == 410 and "does not work any more" in late.get_data(as_text=True)
    assert _count(app, UpdateSubscriber.confirmed_at.is_not(None)) == 0


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"email": "not-an-address", "topics": ["surveys"]}, "in the correct format"),
        ({"mobile": "0123", "topics": ["surveys"]}, "Enter a UK mobile number"),
        ({"topics": ["surveys"]}, "Enter an e-mail address or a UK mobile number"),
        ({"email": "dan@example.org"}, "Select what you would like to hear about"),
        ({"email": "dan@example.org", "topics": ["gossip"]}, "Select what you would like"),
    ],
)
def test_a_sign_up_is_checked(
    app: Flask, demo: dict[str, str], data: dict[str, Any], problem: str
) -> None:
    with notify_stand_in() as stand_in:
        app.config.update(notify_settings(stand_in, updates=True))
        page = PageBrowser(app.test_client())
        page.get("/a/demo/updates")
        refused = page.client.post(
            "/a/demo/updates", data={"csrf_token": page.csrf_token(), **data}
        )
    assert refused.status_code == 400 and problem in refused.get_data(as_text=True)
    assert _count(app) == 0


def test_no_sign_up_page_without_a_sender(app: Flask, demo: dict[str, str]) -> None:
    assert app.test_client().get("/a/demo/updates").status_code == 404
    browser = signed_in(app.test_client(), make_area_with_staff(app, "demo")["coordinator"])
    page = browser.get("/staff/demo/updates").get_data(as_text=True)
    assert "Sending is not set up" in page


def test_staff_can_send_only_their_areas_published_news(app: Flask, demo: dict[str, str]) -> None:
    emails = make_area_with_staff(app, "demo")
    make_area_with_staff(app, "other")
    coordinator = signed_in(app.test_client(), emails["coordinator"])
    hidden_id = _add_action(app, you_said="x", we_did="y", on=dt.date(2026, 1, 1), published=False)
    with app.app_context():
        session = db.session()
        other = session.scalar(select(LocalArea).where(LocalArea.slug == "other"))
        demo_area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert other is not None and demo_area is not None
        wave = session.scalars(select(Wave).where(Wave.area_id == demo_area.id)).first()
        assert wave is not None
        session.execute(update(Wave).where(Wave.id == wave.id).values(area_id=other.id))
        session.commit()
        moved = wave.id
    with notify_stand_in() as stand_in:
        app.config.update(notify_settings(stand_in, updates=True))
        for about in (f"action:{hidden_id}", f"wave:{moved}", "wave:x", ""):
            coordinator.get("/staff/demo/updates")
            refused = coordinator.client.post(
                "/staff/demo/updates", data={"csrf_token": coordinator.csrf_token(), "about": about}
            )
            assert refused.status_code == 400, about
    assert _count(app, model=AreaUpdate) == 0


def _confirmed_people(app: Flask, count: int) -> list[str]:
    people = [f"reader{n}@example.org" for n in range(count)]
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        for person in people:
            session.add(
                UpdateSubscriber(
                    area_id=area.id,
                    email=person,
                    wants_surveys=True,
                    language="cy",
                    confirmed_at=utcnow(),
                    leave_token_hash=person,
                )
            )
        session.commit()
    return people


def test_notify_sends_a_new_survey_once_in_the_readers_language(
    app: Flask, demo: dict[str, str]
) -> None:
    emails = make_area_with_staff(app, "demo")
    coordinator = signed_in(app.test_client(), emails["coordinator"])
    people = _confirmed_people(app, 2)
    with notify_stand_in() as stand_in:
        app.config.update(notify_settings(stand_in, updates=True))
        stand_in.script[people[0]] = [429]
        wave_id = next(
            int(v.split(":")[1])
            for v in re.findall(
                r'value="(wave:\d+)"', coordinator.get("/staff/demo/updates").get_data(as_text=True)
            )
        )
        coordinator.post("/staff/demo/updates", {"about": f"wave:{wave_id}"})
        first = _run(app)  # 429, then (no back-off set here) the retry in the same run
        assert (first.sent, first.retrying) == (2, 1)
        assert _run(app).sent == 0
        assert [stand_in.received_by(p) for p in people] == [1, 1]
        sent = stand_in.accepted[0]["personalisation"]
        assert sent["link"].startswith("http://localhost/s/")
        assert sent["leave"].startswith("http://localhost/updates/leave/")
        assert sent["leave"] in sent["body"]
        assert "Arolwg newydd" in sent["subject"]  # Welsh: the language they chose
        staff = coordinator.get("/staff/demo/updates").get_data(as_text=True)
        assert 'data-count="delivered">2<' in staff and 'data-count="failed">0<' in staff


def test_a_worker_killed_mid_batch_never_sends_an_update_twice(
    app: Flask, demo: dict[str, str], database_url: str
) -> None:
    """SIGKILL `feedback-app send` while it waits for Notify's answer to an update
    Notify has accepted, run it again, and count what Notify got."""
    emails = make_area_with_staff(app, "demo")
    coordinator = signed_in(app.test_client(), emails["coordinator"])
    people = _confirmed_people(app, 12)
    with notify_stand_in() as stand_in:
        app.config.update(notify_settings(stand_in, updates=True))
        page = coordinator.get("/staff/demo/updates").get_data(as_text=True)
        about = re.findall(r'value="(wave:\d+)"', page)[0]
        coordinator.post("/staff/demo/updates", {"about": about})
        env = worker_env(
            database_url,
            stand_in,
            NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE,
            NOTIFY_UPDATE_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE,
        )
        before_kill, rerun = kill_worker_after(stand_in, env, accepted=5, of=len(people))
        assert "settled 1 interrupted" in rerun.stdout.splitlines()[-1]
        assert sorted(m["to"] for m in stand_in.accepted) == sorted(people)
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).where(UpdateMessage.state == "delivered")) == 12
        sends = [
            e.detail
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "send"))
            if e.detail.get("what") == "update_list"
        ]
        assert [(d["updates"], d["failed"]) for d in sends] == [(12 - before_kill, 0)]
    _no_address_in_audit(app, *people)


def test_the_list_is_emptied_of_the_unconfirmed_and_the_stale(
    app: Flask, demo: dict[str, str]
) -> None:
    now = utcnow()
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        rows = {
            "new@example.org": (now - dt.timedelta(days=1), None),
            "never@example.org": (now - dt.timedelta(days=8), None),
            "recent@example.org": (now - dt.timedelta(days=400), now - dt.timedelta(days=300)),
            "stale@example.org": (now - dt.timedelta(days=900), now - dt.timedelta(days=800)),
        }
        for email, (created, confirmed) in rows.items():
            session.add(
                UpdateSubscriber(
                    area_id=area.id, email=email, created_at=created, confirmed_at=confirmed
                )
            )
        session.commit()
        write = app.extensions["db_sessionmaker_write"]()
        try:
            kept = {"unconfirmed_days": 7, "confirmed_days": 730}
            assert expire_update_list(write, dry_run=True, **kept) == {area.id: 2}
            assert _count(app) == 4
            assert expire_update_list(write, **kept) == {area.id: 2}
            assert expire_update_list(write, **kept) == {}
        finally:
            write.close()
        left = set(db.session().scalars(select(UpdateSubscriber.email)))
        assert left == {"new@example.org", "recent@example.org"}
        event = (
            db.session().scalars(select(AuditEvent).where(AuditEvent.action == "retention")).one()
        )
        assert event.detail == {"what": "update_list", "people": 2}
        # The nightly job does the same, with the configured periods.
        session.add(
            UpdateSubscriber(
                area_id=area.id, email="late@example.org", created_at=now - dt.timedelta(days=3)
            )
        )
        session.commit()
    app.config["UPDATE_UNCONFIRMED_DAYS"] = 2
    done = CliRunner().invoke(
        cli, ["retention", "apply", "--dry-run"], obj=ScriptInfo(create_app=lambda: app)
    )
    assert "Update lists: would delete 1 people in 1 areas" in done.output, done.output
    done = CliRunner().invoke(cli, ["retention", "apply"], obj=ScriptInfo(create_app=lambda: app))
    assert done.exit_code == 0 and "Update lists: deleted 1 people" in done.output
    assert _count(app) == 2  # signed up yesterday, and confirmed 300 days ago


def test_the_update_list_is_joined_to_nothing_about_answers() -> None:
    from feedback_app.models import Base

    list_tables = {"update_subscriber", "area_update", "update_message"}
    answer_tables = {"response", "answer", "paper_return", "theme_correction", "result_cache"}
    for name in list_tables:
        targets = {fk.column.table.name for fk in Base.metadata.tables[name].foreign_keys}
        assert targets <= list_tables | {"local_area", "area_action", "wave", "staff_user"}
    for name in answer_tables | {"invitation", "wave_contact"}:
        targets = {fk.column.table.name for fk in Base.metadata.tables[name].foreign_keys}
        assert not targets & list_tables, name
    readers = code_that_names(
        ("results", "review", "monitor", "quality", "actions", "analysis", "respond"),
        ("UpdateSubscriber", "UpdateMessage", "update_subscriber"),
    )
    assert readers == []

"""The audit log cannot be flooded (issue 11, part 5; ADR 0018).

Repeated refusals share one row; the page goes through every event, filters by
person, kind and dates, and the filtered events download as a CSV that is
formula-neutralised and audited itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from flask import Flask
from sqlalchemy import select, update

from feedback_app import db
from feedback_app.models import AuditEvent, LocalArea, StaffUser
from feedback_app.staff import audit
from feedback_app.staff.accounts import create_user
from feedback_app.staff.roles import Role
from tests.support.staff import make_area_with_staff, signed_in

ADMIN = "administrator@north.example"


def _ids(app: Flask) -> tuple[int, dict[str, int]]:
    with app.app_context():
        area = db.session().scalar(select(LocalArea.id).where(LocalArea.slug == "north"))
        users = {e: i for e, i in db.session().execute(select(StaffUser.email, StaffUser.id))}
    assert area is not None
    return area, users


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(who, what, times) of each row of the audit table."""
    return re.findall(
        r'<td class="govuk-table__cell">([^<]*)</td>\s*<td class="govuk-table__cell">([^<]*)</td>'
        r'\s*<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
        html,
    )


def test_510_refusals_do_not_push_an_invite_out_of_view(app: Flask) -> None:
    make_area_with_staff(app, "north")
    admin = signed_in(app.test_client(), ADMIN)
    admin.get("/staff/north/people")
    admin.post("/staff/north/people", {"email": "new.parent@forum.example", "role": "reviewer"})
    reviewer = signed_in(app.test_client(), "reviewer@north.example")
    for _refusal in range(510):
        assert reviewer.client.get("/staff/north/people").status_code == 403
    rows = _rows(admin.get("/staff/north/audit").get_data(as_text=True))
    assert (ADMIN, "invite", "1") in rows, "the invitation is still in view"
    assert ("reviewer@north.example", "forbidden", "510") in rows, "counted on one row"
    # A different refusal, or the same one after the window, is a row of its own.
    with app.app_context():
        db.session().execute(
            update(AuditEvent)
            .where(AuditEvent.action == "forbidden")
            .values(at=dt.datetime.now(dt.UTC) - audit.GROUP_WINDOW - dt.timedelta(seconds=1))
        )
        db.session().commit()
    reviewer.client.get("/staff/north/people")
    reviewer.client.get("/staff/north/audit")
    rows = _rows(admin.get("/staff/north/audit").get_data(as_text=True))
    refused = [r for r in rows if r[1] == "forbidden"]
    assert sorted(r[2] for r in refused) == ["1", "1", "510"]


def _many_events(app: Flask) -> dict[str, int]:
    """250 events over 25 days: officer downloads, coordinator publishes."""
    area_id, users = _ids(app)
    start = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    with app.app_context():
        for number in range(250):
            officer = number % 2 == 0
            db.session().add(
                AuditEvent(
                    at=start + dt.timedelta(hours=2.4 * number),
                    area_id=area_id,
                    user_id=users[
                        "officer@north.example" if officer else "coordinator@north.example"
                    ],
                    action="download" if officer else "publish",
                    detail={"number": number},
                )
            )
        db.session().commit()
    return users


def test_the_audit_page_goes_through_every_event_and_filters(app: Flask) -> None:
    make_area_with_staff(app, "north", plan=False)  # counts events: no plan's own event
    users = _many_events(app)
    # Adds "login" and, as an administrator sets up two-step sign-in first, "second_factor_on".
    admin = signed_in(app.test_client(), ADMIN)
    first = admin.get("/staff/north/audit").get_data(as_text=True)
    assert "252 events" in first and "page 1 of 3" in first
    assert len(_rows(first)) == 100 and "Older events" in first
    last = admin.get("/staff/north/audit?page=3").get_data(as_text=True)
    assert len(_rows(last)) == 52 and "number: 0<" in last, "the oldest event is reachable"

    officer = admin.get(f"/staff/north/audit?person={users['officer@north.example']}")
    rows = _rows(officer.get_data(as_text=True))
    assert {r[0] for r in rows} == {"officer@north.example"} and "125 events" in officer.text

    published = admin.get("/staff/north/audit?kind=publish").get_data(as_text=True)
    assert "125 events" in published and {r[1] for r in _rows(published)} == {"publish"}

    # 1 to 2 November (London time) holds the events of hours 0 to 36 after 1 Nov 12:00.
    days = admin.get("/staff/north/audit?since=2026-11-01&until=2026-11-02").get_data(as_text=True)
    assert "15 events" in days

    for bad in ("since=yesterday", "until=2026-13-01", "page=0", "page=x", "kind=nope"):
        response = admin.client.get(f"/staff/north/audit?{bad}")
        assert response.status_code == 400, bad
        assert "There is a problem" in response.text, bad


def test_the_filtered_download_is_neutralised_and_audited(app: Flask) -> None:
    make_area_with_staff(app, "north")
    area_id, _users = _ids(app)
    with app.app_context():
        area = db.session().get(LocalArea, area_id)
        assert area is not None
        sly = create_user(
            db.session(), area=area, email="=HYPERLINK(1)@x.example", role=Role.REVIEWER,
            password=None,
        )  # fmt: skip
        audit.record(db.session(), "publish", user_id=sly.id, area_id=area_id, what="+SUM(1)")
    _many_events(app)
    admin = signed_in(app.test_client(), ADMIN)
    page = admin.get("/staff/north/audit?kind=publish").get_data(as_text=True)
    link = re.search(r'id="audit-download" href="([^"]+)"', page)
    assert link and "kind=publish" in link.group(1)
    response = admin.client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:3] == ["when (UTC)", "who", "what"]
    assert len(table) == 1 + 126 and {row[2] for row in table[1:]} == {"publish"}
    assert table[1][1] == "'=hyperlink(1)@x.example", "a formula is neutralised"
    with app.app_context():
        downloads = (
            db.session()
            .scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "download",
                    AuditEvent.detail["what"].as_string() == "audit log",
                )
            )
            .all()
        )
    assert downloads == [{"what": "audit log", "rows": 126, "kind": "publish"}]

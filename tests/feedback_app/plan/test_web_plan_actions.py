"""The plan's statuses and actions (issue 13, sections 5 and 6): status schemes from the
Peterborough BRAG and Hull RAGP presets, a purple status, exception commentary
required, the tracker's filters and overdue, "what changed since the last board", a
"you said, we did" entry linked to an action, and a KPI status override on the board."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import (
    AreaAction,
    AuditEvent,
    KpiStatusOverride,
    LocalArea,
    PlanAction,
    PlanActionStatus,
    StatusScheme,
)
from tests.support.staff import make_area_with_staff, signed_in

ACTION = {
    "reference": "1.1.1",
    "priority": "Families know what is happening with their EHC needs assessment",
    "action": "Set up a duty line that answers within one working day.",
    "owner": "Head of SEND",
    "organisation": "Council",
    "due_on-day": "31",
    "due_on-month": "3",
    "due_on-year": "2026",
    "evidence": "Call logs.",
    "evidence_links": "https://example.org/evidence\n\nhttp://example.org/logs",
    "kpi_references": ["KPI 4/1", "KPI 4/6"],
}


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def _audited(app: Flask, action: str) -> int:
    with app.app_context():
        return len(
            db.session().scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        )


def test_presets_peterborough_brag_and_hull_ragp_with_purple(app: Flask) -> None:
    make_area_with_staff(app, "north")
    officer = signed_in(app.test_client(), "officer@north.example")
    page = _text(officer.get("/staff/north/plan/statuses").get_data(as_text=True))
    # Until the area chooses, actions use Peterborough's BRAG words.
    for words in ("Blue: complete", "Green: on track", "Amber: behind schedule"):
        assert words in page
    assert "Red: not started or at risk" in page
    assert "Purple: completed, embedded, sustained" in page  # offered as a preset

    bad = officer.post("/staff/north/plan/statuses/preset", {"preset": "rainbow"})
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    officer.get("/staff/north/plan/statuses")
    officer.post("/staff/north/plan/statuses/preset", {"preset": "ragp_hull"})
    with app.app_context():
        scheme = db.session().get(StatusScheme, _area_id(app, "north"))
        assert scheme is not None and scheme.preset == "ragp_hull"
        assert [(s.colour, s.kind) for s in scheme.statuses] == [
            ("purple", "complete"),
            ("green", "on_track"),
            ("amber", "exception"),
            ("red", "exception"),
            ("grey", "not_due"),
        ]
    html = officer.get("/staff/north/plan/statuses").get_data(as_text=True)
    assert 'class="govuk-tag govuk-tag--purple">Purple: completed, embedded, sustained<' in html
    assert _audited(app, "status_scheme_saved") == 1

    # A purple status rule on the KPI board is accepted (it was "Not a valid choice").
    officer.get("/staff/north/results/settings")
    unused = {}
    for i in range(2, 11):
        unused |= {f"rule_{i}_status": "", f"rule_{i}_due": "any", f"rule_{i}_colour": "grey"}
    saved = officer.post(
        "/staff/north/results/settings",
        {
            **unused,
            "baseline": "",
            "rule_1_status": "any",
            "rule_1_due": "any",
            "rule_1_colour": "purple",
            "rule_1_words": "Completed, embedded, sustained",
        },
    )
    assert saved.status_code == 200 and "Not a valid choice" not in saved.get_data(as_text=True)
    with app.app_context():
        area = db.session().get(LocalArea, _area_id(app, "north"))
        assert area is not None and area.results_settings is not None
        assert area.results_settings["status_rules"][0]["colour"] == "purple"

    # The area's own words; each colour once, one complete and one on track.
    officer.get("/staff/north/plan/statuses/edit")
    own = {
        "status_1_colour": "blue",
        "status_1_label": "Done",
        "status_1_kind": "complete",
        "status_2_colour": "green",
        "status_2_label": "Going well",
        "status_2_kind": "on_track",
        "status_3_colour": "red",
        "status_3_label": "Stuck",
        "status_3_kind": "exception",
        **{f"status_{i}_colour": "" for i in (4, 5, 6)},
    }
    for change, message in [
        ({"status_3_colour": "green"}, "Each colour can be used by one status only"),
        ({"status_1_kind": "on_track"}, "Choose which status counts as complete"),
        ({"status_2_label": " "}, "Status 2: enter the label"),
        ({"status_2_label": "x" * 61}, "60 characters or fewer"),
        ({"status_2_colour": "pink"}, "Status 2: choose a colour"),
        ({"status_3_kind": "sometimes"}, "Status 3: choose what the status counts as"),
    ]:
        response = officer.post("/staff/north/plan/statuses/edit", {**own, **change})
        assert response.status_code == 400, change
        assert message in unescape(response.get_data(as_text=True)), change
    officer.post("/staff/north/plan/statuses/edit", own)
    page = _text(officer.get("/staff/north/plan/statuses").get_data(as_text=True))
    assert "Going well" in page and "Changed by the area since" in page

    # Coordinators and reviewers read the scheme; they cannot change it.
    for role in ("coordinator", "reviewer"):
        reader = signed_in(app.test_client(), f"{role}@north.example")
        assert "Going well" in reader.get("/staff/north/plan/statuses").get_data(as_text=True)
        assert reader.client.get("/staff/north/plan/statuses/edit").status_code == 403


def _area_id(app: Flask, slug: str) -> int:
    with app.app_context():
        found = db.session().scalar(select(LocalArea.id).where(LocalArea.slug == slug))
        assert found is not None
        return int(found)


def test_actions_statuses_exception_commentary_filters_overdue_and_changes(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    officer = signed_in(app.test_client(), "officer@north.example")
    officer.get("/staff/north/plan/actions/new")
    for change, message in [
        ({"action": ""}, "Enter the action"),
        ({"owner": "  "}, "Enter who owns the action"),
        ({"due_on-day": "31", "due_on-month": "2"}, "Completion date must be a real date"),
        ({"evidence_links": "javascript:alert(1)"}, "Each link must be a web address"),
        ({"kpi_references": ["KPI 9/9"]}, "Choose KPIs from the list"),
    ]:
        response = officer.post("/staff/north/plan/actions/new", {**ACTION, **change})
        assert response.status_code == 400, change
        assert message in unescape(response.get_data(as_text=True)), change
    assert _count(app, PlanAction) == 0
    officer.post("/staff/north/plan/actions/new", ACTION)
    officer.get("/staff/north/plan/actions/new")
    officer.post(
        "/staff/north/plan/actions/new",
        {
            **ACTION,
            "reference": "2.1",
            "action": "Publish the local offer",
            "owner": "ICB lead",
            "organisation": "NHS ICB",
            "due_on-year": "2099",
            "kpi_references": [],
        },
    )
    with app.app_context():
        first, second = db.session().scalars(select(PlanAction).order_by(PlanAction.id)).all()
        assert first.kpi_references == ["KPI 4/1", "KPI 4/6"]
        assert first.evidence_links == ["https://example.org/evidence", "http://example.org/logs"]
        assert first.due_on == dt.date(2026, 3, 31) and first.status_colour is None
        first_id, second_id = first.id, second.id

    # Amber without commentary is refused with a clear message; nothing is written.
    status = f"/staff/north/plan/actions/{first_id}/status"
    officer.get(status)
    today = dt.date.today()
    day = {"status_date-day": "2", "status_date-month": "1", "status_date-year": "2026"}
    refused = officer.post(status, {"status": "amber", **day, "commentary": ""})
    assert refused.status_code == 400
    assert "Enter the exception commentary: “Amber: behind schedule” is not complete" in unescape(
        refused.get_data(as_text=True)
    )
    for change, message in [
        ({"status": "purple"}, "Choose a status from the list"),  # not in BRAG
        ({"status": ""}, "Choose the status"),
        (
            {"status_date-day": ""} | {"status_date-month": "", "status_date-year": ""},
            "Enter the date",
        ),
        ({"status_date-year": str(today.year + 1)}, "cannot be in the future"),
    ]:
        response = officer.post(status, {"status": "green", **day, **change})
        assert response.status_code == 400, change
        assert message in unescape(response.get_data(as_text=True)), change
    assert _count(app, PlanActionStatus) == 0
    officer.post(status, {"status": "green", **day, "commentary": ""})
    officer.get(status)
    officer.post(
        status,
        {"status": "amber", **day, "status_date-day": "3", "commentary": "Recruitment slipped."},
    )
    with app.app_context():
        action = db.session().get(PlanAction, first_id)
        assert action is not None
        assert (action.status_colour, action.status_label, action.status_date) == (
            "amber",
            "Amber: behind schedule",
            dt.date(2026, 1, 3),
        )
        assert [h.colour for h in action.history] == ["amber", "green"]
    assert _audited(app, "plan_action_status_set") == 2
    shown = _text(officer.get(f"/staff/north/plan/actions/{first_id}").get_data(as_text=True))
    assert "Amber: behind schedule set 3 January 2026" in shown
    assert "Recruitment slipped." in shown and "Overdue" in shown  # due 31 March 2026

    # A milestone in the past makes the second action overdue until it is done.
    page = f"/staff/north/plan/actions/{second_id}"
    officer.get(page)
    bad = officer.post(page + "/milestones", {"title": "Draft", "due_on-day": "40"})
    assert bad.status_code == 400 and "Due date must be a real date" in unescape(
        bad.get_data(as_text=True)
    )
    officer.post(
        page + "/milestones",
        {"title": "Draft agreed", "due_on-day": "1", "due_on-month": "2", "due_on-year": "2025"},
    )

    def listed(query: str) -> list[str]:
        html = officer.get("/staff/north/plan/actions" + query).get_data(as_text=True)
        return re.findall(r'id="plan-action-(\d+)"', html)

    assert listed("") == [str(first_id), str(second_id)]
    assert listed("?overdue=y") == [str(first_id), str(second_id)]
    assert listed("?status=amber") == [str(first_id)]
    assert listed("?status=none") == [str(second_id)]
    assert listed("?owner=icb") == [str(second_id)]
    assert listed("?organisation=council") == [str(first_id)]
    assert listed("?organisation=council&status=green") == []
    refused_filter = officer.client.get("/staff/north/plan/actions?status=mauve")
    assert refused_filter.status_code == 400
    assert "Choose a status from the list" in refused_filter.get_data(as_text=True)

    with app.app_context():
        milestone_id = db.session().get(PlanAction, second_id).milestones[0].id  # type: ignore[union-attr]
    officer.get(page)
    officer.post(f"{page}/milestones/{milestone_id}/done")
    assert listed("?overdue=y") == [str(first_id)]
    summary = _text(officer.get("/staff/north/plan/actions").get_data(as_text=True))
    assert "Amber: behind schedule 1" in summary and "All actions 2" in summary

    # What changed: since a chosen day, by default the last board report (else 3 months).
    changes = _text(officer.get("/staff/north/plan/actions/changes").get_data(as_text=True))
    assert "No board report has been produced yet" in changes
    assert "Status set: Amber: behind schedule dated 3 Jan 2026" in changes
    assert "Milestone done: Draft agreed" in changes
    future = "?since-day=1&since-month=1&since-year=2099"
    assert "0 changes since" in _text(
        officer.get("/staff/north/plan/actions/changes" + future).get_data(as_text=True)
    )
    bad_day = officer.client.get("/staff/north/plan/actions/changes?since-day=31&since-month=2")
    assert bad_day.status_code == 400
    with app.app_context():
        session = db.session()
        session.add(
            AuditEvent(
                action="download_report",
                area_id=_area_id(app, "north"),
                detail={"format": "pdf"},
                at=dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC),
            )
        )
        session.commit()
    changes = _text(officer.get("/staff/north/plan/actions/changes").get_data(as_text=True))
    assert "last produced on 2 January 2026" in changes

    # Readers read; another area's staff see nothing; nobody else edits.
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    assert "Publish the local offer" in coordinator.get("/staff/north/plan/actions").get_data(
        as_text=True
    )
    assert coordinator.client.get(status).status_code == 403
    south = signed_in(app.test_client(), "officer@south.example")
    assert south.client.get(f"/staff/south/plan/actions/{first_id}").status_code == 404
    assert south.client.get(f"/staff/north/plan/actions/{first_id}").status_code == 404


def test_you_said_we_did_entry_links_to_an_action_and_stays_unpublished(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    for slug in ("north", "south"):
        officer = signed_in(app.test_client(), f"officer@{slug}.example")
        officer.get(f"/staff/{slug}/plan/actions/new")
        officer.post(f"/staff/{slug}/plan/actions/new", {**ACTION, "reference": slug})
    with app.app_context():
        ids = dict(db.session().execute(select(PlanAction.reference, PlanAction.id)).all())
    officer = signed_in(app.test_client(), "officer@north.example")
    form = officer.get("/staff/north/actions/new").get_data(as_text=True)
    assert "Plan action it comes from" in form and f'value="{ids["south"]}"' not in form
    entry = {
        "you_said": "Nobody answers the phone.",
        "we_did": "A duty line.",
        "kpi_id": "kpi_4_6",
        "theme": "",
        "action_date-day": "3",
        "action_date-month": "2",
        "action_date-year": "2026",
    }
    other_area = officer.post(
        "/staff/north/actions/new", {**entry, "plan_action_id": str(ids["south"])}
    )
    assert other_area.status_code == 400
    assert "Choose a plan action from the list" in other_area.get_data(as_text=True)
    officer.post("/staff/north/actions/new", {**entry, "plan_action_id": str(ids["north"])})
    with app.app_context():
        stored = db.session().scalars(select(AreaAction)).one()
        assert stored.plan_action_id == ids["north"] and not stored.published
        entry_id = stored.id
    shown = _text(officer.get(f"/staff/north/plan/actions/{ids['north']}").get_data(as_text=True))
    assert "A duty line. (not published)" in shown
    edit = officer.get(f"/staff/north/actions/{entry_id}/edit").get_data(as_text=True)
    assert re.search(
        rf'<option[^>]*selected[^>]*value="{ids["north"]}"|<option[^>]*value="{ids["north"]}"[^>]*selected',
        edit,
    )


def test_kpi_status_override_needs_a_reason_and_shows_on_the_board(app: Flask) -> None:
    make_area_with_staff(app, "north")
    officer = signed_in(app.test_client(), "officer@north.example")
    officer.get("/staff/north/plan/kpi-status")
    for change, message in [
        ({"reason": "  "}, "Enter the reason for the override"),
        ({"kpi": "KPI 9/9"}, "Choose a KPI from the list"),
        ({"status": "purple"}, "Choose a status from the list"),
    ]:
        response = officer.post(
            "/staff/north/plan/kpi-status",
            {
                "kpi": "KPI 4/1",
                "status": "amber",
                "reason": "Survey missed new families.",
                **change,
            },
        )
        assert response.status_code == 400, change
        assert message in unescape(response.get_data(as_text=True)), change
    assert _count(app, KpiStatusOverride) == 0
    officer.post(
        "/staff/north/plan/kpi-status",
        {"kpi": "KPI 4/1", "status": "amber", "reason": "Survey missed new families."},
    )
    board = _text(officer.get("/staff/north/results").get_data(as_text=True))
    assert "Amber: behind schedule Override : Survey missed new families." in board
    assert "officer@north.example" in board
    assert _audited(app, "kpi_status_overridden") == 1
    officer.get("/staff/north/plan/kpi-status")
    officer.post(
        "/staff/north/plan/kpi-status",
        {"kpi": "KPI 4/1", "status": "end", "reason": "New wave closed."},
    )
    board = _text(officer.get("/staff/north/results").get_data(as_text=True))
    assert "Override :" not in board and "Survey missed" not in board
    history = _text(officer.get("/staff/north/plan/kpi-status").get_data(as_text=True))
    assert "Override ended" in history and "Survey missed new families." in history
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    assert coordinator.client.get("/staff/north/plan/kpi-status").status_code == 403

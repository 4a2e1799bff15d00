"""Deleting a wave or a whole area: confirmation by name, everything gone in one
transaction, other waves and areas untouched, audit log kept with counts.
"""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import Column, ForeignKey, Integer, Table, func, select, text

from feedback_app import db
from feedback_app.cli import cli
from feedback_app.data_protection import deletion
from feedback_app.models import (
    Answer,
    AuditEvent,
    Base,
    LocalArea,
    Membership,
    QuestionnaireVersion,
    Response,
    StaffUser,
    ThemeCorrection,
    Wave,
)
from tests.support.data_protection_rows import (
    add_response,
    populate_area,
    populate_wave,
    rows_pointing_at,
    snapshot,
)
from tests.support.staff import make_area_with_staff, signed_in

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def _setup(app: Flask) -> tuple[int, int, int]:
    """Demo area with staff; two populated waves; another populated area."""
    from feedback_app.demo.loading import load_demo

    with app.app_context():
        session = db.session()
        load_demo(session)
    make_area_with_staff(app, "demo")
    make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        demo = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert demo is not None
        waves = session.scalars(select(Wave).where(Wave.area_id == demo.id).order_by(Wave.id)).all()
        doomed = next(w for w in waves if w.slug == "demo-closed-baseline")
        kept = waves[0]
        populate_wave(session, doomed, at=NOW)
        populate_wave(session, kept, at=NOW)
        populate_area(session, demo)
        # The other area gets a copy of the demo questionnaire's wave and rows.
        north = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert north is not None
        version = QuestionnaireVersion(
            area_id=north.id,
            questionnaire_id=kept.version.questionnaire_id,
            version=1,
            title=kept.version.title,
            definition=kept.version.definition,
            checksum=kept.version.checksum,
        )
        session.add(version)
        session.flush()
        other = Wave(
            area_id=north.id,
            version_id=version.id,
            slug="north-wave",
            name="North wave",
            opens_at=NOW,
        )
        session.add(other)
        session.flush()
        populate_wave(session, other, at=NOW)
        session.commit()
        return demo.id, doomed.id, kept.id


def test_deleting_a_wave_needs_its_name_and_removes_all_it_collected(app: Flask) -> None:
    area_id, doomed_id, kept_id = _setup(app)
    officer = signed_in(app.test_client(), "officer@demo.example")
    assert (
        officer.client.get(f"/staff/demo/data-protection/waves/{doomed_id}/delete").status_code
        == 403
    )

    browser = signed_in(app.test_client(), "administrator@demo.example")
    page = browser.get("/staff/demo/data-protection")
    assert f"/staff/demo/data-protection/waves/{doomed_id}/delete" in page.get_data(as_text=True)
    url = f"/staff/demo/data-protection/waves/{doomed_id}/delete"
    page = browser.get(url).get_data(as_text=True)
    assert "2 responses" in page and "govuk-warning-text" in page
    with app.app_context():
        before = snapshot(db.session())
    for wrong in ["", "Baseline", "baseline (closed, demo)", "x" * 5000]:
        refused = browser.client.post(
            url, data={"csrf_token": browser.csrf_token(), "confirm_name": wrong}
        )
        assert refused.status_code == 400, wrong
        assert "There is a problem" in refused.get_data(as_text=True)
        with app.app_context():
            assert snapshot(db.session()) == before
    # Without a CSRF token nothing happens either.
    assert (
        browser.client.post(url, data={"confirm_name": "Baseline (closed, demo)"}).status_code
        == 400
    )

    done = browser.post(url, {"confirm_name": "  Baseline  (closed, demo) "})
    assert done.request.path == "/staff/demo/data-protection"
    assert "deleted with 2 responses" in done.get_data(as_text=True)
    with app.app_context():
        session = db.session()
        after = snapshot(session)
        assert session.get(Wave, doomed_id) is None
        for table in (
            "response",
            "paper_return",
            "invitation",
            "invitation_batch",
            "baseline_import",
        ):
            assert rows_pointing_at(session, Base.metadata.tables[table], "wave_id", doomed_id) == 0
        # The kept wave and the other area lose nothing (2 answers x 2 responses gone).
        assert before["answer"] - after["answer"] == 4
        assert before["theme_correction"] - after["theme_correction"] == 2
        assert before["response"] - after["response"] == 2
        assert before["paper_return"] - after["paper_return"] == 2
        assert rows_pointing_at(session, Response.__table__, "wave_id", kept_id) == 2
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "delete_wave"))
        assert event is not None and event.area_id == area_id
        assert event.detail["responses"] == 2 and event.detail["answers"] == 4
        assert "We felt unheard" not in str(event.detail)
    assert browser.client.get(url).status_code == 404


def test_deleting_an_area_removes_everything_but_the_audit_log(app: Flask) -> None:
    area_id, _doomed, _kept = _setup(app)
    browser = signed_in(app.test_client(), "administrator@demo.example")
    url = "/staff/demo/data-protection/delete-area"
    page = browser.get(url).get_data(as_text=True)
    assert "4 people" in page
    with app.app_context():
        before = snapshot(db.session())
    refused = browser.client.post(
        url, data={"csrf_token": browser.csrf_token(), "confirm_name": "demo"}
    )
    assert refused.status_code == 400
    with app.app_context():
        assert snapshot(db.session()) == before

    done = browser.post(url, {"confirm_name": "Demo Local Area SEND Partnership"})
    assert "has been deleted" in done.get_data(as_text=True)
    with app.app_context():
        session = db.session()
        assert session.get(LocalArea, area_id) is None
        for table in Base.metadata.sorted_tables:
            if "area_id" in table.c:
                assert rows_pointing_at(session, table, "area_id", area_id) == 0, table.name
        # Nothing of the demo area's waves is left; north keeps all of its rows.
        assert session.scalar(select(func.count()).select_from(Wave)) == 1
        assert session.scalar(select(func.count()).select_from(Response)) == 2
        assert session.scalar(select(func.count()).select_from(ThemeCorrection)) == 2
        # Audit rows are kept, no longer naming the area; the deletion is recorded.
        assert session.scalar(select(func.count()).select_from(AuditEvent)) > before["audit_event"]
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "delete_area"))
        assert event is not None and event.area_id is None and event.detail["area"] == "demo"
        assert event.detail["memberships"] == 4 and event.detail["responses"] == 4
        # People keep their accounts (and their roles elsewhere), not this area's role.
        assert session.scalar(select(func.count()).select_from(StaffUser)) == before["staff_user"]
        assert session.scalar(select(func.count()).select_from(Membership)) == 4
    # The administrator has no role left here.
    assert browser.client.get("/staff/demo/data-protection").status_code == 404


def _invoke(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_areas_delete_command(app: Flask) -> None:
    _setup(app)
    assert _invoke(app, "areas", "delete", "demo").exit_code == 2
    wrong = _invoke(app, "areas", "delete", "demo", "--confirm", "north")
    assert wrong.exit_code == 2 and "confirm" in wrong.output
    missing = _invoke(app, "areas", "delete", "nowhere", "--confirm", "nowhere")
    assert missing.exit_code == 2 and "no area" in missing.output
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(LocalArea)) == 2
    done = _invoke(app, "areas", "delete", "north", "--confirm", "north")
    assert done.exit_code == 0, done.output
    assert "responses 2" in done.output
    with app.app_context():
        session = db.session()
        assert session.scalar(select(LocalArea.slug)) == "demo"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "delete_area"))
        assert event is not None and event.user_id is None


def test_the_database_cascades_answers_when_a_response_goes(app: Flask) -> None:
    # Belt and braces: even a DELETE outside the application leaves no orphan answers.
    with app.app_context():
        from feedback_app.demo.loading import load_demo

        session = db.session()
        wave = load_demo(session)[0]
        response = add_response(session, wave, at=NOW)
        session.commit()
        response_id = response.id
        session.execute(text("DELETE FROM response WHERE id = :id"), {"id": response_id})
        session.commit()
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
        assert session.scalar(select(func.count()).select_from(ThemeCorrection)) == 0


def test_a_new_table_that_hangs_off_a_wave_is_deleted_without_being_listed(app: Flask) -> None:
    # The tables to delete come from the foreign keys: a table added later, one hop
    # below a wave or two hops below it (through a response), goes with its wave
    # and its area without deletion.py naming it.
    area_id, doomed_id, kept_id = _setup(app)
    tables = [
        Table(
            "test_wave_note",
            Base.metadata,
            Column("id", Integer, primary_key=True),
            Column("wave_id", ForeignKey("wave.id"), nullable=False),
        ),
        Table(
            "test_response_note",
            Base.metadata,
            Column("id", Integer, primary_key=True),
            Column("response_id", ForeignKey("response.id"), nullable=False),
        ),
    ]
    wave_note, response_note = tables
    try:
        with app.app_context():
            session = db.session()
            for table in tables:
                table.create(session.connection())
            for wave_id in (doomed_id, kept_id):
                session.execute(wave_note.insert().values(wave_id=wave_id))
                for response_id in session.scalars(
                    select(Response.id).where(Response.wave_id == wave_id)
                ):
                    session.execute(response_note.insert().values(response_id=response_id))
            session.commit()
            assert {"test_wave_note", "test_response_note"} <= deletion.wave_ownership().names

            area = session.get(LocalArea, area_id)
            wave = session.get(Wave, doomed_id)
            assert area is not None and wave is not None
            counts = deletion.delete_wave(session, area=area, wave=wave, user_id=None)
            assert counts["test_wave_notes"] == 1 and counts["test_response_notes"] == 2
            assert rows_pointing_at(session, wave_note, "wave_id", doomed_id) == 0
            assert rows_pointing_at(session, wave_note, "wave_id", kept_id) == 1

            area = session.get(LocalArea, area_id)
            assert area is not None
            deletion.delete_area(session, area=area, user_id=None)
            assert snapshot(session)["test_wave_note"] == 0
            assert snapshot(session)["test_response_note"] == 0
    finally:
        with app.app_context():
            session = db.session()
            session.rollback()
            for table in reversed(tables):
                table.drop(session.connection(), checkfirst=True)
                Base.metadata.remove(table)
            session.commit()

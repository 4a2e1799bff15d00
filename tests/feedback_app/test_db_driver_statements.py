"""``db.DriverRead`` gives exactly what SQLAlchemy gives for the same statement (dates,
JSON, booleans, NULLs), inside the session's own transaction, and raises SQLAlchemy's
errors; on SQLite and PostgreSQL. The journey's wave snapshot matches the mapped wave."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import bindparam, exc, select, update

from feedback_app import db
from feedback_app.models import (
    Answer,
    LocalArea,
    QuestionnaireTranslation,
    Response,
    Wave,
    WaveLink,
)
from feedback_app.respond import journey, public_wave


def _prepare(app: Flask, slug: str) -> tuple[int, int]:
    """A readable link, an uploaded translation (a date in the stamp), place names,
    a closing date and a response with a list answer and a text answer."""
    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        wave.closes_at = dt.datetime(2031, 5, 1, 23, 0)
        wave.area.localities = [["Bootle", "Bootle"], ["Crosby", "Crosby"]]
        session.add(WaveLink(wave_id=wave.id, name="parents-2027"))
        session.add(
            QuestionnaireTranslation(
                version_id=wave.version_id,
                language="pl",
                messages={"Yes": "Tak"},
                uploaded_at=dt.datetime(2026, 11, 30, 9, 15, 7),
            )
        )
        response = journey.start_response(session, wave, language="en")
        session.add_all(
            [
                Answer(response_id=response.id, question_id="help", value=["a", "b"]),
                Answer(response_id=response.id, question_id="works_well", value="Ramps"),
            ]
        )
        session.commit()
        return wave.id, response.id


def test_a_driver_read_gives_what_sqlalchemy_gives(app: Flask, demo: dict[str, str]) -> None:
    wave_id, response_id = _prepare(app, demo["parent_annual"])
    with app.app_context():
        session = db.session()
        cases = [
            (public_wave.BY_SLUG, {"slug": demo["parent_annual"]}),
            (public_wave.BY_LINK, {"name": "parents-2027"}),
            (journey._RESPONSE_AND_ANSWERS, {"response_id": response_id}),
        ]
        for read, params in cases:
            through_driver = read.all(session, **params)
            expected = [tuple(row) for row in session.execute(read.statement, params).all()]
            assert through_driver == expected
            assert through_driver, params
        # Its types really were converted, not only equal by chance.
        (row,) = public_wave.BY_SLUG.all(session, slug=demo["parent_annual"])
        assert isinstance(row[6], dt.datetime) and row[7] is False
        assert row[13] == [["Bootle", "Bootle"], ["Crosby", "Crosby"]]
        assert isinstance(row[-2], dt.datetime)
        answers = {
            r[4]: r[5] for r in journey._RESPONSE_AND_ANSWERS.all(session, response_id=response_id)
        }
        assert answers == {"help": ["a", "b"], "works_well": "Ramps"}
        assert public_wave.BY_SLUG.all(session, slug="no-such-wave") == []
    assert wave_id


def test_the_snapshot_answers_as_the_mapped_wave(app: Flask, demo: dict[str, str]) -> None:
    _prepare(app, demo["parent_annual"])
    with app.app_context():
        session = db.session()
        mapped = session.scalar(select(Wave).where(Wave.slug == demo["parent_annual"]))
        assert mapped is not None
        for link in (demo["parent_annual"], "Parents-2027"):
            snapshot = journey.find_wave(session, link)
            assert snapshot is not None
            for name in ("id", "area_id", "version_id", "slug", "name", "opens_at", "closes_at",
                         "invitation_only", "first_day", "last_day"):  # fmt: skip
                assert getattr(snapshot, name) == getattr(mapped, name), name
            assert snapshot.is_open() == mapped.is_open()
            assert snapshot.is_scheduled() == mapped.is_scheduled()
            for name in ("id", "slug", "name", "colour", "timezone", "localities"):
                assert getattr(snapshot.area, name) == getattr(mapped.area, name), name
            for name in ("id", "area_id", "checksum", "definition"):
                assert getattr(snapshot.version, name) == getattr(mapped.version, name), name
        assert journey.find_wave(session, demo["parent_annual"].upper()) is None


def test_a_driver_read_runs_inside_the_sessions_transaction(app: Flask) -> None:
    read = db.DriverRead(select(LocalArea.name).where(LocalArea.slug == "only-flushed"))
    with app.app_context():
        session = db.session()
        session.add(LocalArea(slug="only-flushed", name="Seen by its own transaction"))
        session.flush()
        assert read.all(session, slug="only-flushed") == [("Seen by its own transaction",)]
        session.rollback()
        assert read.all(session, slug="only-flushed") == []


def test_bad_parameters_and_driver_errors_are_sqlalchemys(app: Flask) -> None:
    read = db.DriverRead(select(Response.id).where(Response.id == bindparam("response_id")))
    with app.app_context():
        session = db.session()
        for bad in (True, 1.5, None, b"1"):
            with pytest.raises(TypeError):
                read.all(session, response_id=bad)  # type: ignore[arg-type]
        if session.get_bind().dialect.name == "postgresql":
            # Text where the column is a number: the driver's error, as SQLAlchemy raises it.
            with pytest.raises(exc.DBAPIError):
                read.all(session, response_id="not a number")
            session.rollback()
        else:
            assert read.all(session, response_id="not a number") == []
        assert read.all(session, response_id=1) == []


def test_a_driver_write_stores_what_sqlalchemy_would(app: Flask, demo: dict[str, str]) -> None:
    """The save's two statements through the driver: dates, JSON and the rowcount the
    rate window relies on; a second save of a question replaces its answer."""
    _wave_id, response_id = _prepare(app, demo["parent_annual"])
    moment = dt.datetime(2026, 12, 6, 5, 30, 1, 250000, tzinfo=dt.UTC)
    with app.app_context():
        session = db.session()
        upsert = journey._upsert_answers_statement(session.get_bind().dialect.name)
        rows = [
            {"response_id": response_id, "question_id": qid, "value": value, "updated_at": moment}
            for qid, value in (("help", ["c"]), ("new_one", "x"))
        ]
        assert upsert.run(session, rows) >= 1
        counted = journey._count_save_statement(True).run(
            session,
            [{"response_id": response_id, "now": moment, "cutoff": moment - dt.timedelta(minutes=1),
              "saves": 60, "language": "cy", "flags": {"honeypot": True}}],
        )  # fmt: skip
        assert counted == 1
        session.commit()
        stored = {
            a.question_id: a
            for a in session.scalars(select(Answer).where(Answer.response_id == response_id))
        }
        assert stored["help"].value == ["c"] and stored["new_one"].value == "x"
        assert stored["works_well"].value == "Ramps"
        assert journey._aware(stored["help"].updated_at) == moment
        response = session.get(Response, response_id)
        assert response is not None
        assert (response.language, response.flags, response.rate_count) == (
            "cy",
            {"honeypot": True},
            1,
        )
        assert journey._aware(response.rate_window_start) == moment
        # Over the limit within the window: the conditional UPDATE changes no row.
        full = {
            "response_id": response_id,
            "now": moment,
            "cutoff": moment - dt.timedelta(minutes=1),
            "saves": 1,
            "language": "en",
        }
        assert journey._count_save_statement(False).run(session, [full]) == 0
        assert upsert.run(session, []) == 0


def test_a_driver_write_is_refused_where_a_request_may_only_read(app: Flask) -> None:
    """On PostgreSQL a GET marked ``reads_only_on_get`` runs without a transaction: a
    write through the driver is refused there as one through SQLAlchemy is."""
    if "db_sessionmaker_read" not in app.extensions:
        pytest.skip("SQLite: every request has its transaction")
    write = db.DriverWrite(
        update(LocalArea).where(LocalArea.slug == bindparam("slug")).values(name="Renamed")
    )
    with app.app_context():
        session = app.extensions["db_sessionmaker_read"]()
        with pytest.raises(db.ReadOnlyRequest):
            write.run(session, [{"slug": "anywhere"}])
        session.close()

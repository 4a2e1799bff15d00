"""Retention: free text, then whole responses, deleted once a wave's period has
passed; the period from the wave, the area or the product default; real deletion,
counts in the audit log, idempotent; the command's dry run and bad input.
"""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.cli import cli
from feedback_app.data_protection.retention import DEFAULT_RETENTION_YEARS, add_years, apply
from feedback_app.models import (
    Answer,
    AuditEvent,
    Invitation,
    LocalArea,
    PaperReturn,
    Response,
    ResultCache,
    ThemeCorrection,
    Wave,
)
from tests.support.data_protection_rows import add_response, populate_wave, snapshot

CLOSED = dt.datetime(2020, 3, 31, 12, tzinfo=dt.UTC)


def _waves(app: Flask) -> dict[str, int]:
    """Waves closed on CLOSED with 1 year (own), 2 (area default) and 3 (product
    default) years of retention, and an always-on wave with no close date."""
    from feedback_app.demo.loading import load_demo

    with app.app_context():
        session = db.session()
        template = load_demo(session)[0]
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        area.retention_years = 2
        other = LocalArea(slug="north", name="North", retention_years=None)
        session.add(other)
        session.flush()
        made = {}
        for key, owner, years, closes in [
            ("own", area, 1, CLOSED),
            ("area", area, None, CLOSED),
            ("always", area, None, None),
        ]:
            wave = Wave(
                area_id=owner.id,
                version_id=template.version_id,
                slug=f"w-{key}",
                name=f"Wave {key}",
                opens_at=CLOSED - dt.timedelta(days=60),
                closes_at=closes,
                retention_years=years,
            )
            session.add(wave)
            session.flush()
            made[key] = wave
        populate_wave(session, made["own"], at=CLOSED - dt.timedelta(days=1))
        populate_wave(session, made["area"], at=CLOSED - dt.timedelta(days=1))
        # Always-on: one answered long ago, one recently.
        add_response(session, made["always"], at=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
        add_response(session, made["always"], at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
        session.add(ResultCache(key="k" * 64, area_id=area.id, payload="{}"))
        session.commit()
        return {key: wave.id for key, wave in made.items()}


def _responses(app: Flask, wave_id: int) -> int:
    with app.app_context():
        return int(
            db.session().scalar(
                select(func.count()).select_from(Response).where(Response.wave_id == wave_id)
            )
            or 0
        )


def _apply(app: Flask, now: dt.datetime, *, dry_run: bool = False):  # type: ignore[no-untyped-def]
    with app.app_context():
        session = app.extensions["db_sessionmaker_write"]()
        try:
            return {r.wave_id: r for r in apply(session, now=now, dry_run=dry_run)}
        finally:
            session.close()


def test_the_period_comes_from_the_wave_then_the_area_then_the_default(app: Flask) -> None:
    waves = _waves(app)
    assert DEFAULT_RETENTION_YEARS == 3
    # A day before the wave's own year is up: nothing goes.
    results = _apply(app, add_years(CLOSED, 1) - dt.timedelta(seconds=1))
    assert not results[waves["own"]].anything
    assert _responses(app, waves["own"]) == 2

    results = _apply(app, add_years(CLOSED, 1))
    own = results[waves["own"]]
    assert (own.years, own.responses, own.free_text_answers, own.answers) == (1, 2, 2, 4)
    assert own.theme_corrections == 2 and own.paper_returns == 2
    assert _responses(app, waves["own"]) == 0
    assert _responses(app, waves["area"]) == 2  # the area says 2 years

    results = _apply(app, add_years(CLOSED, 2))
    assert results[waves["area"]].years == 2 and results[waves["area"]].responses == 2
    # The always-on wave has no close date: each response counts from its last save,
    # so the 2019 answer is past the area's 2 years and the 2023 one is not.
    assert results[waves["always"]].responses == 1
    assert _responses(app, waves["always"]) == 1

    with app.app_context():
        session = db.session()
        # The waves stay (so staff can see they existed); invitations are not answers.
        assert session.get(Wave, waves["own"]) is not None
        assert session.scalar(select(func.count()).select_from(Invitation)) >= 2
        assert (
            session.scalar(
                select(func.count())
                .select_from(PaperReturn)
                .where(PaperReturn.wave_id.in_([waves["own"], waves["area"]]))
            )
            == 0
        )
        assert session.scalar(select(func.count()).select_from(ResultCache)) == 0
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        area.retention_years = None
        session.commit()
    # With neither wave nor area saying, the product default applies.
    results = _apply(app, dt.datetime(2025, 12, 31, tzinfo=dt.UTC))
    assert results[waves["always"]].years == DEFAULT_RETENTION_YEARS
    assert not results[waves["always"]].anything
    results = _apply(app, dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert results[waves["always"]].responses == 1
    assert _responses(app, waves["always"]) == 0


def test_dry_run_counts_and_deletes_nothing(app: Flask) -> None:
    waves = _waves(app)
    with app.app_context():
        before = snapshot(db.session())
    results = _apply(app, dt.datetime(2030, 1, 1, tzinfo=dt.UTC), dry_run=True)
    assert results[waves["own"]].responses == 2 and results[waves["area"]].free_text_answers == 2
    with app.app_context():
        assert snapshot(db.session()) == before


def test_deletion_is_real_audited_with_counts_only_and_idempotent(app: Flask) -> None:
    waves = _waves(app)
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    _apply(app, later)
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
        assert session.scalar(select(func.count()).select_from(ThemeCorrection)) == 0
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention")).all()
        assert {e.detail["wave_id"] for e in events} == set(waves.values())
        assert all("We felt unheard" not in str(e.detail) for e in events)
        before = snapshot(session)
    again = _apply(app, later)
    assert not any(r.anything for r in again.values())
    with app.app_context():
        assert snapshot(db.session()) == before  # no new rows, not even audit events


def _invoke(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, ["retention", "apply", *args], obj=ScriptInfo(create_app=lambda: app)
    )


def test_retention_apply_command(app: Flask) -> None:
    waves = _waves(app)
    for bad in (["--now", "yesterday"], ["--now", "2024-13-01"], ["--unknown"]):
        result = _invoke(app, *bad)
        assert result.exit_code == 2, bad
        assert "Traceback" not in result.output
    dry = _invoke(app, "--dry-run", "--now", "2021-04-01")
    assert dry.exit_code == 0, dry.output
    assert f"wave {waves['own']}: would delete 2 free-text answers" in dry.output
    assert _responses(app, waves["own"]) == 2
    done = _invoke(app, "--now", "2021-04-01T00:00:00+00:00")
    assert done.exit_code == 0
    assert "deleted 2 responses" in done.output
    assert _responses(app, waves["own"]) == 0


def test_demo_waves_keep_answers_as_long_as_their_privacy_notice_says(
    app: Flask, demo: dict[str, str]
) -> None:
    import re

    from feedback_app.definitions import questionnaire_for

    with app.app_context():
        session = db.session()
        for questionnaire_id, slug in demo.items():
            # The mapped wave: the journey's snapshot carries only what its pages read.
            wave = session.scalar(select(Wave).where(Wave.slug == slug))
            assert wave is not None
            notice = questionnaire_for(wave.version).privacy_notice
            promised = re.search(r"for (\d+)\s+years", notice)
            assert promised, f"{questionnaire_id}: the notice names no period"
            assert wave.retention_years == int(promised.group(1)), questionnaire_id

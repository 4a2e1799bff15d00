"""Upgrades keep every response: migrate an old schema holding answers to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from feedback_app.migrate import alembic_config, upgrade


def test_upgrading_from_the_first_schema_keeps_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    command.upgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO local_area (id, slug, name, colour, timezone, localities, created_at) VALUES (1, 'a', 'A', '#1d70b8', 'Europe/London', '[]', '2025-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO questionnaire_version (id, area_id, questionnaire_id, version, title, definition, checksum, created_at) VALUES (1, 1, 'q', 1, 'Q', 'x', 'c', '2025-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO wave (id, area_id, version_id, slug, name, opens_at, closes_at, created_at) VALUES (1, 1, 1, 'w', 'W', '2025-01-01', NULL, '2025-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO response (id, wave_id, version_id, token_hash, status, channel, language, started_at, updated_at) VALUES (1, 1, 1, 't', 'submitted', 'online', 'en', '2025-01-01', '2025-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO answer (id, response_id, question_id, value, updated_at) VALUES (1, 1, 'trust_confidence', '\"agree\"', '2025-01-01')"
            )
        )
    upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM answer")).scalar_one() == '"agree"'
        assert conn.execute(text("SELECT invitation_only FROM wave")).scalar_one() == 0
    engine.dispose()

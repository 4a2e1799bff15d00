"""Run Alembic migrations from code (the same as ``alembic upgrade head``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from feedback_app.config import PROJECT_DIR


def alembic_config(url: str | None = None) -> Config:
    """The project's Alembic configuration, optionally for a given database URL."""
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(url: str | None = None) -> None:
    """Upgrade the database at ``url`` (default: DATABASE_URL) to the latest schema.

    "heads" rather than "head": work on separate branches of the schema can land
    before the merge revision that joins them.
    """
    command.upgrade(alembic_config(url), "heads")

"""Alembic environment: the URL comes from the same settings as the app."""

from __future__ import annotations

from alembic import context

from feedback_app.config import from_environment
from feedback_app.db import make_engine
from feedback_app.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations online against DATABASE_URL (or a passed connection)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.attributes.get("url") or from_environment().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            # With our SQLite engine DDL is transactional too: a failed upgrade
            # leaves the database as it was.
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()

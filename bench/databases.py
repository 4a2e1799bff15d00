"""A fresh migrated database for a benchmark: SQLite in a temporary folder, or a
PostgreSQL database created on the server of ``TEST_DATABASE_URL`` and dropped
afterwards (even when the benchmark fails)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_POSTGRES = "postgresql://feedback_ci:feedback_ci@127.0.0.1:5432/postgres"


@contextmanager
def fresh_database(backend: str, admin_url: str | None = None) -> Iterator[str]:
    """A fresh migrated database URL for ``backend`` ("sqlite" or "postgresql"), removed
    afterwards. ``admin_url`` is the PostgreSQL server's (by default ``TEST_DATABASE_URL``)."""
    from feedback_app.migrate import upgrade

    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
            upgrade(url)
            yield url
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = (admin_url or os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)).replace(
        "postgresql://", "postgresql+psycopg://", 1
    )
    name = f"feedback_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

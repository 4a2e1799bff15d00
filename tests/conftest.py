"""Shared fixtures: an app on a migrated database, on SQLite and on PostgreSQL.

Every database test runs on SQLite. When ``TEST_DATABASE_URL`` names a PostgreSQL
server (``.ci/run`` starts one), the same tests run on PostgreSQL too; in CI
(``CI=true``) a missing PostgreSQL is an error, not a skip.
"""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from feedback_app import create_app
from feedback_app.migrate import upgrade
from feedback_app.models import Base
from tests.support.browser import PageBrowser

ENGINES = ["sqlite", "postgresql"]


def _postgres_admin_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI needs TEST_DATABASE_URL pointing at PostgreSQL")
        return None
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A fresh, migrated PostgreSQL database for this test session (or None)."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        yield None
        return
    name = f"feedback_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=ENGINES)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: str | None
) -> Iterator[str]:
    """A migrated, empty database: a new SQLite file, or the PostgreSQL one emptied."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
        upgrade(url)
        yield url
        return
    if postgres_database is None:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL to run these on PostgreSQL too")
    yield postgres_database
    engine = create_engine(postgres_database)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # Anything a test left connected (still holding locks) must not make the
        # TRUNCATE below wait for ever. Only the tests' own role: another role's
        # session on the same database (an administrator's psql) cannot be ended
        # without superuser rights, and holds none of the tests' locks.
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND usename = current_user"
            )
        )
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The application on a migrated database, with CSRF on (as in production)."""
    application = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-" + "x" * 40}
    )
    yield application
    # A streamed download a test did not read to the end keeps its generator, and
    # with it a connection inside a transaction; collect it so it closes now.
    gc.collect()
    application.extensions["db_engine"].dispose()


@pytest.fixture
def demo(app: Flask) -> dict[str, str]:
    """Load the demo area; returns questionnaire id -> wave slug."""
    from feedback_app import db
    from feedback_app.definitions import questionnaire_for
    from feedback_app.demo.loading import load_demo

    with app.app_context():
        waves = load_demo(db.session())
        return {questionnaire_for(w.version).id: w.slug for w in waves}


@pytest.fixture
def browser(app: Flask) -> PageBrowser:
    """A test client that checks every HTML page it receives."""
    return PageBrowser(app.test_client())

"""Backups restore: everything people answered comes back, and they can carry on.

PostgreSQL, end to end as docs/production.md describes it: responses are made
through the web app, ``pg_dump --format=custom`` writes a file, a new database
is created, ``pg_restore`` loads the file, and every response and answer is
there, with the schema at the same Alembic revision. A respondent who was half
way through carries on against the restored database with the same browser.

Needs TEST_DATABASE_URL (a role that may create databases); skipped without it,
except in CI (``CI=true``) where it must run. SQLite's online backup
(``VACUUM INTO``) is checked the same way, everywhere.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from feedback_app import create_app, db
from feedback_app.demo.loading import load_demo
from feedback_app.migrate import upgrade
from feedback_app.models import Base
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"
SECRET = "backup-test-" + "k" * 40
COMPLETE = [
    {"event_useful": "agree", "do_differently": "no", "event_comments": "Clear and kind."},
    {"event_useful": "disagree", "do_differently": "yes", "event_comments": "Too rushed."},
    {"event_useful": "strongly_agree", "do_differently": "no", "event_comments": "Ünïcode ✓"},
]


def _admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs TEST_DATABASE_URL pointing at PostgreSQL")
        pytest.skip("PostgreSQL backup: set TEST_DATABASE_URL")
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is needed in CI")
        pytest.skip(f"{name} not installed")
    return found


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two new, empty PostgreSQL databases: the live one and the restore target."""
    admin_url = _admin_url()
    admin = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    names = [f"feedback_backup_{secrets.token_hex(4)}" for _ in range(2)]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [
        make_url(admin_url).set(database=n).render_as_string(hide_password=False) for n in names
    ]
    yield urls[0], urls[1]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _app(url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1),
        }
    )


def _answer_through_the_app(app: Flask) -> FlaskClient:
    """Submit three responses and leave a fourth half way; return that browser's client."""
    with app.app_context():
        load_demo(db.session())
    for answers in COMPLETE:
        browser = PageBrowser(app.test_client())
        browser.get(f"/s/{EVENT}")
        browser.post(f"/s/{EVENT}/start")
        for question_id in ("event_useful", "do_differently", "event_comments"):
            browser.post(browser.path, {question_id: answers[question_id]})
        assert browser.post(f"/s/{EVENT}/check").request.path == f"/s/{EVENT}/done"
    halfway = PageBrowser(app.test_client())
    halfway.get(f"/s/{EVENT}")
    halfway.post(f"/s/{EVENT}/start")
    halfway.post(halfway.path, {"event_useful": "neither"})
    assert halfway.path == f"/s/{EVENT}/q/do_differently"
    return halfway.client


def _tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = {
            table: sorted(
                (tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr
            )
            for table in _tables()
        }
    engine.dispose()
    return rows


def test_pg_dump_and_restore_into_a_new_database_keeps_every_answer(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    live, restored = databases
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    upgrade(live.replace("postgresql://", "postgresql+psycopg://", 1))
    app = _app(live)
    halfway = _answer_through_the_app(app)
    app.extensions["db_engine"].dispose()
    before = _rows(live)
    assert len(before["response"]) == 4
    assert len(before["answer"]) == 3 * 3 + 1

    dump = tmp_path / "feedback.dump"
    subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={live}"],
        check=True,
        timeout=60,
    )
    assert dump.stat().st_size > 0
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
        check=True,
        timeout=60,
    )

    assert _rows(restored) == before
    # The restored database serves, and the respondent half way carries on.
    again = _app(restored)
    assert again.test_client().get("/healthz").status_code == 200
    browser = PageBrowser(again.test_client())
    browser.client.set_cookie(
        "feedback_session",
        halfway.get_cookie("feedback_session").value,  # type: ignore[union-attr]
    )
    browser.get(f"/s/{EVENT}/q/do_differently")
    browser.post(browser.path, {"do_differently": "yes"})
    assert browser.path == f"/s/{EVENT}/q/event_comments"
    again.extensions["db_engine"].dispose()


def test_sqlite_online_backup_with_vacuum_into_restores(tmp_path: Path) -> None:
    live = tmp_path / "feedback.sqlite"
    url = f"sqlite:///{live}"
    upgrade(url)
    app = _app(url)
    _answer_through_the_app(app)  # the app keeps its connections open: an online backup
    backup = tmp_path / "backup.sqlite"
    with sqlite3.connect(live) as conn:
        conn.execute("VACUUM INTO ?", (str(backup),))
    app.extensions["db_engine"].dispose()
    restored = tmp_path / "restored.sqlite"
    shutil.copyfile(backup, restored)

    def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
        with sqlite3.connect(path) as conn:
            return {
                t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in _tables()
            }

    before, after = rows(live), rows(restored)
    assert after == before
    assert len(after["response"]) == 4 and len(after["answer"]) == 10
    with sqlite3.connect(restored) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

"""A GET of a view marked ``db.reads_only_on_get`` runs without a transaction on
PostgreSQL (no BEGIN, no ROLLBACK round trips; ADR 0042) and may not write; a POST
of the same view still saves in a transaction, and SQLite is unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask, request
from sqlalchemy import text

from feedback_app import db
from tests.support.browser import PageBrowser

SURVEY = "/s/demo-event-feedback"
ANNUAL = "/s/demo-parent-annual"


@pytest.fixture
def begins(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Every BEGIN psycopg sends (it sends one before the first statement of a
    transaction, never in autocommit)."""
    sent: list[bytes] = []
    original = psycopg.Connection._get_tx_start_command

    def counted(self: psycopg.Connection) -> bytes:  # type: ignore[type-arg]
        command = original(self)
        sent.append(command)
        return command

    monkeypatch.setattr(psycopg.Connection, "_get_tx_start_command", counted)
    yield sent


def _first_page(browser: PageBrowser) -> str:
    browser.get(SURVEY)
    started = browser.client.post(f"{SURVEY}/start", data={"csrf_token": browser.csrf_token()})
    assert started.status_code == 302
    return str(started.headers["Location"])


def test_a_question_page_view_sends_no_begin_on_postgresql(
    app: Flask, demo: dict[str, str], browser: PageBrowser, begins: list[bytes]
) -> None:
    page = _first_page(browser)
    begins.clear()
    shown = browser.client.get(page)
    assert shown.status_code == 200
    if app.extensions["db_engine"].dialect.name == "postgresql":
        assert begins == []
    else:
        assert "db_sessionmaker_read" not in app.extensions  # SQLite: as before


def test_the_same_page_still_saves_in_a_transaction(
    app: Flask, demo: dict[str, str], browser: PageBrowser, begins: list[bytes]
) -> None:
    browser.get(ANNUAL)
    browser.client.post(f"{ANNUAL}/start", data={"csrf_token": browser.csrf_token()})
    page = f"{ANNUAL}/q/trust_confidence"
    browser.get(page)
    begins.clear()
    saved = browser.client.post(
        page, data={"csrf_token": browser.csrf_token(), "trust_confidence": "agree"}
    )
    assert saved.status_code == 302, saved.status_code
    if app.extensions["db_engine"].dialect.name == "postgresql":
        assert begins, "the save ran outside a transaction"


def test_a_write_in_a_read_only_get_is_refused(app: Flask, demo: dict[str, str]) -> None:
    if "db_sessionmaker_read" not in app.extensions:
        pytest.skip("PostgreSQL only: SQLite keeps its one kind of read session")
    with app.test_request_context(f"{SURVEY}/q/anything", method="GET"):
        assert request.endpoint == "respond.question"
        session = db.session()
        assert session.execute(text("SELECT 1")).scalar_one() == 1
        with pytest.raises(db.ReadOnlyRequest):
            session.execute(text("UPDATE wave SET name = name WHERE id = -1"))
    # A POST of the same view gets the usual session, which may write.
    with app.test_request_context(f"{SURVEY}/q/anything", method="POST"):
        db.session().execute(text("UPDATE wave SET name = name WHERE id = -1"))

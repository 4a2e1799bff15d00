"""PostgreSQL connections are pinged only after PING_AFTER seconds idle (ADR 0041):
a connection the server dropped while it sat in the pool is replaced, not handed
to a request; a connection just used is not pinged again."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text

from feedback_app import db as db_module


@pytest.fixture
def engine(postgres_database: str | None) -> Iterator[Engine]:
    if postgres_database is None:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL to run the connection ping tests")
    made = db_module.make_engine(postgres_database)
    yield made
    made.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement psycopg's cursors send, the pool's raw ping included."""
    seen: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return seen


def test_a_connection_dropped_while_idle_is_replaced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(engine)
    with db_module.make_engine(str(engine.url.render_as_string(hide_password=False))).begin() as c:
        assert c.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    monkeypatch.setattr(db_module, "PING_AFTER", 0.0)  # every pooled connection counts as idle
    second = _backend_pid(engine)  # no error: the dead connection failed its ping
    assert second != first


def test_a_connection_just_used_is_not_pinged(
    engine: Engine, sent: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _backend_pid(engine)
    sent.clear()
    _backend_pid(engine)
    assert "SELECT 1" not in sent
    # The same checkout after PING_AFTER idle seconds is pinged first.
    monkeypatch.setattr(db_module, "PING_AFTER", 0.0)
    sent.clear()
    _backend_pid(engine)
    assert sent[0] == "SELECT 1"


def test_a_dropped_connection_just_used_fails_once(engine: Engine) -> None:
    """The price of pinging only idle connections, stated: within PING_AFTER of its
    last use a dropped connection is handed out, its statement fails, the pool
    discards it, and the next checkout works."""
    first = _backend_pid(engine)
    with db_module.make_engine(str(engine.url.render_as_string(hide_password=False))).begin() as c:
        c.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != first

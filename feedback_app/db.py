"""One engine per process, one session per request.

SQLite is the embedded default: WAL so readers never block the writer,
``synchronous=FULL`` so an acknowledged answer survives a power cut, and foreign
keys on. PostgreSQL is used through ``DATABASE_URL``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, Select, create_engine, event, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, sessionmaker

F = TypeVar("F")


def make_engine(url: str) -> Engine:
    """Create the process-wide engine for ``url`` (pooled connections)."""
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling skips DDL and begins lazily; take it
        # over so every transaction (migrations included) is all-or-nothing.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No pool_pre_ping: it cost every request one more round trip. A connection
    # idle for PING_AFTER seconds (the ones a restart or an idle timeout breaks)
    # is still pinged when checked out; see ADR 0041.
    engine = create_engine(url, pool_size=5, max_overflow=10)
    event.listen(engine, "connect", _note_checkin)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


#: A pooled connection idle for longer than this (seconds) is pinged before use.
PING_AFTER = 10.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling for idle connections only: a failed ping
    makes the pool throw the connection away and check out another one."""
    if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:
        raise exc.DisconnectionError() from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Requests that write begin IMMEDIATE: the write lock is taken up front, so two
    # writers queue on busy_timeout instead of one failing when its read snapshot
    # tries to become a write. Reads begin DEFERRED and never block each other.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def init_app(app: Flask) -> None:
    """Attach the engine and the per-request session to ``app``."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    app.extensions["db_sessionmaker_write"] = sessionmaker(writer, expire_on_commit=False)
    if engine.dialect.name != "sqlite":
        # PostgreSQL only: SQLite's BEGIN and ROLLBACK are calls inside the
        # process, not round trips, so there is nothing to save there.
        reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        event.listen(reader, "before_cursor_execute", _refuse_writes)
        app.extensions["db_sessionmaker_read"] = sessionmaker(reader, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def reads_first(view: F) -> F:
    """Mark a view whose POST reads first and then writes in a short transaction.

    Its session begins DEFERRED like a GET, and the view calls ``begin_write``
    just before writing, so on SQLite the database-wide write lock is held only
    while the answers are written, not for the whole request (measured: the
    answer-save POST under load, docs/production.md).
    """
    view.db_reads_first = True  # type: ignore[attr-defined]
    return view


def reads_only_on_get(view: F) -> F:
    """Mark a view whose GET only reads (the question page a respondent sees).

    On PostgreSQL its GET runs its statements without a transaction
    (``AUTOCOMMIT``): no ``BEGIN`` before them and no ``ROLLBACK`` after, two
    round trips less per page view (ADR 0042). Under PostgreSQL's READ COMMITTED
    each statement sees its own snapshot either way, so what the page reads is
    the same. A statement that is not a ``SELECT`` fails on such a session: a
    write added to the view later cannot slip through outside a transaction.
    """
    view.db_reads_only_on_get = True  # type: ignore[attr-defined]
    return view


class ReadOnlyRequest(RuntimeError):
    """A statement other than a SELECT in a request marked ``reads_only_on_get``."""


def _refuse_writes(
    _conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        raise ReadOnlyRequest(f"a GET marked reads_only_on_get may only read: {statement[:60]}")


def begin_write(db_session: Session) -> None:
    """End the read snapshot and begin the write transaction (IMMEDIATE on SQLite).

    Nothing may be pending in the session: the read transaction just ends. On
    PostgreSQL nothing changes (each statement already sees committed data).
    """
    if db_session.get_bind().dialect.name != "sqlite":
        return
    db_session.commit()
    db_session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _maker() -> str:
    """Which session maker the current request's session comes from."""
    if not has_request_context():
        return "db_sessionmaker"
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST":
        reads_first = getattr(view, "db_reads_first", False)
        return "db_sessionmaker" if reads_first else "db_sessionmaker_write"
    read_only = request.method == "GET" and getattr(view, "db_reads_only_on_get", False)
    if read_only and "db_sessionmaker_read" in current_app.extensions:
        return "db_sessionmaker_read"
    return "db_sessionmaker"


def session() -> Session:
    """The database session of the current request (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_maker()]()
    db_session: Session = g.db_session
    return db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        # Anything not committed explicitly is rolled back: no partial writes.
        # close() rolls the open transaction back and returns the connection
        # (the pool resets it again); a rollback() first would only expire every
        # loaded object before close() forgets them all (issue 17).
        db_session.close()


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit the request's session on success, roll back on any error."""
    db_session = session()
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise


@dataclass(frozen=True)
class _Compiled:
    """A driver statement compiled for one database."""

    sql: str
    #: Bound values compiled into the statement (literals such as a ``coalesce`` default).
    constants: dict[str, Any]
    #: Parameter names in placeholder order (``?`` style), or None for named placeholders.
    order: tuple[str, ...] | None
    #: SQLAlchemy's own conversion of each parameter that needs one, by name.
    binders: dict[str, Any]
    #: SQLAlchemy's own conversion of each column (None: the driver's value as is).
    converters: tuple[Any, ...]


class _DriverStatement:
    """A statement written with SQLAlchemy, compiled once per database and run straight
    on the driver's cursor of the session's connection (issue 17, ADR 0043).

    For the few statements every respondent request runs. SQLAlchemy's execution
    machinery (cache key, execution context, result metadata, ORM loading) cost
    more than the statement itself: about 0.2 ms a statement on PostgreSQL, as
    much as the driver spends. The statement still runs in the session's
    transaction (pending ORM changes are flushed first, as autoflush would);
    each parameter and column goes through the conversion SQLAlchemy would apply
    (dates as SQLite's text, JSON, booleans); and a driver error is raised as
    SQLAlchemy's, a lost connection invalidated as SQLAlchemy does.
    """

    def __init__(self, statement: Any, *, column_keys: tuple[str, ...] | None = None) -> None:
        self.statement = statement
        self._column_keys = list(column_keys) if column_keys else None
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            # for_executemany: no RETURNING of a new row's id, which nothing reads.
            compiled = self.statement.compile(
                dialect=dialect, column_keys=self._column_keys, for_executemany=True
            )
            if any(bind.expanding for bind in compiled.binds.values()):
                raise TypeError("a driver statement takes no IN (...) lists")
            names = compiled.bind_names
            binders = {
                names[bind]: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for bind in compiled.binds.values()
            }
            selected = getattr(self.statement, "selected_columns", ())
            found = _Compiled(
                sql=str(compiled),
                constants={
                    names[bind]: bind.effective_value
                    for bind in compiled.binds.values()
                    if not bind.required
                },
                order=tuple(compiled.positiontup) if compiled.positional else None,
                binders={name: binder for name, binder in binders.items() if binder is not None},
                converters=tuple(
                    column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in selected
                ),
            )
            self._compiled[dialect.name] = found
        return found

    def _bound(self, compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        values = {**compiled.constants, **params}
        for name, binder in compiled.binders.items():
            if values.get(name) is not None:
                values[name] = binder(values[name])
        return values if compiled.order is None else tuple(values[n] for n in compiled.order)

    #: True for a statement that changes rows: refused in a read-only request.
    writes = False

    def _run(
        self, db_session: Session, rows: Sequence[Mapping[str, Any]]
    ) -> tuple[_Compiled, Any, int]:
        """Execute once per parameter set: (what ran, the fetched rows or None, rowcount)."""
        if db_session.autoflush:
            db_session.flush()  # nothing pending: a quick check
        connection = db_session.connection()
        if self.writes and connection.get_execution_options().get("isolation_level") == (
            "AUTOCOMMIT"
        ):
            raise ReadOnlyRequest(f"a GET marked reads_only_on_get may only read: {self.statement}")
        dialect = connection.dialect
        compiled = self._for(dialect)
        bound = [self._bound(compiled, row) for row in rows]
        raw: Any = connection.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            if len(bound) != 1:
                cursor.executemany(compiled.sql, bound)
            elif dialect.name == "postgresql":
                cursor.execute(compiled.sql, bound[0], prepare=True)
            else:
                cursor.execute(compiled.sql, bound[0])
            fetched = cursor.fetchall() if cursor.description is not None else None
            return compiled, fetched, cursor.rowcount
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, raw, cursor)
            if lost:
                connection.invalidate(error)
            raise exc.DBAPIError.instance(
                compiled.sql,
                bound,
                error,
                dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from error
        finally:
            cursor.close()


class DriverRead(_DriverStatement):
    """A SELECT run through the driver (``_DriverStatement``).

    Parameters are ``int`` or ``str`` only; anything else is a ``TypeError``.
    """

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        super().__init__(statement)

    def all(self, db_session: Session, **params: int | str) -> list[tuple[Any, ...]]:
        """Every row, each column as SQLAlchemy would give it."""
        for name, value in params.items():
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise TypeError(f"DriverRead parameter {name!r} must be int or str")
        compiled, rows, _count = self._run(db_session, [params])
        converters = compiled.converters
        if not any(converters):
            return [tuple(row) for row in rows]
        return [
            tuple(
                value if convert is None or value is None else convert(value)
                for convert, value in zip(converters, row, strict=True)
            )
            for row in rows
        ]


class DriverWrite(_DriverStatement):
    """An INSERT, UPDATE or DELETE run through the driver (``_DriverStatement``),
    once per parameter set; refused in a request that may only read.

    ``column_keys`` names the columns an INSERT sets (as SQLAlchemy compiles it
    for the keys of its first parameter set).
    """

    writes = True

    def run(self, db_session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
        """Execute for each of ``rows``; the number of rows the database changed."""
        if not rows:
            return 0
        _compiled, _rows, count = self._run(db_session, rows)
        return int(count)

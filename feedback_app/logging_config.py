"""Structured logs: one JSON object per line, and never anyone's personal data.

Every request writes one access line with a request id, the method, the
*endpoint* (``respond.question``) and its route template (``/s/<slug>/q/<page_id>``)
rather than the path, the status and the duration. The path is left out because
it can hold an invitation or password-reset token; the query string because it
can hold a resume code. IP addresses, user agents, form fields and cookies are
never read here.

Exceptions are logged as their type and the stack (file, line, function) without
the exception's message: a database error's message quotes the statement's
parameters, which can be someone's answers.

``dict_config()`` is what ``deploy/gunicorn.conf.py`` hands to gunicorn's
``logconfig_dict``, so gunicorn's own lines are JSON too.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import traceback
import uuid
from typing import Any

from flask import Flask, Response, g, request

ACCESS_LOGGER = "feedback_app.access"
#: A request id from the proxy (nginx ``$request_id``) is kept if it looks like one.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: Fields a log call may add with ``extra=``; anything else is ignored.
FIELDS = ("request_id", "method", "endpoint", "route", "status", "duration_ms")
#: Endpoints polled by load balancers: logged at DEBUG so they do not drown the rest.
QUIET_ENDPOINTS = frozenset({"health.healthz"})


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON with a fixed set of fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON: time, level, logger, message and known fields."""
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            entry["exception"] = exc_type.__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(tb)
            ]
        return json.dumps(entry, ensure_ascii=False, default=str)


def dict_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping: JSON to stderr for us and gunicorn."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own loggers propagate to the root; no access log of its own
            # (it would print the raw path): ours below replaces it.
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def init_app(app: Flask) -> None:
    """Time every request and write its access line when the response is ready."""
    # First in line, so the duration includes the other before-request hooks.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_log_request)


def _start_request() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers.setdefault("X-Request-ID", request_id)
    endpoint = request.endpoint
    fields = {
        "request_id": request_id,
        "method": request.method,
        "endpoint": endpoint or "-",
        "route": request.url_rule.rule if request.url_rule is not None else "-",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1)
        if started is not None
        else None,
    }
    level = logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO
    logging.getLogger(ACCESS_LOGGER).log(level, "request", extra=fields)
    return response

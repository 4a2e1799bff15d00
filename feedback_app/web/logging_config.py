"""Structured logs: one JSON object per line, and never anyone's personal data.

Every request writes one access line with a request id, the method, the
*endpoint* (``respond.question``) and its route template (``/s/<slug>/q/<page_id>``)
rather than the path, the status and the duration. The path is left out because
it can hold an invitation or password-reset token; the query string because it
can hold a resume code. IP addresses, user agents, form fields and cookies are
never read here.

Tokens and resume codes are redacted from every message (``RedactSecrets``):
the development server's request lines and gunicorn's own lines hold paths.

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


#: Secrets that can appear in a URL: invitation and one-time sign-in tokens, a
#: pending import's token, resume codes and any ``token``/``code`` parameter.
SECRET_IN_URL = re.compile(
    r"(?P<keep>/i/|/staff/link/|/imports/)[^/?#\s\"']+"
    r"|(?P<param>[?&](?:code|token|resume_code)=)[^&#\s\"']*",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with every token and resume code in it replaced by ``[redacted]``."""
    return SECRET_IN_URL.sub(lambda m: (m.group("keep") or m.group("param")) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message so no token or resume code reaches a log.

    Werkzeug's development server logs every request line (``GET /i/<token>``,
    ``?code=``); gunicorn's error log can quote a request line too. Installed on
    every handler ``dict_config`` makes, and on the werkzeug and gunicorn loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record; only its text changes."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


#: Loggers other libraries write request lines to.
REQUEST_LINE_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


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
        "filters": {"redact": {"()": RedactSecrets}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["redact"],
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
    """Time every request and write its access line when the response is ready.

    Also keeps tokens and resume codes out of the request lines other loggers
    write (the development server's), whatever handler they end up on.
    """
    for name in (*REQUEST_LINE_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
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

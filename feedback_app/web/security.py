"""The shared security layer (docs/security.md): security headers on every response,
URLs with control characters refused before routing reaches a view or the database,
integer ids bounded by their column, and NUL bytes taken out of form values.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, g, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map

from feedback_app.web.redirects import CONTROL_CHARACTERS

#: The largest id an ``INTEGER`` column holds on PostgreSQL (and the smallest limit of
#: the databases supported): a bigger one in a URL is a 404, not a database error.
LARGEST_ID = 2**31 - 1

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'{style_hashes}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ]
)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a whole number from 0 to LARGEST_ID, else a 404.

    Registered in place of werkzeug's ``int``, so ids beyond the column's range
    (2^63 overflowed SQLite, 2^31 PostgreSQL's INTEGER) never reach a query.
    """

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Register the converter, the URL check, the header hook and the form-value check.

    Call before any blueprint is registered: rules pick their converters when added.
    """
    app.url_map.converters["int"] = IdConverter
    # The first URL value preprocessor of the app runs before every other request hook
    # (blueprints' preprocessors and before_request), so nothing reads a bad URL.
    app.url_value_preprocessors.setdefault(None, []).insert(0, _refuse_control_characters)
    app.before_request(_strip_null_bytes)
    app.after_request(_headers)


def _refuse_control_characters(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # A NUL in a path reached PostgreSQL (psycopg DataError, a 500); CR/LF ended up
    # in redirect headers. Nobody types a control character into an address, so any
    # of them, in the path or in a query string name or value, is a 400 here.
    args = request.args.items(multi=True)
    if CONTROL_CHARACTERS.search(request.path) or any(
        CONTROL_CHARACTERS.search(k) or CONTROL_CHARACTERS.search(v) for k, v in args
    ):
        abort(400)


def _strip_null_bytes() -> None:
    # Nobody types a NUL character, and PostgreSQL cannot store one in text (the
    # request would fail with a 500). A pasted one is removed from every form
    # value before anything reads the form, so the answer around it is kept.
    form = request.form
    if request.method == "POST" and any(
        "\x00" in k or "\x00" in v for k, v in form.items(multi=True)
    ):
        request.form = ImmutableMultiDict(
            [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in form.items(multi=True)]
        )


def _headers(response: Response) -> Response:
    headers = response.headers
    style_hashes = "".join(" " + h for h in g.get("csp_style_hashes", []))
    headers.setdefault(
        "Content-Security-Policy", CONTENT_SECURITY_POLICY.format(style_hashes=style_hashes)
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint and request.endpoint.startswith("static"):
        # Asset URLs carry a version, so they can be cached for a year.
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # Pages may show someone's answers: never keep them in a shared cache.
        headers["Cache-Control"] = "no-store"
    return response

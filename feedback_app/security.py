"""Security headers on every response (docs/quality-bar.md, "Security and privacy")."""

from __future__ import annotations

from flask import Flask, Response, abort, g, request

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


def init_app(app: Flask) -> None:
    """Register the header hook and the form-value check."""
    app.before_request(_refuse_null_bytes)
    app.after_request(_headers)


def _refuse_null_bytes() -> None:
    # No one types a NUL character; PostgreSQL cannot store one in text and would
    # fail the request with a 500. Turn it away before anything reads the form.
    if request.method == "POST" and any(
        "\x00" in value for values in request.form.listvalues() for value in values
    ):
        abort(400)


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

"""Security headers on every response (docs/quality-bar.md, "Security and privacy")."""

from __future__ import annotations

from flask import Flask, Response, g, request
from werkzeug.datastructures import ImmutableMultiDict

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
    app.before_request(_strip_null_bytes)
    app.after_request(_headers)


def _strip_null_bytes() -> None:
    # Nobody types a NUL character, and PostgreSQL cannot store one in text (the
    # request would fail with a 500). A pasted one is removed from every form
    # value before anything reads the form, so the answer around it is kept.
    form = request.form
    if request.method == "POST" and any(
        "\x00" in k or "\x00" in v for k, v in form.items(multi=True)
    ):
        request.form = ImmutableMultiDict(  # type: ignore[misc]
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

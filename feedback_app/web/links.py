"""Absolute links (invitations, one-time sign-in links, share links, QR codes) are
built from ``PUBLIC_BASE_URL``, never from the request's ``Host`` header.

A request with a forged Host would otherwise put the attacker's host into an
invitation or password link an administrator copies and sends. ``PublicLinksFlask``
changes ``url_for(..., _external=True)`` for the whole application, so every
absolute link, today's and tomorrow's, uses the configured base URL.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context


class PublicLinksFlask(Flask):
    """Flask whose external URLs start with ``PUBLIC_BASE_URL`` when it is set."""

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """``Flask.url_for``; an external URL is the base URL plus the path."""
        base = self.config.get("PUBLIC_BASE_URL")
        if not (_external and base and has_request_context()):
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        return f"{base}{path}"

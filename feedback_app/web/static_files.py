"""Static files: pre-compressed assets, and our pictures inline.

Built assets (``static/dist``) are gzipped at build time (``make assets``) and the
``.gz`` file is sent to browsers that accept it, so a phone on poor signal
downloads about an eighth of the bytes without the server compressing on every
request. Pictures are small SVGs put straight into the page, saving a request
each on the first question page.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request, send_from_directory
from markupsafe import Markup

STATIC = Path(__file__).resolve().parents[1] / "static"
PICTURES = STATIC / "pictures"
PRECOMPRESSED = ("dist/",)


def _send_static(filename: str) -> Response:
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    if accepts_gzip and filename.startswith(PRECOMPRESSED):
        packed = STATIC / f"{filename}.gz"
        if packed.is_file() and packed.resolve().is_relative_to(STATIC):
            response = send_from_directory(STATIC, f"{filename}.gz")
            response.headers["Content-Encoding"] = "gzip"
            response.mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            response.vary.add("Accept-Encoding")
            return response
    response = send_from_directory(STATIC, filename)
    if filename.startswith(PRECOMPRESSED):
        response.vary.add("Accept-Encoding")
    return response


@lru_cache(maxsize=64)
def picture_svg(name: str) -> Markup:
    """A bundled picture as inline SVG markup (decorative: hidden from screen readers)."""
    path = (PICTURES / f"{name}.svg").resolve()
    if not path.is_relative_to(PICTURES) or not path.is_file():
        return Markup("")
    # Our own files, drawn by us and shipped with the package: not user content.
    return Markup(path.read_text(encoding="utf-8").strip())  # noqa: S704


def init_app(app: Flask) -> None:
    """Serve static files ourselves and offer pictures to templates."""
    app.view_functions["static"] = _send_static
    app.add_template_global(picture_svg)

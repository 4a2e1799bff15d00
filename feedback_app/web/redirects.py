"""The one safe-redirect check: only a path on this site is ever a redirect target.

Anything a request supplies (``?next=``, the path itself) passes through
``local_path`` before it becomes a ``Location`` header. Refused: absolute URLs
(``https://evil.example``), protocol-relative ones (``//evil.example``), backslashes
(browsers read ``/\\evil.example`` as ``//evil.example``), and control characters
(CR/LF would split the header; werkzeug refuses them with a 500).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import redirect
from werkzeug.wrappers import Response

#: C0 control characters and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: str | None, *, within: str = "/") -> str | None:
    """``target`` if it is a path on this site starting with ``within``, else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or CONTROL_CHARACTERS.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(within):
        return None
    return target


def safe_redirect(target: str | None, *, fallback: str, within: str = "/") -> Response:
    """A redirect to ``target`` when it is a local path, else to ``fallback``."""
    return redirect(local_path(target, within=within) or fallback)

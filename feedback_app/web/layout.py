"""What every page's layout needs: versioned asset URLs and hashed inline styles."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from analysis.rounding import format_number, format_percent

DIST = Path(__file__).resolve().parents[1] / "static" / "dist"
#: The only inline CSS we write: custom properties with a hex colour.
SAFE_INLINE_CSS = re.compile(r"^:root\{--[a-z-]+:#[0-9a-fA-F]{6}\}$")


@lru_cache(maxsize=32)
def _fingerprint(name: str) -> str:
    path = DIST / name
    if not path.exists():
        return "missing"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(name: str) -> str:
    """URL of a built asset with a content hash, so it can be cached for a year.

    Built once per application and mount point (``SCRIPT_NAME``): every page
    asks for the same two, and building a URL is a tenth of a millisecond.
    """
    built: dict[tuple[str, str], str] = current_app.extensions.setdefault("asset_urls", {})
    key = (request.script_root if has_request_context() else "", name)
    url = built.get(key)
    if url is None:
        url = built[key] = url_for("static", filename=f"dist/{name}", v=_fingerprint(name))
    return url


def inline_style(css: str) -> Markup:
    """Emit a tiny inline style and allow exactly it in this response's CSP."""
    if not SAFE_INLINE_CSS.match(css):
        raise ValueError("refusing unexpected inline CSS")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    hashes: list[str] = g.setdefault("csp_style_hashes", [])
    hashes.append(f"'sha256-{digest}'")
    return Markup(css)  # noqa: S704 - matched against SAFE_INLINE_CSS above


def number_filter(value: float | None, places: int = 1, sign: bool = False) -> str:
    """``{{ x|number }}``: half away from zero (``analysis.rounding``); "–" for none."""
    return "–" if value is None else format_number(value, places, sign=sign)


def percent_filter(value: float | None, places: int = 1) -> str:
    """``{{ x|percent }}``: ``12.5%`` rounded half away from zero; "–" for none."""
    return "–" if value is None else format_percent(value, places)


def count_filter(value: int | None) -> str:
    """``{{ n|small_count }}``: the one small-number wording of every staff page and chart.

    A count from 1 to 4 reads "fewer than 5" (``analysis.suppression.SMALLEST_SHOWN``),
    a withheld count (``None``) reads "withheld", others are whole numbers with
    thousands separators.
    """
    from analysis.suppression import SMALLEST_SHOWN

    if value is None:
        return gettext("withheld")
    if 0 < value < SMALLEST_SHOWN:
        return gettext("fewer than %(n)s", n=SMALLEST_SHOWN)
    return f"{value:,}"


def init_app(app: Flask) -> None:
    """Register the template globals."""
    app.add_template_global(asset_url)
    app.add_template_global(inline_style)
    # The one rounding rule (analysis.rounding): every percentage and point figure.
    app.add_template_filter(number_filter, "number")
    app.add_template_filter(percent_filter, "percent")
    # The one small-number wording: "fewer than 5".
    app.add_template_filter(count_filter, "small_count")
    app.jinja_env.globals.setdefault("area", None)
    app.jinja_env.globals.setdefault("easy_read", False)
    app.jinja_env.globals.setdefault("has_errors", False)

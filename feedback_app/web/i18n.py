"""Languages: Flask-Babel, the respondent's choice remembered in the session."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Flask, current_app, g, request, session
from flask_babel import Babel, format_date, format_datetime
from werkzeug.wrappers import Response as HttpResponse

from feedback_app.translating.content_translation import content_gettext
from feedback_app.web import request_translations
from feedback_app.web.languages import NATIVE_NAMES, RTL_LANGUAGES, SHIPPED_LANGUAGES
from feedback_app.web.redirects import safe_redirect

__all__ = ["NATIVE_NAMES", "RTL_LANGUAGES", "SHIPPED_LANGUAGES", "select_locale"]


def offered_languages() -> tuple[str, ...]:
    """Languages on offer on this page: a wave's complete translations, else all shipped."""
    wave_languages: tuple[str, ...] | None = g.get("wave_languages")
    configured: tuple[str, ...] = current_app.config["LANGUAGES"]
    if wave_languages is None:
        return configured
    return tuple(code for code in configured if code in wave_languages) or ("en",)


def select_locale() -> str:
    """The respondent's chosen language, else the browser's best match.

    Staff pages are in English: the workspace is not translated (yet), and a
    half-translated screen is worse than an English one. The one exception is a
    draft's preview in a language families may choose.
    """
    if request.path.startswith("/staff"):
        # A draft previewed in a respondent's language (designer preview) sets this.
        return str(g.get("preview_language", "en"))
    languages = offered_languages()
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or languages[0]


def text_direction(locale: str) -> str:
    """``rtl`` or ``ltr`` for a language code."""
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"


def init_app(app: Flask) -> None:
    """Initialise Flask-Babel and the template helpers."""
    Babel(app, locale_selector=select_locale)
    request_translations.init_app(app)
    app.before_request(remember_language_choice)
    app.add_template_global(format_date)
    # Questionnaire text: a version's uploaded translation first, then the catalog.
    app.add_template_global(content_gettext, "qt")
    app.add_template_global(format_datetime)
    app.add_template_filter(as_date)

    @app.context_processor
    def language_context() -> dict[str, object]:
        # The locale the page's texts are translated into (Flask-Babel's, chosen
        # once per request by select_locale), so lang="" always matches them.
        locale = request_translations.language()
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "language_links": []
            if request.path.startswith("/staff")
            else [(code, NATIVE_NAMES.get(code, code)) for code in offered_languages()],
        }


def remember_language_choice() -> HttpResponse | None:
    """``?lang=xx`` on any page: remember the choice, then show the same page."""
    chosen = request.args.get("lang")
    if chosen is None or request.method != "GET":
        return None
    if request.path.startswith("/staff"):
        # Staff pages are English whatever families chose: there ``lang`` names what
        # the page shows (a printed form's language), not a choice to remember.
        return None
    if chosen in current_app.config["LANGUAGES"]:
        session["lang"] = chosen
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"])
    # The path comes from the request: "//evil.example/?lang=en" must not leave the site.
    return safe_redirect(request.path + (f"?{query}" if query else ""), fallback="/")


def as_date(value: object) -> dt.date | None:
    """A date, or an ISO date text (as cached results keep it), as a date for
    ``format_date``: people read "3 December 2026", never "2026-12-03"."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None

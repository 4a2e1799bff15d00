"""The languages the browser suite runs in, and their text from the compiled catalogs.

Every shipped language is tested, translated or not: while translators work an
untranslated message falls back to English, so the pages still render and every
check except the wording still means something.
"""

from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations

from feedback_app.config import PROJECT_DIR
from feedback_app.web.languages import RTL_LANGUAGES, SHIPPED_LANGUAGES

LANGUAGES: tuple[str, ...] = SHIPPED_LANGUAGES
RTL: tuple[str, ...] = tuple(code for code in SHIPPED_LANGUAGES if code in RTL_LANGUAGES)
TRANSLATIONS_DIR = PROJECT_DIR / "translations"


@cache
def _catalog(lang: str) -> NullTranslations:
    # The .mo files `make compile-translations` writes; English needs none.
    return Translations.load(str(TRANSLATIONS_DIR), [lang], domain="messages")


def translated(lang: str, message: str) -> str:
    """``message`` as the app shows it in ``lang`` (English while untranslated)."""
    return _catalog(lang).gettext(message)


def direction(lang: str) -> str:
    """What ``<html dir>`` must be: ``rtl`` exactly for the right-to-left languages."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"

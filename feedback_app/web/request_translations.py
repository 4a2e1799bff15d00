"""The request's translation catalog, looked up once per request (issue 17).

Flask-Babel finds the catalog on every ``gettext``: the request's Babel context,
the domain, the locale, its identifier as text, then the catalog cache. A
question page asks for about sixty texts (the template's ``_()``, the
questionnaire's text, the form's labels), so that search was a tenth of a page
view. Here it is done once per request and kept in ``g`` beside the locale it
was found for: if the locale changes within the request (``force_locale`` when
a message is sent in its reader's language, or Flask-Babel's ``refresh``), the
next call finds the catalog again.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import get_locale, get_translations

_KEY = "_request_translations"


def _found() -> tuple[Any, NullTranslations, str]:
    """(locale, catalog, language code) of the request, looked up at most once per locale."""
    try:
        request_g = g._get_current_object()
    except RuntimeError:  # outside an application context: Flask-Babel's answer
        return None, get_translations(), "en"
    babel = request_g.__dict__.get("_flask_babel")
    locale = getattr(babel, "babel_locale", None) if babel is not None else None
    cached = request_g.__dict__.get(_KEY)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached
    catalog = get_translations()
    locale = get_locale()
    found = (locale, catalog, str(locale or "en"))
    setattr(request_g, _KEY, found)
    return found


def translations() -> NullTranslations:
    """The catalog of the request's language (Flask-Babel's ``get_translations``)."""
    return _found()[1]


def language() -> str:
    """The request's language code, ``str(get_locale())`` (``en`` when there is none)."""
    return _found()[2]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext`` through the request's catalog: translated, then %-formatted."""
    text = translations().ugettext(string)
    return text if not variables else text % variables


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext`` through the request's catalog (``num`` is a variable too)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def init_app(app: Flask) -> None:
    """Templates' ``_()`` and friends use the request's catalog (after Flask-Babel's init)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )

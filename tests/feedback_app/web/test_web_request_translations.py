"""The request's translation catalog (``feedback_app.web.request_translations``):
looked up once per request, yet the same texts as Flask-Babel's, and switched by
``force_locale`` (a message sent in its reader's language) and back."""

from __future__ import annotations

from flask import Flask, session
from flask_babel import force_locale, get_translations
from flask_babel import gettext as babel_gettext
from flask_babel import ngettext as babel_ngettext

from feedback_app.web import request_translations


def test_one_catalog_per_request_giving_flask_babels_texts(app: Flask) -> None:
    with app.test_request_context("/"):
        session["lang"] = "cy"
        first = request_translations.translations()
        assert request_translations.translations() is first  # looked up once
        assert first is get_translations()
        assert request_translations.language() == "cy"
        for text in ("Back", "Save and continue", "There is a problem"):
            assert request_translations.gettext(text) == babel_gettext(text)
        assert request_translations.gettext("Back") != "Back", "Welsh, not English"
        assert request_translations.gettext(
            "%(question)s (optional)", question="Q"
        ) == babel_gettext("%(question)s (optional)", question="Q")
        for minutes in (1, 2, 5):
            assert request_translations.ngettext(
                "Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes
            ) == babel_ngettext(
                "Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes
            )


def test_force_locale_switches_the_catalog_and_back(app: Flask) -> None:
    with app.test_request_context("/"):
        session["lang"] = "cy"
        welsh = request_translations.gettext("Back")
        with force_locale("pl"):
            assert request_translations.language() == "pl"
            assert request_translations.gettext("Back") == babel_gettext("Back")
            assert request_translations.gettext("Back") != welsh
        assert request_translations.language() == "cy"
        assert request_translations.gettext("Back") == welsh


def test_templates_and_each_request_use_their_own_language(app: Flask) -> None:
    render = "{{ _('Back') }}"
    texts = {}
    for language in ("en", "cy", "en"):
        with app.test_request_context("/"):
            session["lang"] = language
            texts.setdefault(language, set()).add(app.jinja_env.from_string(render).render())
            assert request_translations.language() == language
    assert texts["en"] == {"Back"}
    assert texts["cy"] != {"Back"} and len(texts["cy"]) == 1


def test_outside_an_application_context_texts_are_english() -> None:
    assert request_translations.gettext("Back") == "Back"
    assert request_translations.language() == "en"

"""The accessibility statement (issue 16 §4): GOV.UK's model, this deployment's details.

The page is public, linked from the footer of every page (public, respondent and
staff), carries the contact details and dates from configuration, and a mistake in
that configuration stops the app instead of publishing a wrong statement.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from feedback_app import create_app
from feedback_app.config import ConfigError, from_environment
from feedback_app.web.languages import SHIPPED_LANGUAGES

DETAILS = {
    "ORGANISATION_NAME": "Northshire County Council",
    "CONTACT_EMAIL": "send.voice@northshire.example.gov.uk",
    "CONTACT_PHONE": "01234 567890",
    "ACCESSIBILITY_RESPONSE_DAYS": "5",
    "ACCESSIBILITY_COMPLIANCE": "full",
    "ACCESSIBILITY_TESTED_ON": "2026-11-30",
    "ACCESSIBILITY_PREPARED_ON": "2026-10-01",
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_statement_carries_the_deployments_details(database_url: str) -> None:
    settings = from_environment(DETAILS).flask_config()
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, **settings})
    page = app.test_client().get("/accessibility")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    assert "run by Northshire County Council" in text
    assert 'href="mailto:send.voice@northshire.example.gov.uk"' in page.get_data(as_text=True)
    assert "01234 567890" in text
    assert "get back to you in 5 days" in text
    assert "fully compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text
    assert "last tested on 30 November 2026" in text
    assert "prepared on 1 October 2026" in text
    for needed in ("large print", "paper", "Easy Read", "(EHRC)", "(ECNI)", "axe-core"):
        assert needed in text, needed
    app.extensions["db_engine"].dispose()


def test_without_contact_details_it_says_whom_to_ask(app: Flask) -> None:
    text = _text(app.test_client().get("/accessibility").get_data(as_text=True))
    assert "mailto:" not in text
    assert "parent carer forum" in text
    assert "partially compliant" in text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CONTACT_EMAIL", "not an address"),
        ("ACCESSIBILITY_RESPONSE_DAYS", "0"),
        ("ACCESSIBILITY_RESPONSE_DAYS", "ten"),
        ("ACCESSIBILITY_COMPLIANCE", "mostly"),
        ("ACCESSIBILITY_TESTED_ON", "30/11/2026"),
        ("ACCESSIBILITY_PREPARED_ON", "soon"),
    ],
)
def test_a_wrong_setting_stops_the_app(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        from_environment({**DETAILS, name: value})


def test_every_footer_links_to_the_statement(app: Flask, demo: dict[str, str]) -> None:
    client = app.test_client()
    slug = next(iter(demo.values()))
    for path in ("/", "/privacy", "/accessibility", f"/s/{slug}", "/s/nope", "/staff/login"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/accessibility"' in html.split('<footer class="govuk-footer">')[1], path


@pytest.mark.parametrize("lang", [code for code in SHIPPED_LANGUAGES if code != "en"])
def test_the_statement_is_translated(app: Flask, lang: str) -> None:
    client = app.test_client()
    english = _text(client.get("/accessibility").get_data(as_text=True))
    client.get(f"/accessibility?lang={lang}")
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'lang="{lang}"' in html
    translated = _text(html)
    for heading in ("Enforcement procedure", "How we tested this website"):
        assert heading in english and heading not in translated, (lang, heading)

"""Words: "Change" as a link and as a heading, plurals, no doubled instructions or
full stops, readable dates, no "Staff sign in" for someone signed in."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale, pgettext
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Wave
from feedback_app.web.languages import SHIPPED_LANGUAGES
from tests.support.answers import answer_demo_event
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in

EVENT = "demo-event-feedback"


def test_change_has_a_context_in_every_shipped_language(app: Flask) -> None:
    with app.test_request_context():
        for lang in SHIPPED_LANGUAGES:
            if lang == "en":
                continue
            with force_locale(lang):
                link = pgettext("link", "Change")
                heading = pgettext("table heading", "Change")
            assert link != "Change" and heading != "Change", lang
            if lang in {"pl", "ur", "uk", "ro", "bn", "pa", "so"}:
                assert link != heading, lang  # a verb on the link, a noun in the table


def test_check_answers_link_is_the_verb(app: Flask, demo: dict[str, str]) -> None:
    family = answer_demo_event(app, lang="pl")
    html = family.get(f"/s/{EVENT}/check").get_data(as_text=True)
    assert "Zmień" in html and "Zmiana" not in html


def test_footer_plurals_instructions_and_dates(app: Flask, demo: dict[str, str]) -> None:
    make_area_with_staff(app, "demo")
    assert "Staff sign in" in app.test_client().get("/").get_data(as_text=True)
    admin = signed_in(app.test_client(), "administrator@demo.example")
    with app.app_context():
        ids = dict(db.session().execute(select(Wave.slug, Wave.id)).all())
    home = admin.get("/staff/demo/").get_data(as_text=True)
    assert "Staff sign in" not in home

    monitor = admin.get(f"/staff/demo/waves/{ids[EVENT]}/monitor").get_data(as_text=True)
    assert "picked out." in monitor and "picked out.." not in monitor

    printed = admin.get(f"/staff/demo/waves/{ids['demo-parent-annual']}/print")
    text = printed.get_data(as_text=True)
    assert "Tick all that apply." in text and "Select all that apply." not in text

    # One response: "1 response", not "1 responses".
    family = answer_demo_event(app)
    family.post(f"/s/{EVENT}/check")
    url = f"/staff/demo/data-protection/waves/{ids[EVENT]}/delete"
    admin.get(url)
    with app.app_context():
        name = db.session().get(Wave, ids[EVENT]).name  # type: ignore[union-attr]
    done = admin.post(url, {"confirm_name": name}).get_data(as_text=True)
    assert "deleted with 1 response<" in done or "deleted with 1 response\n" in done, done[-2000:]

    with app.test_request_context():
        shown = render_template_string('{{ format_date("2026-12-03"|as_date, "d MMMM yyyy") }}')
    assert shown == "3 December 2026"


def test_select_an_answer_names_the_question(app: Flask, demo: dict[str, str]) -> None:
    """Issue 15 point 11: the error says which question needs an answer, in English
    and in the respondent's language."""
    family = PageBrowser(app.test_client())
    family.get(f"/s/{EVENT}")
    family.post(f"/s/{EVENT}/start")
    page = family.post(family.path, {})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Select an answer to “Today&#39;s event was useful to me”" in html
    family.get(f"{family.path}?lang=cy")
    # The raw client: the page checks expect an English "Error:" title.
    welsh = family.client.post(family.path, data={"csrf_token": family.csrf_token()})
    assert welsh.status_code == 400
    assert "Dewiswch ateb i “" in welsh.get_data(as_text=True)

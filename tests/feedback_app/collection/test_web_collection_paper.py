"""Paper returns: keyed after closing, double keying, refusals and bad input."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.collection.keying import kept_answers
from feedback_app.models import Answer, LocalArea, PaperReturn, Response, utcnow
from surveys.library import bundled_questionnaires
from tests.support.browser import PageBrowser
from tests.support.page_checks import page_problems
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import add_wave, make_wave


def _wave(app: Flask, *, closed: bool) -> int:
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        area.localities = [["n1", "North Town"], ["s1", "South Town"]]
        now = utcnow()
        wave = add_wave(
            session,
            questionnaire="parent_annual",
            name="Baseline 2026",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=1) if closed else now + dt.timedelta(days=30),
        )
        session.commit()
        return wave.id


def _setup(app: Flask, *, closed: bool = True) -> tuple[dict[str, str], int, str]:
    staff = make_area_with_staff(app, "north")
    wave_id = _wave(app, closed=closed)
    return staff, wave_id, f"/staff/north/waves/{wave_id}/paper"


def _rows(app: Flask, model: type) -> list:
    with app.app_context():
        rows = list(db.session().scalars(select(model)))
        db.session().expunge_all()  # keep the loaded values after the request ends
        return rows


def _response_answers(app: Flask) -> tuple[Response, dict[str, object]]:
    with app.app_context():
        response = db.session().scalars(select(Response)).one()
        answers = dict(
            db.session()
            .execute(
                select(Answer.question_id, Answer.value).where(Answer.response_id == response.id)
            )
            .all()
        )
        db.session().expunge_all()
        return response, answers


def _key(browser: PageBrowser, url: str, data: dict[str, str]):
    browser.get(url)
    return browser.post(url, {f"q_{k}" if k != "reference" else k: v for k, v in data.items()})


def test_paper_return_keyed_after_close_becomes_a_submitted_paper_response(app: Flask) -> None:
    staff, wave_id, url = _setup(app, closed=True)
    browser = signed_in(app.test_client(), staff["coordinator"])
    page = _key(
        browser,
        url,
        {
            "reference": " p-001 ",
            "plan_type": "1",  # EHC plan
            "age_phase": "",  # left blank on paper: accepted although required online
            "services_used": "2, 3",
            "local_offer_useful": "2",
            "trust_confidence": "4",
            "listened_to_ehcp": "1",
            "works_well": "The new SENCO listens",
            "ethnicity": "4",
        },
    )
    assert "Paper form P-001 keyed" in page.get_data(as_text=True)
    assert _rows(app, Response) == [], "nothing becomes a response before it is accepted"
    (paper_return,) = _rows(app, PaperReturn)
    page = browser.post(f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/accept", {})
    assert "Paper form P-001 accepted as a response" in page.get_data(as_text=True)
    response, answers = _response_answers(app)
    assert (response.channel, response.status, response.language) == ("paper", "submitted", "en")
    assert response.submitted_at is not None
    assert answers == {
        "plan_type": "ehcp",
        "services_used": ["local_offer", "educational_psychology"],
        "local_offer_useful": "agree",
        "trust_confidence": "disagree",
        "listened_to_ehcp": "strongly_agree",
        "works_well": "The new SENCO listens",
        "ethnicity": "white",
    }
    (accepted,) = _rows(app, PaperReturn)
    assert accepted.response_id == response.id and accepted.accepted_at is not None
    # Pressing accept again makes no second response.
    again = browser.client.post(
        f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/accept",
        data={"csrf_token": browser.csrf_token()},
    )
    assert again.status_code == 409
    assert len(_rows(app, Response)) == 1


def test_answers_the_respondent_was_told_to_skip_are_dropped_unless_undecided() -> None:
    questionnaire = bundled_questionnaires()["parent_annual"]
    written = {"plan_type": "sen_support", "listened_to_ehcp": "agree", "trust_confidence": "agree"}
    assert kept_answers(questionnaire, written) == {
        "plan_type": "sen_support",
        "trust_confidence": "agree",
    }
    blank_routing = {"listened_to_ehcp": "agree"}
    assert kept_answers(questionnaire, blank_routing) == blank_routing
    skipped_local_offer = {"services_used": ("camhs",), "local_offer_useful": "agree"}
    assert kept_answers(questionnaire, skipped_local_offer) == {"services_used": ("camhs",)}


def test_second_keying_by_the_same_person_is_refused(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    _key(browser, url, {"reference": "A1", "plan_type": "1"})
    (paper_return,) = _rows(app, PaperReturn)
    second = f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/second"
    page = browser.client.post(
        second, data={"csrf_token": browser.csrf_token(), "q_plan_type": "2"}
    )
    assert page.status_code == 409
    assert "Someone else must key the second copy" in page.get_data(as_text=True)
    assert page_problems(page.get_data(as_text=True)) == []
    (unchanged,) = _rows(app, PaperReturn)
    assert unchanged.second_keying is None


def test_differences_are_listed_and_the_chosen_value_is_accepted(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    first = signed_in(app.test_client(), staff["coordinator"])
    _key(
        first,
        url,
        {"reference": "B7", "plan_type": "1", "age_phase": "2", "trust_confidence": "1",
         "help_support_rating": "3", "works_well": "Our keyworker rings back"},
    )  # fmt: skip
    (paper_return,) = _rows(app, PaperReturn)
    second = signed_in(app.test_client(), staff["officer"])
    page = second.get(f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/second")
    html = page.get_data(as_text=True)
    assert "Our keyworker rings back" not in html, "the second keying is blind"
    page = second.post(
        f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/second",
        {"q_plan_type": "1", "q_age_phase": "3", "q_trust_confidence": "1",
         "q_help_support_rating": "", "q_works_well": "Our keyworker rings back"},
    )  # fmt: skip
    html = page.get_data(as_text=True)
    assert "Differences between the two keyings" in html
    legends = re.findall(r"<legend[^>]*>\s*(\d+)\.", html)
    assert legends == ["2", "8"], "age phase (2) and help and support (8) differ"
    assert "First keying: 2 5 to 11 (primary school age)" in html
    assert "Second keying: 3 11 to 16 (secondary school age)" in html
    assert "Second keying: Blank" in html
    accept = f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/accept"
    # Every difference needs a choice: nothing is written without them all.
    page = second.client.post(
        accept, data={"csrf_token": second.csrf_token(), "q_age_phase": "second"}
    )
    assert page.status_code == 400
    assert page.get_data(as_text=True).count("Choose which keying is right") >= 1
    assert _rows(app, Response) == []
    second.post(accept, {"q_age_phase": "second", "q_help_support_rating": "first"})
    _response, answers = _response_answers(app)
    assert answers == {
        "plan_type": "ehcp",
        "age_phase": "secondary",
        "trust_confidence": "strongly_agree",
        "help_support_rating": "neither",
        "works_well": "Our keyworker rings back",
    }


def test_a_reference_is_keyed_once(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    _key(browser, url, {"reference": "C 12", "plan_type": "1"})
    page = browser.client.post(
        url, data={"csrf_token": browser.csrf_token(), "reference": "c  12", "q_plan_type": "2"}
    )
    assert page.status_code == 400
    assert "Paper form C 12 has already been keyed" in page.get_data(as_text=True)
    (paper_return,) = _rows(app, PaperReturn)
    browser.post(f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/accept", {})
    browser.get(url)
    page = browser.client.post(url, data={"csrf_token": browser.csrf_token(), "reference": "C 12"})
    assert page.status_code == 400
    assert "has already been accepted. Do not key it again" in page.get_data(as_text=True)
    assert len(_rows(app, PaperReturn)) == 1 and len(_rows(app, Response)) == 1


def test_bad_values_are_form_errors_and_write_nothing(app: Flask) -> None:
    staff, _wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    browser.get(url)
    cases = {
        "q_plan_type": ("9", "Enter the number of the box that is ticked, from 1 to 5"),
        "q_age_phase": ("1 2", "Enter one number only"),
        "q_services_used": ("1 7", 'Select "None of these" on its own, or other options'),
        "q_works_well": ("x" * 1201, "Your answer must be 1200 characters or fewer"),
        "q_trust_confidence": ("agree", "Enter the number of the box that is ticked"),
        "reference": ("<script>", "The reference can only contain"),
    }
    for name, (value, message) in cases.items():
        data = {"reference": "D1", "q_plan_type": "1", name: value}
        page = browser.client.post(url, data={"csrf_token": browser.csrf_token(), **data})
        html = page.get_data(as_text=True)
        assert page.status_code == 400, name
        html = unescape(html)
        assert message in html, name
        assert page_problems(html, expect_error=True) == [], name
        assert re.search(r"<title>\s*Error:", html), name
    missing_token = browser.client.post(url, data={"reference": "D1", "q_plan_type": "1"})
    assert missing_token.status_code == 400
    assert _rows(app, PaperReturn) == [] and _rows(app, Response) == []
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Answer)) == 0


def test_print_numbering_matches_the_entry_screen(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    entry = browser.get(url).get_data(as_text=True)
    entry_numbers = dict((qid, int(n)) for qid, n in re.findall(r'for="q_(\w+)">\s*(\d+)\.', entry))
    printed = browser.get(f"/staff/north/waves/{wave_id}/print").get_data(as_text=True)
    printed_numbers = dict(
        (qid, int(n))
        for qid, n in re.findall(r'data-question-id="(\w+)" data-question-number="(\d+)"', printed)
    )
    questionnaire = bundled_questionnaires()["parent_annual"]
    assert list(entry_numbers) == [q.id for q in questionnaire.questions()]
    assert entry_numbers == printed_numbers
    assert entry_numbers["listened_to_ehcp"] == 11
    assert "<input" not in printed.split('class="app-print')[1].split("</main>")[0]
    assert (
        "Answer question 11 only if you ticked “Education, Health and Care plan (EHC plan)” "
        "at question 1" in printed.replace("&#34;", '"')
    )
    assert "Paper form reference" in printed
    assert "We keep your answers for 3 years" in printed
    large = browser.get(f"/staff/north/waves/{wave_id}/print?size=large").get_data(as_text=True)
    assert "app-print--large" in large and "app-print--large" not in printed
    reviewer = signed_in(app.test_client(), staff["reviewer"])
    assert reviewer.client.get(f"/staff/north/waves/{wave_id}/print").status_code == 403


def test_routes_print_as_go_to_instructions(app: Flask) -> None:
    staff = make_area_with_staff(app, "north")
    wave_id = make_wave(
        app,
        questionnaire="ehc_assessment_milestone",
        name="Milestones",
        opens_at=utcnow(),
        closes_at=None,
    ).id
    browser = signed_in(app.test_client(), staff["officer"])
    printed = browser.get(f"/staff/north/waves/{wave_id}/print").get_data(as_text=True)
    assert re.search(r"If you ticked “[^”]+” at question 1, go to question \d+\.", printed)
    assert re.search(r"Now go to question \d+\.", printed)


def test_another_areas_wave_and_tampered_choices_are_refused(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    make_area_with_staff(app, "south")
    south = signed_in(app.test_client(), "coordinator@south.example")
    for path in (url, f"/staff/south/waves/{wave_id}/paper", f"/staff/south/waves/{wave_id}/print"):
        assert south.client.get(path).status_code == 404, path
    first = signed_in(app.test_client(), staff["coordinator"])
    _key(first, url, {"reference": "E5", "plan_type": "1"})
    (paper_return,) = _rows(app, PaperReturn)
    second = signed_in(app.test_client(), staff["officer"])
    second.get(f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/second")
    second.post(
        f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/second", {"q_plan_type": "2"}
    )
    page = second.client.post(
        f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/accept",
        data={"csrf_token": second.csrf_token(), "q_plan_type": "third"},
    )
    assert page.status_code == 400
    assert page_problems(page.get_data(as_text=True), expect_error=True) == []
    assert _rows(app, Response) == []
    # A third keying is refused: the form has been keyed twice already.
    third = signed_in(app.test_client(), staff["administrator"])
    page = third.client.get(f"/staff/north/waves/{wave_id}/paper/{paper_return.id}/second")
    assert page.status_code == 409
    assert "has already been keyed twice" in page.get_data(as_text=True)


def test_easy_read_prints_faces_and_the_returns_list_shows_each_status(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    _key(browser, url, {"reference": "F1", "plan_type": "1"})
    _key(browser, url, {"reference": "F2", "plan_type": "2"})
    (_f1, f2) = sorted(_rows(app, PaperReturn), key=lambda r: r.reference)
    browser.post(f"/staff/north/waves/{wave_id}/paper/{f2.id}/accept", {})
    listing = browser.get(f"{url}/returns").get_data(as_text=True)
    assert re.search(
        r">F1<.*Keyed once: accept it, or have someone else key it again", listing, re.S
    )
    assert re.search(r">F2<.*Accepted", listing, re.S)
    easy_id = make_wave(
        app, questionnaire="young_people", name="Youth", opens_at=utcnow(), closes_at=None
    ).id
    printed = browser.get(f"/staff/north/waves/{easy_id}/print?size=large").get_data(as_text=True)
    assert re.search(r'class="app-print__picture"><svg', printed)


def _printed_form(html: str) -> str:
    """The printed form's opening tag on, to the end of the page's main content (the
    staff controls above it stay English)."""
    return re.split(r'(?=<div class="app-print[ "])', html, maxsplit=1)[1].split("</main>")[0]


@pytest.mark.parametrize(("language", "direction"), [("pl", "ltr"), ("ur", "rtl")])
def test_the_form_prints_in_each_language_it_is_translated_into(
    app: Flask, language: str, direction: str
) -> None:
    staff, wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["officer"])
    english = browser.get(f"/staff/north/waves/{wave_id}/print").get_data(as_text=True)
    assert f'lang="{language}"' in english, "the page offers every translated language"
    questionnaire = bundled_questionnaires()["parent_annual"]
    entry = browser.get(url).get_data(as_text=True)
    entry_numbers = re.findall(r'for="q_(\w+)">\s*(\d+)\.', entry)
    for size in ("", "&size=large"):
        page = browser.get(f"/staff/north/waves/{wave_id}/print?lang={language}{size}")
        assert page.status_code == 200
        html = unescape(page.get_data(as_text=True))
        form = _printed_form(html)
        assert re.match(rf'<div [^>]*lang="{language}" dir="{direction}">', form), form[:120]
        assert ("app-print--large" in form) == bool(size)
        # No English question text, hint or instruction is left on the form.
        english_texts = [q.text for q in questionnaire.questions()] + [
            "How to fill in this form", "Tick one box.", "Tick all that apply.",
            "Paper form reference", "Questions", "only if you ticked",
        ]  # fmt: skip
        assert [t for t in english_texts if t in form] == []
        # Numbered as on the keying screen.
        printed = re.findall(r'data-question-id="(\w+)" data-question-number="(\d+)"', form)
        assert printed == entry_numbers
        assert page_problems(page.get_data(as_text=True)) == []
    # A language the version is not translated into is not a printed form.
    assert browser.client.get(f"/staff/north/waves/{wave_id}/print?lang=xx").status_code == 404


def test_a_keyed_return_records_the_language_of_its_form(app: Flask) -> None:
    staff, wave_id, url = _setup(app)
    browser = signed_in(app.test_client(), staff["coordinator"])
    entry = browser.get(url).get_data(as_text=True)
    assert re.search(r'<option (selected )?value="en"( selected)?>English</option>', entry)
    assert 'value="ur"' in entry
    _key(browser, url, {"reference": "U1", "plan_type": "1"})
    browser.post(url, {"reference": "U2", "language": "ur", "q_plan_type": "2"})
    refused = browser.post(url, {"reference": "U3", "language": "xx", "q_plan_type": "2"})
    assert refused.status_code == 400
    assert "Choose a language from the list" in refused.get_data(as_text=True)
    returns = {r.reference: r for r in _rows(app, PaperReturn)}
    assert {ref: r.language for ref, r in returns.items()} == {"U1": "en", "U2": "ur"}
    browser.post(f"/staff/north/waves/{wave_id}/paper/{returns['U2'].id}/accept", {})
    response, _answers = _response_answers(app)
    assert (response.channel, response.language) == ("paper", "ur")

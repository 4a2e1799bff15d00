"""Issue 14: "% positive" for an area's own closed question, as data.

The coordinator marks which options of their own question count as positive
(``positive`` in the definition; standard scales have defaults in the answer type
registry). The wave page, its report (page, PDF, XLSX) and Compare then give the
share with its 95% Wilson interval and base, under the one small-number rule; a
question with no positive options shows none and nothing fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import yaml
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from analysis import question_positive, to_dict
from analysis.wave_results import wave_results
from feedback_app import db
from feedback_app.models import QuestionnaireVersion, Wave
from feedback_app.results import data
from feedback_app.results.wave import service
from surveys.loading import parse_questionnaire
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import add_later_wave, add_submitted_response

BASE = "/staff/demo/results/waves"

#: The area's own questions: one with positive answers marked, one without.
OWN_PAGES = [
    {
        "id": "venue",
        "questions": [
            {
                "id": "venue_rating",
                "type": "single",
                "text": "How was the venue?",
                "options": [
                    {"code": "excellent", "label": "Excellent"},
                    {"code": "good", "label": "Good"},
                    {"code": "poor", "label": "Poor"},
                    {"code": "dont_know", "label": "Don't know", "exclude_from_base": True},
                ],
                "positive": ["excellent", "good"],
            }
        ],
    },
    {
        "id": "who",
        "questions": [
            {
                "id": "who_you_are",
                "type": "single",
                "text": "Who are you?",
                "options": [
                    {"code": "parent", "label": "A parent or carer"},
                    {"code": "professional", "label": "A professional"},
                ],
            }
        ],
    },
]


def _own_version(app: Flask) -> tuple[int, int]:
    """The event questionnaire with the area's own questions, on two waves."""
    with app.app_context():
        session = db.session()
        first = session.scalar(select(Wave).where(Wave.slug == "demo-event-feedback"))
        assert first is not None
        definition = yaml.safe_load(first.version.definition)
        definition["pages"][2:2] = OWN_PAGES
        text = yaml.safe_dump(definition, sort_keys=False)
        parse_questionnaire(text, source="own questions")
        version = QuestionnaireVersion(
            area_id=first.area_id,
            questionnaire_id=first.version.questionnaire_id,
            version=50,
            title=first.version.title,
            definition=text,
            checksum=hashlib.sha256(text.encode()).hexdigest(),
        )
        session.add(version)
        session.flush()
        first.version_id = version.id
        second = add_later_wave(
            session, first, slug="demo-event-later", name="Later event", days=40
        )
        # First event: 30 excellent, 12 good, 10 poor, 12 don't know (42 of 52
        # positive); the later event: 13 excellent, 10 good, 30 poor (23 of 53).
        plans = {
            first: [("excellent", 30), ("good", 12), ("poor", 10), ("dont_know", 12)],
            second: [("excellent", 13), ("good", 10), ("poor", 30)],
        }
        for wave, plan in plans.items():
            i = 0
            for code, n in plan:
                for _ in range(n):
                    add_submitted_response(
                        session,
                        wave,
                        {
                            "venue_rating": code,
                            "who_you_are": "parent" if i % 3 else "professional",
                            "event_useful": "agree" if i % 4 else "disagree",
                        },
                        when=wave.opens_at + dt.timedelta(hours=1),
                    )
                    i += 1
        session.commit()
        return first.id, second.id


def _block(html: str, question: str) -> str:
    """The part of a results page about one question (its heading to the next)."""
    start = html.index(f'id="q-{question}-heading"')
    end = html.find('class="govuk-heading-s"', start + 1)
    return html[start : end if end > 0 else len(html)]


def test_own_question_has_percent_positive_on_the_page_report_and_downloads(
    app: Flask, demo: dict[str, str]
) -> None:
    make_area_with_staff(app, "demo")
    first, _ = _own_version(app)
    browser = signed_in(app.test_client(), "officer@demo.example")
    with app.test_request_context():
        session = db.session()
        wave = session.get(Wave, first)
        assert wave is not None
        frame = data.wave_frame(session, [wave])
        expected = to_dict(
            wave_results(
                frame,
                wave=data.wave_labels([wave])[wave.id],
                questions=["venue_rating"],
                positive=[question_positive("venue_rating", ["excellent", "good"],
                                            exclude=["dont_know"])],
            )
        )["questions"][0]["positive"]  # fmt: skip
        shown = service.results(session, wave.area, wave, publication=False)
    rating = next(q for q in shown["results"]["questions"] if q["question"] == "venue_rating")
    # The shared statistics: 42 of 52 in the base ("Don't know" left out), Wilson 95%.
    assert (rating["positive"]["base"], rating["positive"]["positive"]) == (52, 42)
    assert rating["positive"] == expected
    assert rating["positive_labels"] == ["Excellent", "Good"]
    who = next(q for q in shown["results"]["questions"] if q["question"] == "who_you_are")
    assert who["positive"] is None

    page = browser.get(f"{BASE}/{first}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    venue = _block(html, "venue_rating")
    assert 'data-figure="positive"' in venue
    assert f"{expected['percent']:.1f}%" in venue
    assert f"{expected['ci_low']:.1f} to {expected['ci_high']:.1f}" in venue
    assert "Counted as positive: Excellent, Good" in venue
    # No positive options marked: no % positive, and no error.
    assert 'data-figure="positive"' not in _block(html, "who_you_are")
    # The standard agreement scale counts agree and strongly agree by default.
    assert 'data-figure="positive"' in _block(html, "event_useful")

    report = browser.get(f"{BASE}/{first}/report")
    assert report.status_code == 200
    published = _block(report.get_data(as_text=True), "venue_rating")
    # Publication rounds to whole percentages (the one rounding rule for published figures).
    assert re.search(r'data-figure="positive"[^<]*<strong>Positive: 81% ', published), published
    pdf = browser.get(f"{BASE}/{first}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = browser.get(f"{BASE}/{first}/report.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data))["Positive"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    header = next(r for r in rows if r[0] == "question")
    venue_row = dict(zip(header, next(r for r in rows if r[2] == "venue_rating"), strict=True))
    assert venue_row["question"] == "How was the venue?"
    assert venue_row["counted_as_positive"] == "Excellent, Good"
    assert (venue_row["base"], venue_row["positive"], venue_row["percent"]) == (52, 42, 81)
    assert not any(r[2] == "who_you_are" for r in rows)


def test_compare_gives_the_change_in_percent_positive_of_an_own_question(
    app: Flask, demo: dict[str, str]
) -> None:
    make_area_with_staff(app, "demo")
    first, second = _own_version(app)
    browser = signed_in(app.test_client(), "officer@demo.example")
    page = browser.get(f"/staff/demo/results/compare?baseline={first}&follow_up={second}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    line = re.search(r'<p[^>]*id="positive-venue_rating".*?</p>', html, re.S)
    assert line is not None
    text = line.group(0)
    # 42/52 = 80.8% then 23/53 = 43.4%: down 37.4 points, significant.
    assert "80.8%" in text and "43.4%" in text
    assert "-37.4" in text or "\u221237.4" in text
    assert "yes" in text
    assert 'id="positive-who_you_are"' not in html

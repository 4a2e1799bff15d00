"""Comparing waves: the pages show what analysis computes, refuse bad choices, suppress
small groups, and an officer's theme correction changes the theme counts."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from flask import Flask
from sqlalchemy import select

from analysis import comment_themes, compare_questions, compare_waves
from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.demo.results import DEMO_WAVES, load_demo_results
from feedback_app.models import (
    Answer,
    AuditEvent,
    LocalArea,
    PopulationCount,
    Response,
    ThemeCorrection,
    Wave,
)
from feedback_app.respond import journey
from feedback_app.results import data
from tests.support.questionnaires import KPI_QUESTIONS
from tests.support.staff import make_area_with_staff, signed_in

PER_WAVE = 60
BASE = "/staff/demo/results"


def _setup(app: Flask, demo: dict[str, str]) -> dict[str, int]:
    """Three closed demo waves (baseline, mid-term follow-up, annual repeat), staff in
    every role, and one counted response to an unrelated questionnaire."""
    make_area_with_staff(app, "demo")
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=PER_WAVE)
        event = journey.find_wave(session, demo["event_feedback"])
        assert event is not None
        response = journey.start_response(session, event, language="en")
        response.status = "submitted"
        session.commit()
        waves = session.scalars(select(Wave).where(Wave.slug.like("demo-results-%"))).all()
        by_slug = {w.slug: w for w in waves}
        found = {
            "baseline": by_slug[DEMO_WAVES[0].slug],
            "follow_up": by_slug[DEMO_WAVES[1].slug],
            "repeat": by_slug[DEMO_WAVES[2].slug],
            "event": event,
        }
        return {name: wave.id for name, wave in found.items()}


def _cell(page: str, table: str, row_attr: str, row: str, figure: str) -> str:
    """Text of the cell ``data-figure=figure`` in the row ``row_attr=row`` of table ``table``."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row_html = body.split(f'{row_attr}="{row}"', 1)[1].split("</tr>", 1)[0]
    cell = row_html.split(f'data-figure="{figure}"', 1)[1].split("</td>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", cell.split(">", 1)[1])).split())


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def test_two_waves_show_analysis_figures_and_only_shared_questions(
    app: Flask, demo: dict[str, str]
) -> None:
    waves = _setup(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")
    first, repeat, mid = waves["baseline"], waves["repeat"], waves["follow_up"]

    page = browser.get(f"{BASE}/compare?baseline={first}&follow_up={repeat}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with app.test_request_context():
        session = db.session()
        pair = [session.get(Wave, first), session.get(Wave, repeat)]
        frame = data.wave_frame(session, pair)
        labels = data.wave_labels(pair)
        expected = compare_waves(
            frame, data.bank_kpis(), baseline=labels[first], follow_up=labels[repeat]
        )
        questionnaire = questionnaire_for(pair[0].version)
        services = questionnaire.question("services_used")
        assert services is not None
        options = compare_questions(
            frame,
            {"services_used": tuple(o.code for o in services.options)},
            baseline=labels[first],
            follow_up=labels[repeat],
            multiple_choice={"services_used"},
        ).questions[0]
    for kpi in expected.kpis:
        assert _cell(html, "kpis", "data-kpi", kpi.kpi.id, "baseline").startswith(
            _pct(kpi.baseline.percent)
        )
        assert _cell(html, "kpis", "data-kpi", kpi.kpi.id, "follow_up").startswith(
            _pct(kpi.follow_up.percent)
        )
        change = _cell(html, "kpis", "data-kpi", kpi.kpi.id, "change")
        assert change.startswith(f"{kpi.change.change_pp:+.1f}"), change
        assert kpi.summary in unescape(html)
    # A multiple-choice question, option by option (its percentages pass 100 in total).
    assert options.multiple_choice
    assert sum(o.baseline.percent or 0 for o in options.options) > 100
    for option in options.options:
        shown = _cell(html, "q-services_used", "data-option", option.option, "baseline")
        assert shown.startswith(_pct(option.baseline.percent)) or option.baseline.suppressed
    assert 'id="q-age_phase"' in html and 'id="q-works_well"' not in html

    # The annual survey against the short follow-up: only what both ask.
    html = browser.get(f"{BASE}/compare?baseline={first}&follow_up={mid}").get_data(as_text=True)
    tables = set(re.findall(r'<table class="govuk-table" id="q-(\w+)"', html))
    assert tables == {"plan_type", *KPI_QUESTIONS}
    assert len(re.findall(r'data-kpi="kpi_', html)) == 6
    text = browser.get(f"{BASE}/compare/free-text?baseline={first}&follow_up={mid}")
    assert "These waves share no free-text question" in text.get_data(as_text=True)

    # Three waves as a trend, chosen with checkboxes; fewer is refused.
    trend = browser.get(f"{BASE}/trend?wave={first}&wave={mid}&wave={repeat}")
    assert trend.status_code == 200
    rows = re.findall(r'<tr class="govuk-table__row" data-wave="([^"]+)"', trend.get_data(True))
    assert len(rows) == 3 * 6
    # Issue 18 (2): each KPI's test for trend over the three waves, as a sentence.
    sentences = re.findall(
        r'<p class="govuk-body" data-figure="trend">([^<]+)</p>', trend.get_data(True)
    )
    assert len(sentences) == 6 and all("three waves" in unescape(t) for t in sentences), sentences
    assert any("test for trend, p" in unescape(t) for t in sentences), sentences
    # ... and in the board report over the same three waves.
    report = browser.get(
        f"/staff/demo/results/report?baseline={first}&follow_up={mid}&follow_up={repeat}"
    ).get_data(True)
    in_report = re.findall(r'data-figure="trend">([^<]+)</p>', report)
    assert in_report and all("three waves" in unescape(t) for t in in_report), in_report
    assert browser.get(f"{BASE}/trend?show=1&wave={first}&wave={mid}").status_code == 400


def test_bad_choices_are_refused_with_a_message(app: Flask, demo: dict[str, str]) -> None:
    waves = _setup(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")
    first, event = waves["baseline"], waves["event"]
    cases = {
        f"baseline={first}&follow_up={first}": "Choose two different waves",
        f"baseline=999999&follow_up={first}": "Choose a baseline wave from the list",
        f"baseline={first}&follow_up=x": "Choose a follow-up wave from the list",
        f"baseline={first}&follow_up={event}": "ask no questions in common",
    }
    for query, message in cases.items():
        for page in ("compare", "compare/breakdowns", "compare/free-text"):
            response = browser.get(f"{BASE}/{page}?{query}")
            assert response.status_code == 400, (page, query)
            assert message in unescape(response.get_data(as_text=True)), (page, query)
            assert "govuk-error-summary" in response.get_data(as_text=True)
    repeat = waves["repeat"]
    unknown_by = f"{BASE}/compare/breakdowns?baseline={first}&follow_up={repeat}&by=x"
    assert browser.client.get(unknown_by).status_code == 404
    assert browser.client.get(f"{BASE}/comments/{first}/trust_confidence").status_code == 404
    assert browser.client.get(f"{BASE}/comments/{event}/works_well").status_code == 404

    # Only officers and administrators see results.
    for role, status in (("reviewer", 403), ("coordinator", 403), ("administrator", 200)):
        other = signed_in(app.test_client(), f"{role}@demo.example")
        assert other.client.get(f"{BASE}/compare").status_code == status, role


def test_breakdowns_suppress_small_groups_and_show_reach(app: Flask, demo: dict[str, str]) -> None:
    waves = _setup(app, demo)
    first, repeat = waves["baseline"], waves["repeat"]
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        for category, population in (("ehcp", 3000), ("sen_support", 6000), ("waiting", 500)):
            session.add(
                PopulationCount(
                    area_id=area.id, question_id="plan_type", category=category,
                    population=population,
                )
            )  # fmt: skip
        session.commit()
        languages = Counter(
            (wave_id, language)
            for wave_id, language in session.execute(
                select(Response.wave_id, Response.language).where(
                    Response.wave_id.in_([first, repeat])
                )
            )
        )
    small = {language for (_, language), n in languages.items() if n < 5}
    assert small, "the demo should have a language with fewer than 5 responses"
    browser = signed_in(app.test_client(), "officer@demo.example")
    query = f"baseline={first}&follow_up={repeat}"
    html = browser.get(f"{BASE}/compare/breakdowns?{query}&by=language").get_data(as_text=True)
    for language in small:
        for figure in ("baseline", "follow_up"):
            wave = first if figure == "baseline" else repeat
            if not languages[(wave, language)]:
                continue
            shown = _cell(html, "b-kpi_4_1", "data-group", language, figure)
            assert "%" not in shown, (language, figure, shown)
    assert "fewer than 5" in html

    html = browser.get(f"{BASE}/compare/breakdowns?{query}&by=plan_type").get_data(as_text=True)
    assert 'id="reach-1"' in html and 'id="reach-2"' in html
    reach = html.split('id="reach-1"', 1)[1].split("</table>", 1)[0]
    assert "3,000" in reach and re.search(r"(under|over)-represented|in line", reach)


def test_an_officers_theme_correction_changes_the_counts(app: Flask, demo: dict[str, str]) -> None:
    waves = _setup(app, demo)
    first, repeat = waves["baseline"], waves["repeat"]
    browser = signed_in(app.test_client(), "officer@demo.example")
    with app.app_context():
        session = db.session()
        # A comment the keywords code with at least one theme.
        answer_id, coded = next(
            (a.id, report_themes)
            for a in session.scalars(
                select(Answer)
                .join(Response)
                .where(Response.wave_id == first, Answer.question_id == "works_well")
                .order_by(Answer.id)
            )
            if (report_themes := _auto(a.value))
        )
    theme = coded[0]
    free_text = f"{BASE}/compare/free-text?baseline={first}&follow_up={repeat}"
    before = _mentions(browser.get(free_text).get_data(as_text=True), theme)

    listing = browser.get(f"{BASE}/comments/{first}/works_well")
    assert f'id="comment-{answer_id}"' in listing.get_data(as_text=True)
    saved = browser.post(f"{BASE}/comments/answers/{answer_id}", {"theme": []})
    assert saved.status_code == 200 and "Themes saved" in saved.get_data(as_text=True)
    after = _mentions(browser.get(free_text).get_data(as_text=True), theme)
    assert after == before - 1
    with app.app_context():
        session = db.session()
        correction = session.scalar(
            select(ThemeCorrection).where(ThemeCorrection.answer_id == answer_id)
        )
        assert correction is not None and correction.themes == []
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "theme_corrected")
        ).one()
        assert event.detail["answer_id"] == answer_id

    # Back to the theme again: counted once more (one correction per answer, updated).
    browser.get(f"{BASE}/comments/{first}/works_well")
    browser.post(f"{BASE}/comments/answers/{answer_id}", {"theme": [theme]})
    assert _mentions(browser.get(free_text).get_data(as_text=True), theme) == before
    token = browser.csrf_token()
    refused = browser.client.post(
        f"{BASE}/comments/answers/{answer_id}", data={"csrf_token": token, "theme": "made_up"}
    )
    assert refused.status_code == 400
    assert (
        browser.client.post(
            f"{BASE}/comments/answers/999999", data={"csrf_token": token}
        ).status_code
        == 404
    )


def _auto(value: object) -> tuple[str, ...]:
    return comment_themes(str(value or ""))


def _mentions(html: str, theme: str) -> int:
    body = html.split('id="themes-works_well"', 1)[1].split("</table>", 1)[0]
    row = body.split(f'data-theme="{theme}"', 1)[1].split("</tr>", 1)[0]
    return int(re.findall(r'data-mentions="(\d+)"', row)[0])


def test_an_answer_analysis_cannot_read_is_a_message_not_a_server_error(
    app: Flask, demo: dict[str, str]
) -> None:
    """A stored answer code the question does not offer (an old import, a hand edit)
    makes analysis refuse the wave; the pages that read closed answers say which
    response, with 400; the free-text page, which does not read them, still works."""
    waves = _setup(app, demo)
    with app.app_context():
        session = db.session()
        answer = session.scalars(
            select(Answer)
            .join(Response)
            .where(Response.wave_id == waves["follow_up"], Answer.question_id == "trust_confidence")
            .order_by(Answer.id)
        ).first()
        assert answer is not None
        answer.value = "sideways"
        odd = answer.response_id
        session.commit()
    browser = signed_in(app.test_client(), "officer@demo.example")
    query = f"baseline={waves['baseline']}&follow_up={waves['follow_up']}"
    trend = "&".join(f"wave={waves[name]}" for name in ("baseline", "follow_up", "repeat"))
    pages = ("compare?" + query, "compare/breakdowns?" + query, "trend?show=1&" + trend)
    refused = f"(response_id {odd}): column 'trust_confidence': code 'sideways'"
    for page in pages:
        response = browser.get(f"{BASE}/{page}")
        html = unescape(response.get_data(as_text=True))
        assert response.status_code == 400, page
        assert "govuk-error-summary" in html, page
        assert refused in html, page
    assert browser.get(f"{BASE}/compare/free-text?{query}").status_code == 200
    # Every other results page and document over that wave answers without a 500.
    follow_up = f"{BASE}/waves/{waves['follow_up']}"
    for path in (
        f"{BASE}/report?{query}", f"{BASE}/report.xlsx?{query}", f"{BASE}/report.pdf?{query}",
        follow_up, f"{follow_up}/breakdown", f"{follow_up}/periods", f"{follow_up}/series",
        f"{follow_up}/report", f"{follow_up}/report.xlsx", f"{follow_up}/report.pdf",
        f"{BASE}/kpis/kpi_4_1", BASE,
    ):  # fmt: skip
        assert browser.client.get(path).status_code < 500, path

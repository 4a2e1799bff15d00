"""Demo results: three closed parent-survey waves with synthetic, routed responses."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.demo.results import DEMO_ACTIONS, DEMO_WAVES, load_demo_results
from feedback_app.models import Answer, AreaAction, Response, Wave, utcnow
from feedback_app.respond import journey
from surveys.routing import on_path_answers

PER_WAVE = 60


def _utc(moment: dt.datetime | None) -> dt.datetime:
    # SQLite gives naive datetimes back; everything is stored in UTC.
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def test_three_closed_waves_with_routed_answers_and_a_second_load_adds_nothing(
    app: Flask, demo: dict[str, str]
) -> None:
    with app.app_context():
        session = db.session()
        loaded = load_demo_results(session, responses_per_wave=PER_WAVE)
        assert [(w.slug, w.submitted, w.created) for w in loaded] == [
            (plan.slug, PER_WAVE, True) for plan in DEMO_WAVES
        ]
        waves = {
            w.slug: w for w in session.scalars(select(Wave).where(Wave.slug.like("demo-results-%")))
        }
        assert set(waves) == {plan.slug for plan in DEMO_WAVES}
        now = utcnow()
        zone = ZoneInfo("Europe/London")
        closes = []
        for plan in DEMO_WAVES:
            wave = waves[plan.slug]
            assert not wave.is_open(now) and not wave.is_scheduled(now)
            questionnaire = questionnaire_for(wave.version)
            assert questionnaire.id == plan.questionnaire_id
            # The same published version the open demo wave of that questionnaire runs.
            open_wave = journey.find_wave(session, demo[plan.questionnaire_id])
            assert open_wave is not None and open_wave.version_id == wave.version_id
            # Dates are whole days in the area's time zone.
            closes_at = _utc(wave.closes_at)
            local_close = closes_at.astimezone(zone)
            assert (local_close.hour, local_close.minute) == (0, 0)
            closes.append(closes_at)
        # Baseline, then follow-up, then the repeat; the repeat closed within months.
        assert closes == sorted(closes)
        assert now - closes[0] > dt.timedelta(days=500)
        assert now - closes[2] < dt.timedelta(days=90)

        responses = session.scalars(
            select(Response).where(Response.wave_id.in_([w.id for w in waves.values()]))
        ).all()
        assert len(responses) == 3 * PER_WAVE
        assert {r.status for r in responses} == {"submitted"}
        channels = Counter(r.channel for r in responses)
        assert set(channels) == {"online", "paper"} and channels["paper"] < channels["online"]
        languages = Counter(r.language for r in responses)
        assert languages.most_common(1)[0][0] == "en" and len(languages) >= 3
        assert all(r.language == "en" for r in responses if r.channel == "paper")
        for r in responses:
            wave = next(w for w in waves.values() if w.id == r.wave_id)
            assert _utc(wave.opens_at) <= _utc(r.submitted_at) <= _utc(wave.closes_at)

        # Every stored answer is on the respondent's path, and valid for its question.
        kept_routed_out = 0
        values: Counter[str] = Counter()
        for wave in waves.values():
            questionnaire = questionnaire_for(wave.version)
            for r in (x for x in responses if x.wave_id == wave.id):
                answers = journey.saved_answers(session, r)
                assert on_path_answers(questionnaire, answers) == answers
                for question_id, value in answers.items():
                    question = questionnaire.question(question_id)
                    assert question is not None
                    if question.is_closed:
                        codes = value if isinstance(value, tuple) else (value,)
                        assert all(question.option(str(c)) for c in codes), (question_id, value)
                    values[str(value)] += 1
                plan_type = answers["plan_type"]
                if plan_type != "ehcp":
                    assert "listened_to_ehcp" not in answers
                    kept_routed_out += 1
        assert kept_routed_out > 0
        assert values["dont_know"] > 0
        # Optional questions are sometimes skipped; free text is there in English.
        free_text = session.scalars(
            select(Answer.value).where(Answer.question_id.in_(["works_well", "one_improvement"]))
        ).all()
        assert 0 < len(free_text) < 2 * 2 * PER_WAVE

        # A second load changes nothing.
        again = load_demo_results(session, responses_per_wave=PER_WAVE)
        assert [(w.submitted, w.created) for w in again] == [(PER_WAVE, False)] * 3
        total = session.scalar(
            select(func.count(Response.id)).where(
                Response.wave_id.in_([w.id for w in waves.values()])
            )
        )
        assert total == 3 * PER_WAVE
        # Published example actions, added once, so the public page has something.
        actions = session.scalars(select(AreaAction)).all()
        assert len(actions) == len(DEMO_ACTIONS) and all(a.published for a in actions)


def test_the_full_demo_shows_the_designed_kpi_movement(app: Flask, demo: dict[str, str]) -> None:
    """With 1,000 a wave the KPIs move as designed: one meets its target, one falls."""
    with app.app_context():
        session = db.session()
        load_demo_results(session)
        rows = session.execute(
            select(Wave.slug, Answer.question_id, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .join(Wave, Wave.id == Response.wave_id)
            .where(Wave.slug.like("demo-results-%"))
            .where(Answer.question_id.in_(["trust_confidence", "assessment_information_rating"]))
        ).all()
        tally: dict[tuple[str, str], list[int]] = {}
        for slug, question_id, value in rows:
            if value == "dont_know":
                continue
            counts = tally.setdefault((question_id, slug), [0, 0])
            counts[0] += value in {"strongly_agree", "agree", "very_good", "good"}
            counts[1] += 1

        def share(question_id: str, slug: str) -> float:
            positive, base = tally[(question_id, slug)]
            return 100 * positive / base

        # Trust and confidence: recorded baseline 38.5, target +10 points, met.
        assert abs(share("trust_confidence", "demo-results-baseline") - 38.5) < 4
        assert share("trust_confidence", "demo-results-repeat") >= 48.5
        # Information about assessment gets worse.
        assert share("assessment_information_rating", "demo-results-repeat") < share(
            "assessment_information_rating", "demo-results-baseline"
        )

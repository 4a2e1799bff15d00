"""The results data layer: answers as analysis reads them, and the result cache."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Response, ResultCache, Wave, utcnow
from feedback_app.respond import journey
from feedback_app.results import data


def _respond(session, wave: Wave, answers: dict, *, channel: str = "online") -> Response:  # type: ignore[no-untyped-def]
    response = journey.start_response(session, wave, language="en", channel=channel)
    journey.save_page(session, response, cleaned=answers, language="en")
    assert journey.submit(session, response, questionnaire_for(wave.version))
    return response


def test_frame_has_one_row_per_counted_response_in_analysis_format(
    app: Flask, demo: dict[str, str]
) -> None:
    with app.test_request_context():
        session = db.session()
        wave = journey.find_wave(session, demo["parent_follow_up"])
        assert wave is not None
        first = _respond(session, wave, {"trust_confidence": "agree"})
        _respond(session, wave, {"trust_confidence": "disagree"}, channel="paper")
        excluded = _respond(session, wave, {"trust_confidence": "agree"})
        excluded.review = "excluded"
        in_progress = journey.start_response(session, wave, language="pl")
        journey.save_page(
            session, in_progress, cleaned={"trust_confidence": "agree"}, language="pl"
        )
        session.commit()

        frame = data.wave_frame(session, [wave])

        assert list(frame.columns[:5]) == list(data.META_COLUMNS)
        assert len(frame) == 2
        assert frame["response_id"].tolist()[0] == first.id
        assert frame["wave"].unique().tolist() == [wave.name]
        assert sorted(frame["trust_confidence"]) == ["agree", "disagree"]
        assert sorted(frame["channel"]) == ["online", "paper"]

        named = data.wave_frame(session, [wave], questions=["trust_confidence", "never_asked"])
        assert named["never_asked"].tolist() == ["", ""]


def test_multiple_choice_and_numbers_become_text() -> None:
    assert data.as_text(["a", "b"]) == "a;b"
    assert data.as_text(3) == "3"
    assert data.as_text(None) == ""


def test_cache_serves_until_a_response_changes(app: Flask, demo: dict[str, str]) -> None:
    """A closed wave's results are keyed on its exact responses (an open wave's are
    not: tests/feedback_app/results/test_web_results_open_wave.py)."""
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(data.wave_frame(db.session(), [wave]))}

    with app.test_request_context():
        session = db.session()
        # The mapped wave (the journey's snapshot is read-only): closed below.
        wave = session.scalar(select(Wave).where(Wave.slug == demo["parent_follow_up"]))
        assert wave is not None
        area = wave.area
        wave.closes_at = utcnow() - dt.timedelta(seconds=1)
        _respond(session, wave, {"trust_confidence": "agree"})

        assert data.cached(session, area, "count", {}, [wave], compute) == {"n": 1}
        assert data.cached(session, area, "count", {}, [wave], compute) == {"n": 1}
        assert len(calls) == 1
        session.commit()  # end the read, as the end of a request does

        second = _respond(session, wave, {"trust_confidence": "agree"})
        assert data.cached(session, area, "count", {}, [wave], compute) == {"n": 2}
        session.commit()
        third = _respond(session, wave, {"trust_confidence": "agree"})
        third.review = "excluded"
        second.review = "excluded"
        session.commit()
        assert data.cached(session, area, "count", {}, [wave], compute) == {"n": 1}
        session.commit()
        third.review = "kept"
        session.commit()
        # Same count and the same latest change as before, but not the same responses.
        assert data.cached(session, area, "count", {}, [wave], compute) == {"n": 2}
        assert len(calls) == 3
        session.commit()
        assert session.scalar(select(func.count()).select_from(ResultCache)) == 3


def test_kpi_bank_is_loaded_once_with_its_targets() -> None:
    kpis = data.bank_kpis()
    assert [k.id for k in kpis][:2] == ["kpi_4_1", "kpi_4_2"]
    assert kpis[0].target is not None
    assert data.bank_kpis() is kpis


def test_marginal_frame_has_wave_frames_answers_per_wave_and_question(app: Flask) -> None:
    """The board reads counts, not every answer: each wave's answers to each question
    are the same as in the full frame, and so are every KPI figure, change and trend."""
    import random

    from analysis import compare_waves, trend_kpis
    from feedback_app.review.publishing import publish_version
    from feedback_app.staff.areas import create_area
    from surveys.library import bundled_questionnaires
    from tests.feedback_app.results.test_web_results_board import add_wave

    picks = random.Random(17)
    kpis = data.bank_kpis()[:3]
    questions = sorted({kpi.question for kpi in kpis})
    # Each question's own options (those left out of the base too) and no answer ("").
    asked = bundled_questionnaires()["parent_annual"]
    scale = {q: [*(o.code for o in asked.question(q).options), "", ""] for q in questions}
    with app.app_context():
        session = db.session()
        area = create_area(session, slug="counts", name="Counts")
        version = publish_version(session, area, bundled_questionnaires()["parent_annual"])
        waves = [
            add_wave(session, version, name, closed_days_ago=days,
                     answers={q: [picks.choice(scale[q]) for _ in range(size)] for q in questions})
            for name, days, size in (("First", 700, 230), ("Second", 300, 180), ("Third", 20, 95))
        ]  # fmt: skip
        # An excluded response in the middle wave.
        excluded = session.scalars(select(Response).where(Response.wave_id == waves[1].id)).first()
        assert excluded is not None
        excluded.review = "excluded"
        session.commit()

        full = data.wave_frame(session, waves, questions=questions)
        marginal = data.marginal_frame(session, waves, questions=questions)

        assert list(marginal.columns) == [*data.META_COLUMNS, *questions]
        assert marginal["response_id"].is_unique
        for label in full["wave"].unique():
            left, right = full[full["wave"] == label], marginal[marginal["wave"] == label]
            assert len(left) == len(right)
            for question in questions:
                assert sorted(left[question]) == sorted(right[question])
        names = ["First", "Second", "Third"]
        assert compare_waves(full, kpis, baseline="First", follow_up="Third") == compare_waves(
            marginal, kpis, baseline="First", follow_up="Third"
        )
        assert trend_kpis(full, kpis, waves=names) == trend_kpis(marginal, kpis, waves=names)
        assert data.marginal_frame(session, [], questions=questions).empty

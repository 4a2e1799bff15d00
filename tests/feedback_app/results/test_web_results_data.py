"""The results data layer: answers as analysis reads them, and the result cache."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Response, ResultCache, Wave
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
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(data.wave_frame(db.session(), [wave]))}

    with app.test_request_context():
        session = db.session()
        wave = journey.find_wave(session, demo["parent_follow_up"])
        assert wave is not None
        area = wave.area
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

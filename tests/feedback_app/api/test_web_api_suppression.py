"""Property: whatever the answers, no API endpoint returns a suppressed cell.

Hypothesis chooses, for the demo area's three closed parent-survey waves, how many
responses each has and how lopsided their answers, channels and languages are
(lopsided answers make many counts of 1 to 4). The waves' responses are replaced
with those, and every table of the API is read as JSON: no count from 1 to 4, and
no withheld cell recoverable from its table's total (``published.py``).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Answer, Response, Wave
from surveys import AnswerType
from tests.feedback_app.api.published import suppression_problems
from tests.support.api import demo_app, demo_officer_token

TABLES = ("plan", "waves", "kpis", "kpi-series", "breakdowns")


@pytest.fixture(scope="module")
def small_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str, list[int]]]:
    from feedback_app.demo.results import DEMO_WAVES, load_demo_results

    app = demo_app(f"sqlite:///{tmp_path_factory.mktemp('suppression') / 'api.sqlite'}", "demo")
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=5)
        secret = demo_officer_token(session, "property")
        slugs = [w.slug for w in DEMO_WAVES]
        wave_ids = list(session.scalars(select(Wave.id).where(Wave.slug.in_(slugs))))
        session.commit()
    yield app, secret, wave_ids
    app.extensions["db_engine"].dispose()


def _replace_responses(app: Flask, wave_id: int, count: int, skew: float, seed: int) -> None:
    """``count`` responses; each closed single-choice answer is the question's first
    option with probability ``skew``, else any option (or none)."""
    rng = random.Random(seed)
    with app.app_context():
        session = db.session()
        wave = session.get(Wave, wave_id)
        assert wave is not None
        ids = select(Response.id).where(Response.wave_id == wave_id)
        session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
        session.execute(delete(Response).where(Response.wave_id == wave_id))
        questions = [
            q for q in questionnaire_for(wave.version).questions()
            if q.is_closed and q.type is not AnswerType.MULTIPLE and q.options
        ]  # fmt: skip
        when = wave.opens_at
        for _ in range(count):
            response = Response(
                wave_id=wave.id, version_id=wave.version_id, token_hash=secrets.token_hex(32),
                status="submitted", started_at=when, updated_at=when, submitted_at=when,
                channel="online" if rng.random() < skew else "paper",
                language="en" if rng.random() < skew else rng.choice(["cy", "pl", "ur"]),
            )  # fmt: skip
            session.add(response)
            session.flush()
            for question in questions:
                roll = rng.random()
                if roll > 0.97:
                    continue  # not answered
                option = question.options[0] if roll < skew else rng.choice(question.options)
                session.add(
                    Answer(response_id=response.id, question_id=question.id, value=option.code)
                )
        session.commit()


def _read(app: Flask, secret: str, path: str) -> Any:
    response = app.test_client().get(
        f"/api/areas/demo/{path}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code in (200, 400), (path, response.status_code)
    return response.json if response.status_code == 200 else None


@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3),
    skew=st.floats(min_value=0.3, max_value=0.97),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
# No shrinking: each example reads every table (seconds); a failure shows its data.
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_endpoint_returns_a_suppressed_cell(
    small_app: tuple[Flask, str, list[int]], counts: list[int], skew: float, seed: int
) -> None:
    app, secret, wave_ids = small_app
    for index, (wave_id, count) in enumerate(zip(wave_ids, counts, strict=True)):
        _replace_responses(app, wave_id, count, skew, seed + index)
    paths = [*TABLES, *(f"waves/{wave_id}/results" for wave_id in wave_ids)]
    problems = []
    for path in paths:
        body = _read(app, secret, f"{path}?limit=1000")
        if body is not None:
            problems += suppression_problems(path, body)
    assert problems == [], problems

"""Benchmark: the KPI board and a KPI detail page for waves of 50,000 responses.

Builds a temporary SQLite database (and, when TEST_DATABASE_URL is set, a fresh
PostgreSQL database created there and dropped afterwards), bulk-inserts a closed baseline and a
closed follow-up of ``--responses`` submitted responses each (the six KPI
questions, plan type, age phase and a free-text answer: 9 answers a response) with
SQLAlchemy Core, then times through the Flask test client, signed in as an officer:

* the board ``/staff/<area>/results`` and a KPI detail page, **cold** (the result
  cache is empty, so the database counts every answer (``data.marginal_frame``) and
  analysis runs; the process is warmed up first, as gunicorn's master does) and
  **warm** (from the result cache), median of 5 warm runs;
* ``data.wave_frame`` on its own (every answer, as breakdowns and downloads read them),
  for comparison;
* then the follow-up is **reopened** (survey season) and the board and the compare
  page are timed cold, and again straight after a respondent submits: over an open
  wave a new response must not make the next page view work everything out again
  (``data.cache_fingerprint`` stands a time bucket in for the open wave's responses).

Goal: 1 s cold, 0.1 s warm (issue 17). Run: ``.venv/bin/python bench/results_bench.py
[--responses N]`` (``make bench`` runs it with the defaults).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import fresh_database
from staff_client import signed_in_client

from feedback_app import create_app, db
from feedback_app.models import Base, Response, ResultCache, Wave, utcnow
from feedback_app.plan.service import start_plan_from_bank
from feedback_app.results import data
from feedback_app.review.publishing import publish_version, schedule_wave
from feedback_app.staff.accounts import create_user
from feedback_app.staff.areas import create_area
from feedback_app.staff.roles import Role
from feedback_app.web.health import warm_up
from surveys.library import bundled_questionnaires

PASSWORD = "correct horse battery staple"
AGREE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
RATING = ["very_good", "good", "neither", "poor", "very_poor", "dont_know"]
KPI_SCALES = {
    "trust_confidence": AGREE,
    "help_support_rating": RATING,
    "assessment_information_rating": RATING,
    "influence_change": AGREE,
    "listened_to_ehcp": AGREE,
    "communication_improved": AGREE,
}
BATCH = 20_000


def _populate(url: str, responses: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
    rng = random.Random(20261122)
    with app.app_context():
        session = db.session()
        area = create_area(session, slug="bench", name="Bench SEND Partnership")
        # The board reads the area's own plan (issue 13): the KPI bank, as an upgraded area has.
        start_plan_from_bank(session, area)
        create_user(
            session, area=area, email="officer@bench.example", role=Role.OFFICER, password=PASSWORD
        )
        version = publish_version(session, area, bundled_questionnaires()["parent_annual"])
        now = utcnow()
        for name, days_ago, lift in (("Baseline", 400, 0.0), ("Follow-up", 20, 0.08)):
            closes = now - dt.timedelta(days=days_ago)
            wave = schedule_wave(
                session,
                version=version,
                name=name,
                opens_at=closes - dt.timedelta(days=42),
                closes_at=closes,
            )
            session.commit()
            for start in range(0, responses, BATCH):
                size = min(BATCH, responses - start)
                rows = [
                    _response(
                        wave.id,
                        version.id,
                        f"{wave.id:08d}{start + i:056d}",
                        closes,
                        channel="paper" if rng.random() < 0.08 else "online",
                    )
                    for i in range(size)
                ]
                session.execute(insert(Base.metadata.tables["response"]), rows)
                ids = session.scalars(
                    select(Response.id)
                    .where(Response.wave_id == wave.id)
                    .order_by(Response.id)
                    .offset(start)
                ).all()
                answers = []
                for response_id in ids:
                    answers.append(
                        _answer(
                            response_id,
                            "plan_type",
                            rng.choice(["ehcp", "sen_support", "waiting", "none"]),
                            closes,
                        )
                    )
                    answers.append(
                        _answer(
                            response_id,
                            "age_phase",
                            rng.choice(["early_years", "primary", "secondary", "post_16"]),
                            closes,
                        )
                    )
                    answers.append(
                        _answer(
                            response_id,
                            "works_well",
                            "The SENCO listened and the plan arrived on time.",
                            closes,
                        )
                    )
                    for question, scale in KPI_SCALES.items():
                        positive = rng.random() < 0.5 + lift
                        value = rng.choice(scale[:2] if positive else scale[2:])
                        answers.append(_answer(response_id, question, value, closes))
                session.execute(insert(Base.metadata.tables["answer"]), answers)
                session.commit()
    app.extensions["db_engine"].dispose()


def _response(
    wave_id: int, version_id: int, token_hash: str, moment: dt.datetime, channel: str = "online"
) -> dict[str, object]:
    """A submitted response's row, as the journey stores it."""
    return {
        "wave_id": wave_id,
        "version_id": version_id,
        "token_hash": token_hash,
        "status": "submitted",
        "channel": channel,
        "language": "en",
        "started_at": moment,
        "updated_at": moment,
        "submitted_at": moment,
        "review": "",
        "rate_count": 0,
    }


def _answer(response_id: int, question: str, value: str, moment: dt.datetime) -> dict[str, object]:
    return {
        "response_id": response_id,
        "question_id": question,
        "value": value,
        "updated_at": moment,
    }


def _time(client: object, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return elapsed


def _measure(url: str, label: str) -> list[tuple[str, str, float]]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
    # As gunicorn's master does before it forks the workers (deploy/gunicorn.conf.py):
    # "cold" is an empty result cache in a process ready to serve, not a first import.
    warm_up(app)
    client = signed_in_client(app, "officer@bench.example", PASSWORD)
    results = []
    with app.app_context():
        session = db.session()
        waves = session.scalars(select(Wave).order_by(Wave.closes_at)).all()
        start = time.perf_counter()
        frame = data.wave_frame(session, waves, questions=sorted(KPI_SCALES))
        results.append(
            (
                label,
                f"data.wave_frame ({len(frame):,} rows, KPI columns)",
                time.perf_counter() - start,
            )
        )
        db.session().rollback()
    for name, path in (
        ("board", "/staff/bench/results"),
        ("KPI detail", "/staff/bench/results/kpis/kpi_4_1"),
    ):
        _empty_result_cache(app)
        cold = _time(client, path)
        warm = statistics.median(_time(client, path) for _ in range(5))
        results.append((label, f"{name} cold (empty result cache)", cold))
        results.append((label, f"{name} warm (median of 5)", warm))
    results += _measure_open_wave(app, client, label)
    app.extensions["db_engine"].dispose()
    return results


def _empty_result_cache(app: object) -> None:
    """Forget every worked-out result, so the next page view is cold."""
    with app.app_context():  # type: ignore[attr-defined]
        db.session().query(ResultCache).delete()
        db.session().commit()


def _measure_open_wave(app: object, client: object, label: str) -> list[tuple[str, str, float]]:
    """The follow-up reopened: each page cold, then after one more submitted response."""
    with app.app_context():  # type: ignore[attr-defined]
        session = db.session()
        baseline, follow_up = session.scalars(select(Wave).order_by(Wave.closes_at)).all()
        follow_up.closes_at = utcnow() + dt.timedelta(days=28)
        session.commit()
        wave_id, version_id = follow_up.id, follow_up.version_id
        compare = f"/staff/bench/results/compare?baseline={baseline.id}&follow_up={wave_id}"
    results = []
    for number, (name, path) in enumerate(
        (("board", "/staff/bench/results"), ("compare", compare))
    ):
        _empty_result_cache(app)
        cold = _time(client, path)
        with app.app_context():  # type: ignore[attr-defined]
            _submit_one(db.session(), wave_id, version_id, number)
        after = _time(client, path)
        results.append((label, f"open wave: {name} cold", cold))
        results.append((label, f"open wave: {name} after a new response", after))
    return results


def _submit_one(session: object, wave_id: int, version_id: int, number: int) -> None:
    """One more online response, submitted now, as the journey stores it."""
    now = utcnow()
    response_id = session.execute(  # type: ignore[attr-defined]
        insert(Base.metadata.tables["response"]).returning(Response.id),
        _response(wave_id, version_id, f"open{number:060d}", now),
    ).scalar_one()
    session.execute(  # type: ignore[attr-defined]
        insert(Base.metadata.tables["answer"]),
        [_answer(response_id, question, scale[0], now) for question, scale in KPI_SCALES.items()],
    )
    session.commit()  # type: ignore[attr-defined]


def _postgres(admin_url: str, args: argparse.Namespace) -> list[tuple[str, str, float]]:
    """The same on a fresh PostgreSQL database, created here and dropped afterwards."""
    with fresh_database("postgresql", admin_url) as url:
        start = time.perf_counter()
        _populate(url, args.responses)
        print(f"PostgreSQL: inserted in {time.perf_counter() - start:.1f} s", flush=True)
        return _measure(url, "PostgreSQL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000, help="responses per wave")
    args = parser.parse_args()
    rows: list[tuple[str, str, float]] = []
    with fresh_database("sqlite") as url:
        start = time.perf_counter()
        _populate(url, args.responses)
        print(
            f"SQLite: inserted 2 waves x {args.responses:,} responses "
            f"in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        rows += _measure(url, "SQLite")
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        rows += _postgres(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), args)
    print(f"\n| Database | Measure ({args.responses:,} responses per wave, 2 waves) | Seconds |")
    print("|---|---|---:|")
    for database, what, seconds in rows:
        print(f"| {database} | {what} | {seconds:.3f} |")
    from figures import record

    record("results", {f"{database} {what}": seconds for database, what, seconds in rows})


if __name__ == "__main__":
    main()

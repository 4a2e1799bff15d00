"""Population counts the coordinator enters, per local area and group question, and
the questions each wave is monitored by."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, MonitoredQuestion, PopulationCount, Wave, utcnow
from feedback_app.staff import audit

#: A sanity bound: no SEND group in one local area is bigger than this.
MAX_POPULATION = 10_000_000


def populations(db: Session, area: LocalArea, question_id: str) -> dict[str, int]:
    """Category code -> population entered for ``question_id`` in ``area``."""
    rows = db.execute(
        select(PopulationCount.category, PopulationCount.population).where(
            PopulationCount.area_id == area.id, PopulationCount.question_id == question_id
        )
    ).all()
    return {category: int(population) for category, population in rows}


def save_populations(
    db: Session,
    *,
    area: LocalArea,
    question_id: str,
    values: Mapping[str, int | None],
    user_id: int,
) -> None:
    """Replace the populations of ``question_id`` (None: not known) in one transaction."""
    for category, population in values.items():
        if population is not None and not 0 <= population <= MAX_POPULATION:
            raise ValueError(f"population for {category!r} out of range")
    db.execute(
        delete(PopulationCount).where(
            PopulationCount.area_id == area.id, PopulationCount.question_id == question_id
        )
    )
    now = utcnow()
    for category, population in values.items():
        if population is not None:
            db.add(
                PopulationCount(
                    area_id=area.id,
                    question_id=question_id,
                    category=category,
                    population=population,
                    updated_at=now,
                )
            )
    audit.record(
        db, "population_counts_saved", user_id=user_id, area_id=area.id, commit=False,
        question_id=question_id,
    )  # fmt: skip
    db.commit()


def monitored(db: Session, wave: Wave) -> list[str]:
    """The question ids the coordinator chose to monitor ``wave`` by (none: the usual)."""
    return list(
        db.scalars(
            select(MonitoredQuestion.question_id)
            .where(MonitoredQuestion.wave_id == wave.id)
            .order_by(MonitoredQuestion.id)
        )
    )


def save_monitored(
    db: Session, *, area: LocalArea, wave: Wave, question_ids: list[str], user_id: int
) -> None:
    """Replace the questions ``wave`` is monitored by (empty: back to the usual ones)."""
    db.execute(delete(MonitoredQuestion).where(MonitoredQuestion.wave_id == wave.id))
    for question_id in question_ids:
        db.add(MonitoredQuestion(wave_id=wave.id, question_id=question_id))
    audit.record(
        db, "monitored_questions_saved", user_id=user_id, area_id=area.id, commit=False,
        wave_id=wave.id, question_ids=question_ids,
    )  # fmt: skip
    db.commit()

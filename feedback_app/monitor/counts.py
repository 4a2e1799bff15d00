"""Response counts for one wave, computed by SQL aggregates (GROUP BY).

Nothing here loads answers row by row: every function returns a handful of
counts however many responses there are. Only counts leave this module; never an
answer to a KPI question, never free text.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from feedback_app.models import Answer, Response, Wave

IN_PROGRESS, SUBMITTED = "in_progress", "submitted"


@dataclass(frozen=True)
class DayCount:
    """Responses started and submitted on one day (the area's local day)."""

    day: dt.date
    started: int
    submitted: int


def _utc_hour(db: Session, column: Any) -> Any:
    """The UTC hour of ``column`` as "YYYY-MM-DD HH" text, in either database."""
    if db.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    # SQLite keeps UTC moments as ISO text.
    return func.strftime("%Y-%m-%d %H", column)


def _local_day(hour: object, zone: ZoneInfo) -> dt.date:
    moment = dt.datetime.strptime(str(hour), "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def per_day(db: Session, wave: Wave) -> list[DayCount]:
    """Started and submitted responses per day in the area's time zone, oldest first.

    The database counts per UTC hour (at most 24 rows a day); hours are then
    placed on the area's local day, so BST evenings land on the right date.
    Days with no responses are left out.
    """
    zone = _zone(wave.area.timezone)
    days: dict[dt.date, list[int]] = {}
    for index, column, extra in (
        (0, Response.started_at, Response.wave_id == wave.id),
        (1, Response.submitted_at, Response.status == SUBMITTED),
    ):
        hour = _utc_hour(db, column)
        rows = db.execute(
            select(hour, func.count())
            .where(Response.wave_id == wave.id, extra, column.is_not(None))
            .group_by(hour)
        ).all()
        for value, count in rows:
            days.setdefault(_local_day(value, zone), [0, 0])[index] += int(count)
    return [DayCount(day, s, d) for day, (s, d) in sorted(days.items())]


def by_status(db: Session, wave: Wave) -> dict[str, int]:
    """Responses by status: ``in_progress`` and ``submitted``."""
    rows = db.execute(
        select(Response.status, func.count())
        .where(Response.wave_id == wave.id)
        .group_by(Response.status)
    ).all()
    counts = {IN_PROGRESS: 0, SUBMITTED: 0}
    counts.update({status: int(n) for status, n in rows})
    return counts


def by_column(db: Session, wave: Wave, column: str) -> dict[str, tuple[int, int]]:
    """Started and submitted responses by ``channel`` or ``language``."""
    grouped = {"channel": Response.channel, "language": Response.language}[column]
    rows = db.execute(
        select(grouped, Response.status, func.count())
        .where(Response.wave_id == wave.id)
        .group_by(grouped, Response.status)
    ).all()
    counts: dict[str, list[int]] = {}
    for value, status, n in rows:
        entry = counts.setdefault(str(value), [0, 0])
        entry[0] += int(n)
        if status == SUBMITTED:
            entry[1] += int(n)
    return {value: (s, d) for value, (s, d) in sorted(counts.items())}


def last_answered(db: Session, wave: Wave) -> tuple[dict[str, int], int]:
    """For responses still in progress: question id of their latest answer -> people,
    and how many have not answered anything yet.

    The latest answer is the one most recently updated; when several were saved
    at the same moment (one page), the smallest question id stands for them.
    """
    in_progress = (Response.wave_id == wave.id) & (Response.status == IN_PROGRESS)
    latest = (
        select(Answer.response_id, func.max(Answer.updated_at).label("at"))
        .join(Response, Response.id == Answer.response_id)
        .where(in_progress)
        .group_by(Answer.response_id)
        .subquery()
    )
    stopped = (
        select(Answer.response_id, func.min(Answer.question_id).label("question_id"))
        .join(
            latest,
            (latest.c.response_id == Answer.response_id) & (latest.c.at == Answer.updated_at),
        )
        .group_by(Answer.response_id)
        .subquery()
    )
    rows = db.execute(
        select(stopped.c.question_id, func.count()).group_by(stopped.c.question_id)
    ).all()
    with_answers = db.scalar(select(func.count()).select_from(latest)) or 0
    total = db.scalar(select(func.count()).select_from(Response).where(in_progress)) or 0
    return {qid: int(n) for qid, n in rows}, int(total) - int(with_answers)


def by_answer(db: Session, wave: Wave, question_id: str) -> dict[str, int]:
    """Submitted responses by their (single-choice) answer to ``question_id``.

    Values are grouped as JSON text, which both SQLite and PostgreSQL can compare.
    """
    value = cast(Answer.value, String)
    rows = db.execute(
        select(value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.wave_id == wave.id,
            Response.status == SUBMITTED,
            Answer.question_id == question_id,
        )
        .group_by(value)
    ).all()
    counts: dict[str, int] = {}
    for text, n in rows:
        code = _code(text)
        if code is not None:
            counts[code] = counts.get(code, 0) + int(n)
    return counts


def _code(text: object) -> str | None:
    try:
        value = json.loads(str(text))
    except ValueError:
        return None
    return value if isinstance(value, str) else None

"""Writing a checked import: a closed wave, its responses and answers, the import
record and an audit event, all in one transaction.

The unique (area, file SHA-256) constraint on ``baseline_import`` is the guard
against importing a file twice: the look-up first only gives a kinder message;
two imports of the same file at the same moment still make one wave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_app.collection.keying import to_stored
from feedback_app.imports.checking import ImportedRow
from feedback_app.models import (
    Answer,
    BaselineImport,
    LocalArea,
    QuestionnaireVersion,
    Response,
    StaffUser,
    Wave,
)
from feedback_app.review.publishing import schedule_wave
from feedback_app.staff import audit
from surveys.i18n import N_
from surveys.message_errors import MessageError

#: Rows written per INSERT statement (keeps each statement's parameters modest).
_BATCH = 1000


class ImportRefused(MessageError):
    """The import cannot be written; ``message`` is an English message id."""


@dataclass(frozen=True)
class WaveDetails:
    """The wave the officer named for the import (moments in UTC)."""

    name: str
    opens_at: dt.datetime
    closes_at: dt.datetime


def published_versions(db: Session, area: LocalArea) -> list[QuestionnaireVersion]:
    """The area's published questionnaire versions, newest first within each."""
    return list(
        db.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.area_id == area.id)
            .order_by(QuestionnaireVersion.title, QuestionnaireVersion.version.desc())
        )
    )


def area_imports(db: Session, area: LocalArea) -> list[tuple[BaselineImport, Wave]]:
    """Earlier imports of the area with their waves, newest first."""
    rows = db.execute(
        select(BaselineImport, Wave)
        .join(Wave, Wave.id == BaselineImport.wave_id)
        .where(BaselineImport.area_id == area.id)
        .order_by(BaselineImport.created_at.desc(), BaselineImport.id.desc())
    )
    return [(found, wave) for found, wave in rows]


def earlier_import(db: Session, area: LocalArea, sha256: str) -> BaselineImport | None:
    """The import of the same file in this area, if there was one."""
    return db.scalar(
        select(BaselineImport).where(
            BaselineImport.area_id == area.id, BaselineImport.file_sha256 == sha256
        )
    )


def refuse_repeat(db: Session, area: LocalArea, sha256: str) -> None:
    """Raise ImportRefused if this file was imported in this area already."""
    found = earlier_import(db, area, sha256)
    if found is not None:
        wave = db.get(Wave, found.wave_id)
        raise ImportRefused(
            N_("This file has already been imported, as the wave “%(wave)s”"),
            wave=wave.name if wave is not None else "",
        )


def import_baseline(
    db: Session,
    *,
    area: LocalArea,
    version: QuestionnaireVersion,
    details: WaveDetails,
    rows: list[ImportedRow],
    sha256: str,
    filename: str,
    mapping: dict[str, Any],
    user: StaffUser,
) -> BaselineImport:
    """Write the wave, responses, answers and import record; commit once."""
    if version.area_id != area.id:
        raise ValueError("the version belongs to another area")
    refuse_repeat(db, area, sha256)
    with _refused_if_imported_meanwhile(db):
        wave = schedule_wave(
            db, version=version, name=details.name,
            opens_at=details.opens_at, closes_at=details.closes_at,
        )  # fmt: skip
        # The import record goes first: a repeat fails here, before any response is written.
        record = BaselineImport(
            area_id=area.id, wave_id=wave.id, file_sha256=sha256, filename=filename[:255],
            rows=len(rows), mapping=mapping, author_id=user.id,
        )  # fmt: skip
        db.add(record)
        db.flush()
        # When the answers were given is not known; the wave's opening stands in for it.
        moment = details.opens_at
        answers = _write_responses(db, wave=wave, version=version, rows=rows, moment=moment)
        audit.record(
            db, "baseline_imported", user_id=user.id, area_id=area.id, commit=False,
            wave_id=wave.id, version_id=version.id, responses=len(rows), answers=answers,
        )  # fmt: skip
    return record


@contextmanager
def _refused_if_imported_meanwhile(db: Session) -> Iterator[None]:
    """Commit what the block wrote, once; refuse the import if the same file was
    imported a moment ago (the unique constraint), keeping nothing of ours."""
    try:
        yield
        db.commit()
    except IntegrityError:
        db.rollback()
        raise ImportRefused(N_("This file has already been imported")) from None


def _write_responses(
    db: Session,
    *,
    wave: Wave,
    version: QuestionnaireVersion,
    rows: list[ImportedRow],
    moment: dt.datetime,
) -> int:
    """Insert a submitted response per row, and its answers, in batches, all given at
    ``moment``; the number of answers written."""
    answers = 0
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        ids = db.scalars(
            insert(Response).returning(Response.id, sort_by_parameter_order=True),
            [
                {
                    "wave_id": wave.id,
                    "version_id": version.id,
                    # Nobody holds this token: an imported response is never resumed.
                    "token_hash": hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                    "status": "submitted",
                    "channel": "imported",
                    "language": row.language,
                    "started_at": moment,
                    "updated_at": moment,
                    "submitted_at": moment,
                    "review": "",
                    "rate_count": 0,
                }
                for row in batch
            ],
        ).all()
        values = [
            {"response_id": rid, "question_id": qid, "value": value, "updated_at": moment}
            for rid, row in zip(ids, batch, strict=True)
            for qid, value in to_stored(row.answers).items()
        ]
        if values:
            # A Core executemany: no ORM bookkeeping per answer.
            db.connection().execute(insert(Answer), values)
        answers += len(values)
    return answers

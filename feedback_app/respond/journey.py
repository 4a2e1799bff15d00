"""The respondent journey as service functions: start, save a page, submit, resume.

Each function that writes commits before returning, so a view can redirect
knowing the answers are on disk.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from feedback_app import db as database
from feedback_app.models import (
    Answer,
    Base,
    LocalArea,
    Response,
    Wave,
    utcnow,
)
from feedback_app.respond import public_wave
from feedback_app.respond.public_wave import JourneyWave, PublicWave
from feedback_app.web import throttle
from surveys import Questionnaire
from surveys.model import AnswerValue
from surveys.routing import on_path_answers

#: No 0/O, 1/I/L: a code read aloud or copied from paper comes out right.
RESUME_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RESUME_CODE_LENGTH = 8


def find_wave(db: Session, slug: str) -> PublicWave | None:
    """The wave behind a public link, or None (``public_wave.find``)."""
    return public_wave.find(db, slug)


def submitted_counts(db: Session, waves: Sequence[Wave]) -> dict[int, int]:
    """Wave id -> how many responses were sent (every channel), for lists of waves."""
    rows = db.execute(
        select(Response.wave_id, func.count())
        .where(Response.wave_id.in_([wave.id for wave in waves]), Response.status == "submitted")
        .group_by(Response.wave_id)
    ).all()
    found = {wave_id: int(count) for wave_id, count in rows}
    return {wave.id: found.get(wave.id, 0) for wave in waves}


def open_waves(db: Session, area: LocalArea) -> list[Wave]:
    """The area's waves open now, newest first."""
    waves = db.scalars(
        select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc(), Wave.id)
    ).all()
    return [w for w in waves if w.is_open()]


def public_waves(db: Session, area: LocalArea) -> list[Wave]:
    """The area's open waves anyone may answer: invitation-only waves are never listed."""
    return [w for w in open_waves(db, area) if not w.invitation_only]


def start_response(
    db: Session, wave: JourneyWave, *, language: str, channel: str = "online"
) -> Response:
    """Create an empty response to ``wave`` and commit it."""
    response = Response(
        wave_id=wave.id,
        version_id=wave.version_id,
        token_hash=_hash(secrets.token_urlsafe(16)),
        language=language,
        channel=channel,
    )
    db.add(response)
    db.commit()
    return response


def get_response(db: Session, wave: JourneyWave, response_id: object) -> Response | None:
    """The response with this id if it belongs to ``wave``."""
    if not isinstance(response_id, int):
        return None
    response = db.get(Response, response_id)
    return response if response is not None and response.wave_id == wave.id else None


@dataclass(frozen=True)
class Answering:
    """A response as a question page needs it: read with its answers by one statement.

    What the page save reads and writes of the response (its id, status and bot
    signals), without building an ORM object; the other journey pages use the
    ``Response`` itself.
    """

    id: int
    wave_id: int
    status: str
    flags: dict[str, Any] | None
    #: Every saved answer, by question id (as ``saved_answers`` gives them).
    answers: dict[str, AnswerValue]

    @property
    def is_submitted(self) -> bool:
        """True once the respondent has sent their answers."""
        return self.status == "submitted"


#: The response and its answers (one row per answer, one with no answer when
#: there are none), built once; parameter ``response_id``. Run through the driver
#: (``db.DriverRead``): every question page view and save reads it.
_RESPONSE_AND_ANSWERS = database.DriverRead(
    select(
        Response.id,
        Response.wave_id,
        Response.status,
        Response.flags,
        Answer.question_id,
        Answer.value,
    )
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.id == bindparam("response_id"))
)


def read_answering(db: Session, wave: JourneyWave, response_id: object) -> Answering | None:
    """The response with this id, with its answers, if it belongs to ``wave``."""
    if not isinstance(response_id, int) or isinstance(response_id, bool):
        return None
    rows = _RESPONSE_AND_ANSWERS.all(db, response_id=response_id)
    if not rows or rows[0][1] != wave.id:
        return None
    found_id, wave_id, status, flags, _qid, _value = rows[0]
    answers = {qid: _from_json(value) for *_, qid, value in rows if qid is not None}
    return Answering(found_id, wave_id, status, flags, answers)


def saved_answers(db: Session, response: Response) -> dict[str, AnswerValue]:
    """Every saved answer of a response, by question id."""
    return _answers_of(db, response.id)


def _answers_of(db: Session, response_id: int) -> dict[str, AnswerValue]:
    rows = db.execute(_SAVED_ANSWERS, {"response_id": response_id}).all()
    return {qid: _from_json(value) for qid, value in rows}


_SAVED_ANSWERS = select(Answer.question_id, Answer.value).where(
    Answer.response_id == bindparam("response_id")
)


@dataclass(frozen=True)
class SaveLimit:
    """At most ``saves`` page saves per response in ``window`` (a fixed window)."""

    saves: int = 60
    window: dt.timedelta = dt.timedelta(seconds=60)


class TooManySaves(Exception):
    """A save refused by the per-response rate limit; nothing was written."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many saves; retry after {retry_after} s")
        self.retry_after = retry_after


@functools.cache
def _count_save_statement(with_flags: bool) -> database.DriverWrite:
    """The rate-window UPDATE, built once (building it cost more than running it) and
    run through the driver (``db.DriverWrite``: every answer save runs it).

    Parameters: ``response_id``, ``now``, ``cutoff`` (now less the window),
    ``saves`` (the limit), ``language`` and, ``with_flags``, ``flags``.
    """
    now = bindparam("now", type_=Response.__table__.c.rate_window_start.type)
    expired = or_(
        Response.rate_window_start.is_(None),
        Response.rate_window_start <= bindparam("cutoff", type_=now.type),
    )
    values: dict[str, Any] = {
        "rate_window_start": case((expired, now), else_=Response.rate_window_start),
        "rate_count": case((expired, 1), else_=Response.rate_count + 1),
        "updated_at": now,
        "language": bindparam("language", type_=Response.__table__.c.language.type),
    }
    if with_flags:
        values["flags"] = bindparam("flags", type_=Response.__table__.c.flags.type)
    return database.DriverWrite(
        update(Response)
        .where(
            Response.id == bindparam("response_id"),
            or_(expired, Response.rate_count < bindparam("saves")),
        )
        .values(**values)
    )


def _count_save(
    db: Session,
    response: Response | Answering,
    *,
    now: dt.datetime,
    limit: SaveLimit,
    language: str,
    flags: dict[str, Any] | None,
) -> None:
    """Count this save in the response's rate window, in the UPDATE the save needs anyway.

    One conditional UPDATE starts a new window or adds one to the count, and
    touches ``updated_at``/``language`` (and ``flags`` when a bot signal fired).
    No row updated means the limit is reached: roll back and refuse.
    """
    parameters: dict[str, Any] = {
        "response_id": response.id,
        "now": now,
        "cutoff": now - limit.window,
        "saves": limit.saves,
        "language": language,
    }
    if flags is not None:
        parameters["flags"] = flags
    if _count_save_statement(flags is not None).run(db, [parameters]) == 1:
        return
    db.rollback()
    started = db.scalar(select(Response.rate_window_start).where(Response.id == response.id))
    elapsed = now - _aware(started) if started is not None else dt.timedelta(0)
    raise TooManySaves(max(1, math.ceil((limit.window - elapsed).total_seconds())))


class SaveStatus(enum.Enum):
    """How a page save ended."""

    SAVED = "saved"
    #: Not saved: a free-text answer seems to hold contact details; ask first.
    CONFIRM_CONTACT_DETAILS = "confirm contact details"
    #: Not saved: the response reached its save limit (``retry_after`` seconds).
    TOO_MANY_SAVES = "too many saves"


@dataclass(frozen=True)
class SaveOutcome:
    """What a page save did, and what the respondent has answered afterwards."""

    status: SaveStatus
    #: Every saved answer after the save (when saved), by question id.
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    #: Question id -> contact-details warning (when they must be confirmed).
    warnings: Mapping[str, str] = field(default_factory=dict)
    #: Seconds until another save is allowed (when refused as too many).
    retry_after: int = 0


def save_answers(
    db: Session,
    response: Response | Answering,
    *,
    cleaned: Mapping[str, AnswerValue | None],
    language: str,
    before: Mapping[str, AnswerValue] | None = None,
    limit: SaveLimit | None = None,
    flags: dict[str, Any] | None = None,
) -> SaveOutcome:
    """Store one page's answers (None removes an answer), commit, and say how it went.

    ``before`` (the answers read earlier in the request) saves reading them back.
    Too many saves in the window: nothing is written. ``flags`` (when given)
    replaces the response's bot signals in the same transaction. The answers are
    written by one Core upsert and at most one DELETE, not through the ORM.
    """
    now = utcnow()
    try:
        _count_save(
            db, response, now=now, limit=limit or SaveLimit(), language=language, flags=flags
        )
    except TooManySaves as refused:
        return SaveOutcome(SaveStatus.TOO_MANY_SAVES, retry_after=refused.retry_after)
    kept = [
        {
            "response_id": response.id,
            "question_id": qid,
            "value": _to_json(value),
            "updated_at": now,
        }
        for qid, value in cleaned.items()
        if value is not None
    ]
    removed = [qid for qid, value in cleaned.items() if value is None]
    if kept:
        _upsert_answers_statement(db.get_bind().dialect.name).run(db, kept)
    if removed:
        db.execute(
            delete(Answer)
            .where(Answer.response_id == response.id, Answer.question_id.in_(removed))
            .execution_options(synchronize_session=False)
        )
    db.commit()
    if isinstance(response, Response):
        # The UPDATE above bypassed the identity map; keep the object truthful.
        set_committed_value(response, "updated_at", now)
        set_committed_value(response, "language", language)
        if flags is not None:
            set_committed_value(response, "flags", flags)
    if before is None:
        return SaveOutcome(SaveStatus.SAVED, answers=_answers_of(db, response.id))
    after = dict(before)
    for qid, value in cleaned.items():
        if value is None:
            after.pop(qid, None)
        else:
            after[qid] = _from_json(_to_json(value))
    return SaveOutcome(SaveStatus.SAVED, answers=after)


@functools.cache
def _upsert_answers_statement(dialect: str) -> database.DriverWrite:
    """INSERT ... ON CONFLICT (response, question) DO UPDATE, in the database's
    dialect, built once and run through the driver; the rows are its parameters."""
    table = Base.metadata.tables["answer"]
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    statement = insert(table)
    return database.DriverWrite(
        statement.on_conflict_do_update(
            index_elements=[table.c.response_id, table.c.question_id],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        ),
        column_keys=("response_id", "question_id", "value", "updated_at"),
    )


def save_page(
    db: Session,
    response: Response,
    *,
    cleaned: Mapping[str, AnswerValue | None],
    language: str,
    limit: SaveLimit | None = None,
    flags: dict[str, Any] | None = None,
) -> None:
    """Store one page's answers (None removes an answer) and commit.

    Raises TooManySaves, having written nothing, when the response has saved
    ``limit.saves`` pages in the current window (``save_answers`` says so instead).
    """
    outcome = save_answers(
        db, response, cleaned=cleaned, language=language, limit=limit, flags=flags
    )
    if outcome.status is SaveStatus.TOO_MANY_SAVES:
        raise TooManySaves(outcome.retry_after)


def submit(db: Session, response: Response, questionnaire: Questionnaire) -> bool:
    """Submit once: True if this call submitted it, False if it already was.

    The status change is a conditional UPDATE, so a double tap or a resent form
    can never make two submissions. Answers to pages the respondent was routed
    past are removed in the same transaction, so they never count.
    """
    answers = saved_answers(db, response)
    keep = on_path_answers(questionnaire, answers)
    result = db.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == "in_progress")
        .values(status="submitted", submitted_at=utcnow(), updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        return False
    dropped = set(answers) - set(keep)
    if dropped:
        db.execute(
            delete(Answer).where(
                Answer.response_id == response.id, Answer.question_id.in_(sorted(dropped))
            )
        )
    db.commit()
    db.refresh(response)
    return True


def issue_resume_code(db: Session, response: Response) -> str:
    """Give the response a new short resume code (the old one stops working)."""
    for _attempt in range(5):
        code = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_CODE_LENGTH))
        response.resume_code_hash = _hash(code)
        try:
            db.commit()
        except IntegrityError:  # pragma: no cover - 1 in 10^12
            db.rollback()
            continue
        return code
    raise RuntimeError("could not issue a unique resume code")


def normalise_resume_code(text: str) -> str:
    """Upper-case, without the spaces or dashes people type between groups."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def find_by_resume_code(db: Session, wave: JourneyWave, code: str) -> Response | None:
    """The in-progress response of ``wave`` with this resume code, or None."""
    normalised = normalise_resume_code(code)
    if len(normalised) != RESUME_CODE_LENGTH:
        return None
    response = db.scalar(select(Response).where(Response.resume_code_hash == _hash(normalised)))
    if response is None or response.wave_id != wave.id:
        return None
    return response


#: Failed resume codes allowed before waits begin: one client, any wave (a
#: family mistyping a code gets ten tries, then a minute's wait, doubling) ...
RESUME_LIMIT_CLIENT = throttle.Limit(free=10)
#: ... and one wave from every client together (many families, or a script
#: spread over many addresses). 31^8 codes: 100 guesses then a doubling wait
#: make finding one of a wave's codes hopeless.
RESUME_LIMIT_WAVE = throttle.Limit(free=100)


def resume_keys(*, wave: JourneyWave, client: str, secret: str) -> list[throttle.Key]:
    """The throttle keys of a resume-code attempt on ``wave`` from ``client``."""
    return [
        throttle.Key(
            throttle.stable_key(secret, "resume_wave", str(wave.id)),
            "resume_wave",
            RESUME_LIMIT_WAVE,
        ),
        throttle.Key(
            throttle.client_key(secret, "resume_client", client),
            "resume_client",
            RESUME_LIMIT_CLIENT,
        ),
    ]


class TooManyCodes(Exception):
    """Resume codes are paused for this wave or client; nothing was looked up."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many resume codes; retry after {retry_after} s")
        self.retry_after = retry_after


def resume(
    db: Session, wave: JourneyWave, code: str, *, keys: list[throttle.Key]
) -> Response | None:
    """The in-progress response with this resume code, counting a wrong code.

    Raises TooManyCodes, without looking the code up, while ``keys`` must wait. A
    code that finds nothing (or a submitted response) counts one failure against
    each key, committed before returning.
    """
    wait = throttle.wait_seconds(db, keys)
    if wait:
        raise TooManyCodes(wait)
    found = find_by_resume_code(db, wave, code)
    if found is not None and not found.is_submitted:
        return found
    throttle.note_failure(db, keys)
    db.commit()
    return None


def format_resume_code(code: str) -> str:
    """Show a code in two groups of four, easier to copy."""
    return f"{code[:4]} {code[4:]}"


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _to_json(value: AnswerValue) -> object:
    return list(value) if isinstance(value, tuple) else value


def _from_json(value: object) -> AnswerValue:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return str(value)
    return value

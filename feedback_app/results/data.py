"""Submitted answers as the DataFrame ``analysis/`` reads, and a result cache.

``wave_frame`` gives one row per counted response: ``response_id``, ``wave`` (a
label per wave), ``wave_id``, ``channel``, ``language`` and one column per
question id holding text: option codes (multiple choice joined with ``;``),
numbers as text, free text, and ``""`` for no answer. That is the format
docs/analysis.md describes, so the web layer never computes a figure itself.

Counted responses are the submitted ones that an officer has not excluded as
likely automated (``Response.review == "excluded"``).

``cached`` stores a computed result (figures only, as JSON) keyed by the kind of
result, its parameters and a fingerprint of the waves it came from: their names and
close moments, the number of counted responses, the sum of their ids and their
latest change. A new, changed
or excluded response
changes the fingerprint, so a stale result is never served and nothing needs
deleting by hand; old rows are pruned when new ones are written.

An open wave is the exception: during survey season every submission would change
its fingerprint and the next page view would work everything out again. For an
open wave the fingerprint holds a time bucket (``RESULTS_OPEN_WAVE_REFRESH_SECONDS``,
default ``OPEN_WAVE_REFRESH_SECONDS``) instead of the latest response, so new
submissions show within that time. Staff actions still change it at once: the
responses an officer excluded or kept, paper and imported responses, and the
wave's name, dates and version. ``worked_out_at`` tells a page how old the
figures it used are, for its "refreshed every N minutes" line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from flask import current_app, g
from sqlalchemy import Text, cast, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from analysis import KpiDefinition, load_kpis
from analysis.kpis import definitions, question_positive
from feedback_app.models import (
    Answer,
    LocalArea,
    Response,
    ResultCache,
    ThemeCorrection,
    Wave,
    utcnow,
)
from surveys import Question
from surveys.kpis import KpiBank

#: Columns every frame has before the question columns.
META_COLUMNS = ("response_id", "wave", "wave_id", "channel", "language")

#: Cached results older than this are deleted when a new result is stored.
CACHE_MAX_AGE = dt.timedelta(days=30)

#: How often results over an open wave are worked out again (seconds). Five
#: minutes: a big wave takes seconds to analyse, and officers watching returns
#: come in do not need figures fresher than that.
OPEN_WAVE_REFRESH_SECONDS = 300

T = TypeVar("T")

if TYPE_CHECKING:
    import pandas as pd


@lru_cache(maxsize=1)
def bank_kpis() -> tuple[KpiDefinition, ...]:
    """The KPI question bank (surveys/library/kpis.yaml): which question measures
    which KPI. Comparing any two waves uses it; the board uses the area's plan."""
    path = resources.files("surveys") / "library" / "kpis.yaml"
    with resources.as_file(path) as file:
        return load_kpis(file)


def area_plan(area: LocalArea) -> KpiBank | None:
    """The area's own plan (None: it has none yet)."""
    from feedback_app.plan.service import area_plan as stored_plan

    session = object_session(area)
    assert session is not None, "the area must be loaded in a session"
    return stored_plan(session, area)


def area_kpis(area: LocalArea) -> tuple[KpiDefinition, ...]:
    """The survey-measured KPIs of the area's own plan, as analysis reads them
    (none when the area has no plan yet)."""
    plan = area_plan(area)
    return definitions(plan) if plan is not None else ()


def question_positives(questions: Iterable[Question]) -> tuple[KpiDefinition, ...]:
    """For each closed question that marks options as positive (its own or its answer
    type's default), that rule in the shape analysis reads (``question_positive``):
    the "% positive" beside its option shares. Questions with none are left out."""
    return tuple(
        question_positive(
            q.id,
            q.positive_codes,
            exclude=[o.code for o in q.options if o.exclude_from_base],
            title=q.text,
        )
        for q in questions
        if q.is_closed and q.positive_codes
    )


def positive_params(definitions: Iterable[KpiDefinition]) -> list[list[Any]]:
    """The positive rules as cache parameters (a changed rule is a new result)."""
    return [[d.question, list(d.positive)] for d in definitions]


def wave_labels(waves: Sequence[Wave]) -> dict[int, str]:
    """A label per wave for tables and sentences: its name, made unique if needed."""
    seen: dict[str, int] = {}
    for wave in waves:
        seen[wave.name] = seen.get(wave.name, 0) + 1
    return {
        wave.id: wave.name if seen[wave.name] == 1 else f"{wave.name} ({wave.id})" for wave in waves
    }


def counted(wave_ids: Iterable[int]) -> Any:
    """The WHERE clause for the responses that count in results."""
    return (
        Response.wave_id.in_(list(wave_ids)),
        Response.status == "submitted",
        Response.review != "excluded",
    )


def wave_frame(
    session: Session,
    waves: Sequence[Wave],
    *,
    questions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per counted response of ``waves`` (see the module docstring).

    ``questions`` limits the question columns (all answered questions when None);
    a named question nobody answered is still a column, of empty text.
    """
    import pandas as pd  # here, not at import: the web app starts without pandas

    labels = wave_labels(waves)
    meta = pd.DataFrame(
        _driver_rows(
            session,
            select(Response.id, Response.wave_id, Response.channel, Response.language)
            .where(*counted(labels))
            .order_by(Response.id),
        ),
        columns=["response_id", "wave_id", "channel", "language"],
    ).astype({"response_id": "int64", "wave_id": "int64"})
    meta.insert(1, "wave", meta["wave_id"].map(labels).astype(object))

    answer_query = (
        select(Answer.response_id, Answer.question_id, cast(Answer.value, Text))
        .join(Response, Response.id == Answer.response_id)
        .where(*counted(labels))
    )
    if questions is not None:
        answer_query = answer_query.where(Answer.question_id.in_(list(questions)))
    long = pd.DataFrame(
        _driver_rows(session, answer_query), columns=["response_id", "question", "raw"]
    )
    # The stored JSON comes as text and is decoded once per distinct value: option
    # codes repeat thousands of times, so this is most of the speed.
    decoded = {raw: as_text(json.loads(raw)) for raw in long["raw"].dropna().unique()}
    long["value"] = long["raw"].map(decoded).fillna("")
    wide = (
        long.pivot(index="response_id", columns="question", values="value")
        if len(long)
        else pd.DataFrame(index=pd.Index([], name="response_id"))
    )
    wanted = list(questions) if questions is not None else sorted(wide.columns)
    wide = wide.reindex(columns=wanted)
    frame = meta.join(wide, on="response_id")
    frame[wanted] = frame[wanted].astype(object).fillna("")
    frame.columns.name = None
    return frame.reset_index(drop=True)


def marginal_frame(
    session: Session, waves: Sequence[Wave], *, questions: Sequence[str]
) -> pd.DataFrame:
    """A frame with the same answers per wave and question as :func:`wave_frame`,
    built from counts the database makes, for figures that read one question at a time.

    The database counts each (wave, question, answer) and this repeats each answer
    as often as it was given, padding with ``""`` (no answer) up to the wave's number
    of counted responses. Every column therefore has exactly :func:`wave_frame`'s
    answers in each wave, but a row is not one response: answers of different
    questions on a row do not belong together, and ``channel`` and ``language`` are
    empty. Use it only where figures come from one question's answers in one wave
    (the KPI board's unweighted estimates, changes and trends), never for breakdowns,
    weighting or publication suppression; those read :func:`wave_frame`. Reading
    counts instead of every answer is what keeps a cold board near a second on
    waves of 50,000 responses (issue 17).
    """
    import numpy as np
    import pandas as pd  # here, not at import: the web app starts without pandas

    labels = wave_labels(waves)
    responses = dict(
        session.execute(
            select(Response.wave_id, func.count())
            .where(*counted(labels))
            .group_by(Response.wave_id)
        ).all()
    )
    answers: dict[tuple[int, str], list[tuple[str, int]]] = {}
    # One statement a wave: SQLite groups by two columns a third faster than by three.
    for wave_id in responses:
        for question, raw, count in session.execute(
            select(Answer.question_id, cast(Answer.value, Text), func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(*counted([wave_id]), Answer.question_id.in_(list(questions)))
            .group_by(Answer.question_id, cast(Answer.value, Text))
        ):
            answers.setdefault((wave_id, question), []).append((raw, count))
    blocks = []
    for wave in waves:
        size = responses.get(wave.id, 0)
        if not size:
            continue
        columns: dict[str, Any] = {
            "wave": np.full(size, labels[wave.id], dtype=object),
            "wave_id": np.full(size, wave.id, dtype="int64"),
            "channel": np.full(size, "", dtype=object),
            "language": np.full(size, "", dtype=object),
        }
        for question in questions:
            given = answers.get((wave.id, question), [])
            # The same raw JSON can decode to the same text (e.g. 3 and "3"): keep both.
            values = [as_text(json.loads(raw)) for raw, _ in given]
            counts = [count for _, count in given]
            column = np.full(size, "", dtype=object)
            column[: sum(counts)] = np.repeat(np.array(values, dtype=object), counts)
            columns[question] = column
        blocks.append(pd.DataFrame(columns))
    if not blocks:
        return pd.DataFrame(columns=[*META_COLUMNS, *questions])
    frame = pd.concat(blocks, ignore_index=True)
    frame.insert(0, "response_id", np.arange(1, len(frame) + 1, dtype="int64"))
    return frame


def question_figures(
    session: Session,
    waves: Sequence[Wave],
    questions: Sequence[str],
    figures: Callable[[pd.DataFrame], T],
) -> T:
    """``figures(frame)`` on :func:`marginal_frame` (figures that read one question
    at a time). When analysis refuses an answer, it runs again on :func:`wave_frame`,
    so that the message names the real response rather than a row of counts."""
    from analysis import AnalysisInputError

    try:
        return figures(marginal_frame(session, waves, questions=questions))
    except AnalysisInputError:
        return figures(wave_frame(session, waves, questions=questions))


def _driver_rows(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """All rows of ``statement`` as plain tuples, straight from the database driver.

    Results read hundreds of thousands of answers; SQLAlchemy's per-row result
    objects cost more than the query. The statement is compiled with its values
    inlined (ids and question ids only, quoted by the dialect) and run on the
    session's own connection, so it sees the same transaction.
    """
    connection = session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def as_text(value: object) -> str:
    """A stored answer value as analysis reads it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def open_wave_refresh_seconds() -> int:
    """How often results over an open wave are worked out again."""
    return int(
        current_app.config.get("RESULTS_OPEN_WAVE_REFRESH_SECONDS", OPEN_WAVE_REFRESH_SECONDS)
    )


def fingerprint(session: Session, waves: Sequence[Wave]) -> list[list[object]]:
    """What a result over ``waves`` depends on: which responses count (their number
    and the sum of their ids) and their latest change."""
    ids = [wave.id for wave in waves]
    rows = session.execute(
        select(Response.wave_id, func.count(), func.sum(Response.id), func.max(Response.updated_at))
        .where(*counted(ids))
        .group_by(Response.wave_id)
    ).all()
    found = {wave_id: [count, int(total), _iso(latest)] for wave_id, count, total, latest in rows}
    # A renamed, extended or closed-early wave changes labels and closing days too,
    # and a wave moved to a corrected version its questions' words.
    return [
        [
            wave.id,
            *found.get(wave.id, [0, 0, None]),
            wave.name,
            _iso(wave.closes_at),
            wave.version_id,
        ]
        for wave in sorted(waves, key=lambda wave: wave.id)
    ]


def cache_fingerprint(session: Session, waves: Sequence[Wave]) -> Sequence[object]:
    """``fingerprint`` for the result cache. An open wave's responses are stood in
    for by a time bucket and what staff did (reviews, paper and imported
    responses), so new submissions wait for the next bucket."""
    now = utcnow()
    open_waves = [wave for wave in waves if wave.is_open(now)]
    closed = [wave for wave in waves if not wave.is_open(now)]
    if not open_waves:
        return fingerprint(session, waves)
    staff = session.execute(
        select(Response.wave_id, Response.review, func.count(), func.sum(Response.id))
        .where(
            Response.wave_id.in_([wave.id for wave in open_waves]),
            (Response.review != "") | (Response.channel != "online"),
        )
        .group_by(Response.wave_id, Response.review)
    ).all()
    bucket = int(now.timestamp()) // open_wave_refresh_seconds()
    opened = [
        [
            wave.id,
            "open",
            bucket,
            sorted(
                [str(review), count, int(total)]
                for wid, review, count, total in staff
                if wid == wave.id
            ),
            wave.name,
            _iso(wave.closes_at),
            wave.version_id,
        ]
        for wave in sorted(open_waves, key=lambda wave: wave.id)
    ]
    return [fingerprint(session, closed) if closed else [], opened]


def worked_out_at() -> dt.datetime | None:
    """When the oldest result this request used over an open wave was worked out."""
    found: dt.datetime | None = g.get("results_open_worked_out")
    return found


def _note_open(waves: Sequence[Wave], moment: dt.datetime) -> None:
    now = utcnow()
    if not any(wave.is_open(now) for wave in waves):
        return
    if moment.tzinfo is None:  # SQLite gives back the stored UTC time without its zone
        moment = moment.replace(tzinfo=dt.UTC)
    earlier = g.get("results_open_worked_out")
    if earlier is None or moment < earlier:
        g.results_open_worked_out = moment


def corrections_fingerprint(session: Session, waves: Sequence[Wave]) -> list[object]:
    """What theme results depend on beyond the answers: officers' corrections."""
    count, latest = session.execute(
        select(func.count(), func.max(ThemeCorrection.created_at))
        .join(Answer, Answer.id == ThemeCorrection.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id.in_([wave.id for wave in waves]))
    ).one()
    return [count, _iso(latest)]


def cache_key(kind: str, params: Mapping[str, Any], depends_on: object) -> str:
    """The cache key: SHA-256 of the kind, parameters and fingerprint."""
    text = json.dumps([kind, params, depends_on], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def cached(
    session: Session,
    area: LocalArea,
    kind: str,
    params: Mapping[str, Any],
    waves: Sequence[Wave],
    compute: Callable[[], T],
    *,
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda value: value,
    extra: object = None,
) -> T:
    """``compute()``'s result for these waves, from the cache when still current.

    ``encode`` turns the result into JSON-able data and ``decode`` back; ``extra``
    is anything else the result depends on (e.g. ``corrections_fingerprint``).
    The result is stored in its own short transaction, so a GET request that
    computes it does not hold a write lock while it works. Call it from pages that
    read (GET); on SQLite, a session that read before the store cannot write after.
    Results are also kept for the rest of the request.
    """
    key = cache_key(kind, params, [cache_fingerprint(session, waves), extra])
    in_request: dict[str, Any] = g.setdefault("result_cache", {})
    if key in in_request:
        return decode(in_request[key])
    hit = session.get(ResultCache, key)
    if hit is not None:
        _note_open(waves, hit.created_at)
        encoded = json.loads(hit.payload)
        in_request[key] = encoded
        return decode(encoded)
    value = compute()
    payload = json.dumps(encode(value), separators=(",", ":"), default=str)
    _note_open(waves, _store(area.id, key, payload))
    in_request[key] = json.loads(payload)
    return value


def _store(area_id: int, key: str, payload: str) -> dt.datetime:
    engine = current_app.extensions["db_engine"].execution_options(sqlite_begin="IMMEDIATE")
    now = utcnow()
    try:
        with engine.begin() as connection:
            connection.execute(
                delete(ResultCache).where(ResultCache.created_at < now - CACHE_MAX_AGE)
            )
            connection.execute(
                insert(ResultCache).values(
                    key=key, area_id=area_id, payload=payload, created_at=now
                )
            )
    except IntegrityError:
        # Another request stored the same result first: it is identical.
        pass
    return now


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None

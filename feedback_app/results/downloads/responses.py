"""Responses as a spreadsheet: one row per counted response, streamed.

What a row holds, and what it leaves out so a family cannot be picked out or
linked to anything else:

* ``response``: a number from 1 within this download, in the order responses were
  started. Not the database id (which other downloads and pages could link to),
  never a token or resume-code hash.
* ``wave``, ``channel`` (online, paper, imported), ``language``, and ``submitted``
  as a date in the area's time zone (no time of day).
* per closed question the option code and its label (``trust_confidence`` and
  ``trust_confidence_label``; several choices joined with ``"; "``), per number or
  month question the value, per free-text question the comment with e-mail
  addresses, phone numbers, NHS numbers, postcodes, street addresses, named
  schools and detectable names redacted
  (``analysis.redact``).

Rows come from one query over responses and their answers ordered by response,
fetched in batches (``yield_per``), so memory does not grow with the number of
responses. A download covers the responses counted when it started: the audited
row count and the rows are the same even while a wave is still open.

Answers repeat (option codes, often the same comment): each distinct value of a
question is worked out once per download (labels looked up, comment redacted,
then for CSV neutralised and quoted) and reused, a bounded number kept per
question. The CSV download is written as text lines from those pieces
(``csv_lines``), byte for byte what writing every cell of ``response_rows``
gives.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from analysis import redact
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Answer, Response, Wave
from feedback_app.results.data import counted, wave_labels
from feedback_app.web.exports import LINE_END, csv_fields, safe_cell
from surveys.answer_types import spec_of
from surveys.model import AnswerType

#: Rows fetched from the database per round trip.
FETCH_ROWS = 5_000
#: Columns before the question columns.
META_HEADER = ("response", "wave", "channel", "language", "submitted")
#: The first sheet of a responses workbook (accessible spreadsheet guidance).
README_LINES = (
    "Read me: responses",
    "Sheet 'responses': one row per counted response, one column per answer. Row 1 names "
    "the columns; the data start in row 2. 'response' is a number within this download "
    "only; 'submitted' is a date in the area's time zone. A closed question has two "
    "columns: the option code and its label (several choices joined with '; '). Free text "
    "has e-mail addresses, phone numbers, NHS numbers, postcodes, street addresses, "
    "named schools and names that could be spotted "
    "replaced. An empty cell is a question not answered or not asked.",
    "Sheet 'questions': each question's id, type and wording.",
    "Suppression: none. These are individual responses, for officers only: do not publish "
    "them. Published figures come from the analysis tables prepared for publication and "
    "the board report, where small numbers are suppressed.",
    "Method: the analysis tables and the board report describe how the figures are worked "
    "out; this sheet holds the answers as they were given. No cells are merged.",
)
#: Rows in one worksheet (Excel's limit, the header row included).
XLSX_MAX_ROWS = 1_048_576
#: Bytes sent per chunk when a built file is streamed.
CHUNK_BYTES = 64 * 1024

Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class ResponseColumn:
    """One question in the download: closed questions get a code and a label column."""

    question_id: str
    text: str
    answer_type: AnswerType

    @functools.cached_property
    def closed(self) -> bool:
        """True when answers are option codes (a label column follows the codes)."""
        return spec_of(self.answer_type).closed

    @property
    def header(self) -> tuple[str, ...]:
        """The column names this question adds."""
        if self.closed:
            return (self.question_id, f"{self.question_id}_label")
        return (self.question_id,)


@dataclass(frozen=True)
class Snapshot:
    """The responses a download covers: how many, and the last response id."""

    rows: int
    last_id: int


def response_columns(waves: Sequence[Wave]) -> list[ResponseColumn]:
    """Every question of the waves' questionnaires, in order, each once.

    Waves of different questionnaires (an annual survey and a short follow-up)
    share their common questions' columns; a question only one asks is blank for
    the other's responses.
    """
    seen: dict[str, ResponseColumn] = {}
    for version in _versions(waves):
        for question in questionnaire_for(version).questions():
            if question.id not in seen:
                seen[question.id] = ResponseColumn(question.id, question.text, question.type)
    return list(seen.values())


def header(columns: Sequence[ResponseColumn]) -> list[str]:
    """The header row."""
    return [*META_HEADER, *(name for column in columns for name in column.header)]


def snapshot(session: Session, waves: Sequence[Wave]) -> Snapshot:
    """How many responses a download of ``waves`` started now holds."""
    rows, last_id = session.execute(
        select(func.count(), func.max(Response.id)).where(*counted(w.id for w in waves))
    ).one()
    return Snapshot(rows=int(rows), last_id=int(last_id or 0))


def response_rows(
    session: Session,
    waves: Sequence[Wave],
    *,
    columns: Sequence[ResponseColumn],
    covering: Snapshot,
    zone: ZoneInfo,
) -> Iterator[list[Cell]]:
    """The header, then one row per counted response (see the module docstring)."""
    yield list[Cell](header(columns))
    labels = wave_labels(waves)
    plans = _Plans(columns, _option_labels(waves), _as_cells)
    for number, (wave_id, version_id, channel, language, submitted_at, stored) in enumerate(
        _stored(session, labels, covering), start=1
    ):
        row_out: list[Cell] = [
            number,
            labels[wave_id],
            channel,
            language,
            _local_date(submitted_at, zone),
        ]
        plan = plans.of(version_id)
        answers = _decoded(stored).get
        for question_id, memo, work_out in zip(
            plan.question_ids, plan.memos, plan.work_out, strict=True
        ):
            value = answers(question_id)
            cells = memo.get(value)
            row_out.extend(work_out(value) if cells is None else cells)
        yield row_out


def csv_lines(
    session: Session,
    waves: Sequence[Wave],
    *,
    columns: Sequence[ResponseColumn],
    covering: Snapshot,
    zone: ZoneInfo,
) -> Iterator[str]:
    """The CSV lines of ``response_rows`` (header first), dates as ``YYYY-MM-DD``:
    byte for byte what ``exports.csv_lines`` writes for those rows.

    Each distinct value of a question (an option code, a comment) is worked out,
    redacted, neutralised and quoted once (``exports.csv_fields``), and its text
    is reused; a line is those texts joined.
    """
    yield csv_fields(header(columns)) + LINE_END
    labels = wave_labels(waves)
    plans = _Plans(columns, _option_labels(waves), _as_text)
    metas: dict[tuple[int, str, str], str] = {}
    days: dict[tuple[Any, ...] | None, str] = {}
    for number, (wave_id, version_id, channel, language, submitted_at, stored) in enumerate(
        _stored(session, labels, covering), start=1
    ):
        meta = metas.get((wave_id, channel, language))
        if meta is None:
            meta = csv_fields([labels[wave_id], channel, language])
            _remember(metas, (wave_id, channel, language), meta)
        # Keyed by the minute: zone offsets and their changes fall on whole minutes.
        minute = (
            None
            if submitted_at is None
            else (
                submitted_at.year,
                submitted_at.month,
                submitted_at.day,
                submitted_at.hour,
                submitted_at.minute,
                submitted_at.tzinfo,
            )
        )
        submitted = days.get(minute)
        if submitted is None:
            day = _local_date(submitted_at, zone)
            submitted = _remember(days, minute, csv_fields([day.isoformat() if day else None]))
        plan = plans.of(version_id)
        # Looked up in C (map): the stored values, then their remembered texts.
        values = list(map(_decoded(stored).get, plan.question_ids))
        known: list[str | None] = list(map(dict.get, plan.memos, values))
        texts = (
            [
                text if text is not None else work_out(value)
                for text, value, work_out in zip(known, values, plan.work_out, strict=True)
            ]
            if None in known
            else typing.cast("list[str]", known)
        )
        yield f"{number},{meta},{submitted}{''.join(texts)}{LINE_END}"


#: Distinct stored values whose cells are kept per question while a download runs
#: (the oldest forgotten first). A closed question has a few dozen; comments are
#: mostly unique, and this bounds the memory they take.
REMEMBERED = 2_000

K = TypeVar("K")
V = TypeVar("V")


def _remember(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= REMEMBERED:
        del memo[next(iter(memo))]
    memo[key] = value
    return value


def _as_cells(cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
    return cells


def _as_text(cells: tuple[Cell, ...]) -> str:
    # Each led by the comma before it: a line is the texts joined.
    return "," + csv_fields(cells)


@dataclass(frozen=True)
class _Plan(Generic[V]):
    """One version's columns: question ids, the remembered cells of each distinct
    stored value, and how to work them out (remembering them)."""

    question_ids: list[str]
    memos: list[dict[Any, V]]
    work_out: list[Callable[[Any], V]]


class _Plans(Generic[V]):
    """Per questionnaire version, each column's way from a stored answer to its cells.

    ``finish`` turns a value's cells into what a row holds (the cells, or their CSV
    text). Each distinct stored value of a question is worked out once: its option
    labels looked up, or its comment redacted (``analysis.redact``), and finished;
    at most :data:`REMEMBERED` are kept per question.
    """

    def __init__(
        self,
        columns: Sequence[ResponseColumn],
        options: dict[int, dict[str, dict[str, str]]],
        finish: Callable[[tuple[Cell, ...]], V],
    ) -> None:
        self._columns = columns
        self._options = options
        self._finish = finish
        self._plans: dict[int, _Plan[V]] = {}

    def of(self, version_id: int) -> _Plan[V]:
        """The plan for responses to ``version_id``."""
        plan = self._plans.get(version_id)
        if plan is None:
            options = self._options.get(version_id, {})
            memos: list[dict[Any, V]] = [{} for _ in self._columns]
            plan = self._plans[version_id] = _Plan(
                [c.question_id for c in self._columns],
                memos,
                [self._worker(c, options, m) for c, m in zip(self._columns, memos, strict=True)],
            )
        return plan

    def _worker(
        self, column: ResponseColumn, options: dict[str, dict[str, str]], memo: dict[Any, V]
    ) -> Callable[[Any], V]:
        finish = self._finish

        def work_out(stored: Any) -> V:
            return _remember(memo, stored, finish(_answer_cells(column, _value(stored), options)))

        return work_out


def _stored(session: Session, labels: dict[int, str], covering: Snapshot) -> Iterator[Any]:
    """Counted responses of the waves ``labels`` names, in the order they were started:
    wave id, version id, channel, language, submitted at, and the answers.

    The database gathers each response's answers into one JSON object (C code, one
    row per response rather than one per answer) of question id -> the value as
    stored (see ``_answers_object``), fetched in batches.
    """
    query = (
        select(
            Response.wave_id,
            Response.version_id,
            Response.channel,
            Response.language,
            Response.submitted_at,
            _answers_object(session),
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*counted(labels), Response.id <= covering.last_id)
        .group_by(Response.id)
        .order_by(Response.id)
        .execution_options(yield_per=FETCH_ROWS)
    )
    for partition in session.connection().execute(query).partitions():
        yield from partition


def _answers_object(session: Session) -> Any:
    """The aggregate that makes one JSON object of a response's answers, per dialect.

    Each value is left as stored, its JSON text as a string (SQLite hands back a
    number it keeps as one), and decoded only the first time it is seen
    (``_value``): most answers repeat.
    """
    present = Answer.question_id.is_not(None)
    if session.get_bind().dialect.name == "postgresql":
        # As text: decoded here (``_decoded``), faster than the driver's JSON loader.
        answers = func.json_object_agg(Answer.question_id, cast(Answer.value, Text))
        return cast(answers.filter(present), Text)
    return func.json_group_object(Answer.question_id, Answer.value).filter(present)


def _decoded(stored: Any) -> dict[str, Any]:
    # A JSON text (or None; a dict if a driver decoded it).
    if stored is None:
        return {}
    if isinstance(stored, dict):
        return stored
    decoded: dict[str, Any] = _DECODE(stored)[0]
    return decoded


#: The JSON decoder without ``json.loads``'s checks for white space around the
#: object (the database writes none).
_DECODE = json.JSONDecoder().raw_decode


def _value(stored: Any) -> Any:
    """An answer's value from what ``_answers_object`` gives for it."""
    return json.loads(stored) if isinstance(stored, str) else stored


def write_xlsx(
    rows: Iterable[Sequence[Cell]],
    target: IO[bytes],
    *,
    columns: Sequence[ResponseColumn],
) -> int:
    """Write ``rows`` (header first) as a workbook to ``target``; returns the data rows.

    XlsxWriter in constant-memory mode writes each row to a temporary file as it
    comes, so memory stays flat up to Excel's row limit (ADR 0028). Every text
    cell is written as a string (never a formula, URL or number) and neutralised
    like a CSV cell (``exports.safe_cell``), so ``=HYPERLINK(...)`` arrives as the
    text ``'=HYPERLINK(...)``. A "Read me" sheet comes first; a third sheet lists
    each question's wording.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    readme = book.add_worksheet("Read me")
    readme.set_column(0, 0, 120)
    for number, line in enumerate(README_LINES):
        readme.write_string(number, 0, safe_cell(line), bold if number == 0 else None)
    sheet = book.add_worksheet("responses")
    sheet.freeze_panes(1, 1)
    names = header(columns)
    for index, name in enumerate(names):
        width = 12 if index < len(META_HEADER) else min(max(len(name) + 2, 14), 40)
        sheet.set_column(index, index, width)
    write_string, write_number, write_datetime = (
        sheet.write_string,
        sheet.write_number,
        sheet.write_datetime,
    )
    count = -1
    for count, row in enumerate(rows):
        if count >= XLSX_MAX_ROWS:
            raise ValueError(f"more than {XLSX_MAX_ROWS:,} rows do not fit in a worksheet")
        style = bold if count == 0 else None
        for index, value in enumerate(row):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                write_string(count, index, safe_cell(value), style)
            elif kind is int or kind is float:
                write_number(count, index, value, style)
            elif isinstance(value, dt.date):
                write_datetime(count, index, value, date)
            else:
                write_string(count, index, str(safe_cell(value)), style)
    questions = book.add_worksheet("questions")
    questions.freeze_panes(1, 0)
    questions.set_column(0, 0, 30)
    questions.set_column(1, 1, 12)
    questions.set_column(2, 2, 80)
    for index, name in enumerate(("question", "type", "wording")):
        questions.write_string(0, index, name, bold)
    for number, column in enumerate(columns, start=1):
        for index, value in enumerate((column.question_id, column.answer_type.value, column.text)):
            questions.write_string(number, index, safe_cell(value))
    # Past 2 GiB in one part a ZIP package needs ZIP64 records: the responses sheet
    # of a million parent-survey responses is about 2.2 GiB of XML before it is
    # compressed. Python's zipfile writes them only where a part needs them, so a
    # smaller workbook comes out byte for byte as without this.
    book.use_zip64()
    book.close()
    return max(count, 0)


def file_chunks(file: IO[bytes], *, close: Callable[[], None] | None = None) -> Iterator[bytes]:
    """The file from its start in chunks; closes it at the end (or on disconnect)."""
    try:
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
    finally:
        file.close()
        if close is not None:
            close()


def _answer_cells(
    column: ResponseColumn, value: Any, options: dict[str, dict[str, str]]
) -> tuple[Cell, ...]:
    if column.closed:
        if value is None or value == "" or value == []:
            return (None, None)
        codes = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        found = options.get(column.question_id, {})
        return ("; ".join(codes), "; ".join(found.get(code, code) for code in codes))
    if value is None or value == "":
        return (None,)
    if spec_of(column.answer_type).free_text:
        return (redact(str(value)),)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (value,)
    return (str(value),)


def _option_labels(waves: Sequence[Wave]) -> dict[int, dict[str, dict[str, str]]]:
    """Version id -> question id -> option code -> label."""
    return {
        version.id: {
            q.id: {o.code: o.label for o in q.options}
            for q in questionnaire_for(version).questions()
            if q.options
        }
        for version in _versions(waves)
    }


def _versions(waves: Sequence[Wave]) -> list[Any]:
    found: dict[int, Any] = {}
    for wave in waves:
        found.setdefault(wave.version_id, wave.version)
    return list(found.values())


def _local_date(moment: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone).date()

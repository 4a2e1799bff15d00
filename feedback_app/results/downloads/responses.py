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
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import redact
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Answer, Response, Wave
from feedback_app.results.data import counted, wave_labels
from feedback_app.web.exports import safe_cell
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
    options = _option_labels(waves)
    # The database gathers each response's answers into one JSON object (C code,
    # one row per response rather than one per answer). A closed question's cells
    # are worked out once per distinct value (a few dozen), not once per answer.
    # Free text is never cached, so memory stays flat.
    query = (
        select(
            Response.id,
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
    plan = [(c.question_id, c.closed, c) for c in columns]
    closed_cells: dict[tuple[int, str, Any], tuple[Cell, ...]] = {}
    result = session.connection().execute(query)
    number = 0
    for partition in result.partitions():
        for _id, wave_id, version_id, channel, language, submitted_at, stored in partition:
            number += 1
            answers = _decoded(stored)
            row_out: list[Cell] = [
                number,
                labels[wave_id],
                channel,
                language,
                _local_date(submitted_at, zone),
            ]
            version_options = options.get(version_id, {})
            for question_id, closed, column in plan:
                value = answers.get(question_id)
                if value is None:
                    row_out.extend(_BLANK_CLOSED if closed else _BLANK)
                elif closed:
                    key = (version_id, question_id, tuple(value) if type(value) is list else value)
                    cells = closed_cells.get(key)
                    if cells is None:
                        cells = closed_cells[key] = _answer_cells(column, value, version_options)
                    row_out.extend(cells)
                else:
                    row_out.extend(_answer_cells(column, value, version_options))
            yield row_out


_BLANK: tuple[Cell, ...] = (None,)
_BLANK_CLOSED: tuple[Cell, ...] = (None, None)


def _answers_object(session: Session) -> Any:
    """The aggregate that makes one JSON object of a response's answers, per dialect."""
    present = Answer.question_id.is_not(None)
    if session.get_bind().dialect.name == "postgresql":
        return func.json_object_agg(Answer.question_id, Answer.value).filter(present)
    # SQLite stores JSON as text: json() keeps each value JSON inside the object.
    return func.json_group_object(Answer.question_id, func.json(Answer.value)).filter(present)


def _decoded(stored: Any) -> dict[str, Any]:
    # PostgreSQL's driver hands back a dict already; SQLite a JSON text (or None).
    if stored is None:
        return {}
    if isinstance(stored, dict):
        return stored
    decoded: dict[str, Any] = json.loads(stored)
    return decoded


def csv_rows(rows: Iterable[Sequence[Cell]]) -> Iterator[list[Any]]:
    """Rows as CSV cells: dates as ``YYYY-MM-DD`` (``exports.csv_lines`` neutralises).

    Only the ``submitted`` column holds dates.
    """
    at = META_HEADER.index("submitted")
    for row in rows:
        cells = list(row)
        moment = cells[at]
        if isinstance(moment, dt.date):
            cells[at] = moment.isoformat()
        yield cells


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

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
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from analysis import redact
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Answer, Response, Wave
from feedback_app.results.data import counted, wave_labels
from feedback_app.web.exports import safe_cell
from surveys.answer_types import spec_of
from surveys.model import AnswerType

if TYPE_CHECKING:  # openpyxl is imported where a workbook is written (faster start-up)
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
#: Bytes sent per chunk when a built file is streamed.
CHUNK_BYTES = 64 * 1024

Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class ResponseColumn:
    """One question in the download: closed questions get a code and a label column."""

    question_id: str
    text: str
    answer_type: AnswerType

    @property
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
    # Answers are fetched as stored JSON text; a closed question's cells are worked
    # out once per distinct stored value (a few dozen), not once per answer. Free
    # text is never cached, so memory stays flat.
    query = (
        select(
            Response.id,
            Response.wave_id,
            Response.version_id,
            Response.channel,
            Response.language,
            Response.submitted_at,
            Answer.question_id,
            cast(Answer.value, Text),
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*counted(labels), Response.id <= covering.last_id)
        .order_by(Response.id)
        .execution_options(yield_per=FETCH_ROWS)
    )
    closed_cells: dict[tuple[int, str, str], tuple[Cell, ...]] = {}
    result = session.connection().execute(query)
    for number, (_, group) in enumerate(itertools.groupby(result, key=lambda r: r[0]), start=1):
        first = next(group)
        raw_answers = {
            row[6]: row[7] for row in itertools.chain((first,), group) if row[6] is not None
        }
        version_id = first[2]
        row_out: list[Cell] = [
            number,
            labels[first[1]],
            first[3],
            first[4],
            _local_date(first[5], zone),
        ]
        version_options = options.get(version_id, {})
        for column in columns:
            raw = raw_answers.get(column.question_id)
            if raw is None:
                row_out.extend((None, None) if column.closed else (None,))
            elif column.closed:
                key = (version_id, column.question_id, raw)
                cells = closed_cells.get(key)
                if cells is None:
                    cells = closed_cells[key] = _answer_cells(
                        column, json.loads(raw), version_options
                    )
                row_out.extend(cells)
            else:
                row_out.extend(_answer_cells(column, json.loads(raw), version_options))
        yield row_out


def csv_rows(rows: Iterable[Sequence[Cell]]) -> Iterator[list[Any]]:
    """Rows as CSV cells: dates as ``YYYY-MM-DD`` (``exports.csv_lines`` neutralises)."""
    for row in rows:
        yield [cell.isoformat() if isinstance(cell, dt.date) else cell for cell in row]


def write_xlsx(
    rows: Iterable[Sequence[Cell]],
    target: IO[bytes],
    *,
    columns: Sequence[ResponseColumn],
) -> int:
    """Write ``rows`` (header first) as a workbook to ``target``; returns the data rows.

    openpyxl's write-only mode keeps one row in memory at a time. Every text cell
    is written as a string (never a formula) and neutralised like a CSV cell, so
    ``=HYPERLINK(...)`` arrives as the text ``'=HYPERLINK(...)``. A second sheet
    lists each question's wording; a "Read me" sheet comes first.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    readme = book.create_sheet("Read me")
    readme.column_dimensions["A"].width = 120
    for number, line in enumerate(README_LINES):
        readme.append([_xlsx_cell(readme, line, bold=number == 0)])
    sheet = book.create_sheet("responses")
    sheet.freeze_panes = "B2"
    names = header(columns)
    for index, name in enumerate(names, start=1):
        width = 12 if index <= len(META_HEADER) else min(max(len(name) + 2, 14), 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
    count = -1
    for count, row in enumerate(rows):
        if count == 0:
            sheet.append([_xlsx_cell(sheet, value, bold=True) for value in row])
        else:
            # Plain values are several times faster than styled cells. A neutralised
            # string never starts with "=", so openpyxl stores it as text, and a
            # date gets openpyxl's yyyy-mm-dd format by itself.
            sheet.append([_plain_cell(value) for value in row])
    questions = book.create_sheet("questions")
    questions.freeze_panes = "A2"
    questions.column_dimensions["A"].width = 30
    questions.column_dimensions["B"].width = 12
    questions.column_dimensions["C"].width = 80
    questions.append(
        [_xlsx_cell(questions, name, bold=True) for name in ("question", "type", "wording")]
    )
    for column in columns:
        questions.append(
            [
                _xlsx_cell(questions, value, bold=False)
                for value in (column.question_id, column.answer_type.value, column.text)
            ]
        )
    book.save(target)
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


def _plain_cell(value: Cell) -> Cell:
    return safe_cell(value) if isinstance(value, str) else value


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell, *, bold: bool) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        # A string is text: never let openpyxl store one as a formula.
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


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

"""CSV downloads that open safely in Excel: UTF-8 with a BOM, formulas neutralised.

A cell starting with ``= + - @``, a tab or a carriage return would be run as a
formula by a spreadsheet (CSV injection), so it is prefixed with ``'``. Real
numbers stay numbers. Rows are written as they are produced, so memory does not
grow with the size of the download.

A long download whose cells repeat (the responses download: option codes and
labels, the same comment) can work out the text of each distinct value once with
``csv_fields`` (the same rule and the same quoting as ``csv_lines``) and stream
the finished lines with ``csv_text_response``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from flask import Response, stream_with_context

# One rule for every download: the characters analysis/ neutralises in its tables.
from analysis.excel_safety import DANGEROUS_STARTS

BOM = "\ufeff"
T = TypeVar("T")
#: How ``csv.writer`` ends a line (the excel dialect).
LINE_END = "\r\n"


def safe_cell(value: Any) -> Any:
    """The value as a CSV cell: numbers unchanged, None empty, risky text prefixed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(DANGEROUS_STARTS):
        return "'" + text
    return text


#: Rows written before the text is handed on: few enough to keep memory flat,
#: enough that the generator and buffer work is not paid per row.
CSV_BATCH_ROWS = 500


def safe_row(row: Sequence[Any]) -> list[Any]:
    """``safe_cell`` of every cell; the common cells (numbers, plain text) take the short way."""
    out: list[Any] = []
    for value in row:
        kind = type(value)
        if value is None:
            out.append("")
        elif kind is int or kind is float:
            out.append(value)
        elif kind is str:
            out.append("'" + value if value.startswith(DANGEROUS_STARTS) else value)
        else:
            out.append(safe_cell(value))
    return out


def csv_fields(cells: Sequence[Any]) -> str:
    r"""``cells`` as a piece of a CSV line (no line end): each made safe (``safe_row``)
    and quoted as ``csv.writer`` quotes it.

    Pieces joined with ``","`` and ended with :data:`LINE_END` are, byte for byte,
    the line ``csv_lines`` writes for all their cells (each cell is quoted on its
    own; an empty cell is empty, since a line has more than one).

    >>> csv_fields(["=1+1", None, 3, 'say "hi", then go'])
    '\'=1+1,,3,"say ""hi"", then go"'
    """
    if not cells:
        return ""
    buffer = io.StringIO()
    # One empty cell more: a lone empty cell would be written as "" (a quoted empty).
    csv.writer(buffer).writerow([*safe_row(cells), ""])
    return buffer.getvalue()[: -len("," + LINE_END)]


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The rows as CSV text, a batch of lines at a time (the first piece is the BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    for batch in _batches(rows):
        writer.writerows([safe_row(row) for row in batch])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_text(lines: Iterable[str]) -> Iterator[str]:
    """Finished CSV lines (made with ``csv_fields``), a batch at a time after the BOM."""
    yield BOM
    for batch in _batches(lines):
        yield "".join(batch)


def _batches(rows: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, CSV_BATCH_ROWS)):
        yield batch


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A download of ``rows`` (header row first) as ``filename``.

    The rows are written while the response is sent; a lazy iterable may use the
    database session, since the request context is kept until the end.
    """
    return _attachment(csv_lines(rows), filename)


def csv_text_response(lines: Iterable[str], filename: str) -> Response:
    """A download of finished CSV ``lines`` (header line first, each made with
    ``csv_fields`` and ended with :data:`LINE_END`) as ``filename``; streamed as
    ``csv_response`` streams rows."""
    return _attachment(csv_text(lines), filename)


def _attachment(chunks: Iterator[str], filename: str) -> Response:
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._-") or "download.csv"
    response = Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
    return response

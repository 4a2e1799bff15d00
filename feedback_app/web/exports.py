"""CSV downloads that open safely in Excel: UTF-8 with a BOM, formulas neutralised.

A cell starting with ``= + - @``, a tab or a carriage return would be run as a
formula by a spreadsheet (CSV injection), so it is prefixed with ``'``. Real
numbers stay numbers. Rows are written as they are produced, so memory does not
grow with the size of the download.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

# One rule for every download: the characters analysis/ neutralises in its tables.
from analysis.excel_safety import DANGEROUS_STARTS

BOM = "\ufeff"


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


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Each row as one CSV line (the first starts with the BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A download of ``rows`` (header row first) as ``filename``.

    The rows are written while the response is sent; a lazy iterable may use the
    database session, since the request context is kept until the end.
    """
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._-") or "download.csv"
    response = Response(
        stream_with_context(csv_lines(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
    return response

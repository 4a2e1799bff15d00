"""CSV rendering: the main table of a result, safe to open in Excel."""

from __future__ import annotations

import csv
import io

from analysis.excel_safety import neutralise
from analysis.rounding import whole_percent
from analysis.tables import Cell, Table


def to_csv(result: object, *, publication: bool = False) -> str:
    """The main table of ``result`` as CSV text.

    Numbers are written unrounded and unquoted so they stay numbers; text that a
    spreadsheet could run as a formula is prefixed with ``'``. With ``publication``
    percentages are whole numbers and a non-zero value under 0.5 is written ``<1``.

    Examples
    --------
    >>> from analysis.tables import Table
    >>> t = Table("t", "T", ("name", "percent"), (("=cmd", 12.5),), frozenset({"percent"}))
    >>> print(table_csv(t), end="")
    name,percent
    '=cmd,12.5
    """
    # Every result type's tables (and pandas with them) load only when one is rendered.
    from analysis.result_tables import tables_for

    return table_csv(tables_for(result)[0], publication=publication)


def table_csv(table: Table, *, publication: bool = False) -> str:
    """One table as CSV text (see :func:`to_csv`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(c) for c in table.columns])
    percent_at = {i for i, c in enumerate(table.columns) if c in table.percent_columns}
    for row in table.rows:
        cells = [
            publication_percent(cell) if publication and i in percent_at else cell
            for i, cell in enumerate(row)
        ]
        writer.writerow([_text(neutralise(cell)) for cell in cells])
    return buffer.getvalue()


def publication_percent(value: Cell) -> Cell:
    """Whole-number percentage; a non-zero value that rounds to 0 becomes ``"<1"``.

    Examples
    --------
    >>> publication_percent(0.3), publication_percent(0.0), publication_percent(12.5)
    ('<1', 0, 13)
    """
    if not isinstance(value, float | int) or isinstance(value, bool):
        return value
    # The one rounding rule: half away from zero on the decimal (analysis.rounding).
    return whole_percent(value)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    return str(value)

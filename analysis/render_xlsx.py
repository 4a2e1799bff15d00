"""XLSX rendering: one sheet per table, numbers as numbers, formulas neutralised."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.excel_safety import neutralise
from analysis.render_csv import publication_percent
from analysis.tables import Table, tables_for


def to_xlsx(result: object, *, publication: bool = False) -> bytes:
    """A workbook with one sheet per table of ``result``.

    Percentages are stored unrounded and displayed with one decimal place (whole
    numbers, with ``<1``, when ``publication``). Text that Excel could run as a
    formula is prefixed with ``'``.

    Examples
    --------
    >>> from analysis.comparison import Comparison
    >>> from analysis.method import Method
    >>> to_xlsx(Comparison("a", "b", Method(), ()))[:2]
    b'PK'
    """
    book = Workbook()
    book.remove(book.active) if book.active is not None else None
    for table in tables_for(result):
        _sheet(book, table, publication=publication)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, table: Table, *, publication: bool) -> None:
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([neutralise(c) for c in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    percent_at = [i for i, c in enumerate(table.columns) if c in table.percent_columns]
    for row in table.rows:
        values = list(row)
        if publication:
            for i in percent_at:
                values[i] = publication_percent(values[i])
        sheet.append([neutralise(v) for v in values])
    if not publication:
        for i in percent_at:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=i + 1, max_col=i + 1):
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"
    sheet.freeze_panes = "A3"

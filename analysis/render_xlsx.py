"""XLSX rendering: one sheet per table, numbers as numbers, formulas neutralised.

A "Read me" sheet comes first (the accessible spreadsheet guidance of the
Government Analysis Function): what each sheet holds, the method and whether small
numbers are suppressed. Each table sheet starts with the table's title, then a
bold header row frozen in place, then the rows; no cell is merged. Columns are
sized to their contents; percentages (0-100) carry a ``%`` number format without
being divided by 100, so the stored value is the same figure as in CSV and JSON.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from analysis.excel_safety import neutralise
from analysis.render_csv import publication_percent
from analysis.tables import Cell, Table

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Number formats: percentages are 0-100 figures, shown with a % sign.
PERCENT_FORMAT = '0.0"%"'
PUBLICATION_PERCENT_FORMAT = '0"%"'
P_VALUE_FORMAT = "0.0000"
#: Excel's limit on sheet names.
SHEET_NAME_LENGTH = 31
_MIN_WIDTH, _MAX_WIDTH = 8, 60
#: Header cells' background (GOV.UK light grey). openpyxl is imported where a
#: workbook is written, not with this module: a web worker starts without it.
_HEADER_COLOUR = "F3F2F1"
#: The first sheet of every workbook.
README_SHEET = "Read me"
README_METHOD = (
    "Method: each percentage is of the valid answers to a question (don't know, not "
    "applicable, prefer not to say and no answer are left out), with its 95% confidence "
    "interval (Wilson score). A change between waves is in percentage points, with a 95% "
    "confidence interval (Newcombe) and a two-proportion test (Fisher's exact test for small "
    "counts); it is called an improvement or a decline only when significant at the 5% level. "
    "The full method statement is on the sheets whose names end in 'method'."
)
README_PUBLICATION = (
    "Suppression: prepared for publication. Counts of 1 to 4 are suppressed, with secondary "
    "suppression so that a hidden figure cannot be worked out from the others. A percentage "
    "from fewer than 10 valid answers is not shown; from fewer than 30 treat it with caution "
    "(no significance test). Percentages are whole numbers; a value above 0 that rounds to 0 "
    "is shown as <1. Empty cells are suppressed or not applicable."
)
README_NOT_FOR_PUBLICATION = (
    "Suppression: NOT prepared for publication. Small counts are shown as they are, so this "
    "workbook is for officers only: download it again 'prepared for publication' before "
    "sharing any figure. A percentage from fewer than 10 valid answers is not shown; from "
    "fewer than 30 treat it with caution (no significance test). Empty cells are not shown "
    "or not applicable."
)


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
    # Every result type's tables (and pandas with them) load only when one is rendered.
    from analysis.result_tables import tables_for

    return tables_to_xlsx([(t.name, t) for t in tables_for(result)], publication=publication)


def tables_to_xlsx(named: Sequence[tuple[str, Table]], *, publication: bool = False) -> bytes:
    """A workbook with one formatted sheet per ``(sheet name, table)``.

    Sheet names are cut to 31 characters (Excel's limit) and must then be unique.

    Raises
    ------
    ValueError
        No tables, or two tables with the same sheet name.

    Examples
    --------
    >>> t = Table("t", "Title", ("name", "percent"), (("=x", 12.5),), frozenset({"percent"}))
    >>> from openpyxl import load_workbook
    >>> sheet = load_workbook(io.BytesIO(tables_to_xlsx([("first", t)])))["first"]
    >>> sheet["A3"].value, sheet["B3"].value, sheet["B3"].number_format, sheet.freeze_panes
    ("'=x", 12.5, '0.0"%"', 'A3')
    """
    if not named:
        raise ValueError("no tables to write")
    names = [name[:SHEET_NAME_LENGTH] for name, _ in named]
    if len(set(names)) != len(names):
        raise ValueError("sheet names must be unique in their first 31 characters")
    from openpyxl import Workbook

    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    _readme(book.create_sheet(title=README_SHEET), names, named, publication=publication)
    for name, (_, table) in zip(names, named, strict=True):
        _sheet(book.create_sheet(title=name), table, publication=publication)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _readme(
    sheet: Worksheet,
    names: Sequence[str],
    named: Sequence[tuple[str, Table]],
    *,
    publication: bool,
) -> None:
    """The first sheet: what the workbook holds, the method, suppression, contents."""
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.append(["Read me: analysis tables"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        "This workbook has one table per sheet. On each sheet, row 1 says what the table "
        "holds and row 2 names its columns; the figures start in row 3. No cells are merged.",
        README_METHOD,
        README_PUBLICATION if publication else README_NOT_FOR_PUBLICATION,
    ):
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
    sheet.append([])
    sheet.append(["Sheet", "What it holds"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_COLOUR)
    for name, (_, table) in zip(names, named, strict=True):
        sheet.append([name, neutralise(table.title)])
    sheet.column_dimensions["A"].width = _MAX_WIDTH
    sheet.column_dimensions["B"].width = _MAX_WIDTH + 20


def _sheet(sheet: Worksheet, table: Table, *, publication: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([neutralise(c) for c in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_COLOUR)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    percent_at = {i for i, c in enumerate(table.columns) if c in table.percent_columns}
    p_value_at = {i for i, c in enumerate(table.columns) if c.startswith("p_value")}
    widths = [len(str(c)) for c in table.columns]
    percent_format = PUBLICATION_PERCENT_FORMAT if publication else PERCENT_FORMAT
    for row_number, row in enumerate(table.rows, start=3):
        values: list[Cell] = list(row)
        if publication:
            for i in percent_at:
                values[i] = publication_percent(values[i])
        sheet.append([neutralise(v) for v in values])
        for i, value in enumerate(values):
            cell = sheet.cell(row=row_number, column=i + 1)
            if isinstance(cell.value, str):
                # Text is text: never stored as a formula whatever it starts with.
                cell.data_type = "s"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if i in percent_at:
                    cell.number_format = percent_format
                elif i in p_value_at:
                    cell.number_format = P_VALUE_FORMAT
            widths[i] = max(widths[i], _shown_length(value))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(
            max(width + 2, _MIN_WIDTH), _MAX_WIDTH
        )
    sheet.freeze_panes = "A3"


def _shown_length(value: Cell) -> int:
    if isinstance(value, float):
        return 8
    return len(str(value)) if value is not None else 0

"""The plan as a spreadsheet laid out like an Appendix A table (XLSX or CSV), both ways.

An area that keeps its KPIs in a spreadsheet starts its plan from it (docs/plan.md,
"Start from your Appendix A spreadsheet"). The sheet is read into the same plan-file
data the YAML import gives and checked by the one parser (``surveys.kpis``), so one
set of rules applies to both shapes; each problem names the sheet, row and column
of the cell it came from. Nothing here writes to the database.

Layout (the headers are the contract; their order and case do not matter):

- **KPIs**: one row per KPI. ``KPI ref``, ``KPI id`` (made from the reference when
  blank: "KPI 4/1" is ``kpi_4_1``), ``Description``, … ``Direction``, the agreed
  baseline's columns, then one group of columns per staged target, ``Target 1 rule``,
  ``Target 1 value``, ``Target 1 comparator``, ``Target 1 due date``, ``Target 1 due
  months``, ``Target 1 label``, then ``Target 2 …`` and so on for as many as needed.
- **Values** (XLSX; optional): one row per entered value, ``KPI id`` or ``KPI ref``,
  ``Period``, ``Period end``, ``Numerator``, ``Denominator``, ``Value``, ``Source``,
  ``Note``. The upload of one KPI's values (CSV) has the same columns without the KPI.
- **Plan** (XLSX; optional): ``Title``, ``Starts on`` and ``Source`` in column A with
  their values in column B.

A CSV holds the KPIs table only; the plan's title, start date and entered values
are then kept from the current plan (as they are from an XLSX without those sheets).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.excel_safety import DANGEROUS_STARTS, neutralise
from surveys.kpis import KpiBank, plan_data, validate_kpi_bank
from surveys.problems import Problem, QuestionnaireError
from surveys.source import SourceDocument, describe

#: Larger than any real plan workbook; a bigger upload is refused before it is opened.
MAX_BYTES = 2_000_000
MAX_ROWS = 2_000
MAX_COLUMNS = 300

Loc = tuple[str | int, ...]

#: The KPIs sheet's columns other than targets: (key in the plan file, header).
KPI_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "KPI ref"),
    ("id", "KPI id"),
    ("title", "Description"),
    ("short_title", "Short title"),
    ("kind", "Kind"),
    ("priority", "Priority or outcome"),
    ("owner", "Owner"),
    ("partners", "Partners"),
    ("frequency", "Frequency"),
    ("question", "Question id"),
    ("positive", "Positive codes"),
    ("exclude", "Excluded codes"),
    ("options", "All codes"),
    ("measure", "Measure"),
    ("unit", "Unit"),
    ("higher_is_better", "Direction"),
    ("agreed_baseline.value", "Baseline"),
    ("agreed_baseline.base", "Baseline n"),
    ("agreed_baseline.date", "Baseline agreed on"),
    ("agreed_baseline.source", "Baseline source"),
    ("agreed_baseline.agreed_by", "Baseline agreed by"),
    ("recorded_baseline", "Recorded baseline (older files)"),
)
#: Each staged target's columns: (key, header after "Target N ").
TARGET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rule", "rule"),
    ("value", "value"),
    ("benchmark", "comparator"),
    ("due_on", "due date"),
    ("due_months", "due months"),
    ("label", "label"),
    ("due", "due (older text)"),
)
VALUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("period", "Period"),
    ("date", "Period end"),
    ("numerator", "Numerator"),
    ("denominator", "Denominator"),
    ("value", "Value"),
    ("source", "Source"),
    ("note", "Note"),
)
PLAN_ROWS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("starts_on", "Starts on"),
    ("source", "Source"),
)

LISTS = {"partners", "positive", "exclude", "options"}
NUMBERS = {
    "agreed_baseline.value", "agreed_baseline.base", "recorded_baseline", "value",
    "due_months", "numerator", "denominator",
}  # fmt: skip
DATES = {"agreed_baseline.date", "due_on", "date", "starts_on"}
#: Words written for each target rule (the file's codes are read too).
RULE_WORDS = {
    "baseline_plus_pp": "baseline plus points",
    "baseline_plus_relative": "baseline plus per cent",
    "absolute": "level",
    "higher_of": "higher of level and comparator",
    "lower_of": "lower of level and comparator",
}
DIRECTION_WORDS = {True: "higher is better", False: "lower is better"}
#: Written for a list the plan gives as empty on purpose ("exclude nothing").
NONE_WORD = "none"
TARGET_HEADER = re.compile(r"^target\s+(\d{1,2})\s+(.+)$")


@dataclass(frozen=True)
class Cell:
    """Where a value came from: a sheet (None for a CSV), a row and a column."""

    sheet: str | None
    row: int
    column: int | None = None
    header: str | None = None

    def __str__(self) -> str:
        parts = [f"sheet {self.sheet}"] if self.sheet else []
        parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {_letter(self.column)} ({self.header})")
        return ", ".join(parts)


@dataclass(frozen=True)
class SheetDocument(SourceDocument):
    """Plan data read from a sheet, with the cell each value came from."""

    cells: dict[Loc, Cell] = field(default_factory=dict)

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        path = tuple(loc)
        while path and path not in self.cells:
            path = path[:-1]
        cell = self.cells.get(path)
        where = describe(loc, self.data)
        return Problem(
            file=self.source,
            line=None,
            where=f"{cell}: {where}" if cell else where,
            message=message,
        )


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Reading -----------------------------------------------------------------------


Table = list[list[Any]]


def read_plan_csv(
    raw: bytes, *, source: str, current: KpiBank | None, fallback_title: str
) -> KpiBank:
    """The plan in a CSV of the KPIs table; raise QuestionnaireError listing every problem."""
    table = _csv_table(raw, source=source)
    return _plan_from_tables(
        {"KPIs": table}, source=source, sheet_names=False, current=current,
        fallback_title=fallback_title,
    )  # fmt: skip


def read_plan_workbook(
    raw: bytes, *, source: str, current: KpiBank | None, fallback_title: str
) -> KpiBank:
    """The plan in an XLSX workbook (sheets KPIs, Values, Plan); every problem listed."""
    tables = _workbook_tables(raw, source=source)
    return _plan_from_tables(
        tables, source=source, sheet_names=True, current=current, fallback_title=fallback_title
    )


def read_values_csv(raw: bytes, *, source: str, plan: KpiBank, kpi_id: str) -> KpiBank:
    """``plan`` with one entered KPI's values from a CSV added; a period already entered
    is replaced. Every problem (with its row and column) raises QuestionnaireError."""
    table = _csv_table(raw, source=source)
    data = plan_data(plan)
    index = next(i for i, item in enumerate(data["kpis"]) if item["id"] == kpi_id)
    kpi = data["kpis"][index]
    cells: dict[Loc, Cell] = {}
    problems: list[Problem] = []
    headers = _headers(table, None, dict(VALUE_COLUMNS), source, problems)
    rows = list(_records(table, headers, None))
    if not rows and not problems:
        problems.append(Problem(source, None, "file", "has no values under its header row"))
    periods = {str(row[0].get("period", ("", None))[0]).strip() for row in rows}
    kept = [v for v in kpi.get("values", []) if v["period"] not in periods]
    values: list[dict[str, Any]] = list(kept)
    for record, row_cell in rows:
        position = len(values)
        values.append(_fill({}, record, cells, ("kpis", index, "values", position)))
        cells[("kpis", index, "values", position)] = row_cell
    kpi["values"] = values
    return _check(data, source, cells, problems)


def _csv_table(raw: bytes, *, source: str) -> Table:
    if len(raw) > MAX_BYTES:
        raise _file_error(source, "is larger than 2 MB; is it the right file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # what Excel writes for "CSV" on Windows
        except UnicodeDecodeError:
            raise _file_error(source, "is not text; save it as CSV (UTF-8)") from None
    try:
        table = [list(row) for row in itertools.islice(csv.reader(io.StringIO(text)), MAX_ROWS + 1)]
    except csv.Error as exc:
        raise _file_error(source, f"cannot be read as CSV ({exc})") from None
    if len(table) > MAX_ROWS:
        raise _file_error(source, f"has more than {MAX_ROWS} rows; is it the right file?")
    return table


def _workbook_tables(raw: bytes, *, source: str) -> dict[str, Table]:
    import zipfile

    from openpyxl import load_workbook

    if len(raw) > MAX_BYTES:
        raise _file_error(source, "is larger than 2 MB; is it the right file?")
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _file_error(source, "is not an Excel workbook (.xlsx)") from None
    tables: dict[str, Table] = {}
    try:
        for sheet in book.worksheets:
            rows: Table = []
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(rows) >= MAX_ROWS:
                    raise _file_error(source, f"sheet {sheet.title} has more than {MAX_ROWS} rows")
                rows.append(list(row))
            tables[sheet.title.strip()] = rows
    finally:
        book.close()
    return tables


def _file_error(source: str, message: str) -> QuestionnaireError:
    return QuestionnaireError([Problem(source, None, "file", message)])


def _sheet(tables: dict[str, Table], name: str) -> tuple[str, Table] | None:
    for title, table in tables.items():
        if title.casefold() == name.casefold():
            return title, table
    return None


def _plan_from_tables(
    tables: dict[str, Table],
    *,
    source: str,
    sheet_names: bool,
    current: KpiBank | None,
    fallback_title: str,
) -> KpiBank:
    problems: list[Problem] = []
    cells: dict[Loc, Cell] = {}
    kpis_sheet = _sheet(tables, "KPIs")
    if kpis_sheet is None:
        raise _file_error(source, "has no sheet named KPIs (one row per KPI)")
    kpi_title, kpi_table = kpis_sheet
    sheet = kpi_title if sheet_names else None
    known = dict(KPI_COLUMNS)
    headers = _headers(kpi_table, sheet, known, source, problems, targets=True)
    kpis: list[dict[str, Any]] = []
    by_key: dict[str, int] = {}
    for record, row_cell in _records(kpi_table, headers, sheet):
        index = len(kpis)
        loc: Loc = ("kpis", index)
        cells[loc] = row_cell
        item = _fill({}, record, cells, loc, skip_targets=True)
        if "id" not in item and isinstance(item.get("reference"), str):
            item = {"id": _id_from(item["reference"]), **item}
            cells[(*loc, "id")] = record.get("reference", (None, row_cell))[1]
        targets = _targets(record, cells, loc)
        if targets:
            item["targets"] = targets
        kpis.append(item)
        for key in ("id", "reference"):
            if isinstance(item.get(key), str):
                by_key.setdefault(item[key].strip().casefold(), index)
    current_data = plan_data(current) if current is not None else {"kpis": []}
    data: dict[str, Any] = {}
    plan_sheet = _sheet(tables, "Plan") if sheet_names else None
    if plan_sheet is not None:
        data["plan"] = _plan_header(*plan_sheet, cells, source, problems)
    else:
        data["plan"] = current_data.get("plan") or {"title": fallback_title}
    data["kpis"] = kpis
    values_sheet = _sheet(tables, "Values") if sheet_names else None
    if values_sheet is not None:
        _values_into(*values_sheet, kpis, by_key, cells, source, problems)
    else:
        kept = {item["id"]: item.get("values") for item in current_data["kpis"]}
        for item in kpis:
            if kept.get(item.get("id")):
                item["values"] = kept[item["id"]]
    return _check(data, source, cells, problems)


def _check(
    data: dict[str, Any], source: str, cells: dict[Loc, Cell], problems: list[Problem]
) -> KpiBank:
    """The plan in ``data``, checked by the one parser; every problem of the layout and
    of the plan, each named by its cell, raises QuestionnaireError."""
    bank = None
    try:
        bank = validate_kpi_bank(SheetDocument(source=source, data=data, cells=cells))
    except QuestionnaireError as error:
        problems.extend(error.problems)
    if problems or bank is None:
        raise QuestionnaireError(problems)
    return bank


def _headers(
    table: Table,
    sheet: str | None,
    known: dict[str, str],
    source: str,
    problems: list[Problem],
    *,
    targets: bool = False,
) -> dict[int, str]:
    """Column number (1-based) → key, from the first row that is not empty."""
    by_header = {header.casefold(): key for key, header in known.items()}

    def known_header(value: Any) -> bool:
        name = " ".join((_text(value) or "").split()).casefold()
        return name in by_header or (targets and _target_key(name) is not None)

    # The header is the first row naming a known column: a title above it is skipped.
    first = next((i for i, row in enumerate(table) if any(map(known_header, row))), None)
    if first is None:
        where = f"sheet {sheet}" if sheet else "the file"
        columns = ", ".join(list(known.values())[:6])
        raise _file_error(source, f"{where} has no header row naming its columns ({columns}, …)")
    headers: dict[int, str] = {}
    for column, value in enumerate(table[first], start=1):
        text = _text(value)
        if text is None:
            continue
        name = " ".join(text.split()).casefold()
        key = by_header.get(name)
        if key is None and targets:
            key = _target_key(name)
        cell = Cell(sheet, first + 1, column, text)
        if key is None:
            problems.append(
                Problem(source, None, str(cell), "is not a column of the plan sheet "
                        "(docs/plan.md lists them); rename or remove it")
            )  # fmt: skip
        elif key in headers.values():
            problems.append(Problem(source, None, str(cell), "this column is given twice"))
        else:
            headers[column] = key
    # Rows above the header (a title) and the header are not data.
    table[: first + 1] = [[] for _ in range(first + 1)]
    return headers


def _target_key(name: str) -> str | None:
    match = TARGET_HEADER.match(name)
    if match is None or int(match.group(1)) < 1:
        return None
    key = {header: key for key, header in TARGET_COLUMNS}.get(match.group(2))
    return None if key is None else f"targets.{int(match.group(1))}.{key}"


Record = dict[str, tuple[Any, Cell]]


def _records(
    table: Table, headers: dict[int, str], sheet: str | None
) -> Iterator[tuple[Record, Cell]]:
    """Each row below the header with something in it: key → (value, cell)."""
    for number, row in enumerate(table, start=1):
        if not _filled(row):
            continue
        record: Record = {}
        for column, key in headers.items():
            value = row[column - 1] if column <= len(row) else None
            if _text(value) is not None or isinstance(value, dt.date | int | float):
                record[key] = (value, Cell(sheet, number, column, _header_name(key)))
        if record:
            yield record, Cell(sheet, number)


def _header_name(key: str) -> str:
    if key.startswith("targets."):
        _, number, part = key.split(".", 2)
        return f"Target {number} {dict(TARGET_COLUMNS)[part]}"
    return (dict(KPI_COLUMNS) | dict(VALUE_COLUMNS) | dict(PLAN_ROWS)).get(key, key)


def _filled(row: Iterable[Any]) -> bool:
    return any(value is not None and str(value).strip() for value in row)


def _fill(
    item: dict[str, Any],
    record: Record,
    cells: dict[Loc, Cell],
    loc: Loc,
    *,
    skip_targets: bool = False,
) -> dict[str, Any]:
    """``item`` with each cell's value at its key (dotted keys nest), cells recorded."""
    for key, (value, cell) in record.items():
        if skip_targets and key.startswith("targets."):
            continue
        path = key.split(".")
        node = item
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = _value(key, value)
        cells[(*loc, *path)] = cell
    return item


def _targets(record: Record, cells: dict[Loc, Cell], loc: Loc) -> list[dict[str, Any]]:
    """The row's target groups, in their numbers' order (gaps closed up)."""
    groups: dict[int, Record] = {}
    for key, found in record.items():
        if key.startswith("targets."):
            _, digits, part = key.split(".", 2)
            groups.setdefault(int(digits), {})[part] = found
    targets = []
    for position, number in enumerate(sorted(groups)):
        target_loc = (*loc, "targets", position)
        cells[target_loc] = next(iter(groups[number].values()))[1]
        targets.append(_fill({}, groups[number], cells, target_loc))
    return targets


def _plan_header(
    title: str, table: Table, cells: dict[Loc, Cell], source: str, problems: list[Problem]
) -> dict[str, Any]:
    by_label = {label.casefold(): key for key, label in PLAN_ROWS}
    header: dict[str, Any] = {}
    for number, row in enumerate(table, start=1):
        label = _text(row[0]) if row else None
        if label is None:
            continue
        key = by_label.get(" ".join(label.split()).casefold())
        cell = Cell(title, number, 1, label)
        if key is None:
            problems.append(Problem(source, None, str(cell), "is not a row of the Plan sheet "
                                    "(Title, Starts on, Source)"))  # fmt: skip
            continue
        value = row[1] if len(row) > 1 else None
        if _text(value) is not None or isinstance(value, dt.date):
            header[key] = _value(key, value)
            cells[("plan", key)] = Cell(title, number, 2, label)
    cells[("plan",)] = Cell(title, 1)
    return header


def _values_into(
    title: str,
    table: Table,
    kpis: list[dict[str, Any]],
    by_key: dict[str, int],
    cells: dict[Loc, Cell],
    source: str,
    problems: list[Problem],
) -> None:
    known = dict(VALUE_COLUMNS) | {"kpi_id": "KPI id", "kpi_ref": "KPI ref"}
    headers = _headers(table, title, known, source, problems)
    for record, row_cell in _records(table, headers, title):
        named = record.pop("kpi_id", None) or record.pop("kpi_ref", None)
        record.pop("kpi_ref", None)
        index = by_key.get(str(named[0]).strip().casefold()) if named else None
        if index is None:
            where = named[1] if named else row_cell
            problems.append(
                Problem(source, None, str(where), "names no KPI of the KPIs sheet (KPI id or ref)")
            )
            continue
        values = kpis[index].setdefault("values", [])
        loc: Loc = ("kpis", index, "values", len(values))
        cells[loc] = row_cell
        values.append(_fill({}, record, cells, loc))


def _id_from(reference: str) -> str:
    """ "KPI 4/1" → ``kpi_4_1``: the id a row gets when its KPI id is blank."""
    return re.sub(r"[^a-z0-9]+", "_", reference.casefold()).strip("_") or reference


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date | int | float):
        return str(value)
    text = str(value).strip()
    # A cell the export made safe ('=...) reads back as what it said.
    if text.startswith("'") and text[1:].startswith(DANGEROUS_STARTS):
        text = text[1:]
    return text or None


def _value(key: str, value: Any) -> Any:
    """A cell's value as the plan file would hold it; what cannot be read is passed on
    as it is, so the parser names the problem at this cell."""
    name = key.rsplit(".", 1)[-1]
    if key in DATES or name in DATES:
        return _date(value)
    if isinstance(value, bool):
        return value
    if key in NUMBERS or name in NUMBERS:
        if isinstance(value, int | float):
            return value
        return (_text(value) or "").replace(",", "").removesuffix("%").strip()
    text = _text(value)
    if name in LISTS:
        if text is not None and text.casefold() == NONE_WORD:
            return []
        return [part.strip() for part in re.split(r"[;\n]", text or "") if part.strip()]
    if name == "higher_is_better" and text is not None:
        directions: dict[str, bool | str] = {word: flag for flag, word in DIRECTION_WORDS.items()}
        return directions.get(" ".join(text.split()).casefold(), text)
    if name == "rule" and text is not None:
        words = {word: code for code, word in RULE_WORDS.items()}
        return words.get(" ".join(text.split()).casefold(), text)
    if name == "kind" and text is not None:
        return text.casefold()
    return text


MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*[-\s]+(\d{2}|\d{4})$")


def _date(value: Any) -> Any:
    """A date cell, or text as ISO (2019-12-18), UK (18/12/2019) or a month ("Dec-20",
    "June 2021": its last day, as Appendix A writes due dates)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value) or ""
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        pass
    match = MONTH_YEAR.match(text)
    if match:
        months = {name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name}
        month = months.get(match.group(1).casefold())
        year = int(match.group(2))
        year += 2000 if year < 100 else 0
        if month:
            return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    return text


# Writing -----------------------------------------------------------------------


def plan_tables(plan: KpiBank) -> dict[str, list[list[Any]]]:
    """The plan as the sheets' rows (header first): Plan, KPIs and Values.

    Written from the plan file's data, so only what the plan says is written and
    reading the sheets back gives the same plan.
    """
    data = plan_data(plan)
    header = data.get("plan") or {}
    plan_rows = [[label, _cell(key, header[key])] for key, label in PLAN_ROWS if key in header]
    kpis = data["kpis"]
    staged = [
        ([item["target"]] if "target" in item else []) + list(item.get("targets", []))
        for item in kpis
    ]
    groups = max((len(targets) for targets in staged), default=0)
    used = {key for targets in staged for target in targets for key in target}
    target_columns = [(key, text) for key, text in TARGET_COLUMNS if key != "due" or key in used]
    kpi_header = [header for _, header in KPI_COLUMNS] + [
        f"Target {number} {text}" for number in range(1, groups + 1) for _, text in target_columns
    ]
    kpi_rows: list[list[Any]] = [kpi_header]
    value_rows: list[list[Any]] = [["KPI id", *(header for _, header in VALUE_COLUMNS)]]
    for item, targets in zip(kpis, staged, strict=True):
        row = [_cell(key, _at(item, key)) for key, _ in KPI_COLUMNS]
        for number in range(groups):
            target = targets[number] if number < len(targets) else {}
            row.extend(_cell(key, target.get(key)) for key, _ in target_columns)
        kpi_rows.append(row)
        for entered in item.get("values", []):
            value_rows.append(
                [item["id"], *(_cell(key, entered.get(key)) for key, _ in VALUE_COLUMNS)]
            )
    return {"Plan": plan_rows, "KPIs": kpi_rows, "Values": value_rows}


def _at(item: dict[str, Any], key: str) -> Any:
    node: Any = item
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _cell(key: str, value: Any) -> Any:
    name = key.rsplit(".", 1)[-1]
    if value is None:
        return None
    if name in LISTS:
        return "; ".join(value) if value else NONE_WORD
    if name == "higher_is_better":
        return DIRECTION_WORDS[bool(value)].capitalize()
    if name == "rule":
        return RULE_WORDS.get(value, value)
    if key in DATES or name in DATES:
        return dt.date.fromisoformat(value)
    return neutralise(value)


def plan_csv(plan: KpiBank) -> str:
    """The KPIs table as CSV (dates ISO, formula-safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in plan_tables(plan)["KPIs"]:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v
                         for v in row])  # fmt: skip
    return out.getvalue()


def plan_workbook(plan: KpiBank) -> bytes:
    """The plan as an XLSX workbook: KPIs, Values and Plan sheets (formula-safe)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in plan_tables(plan).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1] if title != "Plan" else sheet["A"]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        if title != "Plan":
            sheet.freeze_panes = "C2"
    book.move_sheet("KPIs", offset=-1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

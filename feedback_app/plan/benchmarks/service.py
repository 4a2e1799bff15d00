"""Adding benchmark figures to a plan, and reading them from a CSV file.

The figures live in the plan document (``kpis[].benchmarks``), so every change is
a new, audited plan version, and a plan file carries them. A CSV upload is checked
row by row first (every bad row listed with its line and column) and then merged
into the plan, which the plan parser checks whole; nothing is written on a problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext
from pydantic import ValidationError

from surveys.kpis import BenchmarkFigure, KpiBank, kpi_bank_from_data, plan_data

#: The CSV's columns, in the order the template download gives them.
COLUMNS = (
    "kpi",
    "comparator",
    "name",
    "period",
    "period_end",
    "value",
    "source",
    "published_on",
    "note",
)
REQUIRED = ("kpi", "comparator", "period", "period_end", "value", "source", "published_on")

#: Words a spreadsheet may use for each comparator (case and spaces ignored).
COMPARATOR_WORDS = {
    "england": "england",
    "national": "england",
    "national average": "england",
    "region": "region",
    "regional": "region",
    "neighbours": "neighbours",
    "statistical neighbours": "neighbours",
    "statistical neighbours average": "neighbours",
    "neighbours average": "neighbours",
    "neighbour": "neighbour",
    "statistical neighbour": "neighbour",
}

#: The CSV column of each field of a figure (for naming where a problem is).
_COLUMN_OF = {"date": "period_end"}


class CsvProblem(Exception):
    """Problems of a benchmark CSV, each with its line and column."""

    def __init__(self, problems: list[tuple[int | None, str | None, str]]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def figure_data(figure: Mapping[str, Any]) -> dict[str, Any]:
    """A figure as the plan file holds it (empty keys left out)."""
    return {k: v for k, v in figure.items() if v not in (None, "")}


def with_figures(plan: KpiBank, added: Mapping[str, Iterable[Mapping[str, Any]]]) -> KpiBank:
    """``plan`` with figures added to KPIs (a figure for a comparator's period that is
    already there replaces it; the plan's history keeps the old one). Parser-checked:
    raises QuestionnaireError listing every problem."""
    data = plan_data(plan)
    for item in data["kpis"]:
        new = [figure_data(f) for f in added.get(item["id"], ())]
        if not new:
            continue
        keys = {_key(f) for f in new}
        kept = [f for f in item.get("benchmarks", []) if _key(f) not in keys]
        item["benchmarks"] = [*kept, *new]
    return kpi_bank_from_data(data, source="<plan>")


def without_figure(plan: KpiBank, kpi_id: str, number: int) -> KpiBank:
    """``plan`` without the ``number``-th (from 1) benchmark figure of a KPI."""
    data = plan_data(plan)
    for item in data["kpis"]:
        if item["id"] == kpi_id:
            figures = item.get("benchmarks", [])
            if not 1 <= number <= len(figures):
                raise IndexError(number)
            del figures[number - 1]
            if not figures:
                item.pop("benchmarks", None)
    return kpi_bank_from_data(data, source="<plan>")


def _key(figure: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(figure.get("comparator", "")),
        str(figure.get("name") or "").strip().casefold(),
        str(figure.get("period", "")).strip().casefold(),
    )


def read_csv(text: str, plan: KpiBank) -> dict[str, list[dict[str, Any]]]:
    """The figures of a benchmark CSV, per KPI id.

    A row names its KPI by id or reference ("KPI 4/1"). Every problem of every row
    is collected, then raised together as :class:`CsvProblem`.

    >>> from surveys.kpis import kpi_bank_from_data
    >>> plan = kpi_bank_from_data({"kpis": [{"id": "k", "reference": "KPI 4/1", "title": "T",
    ...     "question": "q", "positive": ["yes"]}]})
    >>> text = ("kpi,comparator,period,period_end,value,source,published_on\\n"
    ...         "KPI 4/1,England,2020,2020-12-31,58.2,DfE,2021-06-10\\n")
    >>> read_csv(text, plan)["k"][0]["value"]
    58.2
    """
    problems: list[tuple[int | None, str | None, str]] = []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().casefold().replace(" ", "_") for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if missing:
        problems.append((1, None, "missing columns: " + ", ".join(missing)))
    if unknown:
        problems.append((1, None, "unknown columns: " + ", ".join(unknown)))
    if len(set(header)) != len(header):
        problems.append((1, None, "a column is named twice"))
    if problems:
        raise CsvProblem(problems)
    by_name = {k.id.casefold(): k for k in plan.kpis} | {
        k.reference.strip().casefold(): k for k in plan.kpis if k.reference
    }
    found: dict[str, list[dict[str, Any]]] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    rows = 0
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        rows += 1
        if len(cells) > len(header):
            problems.append((line, None, "more cells than columns"))
            continue
        row = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        kpi = by_name.get(row.get("kpi", "").casefold())
        if kpi is None:
            problems.append((line, "kpi", f"no KPI {row.get('kpi', '')!r} in the plan"))
        comparator = COMPARATOR_WORDS.get(" ".join(row.get("comparator", "").casefold().split()))
        if comparator is None:
            problems.append(
                (line, "comparator", "must be England, region, neighbours or neighbour")
            )
        figure = {
            "comparator": comparator,
            "name": row.get("name") or None,
            "period": row.get("period", ""),
            "date": row.get("period_end", ""),
            "value": _number(row.get("value", "")),
            "source": row.get("source", ""),
            "published_on": row.get("published_on", ""),
            "note": row.get("note") or None,
        }
        if figure["value"] is None:
            problems.append((line, "value", "enter a number, like 58.2"))
        if comparator is None or figure["value"] is None:
            continue
        try:
            checked = BenchmarkFigure.model_validate(figure_data(figure))
        except ValidationError as error:
            for item in error.errors():
                field = str(item["loc"][0]) if item["loc"] else None
                column = _COLUMN_OF.get(field, field) if field else None
                problems.append((line, column, _message(item)))
            continue
        if kpi is None:
            continue
        if kpi.is_percentage and not 0 <= checked.value <= 100:
            problems.append((line, "value", "must be 0 to 100 (per cent)"))
            continue
        key = (kpi.id, *checked.key, checked.period.strip().casefold())
        if key in seen:
            problems.append(
                (line, "period", f"this comparator's period is also on line {seen[key]}")
            )
            continue
        seen[key] = line
        found.setdefault(kpi.id, []).append(checked.model_dump(mode="json", exclude_none=True))
    if not rows and not problems:
        problems.append((None, None, "the file has no rows of figures"))
    if problems:
        raise CsvProblem(problems)
    return found


def _number(text: str) -> float | None:
    try:
        number = float(text.replace(",", "").replace("%", "").strip())
    except ValueError:
        return None
    return number if abs(number) <= 1e9 and number == number else None


def _message(item: Any) -> str:
    message = str(item["msg"])
    return message.removeprefix("Value error, ")


def template_csv() -> str:
    """An empty CSV with the columns and one example row per comparator."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    example = ("KPI 4/1", "", "", "2020", "2020-12-31", "", "", "2021-06-10", "")
    for comparator, name, value, source in (
        ("England", "", "58.2", "DfE SEND survey 2020"),
        ("region", "North West", "55.0", "DfE SEND survey 2020"),
        ("neighbours", "", "56.4", "DfE SEND survey 2020"),
        ("neighbour", "Wirral", "54.1", "DfE SEND survey 2020"),
    ):
        row = list(example)
        row[1], row[2], row[5], row[6] = comparator, name, value, source
        writer.writerow(row)
    return out.getvalue()


__all__ = [
    "COLUMNS",
    "CsvProblem",
    "comparator_name",
    "figure_data",
    "read_csv",
    "template_csv",
    "with_figures",
    "without_figure",
]


def comparator_name(figure: BenchmarkFigure) -> str:
    """What a figure is compared with, in words ("North West (region)")."""
    if figure.comparator == "england":
        return gettext("England")
    if figure.comparator == "region":
        return gettext("%(name)s (region)", name=figure.name)
    if figure.comparator == "neighbours":
        if figure.name:
            return gettext("Statistical neighbours' average (%(name)s)", name=figure.name)
        return gettext("Statistical neighbours' average")
    return gettext("%(name)s (statistical neighbour)", name=figure.name)

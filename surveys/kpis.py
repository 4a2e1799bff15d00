"""The KPI bank and an area's improvement plan: its KPIs, agreed baselines and targets.

This is the one reader of the KPI bank format, for the web app and for the
command lines (``analysis`` converts what it returns into its own definitions).
An area's plan (docs/plan.md, docs/adr/0025-area-plans.md) is the same format
extended: a ``plan`` header (title, start date), and per KPI an ``agreed_baseline``,
any number of staged ``targets`` and, for measures that no survey asks
(``kind: entered``), the entered ``values`` per period, and the ``benchmarks`` it is
compared with (England, region, statistical neighbours). A file without those keys
is still a valid plan, so ``python -m analysis --kpis`` reads either.
Option codes are read as text whatever YAML makes of them: ``positive: [yes]``
is the code "yes" (the definition loader keeps yes/no as strings) and
``positive: [9, 10]`` the codes "9" and "10" of a 0 to 10 scale.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from surveys.model import ID_PATTERN
from surveys.options import Code, code_text
from surveys.problems import Problem, QuestionnaireError
from surveys.source import SourceDocument, parse_document, read_definition_file, schema_problems


def _says_something(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


#: Text that must say something (spaces alone do not).
Words = Annotated[str, AfterValidator(_says_something)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: Rules that take a level and a benchmark value (e.g. "50% or the national
#: average, whichever is the higher").
BENCHMARK_RULES = ("higher_of", "lower_of")


class Target(_Frozen):
    """How a KPI's target is set, and when it is due.

    ``baseline_plus_pp``: baseline + ``value`` percentage points (or units) of
    improvement; ``baseline_plus_relative``: ``value`` per cent better than the
    baseline; ``absolute``: the level ``value``; ``higher_of`` / ``lower_of``: the
    higher (lower) of the level ``value`` and the benchmark named ``benchmark``.
    Explicit because the real plans say "baseline plus 10%" and leave the reader to
    guess which. For a lower-is-better KPI "plus" is an improvement, i.e. lower.

    Due: ``due_on`` (a calendar date), ``due_months`` (months from the plan's start
    date) or the older free text ``due`` ("18 months", counted from the baseline).
    """

    rule: Literal["baseline_plus_pp", "baseline_plus_relative", "absolute", *BENCHMARK_RULES]  # type: ignore[valid-type]
    value: float
    benchmark: Words | None = None
    due: Annotated[str, BeforeValidator(code_text)] | None = None
    due_on: dt.date | None = None
    due_months: int | None = Field(default=None, ge=1, le=240)
    #: The plan's own name for the stage ("18 months").
    label: Words | None = None

    @model_validator(mode="after")
    def _benchmark_rules_name_one(self) -> Target:
        if self.rule in BENCHMARK_RULES and self.benchmark is None:
            raise ValueError("a higher_of or lower_of target must name its 'benchmark'")
        if sum(x is not None for x in (self.due, self.due_on, self.due_months)) > 1:
            raise ValueError("give one of due_on, due_months or due")
        return self


class AgreedBaseline(_Frozen):
    """The baseline the plan agreed: a figure ratified on a date, never re-measured."""

    #: Per cent (0 to 100) for survey KPIs and proportions; the unit for values.
    value: float
    #: How many it was measured on (respondents, plans), when known.
    base: int | None = Field(default=None, ge=1)
    #: When it was measured or agreed; waves that closed before it are not used.
    date: dt.date | None = None
    source: Words | None = None
    agreed_by: Words | None = None


class EnteredValue(_Frozen):
    """One period's figure of an entered measure, with where it came from."""

    #: The period it covers, as the plan names it ("2019-Q4", "2020-01", "Dec-19").
    period: Words = Field(max_length=40)
    #: The last day of the period: it orders the values and dates the figure.
    date: dt.date
    numerator: int | None = Field(default=None, ge=0)
    denominator: int | None = Field(default=None, ge=1)
    value: float | None = None
    source: Words | None = None
    note: Words | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> EnteredValue:
        proportion = self.numerator is not None or self.denominator is not None
        if proportion and (self.numerator is None or self.denominator is None):
            raise ValueError("give both numerator and denominator")
        if proportion and self.value is not None:
            raise ValueError("give a numerator and denominator, or a value, not both")
        if not proportion and self.value is None:
            raise ValueError("give a value, or a numerator and denominator")
        if proportion and self.numerator > self.denominator:  # type: ignore[operator]
            raise ValueError("the numerator cannot be larger than the denominator")
        return self

    @property
    def figure(self) -> float:
        """The value, or the proportion as a percentage."""
        if self.value is not None:
            return self.value
        return 100.0 * self.numerator / self.denominator  # type: ignore[operator]


#: Who a benchmark compares the area with: England, the area's region, its
#: statistical neighbours' average, or one named statistical neighbour.
COMPARATORS = ("england", "region", "neighbours", "neighbour")


class BenchmarkFigure(_Frozen):
    """One published comparator figure of a KPI for one period (docs/plan.md).

    ``name`` is the region ("North West") or the neighbour area ("Wirral"); the
    statistical neighbours' average may name its group ("CIPFA neighbours").
    """

    comparator: Literal["england", "region", "neighbours", "neighbour"]
    name: Words | None = Field(default=None, max_length=100)
    #: The period it covers, as the publication names it ("2019", "2020-Q1").
    period: Words = Field(max_length=40)
    #: The last day of the period: it orders the figures.
    date: dt.date
    #: Per cent (0 to 100) for survey KPIs and proportions; the unit for values.
    value: float
    source: Words = Field(max_length=200)
    published_on: dt.date
    note: Words | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _named_where_needed(self) -> BenchmarkFigure:
        if self.comparator in ("region", "neighbour") and self.name is None:
            raise ValueError(f"a {self.comparator} benchmark needs its 'name'")
        if self.comparator == "england" and self.name is not None:
            raise ValueError("an England benchmark has no 'name'")
        return self

    @property
    def key(self) -> tuple[str, str]:
        """Which series the figure belongs to: comparator and name (case ignored)."""
        return (self.comparator, (self.name or "").strip().casefold())


class KpiDefinition(_Frozen):
    """One KPI of a plan.

    ``kind: survey`` (the default): the share giving a positive answer to one closed
    question. ``kind: entered``: a figure entered per period, either a proportion
    (``measure: proportion``, numerator and denominator) or a value with a ``unit``.
    """

    id: str = Field(pattern=ID_PATTERN, max_length=60)
    kind: Literal["survey", "entered"] = "survey"
    reference: Words | None = None
    title: Words
    short_title: str | None = None
    #: Id of the question that measures it (survey KPIs).
    question: str | None = Field(default=None, pattern=ID_PATTERN, max_length=60)
    #: Option codes counted as positive (survey KPIs).
    positive: tuple[Code, ...] = ()
    #: Option codes removed from the base (e.g. "don't know"). When the file does
    #: not say, ``analysis`` removes its default "don't know"-like codes.
    exclude: tuple[Code, ...] = ()
    #: Every option code of the question, when the file lists them (the command
    #: line then checks data against it).
    options: tuple[Code, ...] | None = None
    higher_is_better: bool = True
    frequency: Words | None = None
    #: Entered measures: a proportion (numerator/denominator) or a value with a unit.
    measure: Literal["proportion", "value"] | None = None
    unit: Words | None = None
    owner: Words | None = None
    partners: tuple[Words, ...] = ()
    #: The plan's priority or outcome the KPI sits under.
    priority: Words | None = None
    #: The percentage the plan recorded, 0 to 100 (older files; see agreed_baseline).
    recorded_baseline: float | None = Field(default=None, ge=0, le=100)
    agreed_baseline: AgreedBaseline | None = None
    #: One target (older files); ``targets`` holds any number.
    target: Target | None = None
    targets: tuple[Target, ...] = ()
    values: tuple[EnteredValue, ...] = ()
    #: Published comparator figures (England, region, statistical neighbours).
    benchmarks: tuple[BenchmarkFigure, ...] = ()

    @property
    def exclude_given(self) -> bool:
        """True when the file said which codes leave the base."""
        return "exclude" in self.model_fields_set

    @property
    def label(self) -> str:
        """The name used in sentences: ``short_title`` when present, else ``title``."""
        return self.short_title or self.title

    @property
    def is_percentage(self) -> bool:
        """True when the figure is a percentage (survey KPIs and proportions)."""
        return self.kind == "survey" or self.measure == "proportion"

    @property
    def all_targets(self) -> tuple[Target, ...]:
        """Every staged target: the older single ``target`` first, then ``targets``."""
        return ((self.target,) if self.target else ()) + self.targets

    @property
    def baseline_figure(self) -> float | None:
        """The agreed baseline's value (or the older recorded baseline)."""
        if self.agreed_baseline is not None:
            return self.agreed_baseline.value
        return self.recorded_baseline

    @property
    def sorted_values(self) -> tuple[EnteredValue, ...]:
        """Entered values, oldest first."""
        return tuple(sorted(self.values, key=lambda v: v.date))


class PlanHeader(_Frozen):
    """The plan itself: its title and the date its months are counted from."""

    title: Words = Field(max_length=200)
    starts_on: dt.date | None = None
    #: Where the plan came from (a template's name, a file).
    source: Words | None = None


class KpiBank(_Frozen):
    """Every KPI a questionnaire may reference; with ``plan``, an area's plan."""

    plan: PlanHeader | None = None
    kpis: tuple[KpiDefinition, ...]

    def get(self, kpi_id: str) -> KpiDefinition | None:
        """The KPI with this id, or None."""
        return next((k for k in self.kpis if k.id == kpi_id), None)

    def for_question(self, question_id: str) -> tuple[KpiDefinition, ...]:
        """The KPIs measured by this question."""
        return tuple(k for k in self.kpis if k.question == question_id)

    @property
    def survey_kpis(self) -> tuple[KpiDefinition, ...]:
        """The KPIs a survey question measures."""
        return tuple(k for k in self.kpis if k.kind == "survey")


def parse_kpi_bank(text: str, *, source: str = "<string>") -> KpiBank:
    """Parse KPI bank text (YAML or JSON); raise QuestionnaireError listing every problem."""
    return validate_kpi_bank(parse_document(text, source=source))


def kpi_bank_from_data(data: Any, *, source: str = "<kpis>") -> KpiBank:
    """Validate an already-parsed KPI bank (a mapping with a ``kpis`` list)."""
    return validate_kpi_bank(SourceDocument(source=source, data=data))


def validate_kpi_bank(document: SourceDocument) -> KpiBank:
    """The KPI bank in ``document``; raise QuestionnaireError listing every problem.

    One reading lists them all: the problems of form (a date that is not a date) and,
    beside them, the problems only a well-formed plan can show (a period entered twice,
    a KPI id used twice), checked on what is well formed in each KPI.
    """
    try:
        bank = KpiBank.model_validate(document.data)
    except ValidationError as exc:
        found = list(schema_problems(exc, document))
        broken: dict[int, list[tuple[Any, ...]]] = {}
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if len(loc) > 2 and loc[0] == "kpis" and isinstance(loc[1], int):
                broken.setdefault(loc[1], []).append(loc[2:])
        entries = document.data.get("kpis") if isinstance(document.data, dict) else None
        parts = []
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            part = _well_formed_part(document, index, entry, broken.get(index, []))
            if part is not None:
                parts.append(part)
        found.extend(_plan_problems(parts))
        raise QuestionnaireError(sorted(found, key=lambda p: p.line or 0)) from None
    problems = _plan_problems([(_Located(document, i), kpi) for i, kpi in enumerate(bank.kpis)])
    if problems:
        raise QuestionnaireError(problems)
    return bank


#: A KPI's lists whose items are checked one by one.
_ITEM_LISTS = ("values", "benchmarks", "targets")


@dataclass(frozen=True)
class _Located:
    """Names problems of one KPI read without its ill-formed parts: nothing about a
    part already named as ill formed, and each list item at its place in the file."""

    document: SourceDocument
    index: int
    dropped: frozenset[str] = frozenset()
    positions: dict[str, list[int]] = field(default_factory=dict)
    #: Keys whose own problems are not named (their items' problems are).
    unsure: frozenset[str] = frozenset()

    def problem(self, loc: Sequence[str | int], message: str) -> Problem | None:
        key = loc[2] if len(loc) > 2 else None
        if key in self.dropped or (key in self.unsure and len(loc) == 3):
            return None
        if isinstance(key, str) and key in self.positions and len(loc) > 3:
            loc = (*loc[:3], self.positions[key][int(loc[3])], *loc[4:])
        return self.document.problem(loc, message)


def _well_formed_part(
    document: SourceDocument, index: int, entry: Any, broken: list[tuple[Any, ...]]
) -> tuple[_Located, KpiDefinition] | None:
    """The KPI ``entry`` without its ill-formed parts (``broken``: where the schema found
    problems), so its other problems can be found in the same reading; None when what is
    left is not a KPI."""
    if not isinstance(entry, dict):
        return None
    dropped: set[str] = set()
    bad_items: dict[str, set[int]] = {}
    for loc in broken:
        key = loc[0]
        if key in _ITEM_LISTS and len(loc) > 1 and isinstance(loc[1], int):
            bad_items.setdefault(key, set()).add(loc[1])
        elif isinstance(key, str):
            dropped.add(key)
    part = dict(entry)
    positions: dict[str, list[int]] = {}
    for key, bad in bad_items.items():
        if key not in dropped and isinstance(entry.get(key), list):
            positions[key] = [i for i in range(len(entry[key])) if i not in bad]
            part[key] = [entry[key][i] for i in positions[key]]
    for key in dropped:
        part.pop(key, None)
    # Stand-ins for what a KPI cannot lack; their problems are already named.
    part.setdefault("id", "x")
    part.setdefault("title", "x")
    unsure: frozenset[str] = frozenset()
    if "kind" in dropped:
        # Which checks apply depends on the kind: with it unreadable, read the KPI as
        # an entered one without a measure (no percentages, no proportions) and name
        # none of its kind's problems; repetitions are still checked.
        part.update(kind="entered", measure=None)
        unsure = frozenset(("question", "positive", "exclude", "options", "measure"))
    try:
        kpi = KpiDefinition.model_validate(part)
    except ValidationError:
        return None
    located = _Located(document, index, frozenset(dropped), positions, unsure)
    return located, kpi


def _plan_problems(parts: list[tuple[_Located, KpiDefinition]]) -> list[Problem]:
    """What only a well-formed plan can show: ids used twice, codes both positive and
    excluded, figures that do not fit the KPI, periods given twice."""
    problems: list[Problem | None] = []
    seen: set[str] = set()
    for located, kpi in parts:
        index = located.index
        if "id" not in located.dropped:
            if kpi.id in seen:
                problems.append(located.problem(("kpis", index, "id"), "KPI id is used twice"))
            seen.add(kpi.id)
        overlap = sorted(set(kpi.positive) & set(kpi.exclude))
        if overlap:
            problems.append(
                located.problem(
                    ("kpis", index, "exclude"),
                    f"{', '.join(overlap)} cannot be both positive and excluded",
                )
            )
        problems.extend(_figure_problems(located, index, kpi))
        unknown = sorted(set(kpi.positive) - set(kpi.options or kpi.positive))
        if unknown:
            problems.append(
                located.problem(
                    ("kpis", index, "positive"), f"{', '.join(unknown)} is not in 'options'"
                )
            )
    return [problem for problem in problems if problem is not None]


def _figure_problems(document: _Located, index: int, kpi: KpiDefinition) -> list[Any]:
    """Percentages out of 0-100, values that do not fit the measure, repeated periods."""
    problems = []
    where = ("kpis", index)
    if kpi.kind == "survey":
        for key in ("question", "positive"):
            if not getattr(kpi, key):
                problems.append(document.problem((*where, key), "is required but missing"))
        for key in ("measure", "values", "unit"):
            if getattr(kpi, key):
                problems.append(document.problem((*where, key), "only an entered KPI has this"))
    else:
        for key in ("question", "positive", "exclude", "options"):
            if getattr(kpi, key):
                problems.append(document.problem((*where, key), "an entered KPI has no question"))
        if kpi.measure is None:
            problems.append(
                document.problem((*where, "measure"), "give the measure: proportion or value")
            )
    if kpi.is_percentage:
        if kpi.agreed_baseline is not None and not 0 <= kpi.agreed_baseline.value <= 100:
            problems.append(
                document.problem(
                    ("kpis", index, "agreed_baseline", "value"), "must be 0 to 100 (per cent)"
                )
            )
        single = (kpi.target,) if kpi.target else ()
        for key, items in (("target", single), ("targets", kpi.targets)):
            for position, target in enumerate(items):
                loc: tuple[str | int, ...] = ("kpis", index, key) + (
                    (position,) if key == "targets" else ()
                )
                if target.rule in ("absolute", *BENCHMARK_RULES) and not 0 <= target.value <= 100:
                    problems.append(
                        document.problem(
                            (*loc, "value"), "an absolute target must be 0 to 100 (per cent)"
                        )
                    )
    problems.extend(_benchmark_problems(document, index, kpi))
    seen: set[str] = set()
    for position, entered in enumerate(kpi.values):
        loc = ("kpis", index, "values", position)
        if entered.period in seen:
            problems.append(document.problem((*loc, "period"), "this period is entered twice"))
        seen.add(entered.period)
        if kpi.measure == "proportion" and entered.value is not None:
            problems.append(
                document.problem((*loc, "value"), "a proportion needs numerator and denominator")
            )
        if kpi.measure == "value" and entered.value is None:
            problems.append(document.problem((*loc, "numerator"), "this measure needs a value"))
    return problems


def _benchmark_problems(document: _Located, index: int, kpi: KpiDefinition) -> list[Any]:
    """Percentages out of 0-100 and a comparator's period given twice."""
    problems = []
    seen: set[tuple[str, str, str]] = set()
    for position, figure in enumerate(kpi.benchmarks):
        loc = ("kpis", index, "benchmarks", position)
        if kpi.is_percentage and not 0 <= figure.value <= 100:
            problems.append(document.problem((*loc, "value"), "must be 0 to 100 (per cent)"))
        key = (*figure.key, figure.period.strip().casefold())
        if key in seen:
            problems.append(
                document.problem((*loc, "period"), "this comparator's period is given twice")
            )
        seen.add(key)
    return problems


def plan_data(bank: KpiBank) -> dict[str, Any]:
    """The plan as plain data in the file shape (JSON-able; the inverse of parsing).

    Only what the file said (or a page set) is written, so export, import and export
    again give the same text.
    """
    return bank.model_dump(mode="json", exclude_unset=True)


def dump_plan_yaml(bank: KpiBank) -> str:
    """The plan as YAML text that :func:`parse_kpi_bank` reads back to an equal plan."""
    import yaml

    class IndentedLists(yaml.SafeDumper):
        # "kpis:\n  - id: ..." as people write it, not "kpis:\n- id: ...".
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    return yaml.dump(
        plan_data(bank),
        Dumper=IndentedLists,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def moved_plan(plan: KpiBank, *, starts_on: dt.date, title: str | None = None) -> KpiBank:
    """``plan`` (a template) re-dated to start on ``starts_on``: every date in it
    (agreed baselines, due dates, entered values) moves by the same number of
    months (and days), so the stages keep their distance from the start and a
    month's last day stays its last day. Months from the start need no change. A
    target's label naming its due month as Appendix A does ("18 months (Dec-20)")
    names the new one ("18 months (Dec-26)"), so the label and the date agree; a
    baseline's source naming its date ("survey closed 18 December 2019") names the
    new date, so no text states a date the plan no longer has.

    >>> template = kpi_bank_from_data({"plan": {"title": "T", "starts_on": "2019-06-30"},
    ...     "kpis": [{"id": "k", "title": "K", "question": "q", "positive": ["yes"],
    ...               "targets": [{"rule": "absolute", "value": 80, "due_on": "2020-12-31"}]}]})
    >>> moved_plan(template, starts_on=dt.date(2025, 6, 30)).kpis[0].targets[0].due_on
    datetime.date(2026, 12, 31)
    """
    if plan.plan is None or plan.plan.starts_on is None:
        raise ValueError("the template has no start date to move from")
    old = plan.plan.starts_on
    months = (starts_on.year - old.year) * 12 + starts_on.month - old.month
    days = starts_on.day - old.day

    def shift(day: dt.date) -> dt.date:
        year, month = divmod(day.month - 1 + months, 12)
        year, month = day.year + year, month + 1
        last = calendar.monthrange(year, month)[1]
        # The last day of a month moves to the last day of its new month.
        moved = dt.date(year, month, last if day.day == calendar.monthrange(day.year, day.month)[1]
                        else min(day.day, last))  # fmt: skip
        return moved + dt.timedelta(days=days)

    def month_text(day: dt.date) -> str:
        return f"{calendar.month_abbr[day.month]}-{day.year % 100:02d}"

    def day_text(day: dt.date) -> str:
        return f"{day.day} {calendar.month_name[day.month]} {day.year}"

    def redated(text: str, before: dt.date, after: dt.date) -> str:
        text = text.replace(day_text(before), day_text(after))
        text = text.replace(month_text(before), month_text(after))
        text = text.replace(f"{calendar.month_name[before.month]} {before.year}",
                            f"{calendar.month_name[after.month]} {after.year}")  # fmt: skip
        if months % 3 == 0:  # a quarter ("Q1 2019") moves by whole quarters

            def quarter(found: re.Match[str]) -> str:
                year, index = divmod(int(found[1]) - 1 + months // 3, 4)
                return f"Q{index + 1} {int(found[2]) + year}"

            text = re.sub(rf"\bQ([1-4]) ({before.year - 1}|{before.year})\b", quarter, text)
        if re.search(rf"\b{before.year}\b", text):  # a date this cannot move: say so
            text += f" (the template's date; this plan's baseline is {day_text(after)})"
        return text

    def move(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            moved = {k: move(v, k) for k, v in value.items()}
            if isinstance(value.get("label"), str) and isinstance(value.get("due_on"), str):
                before = dt.date.fromisoformat(value["due_on"])
                after = dt.date.fromisoformat(moved["due_on"])
                moved["label"] = value["label"].replace(month_text(before), month_text(after))
            if isinstance(value.get("source"), str) and isinstance(value.get("date"), str):
                before = dt.date.fromisoformat(value["date"])
                after = dt.date.fromisoformat(moved["date"])
                moved["source"] = redated(value["source"], before, after)
            return moved
        if isinstance(value, list):
            return [move(v) for v in value]
        if key in ("starts_on", "date", "due_on", "published_on") and isinstance(value, str):
            return shift(dt.date.fromisoformat(value)).isoformat()
        return value

    data = move(plan_data(plan))
    if title:
        data["plan"]["title"] = title
    return kpi_bank_from_data(data, source="<plan>")


def empty_plan(title: str, *, starts_on: dt.date | None = None) -> KpiBank:
    """A plan with no KPIs yet."""
    header: dict[str, Any] = {"title": title}
    if starts_on is not None:
        header["starts_on"] = starts_on.isoformat()
    return kpi_bank_from_data({"plan": header, "kpis": []}, source="<plan>")


def plan_from_bank(
    bank: KpiBank, *, title: str, baseline_date: dt.date | None = None, source: str | None = None
) -> KpiBank:
    """A plan holding ``bank``'s KPIs, their recorded baselines become agreed ones.

    What upgrading gives an existing area (migration 0010): the same KPIs and
    targets, the baseline the bank recorded now agreed (dated ``baseline_date``,
    the day the area's baseline wave closed), so targets follow it.
    """
    data = plan_data(bank)
    for kpi in data["kpis"]:
        recorded = kpi.pop("recorded_baseline", None)
        if recorded is not None:
            kpi["agreed_baseline"] = {
                "value": recorded,
                **({"date": baseline_date.isoformat()} if baseline_date else {}),
                "source": "Baseline recorded in the KPI bank before plans were per area",
            }
    data = {"plan": {"title": title, **({"source": source} if source else {})}, **data}
    return kpi_bank_from_data(data, source="<plan>")


def load_kpi_bank(path: str | Path) -> KpiBank:
    """Read and validate a KPI bank file; raise QuestionnaireError listing every problem."""
    return parse_kpi_bank(read_definition_file(path), source=str(path))


#: The KPI bank that ships with the package (surveys/library/kpis.yaml).
BUNDLED_KPI_BANK_PATH = Path(__file__).resolve().parent / "library" / "kpis.yaml"


@cache
def bundled_kpi_bank() -> KpiBank:
    """The bundled KPI bank (read once)."""
    return load_kpi_bank(BUNDLED_KPI_BANK_PATH)

"""The disclosure rule for everything published about a wave (statistics.md, "Small numbers").

Published figures (``--publication`` in the CLI, the web app's publication
downloads, the board report and the public "you said, we did" page) must not let
anyone work out a small count: how many people in a small group gave an answer.
The rule follows the Government Statistical Service / ONS guidance on statistical
disclosure control for tables (primary suppression, secondary suppression checked
against a protection interval, consistency across linked tables):

1. **Primary suppression**: a cell is hidden when a count it publishes is 1 to 4
   (:data:`SMALLEST_SHOWN`), or when its base is 1 to 9 (the base of a suppressed
   group is hidden, never printed).
2. **Protection interval**: from everything published about the wave, the
   smallest and largest value each hidden count could take (an integer programme
   over the published totals, the published cells, and the facts that counts are
   whole numbers, not negative, and that a hidden group holds at least one person)
   must be at least :data:`PROTECTION_INTERVAL` apart. A count whose largest
   possible value is 0 is exempt: a published total of 0 already says it.
3. **Secondary suppression**: while a hidden count is narrower than that, the
   smallest published cell linked to it (a sibling in the same total) is hidden
   too; if none is left, every cell linked to it is hidden.
4. **Linked tables of one wave** are protected together, so the same pattern
   comes out of every output: the options of a KPI question (``describe``) with
   each KPI's headline count (``compare``, ``trend``), which are sums of options;
   then each KPI's breakdowns with the headline as their total, and breakdowns
   nested in another (ward within locality) with the parent group as their total.
5. **After suppression**: changes, tests, Benjamini-Hochberg adjustments and
   sentences use only cells that are shown; published percentages, intervals and
   changes are rounded once (:mod:`analysis.rounding`) before they leave, so an
   unrounded weighted figure cannot be solved for the hidden cells.

The test ``tests/unit/analysis/test_analysis_disclosure.py`` attacks random tables
with ``scipy.optimize.milp`` from the published output alone and checks that no
hidden count's feasible range is narrower than the protection interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from analysis.estimates import Change, WaveEstimate
from analysis.rounding import round_half_away
from analysis.suppression import SMALLEST_SHOWN

if TYPE_CHECKING:
    import pandas as pd

    from analysis.kpis import KpiDefinition

#: A hidden count's feasible range (largest minus smallest possible value) must be
#: at least this wide.
PROTECTION_INTERVAL: Final[int] = 5
#: Published: a group whose base is under this is hidden with its base.
SHOWN_BASE: Final[int] = 10

METHOD: Final[str] = (
    "publication disclosure control (GSS/ONS guidance for tables): counts of 1 to 4 and "
    "bases under 10 hidden; secondary suppression until every hidden count could be "
    f"anything over a range of at least {PROTECTION_INTERVAL}, given every published total "
    "of the wave (question options, KPI headline, breakdowns, nested breakdowns); changes, "
    "tests, adjustments and sentences computed after suppression; figures rounded before "
    "publication"
)


@dataclass(frozen=True, slots=True)
class Unit:
    """A published cell: its counts (variables) are hidden or shown together.

    ``audited`` lists the sums of variables whose feasible range must reach the
    protection interval when the unit is hidden (e.g. positive, not positive, base).
    """

    name: str
    variables: tuple[int, ...]
    audited: tuple[tuple[int, ...], ...]
    hideable: bool = True
    #: Secondary suppression hides lower priorities first (options before a total).
    priority: int = 0


@dataclass(slots=True)
class LinkedTables:
    """Published counts of one wave and the sums that link them."""

    values: list[int] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    #: ``(total variable, part variables)``: the total equals the sum of its parts.
    relations: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    #: Feasible ranges already worked out, by hidden units and audited sum.
    ranges: dict[tuple[frozenset[int], tuple[int, ...]], tuple[float, float]] = field(
        default_factory=dict
    )

    def variable(self, value: int) -> int:
        """Add a count; returns its index."""
        self.values.append(int(value))
        return len(self.values) - 1

    def unit(
        self,
        name: str,
        counts: Sequence[int],
        *,
        hideable: bool = True,
        base: bool = True,
        priority: int = 0,
    ) -> int:
        """Add a cell with its counts; returns the unit's index.

        Each count is audited, and with ``base`` and two or more counts, their sum too.
        """
        variables = tuple(self.variable(c) for c in counts)
        audited: list[tuple[int, ...]] = [(v,) for v in variables]
        if base and len(variables) > 1:
            audited.append(variables)
        self.units.append(Unit(name, variables, tuple(audited), hideable, priority))
        return len(self.units) - 1

    def relate(self, total: int, parts: Iterable[int]) -> None:
        """Record ``values[total] == sum(values[parts])``."""
        self.relations.append((total, tuple(parts)))

    def size(self, unit: int) -> int:
        """The number of people in a unit (the sum of its counts)."""
        return sum(self.values[v] for v in self.units[unit].variables)


def primary(counts: Sequence[int], *, base_rule: bool = True) -> bool:
    """Primary suppression of one cell: a count of 1-4, or a base of 1-9.

    Examples
    --------
    >>> primary([3, 40]), primary([0, 7]), primary([0, 7], base_rule=False), primary([5, 5])
    (True, True, False, False)
    """
    if any(0 < c < SMALLEST_SHOWN for c in counts):
        return True
    size = sum(counts)
    return base_rule and 0 < size < SHOWN_BASE


def feasible_range(
    tables: LinkedTables, hidden: set[int], expression: Sequence[int]
) -> tuple[float, float]:
    """Smallest and largest value of a sum of variables, from what is published.

    Shown units' counts are known; hidden counts are whole numbers from 0, a hidden
    unit holds at least one person, and every relation holds.
    """
    if not any(v in {w for u in hidden for w in tables.units[u].variables} for v in expression):
        value = float(sum(tables.values[v] for v in expression))
        return value, value
    n = len(tables.values)
    low = np.zeros(n)
    high = np.full(n, np.inf)
    hidden_vars = {v for u in hidden for v in tables.units[u].variables}
    for i, value in enumerate(tables.values):
        if i not in hidden_vars:
            low[i] = high[i] = value
    rows, lower, upper = [], [], []
    for total, parts in tables.relations:
        row = np.zeros(n)
        row[total] -= 1.0
        for p in parts:
            row[p] += 1.0
        rows.append(row)
        lower.append(0.0)
        upper.append(0.0)
    for u in hidden:
        row = np.zeros(n)
        row[list(tables.units[u].variables)] = 1.0
        rows.append(row)
        lower.append(1.0)
        upper.append(np.inf)
    from scipy.optimize import Bounds, LinearConstraint, milp  # on first use

    constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
    objective = np.zeros(n)
    objective[list(expression)] = 1.0
    ends = []
    for sign in (1.0, -1.0):
        # The linear relaxation first: when its optimum is whole numbers it is the
        # integer optimum too (usual here: sums of counts); else branch and bound.
        found = milp(
            sign * objective,
            integrality=np.zeros(n, dtype=np.int64),
            bounds=Bounds(low, high),
            constraints=constraints,
        )
        if found.status != 0 or not np.allclose(found.x, np.round(found.x), atol=1e-7):
            found = milp(
                sign * objective,
                integrality=np.ones(n, dtype=np.int64),
                bounds=Bounds(low, high),
                constraints=constraints,
            )
        if found.status == 0:
            ends.append(sign * float(found.fun))
        elif found.status == 3 or sign < 0:  # unbounded (only the maximum can be)
            ends.append(math.inf if sign < 0 else 0.0)
        else:  # pragma: no cover - the true values are always feasible
            raise RuntimeError(f"disclosure audit failed: {found.message}")
    return ends[0], ends[1]


def protect(tables: LinkedTables, hidden: Iterable[int] = ()) -> set[int]:
    """Hide units until every hidden count meets the protection interval.

    Starts from primary suppression (plus ``hidden``), then adds the smallest linked
    shown unit for each hidden count that is too narrow (see the module docstring).

    Examples
    --------
    >>> t = LinkedTables()
    >>> total = t.variable(60)
    >>> groups = [t.unit(name, [count]) for name, count in (("a", 3), ("b", 12), ("c", 45))]
    >>> t.relate(total, [t.units[g].variables[0] for g in groups])
    >>> sorted(t.units[u].name for u in protect(t))
    ['a', 'b']
    """
    chosen = set(hidden) | {
        u
        for u, unit in enumerate(tables.units)
        if unit.hideable and primary([tables.values[v] for v in unit.variables])
    }
    first = set(chosen)
    owner = {v: u for u, unit in enumerate(tables.units) for v in unit.variables}
    while True:
        problem = _first_violation(tables, chosen)
        if problem is None:
            return _unhide_spare(tables, chosen, primary=first)
        linked = _linked_units(tables, problem, owner)
        candidates = [
            u for u in linked if u not in chosen and tables.units[u].hideable and tables.size(u) > 0
        ]
        if candidates:
            ordered = sorted(
                candidates, key=lambda u: (tables.units[u].priority, tables.size(u), u)
            )
            # The first (cheapest) cell whose hiding protects this one; else the cheapest.
            fixing = next((u for u in ordered if _protected(tables, chosen | {u}, problem)), None)
            chosen.add(fixing if fixing is not None else ordered[0])
            continue
        component = _component(tables, problem, owner)
        more = {
            u
            for u in component
            if u not in chosen and tables.units[u].hideable and tables.size(u) > 0
        }
        if not more:
            # Everything that can be hidden is hidden: this is as wide as it gets.
            return chosen
        chosen |= more


def _unhide_spare(tables: LinkedTables, hidden: set[int], *, primary: set[int]) -> set[int]:
    """Show again, largest first, any secondary cell the protection does not need."""
    kept = set(hidden)
    changed = True
    while changed:
        changed = False
        spare = sorted(kept - primary, key=lambda u: (-tables.units[u].priority, -tables.size(u)))
        for u in spare:
            trial = kept - {u}
            if _first_violation(tables, trial) is None:
                kept, changed = trial, True
    return kept


def _first_violation(tables: LinkedTables, hidden: set[int]) -> int | None:
    return next((u for u in sorted(hidden) if not _protected(tables, hidden, u)), None)


def _protected(tables: LinkedTables, hidden: set[int], unit: int) -> bool:
    """True when every audited count of ``unit`` meets the protection interval."""
    key = frozenset(hidden)
    for expression in tables.units[unit].audited:
        found = tables.ranges.get((key, expression))
        if found is None:
            found = tables.ranges[(key, expression)] = feasible_range(tables, hidden, expression)
        low, high = found
        if high > 0 and high - low < PROTECTION_INTERVAL:
            return False
    return True


def _linked_units(tables: LinkedTables, unit: int, owner: Mapping[int, int]) -> list[int]:
    """Units sharing a relation with ``unit`` (its siblings and totals)."""
    mine = set(tables.units[unit].variables)
    found: list[int] = []
    for total, parts in tables.relations:
        members = (total, *parts)
        if mine & set(members):
            found.extend(owner[v] for v in members if v in owner and owner[v] != unit)
    return list(dict.fromkeys(found))


def _component(tables: LinkedTables, unit: int, owner: Mapping[int, int]) -> set[int]:
    seen = {unit}
    todo = [unit]
    while todo:
        for other in _linked_units(tables, todo.pop(), owner):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


# --- The wave's tables -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionPattern:
    """What one wave may publish about one question: hidden options and KPI headlines.

    ``hide_answered``: the number who answered is withheld (and so every percentage
    of the distribution, which would give it away), because with the KPI bases it
    would reveal a hidden count such as "don't know".
    """

    hidden_options: frozenset[str]
    hidden_kpis: frozenset[str]
    hide_answered: bool = False


def question_pattern(
    option_counts: Mapping[str, int],
    *,
    kpis: Sequence[tuple[str, frozenset[str], frozenset[str]]],
    multiple_choice: bool = False,
) -> QuestionPattern:
    """Protect a question's option counts and the KPI headlines made from them.

    Parameters
    ----------
    option_counts
        Respondents choosing each option in the wave (the ``describe`` table).
    kpis
        ``(kpi id, positive codes, excluded codes)`` for every KPI on the question:
        its headline publishes the positive count and the base (valid answers).
    multiple_choice
        Options of a multiple-choice question do not add up to a total: only
        primary suppression applies to them, and headlines are protected alone.

    Examples
    --------
    >>> p = question_pattern({"yes": 40, "no": 50, "dont_know": 3},
    ...                      kpis=[("k", frozenset({"yes"}), frozenset({"dont_know"}))])
    >>> sorted(p.hidden_options), sorted(p.hidden_kpis), p.hide_answered
    (['dont_know'], [], True)
    """
    options = list(option_counts)
    if multiple_choice:
        hidden = {o for o in options if 0 < option_counts[o] < SMALLEST_SHOWN}
        heads = set()
        for kpi_id, positive, excluded in kpis:
            pos = sum(option_counts[o] for o in options if o in positive)
            valid = sum(option_counts[o] for o in options if o not in excluded)
            if primary([pos, max(valid - pos, 0)]):
                heads.add(kpi_id)
        return QuestionPattern(frozenset(hidden), frozenset(heads))
    tables = LinkedTables()
    answered_unit = tables.unit("answered", [sum(option_counts.values())], priority=1)
    answered = tables.units[answered_unit].variables[0]
    units = {o: tables.unit(o, [option_counts[o]]) for o in options}
    var = {o: tables.units[units[o]].variables[0] for o in options}
    tables.relate(answered, var.values())
    heads_units = {}
    for kpi_id, positive, excluded in kpis:
        pos_codes = [o for o in options if o in positive]
        neg_codes = [o for o in options if o not in positive and o not in excluded]
        pos = sum(option_counts[o] for o in pos_codes)
        neg = sum(option_counts[o] for o in neg_codes)
        head = tables.unit(f"kpi:{kpi_id}", [pos, neg], priority=2)
        heads_units[kpi_id] = head
        pos_var, neg_var = tables.units[head].variables
        tables.relate(pos_var, [var[o] for o in pos_codes])
        tables.relate(neg_var, [var[o] for o in neg_codes])
    protected = protect(tables)
    return QuestionPattern(
        frozenset(o for o in options if units[o] in protected),
        frozenset(k for k, u in heads_units.items() if u in protected),
        answered_unit in protected,
    )


def breakdown_pattern(
    headline: tuple[int, int] | None,
    columns: Mapping[str, tuple[Sequence[int], Sequence[int]]],
    *,
    nested: Mapping[tuple[str, str], Sequence[int]] | None = None,
) -> dict[str, np.ndarray]:
    """Hidden groups of each breakdown column of one KPI in one wave.

    Parameters
    ----------
    headline
        ``(positive, not positive)`` when the headline is published; ``None`` when it
        is withheld, and then every group is hidden too.
    columns
        Per column: positive and not-positive counts per group.
    nested
        ``(child column, parent column) -> parent group of each child group`` for
        columns nested in another (the attacker knows the geography).

    Examples
    --------
    >>> p = breakdown_pattern((40, 92), {"area": ([0, 0, 40, 0], [1, 1, 50, 40])})
    >>> p["area"].tolist()
    [True, True, False, True]
    """
    if headline is None:
        return {c: np.ones(len(pos), dtype=np.bool_) for c, (pos, _) in columns.items()}
    tables = LinkedTables()
    head_pos, head_neg = tables.variable(headline[0]), tables.variable(headline[1])
    units: dict[str, list[int]] = {}
    for column, (pos, neg) in columns.items():
        units[column] = [
            tables.unit(f"{column}:{g}", [int(p), int(n)])
            for g, (p, n) in enumerate(zip(pos, neg, strict=True))
        ]
        tables.relate(head_pos, [tables.units[u].variables[0] for u in units[column]])
        tables.relate(head_neg, [tables.units[u].variables[1] for u in units[column]])
    for (child, parent), parent_of in (nested or {}).items():
        for p_index, p_unit in enumerate(units[parent]):
            kids = [units[child][c] for c, owner in enumerate(parent_of) if owner == p_index]
            for m in (0, 1):
                tables.relate(
                    tables.units[p_unit].variables[m], [tables.units[k].variables[m] for k in kids]
                )
    hidden = protect(tables)
    return {
        column: np.array([u in hidden for u in found], dtype=np.bool_)
        for column, found in units.items()
    }


def nesting(child: Sequence[int], parent: Sequence[int], *, n_child: int) -> list[int] | None:
    """The parent group of each child group when ``child`` nests in ``parent``, else None.

    A column nests in another when every group of it (with anyone in it) lies in
    exactly one group of the other, as wards lie in localities.

    Examples
    --------
    >>> nesting([0, 1, 2, 2], [0, 0, 1, 1], n_child=3)
    [0, 0, 1]
    >>> nesting([0, 0], [0, 1], n_child=1) is None
    True
    """
    found: dict[int, int] = {}
    for c, p in zip(child, parent, strict=True):
        if found.setdefault(int(c), int(p)) != int(p):
            return None
    if len(found) < 2 or len(set(found.values())) < 2:
        return None
    # A parent group that is its only child's copy adds nothing: still nested.
    return [found.get(c, -1) for c in range(n_child)]


def publish_estimate(estimate: WaveEstimate) -> WaveEstimate:
    """A shown estimate as published: percentages and effective base rounded once."""
    if estimate.withheld:
        return estimate
    effective = estimate.effective_base
    return replace(
        estimate,
        percent=publish_percent(estimate.percent),
        ci_low=publish_percent(estimate.ci_low),
        ci_high=publish_percent(estimate.ci_high),
        effective_base=round_half_away(effective) if effective is not None else None,
    )


def publish_change(change: Change) -> Change:
    """A change as published: points rounded once, the p-value to 3 decimal places."""
    return replace(
        change,
        change_pp=publish_percent(change.change_pp),
        change_ci_low=publish_percent(change.change_ci_low),
        change_ci_high=publish_percent(change.change_ci_high),
        p_value=_p(change.p_value),
        p_value_adjusted=_p(change.p_value_adjusted),
    )


def _p(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return value
    return max(round_half_away(value, 3), 0.001) if value > 0 else 0.0


def publish_percent(value: float | None) -> float | None:
    """A published figure rounded once: whole numbers (a value under 0.5 keeps one decimal).

    Examples
    --------
    >>> publish_percent(14.5), publish_percent(0.26), publish_percent(None)
    (15.0, 0.3, None)
    """
    if value is None or not math.isfinite(value):
        return value
    if value != 0 and abs(value) < 0.5:
        return round_half_away(value, 1)
    return round_half_away(value)


# --- Reading the wave's counts (shared by describe, compare and trend) -------------


def wave_question_patterns(
    responses: pd.DataFrame,
    kpis: Sequence[KpiDefinition],
    *,
    rows: npt.NDArray[np.int64],
    questions: Iterable[str] = (),
) -> dict[str, QuestionPattern]:
    """The protected pattern of each KPI question (and ``questions``) in one wave.

    ``rows`` are the wave's rows. Every output about the wave calls this with the
    same KPIs, so ``describe``, ``compare`` and ``trend`` hide the same cells.
    """
    from analysis.responses import MULTI_SEPARATOR, encode

    wanted = list(dict.fromkeys([*(k.question for k in kpis), *questions]))
    found: dict[str, QuestionPattern] = {}
    for question in wanted:
        if question not in responses.columns:
            continue
        whole = encode(responses[question])
        codes = whole.codes[rows]
        counts = np.bincount(codes[codes >= 0], minlength=len(whole.labels))
        split = [
            [c.strip() for c in label.split(MULTI_SEPARATOR) if c.strip()] for label in whole.labels
        ]
        multiple = any(len(c) > 1 for c in split)
        per_option: dict[str, int] = {}
        for chosen, count in zip(split, counts, strict=True):
            for code in chosen:
                per_option[code] = per_option.get(code, 0) + int(count)
        on_question = [
            (k.id, frozenset(k.positive), frozenset(k.exclude))
            for k in kpis
            if k.question == question
        ]
        found[question] = question_pattern(
            dict(sorted(per_option.items())), kpis=on_question, multiple_choice=multiple
        )
    return found


def group_pattern(
    *,
    headline_shown: bool,
    classes: npt.NDArray[np.int64],
    groups: Mapping[str, tuple[npt.NDArray[np.int64], int]],
) -> dict[str, npt.NDArray[np.bool_]]:
    """Hidden groups of each breakdown of one KPI in one wave.

    ``classes`` are the wave's rows in the KPI's base (1 positive, 0 not);
    ``groups`` gives each column's group code per row and the number of groups.
    Columns nested in another (each group inside one group of the other) are
    protected with the parent as their total.
    """
    positive = classes == 1
    columns = {
        column: (
            np.bincount(codes[positive], minlength=n).astype(int).tolist(),
            np.bincount(codes[~positive], minlength=n).astype(int).tolist(),
        )
        for column, (codes, n) in groups.items()
    }
    if not headline_shown:
        return breakdown_pattern(None, columns)
    nested: dict[tuple[str, str], list[int]] = {}
    names = list(groups)
    for child in names:
        for parent in names:
            if child == parent or (parent, child) in nested:
                continue
            parent_of = nesting(
                groups[child][0].tolist(), groups[parent][0].tolist(), n_child=groups[child][1]
            )
            if parent_of is not None and len(set(groups[child][0].tolist())) > len(
                set(groups[parent][0].tolist())
            ):
                nested[(child, parent)] = parent_of
    headline = (int(positive.sum()), int((~positive).sum()))
    return breakdown_pattern(headline, columns, nested=nested)

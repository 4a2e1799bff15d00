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

The test ``tests/analysis/test_analysis_disclosure.py`` attacks random tables
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
    #: Counts nobody publishes (e.g. answers per group and answer combination): the
    #: attacker knows only that they are whole numbers from 0 and the relations.
    latent: set[int] = field(default_factory=set)
    #: Feasible ranges already worked out, by hidden units and audited sum.
    ranges: dict[tuple[frozenset[int], tuple[int, ...]], tuple[float, float]] = field(
        default_factory=dict
    )

    def variable(self, value: int) -> int:
        """Add a count; returns its index."""
        self.values.append(int(value))
        return len(self.values) - 1

    def unknown(self, value: int) -> int:
        """Add a count that is never published (a latent variable); returns its index."""
        index = self.variable(value)
        self.latent.add(index)
        return index

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
        if i not in hidden_vars and i not in tables.latent:
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
    """Units sharing a relation with ``unit`` (its siblings and totals).

    Relations are followed through latent counts: a group's cell in one KPI and its
    cell in another KPI on the same question share the group's answer counts.
    """
    reached = set(tables.units[unit].variables)
    todo = list(reached)
    found: list[int] = []
    while todo:
        variable = todo.pop()
        for total, parts in tables.relations:
            members = (total, *parts)
            if variable not in members:
                continue
            for v in members:
                if v in owner and owner[v] != unit:
                    found.append(owner[v])
                if v in tables.latent and v not in reached:
                    reached.add(v)
                    todo.append(v)
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


def answer_class(
    chosen: Iterable[str], *, positive: frozenset[str], excluded: frozenset[str]
) -> int:
    """1 positive, 0 in the base but not positive, -1 out of the base (as ``classify_answers``).

    Examples
    --------
    >>> yes, dk = frozenset({"yes"}), frozenset({"dont_know"})
    >>> answers = (["yes", "dont_know"], ["no"], ["dont_know"])
    >>> [answer_class(c, positive=yes, excluded=dk) for c in answers]
    [1, 0, -1]
    """
    codes = list(chosen)
    if any(c in positive for c in codes):
        return 1
    return -1 if all(c in excluded for c in codes) else 0


def question_pattern(
    option_counts: Mapping[str, int],
    *,
    kpis: Sequence[tuple[str, frozenset[str], frozenset[str]]],
    multiple_choice: bool = False,
    combinations: Mapping[tuple[str, ...], int] | None = None,
    responses: int | None = None,
) -> QuestionPattern:
    """Protect a question's option counts and the KPI headlines made from them.

    Parameters
    ----------
    option_counts
        Respondents choosing each option in the wave (the ``describe`` table).
    kpis
        ``(kpi id, positive codes, excluded codes)`` for every KPI on the question:
        its headline publishes the positive count and the base (valid answers).
    multiple_choice, combinations
        A multiple-choice question's options do not add up to the number who
        answered: the respondents per combination of options chosen (never
        published) link the option counts, the number who answered and the KPI
        headlines (a respondent is positive when any chosen option is positive).
        Without ``combinations`` each option is its own combination.
    responses
        The wave's number of responses, which ``describe`` publishes (unless it is
        1 to 4): an upper bound of the number who answered, never more (whether
        anyone skipped the question is not published).

    Examples
    --------
    >>> p = question_pattern({"yes": 40, "no": 50, "dont_know": 3},
    ...                      kpis=[("k", frozenset({"yes"}), frozenset({"dont_know"}))])
    >>> sorted(p.hidden_options), sorted(p.hidden_kpis), p.hide_answered
    (['dont_know'], [], True)
    """
    options = list(option_counts)
    combos = dict(combinations) if combinations else {(o,): int(option_counts[o]) for o in options}
    combos = {c: n for c, n in combos.items() if n > 0}
    tables = LinkedTables()
    latent = {combo: tables.unknown(n) for combo, n in combos.items()}
    n_answered = sum(combos.values())
    everyone = responses is not None and responses <= n_answered
    # The number who answered can always be hidden. When everyone answered, the
    # published number of responses is its upper bound only: the attacker is not
    # told that nobody skipped the question (the count who did not answer is never
    # published), so hiding it does protect. A number of responses of 1 to 4 is
    # itself withheld (primary suppression), so it is not known either.
    answered_unit = tables.unit("answered", [n_answered], priority=1)
    answered = tables.units[answered_unit].variables[0]
    tables.relate(answered, latent.values())
    if responses is not None:
        total = (
            tables.unknown(responses)
            if 0 < responses < SMALLEST_SHOWN
            else tables.variable(responses)
        )
        tables.relate(total, [answered, tables.unknown(max(responses - n_answered, 0))])
    units = {o: tables.unit(o, [option_counts[o]]) for o in options}
    for o in options:
        tables.relate(tables.units[units[o]].variables[0], [latent[c] for c in combos if o in c])
    heads_units = {}
    for kpi_id, positive, excluded in kpis:
        classes = {c: answer_class(c, positive=positive, excluded=excluded) for c in combos}
        pos = sum(n for c, n in combos.items() if classes[c] == 1)
        neg = sum(n for c, n in combos.items() if classes[c] == 0)
        # When everyone answered and nobody is excluded, the headline's base is the
        # published number of responses: not a secret to protect.
        known_base = everyone and pos + neg == n_answered
        head = tables.unit(f"kpi:{kpi_id}", [pos, neg], priority=2, base=not known_base)
        heads_units[kpi_id] = head
        pos_var, neg_var = tables.units[head].variables
        tables.relate(pos_var, [latent[c] for c in combos if classes[c] == 1])
        tables.relate(neg_var, [latent[c] for c in combos if classes[c] == 0])
    del multiple_choice  # the combinations say it
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
        combinations: dict[tuple[str, ...], int] = {}
        for chosen, count in zip(split, counts, strict=True):
            for code in chosen:
                per_option[code] = per_option.get(code, 0) + int(count)
            key = tuple(sorted(set(chosen)))
            if key:
                combinations[key] = combinations.get(key, 0) + int(count)
        on_question = [
            (k.id, frozenset(k.positive), frozenset(k.exclude))
            for k in kpis
            if k.question == question
        ]
        found[question] = question_pattern(
            dict(sorted(per_option.items())),
            kpis=on_question,
            multiple_choice=multiple,
            combinations=combinations,
            responses=len(rows),
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


def question_group_patterns(
    *,
    kpis: Sequence[tuple[str, frozenset[str], frozenset[str]]],
    headline_shown: Mapping[str, bool],
    answers: npt.NDArray[np.int64],
    combinations: Sequence[tuple[str, ...]],
    groups: Mapping[str, tuple[npt.NDArray[np.int64], int]],
    pattern: QuestionPattern | None = None,
    option_counts: Mapping[str, int] | None = None,
) -> dict[str, dict[str, npt.NDArray[np.bool_]]]:
    """Hidden groups of each breakdown of every KPI on one question in one wave.

    All the KPIs on a question (for example the same question with different
    positive codes) are protected together: the unknowns are the respondents per
    group and answer combination, so a group hidden in one KPI cannot be worked out
    from its cell in another. Each KPI's groups add up to its headline (withheld
    headline: every group of that KPI hidden); the options ``describe`` shows
    (``option_counts`` less ``pattern``'s hidden ones) and the number who answered
    are known too; a column nested in another (each ward inside one locality) adds
    up, per answer, to its parent group.

    Parameters
    ----------
    answers
        Per row of the wave: the index of its answer combination in
        ``combinations`` (-1: no answer).
    groups
        Per breakdown column: each row's group code and the number of groups.

    Returns
    -------
    dict
        KPI id -> column -> True for each group to hide.

    Examples
    --------
    >>> import numpy as np
    >>> kpis = [("strict", frozenset({"a"}), frozenset()),
    ...         ("broad", frozenset({"a", "b"}), frozenset())]
    >>> combos = [("a",), ("b",), ("c",)]
    >>> # Group 0: 3 "a", 10 "b", 20 "c": hidden in "strict" (3 positive); shown in
    >>> # "broad" (13 of 33), it would give away strict's base. Group 1: 30, 20, 20.
    >>> answers = np.array([0] * 3 + [1] * 10 + [2] * 20 + [0] * 30 + [1] * 20 + [2] * 20)
    >>> where = np.array([0] * 33 + [1] * 70)
    >>> found = question_group_patterns(kpis=kpis, headline_shown={"strict": True, "broad": True},
    ...     answers=answers, combinations=combos, groups={"g": (where, 2)})
    >>> found["strict"]["g"].tolist(), found["broad"]["g"].tolist()
    ([True, True], [True, True])
    """
    tables = LinkedTables()
    n_combos = len(combinations)
    answered_rows = answers >= 0
    totals = np.bincount(answers[answered_rows], minlength=n_combos)
    total_var = {a: tables.unknown(int(totals[a])) for a in range(n_combos) if totals[a] > 0}
    # What describe publishes about the question: shown options, and the number who answered.
    if option_counts is not None and pattern is not None:
        for option, count in option_counts.items():
            members = [v for a, v in total_var.items() if option in combinations[a]]
            if option not in pattern.hidden_options and members:
                tables.relate(tables.variable(int(count)), members)
        if not pattern.hide_answered and total_var:
            tables.relate(tables.variable(int(totals.sum())), list(total_var.values()))
    classes = {
        kpi_id: [answer_class(c, positive=pos, excluded=exc) for c in combinations]
        for kpi_id, pos, exc in kpis
    }
    # Each KPI's headline: published (a known total) or withheld (unknown).
    for kpi_id, _, _ in kpis:
        for side in (1, 0):
            members = [v for a, v in total_var.items() if classes[kpi_id][a] == side]
            value = sum(int(totals[a]) for a in total_var if classes[kpi_id][a] == side)
            head = tables.variable(value) if headline_shown.get(kpi_id) else tables.unknown(value)
            tables.relate(head, members)
    latent: dict[str, dict[tuple[int, int], int]] = {}
    units: dict[str, dict[str, list[int]]] = {kpi_id: {} for kpi_id, _, _ in kpis}
    first_hidden: set[int] = set()
    for column, (codes, n_groups) in groups.items():
        counts = np.zeros((n_groups, n_combos), dtype=np.int64)
        np.add.at(counts, (codes[answered_rows], answers[answered_rows]), 1)
        latent[column] = {
            (g, a): tables.unknown(int(counts[g, a])) for g in range(n_groups) for a in total_var
        }
        for a, total in total_var.items():
            tables.relate(total, [latent[column][(g, a)] for g in range(n_groups)])
        for kpi_id, _, _ in kpis:
            found = []
            for g in range(n_groups):
                parts = [
                    [latent[column][(g, a)] for a in total_var if classes[kpi_id][a] == side]
                    for side in (1, 0)
                ]
                values = [int(sum(tables.values[v] for v in part)) for part in parts]
                unit = tables.unit(f"{kpi_id}:{column}:{g}", values)
                for variable, part in zip(tables.units[unit].variables, parts, strict=True):
                    tables.relate(variable, part)
                if not headline_shown.get(kpi_id) and tables.size(unit) > 0:
                    first_hidden.add(unit)
                found.append(unit)
            units[kpi_id][column] = found
    names = list(groups)
    for child in names:
        for parent in names:
            if child == parent:
                continue
            parent_of = nesting(
                groups[child][0].tolist(), groups[parent][0].tolist(), n_child=groups[child][1]
            )
            if parent_of is None or len(set(groups[child][0].tolist())) <= len(
                set(groups[parent][0].tolist())
            ):
                continue
            for p_group in range(groups[parent][1]):
                kids = [c for c, owner in enumerate(parent_of) if owner == p_group]
                for a in total_var:
                    tables.relate(
                        latent[parent][(p_group, a)], [latent[child][(c, a)] for c in kids]
                    )
    hidden = protect(tables, first_hidden)
    return {
        kpi_id: {
            column: np.array(
                [u in hidden or not headline_shown.get(kpi_id) for u in found], dtype=np.bool_
            )
            for column, found in by_column.items()
        }
        for kpi_id, by_column in units.items()
    }


def wave_group_patterns(
    responses: pd.DataFrame,
    kpis: Sequence[KpiDefinition],
    *,
    rows: npt.NDArray[np.int64],
    groups: Mapping[str, tuple[npt.NDArray[np.int64], int]],
    patterns: Mapping[str, QuestionPattern],
) -> dict[str, dict[str, npt.NDArray[np.bool_]]]:
    """Hidden groups of every KPI's breakdowns in one wave (``rows``), question by question.

    ``groups`` gives each breakdown column's group code for each of ``rows``;
    ``patterns`` is :func:`wave_question_patterns` of the same wave. Returns KPI id
    -> column -> True for each group to hide (:func:`question_group_patterns`).
    """
    from analysis.responses import MULTI_SEPARATOR, encode

    found: dict[str, dict[str, npt.NDArray[np.bool_]]] = {}
    for question in dict.fromkeys(k.question for k in kpis):
        encoded = encode(responses[question], rows)
        combos: dict[tuple[str, ...], int] = {}
        index = []
        for label in encoded.labels:
            key = tuple(sorted({c.strip() for c in label.split(MULTI_SEPARATOR) if c.strip()}))
            index.append(combos.setdefault(key, len(combos)) if key else -1)
        lookup = np.array([*index, -1], dtype=np.int64)
        answers = lookup[encoded.codes]
        pattern = patterns.get(question)
        counts = np.bincount(answers[answers >= 0], minlength=len(combos))
        option_counts: dict[str, int] = {}
        for combo, a in combos.items():
            for code in combo:
                option_counts[code] = option_counts.get(code, 0) + int(counts[a])
        on_question = [k for k in kpis if k.question == question]
        found.update(
            question_group_patterns(
                kpis=[(k.id, frozenset(k.positive), frozenset(k.exclude)) for k in on_question],
                headline_shown={
                    k.id: pattern is None or k.id not in pattern.hidden_kpis for k in on_question
                },
                answers=answers,
                combinations=list(combos),
                groups=groups,
                pattern=pattern,
                option_counts=option_counts,
            )
        )
    return found

"""A KPI's board status (BRAG/RAG) from its target status and its due date, as data.

A rule says: when the target status is X (or any) and the due date has passed
(or not, or either), show colour C with words W. Rules are tried in order and the
first that matches wins; nothing matching shows grey "No status". An area keeps
its own ordered list in ``LocalArea.results_settings["status_rules"]``; without
one, :data:`DEFAULT_RULES` apply. The page shows the rules it used, so a status is
never a mystery (see docs/adr/0012-kpi-board-status-rules-and-result-cache.md).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from analysis import TargetStatus

#: Key in ``LocalArea.results_settings``.
SETTINGS_KEY = "status_rules"
#: A rule's target status that matches every status.
ANY = "any"
#: Longest words a rule may show.
MAX_WORDS = 60
#: Most rules an area may keep.
MAX_RULES = 20


class Colour(enum.StrEnum):
    """BRAG colours: Blue complete, Red at risk, Amber behind, Green on track; RAGP's
    Purple (completed, embedded, sustained); grey: none (or "not due yet")."""

    BLUE = "blue"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    PURPLE = "purple"
    GREY = "grey"


class Due(enum.StrEnum):
    """Whether a rule looks at the due date."""

    ANY = "any"
    NOT_PASSED = "not_passed"
    PASSED = "passed"


COLOUR_NAMES = {
    Colour.BLUE: _l("Blue"),
    Colour.GREEN: _l("Green"),
    Colour.AMBER: _l("Amber"),
    Colour.RED: _l("Red"),
    Colour.PURPLE: _l("Purple"),
    Colour.GREY: _l("Grey"),
}
#: GOV.UK tag modifier for each colour (amber is GOV.UK's orange).
TAG_CLASSES = {
    Colour.BLUE: "govuk-tag--blue",
    Colour.GREEN: "govuk-tag--green",
    Colour.AMBER: "govuk-tag--orange",
    Colour.RED: "govuk-tag--red",
    Colour.PURPLE: "govuk-tag--purple",
    Colour.GREY: "govuk-tag--grey",
}
DUE_NAMES = {
    Due.ANY: _l("at any time"),
    Due.NOT_PASSED: _l("before the due date"),
    Due.PASSED: _l("once the due date has passed"),
}
STATUS_NAMES = {
    ANY: _l("any status"),
    TargetStatus.MET_CONFIRMED.value: _l("met (confirmed)"),
    TargetStatus.MET_ON_POINT_ESTIMATE.value: _l("met on the point estimate"),
    TargetStatus.NOT_MET.value: _l("not met"),
    TargetStatus.NOT_MET_CONFIRMED.value: _l("not met (confirmed)"),
    TargetStatus.INSUFFICIENT_DATA.value: _l("insufficient data"),
}


@dataclass(frozen=True, slots=True)
class StatusRule:
    """When ``target_status`` (or ``any``) and ``due``: show ``colour`` with ``words``."""

    target_status: str
    due: Due
    colour: Colour
    words: str

    def describe(self) -> str:
        """The rule in a sentence, as the board page shows it."""
        return str(
            gettext(
                "Target %(status)s, %(due)s: %(colour)s, \u201c%(words)s\u201d",
                status=STATUS_NAMES[self.target_status],
                due=DUE_NAMES[self.due],
                colour=COLOUR_NAMES[self.colour],
                words=self.words,
            )
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """The status a KPI gets: colour, words and which rule (1-based; 0: none matched)."""

    colour: Colour
    words: str
    rule_number: int
    #: The area's label for the colour (its status scheme), when it has one.
    label: str | None = None
    #: Set when a person overrode the derived status: why, who and when.
    override: Override | None = None

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag class for the colour."""
        return TAG_CLASSES[self.colour]

    @property
    def colour_name(self) -> str:
        """The status in words: the area's label, else the colour's name (status is
        never shown by colour alone)."""
        return self.label or str(COLOUR_NAMES[self.colour])


@dataclass(frozen=True, slots=True)
class Override:
    """A manual override of a KPI's status: the reason, who set it and when."""

    reason: str
    by: str
    on: dt.date
    #: The status the rules gave, shown beside the override.
    derived: Outcome


def default_rules() -> tuple[StatusRule, ...]:
    """The rules an area starts with."""
    met, point = TargetStatus.MET_CONFIRMED.value, TargetStatus.MET_ON_POINT_ESTIMATE.value
    not_met, missed = TargetStatus.NOT_MET.value, TargetStatus.NOT_MET_CONFIRMED.value
    return (
        StatusRule(met, Due.ANY, Colour.BLUE, gettext("Achieved")),
        StatusRule(point, Due.NOT_PASSED, Colour.GREEN, gettext("On track")),
        StatusRule(point, Due.PASSED, Colour.GREEN, gettext("Met on the point estimate")),
        StatusRule(not_met, Due.NOT_PASSED, Colour.AMBER, gettext("Behind target")),
        StatusRule(not_met, Due.PASSED, Colour.RED, gettext("Not met by the due date")),
        StatusRule(missed, Due.NOT_PASSED, Colour.RED, gettext("At risk: clearly below target")),
        StatusRule(missed, Due.PASSED, Colour.RED, gettext("Not met by the due date")),
        StatusRule(
            TargetStatus.INSUFFICIENT_DATA.value, Due.ANY, Colour.GREY, gettext("Not enough data")
        ),
    )


class RuleError(ValueError):
    """A rule that cannot be used; the message says which and why."""


def parse_rule(data: Mapping[str, Any], *, number: int) -> StatusRule:
    """One rule from stored or submitted data; :class:`RuleError` when it is not valid."""
    status = str(data.get("target_status", ""))
    if status not in STATUS_NAMES:
        raise RuleError(gettext("Rule %(n)s: choose a target status", n=number))
    try:
        due = Due(str(data.get("due", "")))
        colour = Colour(str(data.get("colour", "")))
    except ValueError:
        raise RuleError(gettext("Rule %(n)s: choose a due date and a colour", n=number)) from None
    words = " ".join(str(data.get("words", "")).split())
    if not words:
        raise RuleError(gettext("Rule %(n)s: enter the words to show", n=number))
    if len(words) > MAX_WORDS:
        raise RuleError(
            gettext(
                "Rule %(n)s: words must be %(max)s characters or fewer", n=number, max=MAX_WORDS
            )
        )
    return StatusRule(target_status=status, due=due, colour=colour, words=words)


def area_rules(settings: Mapping[str, Any] | None) -> tuple[StatusRule, ...]:
    """The area's rules, or the defaults when it has none (or stored ones are unusable)."""
    stored = (settings or {}).get(SETTINGS_KEY)
    if not isinstance(stored, list) or not stored:
        return default_rules()
    try:
        return tuple(
            parse_rule(item if isinstance(item, Mapping) else {}, number=i)
            for i, item in enumerate(stored, start=1)
        )
    except RuleError:
        return default_rules()


def to_settings(rules: Sequence[StatusRule]) -> list[dict[str, str]]:
    """Rules as JSON for ``LocalArea.results_settings``."""
    return [
        {
            "target_status": rule.target_status,
            "due": rule.due.value,
            "colour": rule.colour.value,
            "words": rule.words,
        }
        for rule in rules
    ]


def status_of(
    rules: Sequence[StatusRule], *, target_status: str | None, due_passed: bool | None
) -> Outcome:
    """The first rule matching the target status and the due date.

    ``target_status`` ``None`` (no comparison yet) is treated as insufficient data.
    ``due_passed`` ``None`` (no due date) matches only rules for any time.
    """
    status = target_status or TargetStatus.INSUFFICIENT_DATA.value
    for number, rule in enumerate(rules, start=1):
        if rule.target_status not in (ANY, status):
            continue
        if rule.due is Due.PASSED and due_passed is not True:
            continue
        if rule.due is Due.NOT_PASSED and due_passed is not False:
            continue
        return Outcome(rule.colour, rule.words, number)
    return Outcome(Colour.GREY, gettext("No status"), 0)

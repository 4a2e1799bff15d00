"""Status rules: first match wins, due dates matter, stored rules are checked."""

from __future__ import annotations

import datetime as dt

import pytest

from feedback_app.results.board.status_rules import (
    Colour,
    Due,
    RuleError,
    StatusRule,
    area_rules,
    default_rules,
    parse_rule,
    status_of,
    to_settings,
)
from feedback_app.results.board.view_model import due_date

RULES = default_rules()


@pytest.mark.parametrize(
    ("status", "due_passed", "expected"),
    [
        ("met (confirmed)", False, (Colour.BLUE, "Achieved", 1)),
        ("met (confirmed)", None, (Colour.BLUE, "Achieved", 1)),
        ("met on point estimate", False, (Colour.GREEN, "On track", 2)),
        ("met on point estimate", True, (Colour.GREEN, "Met on the point estimate", 3)),
        ("not met", False, (Colour.AMBER, "Behind target", 4)),
        ("not met", True, (Colour.RED, "Not met by the due date", 5)),
        ("not met (confirmed)", False, (Colour.RED, "At risk: clearly below target", 6)),
        ("not met (confirmed)", True, (Colour.RED, "Not met by the due date", 7)),
        (None, True, (Colour.GREY, "Not enough data", 8)),
        # No due date: only "any time" rules can match.
        ("not met", None, (Colour.GREY, "No status", 0)),
    ],
)
def test_default_rules(status: str | None, due_passed: bool | None, expected: tuple) -> None:
    outcome = status_of(RULES, target_status=status, due_passed=due_passed)
    assert (outcome.colour, outcome.words, outcome.rule_number) == expected
    assert outcome.colour_name == outcome.colour.value.title()


def test_first_matching_rule_wins_and_any_matches_every_status() -> None:
    rules = (
        StatusRule("any", Due.PASSED, Colour.RED, "Overdue"),
        StatusRule("met (confirmed)", Due.ANY, Colour.BLUE, "Done"),
    )
    assert status_of(rules, target_status="met (confirmed)", due_passed=True).words == "Overdue"
    assert status_of(rules, target_status="met (confirmed)", due_passed=False).words == "Done"
    assert "Target any status, once the due date has passed: Red" in rules[0].describe()


def test_stored_rules_round_trip_and_bad_ones_fall_back_to_defaults() -> None:
    rules = (StatusRule("not met", Due.NOT_PASSED, Colour.AMBER, "Behind"),)
    assert area_rules({"status_rules": to_settings(rules)}) == rules
    assert area_rules(None) == RULES
    assert area_rules({"status_rules": [{"target_status": "bogus"}]}) == RULES
    assert area_rules({"status_rules": "not a list"}) == RULES


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target_status": "x", "due": "any", "colour": "red", "words": "w"}, "target status"),
        ({"target_status": "any", "due": "soon", "colour": "red", "words": "w"}, "due date"),
        ({"target_status": "any", "due": "any", "colour": "pink", "words": "w"}, "colour"),
        ({"target_status": "any", "due": "any", "colour": "red", "words": "  "}, "enter the words"),
        ({"target_status": "any", "due": "any", "colour": "red", "words": "w" * 61}, "60"),
    ],
)
def test_bad_rules_are_named(data: dict[str, str], message: str) -> None:
    with pytest.raises(RuleError, match=f"Rule 3: .*{message}"):
        parse_rule(data, number=3)


def test_due_dates_count_from_the_baseline_close() -> None:
    start = dt.date(2019, 12, 18)
    assert due_date("18 months", start) == dt.date(2021, 6, 18)
    assert due_date("2 years", start) == dt.date(2021, 12, 18)
    assert due_date("6 weeks", start) == dt.date(2020, 1, 29)
    assert due_date("1 month", dt.date(2020, 1, 31)) == dt.date(2020, 2, 29)
    assert due_date("2021-03-31", start) == dt.date(2021, 3, 31)
    assert due_date("by the summer", start) is None
    assert due_date(None, start) is None

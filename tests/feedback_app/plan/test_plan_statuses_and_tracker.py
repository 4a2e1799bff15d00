"""Status presets as data (Peterborough and Cumbria BRAG, Hull RAGP), their tags'
contrast, and the pure tracker: overdue, exceptions, filters and the summary."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from feedback_app.plan.actions.tracker import (
    NO_STATUS,
    TrackerFilter,
    is_overdue,
    matches,
    tracker_summary,
)
from feedback_app.plan.statuses.schemes import (
    Kind,
    SchemeError,
    StatusDef,
    check_scheme,
    contrast_ratio,
    parse_status,
    preset,
    presets,
)
from feedback_app.results.board.status_rules import TAG_CLASSES, Colour

APP_CSS = Path(__file__).resolve().parents[3] / "feedback_app" / "static" / "dist" / "app.css"


def _words(preset_id: str) -> list[tuple[str, str, str]]:
    found = preset(preset_id)
    assert found is not None
    return [(s.colour.value, s.label, s.kind.value) for s in found.scheme.statuses]


def test_peterborough_brag_words() -> None:
    assert _words("brag_peterborough") == [
        ("blue", "Blue: complete", "complete"),
        ("green", "Green: on track", "on_track"),
        ("amber", "Amber: behind schedule", "exception"),
        ("red", "Red: not started or at risk", "exception"),
    ]


def test_cumbria_brag_meanings_are_the_plans_own() -> None:
    cumbria = preset("brag_cumbria")
    assert cumbria is not None
    meanings = [s.meaning for s in cumbria.scheme.statuses]
    assert meanings[1] == "On schedule, projected milestone date all OK."
    assert meanings[3].startswith("Has missed, or is projected to miss")


def test_hull_ragp_has_purple_complete_and_not_due_yet() -> None:
    words = _words("ragp_hull")
    assert words[0] == ("purple", "Purple: completed, embedded, sustained", "complete")
    assert ("grey", "Not due yet", "not_due") in words
    hull = preset("ragp_hull")
    assert hull is not None
    assert [s.needs_commentary for s in hull.scheme.statuses] == [False, False, True, True, False]


def _tag_colours(css: str, tag_class: str) -> tuple[str, str]:
    rule = re.search(r"\." + re.escape(tag_class) + r"\{([^}]*)\}", css)
    if rule is None:  # no modifier rule: the default (blue) tag
        rule = re.search(r"\.govuk-tag\{[^}]*color:[^}]*\}", css)
    assert rule is not None, tag_class
    body = rule.group(0)
    text = re.search(r"(?<!-)color:(#[0-9a-f]{6})", body)
    background = re.search(r"background-color:(#[0-9a-f]{6})", body)
    assert text and background, tag_class
    return text.group(1), background.group(1)


@pytest.mark.skipif(not APP_CSS.exists(), reason="front end not built")
def test_every_status_colour_tag_has_aa_contrast() -> None:
    css = APP_CSS.read_text(encoding="utf-8")
    for colour in Colour:
        text, background = _tag_colours(css, TAG_CLASSES[colour])
        assert contrast_ratio(text, background) >= 4.5, (colour, text, background)


def test_contrast_ratio_known_values() -> None:
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_a_scheme_needs_complete_on_track_and_one_status_per_colour() -> None:
    blue = StatusDef(Colour.BLUE, "Done", "", Kind.COMPLETE)
    green = StatusDef(Colour.GREEN, "Fine", "", Kind.ON_TRACK)
    with pytest.raises(SchemeError, match="at least two"):
        check_scheme([blue])
    with pytest.raises(SchemeError, match="on track"):
        check_scheme([blue, StatusDef(Colour.RED, "Late", "", Kind.EXCEPTION)])
    with pytest.raises(SchemeError, match="one status only"):
        check_scheme([blue, green, StatusDef(Colour.GREEN, "Also", "", Kind.EXCEPTION)])
    with pytest.raises(SchemeError, match="own label"):
        check_scheme([blue, StatusDef(Colour.GREEN, "done", "", Kind.ON_TRACK)])
    assert check_scheme([blue, green]) == (blue, green)
    with pytest.raises(SchemeError, match="choose a colour"):
        parse_status({"colour": "mauve", "label": "x", "kind": "complete"}, number=1)
    assert parse_status(
        {"colour": "purple", "label": "  Embedded\n ", "kind": "complete"}, number=1
    ) == StatusDef(Colour.PURPLE, "Embedded", "", Kind.COMPLETE)
    assert len(presets()) == 3


@dataclass
class Milestone:
    title: str
    due_on: dt.date
    done_on: dt.date | None = None


@dataclass
class Action:
    id: int
    reference: str = ""
    action: str = "An action"
    owner: str = "Head of SEND"
    organisation: str = "Council"
    due_on: dt.date | None = None
    status_colour: str | None = None
    status_label: str = ""
    status_kind: str = ""
    status_date: dt.date | None = None
    commentary: str = ""
    milestones: list[Milestone] = field(default_factory=list)


TODAY = dt.date(2026, 6, 1)


def test_overdue_is_a_passed_date_of_an_action_that_is_not_complete() -> None:
    late = Action(1, due_on=dt.date(2026, 5, 31))
    assert is_overdue(late, TODAY)
    assert not is_overdue(Action(2, due_on=TODAY), TODAY)  # due today is not overdue
    done = Action(3, due_on=dt.date(2026, 1, 1), status_colour="blue", status_kind="complete")
    assert not is_overdue(done, TODAY)
    milestone = Action(4, milestones=[Milestone("Draft", dt.date(2026, 2, 1))])
    assert is_overdue(milestone, TODAY)
    milestone.milestones[0].done_on = dt.date(2026, 3, 1)
    assert not is_overdue(milestone, TODAY)


def test_filters() -> None:
    amber = Action(1, status_colour="amber", owner="ICB lead", organisation="NHS ICB")
    none = Action(2, due_on=dt.date(2026, 1, 1))
    pick = [
        (TrackerFilter(status="amber"), [1]),
        (TrackerFilter(status=NO_STATUS), [2]),
        (TrackerFilter(owner="icb"), [1]),
        (TrackerFilter(organisation="council"), [2]),
        (TrackerFilter(overdue=True), [2]),
        (TrackerFilter(), [1, 2]),
    ]
    for chosen, ids in pick:
        assert [a.id for a in (amber, none) if matches(a, chosen, today=TODAY)] == ids, chosen


def test_summary_counts_by_status_in_scheme_order_and_lists_overdue_and_exceptions() -> None:
    hull = preset("ragp_hull")
    assert hull is not None
    actions = [
        Action(1, "1.1", status_colour="purple", status_label="P", status_kind="complete"),
        Action(
            2,
            "1.2",
            status_colour="amber",
            status_label="Amber: on track, some concerns",
            status_kind="exception",
            commentary="Staff shortage",
        ),
        Action(3, "1.3", due_on=dt.date(2026, 3, 1)),
        Action(4, "1.4", status_colour="blue", status_label="Blue: done", status_kind="complete"),
    ]
    summary = tracker_summary(actions, hull.scheme, today=TODAY)
    assert summary.total == 4
    assert [(c.label, c.count) for c in summary.counts] == [
        ("Purple: completed, embedded, sustained", 1),
        ("Green: on track, no concerns", 0),
        ("Amber: on track, some concerns", 1),
        ("Red: off track", 0),
        ("Not due yet", 0),
        ("Blue: done", 1),  # a colour no longer in the scheme keeps its words
        ("", 1),  # no status yet
    ]
    assert [(f.reference, f.overdue_since, f.exception) for f in summary.flagged] == [
        ("1.3", dt.date(2026, 3, 1), False),
        ("1.2", None, True),
    ]
    assert summary.flagged[1].commentary == "Staff shortage"

"""The action tracker's judgements, pure: overdue, exceptions, filters, the summary.

Nothing here reads the database or Flask; the board pack and the tracker page
call :func:`tracker_summary` and :func:`matches` with the actions they loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from feedback_app.plan.statuses.schemes import Kind, Scheme, StatusDef


class MilestoneLike(Protocol):
    """What the tracker reads of a milestone."""

    title: str
    due_on: dt.date
    done_on: dt.date | None


class ActionLike(Protocol):
    """What the tracker reads of an action."""

    id: int
    reference: str
    action: str
    owner: str
    organisation: str
    due_on: dt.date | None
    status_colour: str | None
    status_label: str
    status_kind: str
    status_date: dt.date | None
    commentary: str

    @property
    def milestones(self) -> Sequence[MilestoneLike]: ...


#: The filter value for actions that have no status yet.
NO_STATUS = "none"


def is_complete(action: ActionLike) -> bool:
    """True when the action's status counts as complete."""
    return action.status_kind == Kind.COMPLETE.value


def overdue_dates(action: ActionLike, today: dt.date) -> list[dt.date]:
    """The passed due dates of an action that is not complete: its own deadline and
    each milestone not done by its due date."""
    if is_complete(action):
        return []
    dates = [m.due_on for m in action.milestones if m.done_on is None and m.due_on < today]
    if action.due_on is not None and action.due_on < today:
        dates.append(action.due_on)
    return sorted(dates)


def is_overdue(action: ActionLike, today: dt.date) -> bool:
    """True when a due date of an action that is not complete has passed."""
    return bool(overdue_dates(action, today))


def is_exception(action: ActionLike) -> bool:
    """True when the action's status needs exception commentary."""
    return action.status_kind == Kind.EXCEPTION.value


@dataclass(frozen=True, slots=True)
class TrackerFilter:
    """The tracker's filters; empty values match everything."""

    status: str = ""
    owner: str = ""
    organisation: str = ""
    overdue: bool = False


def matches(action: ActionLike, chosen: TrackerFilter, *, today: dt.date) -> bool:
    """True when ``action`` passes every chosen filter (owner and organisation
    match case-insensitively on any part of the text)."""
    if chosen.status == NO_STATUS and action.status_colour:
        return False
    if chosen.status not in ("", NO_STATUS) and action.status_colour != chosen.status:
        return False
    if chosen.owner and chosen.owner.casefold() not in action.owner.casefold():
        return False
    if chosen.organisation and chosen.organisation.casefold() not in action.organisation.casefold():
        return False
    return not (chosen.overdue and not is_overdue(action, today))


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many actions have one status (``status`` None: no status yet)."""

    status: StatusDef | None
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Flagged:
    """An action the board should look at: overdue, exception, or both."""

    reference: str
    action: str
    owner: str
    status_label: str
    status_date: dt.date | None
    overdue_since: dt.date | None
    exception: bool
    commentary: str


@dataclass(frozen=True, slots=True)
class TrackerSummary:
    """The tracker in a few lines for the board pack."""

    today: dt.date
    total: int
    counts: tuple[StatusCount, ...]
    flagged: tuple[Flagged, ...]


def tracker_summary(
    actions: Sequence[ActionLike], scheme: Scheme, *, today: dt.date
) -> TrackerSummary:
    """Counts by status (in the scheme's order; statuses no longer in the scheme and
    "no status yet" after) and the overdue or exception actions, oldest due first."""
    by_colour: dict[str, int] = {}
    labels: dict[str, str] = {}
    for action in actions:
        key = action.status_colour or ""
        by_colour[key] = by_colour.get(key, 0) + 1
        labels.setdefault(key, action.status_label)
    counts = [StatusCount(s, s.label, by_colour.pop(s.colour.value, 0)) for s in scheme.statuses]
    none = by_colour.pop("", 0)
    counts += [StatusCount(None, labels[c], n) for c, n in sorted(by_colour.items())]
    if none:
        counts.append(StatusCount(None, "", none))
    flagged = []
    for action in actions:
        dates = overdue_dates(action, today)
        if dates or is_exception(action):
            flagged.append(
                Flagged(
                    reference=action.reference,
                    action=action.action,
                    owner=action.owner,
                    status_label=action.status_label,
                    status_date=action.status_date,
                    overdue_since=dates[0] if dates else None,
                    exception=is_exception(action),
                    commentary=action.commentary,
                )
            )
    flagged.sort(key=lambda f: (f.overdue_since or dt.date.max, f.reference, f.action))
    return TrackerSummary(today, len(actions), tuple(counts), tuple(flagged))

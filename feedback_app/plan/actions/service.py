"""The plan's actions in the database: list, add, change, set status, milestones,
what changed since the last board. Every change is audited (ids and field names,
never the text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from feedback_app.models import (
    AreaAction,
    AuditEvent,
    LocalArea,
    PlanAction,
    PlanActionStatus,
    PlanMilestone,
    newest_first,
    utcnow,
)
from feedback_app.plan.actions.tracker import TrackerSummary, tracker_summary
from feedback_app.plan.statuses.schemes import StatusDef
from feedback_app.plan.statuses.service import area_scheme
from feedback_app.staff import audit

#: Longest action, evidence or commentary text accepted.
MAX_TEXT = 4000
#: Most evidence links per action.
MAX_LINKS = 20
#: The audit event that marks a board pack (the PDF board report) as produced.
BOARD_REPORT_EVENT = "download_report"
#: How far back "what changed" looks when no board report is recorded.
DEFAULT_LOOKBACK_MONTHS = 3


class CommentaryRequired(ValueError):
    """A status that needs exception commentary was set without it."""


@dataclass(frozen=True)
class ActionInput:
    """A validated action, as the form gives it."""

    reference: str
    priority: str
    action: str
    owner: str
    organisation: str
    due_on: dt.date | None
    evidence: str
    evidence_links: list[str] = field(default_factory=list)
    kpi_references: list[str] = field(default_factory=list)


FIELDS = (
    "reference",
    "priority",
    "action",
    "owner",
    "organisation",
    "due_on",
    "evidence",
    "evidence_links",
    "kpi_references",
)


def area_actions(session: Session, area: LocalArea) -> list[PlanAction]:
    """The area's actions in plan order (reference, then when added)."""
    return list(
        session.scalars(
            select(PlanAction)
            .where(PlanAction.area_id == area.id)
            .options(selectinload(PlanAction.milestones))
            .order_by(PlanAction.reference, PlanAction.id)
        )
    )


def find_action(session: Session, area: LocalArea, action_id: int) -> PlanAction | None:
    """The action with this id if it belongs to ``area``."""
    action = session.get(PlanAction, action_id)
    return action if action is not None and action.area_id == area.id else None


def action_choices(session: Session, area: LocalArea) -> list[tuple[str, str]]:
    """(id, "1.1.1: action text") for linking a "you said, we did" entry."""
    return [
        (str(a.id), _short(f"{a.reference}: {a.action}" if a.reference else a.action))
        for a in area_actions(session, area)
    ]


def linked_entries(session: Session, action: PlanAction) -> list[AreaAction]:
    """The "you said, we did" entries linked to ``action``."""
    return newest_first(
        session, AreaAction, AreaAction.action_date, AreaAction.plan_action_id == action.id
    )


def create_action(
    session: Session, area: LocalArea, data: ActionInput, *, user_id: int
) -> PlanAction:
    """Store a new action (no status yet) and commit."""
    now = utcnow()
    action = PlanAction(area_id=area.id, created_by_id=user_id, created_at=now, updated_at=now)
    _fill(action, data)
    session.add(action)
    session.flush()
    audit.record(
        session, "plan_action_created", user_id=user_id, area_id=area.id, plan_action_id=action.id
    )
    return action


def _audit(session: Session, action: PlanAction, what: str, *, user_id: int, **detail: Any) -> None:
    """Audit a change to ``action`` (or one of its milestones) by ``user_id``."""
    audit.record(
        session, what, user_id=user_id, area_id=action.area_id, plan_action_id=action.id, **detail
    )


def update_action(session: Session, action: PlanAction, data: ActionInput, *, user_id: int) -> None:
    """Change an action's details and commit (the audit names the fields changed)."""
    before = {name: getattr(action, name) for name in FIELDS}
    _fill(action, data)
    changed = [name for name in FIELDS if getattr(action, name) != before[name]]
    action.updated_at = utcnow()
    _audit(session, action, "plan_action_changed", fields=changed, user_id=user_id)


def set_status(
    session: Session,
    action: PlanAction,
    status: StatusDef,
    *,
    status_date: dt.date,
    commentary: str,
    user_id: int,
) -> PlanActionStatus:
    """Set the action's status with the date it was set, keep it in the history, and
    commit. :class:`CommentaryRequired` (nothing written) when the status needs
    exception commentary and none is given."""
    commentary = commentary.strip()
    if status.needs_commentary and not commentary:
        raise CommentaryRequired(status.label)
    change = PlanActionStatus(
        action_id=action.id,
        colour=status.colour.value,
        label=status.label,
        kind=status.kind.value,
        status_date=status_date,
        commentary=commentary,
        set_by_id=user_id,
        set_at=utcnow(),
    )
    before = action.status_colour
    action.status_colour, action.status_label = status.colour.value, status.label
    action.status_kind, action.status_date = status.kind.value, status_date
    action.commentary = commentary
    action.updated_at = change.set_at
    action.history.insert(0, change)
    session.flush()
    _audit(
        session,
        action,
        "plan_action_status_set",
        before=before,
        after=status.colour.value,
        status_date=status_date.isoformat(),
        user_id=user_id,
    )
    return change


def add_milestone(
    session: Session, action: PlanAction, *, title: str, due_on: dt.date, user_id: int
) -> PlanMilestone:
    """Add a milestone and commit."""
    milestone = PlanMilestone(action_id=action.id, title=title, due_on=due_on)
    action.milestones.append(milestone)
    session.flush()
    _audit(session, action, "plan_milestone_added", milestone_id=milestone.id, user_id=user_id)
    return milestone


def find_milestone(action: PlanAction, milestone_id: int) -> PlanMilestone | None:
    """The milestone with this id if it belongs to ``action``."""
    return next((m for m in action.milestones if m.id == milestone_id), None)


def mark_done(
    session: Session, action: PlanAction, milestone: PlanMilestone, *, on: dt.date, user_id: int
) -> None:
    """Record a milestone as done on ``on`` (or not done again when already done)."""
    milestone.done_on = None if milestone.done_on else on
    _audit(
        session,
        action,
        "plan_milestone_done" if milestone.done_on else "plan_milestone_reopened",
        milestone_id=milestone.id,
        user_id=user_id,
    )


def remove_milestone(
    session: Session, action: PlanAction, milestone: PlanMilestone, *, user_id: int
) -> None:
    """Delete a milestone and commit."""
    milestone_id = milestone.id
    action.milestones.remove(milestone)
    session.flush()
    _audit(session, action, "plan_milestone_removed", milestone_id=milestone_id, user_id=user_id)


# --- what changed since the last board ----------------------------------------------


def last_board_date(session: Session, area: LocalArea) -> dt.date | None:
    """The day the area last produced its board report (PDF), if recorded."""
    moment = session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.area_id == area.id, AuditEvent.action == BOARD_REPORT_EVENT)
        .order_by(AuditEvent.at.desc())
        .limit(1)
    )
    return None if moment is None else _local(area, moment).date()


def default_since(session: Session, area: LocalArea, *, today: dt.date) -> dt.date:
    """The last board report's day, else three months before ``today``."""
    found = last_board_date(session, area)
    if found is not None:
        return found
    year, month = divmod(today.month - 1 - DEFAULT_LOOKBACK_MONTHS, 12)
    year, month = today.year + year, month + 1
    return dt.date(year, month, min(today.day, 28))


@dataclass(frozen=True)
class Change:
    """One thing that changed: when, which action, and what."""

    when: dt.datetime
    action: PlanAction
    what: str
    status: PlanActionStatus | None = None


def changes_since(session: Session, area: LocalArea, since: dt.date) -> list[Change]:
    """Actions added, statuses set and milestones done on or after ``since``, newest first."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=_zone(area))
    found: list[Change] = []
    for action in area_actions(session, area):
        if _aware(action.created_at) >= start:
            found.append(Change(_aware(action.created_at), action, gettext("Action added")))
        for change in action.history:
            if _aware(change.set_at) >= start:
                found.append(
                    Change(_aware(change.set_at), action, gettext("Status set"), status=change)
                )
        for milestone in action.milestones:
            if milestone.done_on is not None and milestone.done_on >= since:
                found.append(
                    Change(
                        dt.datetime.combine(milestone.done_on, dt.time(), tzinfo=_zone(area)),
                        action,
                        gettext("Milestone done: %(title)s", title=milestone.title),
                    )
                )
    found.sort(key=lambda c: (c.when, c.action.id), reverse=True)
    return found


def area_tracker_summary(
    session: Session, area: LocalArea, *, today: dt.date | None = None
) -> TrackerSummary:
    """The area's tracker summary (for the board pack)."""
    today = today or _local(area, utcnow()).date()
    return tracker_summary(area_actions(session, area), area_scheme(session, area), today=today)


def today_in(area: LocalArea) -> dt.date:
    """Today in the area's time zone."""
    return _local(area, utcnow()).date()


def _fill(action: PlanAction, data: ActionInput) -> None:
    action.reference, action.priority = data.reference, data.priority
    action.action, action.owner, action.organisation = data.action, data.owner, data.organisation
    action.due_on, action.evidence = data.due_on, data.evidence
    action.evidence_links = list(data.evidence_links)
    action.kpi_references = list(data.kpi_references)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _zone(area: LocalArea) -> ZoneInfo:
    try:
        return ZoneInfo(area.timezone or "Europe/London")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/London")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _local(area: LocalArea, moment: dt.datetime) -> dt.datetime:
    return _aware(moment).astimezone(_zone(area))

"""Actions as a service: list, create, change, publish and delete; grouping for the
public page. Every change is audited (the action's id, never its text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.orm import Session

from analysis.codeframe import load_codeframe
from feedback_app.models import AreaAction, LocalArea, newest_first, utcnow
from feedback_app.staff import audit
from surveys.library import bundled_questionnaires, kpi_bank

#: Longest "you said" or "we did" text accepted.
MAX_TEXT = 2000


@dataclass(frozen=True)
class ActionInput:
    """A validated action, as the form gives it."""

    you_said: str
    we_did: str
    kpi_id: str | None
    theme: str | None
    action_date: dt.date
    #: The plan action it is linked to (checked to be the area's by the form).
    plan_action_id: int | None = None


def kpi_choices() -> list[tuple[str, str]]:
    """(KPI id, "KPI 4/1: Trust and confidence") for every KPI in the bank."""
    return [
        (kpi.id, f"{kpi.reference or kpi.id}: {kpi.short_title or kpi.title}")
        for kpi in kpi_bank().kpis
    ]


@cache
def _themes() -> tuple[tuple[str, str], ...]:
    return tuple((theme.theme, theme.label) for theme in load_codeframe())


def theme_choices() -> list[tuple[str, str]]:
    """(theme code, label) for every theme of the default free-text codeframe."""
    return list(_themes())


def theme_label(code: str | None) -> str:
    """The English label of a theme code (the code itself if unknown)."""
    return dict(_themes()).get(code or "", code or "")


def kpi_label(kpi_id: str | None) -> str:
    """ "KPI 4/1: Trust and confidence" for a KPI id (the id itself if unknown)."""
    return dict(kpi_choices()).get(kpi_id or "", kpi_id or "")


@cache
def kpi_question(kpi_id: str) -> str:
    """The question measuring a KPI as respondents read it (an English message id,
    translated like the questionnaire), else the KPI's title."""
    kpi = kpi_bank().get(kpi_id)
    if kpi is None or kpi.question is None:
        return kpi_id
    for questionnaire in bundled_questionnaires().values():
        question = questionnaire.question(kpi.question)
        if question is not None:
            return question.text
    return kpi.title


def area_actions(session: Session, area: LocalArea) -> list[AreaAction]:
    """Every action of the area, newest first."""
    return newest_first(session, AreaAction, AreaAction.action_date, AreaAction.area_id == area.id)


def published_actions(session: Session, area: LocalArea) -> list[AreaAction]:
    """The area's published actions, newest first."""
    return [action for action in area_actions(session, area) if action.published]


def find_action(session: Session, area: LocalArea, action_id: int) -> AreaAction | None:
    """The action with this id if it belongs to ``area``."""
    action = session.get(AreaAction, action_id)
    return action if action is not None and action.area_id == area.id else None


def create_action(
    session: Session, area: LocalArea, data: ActionInput, *, user_id: int
) -> AreaAction:
    """Store a new (unpublished) action and commit."""
    now = utcnow()
    action = AreaAction(
        area_id=area.id,
        you_said=data.you_said,
        we_did=data.we_did,
        kpi_id=data.kpi_id,
        theme=data.theme,
        action_date=data.action_date,
        plan_action_id=data.plan_action_id,
        published=False,
        author_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    audit.record(session, "action_created", user_id=user_id, area_id=area.id, action_id=action.id)
    return action


def update_action(session: Session, action: AreaAction, data: ActionInput, *, user_id: int) -> None:
    """Change an action's words, links and date, and commit."""
    action.you_said = data.you_said
    action.we_did = data.we_did
    action.kpi_id = data.kpi_id
    action.theme = data.theme
    action.action_date = data.action_date
    action.plan_action_id = data.plan_action_id
    action.updated_at = utcnow()
    audit.record(
        session, "action_changed", user_id=user_id, area_id=action.area_id, action_id=action.id
    )


def set_published(session: Session, action: AreaAction, published: bool, *, user_id: int) -> None:
    """Publish or unpublish an action and commit."""
    action.published = published
    action.updated_at = utcnow()
    audit.record(
        session,
        "action_published" if published else "action_unpublished",
        user_id=user_id,
        area_id=action.area_id,
        action_id=action.id,
    )


def delete_action(session: Session, action: AreaAction, *, user_id: int) -> None:
    """Delete an action for good and commit."""
    area_id, action_id = action.area_id, action.id
    session.delete(action)
    audit.record(session, "action_deleted", user_id=user_id, area_id=area_id, action_id=action_id)


@dataclass
class ActionGroup:
    """Published actions about one KPI, one theme, or neither (``kind`` "other")."""

    kind: str
    code: str
    actions: list[AreaAction] = field(default_factory=list)


def group_actions(actions: Sequence[AreaAction]) -> list[ActionGroup]:
    """Actions grouped by KPI (bank order), then by theme (codeframe order), then the
    rest; newest first within each group. An action with both a KPI and a theme is
    shown under its KPI."""
    kpi_order = [code for code, _label in kpi_choices()]
    theme_order = [code for code, _label in theme_choices()]
    groups: dict[tuple[str, str], ActionGroup] = {}
    for action in sorted(actions, key=lambda a: (a.action_date, a.id), reverse=True):
        if action.kpi_id in kpi_order:
            key = ("kpi", action.kpi_id or "")
        elif action.theme in theme_order:
            key = ("theme", action.theme or "")
        else:
            key = ("other", "")
        groups.setdefault(key, ActionGroup(*key)).actions.append(action)

    def order(group: ActionGroup) -> tuple[int, int]:
        if group.kind == "kpi":
            return 0, kpi_order.index(group.code)
        if group.kind == "theme":
            return 1, theme_order.index(group.code)
        return 2, 0

    return sorted(groups.values(), key=order)

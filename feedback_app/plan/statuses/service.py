"""An area's status scheme and its KPI status overrides, in the database.

Every change is audited (who, when, what; never the reason's text, which stays on
its own row). The KPI board calls :func:`kpi_statuses` once and
:meth:`KpiStatuses.outcome` per KPI, so the board shows the area's labels and any
override without knowing how they are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import (
    KpiStatusOverride,
    LocalArea,
    SchemeStatus,
    StaffUser,
    StatusScheme,
    newest_first,
    utcnow,
)
from feedback_app.plan.statuses.schemes import (
    Kind,
    Scheme,
    SchemeError,
    StatusDef,
    check_scheme,
    default_scheme,
)
from feedback_app.results import data
from feedback_app.results.board.status_rules import Colour, Outcome, Override
from feedback_app.staff import audit

#: Longest reason for an override kept.
MAX_REASON = 2000


def area_scheme(session: Session, area: LocalArea) -> Scheme:
    """The area's scheme, or the default preset when it has not chosen one."""
    stored = session.get(StatusScheme, area.id)
    if stored is None or not stored.statuses:
        return default_scheme()
    try:
        statuses = check_scheme(
            [StatusDef(Colour(s.colour), s.label, s.meaning, Kind(s.kind)) for s in stored.statuses]
        )
    except (ValueError, SchemeError):
        return default_scheme()
    return Scheme(statuses, preset=stored.preset, edited=stored.edited, chosen=True)


def save_scheme(
    session: Session,
    area: LocalArea,
    statuses: Sequence[StatusDef],
    *,
    preset: str | None,
    edited: bool,
    user_id: int,
) -> Scheme:
    """Replace the area's scheme (checked first: nothing is written when it is not
    valid) and commit."""
    checked = check_scheme(statuses)
    stored = session.get(StatusScheme, area.id)
    before = [s.colour + ":" + s.label for s in stored.statuses] if stored else []
    if stored is None:
        stored = StatusScheme(area_id=area.id)
        session.add(stored)
    stored.statuses.clear()
    session.flush()
    stored.preset, stored.edited = preset, edited
    stored.updated_by_id, stored.updated_at = user_id, utcnow()
    stored.statuses.extend(
        SchemeStatus(
            area_id=area.id,
            position=i,
            colour=s.colour.value,
            label=s.label,
            meaning=s.meaning,
            kind=s.kind.value,
        )
        for i, s in enumerate(checked, start=1)
    )
    audit.record(
        session,
        "status_scheme_saved",
        user_id=user_id,
        area_id=area.id,
        preset=preset,
        edited=edited,
        before=before,
        after=[s.colour.value + ":" + s.label for s in checked],
    )
    return Scheme(checked, preset=preset, edited=edited, chosen=True)


# --- KPI status overrides -------------------------------------------------------------


def current_overrides(session: Session, area: LocalArea) -> dict[str, KpiStatusOverride]:
    """KPI reference -> the override in force (the newest row, when it sets a colour)."""
    rows = session.scalars(
        select(KpiStatusOverride)
        .where(KpiStatusOverride.area_id == area.id)
        .order_by(KpiStatusOverride.set_at, KpiStatusOverride.id)
    ).all()
    newest: dict[str, KpiStatusOverride] = {}
    for row in rows:
        newest[row.kpi_reference] = row
    return {ref: row for ref, row in newest.items() if row.colour}


def override_history(session: Session, area: LocalArea) -> list[KpiStatusOverride]:
    """Every override set or ended in the area, newest first."""
    return newest_first(
        session, KpiStatusOverride, KpiStatusOverride.set_at, KpiStatusOverride.area_id == area.id
    )


def set_override(
    session: Session,
    area: LocalArea,
    *,
    kpi_reference: str,
    status: StatusDef | None,
    reason: str,
    user_id: int,
) -> KpiStatusOverride:
    """Override a KPI's status (``status`` None: end the override) and commit."""
    row = KpiStatusOverride(
        area_id=area.id,
        kpi_reference=kpi_reference,
        colour=status.colour.value if status else None,
        label=status.label if status else "",
        reason=reason,
        set_by_id=user_id,
        set_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "kpi_status_overridden" if status else "kpi_status_override_ended",
        user_id=user_id,
        area_id=area.id,
        kpi=kpi_reference,
        colour=row.colour,
        override_id=row.id,
    )
    return row


@dataclass(frozen=True)
class KpiStatuses:
    """What the board needs to show a KPI's status: the scheme and the overrides."""

    scheme: Scheme
    overrides: dict[str, KpiStatusOverride]
    people: dict[int, str]

    def outcome(self, reference: str, derived: Outcome) -> Outcome:
        """The status to show for KPI ``reference``: the override if there is one,
        else the rules' status, in the area's words."""
        shown = self._labelled(derived)
        row = self.overrides.get(reference)
        if row is None or row.colour is None:
            return shown
        status = self.scheme.get(row.colour)
        try:
            colour = Colour(row.colour)
        except ValueError:
            return shown
        return Outcome(
            colour,
            row.reason,
            0,
            label=status.label if status else row.label,
            override=Override(
                reason=row.reason,
                by=self.people.get(row.set_by_id or 0, ""),
                on=_aware(row.set_at).date(),
                derived=shown,
            ),
        )

    def _labelled(self, derived: Outcome) -> Outcome:
        # Grey is the rules' "no status / not enough data", never a scheme's
        # "not due yet"; an area that has not chosen a scheme keeps colour names.
        if not self.scheme.chosen or derived.colour is Colour.GREY:
            return derived
        status = self.scheme.get(derived.colour.value)
        return replace(derived, label=status.label) if status else derived


def kpi_statuses(session: Session, area: LocalArea) -> KpiStatuses:
    """The area's scheme and overrides, read once for a whole board."""
    overrides = current_overrides(session, area)
    people = emails(session, {row.set_by_id for row in overrides.values() if row.set_by_id})
    return KpiStatuses(area_scheme(session, area), overrides, people)


def emails(session: Session, ids: set[int]) -> dict[int, str]:
    """Staff id -> e-mail, for saying who set something."""
    if not ids:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


def plan_kpis(area: LocalArea) -> list[tuple[str, str]]:
    """(reference, "KPI 4/1: title") for each KPI the area's board shows.

    The one place that asks which KPIs an area has: overrides and actions refer to
    KPIs by these reference strings.
    """
    plan = data.area_plan(area)
    return [
        (kpi.reference or kpi.id, f"{kpi.reference or kpi.id}: {kpi.short_title or kpi.title}")
        for kpi in (plan.kpis if plan else ())
    ]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

"""Deleting a wave or a whole local area, for good, in one transaction.

Rows are deleted children first, table by table, so the result does not depend
on the database's ON DELETE CASCADE (present on most, not all, foreign keys) and
every count can go in the audit log. The audit log itself is kept: deleting an
area sets ``audit_event.area_id`` to NULL, and the deletion's own event records
the area's slug and the counts (never answers).

``WAVE_TABLES`` and ``AREA_TABLES`` name every table that points at a wave or an
area; tests/web/test_web_deletion.py fails when a new table is not in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from feedback_app.models import (
    Answer,
    AreaAction,
    AuditEvent,
    BaselineImport,
    DraftComment,
    DraftRevision,
    Invitation,
    InvitationBatch,
    KpiCommentary,
    KpiStatusOverride,
    LocalArea,
    Membership,
    OneTimeLink,
    PaperReturn,
    PendingImport,
    PlanAction,
    PlanActionStatus,
    PlanMilestone,
    PopulationCount,
    QuestionnaireDraft,
    QuestionnaireTranslation,
    QuestionnaireVersion,
    Response,
    ResultCache,
    SchemeStatus,
    StatusScheme,
    ThemeCorrection,
    Wave,
    WaveLink,
)
from feedback_app.staff import audit

#: Tables holding rows that belong to a wave (directly or through a response).
WAVE_TABLES = frozenset(
    {
        "theme_correction",
        "answer",
        "paper_return",
        "response",
        "invitation",
        "invitation_batch",
        "baseline_import",
        "result_cache",
        "wave_link",
        "wave",
    }
)
#: Tables holding rows that belong to an area (besides its waves' rows).
#: ``audit_event`` is kept, with its area set to NULL.
AREA_TABLES = WAVE_TABLES | {
    "questionnaire_translation",
    "draft_comment",
    "draft_revision",
    "questionnaire_draft",
    "questionnaire_version",
    "population_count",
    "kpi_commentary",
    "area_action",
    "plan_action",
    "plan_milestone",
    "plan_action_status",
    "kpi_status_override",
    "status_scheme",
    "scheme_status",
    "pending_import",
    "one_time_link",
    "membership",
    "audit_event",
    "local_area",
}


class DeletionError(ValueError):
    """The deletion cannot be done as asked (nothing was deleted)."""


@dataclass(frozen=True)
class Preview:
    """What a deletion would remove, shown on the confirmation page."""

    waves: int
    responses: int
    answers: int
    invitations: int
    paper_returns: int
    memberships: int = 0


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _responses_of(wave_ids: Select[Any]) -> Select[Any]:
    return select(Response.id).where(Response.wave_id.in_(wave_ids))


def preview(session: Session, *, area: LocalArea, wave: Wave | None = None) -> Preview:
    """Counts of what deleting ``wave`` (or, without it, the whole ``area``) removes."""
    wave_ids = (
        select(Wave.id).where(Wave.id == wave.id)
        if wave is not None
        else select(Wave.id).where(Wave.area_id == area.id)
    )
    responses = _responses_of(wave_ids)
    return Preview(
        waves=_count(session, select(func.count()).select_from(wave_ids.subquery())),
        responses=_count(session, select(func.count()).select_from(responses.subquery())),
        answers=_count(session, select(func.count()).where(Answer.response_id.in_(responses))),
        invitations=_count(session, select(func.count()).where(Invitation.wave_id.in_(wave_ids))),
        paper_returns=_count(
            session, select(func.count()).where(PaperReturn.wave_id.in_(wave_ids))
        ),
        memberships=0
        if wave is not None
        else _count(session, select(func.count()).where(Membership.area_id == area.id)),
    )


def _delete_waves(session: Session, *, area_id: int, wave_ids: Select[Any]) -> dict[str, int]:
    responses = _responses_of(wave_ids)
    answers = select(Answer.id).where(Answer.response_id.in_(responses))

    def gone(statement: object) -> int:
        return int(session.execute(statement).rowcount)  # type: ignore[call-overload]

    counts = {
        "theme_corrections": gone(
            delete(ThemeCorrection).where(ThemeCorrection.answer_id.in_(answers))
        ),
        "answers": gone(delete(Answer).where(Answer.response_id.in_(responses))),
        "paper_returns": gone(delete(PaperReturn).where(PaperReturn.wave_id.in_(wave_ids))),
        "responses": gone(delete(Response).where(Response.wave_id.in_(wave_ids))),
        "invitations": gone(delete(Invitation).where(Invitation.wave_id.in_(wave_ids))),
        "invitation_batches": gone(
            delete(InvitationBatch).where(InvitationBatch.wave_id.in_(wave_ids))
        ),
        "imports": gone(delete(BaselineImport).where(BaselineImport.wave_id.in_(wave_ids))),
        # Cached figures were computed from these responses; they are recomputed on demand.
        "cached_results": gone(delete(ResultCache).where(ResultCache.area_id == area_id)),
    }
    # Readable links name the wave only: nothing collected, so not counted.
    session.execute(delete(WaveLink).where(WaveLink.wave_id.in_(wave_ids)))
    counts["waves"] = gone(delete(Wave).where(Wave.id.in_(wave_ids)))
    return counts


def delete_wave(
    session: Session, *, area: LocalArea, wave: Wave, user_id: int | None
) -> dict[str, int]:
    """Delete ``wave`` and everything collected in it; commit; return the counts."""
    if wave.area_id != area.id:
        raise DeletionError("that wave belongs to another area")
    wave_id, name = wave.id, wave.name
    try:
        counts = _delete_waves(
            session, area_id=area.id, wave_ids=select(Wave.id).where(Wave.id == wave_id)
        )
        audit.record(
            session,
            "delete_wave",
            user_id=user_id,
            area_id=area.id,
            commit=False,
            wave_id=wave_id,
            wave=name,
            **counts,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def delete_area(session: Session, *, area: LocalArea, user_id: int | None) -> dict[str, int]:
    """Delete ``area`` and everything in it; keep the audit log (area set to NULL)."""
    area_id, slug = area.id, area.slug
    drafts = select(QuestionnaireDraft.id).where(QuestionnaireDraft.area_id == area_id)
    versions = select(QuestionnaireVersion.id).where(QuestionnaireVersion.area_id == area_id)
    plan_actions = select(PlanAction.id).where(PlanAction.area_id == area_id)

    def gone(statement: object) -> int:
        return int(session.execute(statement).rowcount)  # type: ignore[call-overload]

    try:
        counts = _delete_waves(
            session, area_id=area_id, wave_ids=select(Wave.id).where(Wave.area_id == area_id)
        )
        counts |= {
            "translations": gone(
                delete(QuestionnaireTranslation).where(
                    QuestionnaireTranslation.version_id.in_(versions)
                )
            ),
            "draft_comments": gone(delete(DraftComment).where(DraftComment.draft_id.in_(drafts))),
            "draft_revisions": gone(
                delete(DraftRevision).where(DraftRevision.draft_id.in_(drafts))
            ),
            "drafts": gone(delete(QuestionnaireDraft).where(QuestionnaireDraft.area_id == area_id)),
            "questionnaire_versions": gone(
                delete(QuestionnaireVersion).where(QuestionnaireVersion.area_id == area_id)
            ),
            "population_counts": gone(
                delete(PopulationCount).where(PopulationCount.area_id == area_id)
            ),
            "kpi_commentary": gone(delete(KpiCommentary).where(KpiCommentary.area_id == area_id)),
            "actions": gone(delete(AreaAction).where(AreaAction.area_id == area_id)),
            "plan_milestones": gone(
                delete(PlanMilestone).where(PlanMilestone.action_id.in_(plan_actions))
            ),
            "plan_action_statuses": gone(
                delete(PlanActionStatus).where(PlanActionStatus.action_id.in_(plan_actions))
            ),
            "plan_actions": gone(delete(PlanAction).where(PlanAction.area_id == area_id)),
            "kpi_status_overrides": gone(
                delete(KpiStatusOverride).where(KpiStatusOverride.area_id == area_id)
            ),
            "scheme_statuses": gone(delete(SchemeStatus).where(SchemeStatus.area_id == area_id)),
            "status_schemes": gone(delete(StatusScheme).where(StatusScheme.area_id == area_id)),
            "imports": counts["imports"]
            + gone(delete(BaselineImport).where(BaselineImport.area_id == area_id)),
            "pending_imports": gone(delete(PendingImport).where(PendingImport.area_id == area_id)),
            "one_time_links": gone(delete(OneTimeLink).where(OneTimeLink.area_id == area_id)),
            "memberships": gone(delete(Membership).where(Membership.area_id == area_id)),
        }
        # The audit log outlives the area: who did what stays, the area becomes NULL.
        session.execute(
            update(AuditEvent).where(AuditEvent.area_id == area_id).values(area_id=None)
        )
        counts["areas"] = gone(delete(LocalArea).where(LocalArea.id == area_id))
        audit.record(session, "delete_area", user_id=user_id, commit=False, area=slug, **counts)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def delete_area_by_slug(
    session: Session, slug: str, *, user_id: int | None = None
) -> dict[str, int]:
    """The command line's way in: delete the area with ``slug``."""
    area = session.scalar(select(LocalArea).where(LocalArea.slug == slug))
    if area is None:
        session.rollback()
        raise DeletionError(f"no area with the slug {slug!r}")
    return delete_area(session, area=area, user_id=user_id)

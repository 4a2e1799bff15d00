"""Publishing a draft as an immutable version, with the comparability check first.

Publishing the same text twice returns the existing version; a changed draft makes
the next version number, with its lineage (the draft, the version before, what
changed), and leaves earlier versions and their waves untouched. The draft stays
editable after publishing: its comments and history carry on into the next version.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.designer.drafts import draft_problems, draft_questionnaire, placeholder_problems
from feedback_app.models import LocalArea, QuestionnaireDraft, QuestionnaireVersion, StaffUser
from feedback_app.review.evidence import PUBLISH_ACTION
from feedback_app.review.publishing import publish_version
from feedback_app.staff import audit
from surveys.comparability import ComparabilityBreak, comparability_breaks
from surveys.library import kpi_bank


class PublishRefused(ValueError):
    """The draft cannot be published yet (problems, or breaks not confirmed)."""


@dataclass(frozen=True)
class PublishCheck:
    """What stands between a draft and publishing."""

    #: Problems that block publishing, in plain words.
    problems: list[str]
    #: KPI questions whose change breaks comparison with earlier waves.
    breaks: tuple[ComparabilityBreak, ...]
    #: The latest published version of the same questionnaire, if any.
    latest: QuestionnaireVersion | None


@dataclass(frozen=True)
class Published:
    """The outcome of publishing: the version, and whether it is new."""

    version: QuestionnaireVersion
    created: bool


def latest_version(
    db: Session, area: LocalArea, questionnaire_id: str
) -> QuestionnaireVersion | None:
    """The area's highest-numbered version of ``questionnaire_id``, or None."""
    return db.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.area_id == area.id,
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
        )
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    )


def check_draft(db: Session, area: LocalArea, draft: QuestionnaireDraft) -> PublishCheck:
    """Problems and comparability breaks of the draft against the latest version."""
    problems = draft_problems(draft)
    if problems:
        return PublishCheck(problems=problems, breaks=(), latest=None)
    questionnaire = draft_questionnaire(draft)
    placeholders = placeholder_problems(questionnaire)
    if placeholders:
        return PublishCheck(problems=placeholders, breaks=(), latest=None)
    latest = latest_version(db, area, questionnaire.id)
    earlier = questionnaire_for(latest) if latest is not None else None
    return PublishCheck(
        problems=[],
        breaks=comparability_breaks(earlier, questionnaire, kpi_bank()),
        latest=latest,
    )


def publish_draft(
    db: Session,
    *,
    area: LocalArea,
    draft: QuestionnaireDraft,
    user: StaffUser,
    confirmed_breaks: bool,
) -> Published:
    """Publish the draft and audit it, in one transaction. Commits.

    Raises PublishRefused when the draft has problems, or when it breaks the
    comparability of a KPI question and that was not confirmed.
    """
    check = check_draft(db, area, draft)
    if check.problems:
        raise PublishRefused("the draft has problems")
    if check.breaks and not confirmed_breaks:
        raise PublishRefused("comparability breaks were not confirmed")
    version = publish_version(db, area, draft_questionnaire(draft), draft=draft)
    created = check.latest is None or version.version > check.latest.version
    draft.status = "published"
    audit.record(
        db,
        PUBLISH_ACTION,
        user_id=user.id,
        area_id=area.id,
        commit=False,
        draft_id=draft.id,
        revision=draft.revision,
        questionnaire_id=version.questionnaire_id,
        version=version.version,
        version_id=version.id,
        new_version=created,
        previous_version_id=version.previous_version_id,
        changes=len(version.changes),
        comparability_breaks=len(check.breaks),
    )
    db.commit()
    return Published(version=version, created=created)

"""The record of co-production: who changed the draft, who commented on which
revision, who replied and resolved, and which versions were published from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import (
    AuditEvent,
    DraftComment,
    DraftRevision,
    LocalArea,
    QuestionnaireDraft,
    StaffUser,
)

#: The audit action recorded when a draft is published.
PUBLISH_ACTION = "publish"


@dataclass(frozen=True)
class RevisionRow:
    """One saved revision of a draft, for the history table."""

    revision: int
    at: dt.datetime
    author: str
    summary: str


def local_time(moment: dt.datetime, area: LocalArea) -> dt.datetime:
    """``moment`` (UTC; naive from SQLite) in the area's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(area.timezone))


def _when(moment: dt.datetime | None, area: LocalArea) -> str:
    return local_time(moment, area).strftime("%Y-%m-%d %H:%M") if moment else ""


def _emails(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.execute(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(wanted)))
    return {user_id: email for user_id, email in rows}


def history(db: Session, draft: QuestionnaireDraft) -> list[RevisionRow]:
    """Every saved revision of the draft, newest first."""
    revisions = list(
        db.scalars(
            select(DraftRevision)
            .where(DraftRevision.draft_id == draft.id)
            .order_by(DraftRevision.revision.desc())
        )
    )
    emails = _emails(db, {r.author_id for r in revisions})
    return [
        RevisionRow(
            revision=r.revision,
            at=r.created_at,
            author=emails.get(r.author_id or 0, ""),
            summary=r.summary,
        )
        for r in revisions
    ]


def publish_events(db: Session, draft: QuestionnaireDraft) -> list[AuditEvent]:
    """The audit records of this draft's publishing, oldest first."""
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.area_id == draft.area_id, AuditEvent.action == PUBLISH_ACTION)
        .order_by(AuditEvent.id)
    )
    # Filtered here rather than in SQL: JSON paths differ between SQLite and PostgreSQL.
    return [e for e in events if (e.detail or {}).get("draft_id") == draft.id]


def evidence_rows(db: Session, draft: QuestionnaireDraft, area: LocalArea) -> list[Sequence[Any]]:
    """The evidence table: a header row, then revisions, publishing and comments."""
    header = [
        gettext("Record"),
        gettext("Comment number"),
        gettext("Revision"),
        gettext("When (%(zone)s)", zone=area.timezone),
        gettext("Who"),
        gettext("Question"),
        gettext("Text"),
        gettext("Reply to"),
        gettext("Resolved by"),
        gettext("Resolved when"),
    ]
    rows: list[Sequence[Any]] = [header]
    for revision in reversed(history(db, draft)):
        rows.append(
            [
                gettext("Revision"),
                "",
                revision.revision,
                _when(revision.at, area),
                revision.author,
                "",
                revision.summary,
                "",
                "",
                "",
            ]
        )
    events = publish_events(db, draft)
    emails = _emails(db, {e.user_id for e in events})
    for event in events:
        detail = event.detail or {}
        rows.append(
            [
                gettext("Published"),
                "",
                detail.get("revision", ""),
                _when(event.at, area),
                emails.get(event.user_id or 0, ""),
                "",
                gettext("Version %(number)s", number=detail.get("version", "")),
                "",
                "",
                "",
            ]
        )
    rows.extend(_comment_rows(db, draft, area))
    return rows


def _comment_rows(db: Session, draft: QuestionnaireDraft, area: LocalArea) -> Iterator[list[Any]]:
    comments = list(
        db.scalars(
            select(DraftComment).where(DraftComment.draft_id == draft.id).order_by(DraftComment.id)
        )
    )
    emails = _emails(db, {c.author_id for c in comments} | {c.resolved_by_id for c in comments})
    for c in comments:
        yield [
            gettext("Reply") if c.parent_id else gettext("Comment"),
            c.id,
            c.revision,
            _when(c.created_at, area),
            emails.get(c.author_id or 0, ""),
            c.question_id or gettext("Whole questionnaire"),
            c.body,
            c.parent_id or "",
            emails.get(c.resolved_by_id or 0, ""),
            _when(c.resolved_at, area),
        ]

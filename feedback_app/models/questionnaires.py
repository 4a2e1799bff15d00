"""Questionnaires: published versions, drafts with their revisions and
co-production comments, and translations of designer-made versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow


class QuestionnaireVersion(Base):
    """An immutable snapshot of a questionnaire definition as published."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("area_id", "questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id"))
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    #: The definition exactly as answered (YAML text), with area options filled in.
    definition: Mapped[str] = mapped_column(Text)
    #: SHA-256 of ``definition``: the same text is never published twice.
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Lineage: the draft and revision this version was published from (None for
    #: bundled questionnaires and versions published before lineage was kept).
    #: No foreign key: drafts already point at versions, and a deleted draft must
    #: not rewrite a version's record.
    draft_id: Mapped[int | None] = mapped_column(Integer)
    draft_revision: Mapped[int | None] = mapped_column(Integer)
    #: The version of the same questionnaire this one follows, if any (no foreign
    #: key: versions are never deleted one by one, and adding one would rebuild this
    #: table, which waves and responses reference, on SQLite).
    previous_version_id: Mapped[int | None] = mapped_column(Integer)
    #: What changed since ``previous_version_id`` (``surveys.changes`` records).
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")


class QuestionnaireDraft(Base):
    """A questionnaire being designed: editable until published as a version."""

    __tablename__ = "questionnaire_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    #: The questionnaire id the published versions will carry.
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    #: The definition being edited (YAML text). It may be invalid while drafting;
    #: publishing requires it to pass every check.
    definition: Mapped[str] = mapped_column(Text)
    #: Increases on every saved change; comments and reviews name the revision.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: The published version this draft started from (editing a live questionnaire).
    based_on_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: "drafting", "in_review" or "published".
    status: Mapped[str] = mapped_column(String(20), default="drafting")


class DraftRevision(Base):
    """A saved state of a draft: who changed it, when, and what it said."""

    __tablename__ = "draft_revision"
    __table_args__ = (UniqueConstraint("draft_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_draft.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    definition: Mapped[str] = mapped_column(Text)
    #: A plain-words summary of the change ("added question plan_type").
    summary: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DraftComment(Base):
    """A reviewer's comment on a draft question (or the whole draft), or a reply."""

    __tablename__ = "draft_comment"
    __table_args__ = (Index("ix_draft_comment_draft", "draft_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_draft.id", ondelete="CASCADE"))
    #: The revision the comment was made on.
    revision: Mapped[int] = mapped_column(Integer)
    #: None: about the questionnaire as a whole.
    question_id: Mapped[str | None] = mapped_column(String(60))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_comment.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    replies: Mapped[list[DraftComment]] = relationship(order_by="DraftComment.id")


class QuestionnaireTranslation(Base):
    """A version's questionnaire text in one language, uploaded as a ``.po`` file."""

    __tablename__ = "questionnaire_translation"
    __table_args__ = (UniqueConstraint("version_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(10))
    #: English message id -> translation.
    messages: Mapped[dict[str, Any]] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

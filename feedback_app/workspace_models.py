"""Storage for the coordinators' workspace: drafts and co-production review,
invitation links, paper returns and population counts.

Invitation links are deliberately not joined to responses: a link is used up
in the same transaction as a submission, but no response records which link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models import Base, utcnow


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


class InvitationBatch(Base):
    """A set of single-use invitation links made for one wave."""

    __tablename__ = "invitation_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Invitation(Base):
    """One single-use link. Only the token's hash is kept, after the CSV download."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("invitation_batch.id", ondelete="CASCADE"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None]


class PaperReturn(Base):
    """A paper questionnaire keyed in by staff: first keying, optional second
    keying by someone else, then accepted as a response (channel "paper")."""

    __tablename__ = "paper_return"
    __table_args__ = (UniqueConstraint("wave_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    #: The number written on the paper form, so a return is never keyed twice.
    reference: Mapped[str] = mapped_column(String(40))
    first_keying: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_keyed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    second_keying: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    second_keyed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[dt.datetime | None]


class PopulationCount(Base):
    """How many families are in a group (e.g. plan_type = ehcp: 2,140), entered by
    coordinators, to show reach and under-represented groups."""

    __tablename__ = "population_count"
    __table_args__ = (UniqueConstraint("area_id", "question_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(60))
    population: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


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

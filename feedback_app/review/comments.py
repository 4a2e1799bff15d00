"""Co-production review: comments on a draft's questions, replies, resolving.

Reviewers comment on a question (or on the whole questionnaire); coordinators
reply and mark comments resolved. Each comment records the draft revision it was
made on, so the evidence shows who reviewed which version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app.designer.drafts import draft_questionnaire
from feedback_app.models import DraftComment, LocalArea, QuestionnaireDraft, StaffUser, utcnow
from surveys import QuestionnaireError

#: The longest comment or reply accepted, in characters.
MAX_COMMENT_LENGTH = 2000


class ReviewError(ValueError):
    """A review action cannot be done as asked (the message is in plain words)."""


@dataclass
class Thread:
    """A comment with its author, its replies and who resolved it."""

    comment: DraftComment
    author: str
    resolved_by: str | None = None
    replies: list[tuple[DraftComment, str]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """True until a coordinator marks the comment resolved."""
        return self.comment.resolved_at is None


def find_draft(db: Session, area: LocalArea, draft_id: int) -> QuestionnaireDraft | None:
    """The area's draft with this id, or None (another area's drafts are not found)."""
    return db.scalar(
        select(QuestionnaireDraft).where(
            QuestionnaireDraft.id == draft_id, QuestionnaireDraft.area_id == area.id
        )
    )


def question_ids(draft: QuestionnaireDraft) -> set[str]:
    """The ids of the draft's questions (none while the draft is invalid)."""
    try:
        return {q.id for q in draft_questionnaire(draft).questions()}
    except QuestionnaireError:
        return set()


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ReviewError(_l("Enter your comment"))
    if len(text) > MAX_COMMENT_LENGTH:
        raise ReviewError(_l("Your comment must be 2000 characters or fewer"))
    return text


def add_comment(
    db: Session,
    *,
    draft: QuestionnaireDraft,
    question_id: str | None,
    body: str,
    user: StaffUser,
) -> DraftComment:
    """Comment on one question (or the whole draft when ``question_id`` is None). Commits."""
    text = _clean_body(body)
    if question_id is not None and question_id not in question_ids(draft):
        raise ReviewError(_l("That question is not in this draft any more"))
    comment = DraftComment(
        draft_id=draft.id,
        revision=draft.revision,
        question_id=question_id,
        body=text,
        author_id=user.id,
    )
    db.add(comment)
    db.commit()
    return comment


def _top_level(db: Session, draft: QuestionnaireDraft, comment_id: int) -> DraftComment:
    comment = db.scalar(
        select(DraftComment).where(
            DraftComment.id == comment_id,
            DraftComment.draft_id == draft.id,
            DraftComment.parent_id.is_(None),
        )
    )
    if comment is None:
        raise LookupError(comment_id)
    return comment


def add_reply(
    db: Session, *, draft: QuestionnaireDraft, comment_id: int, body: str, user: StaffUser
) -> DraftComment:
    """Reply to a comment; raises LookupError when there is no such comment. Commits."""
    text = _clean_body(body)
    parent = _top_level(db, draft, comment_id)
    reply = DraftComment(
        draft_id=draft.id,
        revision=draft.revision,
        question_id=parent.question_id,
        parent_id=parent.id,
        body=text,
        author_id=user.id,
    )
    db.add(reply)
    db.commit()
    return reply


def resolve(
    db: Session, *, draft: QuestionnaireDraft, comment_id: int, user: StaffUser
) -> DraftComment:
    """Mark a comment resolved (once: resolving again changes nothing). Commits."""
    comment = _top_level(db, draft, comment_id)
    if comment.resolved_at is None:
        comment.resolved_at = utcnow()
        comment.resolved_by_id = user.id
        db.commit()
    return comment


def threads(db: Session, draft: QuestionnaireDraft) -> dict[str | None, list[Thread]]:
    """The draft's comments by question id (None: the whole questionnaire), oldest first."""
    rows = db.execute(
        select(DraftComment, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == DraftComment.author_id)
        .where(DraftComment.draft_id == draft.id)
        .order_by(DraftComment.id)
    ).all()
    resolvers = {c.resolved_by_id for c, _email in rows if c.resolved_by_id is not None}
    emails: dict[int, str] = (
        {
            user_id: email
            for user_id, email in db.execute(
                select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(resolvers))
            )
        }
        if resolvers
        else {}
    )
    by_id: dict[int, Thread] = {}
    grouped: dict[str | None, list[Thread]] = defaultdict(list)
    for comment, email in rows:
        author = email or str(_l("a deleted account"))
        if comment.parent_id is None:
            thread = Thread(
                comment=comment,
                author=author,
                resolved_by=emails.get(comment.resolved_by_id) if comment.resolved_by_id else None,
            )
            by_id[comment.id] = thread
            grouped[comment.question_id].append(thread)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append((comment, author))
    return dict(grouped)


def open_comment_count(db: Session, draft: QuestionnaireDraft) -> int:
    """How many of the draft's comments are not resolved yet."""
    return open_comment_counts(db, draft.area_id).get(draft.id, 0)


def open_comment_counts(db: Session, area_id: int) -> dict[int, int]:
    """Open (unresolved) comments per draft id, for the area's drafts."""
    rows = db.execute(
        select(DraftComment.draft_id, func.count())
        .join(QuestionnaireDraft, QuestionnaireDraft.id == DraftComment.draft_id)
        .where(
            QuestionnaireDraft.area_id == area_id,
            DraftComment.parent_id.is_(None),
            DraftComment.resolved_at.is_(None),
        )
        .group_by(DraftComment.draft_id)
    ).all()
    return {draft_id: count for draft_id, count in rows}

"""What the review pages need, built from the draft and its comments (no views here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.designer.drafts import draft_problems, draft_questionnaire
from feedback_app.models import LocalArea, Membership, QuestionnaireDraft, StaffUser
from feedback_app.review.comments import Thread, threads
from feedback_app.review.evidence import RevisionRow, history
from feedback_app.review.lineage import DraftLineage, draft_lineage
from feedback_app.review.plain_words import describe_condition
from feedback_app.review.publish import Published
from feedback_app.staff.roles import Role
from feedback_app.translating.content_translation import content_gettext
from surveys.comparability import BreakKind, ComparabilityBreak
from surveys.library import kpi_bank

BREAK_EXPLANATIONS: dict[BreakKind, LazyString] = {
    BreakKind.WORDING: _l("The wording of the question has changed."),
    BreakKind.OPTIONS: _l("The answer options have changed."),
    BreakKind.POSITIVE_CODES: _l(
        "Answers the KPI counts as positive are no longer among the options."
    ),
    BreakKind.REMOVED: _l("The question no longer measures this KPI."),
}


@dataclass
class QuestionView:
    """One question of the draft as a reviewer reads it, with its comments."""

    id: str
    number: int
    text: str
    hint: str | None
    answer_type: str
    options: list[str]
    show_if: str | None
    kpis: list[str]
    optional: bool
    threads: list[Thread] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        """Comments on this question not resolved yet."""
        return sum(1 for t in self.threads if t.is_open)


@dataclass
class ReviewPage:
    """Everything the review page shows."""

    draft: QuestionnaireDraft
    questions: list[QuestionView]
    general: list[Thread]
    problems: list[str]
    share_url: str
    reviewers: list[str]
    history: list[RevisionRow]
    lineage: DraftLineage

    @property
    def open_count(self) -> int:
        """Open comments on the whole draft."""
        return sum(q.open_count for q in self.questions) + sum(1 for t in self.general if t.is_open)


def _kpi_names(kpi_ids: tuple[str, ...]) -> list[str]:
    names = []
    for kpi_id in kpi_ids:
        kpi = kpi_bank().get(kpi_id)
        names.append(
            f"{kpi.reference or kpi.id}: {kpi.short_title or kpi.title}" if kpi else kpi_id
        )
    return names


def _reviewers(db: Session, area: LocalArea) -> list[str]:
    return list(
        db.scalars(
            select(StaffUser.email)
            .join(Membership, Membership.user_id == StaffUser.id)
            .where(
                Membership.area_id == area.id,
                Membership.role == Role.REVIEWER.value,
                Membership.active.is_(True),
                StaffUser.active.is_(True),
            )
            .order_by(StaffUser.email)
        )
    )


def review_page(db: Session, area: LocalArea, draft: QuestionnaireDraft) -> ReviewPage:
    """The review page of ``draft``: questions in plain words with their comments."""
    by_question = threads(db, draft)
    problems = draft_problems(draft)
    questions: list[QuestionView] = []
    if not problems:
        questionnaire = draft_questionnaire(draft)
        for page in questionnaire.pages:
            show_if = (
                gettext(
                    "Only shown when %(condition)s",
                    condition=describe_condition(page.show_when, questionnaire),
                )
                if page.show_when
                else None
            )
            for question in page.questions:
                questions.append(
                    QuestionView(
                        id=question.id,
                        number=len(questions) + 1,
                        text=content_gettext(question.text),
                        hint=content_gettext(question.hint) if question.hint else None,
                        answer_type=gettext(question.spec.review_name),
                        options=[content_gettext(o.label) for o in question.options],
                        show_if=show_if,
                        kpis=_kpi_names(question.kpis),
                        optional=question.optional,
                        threads=by_question.get(question.id, []),
                    )
                )
    known = {q.id for q in questions}
    # Comments on questions that were since removed still count, with the whole draft.
    general = by_question.get(None, []) + [
        t for qid, ts in by_question.items() if qid is not None and qid not in known for t in ts
    ]
    return ReviewPage(
        draft=draft,
        questions=questions,
        general=general,
        problems=problems,
        share_url=url_for("review.review", area_slug=area.slug, draft_id=draft.id, _external=True),
        reviewers=_reviewers(db, area),
        history=history(db, draft),
        lineage=draft_lineage(db, area, draft),
    )


@dataclass(frozen=True)
class BreakView:
    """A comparability break in plain words."""

    question_id: str
    kpis: list[str]
    explanation: str
    before: str
    after: str


def break_views(breaks: tuple[ComparabilityBreak, ...]) -> list[BreakView]:
    """The breaks as the warning page shows them."""
    return [
        BreakView(
            question_id=b.question_id,
            kpis=_kpi_names(b.kpi_ids),
            explanation=str(BREAK_EXPLANATIONS[b.kind]),
            before=b.before,
            after=b.after,
        )
        for b in breaks
    ]


def published_message(published: Published) -> str:
    """The flash after publishing: the new version's number, or that nothing changed."""
    number = published.version.version
    if published.created:
        return gettext("Published as version %(number)s", number=number)
    return gettext(
        "Nothing has changed since version %(number)s: no new version was made", number=number
    )

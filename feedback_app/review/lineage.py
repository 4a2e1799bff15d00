"""Lineage of published versions: which draft and version each came from, what
changed, and whether results stay comparable (ADR 0027).

A draft stays editable after it is published. Publishing it again makes the next
version; waves keep the version they were scheduled with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.designer.drafts import draft_problems, draft_questionnaire
from feedback_app.models import LocalArea, QuestionnaireDraft, QuestionnaireVersion
from feedback_app.review.publishing import area_questionnaire
from surveys import Questionnaire
from surveys.changes import ChangeKind, QuestionnaireChange, questionnaire_changes


def _change_text(kind: ChangeKind, question: str) -> str:
    texts = {
        ChangeKind.ADDED: gettext("question %(q)s added", q=question),
        ChangeKind.REMOVED: gettext("question %(q)s removed", q=question),
        ChangeKind.WORDING: gettext("question %(q)s: wording changed", q=question),
        ChangeKind.HINT: gettext("question %(q)s: hint changed", q=question),
        ChangeKind.SPELLING: gettext(
            "question %(q)s: spelling or punctuation corrected", q=question
        ),
        ChangeKind.OPTIONS: gettext("question %(q)s: answers to choose from changed", q=question),
        ChangeKind.WHO_IS_ASKED: gettext("question %(q)s: who is asked changed", q=question),
        ChangeKind.OPTIONAL: gettext(
            "question %(q)s: whether it can be skipped changed", q=question
        ),
        ChangeKind.DETAILS: gettext("the title, description or notices changed"),
    }
    return texts[kind]


@dataclass(frozen=True)
class ChangeLine:
    """One change in plain words, and whether it keeps results comparable."""

    text: str
    keeps_comparability: bool


def question_names(*questionnaires: Questionnaire) -> dict[str, str]:
    """Question id -> its text, from the first of ``questionnaires`` that asks it."""
    names: dict[str, str] = {}
    for questionnaire in questionnaires:
        for question in questionnaire.questions():
            names.setdefault(question.id, question.text)
    return names


def change_lines(
    changes: Iterable[QuestionnaireChange | Mapping[str, Any]],
    names: Mapping[str, str] | None = None,
) -> list[ChangeLine]:
    """Changes (objects, or the records stored with a version) in plain words, each
    question by its text from ``names`` (its id only where no text is known)."""
    lines = []
    for change in changes:
        if not isinstance(change, QuestionnaireChange):
            change = QuestionnaireChange(ChangeKind(change["kind"]), change.get("question_id"))
        question = change.question_id or ""
        shown = f"“{names[question]}”" if names and question in names else question
        lines.append(ChangeLine(_change_text(change.kind, shown), change.keeps_comparability))
    return lines


@dataclass(frozen=True)
class DraftLineage:
    """Where a draft stands against the versions published from it."""

    #: The newest version published from this draft (None: never published).
    published: QuestionnaireVersion | None
    #: The draft's changes since that version, in plain words (None: cannot tell yet).
    pending: list[ChangeLine] | None

    @property
    def keeps_comparability(self) -> bool:
        """True when publishing the draft now keeps results comparable."""
        return all(line.keeps_comparability for line in self.pending or [])


def published_from(db: Session, draft: QuestionnaireDraft) -> QuestionnaireVersion | None:
    """The newest version published from ``draft``, or None."""
    return db.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.area_id == draft.area_id,
            QuestionnaireVersion.draft_id == draft.id,
        )
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    )


def draft_lineage(db: Session, area: LocalArea, draft: QuestionnaireDraft) -> DraftLineage:
    """The version last published from ``draft`` and what the draft changes since."""
    version = published_from(db, draft)
    if version is None:
        return DraftLineage(published=None, pending=None)
    if draft_problems(draft):
        return DraftLineage(published=version, pending=None)
    before = questionnaire_for(version)
    later = area_questionnaire(area, draft_questionnaire(draft))
    return DraftLineage(
        published=version,
        pending=change_lines(questionnaire_changes(before, later), question_names(later, before)),
    )

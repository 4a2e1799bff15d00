"""Drafts: questionnaires being designed, saved as numbered revisions.

A draft holds YAML text that may be invalid while someone is working on it; every
save keeps a revision (who, when, what changed) as evidence of co-production.
Publishing needs a draft that passes every check.
"""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy.orm import Session

from feedback_app.models import (
    DraftRevision,
    LocalArea,
    QuestionnaireDraft,
    QuestionnaireVersion,
    StaffUser,
    newest_first,
    utcnow,
)
from surveys import Questionnaire, QuestionnaireError, dump_questionnaire, parse_questionnaire

#: The blank template's stand-in words: publishing refuses a draft that still has them.
PLACEHOLDER_DESCRIPTION = "Who this survey is for, and why we are asking."
PLACEHOLDER_QUESTION = "Write your first question here"

BLANK_TEMPLATE = """\
id: {id}
title: {title}
description: Who this survey is for, and why we are asking.
kind: annual
estimated_minutes: 5
privacy_notice: >-
  This survey is anonymous. We do not ask for your name and we do not record your
  internet address. Please do not write anyone's name in your answers.
next_steps: >-
  Thank you. We will share what we found and what we will do about it.
first_page: first_question
pages:
  - id: first_question
    questions:
      - id: first_question
        type: agreement
        text: Write your first question here
"""
assert PLACEHOLDER_DESCRIPTION in BLANK_TEMPLATE and PLACEHOLDER_QUESTION in BLANK_TEMPLATE


def questionnaire_id_for(title: str) -> str:
    """A questionnaire id made from a title ("Parent survey 2026" -> parent_survey_2026)."""
    slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"q_{slug}".rstrip("_")
    return slug[:60]


def create_draft(
    db: Session,
    *,
    area: LocalArea,
    title: str,
    user: StaffUser | None,
    start_from: Questionnaire | None = None,
    based_on: QuestionnaireVersion | None = None,
) -> QuestionnaireDraft:
    """Start a draft from a questionnaire (a bundled template, an import, a live
    version) or from a blank template. Commits."""
    if start_from is not None:
        definition = dump_questionnaire(start_from)
        questionnaire_id = start_from.id
    else:
        questionnaire_id = questionnaire_id_for(title)
        definition = BLANK_TEMPLATE.format(id=questionnaire_id, title=title.replace(":", " -"))
    draft = QuestionnaireDraft(
        area_id=area.id,
        questionnaire_id=questionnaire_id,
        title=title,
        definition=definition,
        revision=1,
        based_on_version_id=based_on.id if based_on else None,
        created_by_id=user.id if user else None,
    )
    db.add(draft)
    db.flush()
    db.add(
        DraftRevision(
            draft_id=draft.id,
            revision=1,
            definition=definition,
            summary="started the draft",
            author_id=user.id if user else None,
        )
    )
    db.commit()
    return draft


def draft_questionnaire(draft: QuestionnaireDraft) -> Questionnaire:
    """The draft as a validated questionnaire; raises QuestionnaireError with every problem."""
    return parse_questionnaire(draft.definition, source=f"draft {draft.id}")


def draft_problems(draft: QuestionnaireDraft) -> list[str]:
    """Every problem with the draft, in plain words ("" list when it is valid)."""
    try:
        draft_questionnaire(draft)
    except QuestionnaireError as error:
        return [f"{p.where}: {p.message}" for p in error.problems]
    return []


def placeholder_problems(questionnaire: Questionnaire) -> list[str]:
    """The blank template's stand-in words still in ``questionnaire``, as problems
    that stop it being published (families would read them)."""

    def same(text: str | None, placeholder: str) -> bool:
        return (text or "").strip().rstrip(".").casefold() == placeholder.rstrip(".").casefold()

    problems = []
    if same(questionnaire.description, PLACEHOLDER_DESCRIPTION):
        problems.append(
            gettext(
                "description: it still says “%(text)s”. Write who the survey is for and "
                "why you are asking",
                text=PLACEHOLDER_DESCRIPTION,
            )
        )
    for question in questionnaire.questions():
        if same(question.text, PLACEHOLDER_QUESTION):
            problems.append(
                gettext(
                    "question %(id)s: it still says “%(text)s”. Write the question",
                    id=question.id,
                    text=PLACEHOLDER_QUESTION,
                )
            )
    return problems


def save_draft(
    db: Session,
    draft: QuestionnaireDraft,
    *,
    definition: str | Questionnaire,
    user: StaffUser | None,
    summary: str,
) -> int:
    """Save a new revision of the draft (YAML text or a questionnaire); returns its
    number. Commits. The text is kept even when invalid, so no work is lost."""
    text = dump_questionnaire(definition) if isinstance(definition, Questionnaire) else definition
    draft.revision += 1
    draft.definition = text
    draft.updated_at = utcnow()
    db.add(
        DraftRevision(
            draft_id=draft.id,
            revision=draft.revision,
            definition=text,
            summary=summary[:500],
            author_id=user.id if user else None,
        )
    )
    db.commit()
    return draft.revision


def area_drafts(db: Session, area: LocalArea) -> list[QuestionnaireDraft]:
    """The area's drafts, most recently changed first."""
    return newest_first(
        db, QuestionnaireDraft, QuestionnaireDraft.updated_at, QuestionnaireDraft.area_id == area.id
    )

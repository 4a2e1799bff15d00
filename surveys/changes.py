"""What changed between two versions of a questionnaire, and whether each change
keeps results comparable with the earlier version.

Publishing a corrected draft makes a new version; its record says which version
it came from and, question by question, what changed. A change *keeps
comparability* when an answer to the new version means the same as an answer to
the old one: a corrected hint, a new question (it has no earlier figures to
compare), the start or end page's wording. Changed question wording or answer
options, a removed question, or a change of who is asked (``show_when``) do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from surveys.model import Page, Question, Questionnaire


class ChangeKind(StrEnum):
    """How one part of a questionnaire changed between two versions."""

    ADDED = "added"
    REMOVED = "removed"
    WORDING = "wording"
    HINT = "hint"
    OPTIONS = "options"
    WHO_IS_ASKED = "who_is_asked"
    OPTIONAL = "optional"
    DETAILS = "details"


#: Changes after which an answer still means what it meant in the earlier version.
COMPARABLE_KINDS = frozenset({ChangeKind.ADDED, ChangeKind.HINT, ChangeKind.DETAILS})


@dataclass(frozen=True)
class QuestionnaireChange:
    """One change: the question it is about (None: the questionnaire as a whole)."""

    kind: ChangeKind
    question_id: str | None = None

    @property
    def keeps_comparability(self) -> bool:
        """True when results of the question still compare with the earlier version."""
        return self.kind in COMPARABLE_KINDS

    def as_record(self) -> dict[str, str | None]:
        """The change as stored with the version (JSON)."""
        return {"kind": self.kind.value, "question_id": self.question_id}


def _pages_by_question(q: Questionnaire) -> dict[str, Page]:
    return {question.id: page for page in q.pages for question in page.questions}


def _question_changes(before: Question, after: Question) -> list[ChangeKind]:
    kinds = []
    if before.text != after.text:
        kinds.append(ChangeKind.WORDING)
    if (before.hint or "") != (after.hint or ""):
        kinds.append(ChangeKind.HINT)
    if tuple((o.code, o.label) for o in before.options) != tuple(
        (o.code, o.label) for o in after.options
    ):
        kinds.append(ChangeKind.OPTIONS)
    if before.optional != after.optional:
        kinds.append(ChangeKind.OPTIONAL)
    return kinds


def questionnaire_changes(
    earlier: Questionnaire, later: Questionnaire
) -> list[QuestionnaireChange]:
    """Every change from ``earlier`` to ``later``, questions in ``later``'s order, then
    removed questions, then the questionnaire's own texts.

    >>> from surveys.library import bundled_questionnaires
    >>> q = bundled_questionnaires()["parent_annual"]
    >>> questionnaire_changes(q, q)
    []
    """
    changes: list[QuestionnaireChange] = []
    pages_before = _pages_by_question(earlier)
    pages_after = _pages_by_question(later)
    for question in later.questions():
        before = earlier.question(question.id)
        if before is None:
            changes.append(QuestionnaireChange(ChangeKind.ADDED, question.id))
            continue
        kinds = _question_changes(before, question)
        changes += [QuestionnaireChange(kind, question.id) for kind in kinds]
        if pages_before[question.id].show_when != pages_after[question.id].show_when:
            changes.append(QuestionnaireChange(ChangeKind.WHO_IS_ASKED, question.id))
    for before in earlier.questions():
        if later.question(before.id) is None:
            changes.append(QuestionnaireChange(ChangeKind.REMOVED, before.id))
    texts = ("title", "description", "privacy_notice", "next_steps", "estimated_minutes")
    if any(getattr(earlier, name) != getattr(later, name) for name in texts):
        changes.append(QuestionnaireChange(ChangeKind.DETAILS))
    return changes


def keeps_comparability(changes: list[QuestionnaireChange]) -> bool:
    """True when every change keeps results comparable with the earlier version."""
    return all(change.keeps_comparability for change in changes)

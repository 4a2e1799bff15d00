"""What changed between two versions of a questionnaire, and whether each change
keeps results comparable with the earlier version.

Publishing a corrected draft makes a new version; its record says which version
it came from and, question by question, what changed. A change *keeps
comparability* when an answer to the new version means the same as an answer to
the old one: a corrected hint, a new question (it has no earlier figures to
compare), the start or end page's wording, and a corrected spelling or
punctuation in a question or an answer label (``spelling_only``: the same words in
the same order, each at most one letter out). Changed question wording or answer
options, a removed question, or a change of who is asked (``show_when``) do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from surveys.model import Page, Question, Questionnaire


class ChangeKind(StrEnum):
    """How one part of a questionnaire changed between two versions."""

    ADDED = "added"
    REMOVED = "removed"
    WORDING = "wording"
    SPELLING = "spelling"
    HINT = "hint"
    OPTIONS = "options"
    WHO_IS_ASKED = "who_is_asked"
    OPTIONAL = "optional"
    DETAILS = "details"


#: Changes after which an answer still means what it meant in the earlier version.
COMPARABLE_KINDS = frozenset(
    {ChangeKind.ADDED, ChangeKind.HINT, ChangeKind.SPELLING, ChangeKind.DETAILS}
)
#: A word is corrected, not replaced, only from this length: "now"/"not" differ by
#: one letter and mean the opposite.
SHORTEST_CORRECTED_WORD = 4
_APOSTROPHES = re.compile(r"['’‘]")
_WORD = re.compile(r"[^\W_]+")


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


def _words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", text.casefold()))


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one letter added, removed, changed or two
    neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a_rest, b_rest = a[start:], b[start:]
    return (
        a_rest[1:] == b_rest[1:]  # changed
        or a_rest[1:] == b_rest  # removed
        or a_rest == b_rest[1:]  # added
        or (len(a_rest) >= 2 and a_rest[:2] == b_rest[1::-1] and a_rest[2:] == b_rest[2:])
    )


def spelling_only(before: str, after: str) -> bool:
    """True when ``after`` only corrects the spelling, punctuation, spacing or capitals
    of ``before``: the same words in the same order, each the same or (from
    ``SHORTEST_CORRECTED_WORD`` letters) one letter out.

    Examples
    --------
    >>> spelling_only("Todays event was usefull to me", "Today's event was useful to me.")
    True
    >>> spelling_only("I am likely to come back", "I am unlikely to come back")
    False
    >>> spelling_only("Agree", "Disagree"), spelling_only("now", "not")
    (False, False)
    """
    if before == after:
        return False
    old, new = _words(before), _words(after)
    if len(old) != len(new):
        return False
    return all(
        a == b or (min(len(a), len(b)) >= SHORTEST_CORRECTED_WORD and _one_edit_apart(a, b))
        for a, b in zip(old, new, strict=True)
    )


def _question_changes(before: Question, after: Question) -> list[ChangeKind]:
    kinds = []
    corrected = False
    if before.text != after.text:
        if spelling_only(before.text, after.text):
            corrected = True
        else:
            kinds.append(ChangeKind.WORDING)
    if (before.hint or "") != (after.hint or ""):
        kinds.append(ChangeKind.HINT)
    old_options = tuple((o.code, o.label) for o in before.options)
    new_options = tuple((o.code, o.label) for o in after.options)
    if old_options != new_options:
        same_codes = [code for code, _ in old_options] == [code for code, _ in new_options]
        if same_codes and all(
            a == b or spelling_only(a, b)
            for (_, a), (_, b) in zip(old_options, new_options, strict=True)
        ):
            corrected = True
        else:
            kinds.append(ChangeKind.OPTIONS)
    if corrected:
        kinds.append(ChangeKind.SPELLING)
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

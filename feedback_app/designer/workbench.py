"""The designer's services around drafts: find, load, save a change, list problems,
import and export a definition file.

Views call these; each change is one draft revision (one transaction), so nothing
a coordinator does is lost and the co-production record is complete.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.designer.drafts import save_draft
from feedback_app.models import DraftRevision, LocalArea, QuestionnaireDraft, StaffUser
from surveys import Questionnaire, QuestionnaireError, dump_questionnaire, parse_questionnaire
from surveys.source import MAX_BYTES, parse_document

#: File names an import accepts: the formats ``feedback-app surveys check`` reads.
IMPORT_SUFFIXES = (".yaml", ".yml", ".json")
_PLACE = re.compile(r'(?:question|page) "([a-z][a-z0-9_]*)"')


def find_draft(db: Session, area: LocalArea, draft_id: int) -> QuestionnaireDraft | None:
    """The area's draft with this id; None for another area's draft or no draft."""
    return db.scalar(
        select(QuestionnaireDraft).where(
            QuestionnaireDraft.id == draft_id, QuestionnaireDraft.area_id == area.id
        )
    )


def editable_questionnaire(draft: QuestionnaireDraft) -> Questionnaire | None:
    """The draft's questionnaire when its shape is sound (it may still have problems
    such as a rule looking at a later question); None when the designer cannot read it."""
    try:
        document = parse_document(draft.definition, source=f"draft {draft.id}")
        return Questionnaire.model_validate(document.data)
    except (QuestionnaireError, ValidationError):
        return None


def save_change(
    db: Session,
    draft: QuestionnaireDraft,
    questionnaire: Questionnaire,
    *,
    user: StaffUser | None,
    summary: str,
) -> int:
    """Save the changed questionnaire as the draft's next revision (commits)."""
    # The draft's name follows the questionnaire's title, so lists stay recognisable.
    draft.title = questionnaire.title[:300]
    return save_draft(db, draft, definition=questionnaire, user=user, summary=summary)


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the overview shows it: which question, and what is wrong."""

    question_id: str | None
    place: str
    message: str


def shown_problems(draft: QuestionnaireDraft) -> list[ShownProblem]:
    """Every problem ``feedback-app surveys check`` would report, tied to its question."""
    try:
        parse_questionnaire(draft.definition, source=f"draft {draft.id}")
    except QuestionnaireError as error:
        questionnaire = editable_questionnaire(draft)
        return [_shown(problem.where, problem.message, questionnaire) for problem in error.problems]
    return []


#: The loader's messages the designer's own actions can cause, said for a coordinator.
_PLAIN_WORDS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^the first page is always shown$"),
        _l(
            "The first question is always shown, so its “show only if” rule cannot work. "
            "Move it down, or change “Show only if” to “Always”."
        ),
    ),
    (
        re.compile(r"^can only look at answers on earlier pages; question '(\w+)' is on a later"),
        _l(
            "Its “show only if” rule looks at the answer to a later question. Move it below "
            "that question, or change the rule."
        ),
    ),
]


def _plain(message: str) -> str:
    for pattern, plain in _PLAIN_WORDS:
        if pattern.search(message):
            return str(plain)
    return message


def _shown(where: str, message: str, questionnaire: Questionnaire | None) -> ShownProblem:
    message = _plain(message)
    match = _PLACE.search(where)
    if match is None or questionnaire is None:
        return ShownProblem(None, gettext("The questionnaire"), message)
    found = match.group(1)
    page = questionnaire.page(found) or questionnaire.page_of(found)
    question = questionnaire.question(found) or (page.questions[0] if page else None)
    if question is None:
        return ShownProblem(None, gettext("The questionnaire"), message)
    number = [q.id for q in questionnaire.questions()].index(question.id) + 1
    return ShownProblem(question.id, gettext("Question %(number)d", number=number), message)


def revisions(db: Session, draft: QuestionnaireDraft) -> list[DraftRevision]:
    """The draft's saved revisions, newest first."""
    return list(
        db.scalars(
            select(DraftRevision)
            .where(DraftRevision.draft_id == draft.id)
            .order_by(DraftRevision.revision.desc())
        )
    )


def restore_revision(
    db: Session, draft: QuestionnaireDraft, revision: int, *, user: StaffUser | None
) -> bool:
    """Go back to an earlier revision, saved as a new one (history is never rewritten).
    False when there is no such revision."""
    old = db.scalar(
        select(DraftRevision).where(
            DraftRevision.draft_id == draft.id, DraftRevision.revision == revision
        )
    )
    if old is None:
        return False
    save_draft(
        db, draft, definition=old.definition, user=user, summary=f"went back to revision {revision}"
    )
    return True


class ImportRefused(ValueError):
    """An uploaded file that cannot become a draft; ``problems`` say why, in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_upload(filename: str, content: bytes) -> Questionnaire:
    """The questionnaire in an uploaded definition file, checked exactly as
    ``feedback-app surveys check`` checks it; raise ImportRefused listing every problem."""
    if not filename.lower().endswith(IMPORT_SUFFIXES):
        raise ImportRefused([gettext("The selected file must be a .yaml, .yml or .json file")])
    if len(content) > MAX_BYTES:
        raise ImportRefused([gettext("The selected file must be smaller than 100 KB")])
    if not content.strip():
        raise ImportRefused([gettext("The selected file is empty")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [gettext("The selected file must be a text file saved as UTF-8, like the export")]
        ) from None
    if "\x00" in text:
        raise ImportRefused([gettext("The selected file must be a text file, not a binary file")])
    try:
        return parse_questionnaire(text, source=filename[-100:])
    except QuestionnaireError as error:
        lines = [
            gettext("Line %(line)d, %(where)s: %(message)s", **_parts(p.line, p.where, p.message))
            if p.line
            else f"{p.where}: {p.message}"
            for p in error.problems
        ]
        raise ImportRefused(lines) from None


def _parts(line: int | None, where: str, message: str) -> dict[str, object]:
    return {"line": line or 0, "where": where, "message": message}


@dataclass(frozen=True)
class Export:
    """A definition file to download."""

    filename: str
    text: str
    questions: int


def export_file(draft: QuestionnaireDraft) -> Export:
    """The draft as a definition file; a valid draft in the canonical form that
    ``parse_questionnaire`` reads back to the same questionnaire."""
    questionnaire = editable_questionnaire(draft)
    text = draft.definition
    # An invalid draft is shared as it is: the receiving area sees the same problems.
    with suppress(QuestionnaireError):
        text = dump_questionnaire(parse_questionnaire(draft.definition, source="export"))
    count = len(questionnaire.questions()) if questionnaire else 0
    return Export(f"{draft.questionnaire_id}.yaml", text, count)

"""Questionnaires the tests build from the bundled library: the parent annual
survey, one of its questions changed, and the KPI questions it asks."""

from __future__ import annotations

import hashlib
from typing import Any

import yaml
from sqlalchemy.orm import Session

from feedback_app.models import QuestionnaireDraft, QuestionnaireVersion, Wave
from surveys import Questionnaire, parse_questionnaire
from surveys.library import bundled_questionnaires

#: The questions behind the bundled KPIs, in the library's order.
KPI_QUESTIONS = (
    "trust_confidence",
    "help_support_rating",
    "assessment_information_rating",
    "influence_change",
    "listened_to_ehcp",
    "communication_improved",
)


def annual() -> Questionnaire:
    """The bundled parent annual survey."""
    return bundled_questionnaires()["parent_annual"]


def with_question_changed(q: Questionnaire, question_id: str, **update: Any) -> Questionnaire:
    """``q`` with question ``question_id``'s fields changed as ``update`` says."""
    pages = []
    for page in q.pages:
        questions = tuple(
            question.model_copy(update=update) if question.id == question_id else question
            for question in page.questions
        )
        pages.append(page.model_copy(update={"questions": questions}))
    return q.model_copy(update={"pages": tuple(pages)})


#: The keys of a questionnaire definition whose values people read.
TEXT_KEYS = {"title", "text", "hint", "label", "description", "next_steps", "privacy_notice"}


def with_text_appended(node: Any, text: str) -> Any:
    """A questionnaire definition (parsed YAML) with `` text`` added to every value
    people read (``TEXT_KEYS``), at any depth."""
    if isinstance(node, dict):
        return {
            k: (
                f"{v} {text}"
                if k in TEXT_KEYS and isinstance(v, str)
                else with_text_appended(v, text)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [with_text_appended(v, text) for v in node]
    return node


def plant_text(
    session: Session, values: dict[str, Any], text: str, *, name: str
) -> tuple[Wave, QuestionnaireVersion, QuestionnaireDraft]:
    """Add ``text`` to every text of the demo wave ``values["wave_id"]``'s questionnaire
    (still a valid one), publish that as version 99 (titled ``name`` and ``text``) on
    the wave, and put ``text`` in the wave's name and in the draft ``values["draft_id"]``
    (its definition and title). Flushed, not committed."""
    wave = session.get(Wave, values["wave_id"])
    assert wave is not None
    definition = yaml.safe_dump(with_text_appended(yaml.safe_load(wave.version.definition), text))
    parse_questionnaire(definition, source=name.lower())
    version = QuestionnaireVersion(
        area_id=wave.area_id,
        questionnaire_id=wave.version.questionnaire_id,
        version=99,
        title=f"{name} {text}",
        definition=definition,
        # As publishing stores it: the parsed-definition cache is keyed on it.
        checksum=hashlib.sha256(definition.encode()).hexdigest(),
    )
    session.add(version)
    session.flush()
    wave.version_id = version.id
    wave.name = f"Wave {text}"
    draft = session.get(QuestionnaireDraft, values["draft_id"])
    assert draft is not None
    draft.definition, draft.title = definition, f"Draft {text}"
    session.flush()
    return wave, version, draft
